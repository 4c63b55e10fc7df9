/**
 * Monte Carlo NTK and NNGP: the expectations of the layer recursion (ntk.ts) replaced by averages over
 * `samples` random hidden units per layer, drawn as the hidden layers of network(arch, { width: samples }).
 * With features G_l = sqrt(c_l/m) s_l(h_l) and derivative features D_l = sqrt(c_l/m) s_l'(h_l),
 *   Sigma^_l = ws_{l+1}^2 G_l G_l^T + bs_{l+1}^2,  dSigma^_l = ws_{l+1}^2 D_l D_l^T,  Theta^_l = Theta^_{l-1} dSigma^_l + Sigma^_l.
 * For one hidden layer each entry is a mean of m independent terms and its standard error is exact;
 * for deeper nets it is the error of the last layer's average given the earlier layers (a lower bound).
 *
 * Two forms, as in the NTK-study write-up: "features" builds the n x m feature matrices and takes products;
 * "entrywise" sums over units pair by pair. Both add the same products in the same order, so for one
 * seed they agree exactly: a test of both.
 */
import { Matrix } from "ml-matrix";
import { gemm, mat } from "../linalg/gemm";
import { batchTraceOf, Network } from "../network";
import type { Rng } from "../random";
import { checkInteger, requiredObject } from "../validate";
import { checkArchitecture, type Architecture } from "../layers";
import type { Output } from "./ntk";
import { assembleKernel } from "./assemble";
import { fewerPointsAdvice, readPair, type Points, type PointsInput } from "./points";
import { checkMemory, gemmWorkBytes } from "../memory";

export interface MonteCarloOptions {
  /** Hidden units drawn per layer (an integer >= 1; >= 2 for a standard error). */
  samples: number;
  seed?: number;
  rng?: Rng;
  method?: "features" | "entrywise";
}

export interface MonteCarloResult {
  mean: Matrix;
  /** Per-entry standard error of the last layer's average over units (samples must be >= 2). */
  stdError: Matrix;
}

/** Row-major n x m feature matrices per hidden layer: G_l and D_l. */
interface Features {
  readonly G: Float64Array[];
  readonly D: Float64Array[];
}

/**
 * G_l and D_l of all points from one batched forward pass (network.ts), whose products sum over units in
 * the order of a per-point dot loop: the same features as one point at a time, bit for bit up to the sign
 * of some zeros, which the Gram sums (from +0) do not see. D_l overwrites the pre-activations H_l.
 */
function features(who: string, arch: Architecture, p: Points, options: MonteCarloOptions): Features {
  const m = options.samples;
  const net = new Network(arch, { inputDim: p.d, width: m, seed: options.seed, rng: options.rng }, who);
  const L = arch.activations.length;
  const trace = batchTraceOf(net, p.data, p.n);
  // Point by point, each point's layers before its output (features that overflow are named by layer).
  for (let i = 0; i < p.n; i++) {
    for (let l = 0; l < L; l++) {
      const ds = arch.activations[l].derivative;
      const scale = net.featureScale[l];
      const G = trace.features[l];
      const H = trace.preActivations[l];
      for (let k = i * m; k < (i + 1) * m; k++) {
        const h = H[k];
        H[k] = scale * ds(h);
        if (!(Math.abs(G[k]) + Math.abs(H[k]) < Infinity)) {
          const act = arch.activations[l];
          throw new Error(
            `${who}: activation ${act.name} (layer ${l + 1}) gave fn = ${act.fn(h)}, derivative = ${ds(h)} at the pre-activation ${h} of input point ${i} (X, then Y): they must be finite`,
          );
        }
      }
    }
    // The kernels do not read the output, but the per-point pass refused a point whose output overflows, and
    // then its |g_L|^2, an entry of G_L G_L^T, overflows too (|f| <= weightStd_L+1 |W| |g_L|).
    if (!Number.isFinite(trace.output[i])) {
      throw new Error(
        `${who}: the sampled network's output at input point ${i} (X, then Y) is ${trace.output[i]}: the coordinates of X and Y must be smaller for the layers not to overflow`,
      );
    }
  }
  return { G: trace.features, D: trace.preActivations };
}

