/**
 * EigenPro 2 (Ma & Belkin 2019, "Kernel machines that adapt to GPUs for effective large batch training"):
 * mini-batch stochastic gradient descent on the interpolation system K alpha = Y, preconditioned along the
 * top-q eigen-directions of the kernel, with the batch size and step size read off the spectrum.
 *
 * The iteration, in the paper's normalization (the covariance operator of the n training points, whose
 * eigenvalues are those of K / n; f = sum_i alpha_i k(x_i, .)): a batch b of m points moves
 *   f <- f - (eta / m) P sum_{i in b} (f(x_i) - y_i) k(x_i, .),
 *   P = I - sum_{j <= q} (1 - lambda_{q+1} / lambda_j) e_j (x) e_j,
 * where lambda_j and e_j are Nystrom estimates from a random subsample S of s training points: the
 * eigenpairs (lambda_j, u_j) of K_SS / s give the RKHS-unit eigenfunctions
 * e_j = sum_{l in S} u_j[l] k(x_l, .) / sqrt(s lambda_j). In coefficients (V = U / sqrt(s), s x q):
 *   alpha_b <- alpha_b - (eta / m) g_b,                                     g_b = K(X_b, X) alpha - Y_b,
 *   alpha_S <- alpha_S + (eta / m) V diag((1 - lambda_{q+1} / lambda_j) / lambda_j) V^T K(X_S, X_b) g_b.
 * P flattens the top q eigenvalues to lambda_{q+1}, so the preconditioned operator has top eigenvalue
 * lambda_{q+1} and the same eigenvalues as K / n beyond q. The solution is the same interpolant K alpha = Y.
 *
 * Batch and step (the paper, after Ma, Bassily & Belkin 2018): with beta = max_x k(x, x)
 * (taken over the subsample, as the authors' code does) and lambda = the top eigenvalue of the
 * (preconditioned) operator, the critical batch size is m* = beta / lambda; up to m* + 1 the best step
 * grows linearly, eta(m) = m / beta, and beyond it saturates at eta(m) = 2 m / (beta + (m - 1) lambda)
 * (about 2 / lambda, full gradient descent; the two agree at m* + 1), here at SATURATED_STEP_SAFETY
 * of itself (see there). The paper chooses q so that m*(P_q) = beta / lambda_{q+1} reaches the batch its GPU's memory holds, m_G, and
 * m = min(m*, m_G). On this CPU an epoch costs the same n^2 kernel evaluations whatever m is, and
 * (1 - m lambda_j / beta)^(n / m) ~ exp(-n lambda_j / beta) per epoch does not depend on m either while
 * m <= m*: m_G here is the number of rows of the kernel block computed in one call (BLOCK_ENTRIES / n, at
 * most n), the size at which larger batches stop paying, or batchSize when that is given.
 *
 * q = 0 is plain kernel SGD with the paper's step for it: at its default batch m*(k) = beta / lambda_1 it
 * already makes the per-epoch progress exp(-n lambda_j / beta) along eigen-direction j, in many small
 * batches; with batchSize = n it is plain kernel gradient descent, eta ~ 2 / lambda_1, which moves along
 * direction j by only 2 lambda_j / lambda_1 per epoch (the spectral bias).
 *
 * The default batch stays in the linear branch, which tolerates flattened eigenvalues up to twice the
 * Nystrom estimate. A batchSize beyond m* with q > 0 takes the saturated step, whose margin is only
 * SATURATED_STEP_SAFETY: with s = n / 2 the Nystrom errors (a few percent in the flattened eigenvalues)
 * measured up to |1 - eta lambda| = 1 there, which the divergence check reports (lower stepSize).
 *
 * Kernels are computed on the fly, a block of at most BLOCK_ENTRIES / n rows (and all n columns) at a
 * time, so memory is O(n d + s^2 + n c), never n x n (eigenProBytes, checked before anything is
 * allocated). The kernel is any function (A, B) => K(A, B), an |A| x |B| Matrix: a lab Kernel on point
 * sets, or a function of images such as (A, B) => cntk(arch, A, B) (ConvImages in, as X gives them). A
 * precomputed n x n matrix can be used through 1-D points that hold the indices: X = [0, 1, ..., n - 1]
 * and (A, B) => the block of rows A, columns B.
 */
