/**
 * Gradient descent on the kernel model, solved in the kernel's eigenbasis (the notes on NTK papers and the 18.408 project report: a wide network
 * trained by gradient descent follows these linear dynamics).
 *
 * With the loss L = (1/(2n)) sum_i (f(x_i) - y_i)^2 and step eta, one step moves the training residual
 * r = f(X) - y by r <- (I - eta K / n) r, so after t steps r_t = (I - eta K / n)^t r_0: along eigenvector v_j
 * the residual shrinks by (1 - eta lambda_j / n) per step, which is the spectral bias in one line. A test
 * point follows f_t(x) = f_0(x) + K(x, X) K^+ (I - (I - eta K / n)^t) (y - f_0(X)). Gradient flow is the limit
 * eta -> 0 at fixed time T = eta t: (1 - eta lambda / n)^t -> exp(-lambda T / n).
 *
 * Above the stable step a factor 1 - eta lambda / n is below -1 and the residual grows with alternating sign;
 * past the double range the powers are carried as logarithms, so that an entry is +-Infinity only where its
 * exact value overflows, never NaN. Eigenvalues within n eps max|lambda| of zero (rounding of an exactly
 * singular K) count as zero: the residual does not move along their directions, and K^+ gives them no weight
 * in the predictions, so that gradient flow tends to the minimum-norm (least-squares) regression.
 */
import { Matrix } from "ml-matrix";
import { checkInteger, checkNonNegative, checkPositive, requiredObject } from "../validate";
import {
  checkedCross,
  checkedEigh,
  checkedKernel,
  checkedVector,
  times,
  timesTransposed,
  type MatrixInput,
} from "./vectors";
import { eigenBytes } from "../spectrum/eigen";
import { checkMemory, matrixOrder } from "../memory";
import { precisionFloor } from "../numeric";

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
  /** The largest stable step, 2 n / lambda_max (Infinity for K = 0): above it the residual along v_1 grows. */
  readonly maxStableEta: number;
  /** Whether eta < 2 n / lambda_max (at the bound itself the residual along v_1 oscillates without decaying). */
  readonly stable: boolean;
  /** The training residual f_t(X) - y after t steps (an integer t >= 0). */
  residual(t: number): Float64Array;
  /** The residual's coordinates along each eigenvector, v_j^T (f_t(X) - y), after t steps. */
  residualByDirection(t: number): Float64Array;
  /** Predictions after t steps at test points, from K(X_test, X) (m x n) and f_0 at those points (default 0). */
  predict(t: number, crossKernel: MatrixInput, initialTest?: ArrayLike<number>): Float64Array;
  /** The same under gradient flow at time T = eta t >= 0, any real (exp(-lambda T / n) in place of the powers). */
  flowResidual(time: number): Float64Array;
  flowPredict(time: number, crossKernel: MatrixInput, initialTest?: ArrayLike<number>): Float64Array;
}

/** Numbers c_j = sign_j exp(log_j), next to their plain values (which may have overflowed to +-Infinity or NaN). */
interface Terms {
  value: Float64Array;
  sign: Float64Array;
  log: Float64Array;
}

/**
 * The dynamics on the n x n kernel K of the training points. Peak memory, checked before anything is
 * allocated: K, its checked copy and that copy's dense eigendecomposition, 8 (6 n^2 + 16 n) bytes
 * (8 n^2 + eigenBytes, which counts the matrix it reads).
 */
