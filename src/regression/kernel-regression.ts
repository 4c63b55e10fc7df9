/**
 * Kernel regression f(x) = K(x, X) alpha with (K(X, X) + ridge I) alpha = y (the notes on NTK papers; Problem Set 4, problem 5).
 *
 * The default solve is Cholesky (src/linalg/cholesky.ts, blocked on the GEMM: n = 4000 in about 1.4 s
 * on one core), which also proves the system positive definite. A singular or
 * indefinite system is an Error naming both remedies: a ridge, or the minimum-norm least-squares mode, which
 * applies the pseudo-inverse through the eigendecomposition (needed, for example, by the bias-free two-layer
 * ReLU NTK in one dimension, whose matrix has rank 2).
 */
import { Matrix } from "ml-matrix";
import {
  checkedCross,
  checkedEigh,
  checkedEntry,
  checkedKernel,
  checkedVector,
  isArrayLike,
  times,
  timesTransposed,
  type MatrixInput,
} from "./vectors";
import { eigenBytes } from "../spectrum/eigen";
import { choleskyInPlace, choleskyScratchDoubles, choleskySolveInPlace } from "../linalg/cholesky";
import { checkMemory, matrixOrder } from "../memory";
import { precisionFloor } from "../numeric";
import { checkNonNegative, describeValue, optionsObject } from "../validate";
import { meanSquare } from "./mean-squared-error";

export type RegressionMode = "solve" | "lstsq";

export interface KernelRegressionOptions {
  /** Added to the diagonal (>= 0; default 0). */
  ridge?: number;
  /** "solve" (Cholesky, default) or "lstsq" (minimum-norm least squares through the eigendecomposition). */
  mode?: RegressionMode;
}

export interface KernelRegression {
  /** The coefficients alpha, one per training point. */
  readonly alpha: Float64Array;
  /** The fit at the training points, K alpha. */
  readonly trainPredictions: Float64Array;
  /** Mean squared error at the training points, (1/n) sum (f(x_i) - y_i)^2. */
  readonly trainMse: number;
  /** In "lstsq" mode, the number of eigenvalues above the cut-off (the rank used); n otherwise. */
  readonly rank: number;
  /** Predictions at new points from their cross-kernel K(X_test, X) (m x n, a Matrix or rows). */
  predict(crossKernel: MatrixInput): Float64Array;
}

/**
 * Kernel regression on the n x n kernel K of the training points (options null or omitted: the
 * defaults). Peak memory, checked before anything is allocated: K, its checked copy, then the Cholesky
 * factor (formed with the ridge on its diagonal) and its scratch, about 8 (3.5 n^2) bytes; in "lstsq" mode K, its checked
 * copy, with a ridge the shifted copy, and the dense eigendecomposition of the last,
 * 8 (1 + [ridge > 0]) n^2 + eigh's 8 (5 n^2 + 16 n) (eigenBytes, the matrix it reads included).
 */
export function kernelRegression(
  K: MatrixInput,
  y: ArrayLike<number>,
  options?: KernelRegressionOptions | null,
): KernelRegression {
  const who = "kernelRegression";
  const { ridge = 0, mode = "solve" } = optionsObject(who, options);
  checkNonNegative(who, "ridge", ridge);
  if (mode !== "solve" && mode !== "lstsq")
    throw new Error(`${who}: mode must be "solve" or "lstsq", got ${String(mode)}`);
  checkRegressionMemory(who, matrixOrder(K), ridge, mode);
  const kernel = checkedKernel(who, "K", K);
  const n = kernel.rows;
  const targets = checkedVector(who, "y", y, n);
  const { alpha, rank } =
    mode === "solve"
      ? choleskySolve(who, kernel, ridge, targets)
      : pseudoInverseSolve(who, plusDiagonal(who, kernel, "ridge", ridge), targets);
  const overflow = alpha.findIndex((a) => !Number.isFinite(a));
  if (overflow >= 0) {
    throw new Error(
      `${who}: the coefficients overflow (alpha[${overflow}] = ${alpha[overflow]}): K's entries are too small ` +
        `for y's; multiply K${ridge > 0 ? " and ridge" : ""} by a common factor (the predictions do not change)`,
    );
  }
  const trainPredictions = times(kernel, alpha);
  return {
    alpha,
    trainPredictions,
    trainMse: meanSquare(who, trainPredictions, targets, {
      rule: "y must be smaller",
      advice: "scale y down (the fit scales with it)",
    }),
    rank,
    predict(crossKernel) {
      return times(checkedCross(`${who}.predict`, "crossKernel", crossKernel, n), alpha);
    },
  };
}