import { Matrix } from "ml-matrix";
import { gemm, mat } from "../linalg/gemm";
import { eigenBytes, eigh } from "../spectrum/eigen";
import { checkMemory, gemmWorkBytes } from "../memory";
import { readPoints, type PointsInput } from "../kernels/points";
import { readImages, type ConvImages } from "../kernels/cntk";
import { shuffle } from "../images/image-set";
import { rngFrom, type Rng } from "../random";
import {
  checkFunction,
  checkInteger,
  checkOptionKeys,
  checkPositive,
  checkProgress,
  describeValue,
  renamed,
  requiredObject,
  type ProgressStart,
} from "../validate";

/** A kernel of point sets: K(A, B) as an |A| x |B| Matrix (a lab Kernel is one). */
export type PointsBlockKernel = (A: PointsInput, B: PointsInput) => Matrix;
/** A kernel of image sets, e.g. (A, B) => cntk(arch, A, B): an A.n x B.n Matrix. */
export type ImagesBlockKernel = (A: ConvImages, B: ConvImages) => Matrix;
/** Targets: an n x c Matrix, n rows of c numbers, or a list of n numbers (c = 1). */
export type EigenProTargets = Matrix | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

export interface EigenProOptions<P> {
  /** Passes over the training set (an integer >= 1). */
  epochs: number;
  /** Seed of the subsample and of the batches' order (or rng, a generator). */
  seed?: number;
  rng?: Rng;
  /** s, the Nystrom subsample size (1 <= s <= n; default min(n, 2000), the paper's for n < 10^5). */
  subsampleSize?: number;
  /**
   * Eigen-directions flattened (0 <= q < s; 0: no preconditioning). Default: the largest q <= MAX_DEFAULT_Q
   * with m*(P_q) = beta / lambda_{q+1} at most the batch capacity (see the top of the file), and at most
   * s / SUBSAMPLE_PER_Q.
   */
  q?: number;
  /** m, points per step (1 <= m <= n). Default min(floor(m*) + 1, capacity, n). */
  batchSize?: number;
  /** eta (> 0): each point of a batch moves alpha by eta / m times its residual. Default eta(m) above. */
  stepSize?: number;
  /** A progress display such as lab.progress, ticked per batch; false or left out for none. */
  progress?: ProgressStart | false;
  /**
   * Called after every epoch with the model as it then is (its own copy of alpha), e.g. to measure
   * validation accuracy; the numbers it returns are kept in that epoch's history. Its time is not counted
   * in the epoch's seconds.
   */
  evaluate?: (model: EigenProModel<P>, epoch: number) => Record<string, number> | void;
}

/** Coefficients and predictions of a kernel machine f(x) = K(x, X) alpha. */
export interface EigenProModel<P> {
  /** n x c coefficients, one row per training point. */
  readonly alpha: Matrix;
  /** K(X_new, X) alpha, t x c, computed in blocks of rows (memory O(n d + t c + BLOCK_ENTRIES)). */
  predict(X: P): Matrix;
}

export interface EigenProEpoch {
  /** 1, 2, ..., epochs. */
  readonly epoch: number;
  /** Wall time of the epoch's steps (the evaluation excluded). */
  readonly seconds: number;
  /**
   * Mean squared residual over the epoch, each batch's taken just before its step (what the iteration
   * computes anyway; the residual of the final alpha is lower).
   */
  readonly trainMse: number;
  /** What evaluate returned for this epoch. */
  readonly evaluation?: Readonly<Record<string, number>>;
}

