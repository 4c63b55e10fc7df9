/**
 * The eigen-decay rate of a kernel matrix: the slope of log lambda_i against log i over a rank window,
 * as in the NTK-study write-up ("Experiment 1": ranks 30..100, a least-squares line and the two-endpoint slope).
 *
 * A slope is only reported where every eigenvalue in the window is resolved: above the float64 floor
 * n eps lambda_1 (the backward error of any stable symmetric eigensolver, Golub & Van Loan 8.1.2/8.3).
 * Below it the "eigenvalues" are rounding noise, often negative, and a log-log fit through them is a
 * number about the arithmetic, not the kernel (measured: smooth kernels reach that floor by rank 14-42).
 */
import { logLogLine, type LineMethod } from "../line-fit";
import { checkFiniteList } from "./symmetric";
import { precisionFloor } from "../numeric";
import { checkInteger, optionsObject } from "../validate";

export type SlopeMethod = LineMethod;

export interface DecaySlopeOptions {
  /** First rank of the window, 1-based (default 30). */
  from?: number;
  /** Last rank of the window, inclusive (default 100). */
  to?: number;
  /** "lsq": least-squares line through (log i, log lambda_i); "endpoints": slope between the two ends. */
  method?: SlopeMethod;
  /** Matrix size for the resolution floor n eps lambda_1 (default: the number of eigenvalues given). */
  n?: number;
  /** Fit |lambda| sorted descending, for indefinite kernels (default false). */
  magnitude?: boolean;
}

export interface DecaySlope {
  /** Fitted slope, or null when the window is not resolved (see reason). */
  slope: number | null;
  /** Intercept of the line log lambda = slope log i + intercept, or null. */
  intercept: number | null;
  /** Coefficient of determination of the fitted line over the window, in log-log space, or null. */
  r2: number | null;
  from: number;
  to: number;
  method: SlopeMethod;
  /** True when every eigenvalue in the window lies above the floor. */
  meaningful: boolean;
  /** Why the slope is null. */
  reason?: string;
  /** The floor n eps lambda_1 that was applied. */
  floor: number;
  /** True when |lambda| was fitted instead of lambda. */
  magnitude: boolean;
  note?: string;
}

const METHODS: readonly SlopeMethod[] = ["lsq", "endpoints"];

/** Decay slope of a spectrum given in descending order (with magnitude: true, any order). */
export function decaySlope(eigenvalues: ArrayLike<number>, options?: DecaySlopeOptions | null): DecaySlope {
  const who = "decaySlope";
  checkFiniteList(who, "eigenvalues", eigenvalues);
  const opts = optionsObject(who, options);
  const { from = 30, to = 100, method = "lsq", magnitude = false } = opts;
  const len = eigenvalues.length;
  if (!METHODS.includes(method)) {
    throw new Error(`${who}: method must be "lsq" or "endpoints", got ${String(method)}`);
  }
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to <= from || to > len) {
    throw new Error(
      `${who}: window from=${from}, to=${to} must be integers with 1 <= from < to <= ${len} ` +
        `(the number of eigenvalues given)`,
    );
  }
  const n = opts.n ?? len;
  checkInteger(who, "n", n, len);
  const values = magnitude
    ? Float64Array.from(eigenvalues, Math.abs).sort().reverse()
    : Float64Array.from(eigenvalues);
  if (!magnitude) {
    for (let i = 1; i < len; i++) {
      if (values[i] > values[i - 1]) {
        throw new Error(
          `${who}: eigenvalues must be sorted descending (or pass magnitude: true); ` +
            `eigenvalues[${i}] = ${values[i]} > eigenvalues[${i - 1}] = ${values[i - 1]}`,
        );
      }
    }
  }
  const floor = precisionFloor(n, values[0]);
  const base = {
    from,
    to,
    method,
    floor,
    magnitude,
    ...(magnitude ? { note: "fitted |lambda| sorted descending: the kernel is indefinite or may be" } : {}),
  };
  for (let i = from - 1; i < to; i++) {
    if (!(values[i] > floor)) {
      const what = magnitude ? "|lambda|" : "lambda";
      const reason =
        `${what}_${i + 1} = ${values[i]} is at or below the float64 resolution floor n eps lambda_1 = ${floor} ` +
        `(n = ${n}): the window ${from}..${to} holds rounding noise, not a power law`;
      return { ...base, slope: null, intercept: null, r2: null, meaningful: false, reason };
    }
  }
  const ranks = Int32Array.from({ length: to - from + 1 }, (_, k) => from + k);
  const { slope, intercept, r2 } = logLogLine(ranks, values.subarray(from - 1, to), method);
  return { ...base, slope, intercept, r2, meaningful: true };
}
