/**
 * Recursive feature machines (Radhakrishnan, Beaglehole, Pandit & Belkin 2022, Science 2024): kernel
 * regression with the Laplace kernel on a Mahalanobis distance, K_M(x, z) = exp(-||x - z||_M / L) with
 * ||v||_M = sqrt(v^T M v), alternating with M <- the average gradient outer product (AGOP) of the fitted
 * predictor, (1/m) sum_j sum_c grad f_c(x_j) grad f_c(x_j)^T over m training points.
 *
 * What follows the authors' code (github.com/aradha/recursive_feature_machines, rfm/ and
 * example_notebooks/): M starts at the identity; each iteration solves (K_M + ridge I) alpha = Y directly and
 * replaces M by the AGOP; after the last update the predictor is fitted once more, so `iterations` updates
 * make iterations + 1 fits. The ridge defaults to their 1e-3, the bandwidth to their LaplaceRFM's 1 (their
 * 2022 scripts used L = 10 with an unnormalized M). The AGOP sums over the c outputs and averages over a
 * random subset of the training points (their 2022 scripts draw 20000 with replacement, their package about
 * 50000 without; here agopPoints, default 20000, drawn without replacement from options.seed). Centering subtracts each output's mean gradient before the outer products,
 * so the AGOP becomes the gradients' covariance (their option `centering`); `diagonal` keeps only the AGOP's
 * diagonal (their `diag`). Since January 2024 their code divides the new M by its largest entry, which fixes
 * the scale of ||.||_M against L whatever the targets' scale; rfm does the same (for a PSD matrix the largest
 * entry in absolute value is on the diagonal, so the new M has max_k M_kk = 1). Where rfm departs: their
 * centering subtracts the mean of each batch of points, rfm the mean over all the AGOP points (the covariance
 * the option names); pairs at distance 0 contribute 0 to a gradient as in theirs (the Laplace kernel has no
 * gradient there), but rfm decides "distance 0" exactly (below) instead of by a threshold of 1e-10.
 *
 * Distances: ||x - z||_M^2 = x^T M x + z^T M z - 2 x^T M z, the cross terms by gemm. The expansion loses
 * the digits of close pairs (the squares cancel), so a pair whose expanded square is below 2^-20 (x^T M x +
 * z^T M z) is recomputed from its difference v = x - z as (M x - M z) . v (the rows M x are at hand), which
 * is exactly 0 for equal points; a pair known to be the same point (K(X, X)'s diagonal, an AGOP point with
 * itself) is 0 without arithmetic. Squares below 0 (rounding, or an M that is not positive semidefinite) are
 * clamped to 0. The points are divided by a common power of two and M by a power of four first (exactly), so
 * that points near 1e150 or 1e-150 neither overflow nor underflow; scaling the points and L by a power of
 * two then changes no bit of the kernel.
 *
 * The gradient of f_c(x) = sum_i alpha_ic K_M(x, x_i) is
 *   grad f_c(x) = -(1/L) sum_i alpha_ic K_M(x, x_i) M (x - x_i) / ||x - x_i||_M
 *              = -(1/L) [ (sum_i W_i alpha_ic) M x - sum_i W_i alpha_ic M x_i ],   W_i = K_M(x, x_i) / ||x - x_i||_M,
 * so for a block of b points all c gradients are one product W (b x n) times the n x (c d) matrix of rows
 * alpha_ic (M x_i)^T, and the AGOP is then G^T G (gemm) over the (b c) x d gradients of each block.
 */
import { Matrix } from "ml-matrix";
import { gemm, mat } from "../linalg/gemm";
import { matrixOfRows } from "../kernels/assemble";
import { readPair, readPoints, type Points, type PointsInput } from "../kernels/points";
import { checkMemory, gemmWorkBytes } from "../memory";
import { Rng } from "../random";
import { symmetricArray, type SymmetricInput } from "../spectrum/symmetric";
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkOptionKeys,
  checkPositive,
  checkProgress,
  describeValue,
  optionsObject,
  renamed,
  type ProgressStart,
} from "../validate";
import { multiOutputKernelRegression } from "./kernel-regression";

/**
 * A Mahalanobis matrix: a symmetric positive semidefinite d x d Matrix or array of rows, or the list of
 * its d diagonal entries (a diagonal M).
 */
export type MahalanobisInput = SymmetricInput | ArrayLike<number>;

/** Coefficients or targets: an n x c Matrix or array of rows (one per point), or a list of n numbers (c = 1). */
export type OutputsInput = Matrix | ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

export interface LaplaceMahalanobisOptions {
  /** The Mahalanobis matrix (default the identity: then the kernel is laplaceKernel's with sigma = bandwidth). */
  M?: MahalanobisInput;
  /** The bandwidth L > 0 (default 1). */
  bandwidth?: number;
}

export interface AgopOptions extends LaplaceMahalanobisOptions {
  /** Subtract each output's mean gradient first: the gradients' covariance (default false). */
  centering?: boolean;
  /** Only the diagonal (the off-diagonal entries are 0; default false). */
  diagonal?: boolean;
}