export interface EigenPro<P> extends EigenProModel<P> {
  /** s, q, m, eta as used. */
  readonly subsampleSize: number;
  readonly q: number;
  readonly batchSize: number;
  readonly stepSize: number;
  /** max k(x, x) over the subsample. */
  readonly beta: number;
  /**
   * lambda_1 >= ... >= lambda_{q+1}: the subsample's top eigenvalues of K_SS / s (more when q was chosen
   * here: all those computed to choose it). eigenvalues[q] is the top eigenvalue after preconditioning.
   */
  readonly eigenvalues: Float64Array;
  /** m* = beta / lambda_{q+1}. */
  readonly criticalBatchSize: number;
  /** Wall time of the subsample's kernel and eigensystem. */
  readonly setupSeconds: number;
  readonly history: readonly EigenProEpoch[];
}

/** Rows of a kernel block: at most this many entries (16 MiB) are computed in one call of the kernel. */
export const BLOCK_ENTRIES = 2 ** 21;
/** The largest q chosen by default: the top-k solver's time grows with q (about 4 s for 200 at s = 2000). */
export const MAX_DEFAULT_Q = 100;
/**
 * The default q is also at most s / SUBSAMPLE_PER_Q: the Nystrom estimates of lambda_j are good only well
 * inside the subsample's spectrum. Measured: 240 points with s = 120, where the capacity rule alone chose
 * q = 94, flattened eigenvalues the subsample estimates badly, and the training MSE doubled every epoch
 * (0.23 to 145 over 12 epochs) without reaching the divergence check; with q <= 30 it converges.
 */
export const SUBSAMPLE_PER_Q = 4;
/**
 * The saturated step 2 m / (beta + (m - 1) lambda) puts the top eigen-direction at 1 - eta lambda ~ -1, the
 * edge of stability, where a Nystrom estimate of lambda a few percent low diverges; 0.95 of it keeps a 5%
 * margin (the authors' code uses 0.99 with a damped preconditioner, and 0.95 for the full batch).
 */
export const SATURATED_STEP_SAFETY = 0.95;
/** A batch whose sum of squared residuals exceeds this factor times sum Y^2 (alpha = 0) is divergence. */
const DIVERGENCE_FACTOR = 1e4;

const OPTION_KEYS = [
  "epochs",
  "seed",
  "rng",
  "subsampleSize",
  "q",
  "batchSize",
  "stepSize",
  "progress",
  "evaluate",
] as const;

/**
 * Upper bound of eigenPro's peak memory in bytes for n training points of d numbers (pixels for images),
 * c outputs, subsample s with `top` eigenpairs computed and kernel blocks of r rows (r n <= max(n,
 * BLOCK_ENTRIES)): the points' copy and row views 8 n d + 16 n, targets, alpha, residuals and the batch
 * order 8 (3 n c) + 4 n; K_SS and its top-k eigensystem (eigenBytes), the preconditioner's two s x top
 * matrices; per block the kernel's Matrix and our row-major copy 16 r n, its subsample columns 8 r s, the
 * kernel's copies of its inputs 8 (r + n) d, and the products' gemm work space. No n x n term.
 */
export function eigenProBytes(n: number, d: number, c: number, s: number, top: number, r: number): number {
  const data = 8 * n * d + 16 * n + 8 * 3 * n * c + 4 * n;
  const nystrom = 8 * s * s + eigenBytes(s, top, "topk", true) + 8 * 2 * s * top + 8 * 3 * s * c;
  const block = 16 * r * n + 8 * r * s + 8 * (r + n) * d;
  const work = Math.max(gemmWorkBytes(r, c, n), gemmWorkBytes(s, c, r), gemmWorkBytes(s, c, top));
  return data + nystrom + block + work;
}

/** Rows of a kernel block for n columns: BLOCK_ENTRIES / n, at least 1, at most `most`. */
function blockRows(n: number, most: number): number {
  return Math.max(1, Math.min(most, Math.floor(BLOCK_ENTRIES / n)));
}

