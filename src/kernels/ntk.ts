/**
 * The analytic NTK and NNGP of a fully connected network of any depth: the layer recursion of Arora et
 * al. (2019) as written in the 18.408 project report, with per-layer weight and bias scales (layers.ts):
 *   Sigma_0(x, x') = ws_1^2 x.x' + bs_1^2,                         Theta_0 = Sigma_0,
 *   Lambda_h = [[Sigma_{h-1}(x,x), Sigma_{h-1}(x,x')], [., Sigma_{h-1}(x',x')]],  (u, v) ~ N(0, Lambda_h),
 *   Sigma_h = ws_{h+1}^2 c_h E[s_h(u) s_h(v)] + bs_{h+1}^2,    dSigma_h = ws_{h+1}^2 c_h E[s_h'(u) s_h'(v)],
 *   Theta_h = Theta_{h-1} dSigma_h + Sigma_h,                      ntk = Theta_L, nngp = Sigma_L
 * (bs_{L+1} = 0: no output bias). With unit weight scales and no bias this is exactly Arora et al.'s
 * Theta^(L), the convention of data/reference/kernels.json.
 *
 * Layer by layer (layers.ts): the recursion runs over tiles of input pairs, each layer of the architecture
 * one pass over the tile's arrays (a, b, c, g, h, Theta), and a per-point pass gives every point's own
 * variances first. Each entry goes through the same floating-point operations in the same order as the
 * per-pair recursion this replaced (kept in test/oracle/per-pair-ntk.ts, which the tests check it against
 * bit for bit).
 *
 * Precision: along with each covariance c the recursion carries g = sqrt(ab) - c and
 * h = sqrt(ab) + c, computed without cancellation: from the inputs as |x||y| |x^ -+ y^|^2 / 2, and from
 * layer to layer by the duals (activations.ts) and the bias update below. The duals that depend on the
 * angle read it as 2 atan2(sqrt g, sqrt h), so nearly parallel and nearly antipodal pairs keep their
 * digits through every layer.
 */
import { Matrix } from "ml-matrix";
import { checkArchitecture, layerScales, type Architecture } from "../layers";
import { DEFAULT_QUADRATURE_POINTS, nonFiniteAt, rootOfProduct, type DualArrays } from "../activations";
import { MIN_NORMAL, scaledNorm } from "../numeric";
import { gaussHermite } from "../special/quadrature";
import { assembleDiagonal, assemblePairs, type PairTile } from "./assemble";
import { checkKernelMemory, readPair, type Points, type PointsInput } from "./points";
import { checkMemory } from "../memory";
import { checkOptionKeys, describeValue, optionsObject } from "../validate";
import { simdKernels, type Output, type SideArrays } from "./ntk-simd";

export type { Output } from "./ntk-simd";

/** get as an Output, or an Error naming who, the parameter and the value. */
export function checkOutput(who: string, get: unknown): Output {
  if (get !== "ntk" && get !== "nngp") {
    throw new Error(`${who}: get must be "ntk" or "nngp", got ${describeValue(get)}`);
  }
  return get;
}

/**
 * The per-point pass for one set of points: the augmented input x -> (ws_1 x, bs_1) as a unit vector and
 * its norm, and per hidden layer l the variance Sigma_{l-1}(x, x) (variance), its root (sd), E[s_l(u)^2]
 * (secondMoment) and sqrt(alpha_l E[s_l(u)^2]) (root, for the bias update of the gaps).
 */
type Side = SideArrays;

/**
 * Doubles per point of the per-point pass and its scratch, and of the compiled code's copy of them (its
 * unit vectors and 7 arrays per layer, ntk-simd.ts), for the memory estimate.
 */
function sideDoubles(d: number, L: number): number {
  return d + 2 + 4 * L + 5 + (d + 2 + 7 * L);
}

/** The arrays of a dual call over `size` entries (DualArrays). */
function dualArrays(size: number): DualArrays {
  const f = () => new Float64Array(size);
  return { a: f(), b: f(), c: f(), g: f(), h: f(), value: f(), derivative: f(), gap: f(), cogap: f() };
}