/** Kernel regression with several targets at once: one Cholesky factorization, c right-hand sides. */
export interface MultiOutputKernelRegression {
  /** n x c coefficients, one column per target. */
  readonly alpha: Matrix;
  /** m x c predictions at new points from their cross-kernel K(X_test, X) (m x n, a Matrix or rows). */
  predict(crossKernel: MatrixInput): Matrix;
}

/**
 * Kernel regression of the n x c targets Y (one column per output, e.g. one-hot classes) on the n x n
 * kernel K: (K + ridge I) alpha = Y by one Cholesky factorization for all c columns (column j's alpha is
 * kernelRegression(K, Y[:, j], { ridge })'s up to rounding). Peak memory as kernelRegression's "solve"
 * mode plus the n x c targets and coefficients.
 */
export function multiOutputKernelRegression(
  K: MatrixInput,
  Y: MatrixInput,
  options?: { ridge?: number } | null,
): MultiOutputKernelRegression {
  const who = "multiOutputKernelRegression";
  const { ridge = 0 } = optionsObject(who, options);
  checkNonNegative(who, "ridge", ridge);
  const n = matrixOrder(K);
  checkRegressionMemory(who, n, ridge, "solve");
  const kernel = checkedKernel(who, "K", K);
  if (!(Y instanceof Matrix || Array.isArray(Y))) {
    throw new Error(
      `${who}: Y must be an n x c Matrix or array of rows (n = ${kernel.rows}), got ${describeValue(Y)}`,
    );
  }
  const rowsOfY = Y instanceof Matrix ? Y.rows : Y.length;
  const first: unknown = Y instanceof Matrix ? null : Y[0];
  const columns = Y instanceof Matrix ? Y.columns : isArrayLike(first) ? first.length : 0;
  if (rowsOfY !== kernel.rows || columns < 1) {
    throw new Error(
      `${who}: Y must have n = ${kernel.rows} rows (one per training point) and at least one column, got ${rowsOfY} x ${columns}`,
    );
  }
  // One row per training point, one column per output; every row as long as the first, every entry finite.
  const targets = new Matrix(rowsOfY, columns);
  for (let i = 0; i < rowsOfY; i++) {
    const row: unknown = Y instanceof Matrix ? Y.getRow(i) : Y[i];
    if (!isArrayLike(row) || row.length !== columns) {
      throw new Error(
        `${who}: Y must have ${columns} outputs in every row (as row 0), got row ${i}: ${describeValue(row)}`,
      );
    }
    for (let j = 0; j < columns; j++)
      targets.set(i, j, checkedEntry(who, `Y[${i}][${j}]`, (row as ArrayLike<number>)[j]));
  }
  const chol = checkedCholesky(who, kernel, "pass ridge > 0 for a regularized solve", "ridge", ridge);
  const alpha = chol.solve(targets);
  return {
    alpha,
    predict(crossKernel) {
      return checkedCross(`${who}.predict`, "crossKernel", crossKernel, kernel.rows).mmul(alpha);
    },
  };
}

/**
 * K + shift I (K itself for shift 0: one copy of K, no identity beside it), refusing a diagonal that
 * overflows; `name` is the shift's parameter.
 */
export function plusDiagonal(who: string, K: Matrix, name: string, shift: number): Matrix {
  if (shift === 0) return K;
  const A = K.clone();
  for (let i = 0; i < K.rows; i++) {
    A.set(i, i, K.get(i, i) + shift);
    if (!Number.isFinite(A.get(i, i))) {
      throw new Error(
        `${who}: ${name} must keep K + ${name} I finite, got ${name} = ${shift} with K[${i}][${i}] = ${K.get(i, i)}`,
      );
    }
  }
  return A;
}

