/**
 * A finite fully connected network with a given architecture (layers.ts), built to be
 * shared by the empirical NTK and by trainers: all trainable parameters live in one flat Float64Array
 * (`params`), with per-layer views `weights[l]` (fanOut x fanIn, row-major) and `biases[l]`;
 * `forwardBatch` runs n points at once as matrix products and records a trace, and `backwardBatch` turns
 * it into gradients with respect to every parameter. A plain point-by-point form of both passes is the
 * tests' oracle (test/network-oracle.ts).
 *
 * Layer l = 1 .. L+1 computes h_l = weightScale_l W_l g_{l-1} + biasScale_l b_l (g_0 = x, no output
 * bias), and hidden layers emit g_l = featureScale_l s_l(h_l). The parameterization fixes the scales and
 * the initial draw; "ntk" (Jacot et al. 2018; the 18.408 project report) is weightScale = weightStd_l, biasScale = biasStd_l,
 * featureScale = sqrt(c_l / d_l), W and b ~ N(0, 1): the network whose infinite-width kernels are
 * ntk() and nngp(). With weightStd 1 and no bias, one ReLU layer is f = A sqrt(2/k) relu(B x) (Problem Set 4).
 */
import { checkArchitecture, type Architecture } from "./layers";
import { rngFrom, type Rng } from "./random";
import { activationInArena, columnSumsInArena, derivativeInArena } from "./linalg/elementwise";
import { gemm, gemm32, mat, type GemmOptions } from "./linalg/gemm";
import { checkInteger, checkNumberList, describeValue } from "./validate";

/**
 * How parameters are scaled and drawn (weightStd_l = sigma_w,l, biasStd_l = sigma_b,l, c_l = activation l's scale):
 * - "ntk": W, b ~ N(0, 1), weightScale = sigma_w, biasScale = sigma_b, featureScale = sqrt(c_l / d_l)
 *   (Jacot et al. 2018): training follows the analytic NTK as the width grows.
 * - "standard": the same draws folded into the weights, no explicit scaling: W_1 ~ N(0, sigma_w,1^2),
 *   W_{l+1} ~ N(0, sigma_w,l+1^2 c_l / d_l) (= N(0, c_l / fan_in) for sigma_w = 1), b_l ~ N(0, sigma_b,l^2).
 *   For one seed it is the same function as "ntk" at initialization, with different gradients
 *   (the NTK-study write-up calls it "NTK initialization").
 * - "default": the usual framework default (PyTorch nn.Linear): W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
 *   no scaling; a hidden layer has a bias only where biasStd_l > 0, and weightStd is not used (the NTK-study write-up's
 *   "standard").
 */
export type Parameterization = "ntk" | "standard" | "default";

const PARAMETERIZATIONS: readonly Parameterization[] = ["ntk", "standard", "default"];

export interface NetworkOptions {
  inputDim: number;
  /** Hidden width: one number for every hidden layer or one per hidden layer. */
  width: number | readonly number[];
  /** Number of outputs; default 1. */
  outputs?: number;
  seed?: number;
  rng?: Rng;
  parameterization?: Parameterization;
}

/**
 * The batched forward pass over n points at once: row i of each matrix belongs to point i (row-major
 * n x width); output is n x outputs. In float32 (A = Float32Array) every stored value is rounded to float32.
 */
export interface BatchTrace<A extends Floats = Float64Array> {
  readonly n: number;
  readonly input: A;
  readonly preActivations: A[];
  readonly features: A[];
  readonly output: A;
}

/** The arrays a pass computes in: doubles, or floats for a trainer's float32 path. */
export type Floats = Float64Array | Float32Array;

/**
 * The network's parameters in another array of the same layout (e.g. a float32 copy a trainer steps):
 * weights[l] and biases[l] are views into it, as net.weights and net.biases are into net.params.
 */
export interface ParameterViews<A extends Floats> {
  readonly params: A;
  readonly weights: A[];
  readonly biases: A[];
}

/**
 * C <- alpha op(A) op(B) + beta C on row-major arrays of one type: gemm on doubles, gemm32 on floats (the
 * type of C decides).
 */
