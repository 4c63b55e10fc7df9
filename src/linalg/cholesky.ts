/**
 * Cholesky factorization A = U^T U of a symmetric positive definite matrix, and the triangular solves with
 * its factor, blocked on the GEMM (./gemm.ts) so that almost all of the n^3 / 3 multiply-adds run in its
 * packed WebAssembly kernel (on both cores when gemm has two threads).
 *
 * Storage: row-major n x n Float64Arrays; the factorization reads the upper triangle (A's lower triangle is
 * its mirror) and overwrites it with U (row i of U holds U[i][j] for j >= i); the strict lower triangle is
 * left as it was. Row-major upper is column-major lower, so this is LAPACK's dpotrf('L') read transposed.
 *
 * How it is blocked: recursively (Gustavson, "Recursion leads to automatic variable blocking for dense
 * linear-algebra algorithms", IBM J. Res. Dev. 41, 1997; Elmroth, Gustavson, Jonsson & Kagstrom, SIAM
 * Review 46, 2004). A = [A11 A12; A12^T A22] with A11 about half: factor A11 = U11^T U11, then
 * U12 = U11^-T A12 (a triangular solve, itself split in halves whose off-diagonal part is a GEMM),
 * A22 <- A22 - U12^T U12 (one GEMM with `upper`: half the work), and factor A22. The GEMM products are as
 * large as the matrix allows (k = n / 2 at the top), where a fixed panel width (LAPACK's nb = 64) would
 * multiply with an inner dimension of 64 every step. Blocks at or below LEAF rows run in plain loops over
 * contiguous rows. gemm needs contiguous operands, so each product's blocks are copied out and back:
 * O(n^2) moves per level against O(n^3) flops.
 *
 * Why hand-written: ml-matrix's CholeskyDecomposition is the textbook triple loop on arrays of rows
 * (measured here on one core shared with another job: n = 1000 in 0.87 s, n = 2000 in 5.9 s, against 47 ms
 * and 285 ms for this one on a quiet core); there is no LAPACK for Node that installs without compiling
 * (machine notes).
 *
 * Rounding: every GEMM sums over k in order from 0 (gemm.ts), so results are the same bit for bit on one
 * and two threads; they differ from the unblocked loop by the order of the sums (a few ulps times the
 * condition).
 */
import { gemm, mat, type Mat } from "./gemm";

/** Diagonal blocks of at most this many rows are factored in plain loops. */
const LEAF = 64;
/** Triangular solves of at most this many rows run in plain loops (larger ones split, the update a GEMM). */
const SOLVE_LEAF = 32;

/** A block of a row-major array: rows r0.., columns c0.. of a matrix with `ld` columns. */
interface Block {
  readonly data: Float64Array;
  readonly ld: number;
  readonly r0: number;
  readonly c0: number;
}

const at = (b: Block, r: number, c: number): Block => ({
  data: b.data,
  ld: b.ld,
  r0: b.r0 + r,
  c0: b.c0 + c,
});

/**
 * Scratch space for the copies gemm multiplies, allocated once per factorization or solve (the largest
 * product's three operands) and viewed by each product.
 */
class Scratch {
  private readonly buffer: Float64Array;
  constructor(doubles: number) {
    this.buffer = new Float64Array(doubles);
  }
  /** rows x cols views one after the other, starting at offset 0 (a product's operands). */
  views(shapes: readonly (readonly [number, number])[]): Mat[] {
    let offset = 0;
    return shapes.map(([rows, cols]) => {
      const view = mat(rows, cols, this.buffer.subarray(offset, offset + rows * cols));
      offset += rows * cols;
      return view;
    });
  }
}

function copyOut(src: Block, m: Mat): void {
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    const from = (src.r0 + i) * src.ld + src.c0;
    data.set(src.data.subarray(from, from + cols), i * cols);
  }
}

function copyIn(m: Mat, dst: Block): void {
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++)
    dst.data.set(data.subarray(i * cols, (i + 1) * cols), (dst.r0 + i) * dst.ld + dst.c0);
}

/**
 * C <- C - op(A) B on blocks, through gemm on copies: A is aRows x aCols (op = transpose: A^T), B is
 * (op(A) cols) x cols, or null for B = A (the symmetric update U12^T U12: one copy), C is (op(A) rows) x
 * cols; with `upper` only C's upper triangle (square C) is computed and written.
 */
