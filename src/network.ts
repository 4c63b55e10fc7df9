/**
 * A finite fully connected network with a given architecture (kernels/architecture.ts), built to be
 * shared by the empirical NTK and by trainers: all trainable parameters live in one flat Float64Array
 * (`params`), with per-layer views `weights[l]` (fanOut x fanIn, row-major) and `biases[l]`; `forward`
 * records a trace and `backward` turns it into gradients with respect to every parameter.
 *
 * Layer l = 1 .. L+1 computes h_l = weightScale_l W_l g_{l-1} + biasScale_l b_l (g_0 = x, no output
 * bias), and hidden layers emit g_l = featureScale_l s_l(h_l). The parameterization fixes the scales and
 * the initial draw; "ntk" (Jacot et al. 2018; seed 003) is weightScale = weightStd_l, biasScale = biasStd_l,
 * featureScale = sqrt(c_l / d_l), W and b ~ N(0, 1): the network whose infinite-width kernels are
 * ntk() and nngp(). With weightStd 1 and no bias, one ReLU layer is f = A sqrt(2/k) relu(B x) (seed 004).
 */
import type { Architecture } from "./kernels/architecture";
import { rngFrom, type Rng } from "./random";
import { checkInteger } from "./validate";

/** How parameters are scaled and drawn. Further parameterizations ("standard", "default") extend this union. */
export type Parameterization = "ntk";

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

