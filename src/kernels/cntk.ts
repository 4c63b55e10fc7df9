/**
 * The convolutional NTK and NNGP (Arora et al. 2019, section 4 and appendix, as reviewed in the 18.408
 * project report; Problem Set 4, problems 7a and 8) of the networks serial(conv(), act, ..., readout,
 * dense(), ...) describes (layers.ts), over pairs of pixel positions. For two images x, y, with q = size^2
 * taps, alpha_l = weightStd_l^2 / q and beta_l = biasStd_l^2:
 *   Sigma_0(p, p') = sum_channels x(p) y(p'),
 *   Sigma_l(p, p') = alpha_l sum_t K_{l-1}(s p + t - pad, s p' + t - pad) + beta_l,   (K_0 = Sigma_0; 0 outside)
 *   Theta_l(p, p') = alpha_l sum_t [K_{l-1} + Kdot_{l-1} Theta_{l-1}](s p + t - pad, s p' + t - pad) + beta_l,
 *   Theta_1 = Sigma_1 ("same" padding puts floor(total / 2) of it before: layers.ts convTaps),
 *   K_l = c_s E[s(u) s(v)],  Kdot_l = c_s E[s'(u) s'(v)],  (u, v) ~ N(0, [[Sigma_l(x,x)(p,p), Sigma_l(p,p')], [., Sigma_l(y,y)(p',p')]]),
 * the sum over the same tap t of both positions (the two images are convolved with one filter). The
 * readout after the last conv layer L: flatten, S = mean_p K_L(p, p), T = mean_p [K_L + Kdot_L Theta_L](p, p);
 * globalAveragePool, the same means over all pairs (p, p'). Then the head, an mlp's recursion on (S, T):
 * Sigma = ws^2 S + bs^2, Theta = ws^2 T + bs^2, and per head activation Sigma <- ws^2 K + bs^2,
 * Theta <- ws^2 (K + Kdot Theta) + bs^2. The finite network this is the limit of is training/conv-network.ts.
 *
 * What each readout costs: a tap moves both positions of a pair by the same offset, so the offset
 * p' - p of a pair never changes from layer to layer (times the strides). Flatten reads only offset 0 at
 * the end, hence at every layer: P positions per image pair and layer. Global average pooling reads every
 * offset: P^2 pairs (38,416 at 14 x 14) per image pair and layer, computed one image pair at a time, never
 * for all image pairs at once. The P^2 arrays are convolved separably, along the columns of both images
 * and then along their rows (2 size taps per entry instead of size^2). Over all pairs the ReLU layers and the
 * stride-1 convolutions run in WebAssembly SIMD (cntk-simd.ts) unless setAnalyticEngine("js") is set: the
 * convolutions to the same bits, the ReLU layer within a few ulps.
 *
 * Precision: the gaps sqrt(ab) -+ c the duals read are subtracted here, not carried through the layers as
 * ntk.ts carries them (clamped at 0): a pair of patches within 1e-16 of parallel has its angle only to
 * about 1e-8. The diagonal pairs (p, p) of an image with itself get g = 0 exactly.
 */
import { Matrix } from "ml-matrix";
import { closedFormOf, dualAt, rootOfProduct, type Activation, type DualArrays } from "../activations";
import { MIN_NORMAL } from "../numeric";
import { checkConvArchitecture, convGrids, convTaps, type ConvArchitecture } from "../layers";
import { checkMemory } from "../memory";
import {
  checkOptionKeys,
  checkProgress,
  describeValue,
  optionsObject,
  type ProgressStart,
} from "../validate";
import { assemblePairs, type PairTile } from "./assemble";
import { analyticEngine, checkOutput, type Output } from "./ntk";
import { pairArrays, type PairArrays } from "./cntk-simd";

/**
 * Images as the CNTK reads them: n images of height x width pixels and `channels` channels, pixel-major
 * (row, column, channel), as an ImageSet holds them.
 */
export interface ConvImages {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** n * height * width * channels values */
  readonly pixels: Float64Array;
}

export interface CntkOptions {
  /** "ntk" (default) or "nngp". */
  get?: Output;
  /** A progress display such as lab.progress, ticked per row of the matrix; false or left out for none. */
  progress?: ProgressStart | false;
}