function subtractProduct(
  s: Scratch,
  A: Block,
  aRows: number,
  aCols: number,
  transA: boolean,
  B: Block | null,
  cols: number,
  C: Block,
  upper: boolean,
): void {
  const inner = transA ? aRows : aCols;
  const outRows = transA ? aCols : aRows;
  const [a, c, b] = s.views([
    [aRows, aCols],
    [outRows, cols],
    [B === null ? 0 : inner, B === null ? 0 : cols],
  ]);
  copyOut(A, a);
  copyOut(C, c);
  if (B === null) gemm(a, a, c, { transA, alpha: -1, beta: 1, upper });
  else {
    copyOut(B, b);
    gemm(a, b, c, { transA, alpha: -1, beta: 1, upper });
  }
  if (!upper) {
    copyIn(c, C);
    return;
  }
  for (let i = 0; i < outRows; i++) {
    const from = i * cols + i;
    C.data.set(c.data.subarray(from, (i + 1) * cols), (C.r0 + i) * C.ld + C.c0 + i);
  }
}

/**
 * Factors the k x k diagonal block at d in place; returns -1, or the first row (within the block) whose
 * pivot is not positive (the block's rows before it are factored).
 */
function factor(s: Scratch, d: Block, k: number): number {
  if (k <= LEAF) return factorLeaf(d, k);
  const k1 = k >> 1;
  const k2 = k - k1;
  const first = factor(s, d, k1);
  if (first >= 0) return first;
  solveTransposed(s, d, k1, at(d, 0, k1), k2); // U12 = U11^-T A12
  subtractProduct(s, at(d, 0, k1), k1, k2, true, null, k2, at(d, k1, k1), true); // A22 - U12^T U12
  const second = factor(s, at(d, k1, k1), k2);
  return second >= 0 ? k1 + second : -1;
}

/** The unblocked right-looking factorization of a small block: row j scaled, then the rows below it updated. */
function factorLeaf(d: Block, k: number): number {
  const { data, ld } = d;
  const base = d.r0 * ld + d.c0;
  for (let j = 0; j < k; j++) {
    const rj = base + j * ld;
    const pivot = data[rj + j];
    if (!(pivot > 0)) return j;
    const r = Math.sqrt(pivot);
    const inv = 1 / r;
    data[rj + j] = r;
    for (let c = j + 1; c < k; c++) data[rj + c] *= inv;
    for (let i = j + 1; i < k; i++) {
      const f = data[rj + i];
      if (f === 0) continue;
      const ri = base + i * ld;
      for (let c = i; c < k; c++) data[ri + c] -= f * data[rj + c];
    }
  }
  return -1;
}

/** B <- U^-T B for the k x k upper-triangular block U and the k x cols block B (forward substitution). */
function solveTransposed(s: Scratch, U: Block, k: number, B: Block, cols: number): void {
  if (k <= SOLVE_LEAF) {
    forwardLeaf(U, k, B, cols);
    return;
  }
  const k1 = k >> 1;
  const k2 = k - k1;
  solveTransposed(s, U, k1, B, cols);
  subtractProduct(s, at(U, 0, k1), k1, k2, true, B, cols, at(B, k1, 0), false); // B2 - U12^T X1
  solveTransposed(s, at(U, k1, k1), k2, at(B, k1, 0), cols);
}

/**
 * The leaf of solveTransposed: rows solved four at a time, then the rows below updated by those four at
 * once (b_j -= u_0j x_0 + u_1j x_1 + u_2j x_2 + u_3j x_3 in that order), so each pass over row j does four
 * multiply-adds per load and store: 2.5-3x the one-row loop in V8 (the leaves are a tenth of the
 * factorization's multiply-adds at n = 4000, but ran in a third of its time).
 */
