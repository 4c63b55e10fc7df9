/**
 * Measuring how an estimated kernel converges to its limit: the relative error of a kernel matrix and the
 * least-squares slope of log error against log size (sample count, width). A Monte Carlo average over m
 * independent terms has error ~ m^{-1/2}; so does the empirical NTK of a width-m network around the
 * analytic NTK (seed 003, Arora et al. 2019, Theorem 3.1 gives the non-asymptotic version).
 */
import { Matrix } from "ml-matrix";
import { checkInteger } from "../validate";
import { readPoints, type PointsInput } from "./points";

export type ErrorNorm = "frobenius" | "max";

/**
 * |estimate - reference| / |reference| for two matrices of one shape (Matrix or number[][]), in the
 * Frobenius norm (default) or the largest-entry norm. Throws when the shapes differ or the reference is 0.
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
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.data.length; k++) {
    const diff = Math.abs(a.data[k] - b.data[k]);
    const ref = Math.abs(b.data[k]);
    if (norm === "frobenius") {
      num += diff * diff;
      den += ref * ref;
    } else {
      num = Math.max(num, diff);
      den = Math.max(den, ref);
    }
  }
  if (!(den > 0)) throw new Error(`${who}: reference must not be the zero matrix`);
  return norm === "frobenius" ? Math.sqrt(num / den) : num / den;
}

/** Root mean square of a list of numbers (e.g. one relative error per seed). */
export function rootMeanSquare(values: ArrayLike<number>): number {
  checkInteger("rootMeanSquare", "values.length", values.length, 1);
  let s = 0;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new Error(`rootMeanSquare: values[${k}] must be finite, got ${values[k]}`);
    }
    s += values[k] * values[k];
  }
  return Math.sqrt(s / values.length);
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
  if (x.length !== y.length) {
    throw new Error(`${who}: y must have as many values as x (${x.length}), got ${y.length}`);
  }
  // Three points at least: two fix the line exactly and leave no residual to estimate its error from.
  checkInteger(who, "x.length", x.length, 3);
  const n = x.length;
  const lx = new Float64Array(n);
  const ly = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const [name, v] of [
      ["x", x[i]],
      ["y", y[i]],
    ] as const) {
      if (!(Number.isFinite(v) && v > 0)) {
        throw new Error(`${who}: ${name}[${i}] must be a finite number > 0, got ${v}`);
      }
    }
    lx[i] = Math.log(x[i]);
    ly[i] = Math.log(y[i]);
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += lx[i] / n;
    my += ly[i] / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) ** 2;
  }
  if (!(sxx > 0)) throw new Error(`${who}: x must hold at least two distinct values`);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i] - intercept - slope * lx[i]) ** 2;
  const r2 = syy > 0 ? 1 - sse / syy : 1;
  const slopeStdError = Math.sqrt(sse / (n - 2) / sxx);
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
export function outputBlock(K: Matrix, outputs: number, a: number, b: number): Matrix {
  const who = "outputBlock";
  checkInteger(who, "outputs", outputs, 1);
  checkInteger(who, "a", a, 0, outputs - 1);
  checkInteger(who, "b", b, 0, outputs - 1);
  if (K.rows % outputs !== 0 || K.columns % outputs !== 0) {
    throw new Error(
      `${who}: K must be (n outputs) x (m outputs) with outputs = ${outputs}, got ${K.rows} x ${K.columns}`,
    );
  }
  const n = K.rows / outputs;
  const m = K.columns / outputs;
  return K.subMatrix(a * n, a * n + n - 1, b * m, b * m + m - 1);
}
