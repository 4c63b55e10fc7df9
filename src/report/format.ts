/**
 * Numbers as the notebooks' captions and findings write them: a value that may be missing (a slope whose
 * window is not resolved, null) with fixed decimals or an em dash, and a fraction or "below" its floor.
 */
import { checkInteger, checkPositive, describeValue } from "../validate";

/**
 * A non-negative fraction for a caption: "below <floor>" when it is under `floor` (> 0; e.g. 1e-16, beyond
 * float64 resolution relative to 1), else its value in exponential notation with `digits` decimals
 * (an integer in [0, 20]; default 1): fractionText(3.2e-5, 1e-16) = "3.2e-5", fractionText(1e-20, 1e-16) =
 * "below 1e-16".
 */
export function fractionText(value: number, floor: number, digits = 1): string {
  const who = "fractionText";
  if (typeof value !== "number" || !(value >= 0)) {
    throw new Error(`${who}: value must be a fraction >= 0 (Infinity allowed), got ${describeValue(value)}`);
  }
  checkPositive(who, "floor", floor);
  checkInteger(who, "digits", digits, 0, 20);
  return value < floor ? `below ${floor}` : value.toExponential(digits);
}

/** value.toFixed(digits) (default 2 decimals), or "—" for null and undefined. NaN and infinities are refused. */
export function fixedOrDash(value: number | null | undefined, digits = 2): string {
  const who = "fixedOrDash";
  checkInteger(who, "digits", digits, 0, 100);
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${who}: value must be a finite number, null or undefined, got ${describeValue(value)}`);
  }
  return value.toFixed(digits);
}

/**
 * A duration as the lab prints it: "4.2 s" (with `decimals` under a minute) or "2 min 27 s". Rounded once,
 * so 119.6 s is "2 min 0 s", not "1 min 60 s".
 */
export function durationText(seconds: number, decimals = 1): string {
  if (seconds < 60) {
    const text = seconds.toFixed(decimals);
    if (Number(text) < 60) return `${text} s`;
  }
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