function product<A extends Floats>(
  a: A,
  [ar, ac]: [number, number],
  b: A,
  [br, bc]: [number, number],
  c: A,
  [cr, cc]: [number, number],
  options: GemmOptions,
): void {
  if (c instanceof Float32Array) {
    const m = (rows: number, cols: number, data: Floats) => ({ rows, cols, data: data as Float32Array });
    gemm32(m(ar, ac, a), m(br, bc, b), m(cr, cc, c), options);
  } else {
    gemm(
      mat(ar, ac, a as Float64Array),
      mat(br, bc, b as Float64Array),
      mat(cr, cc, c as Float64Array),
      options,
    );
  }
}

/** A zero array of the type of `like` (Float64Array or Float32Array). */
export const zerosLike = <A extends Floats>(like: A, length: number): A =>
  (like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as A;

export class Network {
  readonly architecture: Architecture;
  readonly parameterization: Parameterization;
  readonly inputDim: number;
  readonly widths: readonly number[];
  readonly outputs: number;
  /** All trainable parameters; weights[l] and biases[l] are views into it. */
  readonly params: Float64Array;
  /** weights[l] for l = 0 .. L (the last is the output layer), row-major fanOut x fanIn. */
  readonly weights: Float64Array[];
  /** biases[l] for the L hidden layers. */
  readonly biases: Float64Array[];
  readonly weightScale: Float64Array;
  readonly biasScale: Float64Array;
  readonly featureScale: Float64Array;
  private readonly sizes: number[];
  /** Offsets of weights[l] and biases[l] in params. */
  private readonly offsets: number[];
  private readonly biasOffsets: number[];

  /** who: the name errors start with (network() passes its own). */
  constructor(arch: Architecture, options: NetworkOptions, who = "Network") {
    checkArchitecture(who, arch);
    if (options === null || typeof options !== "object") {
      throw new Error(
        `${who}: options must be an object { inputDim, width, seed or rng, ... }, got ${describeValue(options)}`,
      );
    }
    const L = arch.activations.length;
    checkInteger(who, "inputDim", options.inputDim, 1);
    const one = typeof options.width === "number";
    if (!one && !(Array.isArray(options.width) && options.width.length === L)) {
      throw new Error(
        `${who}: width must be a number or ${L} numbers (one per hidden layer), got ${describeValue(options.width)}`,
      );
    }
    const widths = one
      ? new Array<number>(L).fill(options.width as number)
      : [...(options.width as readonly number[])];
    widths.forEach((w, l) => checkInteger(who, `width[${l}]`, w, 1));
    const outputs = options.outputs ?? 1;
    checkInteger(who, "outputs", outputs, 1);
    const parameterization = options.parameterization ?? "ntk";
    if (!PARAMETERIZATIONS.includes(parameterization)) {
      throw new Error(
        `${who}: parameterization must be "ntk", "standard" or "default", got ${describeValue(parameterization)}`,
      );
    }
    const rng = rngFrom(options, who);
    this.architecture = arch;
    this.parameterization = parameterization;
    this.inputDim = options.inputDim;
    this.widths = Object.freeze(widths);
    this.outputs = outputs;
    this.sizes = [options.inputDim, ...widths, outputs];
    let count = 0;
    for (let l = 0; l <= L; l++) count += this.sizes[l + 1] * this.sizes[l] + (l < L ? this.sizes[l + 1] : 0);
    this.params = new Float64Array(count);
    this.weights = [];
    this.biases = [];
    let offset = 0;
    for (let l = 0; l <= L; l++) {
      const n = this.sizes[l + 1] * this.sizes[l];
      this.weights.push(this.params.subarray(offset, offset + n));
      offset += n;
      if (l < L) {
        this.biases.push(this.params.subarray(offset, offset + this.sizes[l + 1]));
        offset += this.sizes[l + 1];
      }
    }
    this.offsets = this.weights.map((w) => (w.byteOffset - this.params.byteOffset) / 8);
    this.biasOffsets = this.biases.map((b) => (b.byteOffset - this.params.byteOffset) / 8);
    // Drawn layer by layer, weights before biases: the order the Monte Carlo kernels rely on too.
    if (parameterization === "default") {
      for (let l = 0; l <= L; l++) {
        const bound = 1 / Math.sqrt(this.sizes[l]);
        const W = this.weights[l];
        for (let i = 0; i < W.length; i++) W[i] = rng.uniformIn(-bound, bound);
        if (l < L) {
          const b = this.biases[l];
          for (let i = 0; i < b.length; i++) b[i] = rng.uniformIn(-bound, bound);
        }
      }
    } else {
      for (let i = 0; i < count; i++) this.params[i] = rng.normal();
    }
    const ntkFeatureScale = Float64Array.from(widths, (w, l) => Math.sqrt(arch.activations[l].scale / w));
    if (parameterization === "ntk") {
      this.weightScale = Float64Array.from(arch.weightStd);
      this.biasScale = Float64Array.from(arch.biasStd);
      this.featureScale = ntkFeatureScale;
    } else {
      this.weightScale = new Float64Array(L + 1).fill(1);
      this.biasScale = Float64Array.from(arch.biasStd, (bs) => (bs > 0 ? 1 : 0));
      this.featureScale = new Float64Array(L).fill(1);
      if (parameterization === "standard") {
        // Fold the NTK scales into the N(0, 1) draws: the same function, weight by weight.
        for (let l = 0; l <= L; l++) {
          const s = arch.weightStd[l] * (l === 0 ? 1 : ntkFeatureScale[l - 1]);
          const W = this.weights[l];
          for (let i = 0; i < W.length; i++) W[i] *= s;
          if (l < L) {
            const b = this.biases[l];
            for (let i = 0; i < b.length; i++) b[i] *= arch.biasStd[l];
          }
        }
      } else {
        for (let l = 0; l < L; l++) if (arch.biasStd[l] === 0) this.biases[l].fill(0);
      }
    }
  }

  get parameterCount(): number {
    return this.params.length;
  }

  /** weights and biases views into `params`, an array laid out as this.params (see ParameterViews). */
  viewsOf<A extends Floats>(params: A): ParameterViews<A> {
    if (params.length !== this.params.length) {
      throw new Error(
        `Network.viewsOf: params must have parameterCount = ${this.params.length} entries, got ${params.length}`,
      );
    }
    return {
      params,
      weights: this.weights.map((w, l) => params.subarray(this.offsets[l], this.offsets[l] + w.length) as A),
      biases: this.biases.map(
        (b, l) => params.subarray(this.biasOffsets[l], this.biasOffsets[l] + b.length) as A,
      ),
    };
  }

  /** The network's outputs f(x) (length outputs) at one point x: the batched pass on n = 1. */
  forward(x: ArrayLike<number>): Float64Array {
    const point = checkNumberList("Network.forward", "x", x, {
      length: this.inputDim,
      lengthRule: " (the network's inputDim)",
    });
    return finiteOutput("Network.forward", "x", batchTraceOf(this, point, 1).output);
  }

  /**
   * Forward pass of n points at once (X row-major n x inputDim), layer by layer as matrix products:
   * H_l = weightScale_l G_{l-1} W_l^T + biasScale_l 1 b_l^T, G_l = featureScale_l s_l(H_l). gemm sums
   * every entry over k = 0, 1, ... from 0 like a dot loop, so row i is point i's pass one point at a time
   * (test/network-oracle.ts) bit for bit, up to the sign of some zeros (see there).
   */
  forwardBatch(X: ArrayLike<number>, n: number): BatchTrace {
    const trace = batchTraceOf(this, pointsOf(this, "Network.forwardBatch", X, n), n);
    finiteOutput("Network.forwardBatch", "X", trace.output);
    return trace;
  }

  /** The outputs of n points (X row-major n x inputDim) as an n x outputs row-major array. */
  predict(X: ArrayLike<number>, n: number): Float64Array {
    const { output } = batchTraceOf(this, pointsOf(this, "Network.predict", X, n), n);
    return finiteOutput("Network.predict", "X", output);
  }

  /**
   * Batched deltas: row i of out[l] is d(seeds_i . f(x_i))/dh_{l+1}(x_i) for l = 0 .. L (out[L] = seeds,
   * n x outputs). Since f(x_i) depends only on point i, one pass gives every point's deltas. With `reuse`
   * (a list the caller keeps between calls) the arrays of the last call of the same n are overwritten
   * instead of allocated: a trainer's steps then allocate nothing.
   */
  deltasBatch<A extends Floats = Float64Array>(
    trace: BatchTrace<A>,
    seeds: A,
    reuse?: A[],
    views?: ParameterViews<A>,
  ): A[] {
    const n = trace.n;
    const weights = views?.weights ?? (this.weights as A[]);
    if (seeds.length !== n * this.outputs) {
      throw new Error(
        `Network.deltasBatch: seeds must hold n x outputs = ${n * this.outputs} numbers, got ${seeds.length}`,
      );
    }
    const L = this.widths.length;
    const out: A[] = new Array(L + 1);
    out[L] = seeds;
    for (let l = L - 1; l >= 0; l--) {
      const fanIn = this.sizes[l + 1];
      const fanOut = this.sizes[l + 2];
      const delta = reuse?.[l]?.length === n * fanIn ? reuse[l] : zerosLike(seeds, n * fanIn);
      if (reuse) reuse[l] = delta;
      product(out[l + 1], [n, fanOut], weights[l + 1], [fanOut, fanIn], delta, [n, fanIn], {
        alpha: this.weightScale[l + 1],
      });
      const act = this.architecture.activations[l];
      const scale = this.featureScale[l];
      const h = trace.preActivations[l];
      if (!(act.vector && derivativeInArena(act.vector, delta, h, scale))) {
        const ds = act.derivative;
        for (let k = 0; k < delta.length; k++) delta[k] *= scale * ds(h[k]);
      }
      out[l] = delta;
    }
    return out;
  }

  /**
   * Adds the gradient of sum_i seeds_i . f(x_i) into grad (layout of params): dW_l = weightScale_l
   * Delta_l^T G_{l-1}, db_l = biasScale_l Delta_l^T 1. A trainer passes seeds = dLoss/df per point.
   * With accumulate = false grad is overwritten instead (saves a pass over it).
   */
  backwardBatch<A extends Floats = Float64Array>(
    trace: BatchTrace<A>,
    seeds: A,
    grad: A,
    accumulate = true,
    reuse?: A[],
    views?: ParameterViews<A>,
  ): void {
    if (grad.length !== this.params.length) {
      throw new Error(
        `Network.backwardBatch: grad must have parameterCount = ${this.params.length} entries, got ${grad.length}`,
      );
    }
    const n = trace.n;
    const deltas = this.deltasBatch(trace, seeds, reuse, views);
    const L = this.widths.length;
    for (let l = 0; l <= L; l++) {
      const fanIn = this.sizes[l];
      const fanOut = this.sizes[l + 1];
      const g = l === 0 ? trace.input : trace.features[l - 1];
      const off = this.offsets[l];
      const gradW = grad.subarray(off, off + fanOut * fanIn) as A;
      product(deltas[l], [n, fanOut], g, [n, fanIn], gradW, [fanOut, fanIn], {
        transA: true,
        alpha: this.weightScale[l],
        beta: accumulate ? 1 : 0,
      });
      if (l < L) {
        const bs = this.biasScale[l];
        const bo = this.biasOffsets[l];
        if (!accumulate) grad.fill(0, bo, bo + fanOut);
        if (bs === 0) continue;
        const delta = deltas[l];
        if (columnSumsInArena(delta, grad.subarray(bo, bo + fanOut), n, fanOut, bs)) continue;
        for (let i = 0; i < n; i++) {
          const row = i * fanOut;
          for (let r = 0; r < fanOut; r++) grad[bo + r] += bs * delta[row + r];
        }
      }
    }
  }
}

/**
 * The mark of a Network, shared by every evaluation of this file: a rerun of a notebook's import cell makes
 * a new Network class, and the networks built before it must still be accepted (instanceof would refuse them).
 */
const NETWORK = Symbol.for("ntk-lab.network");
Object.defineProperty(Network.prototype, NETWORK, { value: true });

/** Throws unless net is a Network (from network() or mlpNetwork, in this or an earlier evaluation of src/). */
export function checkNetwork(who: string, net: unknown): asserts net is Network {
  if (net === null || typeof net !== "object" || (net as Record<symbol, unknown>)[NETWORK] !== true) {
    throw new Error(
      `${who}: net must be a Network (from network(arch, { inputDim, width }) or mlpNetwork), got ${describeValue(net)}`,
    );
  }
}

/** A finite network with the given architecture and seeded N(0, 1) parameters (see Network). */
export function network(arch: Architecture, options: NetworkOptions): Network {
  return new Network(arch, options, "network");
}

/** Fan-in and fan-out of layer index l = 0 .. L. */
function fans(net: Network, l: number): [number, number] {
  const L = net.widths.length;
  return [l === 0 ? net.inputDim : net.widths[l - 1], l === L ? net.outputs : net.widths[l]];
}

/** n points, row-major, checked: n x inputDim finite numbers (a Float64Array is used as it is). */
function pointsOf(net: Network, who: string, X: ArrayLike<number>, n: number): Float64Array {
  checkInteger(who, "n", n, 1);
  return checkNumberList(who, "X", X, {
    length: n * net.inputDim,
    lengthRule: ` (n x inputDim = ${n} x ${net.inputDim})`,
  });
}

/** The outputs, unless one overflowed: then an Error that names the input. */
function finiteOutput(who: string, name: string, output: Float64Array): Float64Array {
  const i = output.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) {
    throw new Error(
      `${who}: the network's output ${i} is ${output[i]}: ${name} must be small enough for the layers not to overflow (or the parameters have diverged)`,
    );
  }
  return output;
}