/**
 * A B^T for row-major A (n x m) and B (n' x m) by the blocked, packed WebAssembly gemm (linalg/gemm.ts),
 * which sums each entry over r = 0, 1, ... in order from 0 like the entry-wise form, so the two forms
 * still agree exactly. In the symmetric case only entries j >= i are read (assembleKernel), and only
 * those are computed (half the work).
 */
function gram(
  A: Float64Array,
  B: Float64Array,
  n: number,
  nb: number,
  m: number,
  symmetric: boolean,
): Float64Array {
  const out = new Float64Array(n * nb);
  gemm(mat(n, m, A), mat(nb, m, B), mat(n, nb, out), { transB: true, upper: symmetric });
  return out;
}

function squared(A: Float64Array): Float64Array {
  return A.map((v) => v * v);
}

function product(A: Float64Array, B: Float64Array): Float64Array {
  return A.map((v, k) => v * B[k]);
}

/**
 * One layer of the recursion from accumulated sums; shared by both forms so that they round alike.
 * Returns [Sigma^, Theta^] through out.
 */
function layer(theta: number, gg: number, dd: number, alpha: number, beta: number, out: Float64Array): void {
  out[0] = alpha * gg + beta;
  out[1] = theta * (alpha * dd) + out[0];
}

/**
 * Standard error of the mean of the last layer's per-unit terms t_r = alpha m (theta D_ir D_jr + G_ir G_jr)
 * (theta = 0 for the NNGP) from the sums of G G', D D', their squares and cross products.
 */
function standardError(
  m: number,
  alpha: number,
  theta: number,
  gg: number,
  dd: number,
  g2: number,
  d2: number,
  dg: number,
): number {
  const mean = alpha * (theta * dd + gg);
  const meanSquare = alpha * alpha * m * (theta * theta * d2 + 2 * theta * dg + g2);
  return Math.sqrt(Math.max(0, (meanSquare - mean * mean) / (m - 1)));
}

/**
 * Upper bound of the peak memory (bytes) of one call, for n points of X, m of Y (N = n + m; N = n and no
 * concatenated copy when Y is omitted), s samples, L layers and e = 1 with standard errors:
 * 8 [(1 + e) n m outputs + 2 L N s features + 2 N for the network's outputs and their sums + P network
 *    parameters (P = s (d + (L - 1) s + L + 2)) + 2 N d for the concatenated points], for the features
 * form besides 8 [(2 L + 3 e) n m Gram matrices + 3 e N s squared features], and the largest GEMM work
 * space: of the forward pass's products (N x s x d, N x s x s, N x 1 x s) and, for the features form, of
 * one n x m x s Gram product.
 */
function monteCarloBytes(
  x: Points,
  y: Points,
  symmetric: boolean,
  s: number,
  L: number,
  withError: boolean,
  method: "features" | "entrywise",
): number {
  const e = withError ? 1 : 0;
  const nm = x.n * y.n;
  const N = symmetric ? x.n : x.n + y.n;
  const common =
    (1 + e) * nm + 2 * L * N * s + 2 * N + s * (x.d + (L - 1) * s + L + 2) + (symmetric ? 0 : 2 * N * x.d);
  const forward = Math.max(
    gemmWorkBytes(N, s, x.d),
    L > 1 ? gemmWorkBytes(N, s, s) : 0,
    gemmWorkBytes(N, 1, s),
  );
  if (method === "entrywise") return 8 * common + forward;
  return (
    8 * (common + (2 * L + 3 * e) * nm + 3 * e * N * s) +
    Math.max(forward, gemmWorkBytes(x.n, y.n, s, symmetric))
  );
}

/** samples (an integer >= minSamples) and method (default "features") of Monte Carlo options, checked. */
export function checkSamplesAndMethod(
  who: string,
  options: Pick<MonteCarloOptions, "samples" | "method">,
  minSamples: number,
): "features" | "entrywise" {
  checkInteger(who, "samples", options.samples, minSamples);
  const method = options.method ?? "features";
  if (method !== "features" && method !== "entrywise") {
    throw new Error(`${who}: method must be "features" or "entrywise", got ${String(method)}`);
  }
  return method;
}

