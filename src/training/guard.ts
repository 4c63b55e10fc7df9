/**
 * The learning-rate guard. Linearized around the current parameters, one gradient-descent step on
 * L = (1/(2n)) sum_i |f(x_i) - y_i|^2 maps the training residual r to (I - eta K / n) r, K the empirical
 * NTK on the training points (nc x nc for c outputs); it shrinks every eigen-direction only if
 * |1 - eta lambda / n| < 1, i.e. eta < 2 n / lambda_max (the normalization of Neural Tangents and of
 * DESIGN.md; seed 003's "1 / lambda_max" belongs to another one). The kernel is assembled from batched
 * deltas and features with matrix products (no Jacobian): K = sum_l (Delta_l Delta_l^T) o
 * (weightScale_l^2 G_{l-1} G_{l-1}^T + biasScale_l^2).
 */
import { gemm, mat } from "../linalg/gemm";
import type { Network } from "../network";
import { Rng } from "../random";
import { readInputs, type InputsLike } from "./data";

/** Empirical NTK of net on the n points X (row-major n x inputDim), output-major blocks like empiricalNtk. */
export function empiricalNtkBatch(net: Network, X: Float64Array, n: number): Float64Array {
  const c = net.outputs;
  const L = net.widths.length;
  const trace = net.forwardBatch(X, n);
  // Per layer the n x n Gram of the layer inputs, shared by all output pairs.
  const grams: Float64Array[] = [];
  for (let l = 0; l <= L; l++) {
    const g = l === 0 ? trace.input : trace.features[l - 1];
    const fanIn = g.length / n;
    const G = new Float64Array(n * n);
    gemm(mat(n, fanIn, g), mat(n, fanIn, g), mat(n, n, G), { transB: true });
    const ws2 = net.weightScale[l] ** 2;
    const bs2 = l < L ? net.biasScale[l] ** 2 : 0;
    for (let k = 0; k < G.length; k++) G[k] = ws2 * G[k] + bs2;
    grams.push(G);
  }
  const deltas: Float64Array[][] = [];
  for (let a = 0; a < c; a++) {
    const seeds = new Float64Array(n * c);
    for (let i = 0; i < n; i++) seeds[i * c + a] = 1;
    deltas.push(net.deltasBatch(trace, seeds));
  }
  const size = n * c;
  const K = new Float64Array(size * size);
  const dd = new Float64Array(n * n);
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      for (let l = 0; l <= L; l++) {
        const width = deltas[a][l].length / n;
        gemm(mat(n, width, deltas[a][l]), mat(n, width, deltas[b][l]), mat(n, n, dd), { transB: true });
        const G = grams[l];
        for (let i = 0; i < n; i++) {
          const row = (a * n + i) * size + b * n;
          for (let j = 0; j < n; j++) K[row + j] += dd[i * n + j] * G[i * n + j];
        }
      }
    }
  }
  return K;
}

/**
 * Largest eigenvalue of a symmetric positive semidefinite size x size matrix by power iteration
 * (relative change below tol, at most maxIter products). Enough for a guard: it is a lower bound that
 * converges from below, and NTK matrices have a well separated top eigenvalue.
 */
export function largestEigenvalue(K: Float64Array, size: number, tol = 1e-10, maxIter = 1000): number {
  const rng = new Rng(12345);
  let v = Float64Array.from({ length: size }, () => rng.normal());
  let lambda = 0;
  const w = new Float64Array(size);
  for (let iter = 0; iter < maxIter; iter++) {
    let norm = 0;
    for (let i = 0; i < size; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < size; i++) v[i] /= norm;
    for (let i = 0; i < size; i++) {
      let s = 0;
      const row = i * size;
      for (let j = 0; j < size; j++) s += K[row + j] * v[j];
      w[i] = s;
    }
    let next = 0;
    for (let i = 0; i < size; i++) next += v[i] * w[i];
    const done = Math.abs(next - lambda) <= tol * Math.abs(next);
    lambda = next;
    v = Float64Array.from(w);
    if (done) break;
  }
  return lambda;
}

export interface StabilityBound {
  /** Largest eigenvalue of the empirical NTK on the training inputs. */
  lambdaMax: number;
  /** 2 n / lambda_max: gradient descent on the MSE is stable in the kernel regime below it. */
  maxLearningRate: number;
}

/** The kernel-regime bound eta < 2 n / lambda_max of the empirical NTK at net's current parameters. */
export function stableLearningRate(net: Network, X: InputsLike): StabilityBound {
  const data = readInputs("stableLearningRate", "X", net, X);
  const n = data.length / net.inputDim;
  return boundFor(net, data, n);
}

export function boundFor(net: Network, X: Float64Array, n: number): StabilityBound {
  const K = empiricalNtkBatch(net, X, n);
  const lambdaMax = largestEigenvalue(K, n * net.outputs);
  return { lambdaMax, maxLearningRate: (2 * n) / lambdaMax };
}