/** Where a layer that turned NaN looks for the input its activation fails at (times its standard deviations). */
const DEFAULT_PROBES = gaussHermite(DEFAULT_QUADRATURE_POINTS).nodes;

/** Per-layer scales for a message: "= 2 in every layer" or the list (its first 6 entries and a count). */
export function perLayerText(values: Float64Array): string {
  if (values.every((v) => v === values[0])) return `= ${values[0]} in every layer`;
  const shown = Array.from(values.subarray(0, 6)).join(", ");
  return `= [${shown}${values.length > 6 ? `, ... (${values.length} values)` : ""}]`;
}

/**
 * The Error for a layer whose dual gave a value that is not finite: NaN from finite variances is the
 * activation's fault (named with the first input where fn or derivative fails, if one is found);
 * Infinity is a kernel beyond float64 at that depth.
 */
export function layerFault(
  who: string,
  arch: Architecture,
  l: number,
  a: number,
  b: number,
  c: number,
  out: Float64Array,
  where: string,
  norm: number,
): Error {
  const act = arch.activations[l];
  const L = arch.activations.length;
  if (Number.isNaN(out[0]) || Number.isNaN(out[1])) {
    const fault = nonFiniteAt(act, DEFAULT_PROBES, [Math.sqrt(a), Math.sqrt(b)]);
    return new Error(
      `${who}: activation ${act.name} (layer ${l + 1} of ${L}) gave E[s(u) s(v)] = ${out[0]}, E[s'(u) s'(v)] = ${out[1]} at variances ${a}, ${b} and covariance ${c}${fault ? `: ${fault}` : ""}`,
    );
  }
  return new Error(
    `${who}: the kernel overflows float64 at layer ${l + 1} of depth ${L} (activation ${act.name}, weightStd ${perLayerText(arch.weightStd)}, biasStd ${perLayerText(arch.biasStd)}, ${where} with |(weightStd[0] x, biasStd[0])| = ${norm}); the depth, weightStd or |x| must be lower`,
  );
}

function prepare(who: string, name: string, arch: Architecture, p: Points): Side {
  const { n, d, data } = p;
  const L = arch.activations.length;
  const ws = arch.weightStd[0];
  const bs = arch.biasStd[0];
  const { alphas, betas } = layerScales(arch);
  const unit = new Float64Array(n * (d + 1));
  const norm = new Float64Array(n);
  // The input layer: the augmented vectors (ws_1 x, bs_1), their norms and Sigma_0(x, x).
  let q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s2 = bs * bs;
    for (let k = 0; k < d; k++) s2 += (ws * data[i * d + k]) ** 2;
    if (s2 === Infinity) {
      throw new Error(
        `${who}: ${name}[${i}]'s input variance weightStd[0]^2 |${name}[${i}]|^2 + biasStd[0]^2 overflows float64 (weightStd[0] = ${ws}, largest coordinate ${Math.max(...data.subarray(i * d, i * d + d).map(Math.abs))}); weightStd[0] |x| must stay below about 1e154`,
      );
    }
    // A sum of squares below the normal range keeps few bits: the norm then comes from scaled coordinates.
    const r =
      s2 >= MIN_NORMAL || s2 === 0
        ? Math.sqrt(s2)
        : scaledNorm(d + 1, (k) => (k === 0 ? bs : ws * data[i * d + k - 1]));
    norm[i] = r;
    // A zero augmented vector (x = 0 without bias) keeps a zero unit vector: g = h = c = 0 for its pairs.
    const inv = r > 0 ? 1 / r : 0;
    for (let k = 0; k < d; k++) unit[i * (d + 1) + k] = ws * data[i * d + k] * inv;
    unit[i * (d + 1) + d] = bs * inv;
    q[i] = s2;
  }
  // Each hidden layer: the activation's E[s(u)^2] at (q, q, q), then the dense layer's next variance.
  const variance: Float64Array[] = [];
  const secondMoment: Float64Array[] = [];
  // Scratch: g = 0, h = 2q, and the outputs besides E[s(u)^2] (the dual may write its gaps even without gaps).
  const io = dualArrays(n);
  const twice = io.h;
  const derivative = io.derivative;
  for (let l = 0; l < L; l++) {
    variance.push(q);
    for (let i = 0; i < n; i++) twice[i] = 2 * q[i];
    const moment = new Float64Array(n);
    const atVariance = { ...io, a: q, b: q, c: q, value: moment };
    arch.activations[l].dual(atVariance, n, false);
    secondMoment.push(moment);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = alphas[l] * moment[i] + betas[l];
      if (!(next[i] < Infinity)) {
        const out = Float64Array.of(moment[i], derivative[i]);
        throw layerFault(who, arch, l, next[i], next[i], next[i], out, `${name}[${i}]`, norm[i]);
      }
    }
    q = next;
  }
  return {
    unit,
    norm,
    variance,
    sd: variance.map((v) => v.map(Math.sqrt)),
    secondMoment,
    root: secondMoment.map((m, l) => m.map((e) => Math.sqrt(alphas[l] * e))),
  };
}

