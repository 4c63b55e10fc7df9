/**
 * The k algebraically largest eigenpairs of a symmetric matrix by block Lanczos with full
 * reorthogonalization (Golub & Underwood 1977; Golub & Van Loan, Matrix Computations, 4th ed., 10.3.6) and
 * Rayleigh-Ritz on the whole basis.
 *
 * Why a block and not a single vector: on equally spaced circle points every frequency j >= 1 is an exact
 * double eigenvalue, and a single-vector Krylov space holds only one direction of each eigenspace. A block
 * of b random vectors (b >= the largest multiplicity) sees them all; a higher multiplicity is detected
 * once the first b copies have converged and answered with fresh random directions (mayHideCopies). Full reorthogonalization (classical
 * Gram-Schmidt applied twice, "twice is enough": Giraud, Langou & Rozloznik 2005) keeps the basis
 * orthonormal to rounding, so no spurious copies of converged Ritz values appear.
 *
 * Why the block is at least PRODUCT_BLOCK wide (whatever smaller blockSize is asked for): the cost is
 * reading the matrix. One vector at a time reads all n^2 entries per basis vector (n = 2000: 32 MB,
 * 12-15 ms per product in plain JS); a block of b vectors is one matrix product (linalg's gemm,
 * WebAssembly SIMD on both cores) that reads the matrix once per block: measured at n = 2000 about
 * 10-12 ms for b = 8, 12-20 ms for b = 16 and 20-28 ms for b = 32, i.e. 0.7-1.2 ms per basis vector.
 * A wider block needs a somewhat larger basis for the same accuracy (block Krylov spaces grow b
 * dimensions per degree), so b = 16 is the compromise. The reorthogonalization is done blockwise too:
 * C = Q W^T, W -= C^T Q, twice, four gemm calls per block instead of 2 m dot products and axpys per
 * vector. The basis is kept as the rows of one Float64Array so that these are plain gemm calls.
 * gemm sums every entry in a fixed order on any number of threads, so results are deterministic.
 *
 * Stopping rule: for a Ritz pair (theta, y = Q s) the residual A y - theta y equals W^T s_last, where W is
 * the block that the next Lanczos step orthogonalizes and s_last the last b entries of s; its norm bounds
 * |theta - lambda| for some eigenvalue lambda (Parlett, The Symmetric Eigenvalue Problem, theorem 4.5.1).
 * Iteration stops when every wanted eigenvalue is within RELATIVE_TOLERANCE |theta| + n eps |theta_1| by
 * that bound or, for eigenvalues only, by the quadratic bound r^2 / gap (ritzConverged below).
 * The check needs only the Ritz values and the last b entries of each wanted Ritz vector (dense.ts
 * ritzValuesAndTails: O(m^2 b) besides the O(m^3) tridiagonalization), the full Ritz vectors only at the
 * end and only when eigenvectors are asked for.
 */
import { gemm, mat, type Mat } from "../linalg/index";
import { Rng } from "../random";
import { denseEigensystem, ritzValuesAndTails } from "./dense";
import { descendingOrder } from "./symmetric";
import { precisionFloor } from "../numeric";

const RELATIVE_TOLERANCE = 1e-11;
/** A new vector whose norm falls below this fraction of its norm before orthogonalization is dependent. */
const DEPENDENCE_THRESHOLD = 1e-12;
/** Below this fraction of its norm a new vector lost too much to cancellation: one more full pass. */
const CANCELLATION = 0.5;
/** Rayleigh-Ritz is repeated when the basis has grown by this factor, keeping its cost a small fraction. */
const CHECK_GROWTH = 1.2;
/** Smallest block used for the products (see the file comment); never more than k or n. */
const PRODUCT_BLOCK = 16;
/** Ritz values closer than this many convergence tolerances count as copies of one eigenvalue. */
const CLUSTER_FACTOR = 4;

export interface TopKOptions {
  /**
   * Block size b (default 4). The solver uses max(b, min(16, k)) (at most n): wider blocks only add
   * directions and make the products cheaper. Eigenvalues of higher multiplicity cost extra random
   * directions once their first copies have converged (mayHideCopies).
   */
  blockSize?: number;
  /** Seed of the random starting block (default 1): the result is deterministic. */
  seed?: number;
}

/** Growable row-major storage of basis vectors (rows of length n). */
class Rows {
  data: Float64Array;
  count = 0;
  constructor(
    readonly n: number,
    capacity: number,
  ) {
    this.data = new Float64Array(capacity * n);
  }
  reserve(rows: number): void {
    if (rows * this.n <= this.data.length) return;
    const cap = Math.max(rows, 2 * (this.data.length / this.n));
    const next = new Float64Array(cap * this.n);
    next.set(this.data.subarray(0, this.count * this.n));
    this.data = next;
  }
  /** Rows [from, to) as a Mat over the same memory. */
  view(from: number, to: number): Mat {
    return mat(to - from, this.n, this.data.subarray(from * this.n, to * this.n));
  }
  row(i: number): Float64Array {
    return this.data.subarray(i * this.n, (i + 1) * this.n);
  }
}