function checkRegressionMemory(who: string, n: number, ridge: number, mode: RegressionMode): void {
  // "solve": K and its checked copy, then the factor and its scratch. "lstsq": K's checked copy, with a
  // ridge the shifted copy, and the eigendecomposition (eigenBytes counts the matrix it reads: K).
  const bytes =
    mode === "lstsq"
      ? 8 * n * n * (ridge > 0 ? 2 : 1) + eigenBytes(n, n, "dense", true)
      : 2 * 8 * n * n + choleskyBytes(n);
  checkMemory(who, bytes, `lower n (K is ${n} x ${n})`);
}

/** Bytes a Cholesky factorization of an n x n matrix allocates: the factor and the blocked routines' scratch. */
function choleskyBytes(n: number): number {
  return 8 * (n * n + choleskyScratchDoubles(n));
}

/** A Cholesky factorization A = U^T U, for solves. */
export interface CheckedCholesky {
  /** X = A^-1 B for the n x c Matrix B (a new Matrix). */
  solve(B: Matrix): Matrix;
}

/**
 * The Cholesky factorization of K + shift I (shift >= 0, the parameter `name` of the caller: K's factor is
 * formed from a copy with the shifted diagonal, so K + shift I is never stored beside K; a diagonal that
 * overflows is refused as plusDiagonal does), refusing a numerically singular system: a pivot U_ii^2 at
 * or below n eps max_i A_ii means the matrix is singular to working precision even when the
 * factorization formally succeeds, and a solve would return rounding noise amplified by 1/eps.
 * `remedies` says what the caller can do instead. Memory: choleskyBytes(n) (the callers' estimates
 * include it).
 */
export function checkedCholesky(
  who: string,
  K: Matrix,
  remedies: string,
  name = "shift",
  shift = 0,
): CheckedCholesky {
  const n = K.rows;
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    u.set(K.getRow(i), i * n);
    const diagonal = (u[i * n + i] += shift);
    if (!Number.isFinite(diagonal)) {
      throw new Error(
        `${who}: ${name} must keep K + ${name} I finite, got ${name} = ${shift} with K[${i}][${i}] = ${K.get(i, i)}`,
      );
    }
  }
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(u[i * n + i]));
  const floor = precisionFloor(n, maxDiagonal);
  let singular = choleskyInPlace(u, n) >= 0;
  for (let i = 0; i < n && !singular; i++) singular = !(u[i * n + i] ** 2 > floor);
  if (singular) {
    throw new Error(
      `${who}: the ${n} x ${n} kernel matrix${shift > 0 ? ` plus ${name} I (${name} = ${shift})` : ""} is singular or ` +
        `indefinite to working precision (Cholesky found a pivot <= n eps max K_ii = ${floor.toExponential(2)}); ${remedies}`,
    );
  }
  return {
    solve(B) {
      const c = B.columns;
      const x = new Float64Array(n * c);
      for (let i = 0; i < n; i++) x.set(B.getRow(i), i * c);
      choleskySolveInPlace(u, n, x, c);
      return new Matrix(Array.from({ length: n }, (_, i) => x.subarray(i * c, (i + 1) * c)));
    },
  };
}

function choleskySolve(
  who: string,
  K: Matrix,
  ridge: number,
  y: Float64Array,
): { alpha: Float64Array; rank: number } {
  const chol = checkedCholesky(
    who,
    K,
    `pass ridge > 0 for a regularized solve, or mode: "lstsq" for the minimum-norm least-squares solution`,
    "ridge",
    ridge,
  );
  return {
    alpha: Float64Array.from(chol.solve(Matrix.columnVector(Array.from(y))).getColumn(0)),
    rank: K.rows,
  };
}

/** alpha = A^+ y through A = V diag(lambda) V^T, dropping eigenvalues at or below n eps lambda_max. */
function pseudoInverseSolve(who: string, A: Matrix, y: Float64Array): { alpha: Float64Array; rank: number } {
  const n = A.rows;
  const { values, vectors } = checkedEigh(who, A);
  const cutoff = precisionFloor(n, Math.max(Math.abs(values[0]), Math.abs(values[n - 1])));
  const coefficients = timesTransposed(vectors, y);
  let rank = 0;
  for (let j = 0; j < n; j++) {
    if (Math.abs(values[j]) > cutoff) {
      coefficients[j] /= values[j];
      rank++;
    } else {
      coefficients[j] = 0;
    }
  }
  return { alpha: times(vectors, coefficients), rank };
}
