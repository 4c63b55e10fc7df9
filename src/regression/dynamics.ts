/**
 * Gradient descent on the kernel model, solved in the kernel's eigenbasis (seeds 002 and 003: a wide network
 * trained by gradient descent follows these linear dynamics).
 *
 * With the loss L = (1/(2n)) sum_i (f(x_i) - y_i)^2 and step eta, one step moves the training residual
 * r = f(X) - y by r <- (I - eta K / n) r, so after t steps r_t = (I - eta K / n)^t r_0: along eigenvector v_j
 * the residual shrinks by (1 - eta lambda_j / n) per step, which is the spectral bias in one line. A test
 * point follows f_t(x) = f_0(x) + K(x, X) K^+ (I - (I - eta K / n)^t) (y - f_0(X)). Gradient flow is the limit
 * eta -> 0 at fixed time T = eta t: (1 - eta lambda / n)^t -> exp(-lambda T / n).
 */
import { Matrix } from "ml-matrix";
import { eigenBytes, eigh } from "../spectrum/eigen";
import { checkMemory, matrixOrder } from "../memory";
import { checkCross, checkedVector, checkSquare, times, timesTransposed } from "./vectors";

export interface DynamicsOptions {
  /** Step size eta > 0 of gradient descent. */
  eta: number;
  /** The model's outputs at the training points before training, f_0(X) (default zeros). */
  initial?: ArrayLike<number>;
}

export interface KernelDynamics {
  /** Eigenvalues of K, descending, and the matching eigenvectors (columns). */
  readonly eigenvalues: Float64Array;
  readonly eigenvectors: Matrix;
  /** The largest stable step, 2 n / lambda_max: above it the residual along v_1 grows. */
  readonly maxStableEta: number;
  /** Whether eta < 2 n / lambda_max. */
  readonly stable: boolean;
  /** The training residual f_t(X) - y after t steps (t >= 0, may be fractional). */
  residual(t: number): Float64Array;
  /** The residual's coordinates along each eigenvector, v_j^T (f_t(X) - y), after t steps. */
  residualByDirection(t: number): Float64Array;
  /** Predictions after t steps at test points, from K(X_test, X) (m x n) and f_0 at those points (default 0). */
  predict(t: number, crossKernel: Matrix, initialTest?: ArrayLike<number>): Float64Array;
  /** The same three under gradient flow at time T = eta t (exp(-lambda T / n) in place of the powers). */
  flowResidual(time: number): Float64Array;
  flowPredict(time: number, crossKernel: Matrix, initialTest?: ArrayLike<number>): Float64Array;
}

/**
 * The dynamics on the n x n kernel K of the training points. Peak memory, checked before anything is
 * allocated: K and its dense eigendecomposition, 8 (5 n^2 + 16 n) bytes (eigenBytes).
 */
export function gradientDescentDynamics(
  K: Matrix,
  y: ArrayLike<number>,
  options: DynamicsOptions,
): KernelDynamics {
  const who = "gradientDescentDynamics";
  const size = matrixOrder(K);
  checkMemory(who, eigenBytes(size, size, "dense", true), `lower n (K is ${size} x ${size})`);
  const n = checkSquare(who, "K", K);
  const targets = checkedVector(who, "y", y, n);
  const { eta } = options;
  if (!(Number.isFinite(eta) && eta > 0))
    throw new Error(`${who}: eta must be a finite number > 0, got ${eta}`);
  const f0 = options.initial ? checkedVector(who, "initial", options.initial, n) : new Float64Array(n);
  const { values, vectors } = eigh(K);
  const cutoff = n * Number.EPSILON * Math.abs(values[0]);
  const r0 = f0.map((f, i) => f - targets[i]);
  const r0Hat = timesTransposed(vectors, r0); // coordinates of the initial residual
  const maxStableEta = (2 * n) / values[0];

  const checkTime = (name: string, t: number): void => {
    if (!(Number.isFinite(t) && t >= 0))
      throw new Error(`${who}: ${name} must be a finite number >= 0, got ${t}`);
  };
  // decay[j] = the factor on direction j: (1 - eta lambda_j / n)^t, or exp(-lambda_j T / n) for the flow.
  const stepDecay = (t: number): Float64Array => values.map((l) => Math.pow(1 - (eta * l) / n, t));
  const flowDecay = (T: number): Float64Array => values.map((l) => Math.exp((-l * T) / n));
  const residualFrom = (decay: Float64Array): Float64Array =>
    times(
      vectors,
      r0Hat.map((r, j) => r * decay[j]),
    );
  // K^+ (I - decay) applied to y - f0 = -r0: (1 - decay_j) / lambda_j on each direction; for a numerically
  // zero eigenvalue the factor's limit as lambda -> 0 is used (t eta / n, or T / n for the flow).
  const predictFrom = (
    decay: Float64Array,
    zeroLimit: number,
    Kx: Matrix,
    initialTest?: ArrayLike<number>,
  ) => {
    checkCross(who, "crossKernel", Kx, n);
    const g = r0Hat.map(
      (r, j) => -r * (Math.abs(values[j]) > cutoff ? (1 - decay[j]) / values[j] : zeroLimit),
    );
    const out = times(Kx, times(vectors, g));
    if (initialTest) {
      const base = checkedVector(who, "initialTest", initialTest, Kx.rows);
      for (let i = 0; i < out.length; i++) out[i] += base[i];
    }
    return out;
  };
  return {
    eigenvalues: values,
    eigenvectors: vectors,
    maxStableEta,
    stable: eta < maxStableEta,
    residual(t) {
      checkTime("t", t);
      return residualFrom(stepDecay(t));
    },
    residualByDirection(t) {
      checkTime("t", t);
      const decay = stepDecay(t);
      return r0Hat.map((r, j) => r * decay[j]);
    },
    predict(t, Kx, initialTest) {
      checkTime("t", t);
      return predictFrom(stepDecay(t), (t * eta) / n, Kx, initialTest);
    },
    flowResidual(T) {
      checkTime("time", T);
      return residualFrom(flowDecay(T));
    },
    flowPredict(T, Kx, initialTest) {
      checkTime("time", T);
      return predictFrom(flowDecay(T), T / n, Kx, initialTest);
    },
  };
}
