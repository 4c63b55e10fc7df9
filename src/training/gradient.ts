/**
 * The loss L = (1/(2n)) sum_i |f(x_i) - y_i|^2 and its gradient with respect to every parameter, batched
 * (forwardBatch/backwardBatch: matrix products on all points at once). Tests hold it to a plain
 * point-by-point reference (test/network-oracle.ts).
 */
import {
  batchTraceOf,
  zerosLike,
  type BatchTrace,
  type Floats,
  type Network,
  type ParameterViews,
} from "../network";
import { checkInteger, checkNumberList } from "../validate";
import { readDataset, type TargetsLike } from "./data";
import type { PointsInput } from "../kernels/points";

export interface LossAndGradient {
  loss: number;
  /** Same layout as net.params. */
  gradient: Float64Array;
  /** n x outputs predictions f(x_i) at the current parameters. */
  predictions: Float64Array;
}

/**
 * Loss of predictions F against targets Y (both n x outputs, row-major): (1/(2n)) sum (F - Y)^2, checked:
 * finite entries, equal lengths, n dividing them, and a loss that does not overflow.
 */
export function mseLoss(F: ArrayLike<number>, Y: ArrayLike<number>, n: number): number {
  const who = "mseLoss";
  const f = checkNumberList(who, "F", F, { min: 1 });
  const y = checkNumberList(who, "Y", Y, { length: f.length, lengthRule: " (as many as F)" });
  checkInteger(who, "n", n, 1, f.length);
  if (f.length % n !== 0) {
    throw new Error(`${who}: n must divide F.length = ${f.length} (n points x outputs), got ${n}`);
  }
  return finiteLoss(who, "F and Y", squaredLoss(f, y, n));
}

/** The loss, or an Error when it overflowed (name: what to rescale). */
export function finiteLoss(who: string, name: string, loss: number): number {
  if (!Number.isFinite(loss)) {
    throw new Error(
      `${who}: the loss overflows (${loss}): ${name} must be small enough for (f(x) - y)^2 to fit a float64; rescale them`,
    );
  }
  return loss;
}

/** (1/(2n)) sum (F - Y)^2 without checks: the trainers read divergence off a non-finite value. */
export function squaredLoss(F: ArrayLike<number>, Y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let k = 0; k < F.length; k++) {
    const r = F[k] - Y[k];
    s += r * r;
  }
  return s / (2 * n);
}

/**
 * Batched loss and gradient on a read dataset; grad is overwritten (allocated when omitted). trace: the
 * forward pass at the current parameters, when the caller has it; reuse: arrays for the deltas kept between
 * calls (Network.deltasBatch), and at index L (the number of hidden layers) one for the seeds dLoss/df. In float32 (X, grad and the views' parameters Float32Arrays) the passes run
 * on gemm32; the loss is summed in float64.
 */
export function batchLossAndGradient<A extends Floats = Float64Array>(
  net: Network,
  data: { readonly n: number; readonly X: A; readonly Y: Float64Array },
  grad: A = new Float64Array(net.parameterCount) as A,
  trace?: BatchTrace<A>,
  reuse?: A[],
  views?: ParameterViews<A>,
): { loss: number; gradient: A; predictions: A } {
  const t = trace ?? batchTraceOf(net, data.X, data.n, null, views);
  const F = t.output;
  const L = net.widths.length;
  const seeds = reuse?.[L]?.length === F.length ? reuse[L] : zerosLike(F, F.length);
  for (let k = 0; k < F.length; k++) seeds[k] = (F[k] - data.Y[k]) / data.n;
  net.backwardBatch(t, seeds, grad, false, reuse, views);
  return { loss: squaredLoss(F, data.Y, data.n), gradient: grad, predictions: F };
}

/** Loss and gradient at net's current parameters (fast batched path). */
export function lossAndGradient(net: Network, X: PointsInput, y: TargetsLike): LossAndGradient {
  const result = batchLossAndGradient(net, readDataset("lossAndGradient", net, X, y));
  finiteLoss("lossAndGradient", "X and y", result.loss);
  return result;
}