/** X checked: integer sizes, pixels a Float64Array of the right length, every value finite. */
export function readImages(who: string, name: string, X: unknown): ConvImages {
  const x = X as Partial<ConvImages> | null;
  const fields = "{ n, height, width, channels, pixels } (an ImageSet or the same fields)";
  if (x === null || typeof x !== "object") {
    throw new Error(`${who}: ${name} must be images ${fields}, got ${describeValue(X)}`);
  }
  for (const size of ["n", "height", "width", "channels"] as const) {
    const v = x[size];
    if (!(Number.isInteger(v) && (v as number) >= 1)) {
      throw new Error(`${who}: ${name}.${size} must be an integer >= 1, got ${describeValue(v)}`);
    }
  }
  const { n, height, width, channels } = x as ConvImages;
  const values = n * height * width * channels;
  if (!(x.pixels instanceof Float64Array) || x.pixels.length !== values) {
    throw new Error(
      `${who}: ${name}.pixels must be a Float64Array of n * height * width * channels = ${values} values, got ${describeValue(x.pixels)}`,
    );
  }
  const bad = x.pixels.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `${who}: ${name}.pixels[${bad}] (image ${Math.floor(bad / (values / n))}) must be finite, got ${x.pixels[bad]}`,
    );
  }
  return x as ConvImages;
}

/** The fixed numbers of the recursion for one architecture and image size. */
interface Plan {
  readonly arch: ConvArchitecture;
  readonly L: number;
  /** Input grid, then every conv layer's output: grids[l + 1] is layer l's. */
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** Pairs of positions: every pair (globalAveragePool) or the pairs (p, p) only (flatten). */
  readonly all: boolean;
  /**
   * Per layer the separable convolution as runs (convolutionRuns): along the columns (reading the input at
   * the layer's stride) and then along the rows, for the pairs (p, p) and (with all pairs) for every pair.
   */
  readonly diagonalRuns: { columns: Int32Array[]; rows: Int32Array[] };
  readonly pairRuns: { columns: Int32Array[]; rows: Int32Array[] } | null;
  readonly channels: number;
}

function makePlan(who: string, arch: ConvArchitecture, x: ConvImages): Plan {
  const grids = convGrids(who, arch, x.height, x.width);
  const rows = Int32Array.from([x.height, ...grids.map((g) => g[0])]);
  const cols = Int32Array.from([x.width, ...grids.map((g) => g[1])]);
  const all = arch.readout === "globalAveragePool";
  /**
   * Conv layer l's separable convolution of the P^2 pairs as (to, from, length) triples: along the columns
   * of both images, (i, j, i', j') -> (i, jo, i', jo'), entries to + t of the output get from + t stride of
   * the input; then along the rows, (i, jo, i', jo') -> (io, jo, io', jo'), contiguous. Per tap a run of
   * outputs reads a run of inputs (tapRanges), and the runs go tap by tap, the order of the pairs (p, p)
   * loop of Pass.convolve, so that both give the same bits.
   */
  const convolutionRuns = (l: number, along: "columns" | "rows", pairs: boolean): Int32Array => {
    const layer = arch.convs[l];
    const k = layer.size;
    const [R, C, Ro, Co] = [rows[l], cols[l], rows[l + 1], cols[l + 1]];
    const runs: number[] = [];
    if (!pairs) {
      // The pairs (p, p) only: (i, j) -> (i, jo) along the columns, then (i, jo) -> (io, jo) along the rows.
      const taps = convTaps(layer, along === "columns" ? C : R);
      const ranges = tapRanges(k, taps);
      for (let t = 0; t < k; t++) {
        const [lo, hi] = [ranges[2 * t], ranges[2 * t + 1]];
        if (lo >= hi) continue;
        if (along === "columns") {
          for (let i = 0; i < R; i++) runs.push(i * Co + lo, i * C + taps[lo * k + t], hi - lo);
        } else {
          for (let io = lo; io < hi; io++) runs.push(io * Co, taps[io * k + t] * Co, Co);
        }
      }
      return Int32Array.from(runs);
    }
    if (along === "columns") {
      const ct = convTaps(layer, C);
      const cr = tapRanges(k, ct);
      for (let b = 0; b < k; b++) {
        const [lo, hi] = [cr[2 * b], cr[2 * b + 1]];
        if (lo >= hi) continue;
        for (let i = 0; i < R; i++) {
          for (let jo = lo; jo < hi; jo++) {
            for (let i2 = 0; i2 < R; i2++) {
              runs.push(
                ((i * Co + jo) * R + i2) * Co + lo,
                ((i * C + ct[jo * k + b]) * R + i2) * C + ct[lo * k + b],
                hi - lo,
              );
            }
          }
        }
      }
    } else {
      const rt = convTaps(layer, R);
      const rr = tapRanges(k, rt);
      for (let a = 0; a < k; a++) {
        const [lo, hi] = [rr[2 * a], rr[2 * a + 1]];
        for (let io = lo; io < hi; io++) {
          for (let jo = 0; jo < Co; jo++) {
            for (let io2 = lo; io2 < hi; io2++) {
              runs.push(
                ((io * Co + jo) * Ro + io2) * Co,
                ((rt[io * k + a] * Co + jo) * R + rt[io2 * k + a]) * Co,
                Co,
              );
            }
          }
        }
      }
    }
    return Int32Array.from(runs);
  };
  return {
    arch,
    L: arch.convs.length,
    rows,
    cols,
    alpha: Float64Array.from(arch.convs, (layer) => layer.weightStd ** 2 / layer.size ** 2),
    beta: Float64Array.from(arch.convs, (layer) => layer.biasStd ** 2),
    all,
    diagonalRuns: {
      columns: arch.convs.map((_, l) => convolutionRuns(l, "columns", false)),
      rows: arch.convs.map((_, l) => convolutionRuns(l, "rows", false)),
    },
    pairRuns: all
      ? {
          columns: arch.convs.map((_, l) => convolutionRuns(l, "columns", true)),
          rows: arch.convs.map((_, l) => convolutionRuns(l, "rows", true)),
        }
      : null,
    channels: x.channels,
  };
}

