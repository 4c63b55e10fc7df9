/**
 * The distribution of infinitely wide networks trained to convergence by gradient descent on squared loss
 * (Lee et al. 2019, eq. 16 at t -> infinity): over random initializations the trained function is Gaussian,
 * with the NTK Theta setting the dynamics and the NNGP kernel K the initial function f0 ~ GP(0, K):
 *   f(x) = f0(x) + Theta(x, X) Theta^-1 (y - f0(X)),
 *   mean(x)      = Theta(x, X) Theta^-1 y                                        (NTK regression),
 *   cov(x, x')   = K(x, x') + A(x) K(X, X) A(x')^T - A(x) K(X, x') - K(x, X) A(x')^T,
 * with A(x) = Theta(x, X) Theta^-1. This is not the Gaussian-process posterior with either kernel as the
 * prior: with Theta = K it is the NNGP posterior (the network trained on its last layer only); otherwise the
 * trained networks' spread differs from both posteriors. At noise-free training points the variance is 0.
 */
import { Matrix } from "ml-matrix";
import { checkNonNegative, optionsObject } from "../validate";
import { checkedCholesky } from "./kernel-regression";
import { checkedCross, checkedKernel, checkedVector, symmetrize, type MatrixInput } from "./vectors";
import { checkMemory, matrixOrder } from "../memory";

export interface TrainedEnsemble {
  /** Mean of the trained networks at the test points: NTK regression. */
  readonly mean: Float64Array;
  /** Their variance at the test points (the covariance's diagonal, clipped at 0 against rounding). */
  readonly variance: Float64Array;
  /** Their covariance between the test points (m x m). */
  readonly covariance: Matrix;
}

/**
 * The trained networks' mean and covariance at m test points from the NTK and the NNGP kernel: on the
 * n training points (ntk, nngp: n x n), between test and training points (ntkCross, nngpCross: m x n),
 * and between test points (nngpTest: m x m); y the n targets. options.ridge adds ridge I to the NTK
 * before it is solved (gradient descent on a loss with weight decay converges there; default 0). Peak
 * memory, checked before anything is allocated: the matrices read and their checked copies, the Cholesky
 * factor and its scratch (n^2 / 2, and n^2 / 4 + n m for the solve), A and two n x m products, three
 * m x m products: about 8 (5.5 n^2 + 7 n m + 4 m^2) bytes.
 */
export function trainedEnsemble(
  ntk: MatrixInput,
  nngp: MatrixInput,
  y: ArrayLike<number>,
  ntkCross: MatrixInput,
  nngpCross: MatrixInput,
  nngpTest: MatrixInput,
  options?: { ridge?: number } | null,
): TrainedEnsemble {
  const who = "trainedEnsemble";
  const { ridge = 0 } = optionsObject(who, options);
  checkNonNegative(who, "ridge", ridge);
  const n0 = matrixOrder(ntk);
  const m0 = matrixOrder(nngpTest);
  checkMemory(
    who,
    8 * (5.5 * n0 * n0 + 7 * n0 * m0 + 4 * m0 * m0),
    `lower n or m (ntk is ${n0} x ${n0}, nngpTest ${m0} x ${m0})`,
  );
  const theta = checkedKernel(who, "ntk", ntk);
  const n = theta.rows;
  const prior = checkedKernel(who, "nngp", nngp);
  if (prior.rows !== n) {
    throw new Error(
      `${who}: nngp must be ${n} x ${n} like ntk (the same training points), got ${prior.rows} x ${prior.rows}`,
    );
  }
  const targets = checkedVector(who, "y", y, n);
  const test = checkedKernel(who, "nngpTest", nngpTest);
  const m = test.rows;
  const thetaCross = checkedCross(who, "ntkCross", ntkCross, n, m);
  const priorCross = checkedCross(who, "nngpCross", nngpCross, n, m);
  const chol = checkedCholesky(
    who,
    theta,
    "pass ridge > 0 to regularize a singular NTK (repeated training points, say)",
    "ridge",
    ridge,
  );
  // A^T = Theta^-1 Theta(X, x*), n x m.
  const aT = chol.solve(thetaCross.transpose());
  const mean = Float64Array.from(
    aT
      .transpose()
      .mmul(Matrix.columnVector(Array.from(targets)))
      .getColumn(0),
  );
  const a = aT.transpose();
  const spread = a.mmul(prior).mmul(aT); // A K A^T
  const mixed = a.mmul(priorCross.transpose()); // A K(X, x*)
  const covariance = test.add(spread).sub(mixed).sub(mixed.transpose());
  symmetrize(covariance); // the triangles differ by rounding
  const bad = [...mean].findIndex((v) => !Number.isFinite(v));
  if (bad >= 0 || !covariance.to1DArray().every(Number.isFinite)) {
    const largest = (M: Matrix): string => Math.max(M.max(), -M.min()).toExponential(2);
    throw new Error(
      `${who}: the distribution overflows (${bad >= 0 ? `mean[${bad}] = ${mean[bad]}` : "a covariance entry is not finite"}): ` +
        `ntkCross (max |entry| ${largest(thetaCross)}) and nngpCross (${largest(priorCross)}) must be of the scale that ` +
        `the training and test kernels allow (a joint kernel has cross[i][j]^2 <= test[i][i] train[j][j]), and y small enough for a finite mean`,
    );
  }
  const variance = Float64Array.from({ length: m }, (_, i) => Math.max(0, covariance.get(i, i)));
  return { mean, variance, covariance };
}