/** A fitted predictor f(x) = K_M(x, X) alpha of a recursive feature machine. */
export interface RfmPredictor {
  /** Which fit: 0 is plain Laplace kernel regression (M = I), t the fit after t updates of M. */
  readonly iteration: number;
  /** The d x d Mahalanobis matrix of its kernel (symmetric PSD; diagonal with options.diagonal). */
  readonly M: Matrix;
  /** The n x c coefficients, (K_M(X, X) + ridge I) alpha = Y. */
  readonly alpha: Matrix;
  readonly bandwidth: number;
  /**
   * The m x c predictions K_M(points, X) alpha at the m rows of points. Their gradients:
   * laplaceMahalanobisGradients(X, alpha, points, { M, bandwidth }).
   */
  predict(points: PointsInput): Matrix;
}

/** A recursive feature machine: its final predictor and the record of every fit. */
export interface Rfm<E> extends RfmPredictor {
  /** Ms[t] is the M of fit t, t = 0 .. iterations (Ms[0] = I; the last is M). */
  readonly Ms: readonly Matrix[];
  /** evaluations[t] = options.evaluate(t, fit t), t = 0 .. iterations (empty without evaluate). */
  readonly evaluations: readonly E[];
  /** The indices (ascending) of the training points the AGOP averages over. */
  readonly agopIndices: Int32Array;
}

export interface RfmOptions<E> {
  /** Updates of M, an integer >= 0 (default 3; 0 is plain Laplace kernel regression). */
  iterations?: number;
  /** The kernel's bandwidth L > 0 (default 1, as the authors' LaplaceRFM). */
  bandwidth?: number;
  /** The ridge >= 0 of every solve (default 1e-3, as the authors'). */
  ridge?: number;
  /** Center the gradients before their outer products (default false). */
  centering?: boolean;
  /** Learn a diagonal M: only the AGOP's diagonal (default false). */
  diagonal?: boolean;
  /** How many training points (drawn without replacement) the AGOP averages over, >= 1 (default 20000; all when n is smaller). */
  agopPoints?: number;
  /** Seed of that draw (default 1). */
  seed?: number;
  /** false (default) or a progress display such as lab.progress: one tick per fit. */
  progress?: ProgressStart | false;
  /** Called after every fit t = 0 .. iterations with the fitted predictor; its values are returned as evaluations. */
  evaluate?: (iteration: number, predictor: RfmPredictor) => E;
}

// ---- numerics --------------------------------------------------------------------------------------------

/** A pair whose expanded squared distance is below this share of x^T M x + z^T M z is recomputed directly. */
const CLOSE = 2 ** -20;
/** Bytes of one block of rows (the weights W and the gradients of a block of points). */
const BLOCK_BYTES = 32 * 2 ** 20;

/** The exponent e of the largest power of two 2^e <= v, for v > 0 finite; 0 for v = 0. */
function exponentBelow(v: number): number {
  if (!(v > 0)) return 0;
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--;
  else if (2 ** (e + 1) <= v) e++;
  return e;
}

/** a / divisor entry by entry, a new array (a plain loop: Float64Array.from with a map is many times slower). */
function dividedBy(a: Float64Array, divisor: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] / divisor;
  return out;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** M = rootM^2 scaled, scaled's largest entry in [1, 4) (rootM a power of two: exact). */
interface Metric {
  readonly d: number;
  /** M / rootM^2: d x d row-major, or its d diagonal entries when diagonal. */
  readonly scaled: Float64Array;
  readonly diagonal: boolean;
  readonly rootM: number;
}

function metricOf(values: Float64Array, d: number, diagonal: boolean): Metric {
  const k = Math.floor(exponentBelow(maxAbs(values)) / 2);
  // Twice by 2^k: 4^k itself underflows to 0 for the smallest M (k = -537).
  const scaled = dividedBy(dividedBy(values, 2 ** k), 2 ** k);
  return { d, scaled, diagonal, rootM: 2 ** k };
}

/** The metric's M as a d x d Matrix. */
function metricMatrix(metric: Metric): Matrix {
  const { d, scaled, diagonal, rootM } = metric;
  const M = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    if (diagonal) M.set(i, i, scaled[i] * rootM * rootM);
    else for (let j = 0; j < d; j++) M.set(i, j, scaled[i * d + j] * rootM * rootM);
  }
  return M;
}

/** Points divided by a power of two s, with the rows M' x' (M' = M / rootM^2) and the squares x'^T M' x'. */
interface Scaled {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
  readonly xm: Float64Array;
  readonly q: Float64Array;
}

/** The power of two that brings the largest coordinate of all the point sets into [1, 2). */
function commonScale(...sets: Points[]): number {
  return 2 ** exponentBelow(Math.max(...sets.map((p) => maxAbs(p.data))));
}

function scaledPoints(p: Points, s: number, metric: Metric): Scaled {
  const { n, d } = p;
  const x = dividedBy(p.data, s);
  const xm = new Float64Array(n * d);
  if (metric.diagonal) {
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xm[i * d + k] = x[i * d + k] * metric.scaled[k];
  } else {
    // M' symmetric: row i of X' M' is (M' x'_i)^T.
    gemm(mat(n, d, x), mat(d, d, metric.scaled), mat(n, d, xm));
  }
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < d; k++) t += x[i * d + k] * xm[i * d + k];
    q[i] = t;
  }
  return { n, d, x, xm, q };
}