/** The training set as the kernel takes it: all of it, or the rows at some indices. */
interface Rows<P> {
  readonly n: number;
  /** Numbers per point (pixels per image). */
  readonly d: number;
  readonly all: P;
  take(indices: ArrayLike<number>): P;
  /** New points of the same kind and size (for predict), checked under `who`. */
  read(who: string, name: string, X: P): Rows<P>;
}

function pointRows(who: string, name: string, X: PointsInput, d0?: number): Rows<PointsInput> {
  const { n, d, data } = readPoints(who, name, X);
  if (d0 !== undefined && d !== d0) {
    throw new Error(`${who}: ${name} must have the training points' dimension ${d0}, got ${d}`);
  }
  // Row views of one copy: the kernel reads an array of rows without another copy of the points.
  const views = Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
  return {
    n,
    d,
    all: views,
    take: (indices) => Array.from(indices, (i) => views[i]),
    read: (w, nm, Xn) => pointRows(w, nm, Xn, d),
  };
}

function imageRows(who: string, name: string, X: ConvImages, like?: ConvImages): Rows<ConvImages> {
  const x = readImages(who, name, X);
  const { height, width, channels } = x;
  if (like !== undefined && (height !== like.height || width !== like.width || channels !== like.channels)) {
    throw new Error(
      `${who}: ${name}'s images must have the training images' size ${like.height} x ${like.width} x ${like.channels}, got ${height} x ${width} x ${channels}`,
    );
  }
  const size = height * width * channels;
  return {
    n: x.n,
    d: size,
    all: x,
    take: (indices) => {
      const pixels = new Float64Array(indices.length * size);
      for (let k = 0; k < indices.length; k++) {
        pixels.set(x.pixels.subarray(indices[k] * size, (indices[k] + 1) * size), k * size);
      }
      return { n: indices.length, height, width, channels, pixels };
    },
    read: (w, nm, Xn) => imageRows(w, nm, Xn, x),
  };
}

/** Images are objects with pixels; anything else is read as points (whose Errors say what is allowed). */
function isImages(X: unknown): X is ConvImages {
  return X !== null && typeof X === "object" && !(X instanceof Matrix) && "pixels" in X;
}

/** Y as a row-major n x c Float64Array. */
function readTargets(who: string, Y: EigenProTargets, n: number): { y: Float64Array; c: number } {
  const rule = `an n x c Matrix, n rows of c numbers or a list of n numbers (n = ${n} training points)`;
  if (Y instanceof Matrix) {
    if (Y.rows !== n || Y.columns < 1) {
      throw new Error(`${who}: Y must be ${rule}, got a ${Y.rows} x ${Y.columns} Matrix`);
    }
    const c = Y.columns;
    const y = new Float64Array(n * c);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < c; j++) y[i * c + j] = finiteTarget(who, Y.get(i, j), i, j);
    return { y, c };
  }
  const list = Y as ArrayLike<unknown>;
  if (list === null || typeof list !== "object" || typeof list.length !== "number" || list.length !== n) {
    throw new Error(`${who}: Y must be ${rule}, got ${describeValue(Y)}`);
  }
  if (typeof list[0] === "number") {
    return { y: Float64Array.from({ length: n }, (_, i) => finiteTarget(who, list[i], i)), c: 1 };
  }
  const first = list[0] as ArrayLike<unknown> | null;
  const c = first !== null && typeof first === "object" ? first.length : 0;
  if (!(c >= 1))
    throw new Error(`${who}: Y[0] must be a row of at least one number, got ${describeValue(first)}`);
  const y = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const row = list[i] as ArrayLike<unknown> | null;
    if (row === null || typeof row !== "object" || row.length !== c) {
      throw new Error(`${who}: Y[${i}] must be a row of ${c} numbers like Y[0], got ${describeValue(row)}`);
    }
    for (let j = 0; j < c; j++) y[i * c + j] = finiteTarget(who, row[j], i, j);
  }
  return { y, c };
}

