/**
 * Numbers in captions and printouts: a value that may be missing (a slope whose window is not resolved,
 * null) written with a fixed number of decimals, or an em dash when there is none.
 */
import { checkInteger, describeValue } from "../validate";

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