/** The rows `rows` of a scaled point set (the AGOP points among the training points). */
function scaledRows(p: Scaled, rows: Int32Array): Scaled {
  const { d } = p;
  const x = new Float64Array(rows.length * d);
  const xm = new Float64Array(rows.length * d);
  const q = new Float64Array(rows.length);
  rows.forEach((r, j) => {
    x.set(p.x.subarray(r * d, r * d + d), j * d);
    xm.set(p.xm.subarray(r * d, r * d + d), j * d);
    q[j] = p.q[r];
  });
  return { n: rows.length, d, x, xm, q };
}

/**
 * ||z_j - x_i||_M' from the difference v = z'_j - x'_i, as sqrt((M' z'_j - M' x'_i) . v) on v / max|v| (so
 * that tiny differences do not underflow); 0 for equal points and where the square is not positive. With
 * direction, writes M' v / ||v||_M' into it when the distance is positive.
 */
function directDistance(Z: Scaled, j: number, X: Scaled, i: number, direction: Float64Array | null): number {
  const { d } = Z;
  let largest = 0;
  for (let k = 0; k < d; k++) largest = Math.max(largest, Math.abs(Z.x[j * d + k] - X.x[i * d + k]));
  if (largest === 0) return 0;
  let square = 0;
  for (let k = 0; k < d; k++) {
    square += ((Z.xm[j * d + k] - X.xm[i * d + k]) / largest) * ((Z.x[j * d + k] - X.x[i * d + k]) / largest);
  }
  if (!(square > 0)) return 0;
  const root = Math.sqrt(square);
  if (direction) {
    for (let k = 0; k < d; k++) direction[k] = (Z.xm[j * d + k] - X.xm[i * d + k]) / largest / root;
  }
  return largest * root;
}

/** ||z_j - x_i||_M' from the Gram entry z'_j^T M' x'_i, or directly for a close pair. */
function distanceOf(Z: Scaled, j: number, X: Scaled, i: number, gram: number): number {
  const sum = Z.q[j] + X.q[i];
  const square = sum - 2 * gram;
  return sum > 0 && square > CLOSE * sum ? Math.sqrt(square) : directDistance(Z, j, X, i, null);
}

/** exp(-r unit) with exp(0) = 1 however large unit is (r unit would be 0 * Infinity). */
const laplaceOf = (r: number, unit: number): number => (r === 0 ? 1 : Math.exp(-r * unit));

/** K(X, X) (n x n row-major) of scaled points; unit = s rootM / L turns scaled distances into exponents. */
function symmetricKernel(X: Scaled, unit: number): Float64Array {
  const { n, d } = X;
  const K = new Float64Array(n * n);
  gemm(mat(n, d, X.xm), mat(n, d, X.x), mat(n, n, K), { transB: true, upper: true });
  for (let j = 0; j < n; j++) {
    K[j * n + j] = 1;
    for (let i = j + 1; i < n; i++) {
      const v = laplaceOf(distanceOf(X, j, X, i, K[j * n + i]), unit);
      K[j * n + i] = v;
      K[i * n + j] = v;
    }
  }
  return K;
}

/** K(Z[j0 .. j0 + b), X) into out (b x n row-major). */
function crossKernelRows(Z: Scaled, X: Scaled, j0: number, b: number, unit: number, out: Float64Array): void {
  const { n, d } = X;
  gemm(mat(b, d, Z.xm.subarray(j0 * d, (j0 + b) * d)), mat(n, d, X.x), mat(b, n, out.subarray(0, b * n)), {
    transB: true,
  });
  for (let jj = 0; jj < b; jj++) {
    for (let i = 0; i < n; i++) {
      out[jj * n + i] = laplaceOf(distanceOf(Z, j0 + jj, X, i, out[jj * n + i]), unit);
    }
  }
}

/** Rows per block so that a block's b x perRow doubles stay within BLOCK_BYTES (at least 1, at most m). */
const blockRows = (m: number, perRow: number): number =>
  Math.max(1, Math.min(m, Math.floor(BLOCK_BYTES / (8 * perRow))));

/**
 * The gradients g'_jc = -sum_i alpha_ic (K_ji / r_ji) M' (z'_j - x'_i) at the points Z in blocks of rows,
 * r_ji = ||z'_j - x'_i||_M' (the true gradient is (rootM / L) g'). consume(j0, b, G) receives block rows
 * j0 .. j0 + b as G, (b c) x d row-major: row jj c + cc is g' of output cc at point j0 + jj. same[j] is the
 * index of X that is the point Z[j] itself, or -1.
 */