/**
 * For each tap t of a filter of `size` taps, the outputs o in [lo, hi) whose tap t reads an input (taps:
 * convTaps' table): a contiguous run, since the input index grows with o. Entry 2 t is lo, 2 t + 1 hi.
 */
function tapRanges(size: number, taps: Int32Array): Int32Array {
  const outputs = taps.length / size;
  const ranges = new Int32Array(2 * size);
  for (let t = 0; t < size; t++) {
    let lo = 0;
    while (lo < outputs && taps[lo * size + t] < 0) lo++;
    let hi = lo;
    while (hi < outputs && taps[hi * size + t] >= 0) hi++;
    ranges[2 * t] = lo;
    ranges[2 * t + 1] = hi;
  }
  return ranges;
}

/** Entries of a layer's state for one image pair: P^2 (all pairs) or P (pairs (p, p)) at grid l. */
function entries(plan: Plan, l: number): number {
  const P = plan.rows[l] * plan.cols[l];
  return plan.all ? P * P : P;
}

/** The largest layer's entries: the length of a pass's arrays. */
function largestState(plan: Plan): number {
  let most = 0;
  for (let l = 0; l <= plan.L; l++) most = Math.max(most, entries(plan, l));
  return most;
}

/** Doubles of one pass's scratch arrays (the largest layer's state times the arrays it holds). */
function scratchDoubles(plan: Plan): number {
  return 16 * largestState(plan);
}

/** d1[to + t] += s1[from + t stride] and d2 likewise, t < length, for every (to, from, length) run. */
function addRuns(
  d1: Float64Array,
  s1: Float64Array,
  d2: Float64Array,
  s2: Float64Array,
  runs: Int32Array,
  stride: number,
): void {
  for (let r = 0; r < runs.length; r += 3) {
    const to = runs[r];
    const from = runs[r + 1];
    const length = runs[r + 2];
    if (stride === 1) {
      for (let t = 0; t < length; t++) {
        d1[to + t] += s1[from + t];
        d2[to + t] += s2[from + t];
      }
    } else {
      for (let t = 0; t < length; t++) {
        d1[to + t] += s1[from + t * stride];
        d2[to + t] += s2[from + t * stride];
      }
    }
  }
}

