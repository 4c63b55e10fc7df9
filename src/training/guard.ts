/**
 * The learning-rate guard. Linearized around the current parameters, one gradient-descent step on
 * L = (1/(2n)) sum_i |f(x_i) - y_i|^2 maps the training residual r to (I - eta K / n) r, K the empirical
 * NTK on the training points (nc x nc for c outputs); it shrinks every eigen-direction only if
 * |1 - eta lambda / n| < 1, i.e. eta < 2 n / lambda_max (the normalization of Neural Tangents; the 18.408
 * project report's "1 / lambda_max" belongs to a loss without the 1/n). The kernel comes from the kernel
 * library's batched empirical NTK and lambda_max from the spectrum module's top-1 solver (exact, where a
 * power iteration would approach it from below and so overstate the stable step).
 */
import { empiricalNtkArray, empiricalNtkBytes } from "../kernels/empirical";
import { checkMemory } from "../memory";
import type { Network } from "../network";
import { eigenBytes, eigenvalues } from "../spectrum/eigen";
import { readInputs } from "./data";
import type { PointsInput } from "../kernels/points";

export interface StabilityBound {
  /** Largest eigenvalue of the empirical NTK on the training inputs. */
  lambdaMax: number;
  /** 2 n / lambda_max: gradient descent on the MSE is stable in the kernel regime below it. */
  maxLearningRate: number;
}

/**
 * The kernel-regime bound eta < 2 n / lambda_max of the empirical NTK at net's current parameters. Peak
 * memory guardBytes, checked before the kernel is built.
 */
export function stableLearningRate(net: Network, X: PointsInput): StabilityBound {
  const who = "stableLearningRate";
  const data = readInputs(who, "X", net, X);
  const n = data.length / net.inputDim;
  checkMemory(who, guardBytes(net, n), `lower n (X has ${n} points)`);
  const bound = boundFor(net, data, n);
  if (!(Number.isFinite(bound.lambdaMax) && bound.maxLearningRate > 0)) {
    throw new Error(
      `stableLearningRate: the empirical NTK on X overflows (lambda_max = ${bound.lambdaMax}): X must be small enough for the kernel to fit a float64`,
    );
  }
  return bound;
}

/**
 * Upper bound of the bound's peak memory (bytes) on n points: the empirical NTK's (empiricalNtkBytes),
 * then the (n c) x (n c) kernel with the top-1 eigensolver's copy and work space (eigenBytes), the
 * kernel counted once.
 */
export function guardBytes(net: Network, n: number): number {
  const size = n * net.outputs;
  return empiricalNtkBytes(net, n, n, true) + eigenBytes(size, 1, "topk", false) - 8 * size * size;
}

export function boundFor(net: Network, X: Float64Array, n: number): StabilityBound {
  const K = empiricalNtkArray(net, X, n);
  const size = n * net.outputs;
  const rows = Array.from({ length: size }, (_, i) => K.subarray(i * size, (i + 1) * size));
  const lambdaMax = eigenvalues(rows, { top: 1 })[0];
  return { lambdaMax, maxLearningRate: (2 * n) / lambdaMax };
}