function forGradientBlocks(
  X: Scaled,
  alpha: Float64Array,
  c: number,
  Z: Scaled,
  same: Int32Array | null,
  unit: number,
  consume: (j0: number, b: number, G: Float64Array) => void,
): void {
  const { n, d } = X;
  const m = Z.n;
  const cd = c * d;
  // B[i, cc d + k] = alpha_icc (M' x'_i)_k.
  const B = new Float64Array(n * cd);
  for (let i = 0; i < n; i++) {
    for (let cc = 0; cc < c; cc++) {
      const a = alpha[i * c + cc];
      for (let k = 0; k < d; k++) B[i * cd + cc * d + k] = a * X.xm[i * d + k];
    }
  }
  const rows = blockRows(m, n + cd + c);
  const W = new Float64Array(rows * n);
  const G = new Float64Array(rows * cd);
  const S = new Float64Array(rows * c);
  const direction = new Float64Array(d);
  for (let j0 = 0; j0 < m; j0 += rows) {
    const b = Math.min(rows, m - j0);
    gemm(mat(b, d, Z.xm.subarray(j0 * d, (j0 + b) * d)), mat(n, d, X.x), mat(b, n, W.subarray(0, b * n)), {
      transB: true,
    });
    G.fill(0, 0, b * cd);
    for (let jj = 0; jj < b; jj++) {
      const j = j0 + jj;
      const self = same ? same[j] : -1;
      for (let i = 0; i < n; i++) {
        const at = jj * n + i;
        const sum = Z.q[j] + X.q[i];
        const square = sum - 2 * W[at];
        if (i !== self && sum > 0 && square > CLOSE * sum) {
          const r = Math.sqrt(square);
          W[at] = Math.exp(-r * unit) / r;
          continue;
        }
        // The same point, or a close pair: out of the product, its exact term added here.
        W[at] = 0;
        if (i === self) continue;
        const r = directDistance(Z, j, X, i, direction);
        if (r === 0) continue;
        const K = Math.exp(-r * unit);
        if (K === 0) continue;
        for (let cc = 0; cc < c; cc++) {
          const a = alpha[i * c + cc] * K;
          const row = (jj * c + cc) * d;
          for (let k = 0; k < d; k++) G[row + k] -= a * direction[k];
        }
      }
    }
    const weights = mat(b, n, W.subarray(0, b * n));
    gemm(weights, mat(n, cd, B), mat(b, cd, G.subarray(0, b * cd)), { beta: 1 });
    gemm(weights, mat(n, c, alpha), mat(b, c, S.subarray(0, b * c)));
    for (let jj = 0; jj < b; jj++) {
      const zm = (j0 + jj) * d;
      for (let cc = 0; cc < c; cc++) {
        const s = S[jj * c + cc];
        const row = (jj * c + cc) * d;
        for (let k = 0; k < d; k++) G[row + k] -= s * Z.xm[zm + k];
      }
    }
    consume(j0, b, G.subarray(0, b * cd));
  }
}

/**
 * The AGOP (1/m) sum_j sum_c g'_jc g'_jc^T of forGradientBlocks' gradients, centered: minus each output's
 * mean outer product. The sums run on gradients minus each output's mean over the first block (a shift
 * that keeps the subtraction of the mean from cancelling digits). d x d row-major (exactly symmetric), or
 * the d diagonal entries.
 */
function agopOf(
  X: Scaled,
  alpha: Float64Array,
  c: number,
  Z: Scaled,
  same: Int32Array | null,
  unit: number,
  centering: boolean,
  diagonal: boolean,
): Float64Array {
  const { d } = X;
  const m = Z.n;
  const A = new Float64Array(diagonal ? d : d * d);
  const shift = new Float64Array(c * d);
  const sums = new Float64Array(c * d);
  forGradientBlocks(X, alpha, c, Z, same, unit, (j0, b, G) => {
    if (centering) {
      if (j0 === 0) {
        for (let r = 0; r < b * c; r++)
          for (let k = 0; k < d; k++) shift[(r % c) * d + k] += G[r * d + k] / b;
      }
      for (let r = 0; r < b * c; r++) {
        for (let k = 0; k < d; k++) {
          const v = G[r * d + k] - shift[(r % c) * d + k];
          G[r * d + k] = v;
          sums[(r % c) * d + k] += v;
        }
      }
    }
    if (diagonal) {
      for (let r = 0; r < b * c; r++) for (let k = 0; k < d; k++) A[k] += G[r * d + k] ** 2;
    } else {
      gemm(mat(b * c, d, G), mat(b * c, d, G), mat(d, d, A), { transA: true, beta: 1, upper: true });
    }
  });
  for (let t = 0; t < A.length; t++) A[t] /= m;
  if (centering) {
    // sum_c delta_c delta_c^T, delta_c the mean of the shifted gradients of output c.
    for (let cc = 0; cc < c; cc++) {
      for (let k = 0; k < d; k++) {
        const dk = sums[cc * d + k] / m;
        if (diagonal) A[k] -= dk * dk;
        else for (let l = k; l < d; l++) A[k * d + l] -= dk * (sums[cc * d + l] / m);
      }
    }
    // A covariance's diagonal is >= 0; rounding must not make it negative.
    for (let k = 0; k < d; k++) {
      const at = diagonal ? k : k * d + k;
      A[at] = Math.max(0, A[at]);
    }
  }
  if (!diagonal) for (let k = 0; k < d; k++) for (let l = k + 1; l < d; l++) A[l * d + k] = A[k * d + l];
  return A;
}