/**
 * The k largest eigenvalues (descending) of the symmetric n x n matrix in a (row-major, not modified)
 * and, when wanted, their unit eigenvectors as the rows of a k x n array. null when an eigenvalue of
 * high multiplicity needs more random directions than a third of n (see mayHideCopies): the basis
 * would then cost more than the dense solver, which the caller runs instead.
 */
export function topEigensystem(
  who: string,
  a: Float64Array,
  n: number,
  k: number,
  wantVectors: boolean,
  { blockSize = 4, seed = 1 }: TopKOptions = {},
): { values: Float64Array; vectorRows: Float64Array | null } | null {
  const b = Math.min(n, Math.max(blockSize, Math.min(PRODUCT_BLOCK, k)));
  const rng = new Rng(seed);
  const A = mat(n, n, a);
  const q = new Rows(n, Math.min(n, k + 4 * b));
  // Projected matrix T = Q A Q^T, kept as a (cap x cap) row-major array that grows with the basis.
  let tCap = Math.min(n, k + 4 * b);
  let t = new Float64Array(tCap * tCap);
  // Random directions that entered the basis: no eigenvalue shows more copies than this (see mayHideCopies).
  let directions = b + appendOrthonormal(who, q, randomBlock(rng, b, n), b, null, rng);
  let done = 0; // basis vectors whose products A q are known
  let nextCheck = Math.min(n, k + 2 * b);
  for (;;) {
    const m = q.count;
    const blockStart = done;
    const width = m - blockStart;
    done = m;
    if (m > tCap) {
      const cap = Math.min(n, Math.max(m, Math.ceil(tCap * 1.5)));
      const grown = new Float64Array(cap * cap);
      for (let r = 0; r < blockStart; r++) grown.set(t.subarray(r * tCap, r * tCap + blockStart), r * cap);
      t = grown;
      tCap = cap;
    }
    // W = Q_new A (= (A Q_new^T)^T, A symmetric): one pass over the matrix for the whole block.
    const W = gemm(q.view(blockStart, m), A, mat(width, n));
    const norms = new Float64Array(width);
    for (let c = 0; c < width; c++) {
      const row = W.data.subarray(c * n, (c + 1) * n);
      norms[c] = Math.sqrt(dot(row, row, n));
    }
    // First Gram-Schmidt pass; its coefficients C = Q W^T are the new columns of T = Q A Q^T.
    const Q = q.view(0, m);
    const C = gemm(Q, W, mat(m, width), { transB: true });
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < width; c++) {
        const v = C.data[r * width + c];
        const col = blockStart + c;
        if (r < blockStart) {
          t[r * tCap + col] = v;
          t[col * tCap + r] = v;
        } else if (r <= col) {
          // Inside the new diagonal block both C[r][c] and C[c][r] exist: their mean is symmetric.
          const w = 0.5 * (v + C.data[col * width + (r - blockStart)]);
          t[r * tCap + col] = w;
          t[col * tCap + r] = w;
        }
      }
    }
    // W -= C^T Q, then the second pass ("twice is enough").
    gemm(C, Q, W, { transA: true, alpha: -1, beta: 1 });
    projectOut(Q, W);
    let hidden = false;
    if (m >= nextCheck || m + width > n) {
      const ritz = ritzValuesAndTails(who, t, tCap, m, blockStart);
      const order = descendingOrder(ritz.values);
      const wanted = Math.min(k, m);
      const scale = Math.abs(ritz.values[order[0]]);
      const converged = wanted === k && ritzConverged(ritz, order, k, W.data, width, n, scale, !wantVectors);
      hidden = converged && m < n && mayHideCopies(ritz.values, order, k, directions, n, scale);
      if ((converged && !hidden) || m === n) {
        return finish(who, t, tCap, m, order, k, q, wantVectors, ritz.values);
      }
      if (hidden && 3 * (m + width + directions) > n) return null;
      nextCheck = Math.min(n, Math.ceil(m * CHECK_GROWTH));
    }
    directions += appendOrthonormal(who, q, W.data, width, norms, rng);
    if (hidden) {
      // As many fresh random directions as there are, orthogonal to the basis: they carry the copies
      // the Krylov space could not hold, and Lanczos continues from the wider block.
      const count = Math.min(directions, n - q.count);
      const fresh = mat(count, n, randomBlock(rng, count, n));
      const freshNorms = Float64Array.from({ length: count }, (_, c) => {
        const row = fresh.data.subarray(c * n, (c + 1) * n);
        return Math.sqrt(dot(row, row, n));
      });
      projectOut(q.view(0, q.count), fresh);
      projectOut(q.view(0, q.count), fresh);
      directions += count + appendOrthonormal(who, q, fresh.data, count, freshNorms, rng);
    }
  }
}

