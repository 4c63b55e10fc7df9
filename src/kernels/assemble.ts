/**
 * Filling a kernel matrix. In the symmetric case K(X, X) each pair is computed once (j >= i) and
 * mirrored. The entries are written straight into the rows of a new ml-matrix Matrix: building one
 * from an array of rows would copy and type-check every entry again (about 40 ms at n = 2000, as much
 * as a whole Laplace kernel).
 */
import { Matrix } from "ml-matrix";

/**
 * Fills row[j] = K(x_i, y_j) for j0 <= j < j1. Keeping the loop over j inside the kernel lets the engine
 * specialize it, where one call per entry through a shared assembler stays a generic call.
 */
export type RowFiller = (i: number, j0: number, j1: number, row: Float64Array) => void;

/** The rows of a fresh zero n x m Matrix, written in place (ml-matrix keeps them as Float64Arrays). */
function matrixWithRows(n: number, m: number): { matrix: Matrix | null; rows: Float64Array[] } {
  const matrix = new Matrix(n, m);
  const data = (matrix as unknown as { data?: unknown }).data;
  if (
    Array.isArray(data) &&
    data.length === n &&
    data.every((r) => r instanceof Float64Array && r.length === m)
  ) {
    return { matrix, rows: data as Float64Array[] };
  }
  // Another ml-matrix layout: fill our own rows and let the constructor copy them.
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(new Float64Array(m));
  return { matrix: null, rows };
}

/** Copies the upper triangle (j > i) onto the lower one, in blocks so that both sides stay in cache. */
function mirror(rows: Float64Array[], n: number): void {
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let j = j0; j < j1; j++) {
        const target = rows[j];
        for (let i = i0; i < i1 && i < j; i++) target[i] = rows[i][j];
      }
    }
  }
}

/** The matrix from a row filler; symmetric: rows are filled from the diagonal on and mirrored. */
export function assembleRows(n: number, m: number, symmetric: boolean, fill: RowFiller): Matrix {
  const { matrix, rows } = matrixWithRows(n, m);
  for (let i = 0; i < n; i++) fill(i, symmetric ? i : 0, m, rows[i]);
  if (symmetric) mirror(rows, n);
  return matrix ?? new Matrix(rows);
}

/** The matrix from an entry function (i, j) -> K(x_i, y_j). */
export function assembleKernel(
  n: number,
  m: number,
  symmetric: boolean,
  entry: (i: number, j: number) => number,
): Matrix {
  return assembleRows(n, m, symmetric, (i, j0, j1, row) => {
    for (let j = j0; j < j1; j++) row[j] = entry(i, j);
  });
}
