/**
 * Small dense helpers the regression code shares: checked vectors, and products with ml-matrix matrices.
 */
import { Matrix } from "ml-matrix";

/** The targets as a Float64Array of length n, each finite; the Error names the first bad entry. */
export function checkedVector(who: string, name: string, values: ArrayLike<number>, n: number): Float64Array {
  if (values.length !== n)
    throw new Error(`${who}: ${name} must have length ${n} (the kernel's size), got ${values.length}`);
  const out = Float64Array.from(values);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i])) throw new Error(`${who}: ${name}[${i}] must be finite, got ${out[i]}`);
  }
  return out;
}

/** Checks that K is a square n x n matrix of finite numbers. */
export function checkSquare(who: string, name: string, K: Matrix): number {
  if (K.rows !== K.columns) throw new Error(`${who}: ${name} must be square, got ${K.rows} x ${K.columns}`);
  for (let i = 0; i < K.rows; i++) {
    for (let j = 0; j < K.columns; j++) {
      const v = K.get(i, j);
      if (!Number.isFinite(v)) throw new Error(`${who}: ${name}[${i}][${j}] must be finite, got ${v}`);
    }
  }
  return K.rows;
}

/** Checks that a cross-kernel K(X_test, X) has one column per training point. */
export function checkCross(who: string, name: string, Kx: Matrix, n: number): void {
  if (Kx.columns !== n) {
    throw new Error(
      `${who}: ${name} must be m x ${n} (one column per training point), got ${Kx.rows} x ${Kx.columns}`,
    );
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