/** One image's own numbers: per conv layer its positions' variances, per depth the head's variances. */
interface Side {
  /** variance[l][p] = Sigma_{l+1}(x, x)(p, p), the pre-activation variance of conv layer l + 1. */
  readonly variance: Float64Array[];
  /** head[l][m]: the variance before head activation m of the network cut after conv layer l + 1. */
  readonly head: Float64Array[];
}

/**
 * The computation for one image pair at a time, with its scratch arrays: run(x, i, y, j) writes into
 * out[l] (l < L) the kernel of the network cut after conv layer l + 1 (every l with byDepth, else the
 * last only).
 */
class Pass {
  private readonly sig: Float64Array;
  private readonly th: Float64Array;
  private readonly preSig: Float64Array;
  private readonly preTh: Float64Array;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;
  private readonly io: DualArrays;

  /** The pass's arrays in the compiled code's memory (cntk-simd.ts), where it runs; else null. */
  private readonly compiled: PairArrays | null;
  /** Whether the ReLU layers run compiled (their variances in its range). */
  private readonly compiledRelu: boolean;
  /** The convolutions' runs for this pass's pairs (Plan.diagonalRuns or pairRuns). */
  private readonly runs: Plan["diagonalRuns"];

  /**
   * compiled: whether the convolutions may run compiled (all pairs, the engine not "js"); compiledRelu:
   * the ReLU layers too.
   */
  constructor(
    private readonly who: string,
    private readonly plan: Plan,
    private readonly output: Output,
    private readonly byDepth: boolean,
    compiled = false,
    compiledRelu = false,
  ) {
    const most = largestState(plan);
    const f = () => new Float64Array(most);
    const runs = plan.all && plan.pairRuns ? plan.pairRuns : plan.diagonalRuns;
    this.runs = runs;
    const tables = runs.columns.flatMap((table, l) => [table, runs.rows[l]]);
    this.compiled = compiled ? pairArrays(most, tables) : null;
    this.compiledRelu = compiledRelu;
    const shared = this.compiled;
    this.sig = shared ? shared.c : f();
    this.th = shared ? shared.theta : f();
    this.preSig = shared ? shared.preSig : f();
    this.preTh = shared ? shared.preTh : f();
    this.t1 = shared ? shared.t1 : f();
    this.t2 = shared ? shared.t2 : f();
    this.io = {
      a: shared ? shared.a : f(),
      b: shared ? shared.b : f(),
      c: this.sig,
      g: f(),
      h: f(),
      value: f(),
      derivative: f(),
      gap: f(),
      cogap: f(),
    };
  }