// ---- arguments --------------------------------------------------------------------------------------------

const isList = (v: unknown): v is ArrayLike<unknown> =>
  Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** M as a Metric for points of dimension d: undefined is the identity; a diagonal matrix is kept as its diagonal. */
function readMetric(who: string, M: unknown, d: number): Metric {
  if (M === undefined) return metricOf(new Float64Array(d).fill(1), d, true);
  const shape = `a symmetric positive semidefinite ${d} x ${d} Matrix or array of rows, or a list of its ${d} diagonal entries (d = ${d}, the points' dimension)`;
  if (!(M instanceof Matrix) && !isList(M))
    throw new Error(`${who}: M must be ${shape}, got ${describeValue(M)}`);
  if (!(M instanceof Matrix) && (M.length === 0 || typeof M[0] === "number")) {
    if (M.length !== d) throw new Error(`${who}: M must be ${shape}; got a list of ${M.length} numbers`);
    const diagonal = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      const v = M[k];
      if (typeof v !== "number") throw new Error(`${who}: M[${k}] must be a number, got ${describeValue(v)}`);
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new Error(`${who}: M[${k}] must be a finite number >= 0 (a diagonal entry of M), got ${v}`);
      }
      diagonal[k] = v;
    }
    return metricOf(diagonal, d, true);
  }
  const { n, a } = symmetricArray(who, M as SymmetricInput, undefined, "M");
  if (n !== d) throw new Error(`${who}: M must be ${d} x ${d} (the points' dimension), got ${n} x ${n}`);
  for (let k = 0; k < d; k++) {
    if (!(a[k * d + k] >= 0)) {
      throw new Error(
        `${who}: M must be positive semidefinite; its diagonal entry M[${k}][${k}] = ${a[k * d + k]} is negative`,
      );
    }
  }
  let offDiagonal = false;
  for (let t = 0; t < d * d && !offDiagonal; t++) offDiagonal = a[t] !== 0 && t % (d + 1) !== 0;
  return offDiagonal
    ? metricOf(a, d, false)
    : metricOf(
        Float64Array.from({ length: d }, (_, k) => a[k * d + k]),
        d,
        true,
      );
}

/** An n x c argument (alpha, Y) as a row-major Float64Array; a list of n numbers is one column. */
function readOutputs(
  who: string,
  name: string,
  value: unknown,
  n: number,
): { c: number; data: Float64Array } {
  const shape = `an n x c Matrix or array of rows, or a list of n numbers (n = ${n}, one per point of X)`;
  let rows: ArrayLike<unknown>[];
  if (value instanceof Matrix) {
    rows = Array.from({ length: value.rows }, (_, i) => value.getRow(i));
  } else if (isList(value) && value.length > 0 && typeof value[0] !== "number") {
    rows = Array.from(value as ArrayLike<unknown>, (row, i) => {
      if (!isList(row))
        throw new Error(`${who}: ${name}[${i}] must be a row of numbers, got ${describeValue(row)}`);
      return row;
    });
  } else if (isList(value)) {
    rows = Array.from(value, (v) => [v]);
  } else {
    throw new Error(`${who}: ${name} must be ${shape}, got ${describeValue(value)}`);
  }
  const single = !(value instanceof Matrix) && isList(value) && typeof value[0] === "number";
  const c = rows.length > 0 ? rows[0].length : 0;
  if (rows.length !== n || c < 1) {
    throw new Error(
      `${who}: ${name} must be ${shape}, got ${single ? rows.length : `${rows.length} x ${c}`}`,
    );
  }
  const data = new Float64Array(n * c);
  rows.forEach((row, i) => {
    if (row.length !== c) {
      throw new Error(`${who}: ${name}[${i}] must hold ${c} values like ${name}[0], got ${row.length}`);
    }
    for (let k = 0; k < c; k++) {
      const v = row[k];
      const at = single ? `${name}[${i}]` : `${name}[${i}][${k}]`;
      if (typeof v !== "number") throw new Error(`${who}: ${at} must be a number, got ${describeValue(v)}`);
      if (!Number.isFinite(v)) throw new Error(`${who}: ${at} must be finite, got ${v}`);
      data[i * c + k] = v;
    }
  });
  return { c, data };
}

function readBandwidth(who: string, bandwidth: unknown): number {
  if (bandwidth === undefined) return 1;
  checkPositive(who, "bandwidth", bandwidth as number);
  return bandwidth as number;
}

/** Points X and points at which to evaluate, of X's dimension. */
function readEvaluationPoints(who: string, x: Points, points: PointsInput): Points {
  const z = readPoints(who, "points", points);
  if (z.d !== x.d) {
    throw new Error(`${who}: points must have the dimension of X (${x.d} coordinates per row), got ${z.d}`);
  }
  return z;
}

/** alpha / 2^e with 2^e <= max|alpha| < 2^(e+1) (exact), and 2^e; alpha itself and 1 when it is 0. */
function normalizedAlpha(alpha: Float64Array): { alpha: Float64Array; scale: number } {
  const scale = 2 ** exponentBelow(maxAbs(alpha));
  return { alpha: dividedBy(alpha, scale), scale };
}

