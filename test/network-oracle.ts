/**
 * The test oracle of network.ts: a Network's forward and backward passes one point at a time in plain
 * loops, with no matrix products: operation for operation the per-point passes src/network.ts had (the
 * Monte Carlo kernels' features came from the forward one before they moved to batchTraceOf), so a
 * batched value equal to the oracle's bit for bit is a number the lab computes exactly as before.
 *
 * What the tests found (test/network.test.ts): the forward pass is the same bit for bit, up to the sign of
 * a zero: gemm's K = 1 product writes x w where the dot loop has 0 + x w (-0 against +0 in a layer of
 * fan-in 1), and batchTraceOf skips a zero bias scale where the oracle adds 0 b (which turns a -0, e.g. an
 * underflow, into +0 half the time). The backward pass is the same bit for bit with weightScale 1 and
 * rounds apart otherwise: deltasBatch scales the sum over units by weightScale once, deltas scales each
 * term before adding it, and backwardBatch likewise scales the sum over points once.
 */
import type { Network } from "../src/network";
import { readDataset, type TargetsLike } from "../src/training/data";
import type { PointsInput } from "../src/kernels/points";
import { finiteLoss, squaredLoss, type LossAndGradient } from "../src/training/gradient";

/** What a forward pass of one point keeps for the backward pass: per hidden layer h_l and g_l. */
export interface Trace {
  readonly input: Float64Array;
  readonly preActivations: Float64Array[];
  readonly features: Float64Array[];
  readonly output: Float64Array;
}

/** [inputDim, ...widths, outputs]: layer index l maps sizes[l] inputs to sizes[l + 1] outputs. */
function sizesOf(net: Network): number[] {
  return [net.inputDim, ...net.widths, net.outputs];
}

/** h = weightScale_l W_l g + biasScale_l b_l for layer index l = 0 .. L, one dot loop per unit. */
function affine(net: Network, l: number, g: Float64Array): Float64Array {
  const sizes = sizesOf(net);
  const fanIn = sizes[l];
  const fanOut = sizes[l + 1];
  const W = net.weights[l];
  const ws = net.weightScale[l];
  const h = new Float64Array(fanOut);
  for (let r = 0; r < fanOut; r++) {
    let sum = 0;
    for (let k = 0; k < fanIn; k++) sum += W[r * fanIn + k] * g[k];
    h[r] = ws * sum;
  }
  if (l < net.widths.length) {
    const b = net.biases[l];
    const bs = net.biasScale[l];
    for (let r = 0; r < fanOut; r++) h[r] += bs * b[r];
  }
  return h;
}

/** The forward pass of one point x (inputDim numbers), keeping what backward needs. */
export function traceOf(net: Network, x: ArrayLike<number>): Trace {
  if (x.length !== net.inputDim) {
    throw new Error(`traceOf: x must have inputDim = ${net.inputDim} numbers, got ${x.length}`);
  }
  const input = Float64Array.from(x);
  const L = net.widths.length;
  const preActivations: Float64Array[] = [];
  const features: Float64Array[] = [];
  let g = input;
  for (let l = 0; l < L; l++) {
    const h = affine(net, l, g);
    const s = net.architecture.activations[l].fn;
    const scale = net.featureScale[l];
    const next = new Float64Array(h.length);
    for (let r = 0; r < h.length; r++) next[r] = scale * s(h[r]);
    preActivations.push(h);
    features.push(next);
    g = next;
  }
  return { input, preActivations, features, output: affine(net, L, g) };
}

/**
 * The backward pass for the scalar seed . f(x): deltas[l] = d(seed . f)/dh_{l+1} for l = 0 .. L
 * (deltas[L] = seed).
 */
export function deltas(net: Network, trace: Trace, seed: ArrayLike<number>): Float64Array[] {
  const sizes = sizesOf(net);
  const L = net.widths.length;
  const out: Float64Array[] = new Array(L + 1);
  out[L] = Float64Array.from(seed);
  for (let l = L - 1; l >= 0; l--) {
    const upper = out[l + 1];
    const fanIn = sizes[l + 1];
    const fanOut = sizes[l + 2];
    const W = net.weights[l + 1];
    const ws = net.weightScale[l + 1];
    const ds = net.architecture.activations[l].derivative;
    const scale = net.featureScale[l];
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

/**
 * Adds the gradient of seed . f(x) with respect to params into grad (layout of params):
 * dW_l = weightScale_l delta_l g_{l-1}^T, db_l = biasScale_l delta_l.
 */
export function backward(net: Network, trace: Trace, seed: ArrayLike<number>, grad: Float64Array): void {
  if (grad.length !== net.parameterCount) {
    throw new Error(
      `backward: grad must have parameterCount = ${net.parameterCount} entries, got ${grad.length}`,
    );
  }
  const all = deltas(net, trace, seed);
  let offset = 0;
  for (let l = 0; l < all.length; l++) {
    const delta = all[l];
    const g = l === 0 ? trace.input : trace.features[l - 1];
    const ws = net.weightScale[l];
    for (let r = 0; r < delta.length; r++) {
      const u = ws * delta[r];
      for (let k = 0; k < g.length; k++) grad[offset + r * g.length + k] += u * g[k];
    }
    offset += delta.length * g.length;
    if (l < net.widths.length) {
      const bs = net.biasScale[l];
      for (let r = 0; r < delta.length; r++) grad[offset + r] += bs * delta[r];
      offset += delta.length;
    }
  }
}

/** lossAndGradient (training/gradient.ts) point by point through traceOf and backward. */
export function lossAndGradientReference(net: Network, X: PointsInput, y: TargetsLike): LossAndGradient {
  const data = readDataset("lossAndGradientReference", net, X, y);
  const { n } = data;
  const c = net.outputs;
  const d = net.inputDim;
  const gradient = new Float64Array(net.parameterCount);
  const predictions = new Float64Array(n * c);
  const seed = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const trace = traceOf(net, data.X.subarray(i * d, (i + 1) * d));
    for (let a = 0; a < c; a++) {
      predictions[i * c + a] = trace.output[a];
      seed[a] = (trace.output[a] - data.Y[i * c + a]) / n;
    }
    backward(net, trace, seed, gradient);
  }
  const loss = finiteLoss("lossAndGradientReference", "X and y", squaredLoss(predictions, data.Y, n));
  return { loss, gradient, predictions };
}