/** What a forward pass keeps for the backward pass: per hidden layer the pre-activations h_l and features g_l. */
export interface Trace {
  readonly input: Float64Array;
  readonly preActivations: Float64Array[];
  readonly features: Float64Array[];
  readonly output: Float64Array;
}

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

  constructor(arch: Architecture, options: NetworkOptions) {
    const L = arch.activations.length;
    checkInteger("network", "inputDim", options.inputDim, 1);
    const widths =
      typeof options.width === "number" ? new Array<number>(L).fill(options.width) : [...options.width];
    if (widths.length !== L) {
      throw new Error(
        `network: width must be a number or ${L} numbers (one per hidden layer), got ${String(options.width)}`,
      );
    }
    widths.forEach((w, l) => checkInteger("network", `width[${l}]`, w, 1));
    const outputs = options.outputs ?? 1;
    checkInteger("network", "outputs", outputs, 1);
    const parameterization = options.parameterization ?? "ntk";
    if (parameterization !== "ntk") {
      throw new Error(`network: parameterization must be "ntk", got ${String(parameterization)}`);
    }
    const rng = rngFrom(options, "network");
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
    // Drawn layer by layer, weights before biases: the order the Monte Carlo kernels rely on too.
    for (let i = 0; i < count; i++) this.params[i] = rng.normal();
    this.weightScale = Float64Array.from(arch.weightStd);
    this.biasScale = Float64Array.from(arch.biasStd);
    this.featureScale = Float64Array.from(widths, (w, l) => Math.sqrt(arch.activations[l].scale / w));
  }

  get parameterCount(): number {
    return this.params.length;
  }

  /** Forward pass of one input point, keeping what backward needs. */
  trace(x: ArrayLike<number>): Trace {
    if (x.length !== this.inputDim) {
      throw new Error(
        `Network.forward: x must have inputDim = ${this.inputDim} coordinates, got ${x.length}`,
      );
    }
    const L = this.widths.length;
    const input = Float64Array.from(x);
    const preActivations: Float64Array[] = [];
    const features: Float64Array[] = [];
    let g = input;
    for (let l = 0; l <= L; l++) {
      const h = this.affine(l, g);
      if (l === L) return { input, preActivations, features, output: h };
      const s = this.architecture.activations[l].fn;
      const scale = this.featureScale[l];
      const next = new Float64Array(h.length);
      for (let r = 0; r < h.length; r++) next[r] = scale * s(h[r]);
      preActivations.push(h);
      features.push(next);
      g = next;
    }
    throw new Error("unreachable");
  }

  /** The network's outputs f(x) (length outputs). */
  forward(x: ArrayLike<number>): Float64Array {
    return this.trace(x).output;
  }

  /** h = weightScale_l W_l g + biasScale_l b_l for layer index l = 0 .. L. */
  private affine(l: number, g: Float64Array): Float64Array {
    const fanIn = this.sizes[l];
    const fanOut = this.sizes[l + 1];
    const W = this.weights[l];
    const ws = this.weightScale[l];
    const h = new Float64Array(fanOut);
    for (let r = 0; r < fanOut; r++) {
      let sum = 0;
      for (let k = 0; k < fanIn; k++) sum += W[r * fanIn + k] * g[k];
      h[r] = ws * sum;
    }
    if (l < this.widths.length) {
      const b = this.biases[l];
      const bs = this.biasScale[l];
      for (let r = 0; r < fanOut; r++) h[r] += bs * b[r];
    }
    return h;
  }

  /**
   * The backward pass for the scalar seed . f(x): deltas[l] = d(seed . f)/dh_{l+1} for l = 0 .. L
   * (deltas[L] = seed). Every parameter gradient is an outer product of a delta and a layer input
   * (see backward), which empiricalNtk exploits to avoid materializing the Jacobian.
   */
  deltas(trace: Trace, seed: ArrayLike<number>): Float64Array[] {
    const L = this.widths.length;
    const out: Float64Array[] = new Array(L + 1);
    out[L] = Float64Array.from(seed);
    for (let l = L - 1; l >= 0; l--) {
      const upper = out[l + 1];
      const fanIn = this.sizes[l + 1];
      const fanOut = this.sizes[l + 2];
      const W = this.weights[l + 1];
      const ws = this.weightScale[l + 1];
      const ds = this.architecture.activations[l].derivative;
      const scale = this.featureScale[l];
      const h = trace.preActivations[l];
      const delta = new Float64Array(fanIn);
      for (let r = 0; r < fanOut; r++) {
        const u = ws * upper[r];
        if (u === 0) continue;
        for (let k = 0; k < fanIn; k++) delta[k] += u * W[r * fanIn + k];
      }
      for (let k = 0; k < fanIn; k++) delta[k] *= scale * ds(h[k]);
      out[l] = delta;
    }
    return out;
  }

  /** Layer input g_{l} of layer index l (the raw input for l = 0). */
  layerInput(trace: Trace, l: number): Float64Array {
    return l === 0 ? trace.input : trace.features[l - 1];
  }

  /**
   * Adds the gradient of seed . f(x) with respect to params into grad (same layout as params):
   * dW_l = weightScale_l delta_l g_{l-1}^T, db_l = biasScale_l delta_l. A trainer calls it once per
   * example with seed = dLoss/df.
   */
  backward(trace: Trace, seed: ArrayLike<number>, grad: Float64Array): void {
    if (grad.length !== this.params.length) {
      throw new Error(
        `Network.backward: grad must have parameterCount = ${this.params.length} entries, got ${grad.length}`,
      );
    }
    const deltas = this.deltas(trace, seed);
    let offset = 0;
    for (let l = 0; l < deltas.length; l++) {
      const delta = deltas[l];
      const g = this.layerInput(trace, l);
      const ws = this.weightScale[l];
      for (let r = 0; r < delta.length; r++) {
        const u = ws * delta[r];
        for (let k = 0; k < g.length; k++) grad[offset + r * g.length + k] += u * g[k];
      }
      offset += delta.length * g.length;
      if (l < this.widths.length) {
        const bs = this.biasScale[l];
        for (let r = 0; r < delta.length; r++) grad[offset + r] += bs * delta[r];
        offset += delta.length;
      }
    }
  }
}

/** A finite network with the given architecture and seeded N(0, 1) parameters (see Network). */
export function network(arch: Architecture, options: NetworkOptions): Network {
  return new Network(arch, options);
}