/** What monteCarlo computes: the matrix, the matrix and its standard errors, or the diagonal alone. */
type Want = "mean" | "withError" | "diagonal";

function monteCarlo(
  who: string,
  output: Output,
  want: Want,
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): { mean: Matrix; stdError?: Matrix } | { diagonal: Float64Array } {
  const withError = want === "withError";
  checkArchitecture(who, arch);
  requiredObject(who, "options", options, "{ samples, seed or rng, method? }");
  // A standard error needs at least two units to vary over.
  const method = checkSamplesAndMethod(who, options, withError ? 2 : 1);
  const { x, y, symmetric } = readPair(who, X, Y);
  const m = options.samples;
  const L = arch.activations.length;
  checkMemory(
    who,
    want === "diagonal"
      ? monteCarloBytes(x, y, symmetric, m, L, false, "entrywise") - 8 * (x.n * x.n - x.n)
      : monteCarloBytes(x, y, symmetric, m, L, withError, method),
    `${fewerPointsAdvice(x, y, symmetric)} or samples (${m})`,
  );
  // One network for X and Y together: both sets must see the same random units.
  const both: Points = symmetric
    ? x
    : { n: x.n + y.n, d: x.d, data: Float64Array.from([...x.data, ...y.data]) };
  const f = features(who, arch, both, options);
  const yOffset = symmetric ? 0 : x.n;
  const alphas = Float64Array.from({ length: L }, (_, l) => arch.weightStd[l + 1] ** 2);
  const betas = Float64Array.from({ length: L }, (_, l) => (l + 1 < L ? arch.biasStd[l + 1] ** 2 : 0));
  const ws = arch.weightStd[0];
  const bs = arch.biasStd[0];
  const d = x.d;
  const input = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x.data[i * d + k] * y.data[j * d + k];
    return ws * ws * s + bs * bs;
  };
  const scratch = new Float64Array(2);
  const last = L - 1;
  // Per pair: run the layers from the per-layer sums given by `sums`, then the last layer's standard error.
  const entry = (
    i: number,
    j: number,
    sums: (l: number, which: number) => number,
    error: boolean,
  ): number => {
    let theta = input(i, j);
    let sigma = theta;
    let thetaBefore = theta;
    for (let l = 0; l < L; l++) {
      thetaBefore = theta;
      layer(theta, sums(l, 0), sums(l, 1), alphas[l], betas[l], scratch);
      sigma = scratch[0];
      theta = scratch[1];
    }
    if (!error) return output === "ntk" ? theta : sigma;
    const t = output === "ntk" ? thetaBefore : 0;
    const se = standardError(
      m,
      alphas[last],
      t,
      sums(last, 0),
      sums(last, 1),
      sums(last, 2),
      sums(last, 3),
      sums(last, 4),
    );
    // Its sums hold fourth powers of the features: they overflow long before the kernel does.
    if (!Number.isFinite(se)) {
      throw new Error(
        `${who}: the standard error of entry [${i}][${j}] overflows float64 (it sums fourth powers of the last layer's features, here from X[${i}] and ${symmetric ? "X" : "Y"}[${j}]); the coordinates of X and Y must be smaller, or use ${who.replace("WithError", "")} for the kernel alone`,
      );
    }
    return se;
  };

  // The diagonal from the entry-wise sums at (i, i): the features form adds the same products in the same
  // order (gram), so these are the bits of the matrix's diagonal, without the n x n matrix.
  if (method === "entrywise" || want === "diagonal") {
    const acc = new Float64Array(5 * L);
    const sums = (l: number, which: number): number => acc[5 * l + which];
    const fill = (i: number, j: number): void => {
      const jj = j + yOffset;
      for (let l = 0; l < L; l++) {
        const G = f.G[l];
        const D = f.D[l];
        let gg = 0;
        let dd = 0;
        let g2 = 0;
        let d2 = 0;
        let dg = 0;
        for (let r = 0; r < m; r++) {
          const gi = G[i * m + r];
          const gj = G[jj * m + r];
          const di = D[i * m + r];
          const dj = D[jj * m + r];
          gg += gi * gj;
          dd += di * dj;
          g2 += gi * gi * (gj * gj);
          d2 += di * di * (dj * dj);
          dg += di * gi * (dj * gj);
        }
        acc[5 * l] = gg;
        acc[5 * l + 1] = dd;
        acc[5 * l + 2] = g2;
        acc[5 * l + 3] = d2;
        acc[5 * l + 4] = dg;
      }
    };
    const at =
      (error: boolean) =>
      (i: number, j: number): number => {
        fill(i, j);
        return entry(i, j, sums, error);
      };
    if (want === "diagonal")
      return { diagonal: Float64Array.from({ length: x.n }, (_, i) => at(false)(i, i)) };
    const mean = assembleKernel(x.n, y.n, symmetric, at(false));
    return withError ? { mean, stdError: assembleKernel(x.n, y.n, symmetric, at(true)) } : { mean };
  }

  // Features form: Gram matrices per layer (and, for the last layer, of squares and cross products).
  const rowsOf = (A: Float64Array, from: number, count: number): Float64Array =>
    A.subarray(from * m, (from + count) * m);
  const grams: Float64Array[][] = [];
  for (let l = 0; l < L; l++) {
    const G = f.G[l];
    const D = f.D[l];
    const pair = (A: Float64Array): Float64Array =>
      gram(rowsOf(A, 0, x.n), rowsOf(A, yOffset, y.n), x.n, y.n, m, symmetric);
    const list = [pair(G), pair(D)];
    if (withError && l === last) list.push(pair(squared(G)), pair(squared(D)), pair(product(D, G)));
    grams.push(list);
  }
  let row = 0;
  let col = 0;
  const sums = (l: number, which: number): number => grams[l][which][row * y.n + col];
  const at =
    (error: boolean) =>
    (i: number, j: number): number => {
      row = i;
      col = j;
      return entry(i, j, sums, error);
    };
  const mean = assembleKernel(x.n, y.n, symmetric, at(false));
  return withError ? { mean, stdError: assembleKernel(x.n, y.n, symmetric, at(true)) } : { mean };
}

