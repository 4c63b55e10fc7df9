/**
 * Input checks shared by the spectrum module: for the eigen solvers a square, finite, symmetric matrix,
 * copied into one row-major Float64Array (the layout every solver here works on, because typed-array loops
 * over contiguous rows are what V8 compiles into fast code); for the rest lists of finite numbers. Also
 * the helpers the solvers share: scaling into the safe range and the descending order of eigenvalues.
 */
import { Matrix } from "ml-matrix";
import { describeValue } from "../validate";

/** A symmetric matrix as an ml-matrix Matrix or as rows of numbers. */
export type SymmetricInput = Matrix | ReadonlyArray<ArrayLike<number>>;

/**
 * Relative asymmetry accepted by default: max |K_ij - K_ji| <= 1e-10 max |K_ij|. Kernel matrices built
 * entry by entry are symmetric up to rounding (about 1e-16 relative); anything larger is a bug upstream
 * and a symmetric solver would silently return the spectrum of (K + K^T)/2 instead.
 */
export const DEFAULT_SYMMETRY_TOLERANCE = 1e-10;

/** Checks that x is an array or typed array of finite numbers, naming the first entry that is not. */
export function checkFiniteList(who: string, name: string, x: unknown): void {
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new Error(`${who}: ${name} must be an array of numbers, got ${describeValue(x)}`);
  }
  const list = x as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== "number") {
      throw new Error(`${who}: ${name}[${i}] must be a finite number, got ${describeValue(v)}`);
    }
    if (!Number.isFinite(v)) throw new Error(`${who}: ${name}[${i}] must be finite, got ${v}`);
  }
}

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
      const mean = midpoint(a[i * n + j], a[j * n + i]);
      a[i * n + j] = mean;
      a[j * n + i] = mean;
    }
  }
  return { n, a, maxAbs };
}

/** The indices 0..length - 1 of values, ordered by descending value. */
export function descendingOrder(values: Float64Array): Int32Array {
  return Int32Array.from(values, (_, i) => i).sort((x, y) => values[y] - values[x]);
}

/**
 * (x + y) / 2 rounded once, for any finite x and y: x itself when y === x (a symmetric entry stays bit for
 * bit), the halved sum where that is finite (halving each first would round subnormal halves, 0.5 *
 * 5e-324 being 0), else the sum of the halves (exact for numbers that large).
 */
export function midpoint(x: number, y: number): number {
  if (x === y) return x;
  const sum = x + y;
  return Number.isFinite(sum) ? sum / 2 : 0.5 * x + 0.5 * y;
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
    throw new Error(
      `${who}: ${name} must be a non-empty square Matrix or array of rows, got ${describeValue(K)}`,
    );
  }
  const n = K.length;
  // The shape first: a flat list of n numbers must not allocate n^2 doubles before its Error.
  for (let i = 0; i < n; i++) {
    const row: unknown = K[i];
    if (row === null || typeof row !== "object") {
      throw new Error(
        `${who}: ${name} must be a square matrix (a Matrix or an array of rows); ${name}[${i}] is ${describeValue(row)}, ` +
          `not a row`,
      );
    }
    const length = (row as ArrayLike<unknown>).length;
    if (length !== n) {
      throw new Error(
        `${who}: ${name} must be square; row ${i} has length ${length} but there are ${n} rows`,
      );
    }
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const r = K[i] as ArrayLike<unknown>;
    for (let j = 0; j < n; j++) {
      const v = r[j];
      if (typeof v !== "number") {
        throw new Error(`${who}: ${name}[${i}][${j}] must be a finite number, got ${describeValue(v)}`);
      }
      a[i * n + j] = v;
    }
  }
  return a;
}

/**
 * max|K| outside [2^-SAFE_EXPONENT, 2^SAFE_EXPONENT] is brought to about 1 by an exact power of two before
 * solving: sums of n entries of size 1e308 overflow, and the rounding noise of a reduction, far below
 * max|K|, would underflow into subnormals (1e-300 ones stalled the dense solver). Inside the range nothing
 * is scaled, so results there are unchanged to the bit.
 */
const SAFE_EXPONENT = 300;

/**
 * The exponent e for which 2^e maxAbs is near 1 when maxAbs lies outside the safe range, else 0 (also for
 * the zero matrix). Eigenvalues of 2^e K are 2^e lambda.
 */
export function rangeExponent(maxAbs: number): number {
  if (maxAbs === 0 || Math.abs(Math.log2(maxAbs)) <= SAFE_EXPONENT) return 0;
  return -Math.round(Math.log2(maxAbs));
}

/** x <- 2^e x in place, exactly where no entry leaves the normal range (2^e itself may not be a double). */
export function scaleByPowerOfTwo(x: Float64Array, e: number): void {
  if (e === 0) return;
  const half = 2 ** Math.trunc(e / 2);
  const rest = 2 ** (e - Math.trunc(e / 2));
  for (let i = 0; i < x.length; i++) x[i] = x[i] * half * rest;
}

/** The eigenvalues of K from those of 2^e K (in place), refusing ones beyond the largest double. */
export function unscaledEigenvalues(
  who: string,
  values: Float64Array,
  { n, e, maxAbs }: { n: number; e: number; maxAbs: number },
): Float64Array {
  scaleByPowerOfTwo(values, -e);
  if (!values.every(Number.isFinite)) {
    throw new Error(
      `${who}: an eigenvalue of K exceeds the largest double (about 1.8e308; max|K| = ${maxAbs} with ` +
        `n = ${n}); scale K down`,
    );
  }
  return values;
}
