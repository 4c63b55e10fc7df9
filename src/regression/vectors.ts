/**
 * Small dense helpers the regression code shares: checked arguments, products with ml-matrix matrices, and
 * the eigendecomposition with errors in the caller's name.
 */
import { Matrix } from "ml-matrix";
import { describeValue } from "../validate";
import { eigh, type Eigensystem } from "../spectrum/eigen";
import { symmetricArray, type SymmetricInput } from "../spectrum/symmetric";

/** A matrix argument: an ml-matrix Matrix or an array of rows (the eigensolvers' input type). */
export type MatrixInput = SymmetricInput;

/**
 * A kernel matrix argument (a Matrix or an array of rows) as a Matrix, after checking that it is square,
 * non-empty, finite and symmetric within 1e-10 max|K| (the eigensolvers' rule); it is then symmetrized,
 * which leaves an exactly symmetric matrix unchanged. The Error names the first bad entry or the largest
 * asymmetry. K is copied once: the checked row-major copy is the Matrix's storage, its rows views of it
 * (an ml-matrix Matrix keeps its rows as Float64Arrays in the public field `data`), where
 * Matrix.from1DArray would copy it again.
 */
export function checkedKernel(who: string, name: string, K: SymmetricInput): Matrix {
  const { n, a } = symmetricArray(who, K, undefined, name);
  const data = Array.from({ length: n }, (_, i) => a.subarray(i * n, (i + 1) * n));
  return Object.assign(new Matrix(0, 0), { data, rows: n, columns: n });
}

/**
 * A cross-kernel K(X_test, X) (a Matrix or an array of rows) as an m x n Matrix of finite numbers, one
 * column per training point; `rows` fixes m when given. The Error names the first bad entry.
 */
export function checkedCross(who: string, name: string, Kx: MatrixInput, n: number, rows?: number): Matrix {
  const shape = `${rows ?? "m"} x ${n} (one row per test point, one column per training point)`;
  let M: Matrix;
  if (Kx instanceof Matrix) {
    M = Kx;
  } else if (Array.isArray(Kx)) {
    M = new Matrix(Kx.length, n);
    Kx.forEach((row: unknown, i) => {
      if (!isArrayLike(row) || row.length !== n)
        throw new Error(`${who}: ${name} must be ${shape}; row ${i} is ${describeValue(row)}`);
      for (let j = 0; j < n; j++) M.set(i, j, checkedEntry(who, `${name}[${i}][${j}]`, row[j]));
    });
  } else {
    throw new Error(`${who}: ${name} must be an ${shape} Matrix or array of rows, got ${describeValue(Kx)}`);
  }
  if (M.columns !== n || (rows !== undefined && M.rows !== rows))
    throw new Error(`${who}: ${name} must be ${shape}, got ${M.rows} x ${M.columns}`);
  for (let i = 0; i < M.rows; i++) {
    for (let j = 0; j < n; j++) checkedEntry(who, `${name}[${i}][${j}]`, M.get(i, j));
  }
  return M;
}

/**
 * A vector argument as a Float64Array of length n (`length` says why n), each entry a finite number; the
 * Error names the first bad one.
 */
export function checkedVector(
  who: string,
  name: string,
  values: ArrayLike<number>,
  n: number,
  length = "the kernel's size",
): Float64Array {
  if (!isArrayLike(values))
    throw new Error(`${who}: ${name} must be an array of ${n} finite numbers, got ${describeValue(values)}`);
  if (values.length !== n)
    throw new Error(`${who}: ${name} must have length ${n} (${length}), got ${values.length}`);
  for (let i = 0; i < n; i++) checkedEntry(who, `${name}[${i}]`, values[i]);
  return Float64Array.from(values);
}

/** eigh(A), its failures (convergence, memory) reported in the caller's name. */
export function checkedEigh(who: string, A: Matrix): Eigensystem {
  try {
    return eigh(A);
  } catch (error) {
    // Drop the solver's own "name: " prefix: the user called `who`, not the solver.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^[\w.]+: /, "");
    throw new Error(`${who}: the eigendecomposition of the ${A.rows} x ${A.rows} matrix failed: ${reason}`, {
      cause: error,
    });
  }
}

/** A v for a matrix A (m x n) and a vector v of length n. */
export function times(A: Matrix, v: Float64Array): Float64Array {
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let j = 0; j < A.columns; j++) s += A.get(i, j) * v[j];
    out[i] = s;
  }
  return out;
}

/** A^T v for a matrix A (n x k) and a vector v of length n. */
export function timesTransposed(A: Matrix, v: Float64Array): Float64Array {
  const out = new Float64Array(A.columns);
  for (let i = 0; i < A.rows; i++) {
    const vi = v[i];
    for (let j = 0; j < A.columns; j++) out[j] += A.get(i, j) * vi;
  }
  return out;
}

/** v as a finite number, or an Error naming the entry (`name`, e.g. "Y[2][0]") in the caller's name. */
export function checkedEntry(who: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`${who}: ${name} must be finite, got ${describeValue(v)}`);
  return v;
}

/** An array or typed array (anything with numbered entries and a length). */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return (
    (Array.isArray(value) || ArrayBuffer.isView(value)) &&
    typeof (value as ArrayLike<unknown>).length === "number"
  );
}

/** Replaces both triangles of a square matrix by their mean, in place: exact symmetry after rounding. */
export function symmetrize(M: Matrix): void {
  for (let i = 0; i < M.rows; i++) {
    for (let j = 0; j < i; j++) {
      const v = (M.get(i, j) + M.get(j, i)) / 2;
      M.set(i, j, v);
      M.set(j, i, v);
    }
  }
}