function finiteTarget(who: string, v: unknown, i: number, j?: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(
      `${who}: Y[${i}]${j === undefined ? "" : `[${j}]`} must be a finite number, got ${describeValue(v)}`,
    );
  }
  return v;
}

/**
 * kernel(A, B) checked into out (row-major): an rows x cols Matrix of finite numbers (a matrix-like { get }
 * without sizes is read as the block it was asked for); `what` names the block in the messages.
 */
export function kernelBlock<P>(
  who: string,
  kernel: (A: P, B: P) => Matrix,
  A: P,
  B: P,
  rows: number,
  cols: number,
  out: Float64Array,
  what = `K(A, B) for the ${rows} and ${cols} points given`,
): void {
  const K = kernel(A, B) as unknown;
  const M = K as Matrix;
  const sized = M !== null && typeof M === "object" && (M.rows !== undefined || M.columns !== undefined);
  if (
    M === null ||
    typeof M !== "object" ||
    typeof M.get !== "function" ||
    (sized && (M.rows !== rows || M.columns !== cols))
  ) {
    const got =
      M !== null && typeof M === "object" && typeof M.rows === "number"
        ? `${M.rows} x ${M.columns}`
        : describeValue(K);
    throw new Error(`${who}: kernel must return a ${rows} x ${cols} Matrix (${what}), got ${got}`);
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = M.get(i, j);
      if (!Number.isFinite(v)) {
        throw new Error(
          `${who}: kernel must return finite values, got ${describeValue(v)} at [${i}][${j}] of ${what}`,
        );
      }
      out[i * cols + j] = v;
    }
  }
}

/**
 * EigenPro 2 on the kernel system K alpha = Y (see the top of the file): `epochs` passes of preconditioned
 * mini-batch SGD from alpha = 0. kernel(A, B) gives K(A, B) for point sets (a lab Kernel) or image sets
 * (e.g. a CNTK); X the n training points or images, Y the n x c targets. Returns alpha (n x c), the s, q,
 * m, eta, beta and eigenvalues used, a per-epoch history and predict. Divergence (a step too large for the
 * true spectrum) is an Error naming stepSize.
 */
export function eigenPro(
  kernel: PointsBlockKernel,
  X: PointsInput,
  Y: EigenProTargets,
  options: EigenProOptions<PointsInput>,
): EigenPro<PointsInput>;
export function eigenPro(
  kernel: ImagesBlockKernel,
  X: ConvImages,
  Y: EigenProTargets,
  options: EigenProOptions<ConvImages>,
): EigenPro<ConvImages>;
export function eigenPro(
  kernel: PointsBlockKernel | ImagesBlockKernel,
  X: PointsInput | ConvImages,
  Y: EigenProTargets,
  options: EigenProOptions<PointsInput> | EigenProOptions<ConvImages>,
): EigenPro<PointsInput> | EigenPro<ConvImages> {
  const who = "eigenPro";
  checkFunction(who, "kernel", kernel, "a function (A, B) => K(A, B), such as a lab Kernel");
  if (isImages(X)) {
    return run(
      who,
      kernel as ImagesBlockKernel,
      imageRows(who, "X", X),
      Y,
      options as EigenProOptions<ConvImages>,
    );
  }
  return run(
    who,
    kernel as PointsBlockKernel,
    pointRows(who, "X", X),
    Y,
    options as EigenProOptions<PointsInput>,
  );
}

