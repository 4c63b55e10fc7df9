/**
 * The Gaussian-process posterior with a kernel prior (seed 001: a GP prior over functions; with the NNGP
 * kernel it is the infinitely wide network at initialization, with the NTK the posterior mean is NTK
 * regression). Observations y = f(X) + noise, noise ~ N(0, noise I).
 *   mean(x*) = K(x*, X) (K + noise I)^-1 y
 *   cov(x*, x*') = K(x*, x*') - K(x*, X) (K + noise I)^-1 K(X, x*')
 */
import { Matrix } from "ml-matrix";
import { rngFrom, type Rng } from "../random";
import { eigenBytes, eigh } from "../spectrum/eigen";
import { checkMemory, matrixOrder } from "../memory";
import { checkedCholesky } from "./kernel-regression";
import { checkCross, checkedVector, checkSquare } from "./vectors";

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
 * The posterior from the n x n training kernel K, the m x n cross-kernel and the m x m test kernel. Peak
 * memory, checked before anything is allocated: the three kernels, with noise the shifted copy of K and
 * the identity it adds, the Cholesky factor, the transposed cross-kernel and its solve (n x m each), the
 * product and the covariance (m x m each): 8 ((2 + 2 [noise > 0]) n^2 + 3 n m + 3 m^2) bytes. sample()
 * adds the covariance's eigendecomposition (checked when first called): 8 (5 m^2 + 16 m) (eigenBytes).
 */
export function gaussianProcessPosterior(
  K: Matrix,
  y: ArrayLike<number>,
  crossKernel: Matrix,
  testKernel: Matrix,
  { noise = 0 }: { noise?: number } = {},
): GaussianProcessPosterior {
  const who = "gaussianProcessPosterior";
  const nK = matrixOrder(K);
  const mK = matrixOrder(testKernel);
  checkMemory(
    who,
    8 * ((noise > 0 ? 4 : 2) * nK * nK + 3 * nK * mK + 3 * mK * mK),
    `lower n or m (K is ${nK} x ${nK}, testKernel ${mK} x ${mK})`,
  );
  const n = checkSquare(who, "K", K);
  const targets = checkedVector(who, "y", y, n);
  checkCross(who, "crossKernel", crossKernel, n);
  const m = checkSquare(who, "testKernel", testKernel);
  if (m !== crossKernel.rows) {
    throw new Error(
      `${who}: testKernel must be ${crossKernel.rows} x ${crossKernel.rows} (one row per test point), got ${m} x ${m}`,
    );
  }
  if (!(Number.isFinite(noise) && noise >= 0))
    throw new Error(`${who}: noise must be a finite number >= 0, got ${noise}`);
  const A = noise > 0 ? K.clone().add(Matrix.eye(n).mul(noise)) : K;
  const chol = checkedCholesky(
    who,
    A,
    "pass noise > 0 (observation noise variance) to condition on noisy data",
  );
  const alpha = chol.solve(Matrix.columnVector(Array.from(targets)));
  const mean = Float64Array.from(crossKernel.mmul(alpha).getColumn(0));
  const solved = chol.solve(crossKernel.transpose()); // (K + noise I)^-1 K(X, x*), n x m
  const covariance = testKernel.clone().sub(crossKernel.mmul(solved));
  // Symmetrize: the two triangles differ by rounding, and the sampler's eigendecomposition wants exact symmetry.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const v = (covariance.get(i, j) + covariance.get(j, i)) / 2;
      covariance.set(i, j, v);
      covariance.set(j, i, v);
    }
  }
  const variance = Float64Array.from({ length: m }, (_, i) => Math.max(0, covariance.get(i, i)));
  let factor: { values: Float64Array; vectors: Matrix } | null = null;
  return {
    mean,
    variance,
    covariance,
    sample(count, source) {
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`${who}.sample: count must be an integer >= 1, got ${count}`);
      const rng = rngFrom(source, `${who}.sample`);
      if (factor === null) {
        checkMemory(`${who}.sample`, eigenBytes(m, m, "dense", true), `lower m (${m} test points)`);
      }
      // Through the eigendecomposition, not Cholesky: the posterior covariance is only positive
      // semidefinite (exactly singular at noise-free training points), and rounding makes some eigenvalues
      // slightly negative; those directions carry no variance and are clipped to zero.
      factor ??= eigh(covariance);
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
