/**
 * Measuring how an estimated kernel converges to its limit: the relative error of a kernel matrix (also
 * how far training moved the weights or the empirical NTK) and the least-squares slope of log error
 * against log size (sample count, width). A Monte Carlo average over m independent terms has error
 * ~ m^{-1/2}; so does the empirical NTK of a width-m network around the analytic NTK (the 18.408 project report; Arora et
 * al. 2019, Theorem 3.1 gives the non-asymptotic version).
 */
import { Matrix } from "ml-matrix";
import { logLogLine } from "../line-fit";
import { MIN_NORMAL, scaledNorm } from "../numeric";
import { checkInteger, checkNumberList } from "../validate";
import { readPoints, type PointsInput } from "./points";

export type ErrorNorm = "frobenius" | "max";

/**
 * ||estimate - reference|| / ||reference|| for two matrices of one shape (Matrix, rows of numbers, or two
 * flat lists of numbers: vectors), in the Frobenius norm (default; for vectors the Euclidean norm) or the
 * largest-entry norm: the error of an estimated kernel against its limit, or how far training moved a
 * parameter vector or an empirical NTK (estimate: after, reference: before). Entries near the float64
 * limits are scaled before squaring, so the ratio is as accurate as anywhere else. Throws when the shapes
 * differ or the reference is 0.
 */
export function relativeError(
  estimate: PointsInput,
  reference: PointsInput,
  { norm = "frobenius" }: { norm?: ErrorNorm } = {},
): number {
  const who = "relativeError";
  if (norm !== "frobenius" && norm !== "max") {
    throw new Error(`${who}: norm must be "frobenius" or "max", got ${String(norm)}`);
  }
  const a = readPoints(who, "estimate", estimate);
  const b = readPoints(who, "reference", reference);
  if (a.n !== b.n || a.d !== b.d) {
    throw new Error(
      `${who}: estimate must have the shape of reference (${b.n} x ${b.d}), got ${a.n} x ${a.d}`,
    );
  }
  const zero = `${who}: reference must not be the zero matrix`;
  if (norm === "max") {
    let num = 0;
    let den = 0;
    for (let k = 0; k < a.data.length; k++) {
      num = Math.max(num, Math.abs(a.data[k] - b.data[k]));
      den = Math.max(den, Math.abs(b.data[k]));
    }
    if (!(den > 0)) throw new Error(zero);
    return num / den;
  }
  const { num, den } = squaredNorms(a.data, b.data, 1, 1);
  // The plain ratio where the squares and their ratio are normal finite numbers ([1e150] against [1e-150]
  // has finite squares whose ratio overflows).
  const ratio = num / den;
  if (Number.isFinite(num) && Number.isFinite(den) && den >= MIN_NORMAL && ratio < Infinity) {
    return Math.sqrt(ratio);
  }
  // The squares overflow or underflow. Scale the difference by the largest entry of either and the
  // reference by its own largest entry; the ratio of the norms is scale-free.
  let sa = 0;
  let sb = 0;
  for (let k = 0; k < b.data.length; k++) {
    sa = Math.max(sa, Math.abs(a.data[k]), Math.abs(b.data[k]));
    sb = Math.max(sb, Math.abs(b.data[k]));
  }
  if (!(sb > 0)) throw new Error(zero);
  const scaled = squaredNorms(a.data, b.data, 1 / sa, 1 / sb);
  const out = (sa / sb) * Math.sqrt(scaled.num / scaled.den);
  if (!Number.isFinite(out)) {
    throw new Error(
      `${who}: the relative error overflows: estimate must be within about 1e308 times reference's norm`,
    );
  }
  return out;
}

/** sum (s a_k - s b_k)^2 and sum (t b_k)^2. */
function squaredNorms(a: Float64Array, b: Float64Array, s: number, t: number): { num: number; den: number } {
  let num = 0;
  let den = 0;
  for (let k = 0; k < b.length; k++) {
    num += (s * a[k] - s * b[k]) ** 2;
    den += (t * b[k]) ** 2;
  }
  return { num, den };
}