function run<P>(
  who: string,
  kernel: (A: P, B: P) => Matrix,
  set: Rows<P>,
  Y: EigenProTargets,
  options: EigenProOptions<P>,
): EigenPro<P> {
  const opts = requiredObject(
    who,
    "options",
    options,
    "{ epochs, seed, subsampleSize?, q?, batchSize?, stepSize?, progress?, evaluate? }",
  );
  checkOptionKeys(who, opts, OPTION_KEYS);
  const { n, d } = set;
  const { epochs } = opts;
  checkInteger(who, "epochs", epochs, 1);
  const s = opts.subsampleSize ?? Math.min(n, 2000);
  checkInteger(who, "subsampleSize", s, 1, n);
  if (opts.q !== undefined) checkInteger(who, "q", opts.q, 0, s - 1);
  if (opts.batchSize !== undefined) checkInteger(who, "batchSize", opts.batchSize, 1, n);
  if (opts.stepSize !== undefined) checkPositive(who, "stepSize", opts.stepSize);
  const progress = checkProgress(who, opts.progress ?? false);
  if (opts.evaluate !== undefined) {
    checkFunction(who, "evaluate", opts.evaluate, "a function (model, epoch) => { name: number, ... }");
  }
  const rng = rngFrom(opts, who);
  const { y, c } = readTargets(who, Y, n);
  // Squares are summed relative to the largest |Y|, so that tiny targets do not underflow to 0.
  const yScale = y.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1;
  let initial = 0;
  for (let k = 0; k < n * c; k++) initial += (y[k] / yScale) ** 2;
  if (!Number.isFinite(yScale * yScale * initial)) {
    throw new Error(
      `${who}: Y must be smaller: the sum of its squares overflows (max |Y| = ${yScale}); scale Y down (the fit scales with it)`,
    );
  }

  const capacity = opts.batchSize ?? Math.min(n, blockRows(n, n));
  const top =
    opts.q !== undefined ? opts.q + 1 : Math.min(s, MAX_DEFAULT_Q + 1, Math.floor(s / SUBSAMPLE_PER_Q) + 1);
  const r = blockRows(n, n);
  checkMemory(
    who,
    eigenProBytes(n, d, c, s, top, r),
    `lower subsampleSize (s = ${s})${opts.q === undefined ? "" : ` or q (${opts.q})`}, or n (X has ${n} points)`,
  );

  // Nystrom: the top eigenpairs of K_SS / s for a random subsample S.
  const setupStart = performance.now();
  const S = shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  ).slice(0, s);
  const kss = new Float64Array(s * s);
  const subsample = set.take(S);
  kernelBlock(who, kernel, subsample, subsample, s, s, kss);
  let beta = 0;
  for (let l = 0; l < s; l++) beta = Math.max(beta, kss[l * s + l]);
  const Kss = new Matrix(Array.from({ length: s }, (_, i) => kss.subarray(i * s, (i + 1) * s)));
  const system = renamed(who, "eigh", () => eigh(Kss, { top }));
  const lambda = system.values.map((v) => v / s);
  if (!(lambda[0] > 0 && beta > 0)) {
    throw new Error(
      `${who}: kernel must be positive definite, but its ${s} x ${s} subsample matrix has top eigenvalue ${lambda[0] * s} and largest diagonal entry ${beta}`,
    );
  }
  const rankFloor = s * Number.EPSILON * lambda[0];
  let q: number;
  if (opts.q !== undefined) {
    q = opts.q;
    if (!(lambda[q] > rankFloor)) {
      throw new Error(
        `${who}: q must leave lambda_{q+1} above rounding (the subsample's matrix has numerical rank <= q), got q = ${q} with lambda_{q+1} = ${lambda[q]} <= ${rankFloor.toExponential(2)}; lower q`,
      );
    }
  } else {
    // The largest q whose critical batch beta / lambda_{q+1} fits the capacity (0 if none does).
    let fits = 0;
    while (fits < top && lambda[fits] > rankFloor && beta / lambda[fits] <= capacity) fits++;
    q = Math.max(0, fits - 1);
  }
  const tail = lambda[q];
  const criticalBatchSize = beta / tail;
  const m = opts.batchSize ?? Math.min(n, capacity, Math.floor(criticalBatchSize) + 1);
  const eta =
    opts.stepSize ??
    (m <= criticalBatchSize + 1 ? m / beta : (SATURATED_STEP_SAFETY * 2 * m) / (beta + (m - 1) * tail));
  const rate = eta / m;
  // V = U / sqrt(s) and V D, D_j = (1 - lambda_{q+1} / lambda_j) / lambda_j (s x q, row-major).
  const V = new Float64Array(s * q);
  const VD = new Float64Array(s * q);
  for (let l = 0; l < s; l++) {
    for (let j = 0; j < q; j++) {
      const v = system.vectors.get(l, j) / Math.sqrt(s);
      V[l * q + j] = v;
      VD[l * q + j] = (v * (1 - tail / lambda[j])) / lambda[j];
    }
  }
  const setupSeconds = (performance.now() - setupStart) / 1000;

  // Buffers of one batch, reused: its kernel block, the block's subsample columns, residuals, corrections.
  const rows = blockRows(n, m);
  const block = new Float64Array(rows * n);
  const blockS = new Float64Array(rows * s);
  const G = new Float64Array(m * c);
  const T = new Float64Array(s * c);
  const W = new Float64Array(q * c);
  const correction = new Float64Array(s * c);
  const alpha = new Float64Array(n * c);
  const alphaMat = mat(n, c, alpha);
  const limit = DIVERGENCE_FACTOR * initial;

  const batches = Math.ceil(n / m);
  const bar = progress ? progress(epochs * batches, "EigenPro batches") : null;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const history: EigenProEpoch[] = [];
  const machine = (a: Float64Array): EigenProModel<P> => ({
    alpha: toMatrix(a, n, c),
    predict: (Xnew) => predict(`${who}.predict`, kernel, set, a, c, Xnew),
  });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = performance.now();
    shuffle(order, rng);
    let squares = 0;
    for (let b = 0; b < batches; b++) {
      const batch = order.subarray(b * m, Math.min(n, (b + 1) * m));
      const mb = batch.length;
      T.fill(0);
      for (let at = 0; at < mb; at += rows) {
        const chunk = batch.subarray(at, Math.min(mb, at + rows));
        const rb = chunk.length;
        const Kb = block.subarray(0, rb * n);
        kernelBlock(who, kernel, set.take(chunk), set.all, rb, n, Kb);
        const g = G.subarray(at * c, (at + rb) * c);
        for (let k = 0; k < rb; k++) for (let j = 0; j < c; j++) g[k * c + j] = -y[chunk[k] * c + j];
        gemm(mat(rb, n, Kb), alphaMat, mat(rb, c, g), { beta: 1 });
        if (q > 0) {
          const Ks = blockS.subarray(0, rb * s);
          for (let k = 0; k < rb; k++) for (let l = 0; l < s; l++) Ks[k * s + l] = Kb[k * n + S[l]];
          gemm(mat(rb, s, Ks), mat(rb, c, g), mat(s, c, T), { transA: true, beta: 1 });
        }
      }
      let batchSquares = 0;
      for (let k = 0; k < mb * c; k++) batchSquares += (G[k] / yScale) ** 2;
      if (!(batchSquares <= limit)) {
        bar?.done();
        throw divergence(
          who,
          epoch,
          b + 1,
          batchSquares / initial,
          eta,
          m,
          tail,
          opts.stepSize !== undefined,
        );
      }
      squares += batchSquares;
      for (let k = 0; k < mb; k++) {
        for (let j = 0; j < c; j++) alpha[batch[k] * c + j] -= rate * G[k * c + j];
      }
      if (q > 0) {
        gemm(mat(s, q, V), mat(s, c, T), mat(q, c, W), { transA: true });
        gemm(mat(s, q, VD), mat(q, c, W), mat(s, c, correction));
        for (let l = 0; l < s; l++) {
          for (let j = 0; j < c; j++) alpha[S[l] * c + j] += rate * correction[l * c + j];
        }
      }
      bar?.tick();
    }
    const seconds = (performance.now() - start) / 1000;
    const trainMse = yScale * yScale * (squares / (n * c));
    const evaluation = opts.evaluate
      ? checkedEvaluation(who, opts.evaluate(machine(alpha.slice()), epoch))
      : undefined;
    history.push(
      evaluation === undefined ? { epoch, seconds, trainMse } : { epoch, seconds, trainMse, evaluation },
    );
  }
  bar?.done();
  const overflow = alpha.findIndex((a) => !Number.isFinite(a));
  if (overflow >= 0) {
    throw new Error(
      `${who}: the coefficients overflow (alpha[${Math.floor(overflow / c)}][${overflow % c}] = ${alpha[overflow]}): the kernel's values are too small for Y's; scale Y down or the kernel up`,
    );
  }
  return {
    ...machine(alpha),
    subsampleSize: s,
    q,
    batchSize: m,
    stepSize: eta,
    beta,
    eigenvalues: lambda,
    criticalBatchSize,
    setupSeconds,
    history,
  };
}