/** Pairs per tile: the arrays of a tile (13 of them, 26 kB) stay in the first-level cache. */
const TILE = 256;

/**
 * The computation of a tile of pairs (PairTile) for the chosen output, as one pass per layer: the input
 * layer, then per hidden layer its activation and the dense layer after it, the last one the readout. Its
 * scratch space is allocated once here; everything that depends on one point only comes from the per-point
 * pass (prepare), not recomputed per pair. The last activation's gaps are never read, so it is called
 * without them (Dual's gaps = false).
 */
function tileComputation(
  who: string,
  arch: Architecture,
  px: Side,
  py: Side,
  d1: number,
  output: Output,
  tile: PairTile,
  byDepth = false,
): (count: number) => void {
  const L = arch.activations.length;
  const acts = arch.activations;
  const { alphas, betas, readouts } = layerScales(arch);
  const { xi, yj, out } = tile;
  const io = dualArrays(TILE);
  const { a: A, b: B, c: C, g: G, h: H, value, derivative, gap: GAP, cogap: COGAP } = io;
  const theta = new Float64Array(TILE);
  const nngpOnly = output === "nngp";
  const last = L - 1;

  const fault = (l: number, e: number, c: number): never => {
    const i = xi[e];
    const j = yj[e];
    if (!(Math.abs(value[e]) + Math.abs(derivative[e]) < Infinity)) {
      const values = Float64Array.of(value[e], derivative[e]);
      throw layerFault(
        who,
        arch,
        l,
        px.variance[l][i],
        py.variance[l][j],
        c,
        values,
        `X[${i}], Y[${j}]`,
        px.norm[i],
      );
    }
    throw new Error(
      `${who}: the ${output === "ntk" ? "NTK" : "NNGP"} entry [${i}][${j}] overflows float64 at depth ${L} (weightStd ${perLayerText(arch.weightStd)}, |(weightStd[0] x, biasStd[0])| = ${px.norm[i]} and ${py.norm[j]}); the depth, weightStd or |x| must be lower`,
    );
  };

  /** The input layer: Sigma_0 = ws_1^2 x.y + bs_1^2 with its gaps |x||y| |x^ -+ y^|^2 / 2, Theta_0 = Sigma_0. */
  const input = (count: number): void => {
    const ux = px.unit;
    const uy = py.unit;
    const varX = px.variance[0];
    const varY = py.variance[0];
    for (let e = 0; e < count; e++) {
      A[e] = varX[xi[e]];
      B[e] = varY[yj[e]];
      const oi = xi[e] * d1;
      const oj = yj[e] * d1;
      let minus = 0;
      let plus = 0;
      for (let k = 0; k < d1; k++) {
        const p = ux[oi + k];
        const q = uy[oj + k];
        minus += (p - q) * (p - q);
        plus += (p + q) * (p + q);
      }
      const rr = px.norm[xi[e]] * py.norm[yj[e]];
      const g = (rr * minus) / 2;
      const h = (rr * plus) / 2;
      G[e] = g;
      H[e] = h;
      C[e] = (h - g) / 2;
      theta[e] = C[e];
    }
  };

  /**
   * Hidden layer l's activation: its dual at the pairs' covariances. The layer before it wrote the pairs'
   * variances a, b, and the dense layer after it checks that the dual's values are finite before it uses
   * them (two passes fewer).
   */
  const activation = (l: number, count: number): void => {
    // A dual that gives no gaps must write NaN there (Dual); one that writes nothing must not leave the
    // previous layer's gaps to be read as its own.
    if (l < last) {
      GAP.fill(NaN, 0, count);
      COGAP.fill(NaN, 0, count);
    }
    acts[l].dual(io, count, l < last);
  };

  /** The dense layer after hidden layer l < L - 1: scale and bias, gaps carried, Theta updated. */
  const hidden = (l: number, count: number): void => {
    const alpha = alphas[l];
    const beta = betas[l];
    const emX = px.secondMoment[l];
    const emY = py.secondMoment[l];
    const rootX = px.root[l];
    const rootY = py.root[l];
    const sdX = px.sd[l + 1];
    const sdY = py.sd[l + 1];
    const varX = px.variance[l + 1];
    const varY = py.variance[l + 1];
    for (let e = 0; e < count; e++) {
      const i = xi[e];
      const j = yj[e];
      A[e] = varX[i];
      B[e] = varY[j];
      const v = value[e];
      if (!(Math.abs(v) + Math.abs(derivative[e]) < Infinity)) fault(l, e, C[e]);
      let gap = GAP[e];
      let cogap = COGAP[e];
      let g: number;
      let h: number;
      if (gap !== gap || cogap !== cogap || beta > 0) {
        const ex = emX[i];
        const ey = emY[j];
        const root = rootOfProduct(ex, ey);
        // Subtracted where the dual gives no better value; clamped, since rounding may leave -1e-17 at x = y.
        if (gap !== gap) gap = Math.max(0, root - v);
        if (cogap !== cogap) cogap = Math.max(0, root + v);
        if (beta > 0) {
          // Adding the bias variance beta to a, b and c moves sqrt(AB) - C by
          // sqrt((A0+beta)(B0+beta)) - sqrt(A0 B0) - beta = beta (sqrt A0 - sqrt B0)^2 / (sqrt(AB) + sqrt(A0 B0) + beta),
          // and sqrt(AB) + C by a sum of non-negative terms: neither cancels.
          const a0 = alpha * ex;
          const b0 = alpha * ey;
          const r0 = alpha * root;
          const r1 = rootOfProduct(a0 + beta, b0 + beta);
          const spread = rootX[i] - rootY[j];
          g = alpha * gap + (beta * spread * spread) / (r1 + r0 + beta);
          h = alpha * cogap + ((beta * (a0 + b0 + beta)) / (r1 + r0) + beta);
        } else {
          g = alpha * gap + 0;
          h = alpha * cogap + 0;
        }
      } else {
        g = alpha * gap + 0;
        h = alpha * cogap + 0;
      }
      // The next layer's state (c, g, h) is tied to its variances: g + h = 2m, m = sqrt(ab). Near c = +-m
      // (a gap below m / 2) c and the other gap come from the small gap; elsewhere from c = alpha * value
      // + beta, where m -+ c cannot cancel. Carried apart, the three drifted: for sin (coth 1 per layer)
      // and erf (1.23) the fixed point c = m repels, so a covariance rounded on its own left the
      // variances (the depth-150 sin NNGP had Infinity on the diagonal), and g + h - 2m grew by the
      // same factor until g and h overflowed. Tied, the diagonal is exact at any depth.
      const m = sdX[i] * sdY[j];
      let c: number;
      if (g < 0.5 * m) {
        c = m - g;
        h = m + c;
      } else if (h < 0.5 * m) {
        c = h - m;
        g = m - c;
      } else {
        c = alpha * v + beta;
        g = m - c;
        h = m + c;
      }
      C[e] = c;
      G[e] = g;
      H[e] = h;
      theta[e] = c + alpha * derivative[e] * theta[e];
    }
  };

  /**
   * The output layer after hidden layer l into target: K = alpha Sigma-dual (+ alpha E[s' s'] Theta for the
   * NTK), alpha = weightStd[L]^2 c_s(l) (for l = L - 1 the network's own readout; for l < L - 1, with
   * byDepth, the readout of the network cut after layer l: the kernels of all depths in one pass).
   */
  const readout = (l: number, count: number, target: Float64Array): void => {
    const alpha = readouts[l];
    const beta = betas[last];
    for (let e = 0; e < count; e++) {
      if (!(Math.abs(value[e]) + Math.abs(derivative[e]) < Infinity)) fault(l, e, C[e]);
      const c = alpha * value[e] + beta;
      const v = nngpOnly ? c : c + alpha * derivative[e] * theta[e];
      if (!(Math.abs(v) < Infinity)) fault(l, e, c);
      target[e] = v;
    }
  };

  return (count) => {
    input(count);
    for (let l = 0; l < L; l++) {
      activation(l, count);
      if (l < last) {
        if (byDepth) readout(l, count, out[l]);
        hidden(l, count);
      }
    }
    readout(last, count, out[byDepth ? last : 0]);
  };
}

