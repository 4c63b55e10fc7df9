/**
 * The k algebraically largest eigenpairs of a symmetric matrix by block Lanczos with full
 * reorthogonalization (Golub & Underwood 1977; Golub & Van Loan, Matrix Computations, 4th ed., 10.3.6) and
 * Rayleigh-Ritz on the whole basis.
 *
 * Why a block and not a single vector: on equally spaced circle points every frequency j >= 1 is an exact
 * double eigenvalue, and a single-vector Krylov space holds only one direction of each eigenspace. A block
 * of b random vectors (b >= the largest multiplicity) sees them all. Full reorthogonalization (classical
 * Gram-Schmidt applied twice, "twice is enough": Giraud, Langou & Rozloznik 2005) keeps the basis
 * orthonormal to rounding, so no spurious copies of converged Ritz values appear.
 *
 * Stopping rule: for a Ritz pair (theta, y = Q s) the residual A y - theta y equals R s_last, where R is the
 * block that the next Lanczos step orthogonalizes and s_last the last b entries of s; its norm bounds
 * |theta - lambda| for some eigenvalue lambda (Parlett, The Symmetric Eigenvalue Problem, theorem 4.5.1).
 * Iteration stops when every wanted residual is <= RELATIVE_TOLERANCE |theta| + n eps |theta_1|.
 */
import { Rng } from "../random";
import { denseEigensystem } from "./dense";

const EPS = Number.EPSILON;
const RELATIVE_TOLERANCE = 1e-11;
/** A new vector whose norm falls below this fraction of its norm before orthogonalization is dependent. */
const DEPENDENCE_THRESHOLD = 1e-12;
/** Rayleigh-Ritz is repeated when the basis has grown by this factor, keeping its cost a small fraction. */
const CHECK_GROWTH = 1.2;

export interface TopKOptions {
  /** Block size b: at least the largest eigenvalue multiplicity that matters (default 4). */
  blockSize?: number;
  /** Seed of the random starting block (default 1): the result is deterministic. */
  seed?: number;
}

/**
 * The k largest eigenvalues (descending) of the symmetric n x n matrix in a (row-major, not modified)
 * and, when wanted, their unit eigenvectors as the rows of a k x n array.
 */
export function topEigensystem(
  a: Float64Array,
  n: number,
  k: number,
  wantVectors: boolean,
  { blockSize = 4, seed = 1 }: TopKOptions = {},
): { values: Float64Array; vectorRows: Float64Array | null } {
  const b = Math.min(blockSize, n);
  const rng = new Rng(seed);
  const q: Float64Array[] = []; // orthonormal basis vectors
  const aq: Float64Array[] = []; // A times each basis vector
  const t: Float64Array[] = []; // rows of the projected matrix Q^T A Q (row r has length n)
  let m = 0;
  m = appendOrthonormal(q, n, randomBlock(rng, b, n), rng);
  let done = 0; // basis vectors whose products A q are known
  let nextCheck = Math.min(n, k + 2 * b);
  for (;;) {
    // Products for the newest block, and the new rows/columns of T.
    for (let c = done; c < m; c++) {
      aq.push(multiply(a, n, q[c]));
      t.push(new Float64Array(n));
    }
    for (let c = done; c < m; c++) {
      for (let r = 0; r <= c; r++) {
        const v = dot(q[r], aq[c], n);
        t[r][c] = v;
        t[c][r] = v;
      }
    }
    const blockStart = done;
    done = m;
    // The next block: A Q_last orthogonalized against the basis (its norm gives the residuals).
    const width = m - blockStart;
    const next = aq.slice(blockStart, m).map((row) => row.slice());
    for (const v of next) {
      orthogonalizeAgainst(q, v, n);
      orthogonalizeAgainst(q, v, n);
    }
    if (m >= nextCheck || m + width > n) {
      const ritz = rayleighRitz(t, m);
      const order = descendingOrder(ritz.values);
      const wanted = Math.min(k, m);
      const scale = Math.abs(ritz.values[order[0]]);
      let converged = wanted === k;
      for (let i = 0; i < wanted && converged; i++) {
        const row = order[i] * m;
        const residual = blockResidual(next, n, ritz.vectorRows, row + blockStart);
        const theta = ritz.values[order[i]];
        converged = residual <= RELATIVE_TOLERANCE * Math.abs(theta) + n * EPS * scale;
      }
      if (converged || m === n) return finish(ritz, order, k, q, m, n, wantVectors);
      nextCheck = Math.min(n, Math.ceil(m * CHECK_GROWTH));
    }
    m = appendOrthonormal(q, n, next, rng);
  }
}