function toMatrix(a: Float64Array, n: number, c: number): Matrix {
  const M = new Matrix(n, c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) M.set(i, j, a[i * c + j]);
  return M;
}

function checkedEvaluation(who: string, result: unknown): Readonly<Record<string, number>> | undefined {
  if (result === undefined) return undefined;
  const allowed = "an object of finite numbers such as { accuracy: 0.9 } (or nothing)";
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    throw new Error(`${who}: evaluate must return ${allowed}, got ${describeValue(result)}`);
  }
  for (const [key, value] of Object.entries(result)) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`${who}: evaluate must return ${allowed}, got ${key} = ${describeValue(value)}`);
    }
  }
  return Object.freeze({ ...(result as Record<string, number>) });
}

function divergence(
  who: string,
  epoch: number,
  batch: number,
  ratio: number,
  eta: number,
  m: number,
  tail: number,
  given: boolean,
): Error {
  const why = given
    ? ""
    : ` (the default came from the subsample's eigenvalues, lambda_{q+1} = ${tail.toExponential(3)}: a larger subsampleSize estimates them better)`;
  return new Error(
    `${who}: the iteration diverges: at epoch ${epoch}, batch ${batch} the batch's sum of squared residuals is ` +
      `${ratio.toExponential(3)} times sum Y^2 (more than ${DIVERGENCE_FACTOR}); ` +
      `stepSize must be lower: ${eta.toPrecision(4)} is too large for batchSize = ${m}${why}`,
  );
}

/** K(X_new, X) alpha in blocks of rows. */
function predict<P>(
  who: string,
  kernel: (A: P, B: P) => Matrix,
  set: Rows<P>,
  alpha: Float64Array,
  c: number,
  X: P,
): Matrix {
  const n = set.n;
  const test = set.read(who, "X", X);
  const t = test.n;
  const rows = blockRows(n, t);
  checkMemory(
    who,
    8 * (test.d * t + 2 * t * c + 2 * rows * n + (rows + n) * test.d) + gemmWorkBytes(rows, c, n),
    `lower the number of points (X has ${t})`,
  );
  const block = new Float64Array(rows * n);
  const out = new Float64Array(t * c);
  const alphaMat = mat(n, c, alpha);
  const indices = Int32Array.from({ length: t }, (_, i) => i);
  for (let at = 0; at < t; at += rows) {
    const chunk = indices.subarray(at, Math.min(t, at + rows));
    const rb = chunk.length;
    const Kb = block.subarray(0, rb * n);
    kernelBlock(who, kernel, test.take(chunk), set.all, rb, n, Kb);
    gemm(mat(rb, n, Kb), alphaMat, mat(rb, c, out.subarray(at * c, (at + rb) * c)));
  }
  return toMatrix(out, t, c);
}