  /**
   * The pair (image i of X, image j of Y) with sx, sy their Sides. With `record`, the pair is an image
   * with itself whose Side is being made: the head's variances are the covariances themselves and go into
   * record.head; with sx null as well (pairs (p, p) only), so do the positions' variances (record.variance).
   */
  run(
    X: ConvImages,
    i: number,
    Y: ConvImages,
    j: number,
    sx: Side | null,
    sy: Side | null,
    out: Float64Array,
    record?: Side,
  ): void {
    const { plan } = this;
    const { L, all } = plan;
    this.input(X, i, Y, j);
    for (let l = 0; l < L; l++) {
      // Sigma_{l+1}, Theta_{l+1} from K_l (+ Kdot_l Theta_l) of the layer below (the input at l = 0).
      this.convolve(l);
      const count = entries(plan, l + 1);
      const { a, b, g, h, value, derivative } = this.io;
      const c = this.sig;
      if (!all) {
        // The layer's scale and bias (all pairs: in the loop below).
        const alpha = plan.alpha[l];
        const beta = plan.beta[l];
        const th = this.th;
        for (let e = 0; e < count; e++) {
          const v = alpha * c[e] + beta;
          c[e] = v;
          th[e] = l === 0 ? v : alpha * th[e] + beta;
        }
      }
      if (record && !sx) {
        // The positions' variances come from the pairs (p, p) of the image with itself: a = b = c.
        if (all) throw new Error(`${this.who}: internal: positions' variances come from pairs (p, p) only`);
        record.variance.push(c.slice(0, count));
      }
      const vx = sx ? sx.variance[l] : c;
      const vy = sy ? sy.variance[l] : c;
      const act = plan.arch.activations[l];
      // relu itself (its dual and its c_s = 2, which the compiled layer has built in).
      const compiled =
        this.compiled !== null && this.compiledRelu && closedFormOf(act) === "relu" && act.scale === 2;
      if (all) {
        // The layer's scale and bias (left by convolve for this loop), the pair's variances and gaps (the
        // compiled layer computes its own gaps).
        const alpha = plan.alpha[l];
        const beta = plan.beta[l];
        const first = l === 0;
        const th = this.th;
        const P = plan.rows[l + 1] * plan.cols[l + 1];
        for (let p = 0, e = 0; p < P; p++) {
          const ap = vx[p];
          for (let q = 0; q < P; q++, e++) {
            const v = alpha * c[e] + beta;
            c[e] = v;
            th[e] = first ? v : alpha * th[e] + beta;
            const bq = vy[q];
            a[e] = ap;
            b[e] = bq;
            if (compiled) continue;
            const product = ap * bq;
            const r =
              product >= MIN_NORMAL && product < Infinity ? Math.sqrt(product) : rootOfProduct(ap, bq);
            g[e] = r - v > 0 ? r - v : 0;
            h[e] = r + v > 0 ? r + v : 0;
          }
        }
      } else {
        a.set(vx.subarray(0, count));
        b.set(vy.subarray(0, count));
        for (let e = 0; e < count && !compiled; e++) {
          const r = rootOfProduct(a[e], b[e]);
          const ce = c[e];
          g[e] = r - ce > 0 ? r - ce : 0;
          h[e] = r + ce > 0 ? r + ce : 0;
        }
      }
      if (compiled) {
        this.compiled!.relu(count);
        if (this.byDepth || l === L - 1) out[l] = this.readout(l, count, sx, sy, record);
        continue;
      }
      act.dual(this.io, count, false);
      const s = act.scale;
      const th = this.th;
      const preSig = this.preSig;
      const preTh = this.preTh;
      let bad = 0;
      for (let e = 0; e < count; e++) {
        const k = s * value[e];
        const kd = s * derivative[e];
        bad += Math.abs(k) + Math.abs(kd) < Infinity ? 0 : 1;
        preSig[e] = k;
        preTh[e] = k + kd * th[e];
      }
      if (bad > 0) this.fault(act, l);
      if (this.byDepth || l === L - 1) out[l] = this.readout(l, count, sx, sy, record);
    }
  }

  /** Sigma_0 of the pair: sum over channels of x(p) y(p') (every pair, or p' = p), into preSig and preTh. */
  private input(X: ConvImages, i: number, Y: ConvImages, j: number): void {
    const { plan } = this;
    const C = plan.channels;
    const P = plan.rows[0] * plan.cols[0];
    const xo = i * P * C;
    const yo = j * P * C;
    const xp = X.pixels;
    const yp = Y.pixels;
    const out = this.preSig;
    if (plan.all) {
      for (let p = 0, e = 0; p < P; p++) {
        for (let q = 0; q < P; q++, e++) {
          let s = 0;
          for (let k = 0; k < C; k++) s += xp[xo + p * C + k] * yp[yo + q * C + k];
          out[e] = s;
        }
      }
    } else {
      for (let p = 0; p < P; p++) {
        let s = 0;
        for (let k = 0; k < C; k++) s += xp[xo + p * C + k] * yp[yo + p * C + k];
        out[p] = s;
      }
    }
  }

  /**
   * Conv layer l on the pair's state: sig = alpha sum_t preSig + beta, th likewise from preTh (or th = sig
   * in the first layer, whose input has no Theta).
   */
  private convolve(l: number): void {
    const { plan } = this;
    const R = plan.rows[l];
    const Co = plan.cols[l + 1];
    const { preSig, preTh, sig, th, t1, t2 } = this;
    // The separable convolution's runs (Plan.diagonalRuns, pairRuns), compiled where the layer's stride is 1
    // (the compiled runs are contiguous); the scale and bias are applied by run, which reads every entry.
    const stride = plan.arch.convs[l].stride;
    const compiled = this.compiled !== null && stride === 1 ? this.compiled : null;
    const middle = plan.all ? R * Co * R * Co : R * Co;
    const count = entries(plan, l + 1);
    t1.fill(0, 0, middle);
    t2.fill(0, 0, middle);
    if (compiled) compiled.addRuns(t1, preSig, t2, preTh, 2 * l);
    else addRuns(t1, preSig, t2, preTh, this.runs.columns[l], stride);
    sig.fill(0, 0, count);
    th.fill(0, 0, count);
    if (compiled) compiled.addRuns(sig, t1, th, t2, 2 * l + 1);
    else addRuns(sig, t1, th, t2, this.runs.rows[l], 1);
  }