export function gradientDescentDynamics(
  K: MatrixInput,
  y: ArrayLike<number>,
  options: DynamicsOptions,
): KernelDynamics {
  const who = "gradientDescentDynamics";
  const { eta, initial } = requiredObject(
    who,
    "options",
    options,
    "{ eta, initial? } (eta: the step size, > 0)",
  );
  checkPositive(who, "eta", eta);
  const size = matrixOrder(K);
  checkMemory(
    who,
    8 * size * size + eigenBytes(size, size, "dense", true),
    `lower n (K is ${size} x ${size})`,
  );
  const kernel = checkedKernel(who, "K", K);
  const n = kernel.rows;
  const targets = checkedVector(who, "y", y, n);
  const f0 = initial ? checkedVector(who, "initial", initial, n) : new Float64Array(n);
  const { values, vectors } = checkedEigh(who, kernel);
  const cutoff = precisionFloor(n, Math.max(Math.abs(values[0]), Math.abs(values[n - 1])));
  if (values[n - 1] < -cutoff) {
    throw new Error(
      `${who}: K must be positive semidefinite (a kernel matrix), got smallest eigenvalue ${values[n - 1]}, ` +
        `below -n eps max|lambda| = ${-cutoff}; gradient descent on it diverges at every step size`,
    );
  }
  const lambda = values.map((l) => (Math.abs(l) > cutoff ? l : 0));
  const factor = lambda.map((l) => 1 - (eta * l) / n); // per step along each direction
  const r0 = f0.map((f, i) => f - targets[i]);
  const r0Hat = timesTransposed(vectors, r0); // coordinates of the initial residual
  const maxStableEta = lambda[0] > 0 ? (2 * n) / values[0] : Infinity;

  // decay[j] = the factor on direction j: (1 - eta lambda_j / n)^t, or exp(-lambda_j T / n) for the flow.
  const stepDecay = (t: number): Terms => ({
    value: factor.map((q) => Math.pow(q, t)),
    sign: factor.map((q) => (q < 0 && t % 2 === 1 ? -1 : 1)),
    log: factor.map((q) => (t === 0 ? 0 : t * Math.log(Math.abs(q)))),
  });
  const flowDecay = (T: number): Terms => ({
    value: lambda.map((l) => Math.exp((-l * T) / n)),
    sign: lambda.map(() => 1),
    log: lambda.map((l) => (-l * T) / n),
  });
  const residualTerms = (decay: Terms): Terms => ({
    value: r0Hat.map((r, j) => r * decay.value[j]),
    sign: r0Hat.map((r, j) => Math.sign(r) * decay.sign[j]),
    log: r0Hat.map((r, j) => (r === 0 ? -Infinity : Math.log(Math.abs(r)) + decay.log[j])),
  });
  // K^+ (I - decay) applied to y - f0 = -r0: (1 - decay_j) / lambda_j on each direction, and 0 on those of
  // zero eigenvalues (exact for a cross-kernel of the same kernel: then K(x, X) v_j = 0 there too).
  const predictFrom = (
    who: string,
    decay: Terms,
    Kx: MatrixInput,
    initialTest?: ArrayLike<number>,
  ): Float64Array => {
    const cross = checkedCross(who, "crossKernel", Kx, n);
    const base =
      initialTest && checkedVector(who, "initialTest", initialTest, cross.rows, "crossKernel's rows");
    const terms: Terms = {
      value: new Float64Array(n),
      sign: new Float64Array(n),
      log: new Float64Array(n).fill(-Infinity),
    };
    r0Hat.forEach((r, j) => {
      const l = lambda[j];
      if (l === 0) return;
      const d = decay.value[j];
      terms.value[j] = -r * ((1 - d) / l);
      // The same as a sign and logarithm; 1 - decay_j is -decay_j where decay_j overflowed.
      const big = !Number.isFinite(d);
      terms.sign[j] = -Math.sign(r) * (big ? -decay.sign[j] : Math.sign(1 - d));
      terms.log[j] =
        r === 0
          ? -Infinity
          : Math.log(Math.abs(r)) + (big ? decay.log[j] : Math.log(Math.abs(1 - d))) - Math.log(l);
    });
    const out = combine((c) => times(cross, times(vectors, c)), terms);
    if (base) for (let i = 0; i < out.length; i++) out[i] += base[i];
    return out;
  };
  const steps = (method: string, t: number): number => {
    checkInteger(`${who}.${method}`, "t", t, 0);
    return t;
  };
  const time = (method: string, T: number): number => {
    checkNonNegative(`${who}.${method}`, "time", T);
    return T;
  };
  return {
    eigenvalues: values,
    eigenvectors: vectors,
    maxStableEta,
    stable: eta < maxStableEta,
    residual(t) {
      return combine((c) => times(vectors, c), residualTerms(stepDecay(steps("residual", t))));
    },
    residualByDirection(t) {
      const { value, sign, log } = residualTerms(stepDecay(steps("residualByDirection", t)));
      return value.map((v, j) => (Number.isFinite(v) ? v : sign[j] * Math.exp(log[j])));
    },
    predict(t, Kx, initialTest) {
      const decay = stepDecay(steps("predict", t));
      return predictFrom(`${who}.predict`, decay, Kx, initialTest);
    },
    flowResidual(T) {
      return combine((c) => times(vectors, c), residualTerms(flowDecay(time("flowResidual", T))));
    },
    flowPredict(T, Kx, initialTest) {
      return predictFrom(`${who}.flowPredict`, flowDecay(time("flowPredict", T)), Kx, initialTest);
    },
  };
}

/**
 * apply(c) for a linear map and the coefficients c = terms.value; where they or the result overflow, the map
 * is applied at the common scale exp(max log) instead, so that an entry is +-Infinity only where its exact
 * value is, and never NaN.
 */
function combine(apply: (c: Float64Array) => Float64Array, terms: Terms): Float64Array {
  const direct = apply(terms.value);
  if (direct.every(Number.isFinite)) return direct;
  const top = terms.log.reduce((a, b) => Math.max(a, b), -Infinity);
  const scale = (l: number): number => (l === -Infinity ? 0 : l === top ? 1 : Math.exp(l - top));
  const scaled = apply(terms.sign.map((s, j) => s * scale(terms.log[j])));
  return scaled.map((x) => (x === 0 ? 0 : Math.sign(x) * Math.exp(Math.log(Math.abs(x)) + top)));
}