/** Root mean square of a list of numbers (e.g. one relative error per seed). */
export function rootMeanSquare(values: ArrayLike<number>): number {
  const v = checkNumberList("rootMeanSquare", "values", values, { min: 1 });
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  if (s < Infinity && s >= MIN_NORMAL) return Math.sqrt(s / v.length);
  // Values near the float64 limits: the squares overflow or underflow. Scale by the largest first.
  return scaledNorm(v.length, (k) => v[k], v.length);
}

/** The largest |a_i - b_i| and the first index where it occurs. */
export interface LargestDifference {
  value: number;
  index: number;
}

/**
 * max_i |a_i - b_i| over two lists of n >= 1 finite numbers (e.g. a trained network's curve against the
 * kernel dynamics' on one grid), and the first i where it is reached. Throws when a difference overflows.
 */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): LargestDifference {
  const who = "largestDifference";
  const x = checkNumberList(who, "a", a, { min: 1 });
  const y = checkNumberList(who, "b", b, { length: x.length, lengthRule: " (as many as a)" });
  let value = -1;
  let index = -1;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d > value) [value, index] = [d, i];
  }
  if (!Number.isFinite(value)) {
    throw new Error(
      `${who}: a and b must have differences below the largest double, got |a[${index}] - b[${index}]| = ${value}`,
    );
  }
  return { value, index };
}

export interface LogLogFit {
  /** Least-squares slope of log y on log x. */
  slope: number;
  /** Standard error of the slope (from the residuals: at least three points are required). */
  slopeStdError: number;
  /** Intercept: log y = slope log x + intercept (natural logs). */
  intercept: number;
  /** Coefficient of determination in log-log space. */
  r2: number;
  /** Number of points fitted. */
  points: number;
  /** The fitted line at x: exp(intercept) x^slope. */
  predict(x: number): number;
}

/**
 * Least-squares line through (log x_i, log y_i): the power p of y ~ C x^p. Every x and y must be finite
 * and > 0 (a log of zero or of a negative error would be silently wrong), with at least two distinct x.
 */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): LogLogFit {
  const who = "logLogSlope";
  // Three points at least: two fix the line exactly and leave no residual to estimate its error from.
  const xs = checkNumberList(who, "x", x, { min: 3 });
  const ys = checkNumberList(who, "y", y, { length: xs.length, lengthRule: " (as many as x)" });
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    for (const [name, v] of [
      ["x", xs[i]],
      ["y", ys[i]],
    ] as const) {
      if (!(v > 0)) throw new Error(`${who}: ${name}[${i}] must be a finite number > 0, got ${v}`);
    }
  }
  const { slope, intercept, r2, residual, spread } = logLogLine(xs, ys, "lsq");
  if (!(spread > 0)) throw new Error(`${who}: x must hold at least two distinct values`);
  const slopeStdError = Math.sqrt(residual / (n - 2) / spread);
  return {
    slope,
    slopeStdError,
    intercept,
    r2,
    points: n,
    predict: (at: number) => Math.exp(intercept) * Math.pow(at, slope),
  };
}

/**
 * Block (a, b) of a multi-output kernel matrix in output-major layout (empiricalNtk with c outputs):
 * rows a n .. a n + n - 1, columns b m .. b m + m - 1, where n = K.rows / outputs, m = K.columns / outputs.
 */
export function outputBlock(
  K: Matrix | ArrayLike<ArrayLike<number>>,
  outputs: number,
  a: number,
  b: number,
): Matrix {
  const who = "outputBlock";
  checkInteger(who, "outputs", outputs, 1);
  checkInteger(who, "a", a, 0, outputs - 1);
  checkInteger(who, "b", b, 0, outputs - 1);
  // Every entry checked, not only the block's: a NaN anywhere means the kernel itself went wrong.
  const k = readPoints(who, "K", K);
  if (k.n % outputs !== 0 || k.d % outputs !== 0) {
    throw new Error(
      `${who}: K must be (n outputs) x (m outputs) with outputs = ${outputs}, got ${k.n} x ${k.d}`,
    );
  }
  const n = k.n / outputs;
  const m = k.d / outputs;
  const block = new Matrix(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) block.set(i, j, k.data[(a * n + i) * k.d + b * m + j]);
  }
  return block;
}