/**
 * Network.forwardBatch on checked points, without the output check: a trainer reads divergence off a
 * non-finite loss, the Monte Carlo kernels name the point and layer that overflowed. With `reuse` (the
 * trace of an earlier call on as many points) its arrays are overwritten instead of allocated, and the
 * returned trace holds them: a trainer's steps allocate nothing.
 */
export function batchTraceOf<A extends Floats = Float64Array>(
  net: Network,
  X: A,
  n: number,
  reuse?: BatchTrace<A> | null,
  views?: ParameterViews<A>,
): BatchTrace<A> {
  const L = net.widths.length;
  if (X instanceof Float32Array && !views) {
    throw new Error("batchTraceOf: float32 inputs need float32 parameters (net.viewsOf of a Float32Array)");
  }
  const weights = views?.weights ?? (net.weights as A[]);
  const biases = views?.biases ?? (net.biases as A[]);
  const same = reuse?.n === n && reuse.preActivations.length === L;
  const preActivations: A[] = [];
  const features: A[] = [];
  const fresh = (old: A | undefined, length: number): A =>
    same && old?.length === length ? old : zerosLike(X, length);
  let g = X;
  for (let l = 0; l <= L; l++) {
    const [fanIn, fanOut] = fans(net, l);
    const h = fresh(l === L ? reuse?.output : reuse?.preActivations[l], n * fanOut);
    product(g, [n, fanIn], weights[l], [fanOut, fanIn], h, [n, fanOut], {
      transB: true,
      alpha: net.weightScale[l],
    });
    if (l === L) return { n, input: X, preActivations, features, output: h };
    // The bias and the activation in one pass over h (the same operations, in the same order, as one
    // pass each): h += biasScale b, then g = featureScale s(h) of the value stored (in float32: rounded).
    // Branch-free in WebAssembly SIMD where the arrays lie in a trainer's arena (linalg/elementwise.ts).
    const bs = net.biasScale[l];
    const b = biases[l];
    const act = net.architecture.activations[l];
    const s = act.fn;
    const scale = net.featureScale[l];
    const next = fresh(reuse?.features[l], n * fanOut);
    const inArena =
      act.vector !== undefined &&
      activationInArena(act.vector, h, bs !== 0 ? b : null, next, n, fanOut, bs, scale);
    for (let i = 0; !inArena && i < n; i++) {
      const row = i * fanOut;
      if (bs !== 0) {
        for (let r = 0; r < fanOut; r++) {
          h[row + r] += bs * b[r];
          next[row + r] = scale * s(h[row + r]);
        }
      } else {
        for (let r = 0; r < fanOut; r++) next[row + r] = scale * s(h[row + r]);
      }
    }
    preActivations.push(h);
    features.push(next);
    g = next;
  }
  throw new Error("unreachable");
}