function newTile(outputs = 1): PairTile {
  const out = Array.from({ length: outputs }, () => new Float64Array(TILE));
  return { xi: new Int32Array(TILE), yj: new Int32Array(TILE), out };
}

/**
 * Which code computes the analytic kernels: "auto", the compiled SIMD recursion (ntk-simd.ts) wherever
 * it applies and the matrix has at least MIN_COMPILED_PAIRS pairs, this file's JS engine elsewhere; "simd",
 * the compiled code wherever it applies, at any size (tests, benchmarks); "js", this file's engine always
 * (the per-pair oracle's bits; the reference the SIMD code is tested against).
 */
let engine: Engine = "auto";
type Engine = "auto" | "js" | "simd";

/**
 * Below this many pairs "auto" keeps the JS engine: compiling an architecture takes 1-40 ms (more for deep
 * sine networks), more than the JS engine spends on a few thousand pairs; the module is kept per
 * architecture, so repeated large kernels pay it once. (One threshold on the pairs, not on the work per
 * pair, so that a network and its cuts in kernelsByDepth choose alike.)
 */
const MIN_COMPILED_PAIRS = 65536;

/** Whether "auto" compiles a matrix of n x m entries (symmetric: its upper triangle). */
function worthCompiling(n: number, m: number, symmetric: boolean): boolean {
  if (engine === "js") return false;
  return engine === "simd" || (symmetric ? (n * (n + 1)) / 2 : n * m) >= MIN_COMPILED_PAIRS;
}