/** W -= (Q W^T)^T Q: one classical Gram-Schmidt pass of the rows of W against the rows of Q. */
function projectOut(Q: Mat, W: Mat): void {
  const C = gemm(Q, W, mat(Q.rows, W.rows), { transB: true });
  gemm(C, Q, W, { transA: true, alpha: -1, beta: 1 });
}

/**
 * Whether a multiple eigenvalue may have more copies than the Ritz values show, so that a wanted Ritz
 * value below it is not among the k largest eigenvalues at all. In exact arithmetic the Krylov space
 * of a basis into which d random directions entered holds at most d independent directions of any one
 * eigenspace (A^j r projects onto it as lambda^j P r), so an eigenvalue of multiplicity above d shows
 * exactly d converged copies and the eigenvalues after them are the next ones: all residuals are
 * small, and the answer is wrong (multiplicity 20 with top 18 gave 16 copies). With probability one
 * over the random directions, a cluster of fewer than d converged copies is the whole eigenspace.
 * So a cluster (consecutive Ritz values within CLUSTER_FACTOR times the convergence tolerance) of d
 * or more copies followed by a wanted Ritz value is suspect; one that reaches past the k-th needs no
 * more copies (extra copies would only repeat the value reported), which keeps the noise floor of
 * a fast-decaying spectrum (many Ritz values near 0 at the end) from ever counting.
 */
function mayHideCopies(
  values: Float64Array,
  order: Int32Array,
  k: number,
  directions: number,
  n: number,
  scale: number,
): boolean {
  const floor = precisionFloor(n, scale);
  let start = 0;
  for (let i = 1; i < k; i++) {
    const above = values[order[i - 1]];
    const tol = RELATIVE_TOLERANCE * Math.abs(above) + floor;
    if (above - values[order[i]] <= CLUSTER_FACTOR * tol) continue;
    if (i - start >= directions) return true;
    start = i;
  }
  return false;
}

/**
 * Whether the k largest Ritz values are within tol_i = RELATIVE_TOLERANCE |theta_i| + n eps |theta_1| of
 * eigenvalues. Two bounds, for the Ritz pair (theta_i, y_i) with residual r_i = ||A y_i - theta_i y_i||:
 * - |theta_i - lambda| <= r_i for some eigenvalue lambda (Parlett, theorem 4.5.1);
 * - the quadratic (Kato-Temple) bound |theta_i - lambda| <= r_i^2 / delta_i when no other eigenvalue lies
 *   within delta_i of theta_i (Parlett, theorem 11.7.1). delta_i is taken as
 *   min_j (|theta_i - theta_j| - r_j) over the other Ritz values j among the first k + 1: every one of them
 *   has an eigenvalue within r_j, so this is a distance to the eigenvalues those Ritz values stand for.
 *   Only with delta_i > 2 r_i (a Ritz value well separated from its neighbours).
 * The second is what makes the window cheap: a Ritz value converges in r^2, so requiring r itself to reach
 * n eps ||A|| (about 1e-13 relative) needed a basis of 336 vectors for the top 100 at n = 2000 where the
 * quadratic bound is met with far fewer. Multiple or clustered eigenvalues have delta_i ~ 0 and fall back
 * to the first bound.
 */
function ritzConverged(
  ritz: { values: Float64Array; tails: Float64Array },
  order: Int32Array,
  k: number,
  w: Float64Array,
  width: number,
  n: number,
  scale: number,
  quadratic: boolean,
): boolean {
  const count = Math.min(k + 1, order.length);
  const theta = new Float64Array(count);
  const r = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    theta[i] = ritz.values[order[i]];
    r[i] = blockResidual(w, width, n, ritz.tails, order[i] * width);
  }
  const floor = precisionFloor(n, scale);
  for (let i = 0; i < k; i++) {
    const tol = RELATIVE_TOLERANCE * Math.abs(theta[i]) + floor;
    if (r[i] <= tol) continue;
    if (!quadratic) return false;
    let delta = Infinity;
    for (let j = 0; j < count; j++) {
      if (j !== i) delta = Math.min(delta, Math.abs(theta[i] - theta[j]) - r[j]);
    }
    if (!(delta > 2 * r[i] && (r[i] * r[i]) / delta <= tol)) return false;
  }
  return true;
}