  /** The readout after conv layer l and the head: the kernel of the network cut there. */
  private readout(l: number, count: number, sx: Side | null, sy: Side | null, record?: Side): number {
    const { arch } = this.plan;
    let S = 0;
    let T = 0;
    for (let e = 0; e < count; e++) {
      S += this.preSig[e];
      T += this.preTh[e];
    }
    S /= count;
    T /= count;
    const ws = arch.headWeightStd;
    const bs = arch.headBiasStd;
    let sigma = ws[0] ** 2 * S + bs[0] ** 2;
    let theta = ws[0] ** 2 * T + bs[0] ** 2;
    const H = arch.headActivations.length;
    const variances = record ? new Float64Array(H) : null;
    for (let m = 0; m < H; m++) {
      const act = arch.headActivations[m];
      const a = record || !sx ? sigma : sx.head[l][m];
      const b = record || !sy ? sigma : sy.head[l][m];
      if (variances) variances[m] = sigma;
      const r = rootOfProduct(a, b);
      const [value, derivative] = dualAt(
        act.dual,
        a,
        b,
        sigma,
        Math.max(0, r - sigma),
        Math.max(0, r + sigma),
      );
      const k = act.scale * value;
      const kd = act.scale * derivative;
      if (!(Math.abs(k) + Math.abs(kd) < Infinity)) this.fault(act, l, m);
      sigma = ws[m + 1] ** 2 * k + bs[m + 1] ** 2;
      theta = ws[m + 1] ** 2 * (k + kd * theta) + bs[m + 1] ** 2;
    }
    if (record && variances) record.head.push(variances);
    const v = this.output === "ntk" ? theta : sigma;
    if (!(Math.abs(v) < Infinity)) {
      throw new Error(
        `${this.who}: the ${this.output === "ntk" ? "CNTK" : "NNGP"} overflows float64 at depth ${l + 1}; lower the weightStd, the depth or the pixel values`,
      );
    }
    return v;
  }

  private fault(act: Activation, l: number, m = -1): never {
    const where = m < 0 ? `conv layer ${l + 1}` : `head layer ${m + 1} (after conv layer ${l + 1})`;
    throw new Error(
      `${this.who}: activation ${act.name} at ${where} gave a value that is not finite (E[s(u) s(v)] or E[s'(u) s'(v)] is NaN or Infinity); lower the weightStd or the pixel values, or use another activation`,
    );
  }
}

/** Every image's Side from its pairs (p, p) with itself (the head's variances as flatten reads them). */
function sides(who: string, plan: Plan, X: ConvImages): Side[] {
  const diagonal = new Pass(who, { ...plan, all: false }, "nngp", true);
  const out = new Float64Array(plan.L);
  return Array.from({ length: X.n }, (_, i) => {
    const side: Side = { variance: [], head: [] };
    diagonal.run(X, i, X, i, null, null, out, side);
    return side;
  });
}

/** Under global average pooling with a head, the head's variances come from all pairs of an image with itself. */
function pooledHeads(
  who: string,
  plan: Plan,
  X: ConvImages,
  made: Side[],
  compiled: boolean,
  compiledRelu: boolean,
): Side[] {
  if (!plan.all || plan.arch.headActivations.length === 0) return made;
  const full = new Pass(who, plan, "nngp", true, compiled, compiledRelu);
  const out = new Float64Array(plan.L);
  return made.map((side, i) => {
    const withHead: Side = { variance: side.variance, head: [] };
    full.run(X, i, X, i, side, side, out, withHead);
    return withHead;
  });
}

/** Whether every position's variance is 0 or in the compiled ReLU layer's range [1e-150, 1e150]. */
function inCompiledRange(made: Side[]): boolean {
  return made.every((side) =>
    side.variance.every((v) => v.every((a) => a === 0 || (a >= 1e-150 && a <= 1e150))),
  );
}