function forwardLeaf(U: Block, k: number, B: Block, cols: number): void {
  const { data: u, ld: lu } = U;
  const { data: b, ld: lb } = B;
  const ub = U.r0 * lu + U.c0;
  const bb = B.r0 * lb + B.c0;
  for (let i0 = 0; i0 < k; i0 += 4) {
    const i1 = Math.min(i0 + 4, k);
    // The four rows among themselves.
    for (let i = i0; i < i1; i++) {
      const ri = bb + i * lb;
      const inv = 1 / u[ub + i * lu + i];
      for (let c = 0; c < cols; c++) b[ri + c] *= inv;
      for (let j = i + 1; j < i1; j++) {
        const f = u[ub + i * lu + j];
        const rj = bb + j * lb;
        for (let c = 0; c < cols; c++) b[rj + c] -= f * b[ri + c];
      }
    }
    if (i1 - i0 < 4) continue; // the last rows of the block: nothing below them
    const r0 = bb + i0 * lb;
    const r1 = r0 + lb;
    const r2 = r1 + lb;
    const r3 = r2 + lb;
    const u0 = ub + i0 * lu;
    const u1 = u0 + lu;
    const u2 = u1 + lu;
    const u3 = u2 + lu;
    for (let j = i1; j < k; j++) {
      const f0 = u[u0 + j];
      const f1 = u[u1 + j];
      const f2 = u[u2 + j];
      const f3 = u[u3 + j];
      const rj = bb + j * lb;
      for (let c = 0; c < cols; c++) {
        b[rj + c] = b[rj + c] - f0 * b[r0 + c] - f1 * b[r1 + c] - f2 * b[r2 + c] - f3 * b[r3 + c];
      }
    }
  }
}

/** B <- U^-1 B for the k x k upper-triangular block U and the k x cols block B (back substitution). */
function solveUpper(s: Scratch, U: Block, k: number, B: Block, cols: number): void {
  if (k <= SOLVE_LEAF) {
    const { data: u, ld: lu } = U;
    const { data: b, ld: lb } = B;
    const ub = U.r0 * lu + U.c0;
    const bb = B.r0 * lb + B.c0;
    for (let i = k - 1; i >= 0; i--) {
      const ri = bb + i * lb;
      for (let j = i + 1; j < k; j++) {
        const f = u[ub + i * lu + j];
        if (f === 0) continue;
        const rj = bb + j * lb;
        for (let c = 0; c < cols; c++) b[ri + c] -= f * b[rj + c];
      }
      const inv = 1 / u[ub + i * lu + i];
      for (let c = 0; c < cols; c++) b[ri + c] *= inv;
    }
    return;
  }
  const k1 = k >> 1;
  const k2 = k - k1;
  solveUpper(s, at(U, k1, k1), k2, at(B, k1, 0), cols);
  subtractProduct(s, at(U, 0, k1), k1, k2, false, at(B, k1, 0), cols, B, false); // B1 - U12 X2
  solveUpper(s, U, k1, B, cols);
}

/**
 * Doubles of scratch the blocked routines use for an n x n factor and `cols` right-hand sides (0 for the
 * factorization): the largest product's three copies, at the top level of the recursion.
 */
export function choleskyScratchDoubles(n: number, cols = 0): number {
  const k1 = n >> 1;
  const k2 = n - k1;
  const factorTop = n > LEAF ? k1 * k2 + k2 * k2 : 0; // U12 and A22
  const solveTop = cols > 0 && n > SOLVE_LEAF ? k1 * k2 + n * cols : 0; // U12, and X1 and B2 (or X2 and B1)
  return Math.max(factorTop, solveTop);
}

/**
 * Factors the symmetric positive definite n x n matrix in `a` (row-major; its upper triangle is read) in
 * place into the upper-triangular U with A = U^T U. Returns -1, or the first row whose pivot U_ii^2 was
 * not positive (not positive definite to working precision; the factor is then incomplete).
 * Extra memory: choleskyScratchDoubles(n) doubles (n^2 / 2 at most) plus gemm's work space.
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  const s = new Scratch(choleskyScratchDoubles(n));
  return factor(s, { data: a, ld: n, r0: 0, c0: 0 }, n);
}

/**
 * Solves A X = B in place for the factor U of choleskyInPlace (A = U^T U, n x n) and B (n x cols,
 * row-major): B <- U^-1 U^-T B. Extra memory: choleskyScratchDoubles(n, cols) doubles.
 */
export function choleskySolveInPlace(u: Float64Array, n: number, b: Float64Array, cols: number): void {
  const s = new Scratch(choleskyScratchDoubles(n, cols));
  const U: Block = { data: u, ld: n, r0: 0, c0: 0 };
  const B: Block = { data: b, ld: cols, r0: 0, c0: 0 };
  solveTransposed(s, U, n, B, cols);
  solveUpper(s, U, n, B, cols);
}
