/**
 * Straight lines through the points (log x_i, log y_i): the power laws y ~ C x^p that the lab fits to
 * eigenvalue decay (spectrum/decay.ts) and to convergence in samples or width (kernels/convergence.ts).
 * The callers check that every x and y is > 0, each with its own message.
 *
 * The least-squares line uses centered sums, sum (log x_i - mean)(log y_i - mean) / sum (log x_i - mean)^2,
 * not the one-pass n sum x y - sum x sum y: the log ranks 30..100 of a decay window differ by less than
 * their mean, and the one-pass form cancels about two digits there (slopes 1e-14 off in the last bits).
 */

/** "lsq": least-squares line; "endpoints": the line through the first and the last point. */
export type LineMethod = "lsq" | "endpoints";

export interface LogLogLine {
  /** p in log y = p log x + intercept (natural logs). */
  slope: number;
  intercept: number;
  /** Coefficient of determination of the line in log-log space; 1 when every log y is the same. */
  r2: number;
  /** Sum of the squared residuals of log y about the line. */
  residual: number;
  /** Sum of (log x_i - mean log x)^2; 0 when every x is the same (then the least-squares slope is NaN). */
  spread: number;
}

/** The line of `method` through (log x_i, log y_i); x and y of one length >= 2, every value > 0. */
export function logLogLine(x: ArrayLike<number>, y: ArrayLike<number>, method: LineMethod): LogLogLine {
  const n = x.length;
  const lx = Float64Array.from(x, Math.log);
  const ly = Float64Array.from(y, Math.log);
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
  let slope: number;
  let intercept: number;
  if (method === "lsq") {
    slope = sxy / sxx;
    intercept = my - slope * mx;
  } else {
    const last = n - 1;
    slope = (ly[last] - ly[0]) / (lx[last] - lx[0]);
    intercept = ly[0] - slope * lx[0];
  }
  let residual = 0;
  for (let i = 0; i < n; i++) residual += (ly[i] - intercept - slope * lx[i]) ** 2;
  return { slope, intercept, r2: syy > 0 ? 1 - residual / syy : 1, residual, spread: sxx };
}