function finish(
  ritz: { values: Float64Array; vectorRows: Float64Array },
  order: Int32Array,
  k: number,
  q: Float64Array[],
  m: number,
  n: number,
  wantVectors: boolean,
): { values: Float64Array; vectorRows: Float64Array | null } {
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = ritz.values[order[i]];
  if (!wantVectors) return { values, vectorRows: null };
  // Ritz vector y_i = Q^T s_i (the basis is stored as rows).
  const rows = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const so = order[i] * m;
    for (let r = 0; r < m; r++) {
      const coef = ritz.vectorRows[so + r];
      const qr = q[r];
      for (let j = 0; j < n; j++) rows[i * n + j] += coef * qr[j];
    }
  }
  return { values, vectorRows: rows };
}

function rayleighRitz(t: Float64Array[], m: number): { values: Float64Array; vectorRows: Float64Array } {
  const work = new Float64Array(m * m);
  for (let r = 0; r < m; r++) work.set(t[r].subarray(0, m), r * m);
  return denseEigensystem(work, m);
}

/** || sum_c s[offset + c] next[c] ||. */
function blockResidual(next: Float64Array[], n: number, s: Float64Array, offset: number): number {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    let v = 0;
    for (let c = 0; c < next.length; c++) v += s[offset + c] * next[c][j];
    sum += v * v;
  }
  return Math.sqrt(sum);
}

function descendingOrder(values: Float64Array): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  return order.sort((x, y) => values[y] - values[x]);
}

/** A v for the row-major matrix a. */
function multiply(a: Float64Array, n: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dotAt(a, i * n, v, n);
  return out;
}

function dot(x: Float64Array, y: Float64Array, len: number): number {
  return dotAt(x, 0, y, len);
}

/** x[xo..xo+len) . y[0..len); four independent accumulators let the CPU overlap the additions. */
function dotAt(x: Float64Array, xo: number, y: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += x[xo + j] * y[j];
    s1 += x[xo + j + 1] * y[j + 1];
    s2 += x[xo + j + 2] * y[j + 2];
    s3 += x[xo + j + 3] * y[j + 3];
  }
  for (; j < len; j++) s0 += x[xo + j] * y[j];
  return s0 + s1 + (s2 + s3);
}

/** One classical Gram-Schmidt pass: v -= (its components along every basis vector). */
function orthogonalizeAgainst(q: Float64Array[], v: Float64Array, n: number): void {
  const coef = q.map((qr) => dot(qr, v, n));
  for (let r = 0; r < q.length; r++) {
    const f = coef[r];
    const qr = q[r];
    for (let j = 0; j < n; j++) v[j] -= f * qr[j];
  }
}

function randomBlock(rng: Rng, width: number, n: number): Float64Array[] {
  return Array.from({ length: width }, () => rng.normals(n));
}

/**
 * Orthonormalizes the candidate vectors against the basis and each other and appends them to it (never
 * beyond n vectors); returns the new basis size. A dependent candidate (the Krylov space has become
 * invariant, or a multiplicity exceeds the block) is replaced by a fresh random direction, so the search
 * continues in the complement instead of stopping early with eigenvalues missing.
 */
function appendOrthonormal(q: Float64Array[], n: number, candidates: Float64Array[], rng: Rng): number {
  for (const candidate of candidates) {
    if (q.length === n) break;
    let v: Float64Array = candidate.slice();
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(dot(v, v, n));
      orthogonalizeAgainst(q, v, n);
      orthogonalizeAgainst(q, v, n);
      const after = Math.sqrt(dot(v, v, n));
      if (after > DEPENDENCE_THRESHOLD * before && after > 0) {
        q.push(v.map((x) => x / after));
        break;
      }
      if (attempt === 8)
        throw new Error(`topEigensystem: could not extend the Krylov basis past ${q.length} vectors`);
      v = rng.normals(n);
    }
  }
  return q.length;
}