function finish(
  who: string,
  t: Float64Array,
  tCap: number,
  m: number,
  order: Int32Array,
  k: number,
  q: Rows,
  wantVectors: boolean,
  ritzValues: Float64Array,
): { values: Float64Array; vectorRows: Float64Array | null } {
  const n = q.n;
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = ritzValues[order[i]];
  if (!wantVectors) return { values, vectorRows: null };
  // The full Ritz vectors y_i = Q^T s_i (the basis is stored as rows): one more eigensystem of T, whose
  // eigenvalues are the same computation as above (same input, same arithmetic), then Y = S_k Q.
  const work = new Float64Array(m * m);
  for (let r = 0; r < m; r++) work.set(t.subarray(r * tCap, r * tCap + m), r * m);
  const ritz = denseEigensystem(who, work, m);
  const s = new Float64Array(k * m);
  for (let i = 0; i < k; i++) s.set(ritz.vectorRows.subarray(order[i] * m, (order[i] + 1) * m), i * m);
  const rows = gemm(mat(k, m, s), q.view(0, m), mat(k, n));
  return { values, vectorRows: rows.data };
}

/** || sum_c s[offset + c] W_c || over the rows W_c of w (width rows of length n). */
function blockResidual(w: Float64Array, width: number, n: number, s: Float64Array, offset: number): number {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    let v = 0;
    for (let c = 0; c < width; c++) v += s[offset + c] * w[c * n + j];
    sum += v * v;
  }
  return Math.sqrt(sum);
}

function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += x[j] * y[j];
    s1 += x[j + 1] * y[j + 1];
    s2 += x[j + 2] * y[j + 2];
    s3 += x[j + 3] * y[j + 3];
  }
  for (; j < n; j++) s0 += x[j] * y[j];
  return s0 + s1 + (s2 + s3);
}

/** One classical Gram-Schmidt pass of v against the basis rows [from, to). */
function orthogonalizeAgainst(q: Rows, from: number, to: number, v: Float64Array): void {
  const n = q.n;
  const coef = new Float64Array(to - from);
  for (let r = from; r < to; r++) coef[r - from] = dot(q.row(r), v, n);
  for (let r = from; r < to; r++) {
    const f = coef[r - from];
    const qr = q.row(r);
    for (let j = 0; j < n; j++) v[j] -= f * qr[j];
  }
}

function randomBlock(rng: Rng, width: number, n: number): Float64Array {
  const out = new Float64Array(width * n);
  for (let c = 0; c < width; c++) out.set(rng.normals(n), c * n);
  return out;
}

/**
 * Appends the candidate rows (already orthogonal to the basis: Gram-Schmidt twice above) after
 * orthonormalizing them against each other, never beyond n vectors. reference[c] is the norm of candidate c
 * before any orthogonalization (A q_c for a Lanczos block). A candidate that falls below
 * DEPENDENCE_THRESHOLD of it is dependent (the Krylov space has become invariant, or a multiplicity exceeds
 * the block) and is replaced by a fresh random direction, so the search continues in the complement
 * instead of stopping early with eigenvalues missing; returns how many such random directions it used.
 * One that lost more than half its norm to the other new vectors gets another full pass against the
 * whole basis, so its orthogonality stays at rounding level.
 */
function appendOrthonormal(
  who: string,
  q: Rows,
  candidates: Float64Array,
  count: number,
  reference: Float64Array | null,
  rng: Rng,
): number {
  const n = q.n;
  q.reserve(Math.min(n, q.count + count));
  const first = q.count;
  let replaced = 0;
  for (let c = 0; c < count && q.count < n; c++) {
    const v = q.row(q.count);
    v.set(candidates.subarray(c * n, (c + 1) * n));
    const ref = reference ? reference[c] : Math.sqrt(dot(v, v, n));
    const before = Math.sqrt(dot(v, v, n));
    orthogonalizeAgainst(q, first, q.count, v);
    orthogonalizeAgainst(q, first, q.count, v);
    let after = Math.sqrt(dot(v, v, n));
    if (after > DEPENDENCE_THRESHOLD * ref && after < CANCELLATION * before) {
      orthogonalizeAgainst(q, 0, q.count, v);
      orthogonalizeAgainst(q, 0, q.count, v);
      after = Math.sqrt(dot(v, v, n));
    }
    let ok = after > DEPENDENCE_THRESHOLD * ref && after > 0;
    for (let attempt = 0; !ok; attempt++) {
      if (attempt === 8) {
        throw new Error(
          `${who}: the top-k solver could not extend its Krylov basis past ${q.count} of ${n} vectors; ` +
            `try method: "dense"`,
        );
      }
      if (attempt === 0) replaced++;
      v.set(rng.normals(n));
      const fresh = Math.sqrt(dot(v, v, n));
      orthogonalizeAgainst(q, 0, q.count, v);
      orthogonalizeAgainst(q, 0, q.count, v);
      after = Math.sqrt(dot(v, v, n));
      ok = after > DEPENDENCE_THRESHOLD * fresh && after > 0;
    }
    const inv = 1 / after;
    for (let j = 0; j < n; j++) v[j] *= inv;
    q.count++;
  }
  return replaced;
}
