/**
 * The loss L = (1/(2n)) sum_i |f(x_i) - y_i|^2 and its gradient with respect to every parameter: the fast
 * batched form (forwardBatch/backwardBatch: matrix products on all points at once) and a plain reference
 * (point by point with trace/backward, no matrix products) that tests hold the fast form to.
 */
import type { BatchTrace, Network } from "../network";
import { readDataset, type Dataset, type InputsLike, type TargetsLike } from "./data";

export interface LossAndGradient {
  loss: number;
  /** Same layout as net.params. */
  gradient: Float64Array;
  /** n x outputs predictions f(x_i) at the current parameters. */
  predictions: Float64Array;
}

/** Loss of predictions F against targets Y (both n x outputs): (1/(2n)) sum (F - Y)^2. */
export function mseLoss(F: Float64Array, Y: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < F.length; k++) {
    const r = F[k] - Y[k];
    s += r * r;
  }
  return s / (2 * n);
}

/** Batched loss and gradient on a read dataset; grad is overwritten (allocated when omitted). */
export function batchLossAndGradient(
  net: Network,
  data: Dataset,
  grad = new Float64Array(net.parameterCount),
  trace?: BatchTrace,
): LossAndGradient {
  const t = trace ?? net.forwardBatch(data.X, data.n);
  const F = t.output;
  const seeds = new Float64Array(F.length);
  for (let k = 0; k < F.length; k++) seeds[k] = (F[k] - data.Y[k]) / data.n;
  net.backwardBatch(t, seeds, grad, false);
  return { loss: mseLoss(F, data.Y, data.n), gradient: grad, predictions: F };
}

/** Loss and gradient at net's current parameters (fast batched path). */
export function lossAndGradient(net: Network, X: InputsLike, y: TargetsLike): LossAndGradient {
  return batchLossAndGradient(net, readDataset("lossAndGradient", net, X, y));
}

/** The same quantities point by point through trace/backward: slow, plain, the reference. */
export function lossAndGradientReference(net: Network, X: InputsLike, y: TargetsLike): LossAndGradient {
  const data = readDataset("lossAndGradientReference", net, X, y);
  const { n } = data;
  const c = net.outputs;
  const d = net.inputDim;
  const gradient = new Float64Array(net.parameterCount);
  const predictions = new Float64Array(n * c);
  const seed = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const trace = net.trace(data.X.subarray(i * d, (i + 1) * d));
    for (let a = 0; a < c; a++) {
      predictions[i * c + a] = trace.output[a];
      seed[a] = (trace.output[a] - data.Y[i * c + a]) / n;
    }
    net.backward(trace, seed, gradient);
  }
  return { loss: mseLoss(predictions, data.Y, n), gradient, predictions };
}