/** The engine that computed the last analytic kernel: "simd", "js" (null before the first). */
let used: "simd" | "js" | null = null;

/** Which engine computed the last analytic kernel (matrix, diagonal or kernelsByDepth): "simd" or "js". */
export function lastAnalyticEngine(): "simd" | "js" | null {
  return used;
}

/** The analytic kernels' engine now (see `engine`): "auto", "simd" or "js". */
export function analyticEngine(): Engine {
  return engine;
}

/** Sets the analytic kernels' engine (see `engine`): "auto", "simd" or "js"; returns the previous one. */
export function setAnalyticEngine(next: Engine): Engine {
  if (next !== "auto" && next !== "js" && next !== "simd") {
    throw new Error(`setAnalyticEngine: engine must be "auto", "simd" or "js", got ${describeValue(next)}`);
  }
  const previous = engine;
  engine = next;
  return previous;
}

/** The SIMD code's matrices for these per-point passes, or null where the JS engine must compute them. */
function compiledMatrices(
  arch: Architecture,
  output: Output,
  px: Side,
  py: Side,
  d1: number,
  byDepth: boolean,
): Matrix[] | null {
  used = "js";
  if (!worthCompiling(px.norm.length, py.norm.length, px === py)) return null;
  const made = simdKernels(arch, output, px, py, d1, { byDepth, diagonal: false });
  if (!Array.isArray(made)) return null;
  used = "simd";
  return made;
}

