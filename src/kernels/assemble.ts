/**
 * Filling a kernel matrix from an entry function. In the symmetric case K(X, X) each pair is computed
 * once (j >= i) and mirrored; rows are Float64Arrays handed to ml-matrix at the end.
 */
import { Matrix } from "ml-matrix";

export function assembleKernel(
  n: number,
  m: number,
  symmetric: boolean,
  entry: (i: number, j: number) => number,
): Matrix {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(new Float64Array(m));
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let j = symmetric ? i : 0; j < m; j++) row[j] = entry(i, j);
  }
  if (symmetric) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) rows[j][i] = rows[i][j];
  }
  return new Matrix(rows);
}