function kernels(
  who: string,
  arch: ConvArchitecture,
  X: ConvImages,
  Y: ConvImages | undefined,
  options: CntkOptions,
  byDepth: boolean,
): Matrix[] {
  checkConvArchitecture(who, arch);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["get", "progress"]);
  const get = checkOutput(who, opts.get ?? "ntk");
  const progress = checkProgress(who, opts.progress ?? false);
  const x = readImages(who, "X", X);
  const symmetric = Y === undefined || Y === X;
  const y = symmetric ? x : readImages(who, "Y", Y);
  if (y.height !== x.height || y.width !== x.width || y.channels !== x.channels) {
    throw new Error(
      `${who}: Y's images must have X's size ${x.height} x ${x.width} x ${x.channels}, got ${y.height} x ${y.width} x ${y.channels}`,
    );
  }
  const plan = makePlan(who, arch, x);
  const L = plan.L;
  const results = byDepth ? L : 1;
  let sideDoubles = 0;
  for (let l = 1; l <= L; l++) sideDoubles += plan.rows[l] * plan.cols[l];
  checkMemory(
    who,
    8 * (results * x.n * y.n + (x.n + y.n) * (sideDoubles + L * 8) + scratchDoubles(plan) * 2),
    symmetric ? `lower n (X has ${x.n} images)` : `lower n or m (X has ${x.n} images, Y has ${y.n})`,
  );
  const bare = sides(who, plan, x);
  const bareY = symmetric ? bare : sides(who, plan, y);
  // Compiled code where the engine allows it; the ReLU layer where every position's variance is in its range.
  const compiled = analyticEngine() !== "js";
  const compiledRelu = compiled && inCompiledRange(bare) && inCompiledRange(bareY);
  const sx = pooledHeads(who, plan, x, bare, compiled, compiledRelu);
  const sy = symmetric ? sx : pooledHeads(who, plan, y, bareY, compiled, compiledRelu);
  const pass = new Pass(who, plan, get, byDepth, compiled, compiledRelu);
  const depthValues = new Float64Array(L);
  const tile: PairTile = {
    xi: new Int32Array(1),
    yj: new Int32Array(1),
    out: Array.from({ length: results }, () => new Float64Array(1)),
  };
  const bar = progress ? progress(x.n, `${plan.all ? "CNTK-GAP" : "CNTK-V"} rows`) : null;
  let row = -1;
  const made = assemblePairs(x.n, y.n, symmetric, tile, () => {
    const i = tile.xi[0];
    const j = tile.yj[0];
    if (i !== row) {
      if (row >= 0) bar?.tick();
      row = i;
    }
    pass.run(x, i, y, j, sx[i], sy[j], depthValues);
    if (byDepth) depthValues.forEach((v, l) => (tile.out[l][0] = v));
    else tile.out[0][0] = depthValues[L - 1];
  });
  bar?.tick();
  bar?.done();
  return made;
}

/**
 * The convolutional NTK (or NNGP, options.get) of a serial(conv(), ...) architecture between the images of
 * X and Y (ConvImages, e.g. ImageSets of one size): an n x m Matrix; Y omitted gives the symmetric K(X, X).
 * Memory: the result, per image its positions' variances, and 14 arrays of the largest layer's P^2
 * (globalAveragePool) or P (flatten) pairs for one image pair at a time; checked before anything is
 * allocated.
 */
export function cntk(
  arch: ConvArchitecture,
  X: ConvImages,
  Y?: ConvImages,
  options: CntkOptions = {},
): Matrix {
  return kernels("cntk", arch, X, Y, options, false)[0];
}

/**
 * The kernels of every depth in one pass: entry l - 1 is the kernel of the network cut after its l-th conv
 * layer (and activation), with the same readout and head, for l = 1 .. L: the depth-7 kernel passes
 * through depths 1..6 on its way. Each equals cntk of the cut architecture to the last bit, where both take
 * the same engine (the compiled ReLU layer runs only where the variances of every layer are in its range, so
 * a cut network may take it where the whole one does not: then they agree within a few ulps).
 */
export function cntkByDepth(
  arch: ConvArchitecture,
  X: ConvImages,
  Y?: ConvImages,
  options: CntkOptions = {},
): Matrix[] {
  return kernels("cntkByDepth", arch, X, Y, options, true);
}