/** ntk or nngp (output) with its Errors named for `who` (the function the user called). */
export function analyticKernel(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
  Y?: PointsInput,
): Matrix {
  checkArchitecture(who, arch);
  const { x, y, symmetric } = readPair(who, X, Y);
  checkKernelMemory(who, x, y, symmetric, x.d + sideDoubles(x.d, arch.activations.length));
  const px = prepare(who, "X", arch, x);
  const py = symmetric ? px : prepare(who, "Y", arch, y);
  const made = compiledMatrices(arch, output, px, py, x.d + 1, false);
  if (made) return made[0];
  const tile = newTile();
  return assemblePairs(
    x.n,
    y.n,
    symmetric,
    tile,
    tileComputation(who, arch, px, py, x.d + 1, output, tile),
  )[0];
}

/**
 * The kernels of every depth in one pass: entry l - 1 is the NTK (or NNGP) of the network cut after its
 * l-th hidden layer, with the architecture's output layer (weightStd[L]) as its readout, for l = 1 .. L.
 * Each is bit for bit ntk(mlp(activations.slice(0, l), { weightStd: [...weightStd.slice(0, l), weightStd[L]],
 * biasStd: biasStd.slice(0, l) }), X, Y): the depth-7 kernel passes through depths 1..6 on its way.
 * Peak memory as ntk's with L result matrices.
 */
export function kernelsByDepth(
  arch: Architecture,
  X: PointsInput,
  Y?: PointsInput,
  options: { get?: Output } = {},
): Matrix[] {
  const who = "kernelsByDepth";
  checkArchitecture(who, arch);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["get"]);
  const get = checkOutput(who, opts.get ?? "ntk");
  const L = arch.activations.length;
  const { x, y, symmetric } = readPair(who, X, Y);
  // L results: L - 1 more n x m matrices than one kernel, counted as per-point doubles of X.
  checkKernelMemory(
    who,
    x,
    y,
    symmetric,
    x.d + sideDoubles(x.d, L) + Math.ceil(((L - 1) * y.n * x.n) / (x.n + y.n)),
  );
  const px = prepare(who, "X", arch, x);
  const py = symmetric ? px : prepare(who, "Y", arch, y);
  const made = compiledMatrices(arch, get, px, py, x.d + 1, true);
  if (made) return made;
  const tile = newTile(L);
  return assemblePairs(
    x.n,
    y.n,
    symmetric,
    tile,
    tileComputation(who, arch, px, py, x.d + 1, get, tile, true),
  );
}

/** The diagonal K(x_i, x_i) of analyticKernel, the same bits as the matrix's (either engine), without the n x n matrix. */
export function analyticDiagonal(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
): Float64Array {
  checkArchitecture(who, arch);
  const { x } = readPair(who, X);
  checkMemory(
    who,
    8 * x.n * (1 + x.d + sideDoubles(x.d, arch.activations.length)),
    `lower n (X has ${x.n} points)`,
  );
  const px = prepare(who, "X", arch, x);
  used = "js";
  // The engine the matrix K(X, X) would take, so that the diagonal has its bits.
  if (worthCompiling(x.n, x.n, true)) {
    const made = simdKernels(arch, output, px, px, x.d + 1, { byDepth: false, diagonal: true });
    if (made instanceof Float64Array) {
      used = "simd";
      return made;
    }
  }
  const tile = newTile();
  return assembleDiagonal(x.n, tile, tileComputation(who, arch, px, px, x.d + 1, output, tile));
}

/**
 * The neural tangent kernel Theta_L(x_i, y_j) of the architecture: an n x m Matrix for X (n x d) and
 * Y (m x d), one point per row; Y omitted gives the symmetric K(X, X). Peak memory about
 * 8 (n m + (n + m)(3 d + 9 + 11 L)) bytes for L hidden layers, checked before anything is allocated.
 */
export function ntk(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return analyticKernel("ntk", "ntk", arch, X, Y);
}

/**
 * The NNGP kernel Sigma_L(x_i, y_j), the covariance of the network's output at initialization (n x m).
 * Peak memory as ntk's.
 */
export function nngp(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return analyticKernel("nngp", "nngp", arch, X, Y);
}