/** The Monte Carlo kernel matrix (Errors named for `who`). */
export function monteCarloMatrix(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): Matrix {
  return (monteCarlo(who, output, "mean", arch, X, Y, options) as { mean: Matrix }).mean;
}

/** The Monte Carlo kernel matrix and its standard errors (Errors named for `who`). */
export function monteCarloWithError(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): MonteCarloResult {
  return monteCarlo(who, output, "withError", arch, X, Y, options) as MonteCarloResult;
}

/** The diagonal of the Monte Carlo kernel of X, the bits of the matrix's, from n x samples features only. */
export function monteCarloDiagonal(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
  options: MonteCarloOptions,
): Float64Array {
  return (monteCarlo(who, output, "diagonal", arch, X, undefined, options) as { diagonal: Float64Array })
    .diagonal;
}

/**
 * Monte Carlo NTK (n x m Matrix) from `samples` random units per hidden layer, seeded. Peak memory with the
 * default features form about 8 (2 L + 2) n m bytes: the Gram matrices of L layers, the result and the
 * GEMM's n x m work space (the exact bound is monteCarloBytes'); checked before anything is allocated.
 */
export function monteCarloNtk(
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): Matrix {
  return monteCarloMatrix("monteCarloNtk", "ntk", arch, X, Y, options);
}

/** Monte Carlo NNGP (n x m Matrix). Peak memory as monteCarloNtk's. */
export function monteCarloNngp(
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): Matrix {
  return monteCarloMatrix("monteCarloNngp", "nngp", arch, X, Y, options);
}

/**
 * Monte Carlo NTK with each entry's standard error. Peak memory about 8 (2 L + 6) n m bytes (features
 * form: three more Gram matrices and the second output; see monteCarloBytes).
 */
export function monteCarloNtkWithError(
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): MonteCarloResult {
  return monteCarloWithError("monteCarloNtkWithError", "ntk", arch, X, Y, options);
}

/** Monte Carlo NNGP with each entry's standard error. Peak memory as monteCarloNtkWithError's. */
export function monteCarloNngpWithError(
  arch: Architecture,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MonteCarloOptions,
): MonteCarloResult {
  return monteCarloWithError("monteCarloNngpWithError", "nngp", arch, X, Y, options);
}
