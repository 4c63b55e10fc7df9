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

/**
 * A Matrix over these rows (each m long) without copying them: an n x 0 Matrix whose rows are then
 * replaced (ml-matrix keeps them as its data array of Float64Arrays, see matrixWithRows).
 */
export function matrixOfRows(rows: Float64Array[], m: number): Matrix {
  const matrix = new Matrix(rows.length, 0);
  const data = (matrix as unknown as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length !== rows.length) return new Matrix(rows);
  rows.forEach((row, i) => (data[i] = row));
  (matrix as unknown as { columns: number }).columns = m;
  return matrix;
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

/**
 * A tile of pairs for a kernel computed layer by layer over arrays: entry e is the pair (X[xi[e]],
 * Y[yj[e]]), and the computation writes K there into out[e].
 */
export interface PairTile {
  readonly xi: Int32Array;
  readonly yj: Int32Array;
  /** One array per matrix computed (the kernels of several depths at once); each holds xi.length entries. */
  readonly out: readonly Float64Array[];
}

/**
 * The n x m matrices from tiles of pairs, taken in row-major order (from the diagonal on, then mirrored,
 * when symmetric) and computed `tile.xi.length` at a time: compute(count) fills tile.out[k][0 .. count),
 * one matrix per array of tile.out.
 */
export function assemblePairs(
  n: number,
  m: number,
  symmetric: boolean,
  tile: PairTile,
  compute: (count: number) => void,
): Matrix[] {
  const made = tile.out.map(() => matrixWithRows(n, m));
  const { xi, yj, out } = tile;
  const size = xi.length;
  let count = 0;
  // A tile holds runs of consecutive j in one row: each run is copied into its row at once.
  const flush = (): void => {
    compute(count);
    for (let e = 0; e < count;) {
      const i = xi[e];
      let end = e + 1;
      while (end < count && xi[end] === i) end++;
      for (let k = 0; k < out.length; k++) made[k].rows[i].set(out[k].subarray(e, end), yj[e]);
      e = end;
    }
    count = 0;
  };
  for (let i = 0; i < n; i++) {
    for (let j = symmetric ? i : 0; j < m;) {
      const run = Math.min(m - j, size - count);
      for (let k = 0; k < run; k++) {
        xi[count + k] = i;
        yj[count + k] = j + k;
      }
      count += run;
      j += run;
      if (count === size) flush();
    }
  }
  if (count > 0) flush();
  return made.map(({ matrix, rows }) => {
    if (symmetric) mirror(rows, n);
    return matrix ?? new Matrix(rows);
  });
}

/** The diagonal K(x_i, x_i), i < n, from the same tiles: the pairs (i, i). */
export function assembleDiagonal(n: number, tile: PairTile, compute: (count: number) => void): Float64Array {
  const diagonal = new Float64Array(n);
  const size = tile.xi.length;
  for (let i0 = 0; i0 < n; i0 += size) {
    const count = Math.min(size, n - i0);
    for (let e = 0; e < count; e++) {
      tile.xi[e] = i0 + e;
      tile.yj[e] = i0 + e;
    }
    compute(count);
    diagonal.set(tile.out[0].subarray(0, count), i0);
  }
  return diagonal;
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
