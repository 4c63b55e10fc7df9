/**
 * Input checks shared by the eigen solvers: a square, finite, symmetric matrix, copied into one row-major
 * Float64Array (the layout every solver here works on, because typed-array loops over contiguous rows are
 * what V8 compiles into fast code).
 */
import { Matrix } from "ml-matrix";

/** A symmetric matrix as an ml-matrix Matrix or as rows of numbers. */
export type SymmetricInput = Matrix | ReadonlyArray<ArrayLike<number>>;

/**
 * Relative asymmetry accepted by default: max |K_ij - K_ji| <= 1e-10 max |K_ij|. Kernel matrices built
 * entry by entry are symmetric up to rounding (about 1e-16 relative); anything larger is a bug upstream
 * and a symmetric solver would silently return the spectrum of (K + K^T)/2 instead.
 */
export const DEFAULT_SYMMETRY_TOLERANCE = 1e-10;

export interface SquareArray {
  n: number;
  /** Row-major n x n copy, symmetrized as (K + K^T) / 2. */
  a: Float64Array;
  /** max |K_ij|, used for scale-aware tolerances. */
  maxAbs: number;
}

/**
 * Copies K into a row-major Float64Array after checking that it is square, non-empty, finite and
 * symmetric within `tolerance` * max|K|. Errors name the function, the parameter (`name`), the offending
 * entry and the rule.
 */
export function symmetricArray(
  who: string,
  K: SymmetricInput,
  tolerance = DEFAULT_SYMMETRY_TOLERANCE,
  name = "K",
): SquareArray {
  const a = squareArray(who, K, name);
  const n = Math.round(Math.sqrt(a.length));
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) {
      throw new Error(`${who}: ${name}[${Math.floor(i / n)}][${i % n}] must be finite, got ${v}`);
    }
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const diff = Math.abs(a[i * n + j] - a[j * n + i]);
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  }
  if (worst > tolerance * maxAbs) {
    throw new Error(
      `${who}: ${name} must be symmetric; largest asymmetry |${name}[${wi}][${wj}] - ${name}[${wj}][${wi}]| = ${worst} ` +
        `(${a[wi * n + wj]} vs ${a[wj * n + wi]}), allowed <= ${tolerance} * max|${name}| = ${tolerance * maxAbs}`,
    );
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = mean;
      a[j * n + i] = mean;
    }
  }
  return { n, a, maxAbs };
}

/** Row-major copy of a square, non-empty matrix (no value checks). */
function squareArray(who: string, K: SymmetricInput, name: string): Float64Array {
  if (K instanceof Matrix) {
    if (K.rows !== K.columns || K.rows === 0) {
      throw new Error(`${who}: ${name} must be a non-empty square matrix, got ${K.rows} x ${K.columns}`);
    }
    const n = K.rows;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a.set(K.getRow(i), i * n);
    return a;
  }
  if (!Array.isArray(K) || K.length === 0) {
    throw new Error(`${who}: ${name} must be a non-empty square Matrix or array of rows, got ${describe(K)}`);
  }
  const n = K.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = K[i];
    if (row === null || typeof row !== "object" || row.length !== n) {
      throw new Error(
        `${who}: ${name} must be square; row ${i} has length ${row?.length} but there are ${n} rows`,
      );
    }
    for (let j = 0; j < n; j++) a[i * n + j] = row[j];
  }
  return a;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return value === null ? "null" : typeof value;
}