/** Bytes of forGradientBlocks beside its inputs: B, the blocks and the products' work space. */
function gradientBytes(n: number, m: number, c: number, d: number): number {
  const rows = blockRows(m, n + c * d + c);
  return 8 * (n * c * d + rows * (n + c * d + c) + d) + gemmWorkBytes(rows, c * d, n);
}

/** Bytes of scaled copies of n + m points (points, rows M x, squares) and the product M' X'. */
function scaledBytes(n: number, m: number, d: number): number {
  return 8 * (2 * (n + m) * d + n + m + d * d) + gemmWorkBytes(Math.max(n, m), d, d);
}

// ---- the kernel, its gradients and the AGOP ------------------------------------------------------------

/**
 * The Laplace kernel on a Mahalanobis distance, K_M(x, y) = exp(-||x - y||_M / L), ||v||_M = sqrt(v^T M v)
 * (Radhakrishnan et al. 2022), between the n points X and the m points Y (Y omitted: K(X, X)), an n x m
 * Matrix. options.M: a symmetric positive semidefinite d x d matrix or the list of its diagonal (default the
 * identity, where it equals laplaceKernel(X, Y, { sigma: L }) to rounding); only its symmetry and diagonal
 * are checked, and squared distances below 0 are taken as 0. options.bandwidth: L > 0 (default 1). Peak
 * memory: the result, scaled copies of the points and the product's work space, checked first.
 */
export function laplaceMahalanobisKernel(
  X: PointsInput,
  Y?: PointsInput,
  options?: LaplaceMahalanobisOptions | null,
): Matrix {
  const who = "laplaceMahalanobisKernel";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["M", "bandwidth"]);
  const bandwidth = readBandwidth(who, opts.bandwidth);
  const { x, y, symmetric } = readPair(who, X, Y ?? undefined);
  const metric = readMetric(who, opts.M, x.d);
  checkMemory(
    who,
    8 * x.n * y.n + scaledBytes(x.n, symmetric ? 0 : y.n, x.d) + gemmWorkBytes(x.n, y.n, x.d),
    symmetric ? `lower n (X has ${x.n} points)` : `lower n or m (X has ${x.n} points, Y has ${y.n})`,
  );
  const s = commonScale(x, y);
  const unit = (s * metric.rootM) / bandwidth;
  const Xs = scaledPoints(x, s, metric);
  if (symmetric) return rowsMatrix(symmetricKernel(Xs, unit), x.n, x.n);
  // crossKernelRows(Z, X) puts Z's points on the rows: here X's, against Y's on the columns.
  const Ys = scaledPoints(y, s, metric);
  const K = new Float64Array(x.n * y.n);
  crossKernelRows(Xs, Ys, 0, x.n, unit, K);
  return rowsMatrix(K, x.n, y.n);
}

/** An n x m Matrix over the rows of a row-major array (no copy). */
function rowsMatrix(data: Float64Array, n: number, m: number): Matrix {
  return matrixOfRows(
    Array.from({ length: n }, (_, i) => data.subarray(i * m, (i + 1) * m)),
    m,
  );
}

/**
 * The gradients of the c outputs f_c(x) = sum_i alpha_ic K_M(x, x_i) (laplaceMahalanobisKernel) at the m
 * rows of points: grad f_c(x) = -(1/L) sum_i alpha_ic K_M(x, x_i) M (x - x_i) / ||x - x_i||_M, where a
 * center at distance 0 from x contributes 0 (the Laplace kernel has no gradient there). X: n x d centers;
 * alpha: n x c coefficients (a list of n numbers for c = 1); options as laplaceMahalanobisKernel's. Returns
 * c Matrices m x d, row j of the c-th the gradient of f_c at points[j]. Peak memory: the result, the
 * n x (c d) matrix of alpha_ic M x_i, blocks of 32 MiB and scaled copies of the points, checked first.
 */
export function laplaceMahalanobisGradients(
  X: PointsInput,
  alpha: OutputsInput,
  points: PointsInput,
  options?: LaplaceMahalanobisOptions | null,
): Matrix[] {
  const who = "laplaceMahalanobisGradients";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["M", "bandwidth"]);
  const { bandwidth, x, c, data, z, metric, n, d, m } = readGradientInputs(who, X, alpha, points, opts);
  checkMemory(
    who,
    8 * m * c * d + gradientBytes(n, m, c, d) + scaledBytes(n, m, d),
    `lower n or m (X has ${n} points, points has ${m}, alpha ${c} columns)`,
  );
  const s = commonScale(x, z);
  const unit = (s * metric.rootM) / bandwidth;
  const normalized = normalizedAlpha(data);
  const factor = (metric.rootM / bandwidth) * normalized.scale;
  const out = Array.from({ length: c }, () => new Matrix(m, d));
  forGradientBlocks(
    scaledPoints(x, s, metric),
    normalized.alpha,
    c,
    scaledPoints(z, s, metric),
    null,
    unit,
    (j0, b, G) => {
      for (let jj = 0; jj < b; jj++) {
        for (let cc = 0; cc < c; cc++) {
          for (let k = 0; k < d; k++) {
            const raw = G[(jj * c + cc) * d + k];
            const g = raw === 0 ? 0 : raw * factor;
            if (!Number.isFinite(g)) throw overflow(who, "gradients", metric, bandwidth);
            out[cc].set(j0 + jj, k, g);
          }
        }
      }
    },
  );
  return out;
}

