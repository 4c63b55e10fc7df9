/**
 * The Gaussian-process posterior with a kernel prior (the notes on functional gradient descent and RKHS: a GP prior over functions; with the NNGP
 * kernel it is the infinitely wide network at initialization, with the NTK the posterior mean is NTK
 * regression). Observations y = f(X) + noise, noise ~ N(0, noise I).
 *   mean(x*) = K(x*, X) (K + noise I)^-1 y
 *   cov(x*, x*') = K(x*, x*') - K(x*, X) (K + noise I)^-1 K(X, x*')
 */
import { Matrix } from "ml-matrix";
import { rngFrom, type Rng } from "../random";
import { checkInteger, checkNonNegative, optionsObject } from "../validate";
import { checkedCholesky } from "./kernel-regression";
import {
  checkedCross,
  checkedEigh,
  checkedKernel,
  checkedVector,
  symmetrize,
  type MatrixInput,
} from "./vectors";
import { eigenBytes } from "../spectrum/eigen";
import { checkMemory, matrixOrder } from "../memory";

export interface GaussianProcessPosterior {
  /** Posterior mean at the test points. */
  readonly mean: Float64Array;
  /** Posterior variance at the test points (the covariance's diagonal, clipped at 0 against rounding). */
  readonly variance: Float64Array;
  /** Posterior covariance between the test points (m x m). */
  readonly covariance: Matrix;
  /** `count` functions drawn from the posterior at the test points (each a Float64Array of length m). */
  sample(count: number, source: { seed?: number; rng?: Rng }): Float64Array[];
}

/**
 * The posterior from the n x n training kernel K, the m x n cross-kernel and the m x m test kernel
 * (options null or omitted: the defaults). Peak memory, checked before anything is allocated: the three
 * kernels, the checked copies of K and testKernel, the Cholesky factor (of K + noise I) and its scratch
 * (at most n^2 / 2), the transposed cross-kernel and its solve (n x m each), the product (m x m):
 * about 8 (4 n^2 + 3 n m + 3 m^2) bytes. sample() adds the covariance's eigendecomposition
 * (checked when first called): 8 (5 m^2 + 16 m) (eigenBytes).
 */
export function gaussianProcessPosterior(
  K: MatrixInput,
  y: ArrayLike<number>,
  crossKernel: MatrixInput,
  testKernel: MatrixInput,
  options?: { noise?: number } | null,
): GaussianProcessPosterior {
  const who = "gaussianProcessPosterior";
  const { noise = 0 } = optionsObject(who, options);
  checkNonNegative(who, "noise", noise);
  const nK = matrixOrder(K);
  const mK = matrixOrder(testKernel);
  checkMemory(
    who,
    8 * (4 * nK * nK + 3 * nK * mK + 3 * mK * mK),
    `lower n or m (K is ${nK} x ${nK}, testKernel ${mK} x ${mK})`,
  );
  const kernel = checkedKernel(who, "K", K);
  const n = kernel.rows;
  const targets = checkedVector(who, "y", y, n);
  const testCovariance = checkedKernel(who, "testKernel", testKernel);
  const m = testCovariance.rows;
  const cross = checkedCross(who, "crossKernel", crossKernel, n, m);
  const chol = checkedCholesky(
    who,
    kernel,
    "pass noise > 0 (observation noise variance) to condition on noisy data",
    "noise",
    noise,
  );
  const alpha = chol.solve(Matrix.columnVector(Array.from(targets)));
  const mean = Float64Array.from(cross.mmul(alpha).getColumn(0));
  const solved = chol.solve(cross.transpose()); // (K + noise I)^-1 K(X, x*), n x m
  const covariance = testCovariance.sub(cross.mmul(solved));
  // The two triangles differ by rounding, and the sampler's eigendecomposition wants exact symmetry.
  symmetrize(covariance);
  checkFinitePosterior(who, mean, covariance, cross);
  const variance = Float64Array.from({ length: m }, (_, i) => Math.max(0, covariance.get(i, i)));
  let factor: { values: Float64Array; vectors: Matrix } | null = null;
  return {
    mean,
    variance,
    covariance,
    sample(count, source) {
      checkInteger(`${who}.sample`, "count", count, 1);
      // Left out: the message asks for a seed; null or a number: it says an object with a seed is needed.
      const rng = rngFrom(source === undefined ? {} : source, `${who}.sample`);
      if (factor === null) {
        checkMemory(`${who}.sample`, eigenBytes(m, m, "dense", true), `lower m (${m} test points)`);
      }
      // Through the eigendecomposition, not Cholesky: the posterior covariance is only positive
      // semidefinite (exactly singular at noise-free training points), and rounding makes some eigenvalues
      // slightly negative; those directions carry no variance and are clipped to zero.
      factor ??= checkedEigh(`${who}.sample`, covariance);
      const { values, vectors } = factor;
      const scale = values.map((l) => Math.sqrt(Math.max(0, l)));
      return Array.from({ length: count }, () => {
        const z = scale.map((s) => s * rng.normal());
        const draw = Float64Array.from(mean);
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += vectors.get(i, j) * z[j];
          draw[i] += s;
        }
        return draw;
      });
    },
  };
}

/**
 * Refuses a posterior that overflows: its mean and covariance are finite for any joint kernel whose
 * entries are finite, unless crossKernel is far larger than K and testKernel allow (a joint kernel has
 * crossKernel[i][j]^2 <= testKernel[i][i] K[j][j]) or y's scale pushes the mean past the largest double.
 */
function checkFinitePosterior(who: string, mean: Float64Array, covariance: Matrix, cross: Matrix): void {
  const m = mean.length;
  let where = "";
  for (let i = 0; i < m && !where; i++) {
    if (!Number.isFinite(mean[i])) where = `mean[${i}] = ${mean[i]}`;
    for (let j = 0; j < m && !where; j++) {
      const v = covariance.get(i, j);
      if (!Number.isFinite(v)) where = `covariance[${i}][${j}] = ${v}`;
    }
  }
  if (!where) return;
  throw new Error(
    `${who}: the posterior overflows (${where}): crossKernel must be of the scale that K and testKernel allow ` +
      `(a joint kernel has crossKernel[i][j]^2 <= testKernel[i][i] K[j][j]; max |crossKernel| = ` +
      `${Math.max(cross.max(), -cross.min()).toExponential(2)}), and y small enough for a finite mean`,
  );
}