/**
 * The inputs of laplaceMahalanobisGradients and averageGradientOuterProduct, checked: the bandwidth, the
 * centres X, the coefficients alpha (n x c), the points to differentiate at, and M; with their sizes.
 */
function readGradientInputs(
  who: string,
  X: PointsInput,
  alpha: OutputsInput,
  points: PointsInput,
  opts: LaplaceMahalanobisOptions,
) {
  const bandwidth = readBandwidth(who, opts.bandwidth);
  const x = readPoints(who, "X", X);
  const { c, data } = readOutputs(who, "alpha", alpha, x.n);
  const z = readEvaluationPoints(who, x, points);
  const metric = readMetric(who, opts.M, x.d);
  return { bandwidth, x, c, data, z, metric, n: x.n, d: x.d, m: z.n };
}

function overflow(who: string, what: string, metric: Metric, bandwidth: number): Error {
  return new Error(
    `${who}: the ${what} overflow float64 (they scale as sqrt(max M) / bandwidth, about ${metric.rootM} / ${bandwidth}, ` +
      `and alpha); M must be smaller, the bandwidth larger or alpha smaller`,
  );
}

/**
 * The average gradient outer product (Radhakrishnan et al. 2022) of f(x) = K_M(x, X) alpha over the m rows
 * of points: (1/m) sum_j sum_c grad f_c(x_j) grad f_c(x_j)^T (gradients as laplaceMahalanobisGradients'),
 * a d x d symmetric positive semidefinite Matrix. options.centering: subtract each output's mean gradient
 * first (the gradients' covariance); options.diagonal: only the diagonal; M and bandwidth as
 * laplaceMahalanobisKernel's. Peak memory as laplaceMahalanobisGradients' with two d x d matrices in
 * place of the gradients, checked first.
 */
export function averageGradientOuterProduct(
  X: PointsInput,
  alpha: OutputsInput,
  points: PointsInput,
  options?: AgopOptions | null,
): Matrix {
  const who = "averageGradientOuterProduct";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["M", "bandwidth", "centering", "diagonal"]);
  const centering = checkBoolean(who, "centering", opts.centering ?? false);
  const diagonal = checkBoolean(who, "diagonal", opts.diagonal ?? false);
  const { bandwidth, x, c, data, z, metric, n, d, m } = readGradientInputs(who, X, alpha, points, opts);
  checkMemory(
    who,
    8 * (2 * d * d + 2 * c * d) + gradientBytes(n, m, c, d) + scaledBytes(n, m, d) + gemmWorkBytes(d, d, c),
    `lower n or m (X has ${n} points, points has ${m}, alpha ${c} columns)`,
  );
  const s = commonScale(x, z);
  const normalized = normalizedAlpha(data);
  const A = agopOf(
    scaledPoints(x, s, metric),
    normalized.alpha,
    c,
    scaledPoints(z, s, metric),
    null,
    (s * metric.rootM) / bandwidth,
    centering,
    diagonal,
  );
  const factor = (metric.rootM / bandwidth) * normalized.scale;
  const out = new Matrix(d, d);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < d; l++) {
      if (diagonal && l !== k) continue;
      const raw = A[diagonal ? k : k * d + l];
      const v = raw === 0 ? 0 : raw * factor * factor;
      if (!Number.isFinite(v))
        throw overflow(who, "average gradient outer product's entries", metric, bandwidth);
      out.set(k, l, v);
    }
  }
  return out;
}

// ---- recursive feature machines ---------------------------------------------------------------------------

/** The AGOP points: all n in order, or `count` of them drawn without replacement (partial Fisher-Yates), ascending. */
function agopIndices(n: number, count: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (count >= n) return all;
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, count).sort();
}

const RFM_KEYS = [
  "iterations",
  "bandwidth",
  "ridge",
  "centering",
  "diagonal",
  "agopPoints",
  "seed",
  "progress",
  "evaluate",
] as const;

/**
 * A recursive feature machine (Radhakrishnan, Beaglehole, Pandit & Belkin 2022; see the file comment):
 * starting from M = I, `iterations` times fit (K_M(X, X) + ridge I) alpha = Y by
 * multiOutputKernelRegression and set M to the AGOP of the fit over the AGOP points, divided by its largest
 * entry; then fit once more. X: n x d training points; Y: n x c targets (one-hot rows for classes; a list of
 * n numbers for c = 1). Returns the last fit with every fit's M and evaluation. A fit whose gradients all
 * vanish (a zero Y, or points so far apart that K_M = I) leaves M undefined: an Error. Peak memory, checked
 * first: the kernel, the solver's four n x n matrices (multiOutputKernelRegression), the AGOP's work
 * (averageGradientOuterProduct) and the iterations + 1 matrices M.
 */
export function rfm<E = never>(X: PointsInput, Y: OutputsInput, options?: RfmOptions<E> | null): Rfm<E> {
  const who = "rfm";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, RFM_KEYS);
  const { iterations = 3, ridge = 1e-3, agopPoints = 20000, seed = 1, evaluate } = opts;
  checkInteger(who, "iterations", iterations, 0);
  const bandwidth = readBandwidth(who, opts.bandwidth);
  checkNonNegative(who, "ridge", ridge);
  const centering = checkBoolean(who, "centering", opts.centering ?? false);
  const diagonal = checkBoolean(who, "diagonal", opts.diagonal ?? false);
  checkInteger(who, "agopPoints", agopPoints, 1);
  checkInteger(who, "seed", seed, 0, 2 ** 53);
  const startProgress = checkProgress(who, opts.progress ?? false);
  if (evaluate !== undefined)
    checkFunction(who, "evaluate", evaluate, "a function (iteration, predictor) => value");
  const x = readPoints(who, "X", X);
  const { n, d } = x;
  const { c, data: targets } = readOutputs(who, "Y", Y, n);
  const m = Math.min(n, agopPoints);
  checkMemory(
    who,
    8 * (5 * n * n + 2 * n * c + (iterations + 3) * d * d + 2 * c * d) +
      Math.max(gemmWorkBytes(n, n, d), gradientBytes(n, m, c, d)) +
      scaledBytes(n, m, d),
    `lower n (X has ${n} points) or agopPoints`,
  );
  const Ymatrix = new Matrix(
    Array.from({ length: n }, (_, i) => Array.from(targets.subarray(i * c, i * c + c))),
  );
  const indices = agopIndices(n, m, seed);
  const s = commonScale(x);
  const bar = startProgress ? startProgress(iterations + 1, "rfm") : null;
  const Ms: Matrix[] = [];
  const evaluations: E[] = [];
  let metric = readMetric(who, undefined, d);
  let fit: RfmPredictor | null = null;
  for (let t = 0; t <= iterations; t++) {
    const Xs = scaledPoints(x, s, metric);
    const unit = (s * metric.rootM) / bandwidth;
    const solved = renamed(who, "multiOutputKernelRegression", () =>
      multiOutputKernelRegression(rowsMatrix(symmetricKernel(Xs, unit), n, n), Ymatrix, { ridge }),
    );
    const alpha = Float64Array.from(solved.alpha.to1DArray());
    fit = predictor(x, alpha, c, metric, bandwidth, t);
    Ms.push(fit.M);
    if (evaluate) evaluations.push(evaluate(t, fit));
    if (t < iterations) {
      const A = agopOf(
        Xs,
        normalizedAlpha(alpha).alpha,
        c,
        scaledRows(Xs, indices),
        indices,
        unit,
        centering,
        diagonal,
      );
      const largest = maxAbs(A);
      if (!(largest > 0)) {
        const equal = centering ? " or are all equal (centering leaves nothing)" : "";
        throw new Error(
          `${who}: the AGOP of fit ${t} over its ${m} AGOP points is 0 (the gradients vanish${equal}), so the next M ` +
            `is undefined: Y must not be zero, the points of X must lie within a few hundred bandwidths ` +
            `(bandwidth = ${bandwidth}) of each other in ||.||_M (K_M(x, z) underflows to 0 beyond 745 bandwidths)` +
            (centering ? ", and centering needs agopPoints >= 2" : ""),
        );
      }
      metric = metricOf(dividedBy(A, largest), d, diagonal);
    }
    bar?.tick();
  }
  bar?.done();
  return { ...(fit as RfmPredictor), Ms, evaluations, agopIndices: indices };
}

/** The predictor K_M(., X) alpha (alpha n x c row-major) of fit `iteration`. */
function predictor(
  x: Points,
  alpha: Float64Array,
  c: number,
  metric: Metric,
  bandwidth: number,
  iteration: number,
): RfmPredictor {
  const { n, d } = x;
  // A copy: changing the returned Matrix must not change the predictions.
  const alphaMatrix = rowsMatrix(Float64Array.from(alpha), n, c);
  return {
    iteration,
    M: metricMatrix(metric),
    alpha: alphaMatrix,
    bandwidth,
    predict(points) {
      const who = "rfm.predict";
      const z = readEvaluationPoints(who, x, points);
      const m = z.n;
      const rows = blockRows(m, n + c);
      checkMemory(
        who,
        8 * (m * c + rows * (n + c)) + scaledBytes(n, m, d) + gemmWorkBytes(rows, n, d),
        `lower m (points has ${m} points)`,
      );
      const s = commonScale(x, z);
      const unit = (s * metric.rootM) / bandwidth;
      const Xs = scaledPoints(x, s, metric);
      const Zs = scaledPoints(z, s, metric);
      const K = new Float64Array(rows * n);
      const out = new Float64Array(m * c);
      for (let j0 = 0; j0 < m; j0 += rows) {
        const b = Math.min(rows, m - j0);
        crossKernelRows(Zs, Xs, j0, b, unit, K);
        gemm(
          mat(b, n, K.subarray(0, b * n)),
          mat(n, c, alpha),
          mat(b, c, out.subarray(j0 * c, (j0 + b) * c)),
        );
      }
      return rowsMatrix(out, m, c);
    },
  };
}
