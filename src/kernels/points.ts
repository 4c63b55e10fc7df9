/**
 * Reading kernel inputs: a Matrix, an array of equal-length rows (one point per row), or a flat list of
 * numbers (n points of dimension 1, as train() reads them), copied into one row-major Float64Array so
 * that inner loops index a typed array. Every check names the function and parameter.
 */
import { Matrix } from "ml-matrix";
import { checkMemory } from "../memory";
import { describeValue } from "../validate";
import { scaledNorm } from "../numeric";

/** Points as the inner loops read them: point i is data[i * d .. i * d + d). */
export interface Points {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
}

/**
 * Anything accepted as a set of points: an ml-matrix Matrix, an array of equal-length rows, or a list of
 * numbers (one 1-D point each: [1, 2, 3] is [[1], [2], [3]]).
 */
export type PointsInput = Matrix | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

const ALLOWED =
  "a Matrix, an array of rows of equal length (one point per row) or a list of numbers (1-D points)";

function isRow(value: unknown): value is ArrayLike<number> {
  return (
    value !== null && typeof value === "object" && typeof (value as ArrayLike<number>).length === "number"
  );
}

export function readPoints(who: string, name: string, X: PointsInput): Points {
  if (X instanceof Matrix) {
    const n = X.rows;
    const d = X.columns;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) data[i * d + k] = X.get(i, k);
    return checked(who, name, { n, d, data });
  }
  if (!isRow(X)) throw new Error(`${who}: ${name} must be ${ALLOWED}, got ${describeValue(X)}`);
  const n = X.length;
  if (n > 0 && typeof X[0] === "number") {
    const flat = X as ArrayLike<unknown>;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (typeof flat[i] !== "number") {
        throw new Error(
          `${who}: ${name}[${i}] must be a number like ${name}[0] (${name} is a list of 1-D points), got ${describeValue(flat[i])}`,
        );
      }
      data[i] = flat[i] as number;
    }
    return checked(who, name, { n, d: 1, data }, true);
  }
  const rows = X as ArrayLike<unknown>;
  const first = rows[0];
  if (n > 0 && !isRow(first)) {
    throw new Error(
      `${who}: ${name}[0] must be a row of coordinates (${name} must be ${ALLOWED}), got ${describeValue(first)}`,
    );
  }
  const d = n > 0 ? (first as ArrayLike<number>).length : 0;
  if (n > 0 && d === 0)
    throw new Error(`${who}: ${name}[0] must hold at least one coordinate, got an empty row`);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!isRow(row) || row.length !== d) {
      const got = isRow(row) ? `${row.length}` : describeValue(row);
      throw new Error(`${who}: ${name}[${i}] must be a row of ${d} coordinates like ${name}[0], got ${got}`);
    }
    for (let k = 0; k < d; k++) {
      if (typeof row[k] !== "number") {
        throw new Error(`${who}: ${name}[${i}][${k}] must be a number, got ${describeValue(row[k])}`);
      }
      data[i * d + k] = row[k];
    }
  }
  return checked(who, name, { n, d, data });
}
function checked(who: string, name: string, points: Points, flat = false): Points {
  const { n, d, data } = points;
  if (n < 1 || d < 1)
    throw new Error(`${who}: ${name} must hold at least one point of dimension >= 1, got ${n} x ${d}`);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(data[i])) {
      const at = flat ? `[${i}]` : `[${Math.floor(i / d)}][${i % d}]`;
      throw new Error(`${who}: ${name}${at} must be finite, got ${data[i]}`);
    }
  }
  return points;
}

/**
 * X and Y (Y defaults to X: the symmetric case, where each pair is computed once), checked for a
 * common dimension.
 */
export function readPair(
  who: string,
  X: PointsInput,
  Y?: PointsInput,
): { x: Points; y: Points; symmetric: boolean } {
  const x = readPoints(who, "X", X);
  if (Y === undefined || Y === X) return { x, y: x, symmetric: true };
  const y = readPoints(who, "Y", Y);
  if (y.d !== x.d) {
    throw new Error(`${who}: Y must have the dimension of X (${x.d} coordinates per row), got ${y.d}`);
  }
  return { x, y, symmetric: false };
}

/**
 * |X[i] - Y[j]| for the pairs whose plain sum of squares is not a normal finite number (points closer
 * than about 1.5e-154, where it underflows, or farther than about 1.3e154, where it overflows): from the
 * differences divided by the largest of them (scaledNorm). 0 only for equal points. A distance beyond the
 * largest double is an Error naming the pair.
 */
export function distance(who: string, x: Points, i: number, y: Points, j: number): number {
  const d = x.d;
  const r = scaledNorm(d, (k) => x.data[i * d + k] - y.data[j * d + k]);
  if (r < Infinity) return r;
  const largest = (p: Points, at: number): number =>
    Math.max(...p.data.subarray(at * d, at * d + d).map(Math.abs));
  throw new Error(
    `${who}: the distance |X[${i}] - Y[${j}]| overflows float64 (coordinates up to ${largest(x, i)} and ${largest(y, j)}); points must lie within about 1.7e308 of each other`,
  );
}

/** Which sizes to lower when a kernel of X and Y does not fit: "lower n (X has 50000 points)". */
export function fewerPointsAdvice(x: Points, y: Points, symmetric: boolean): string {
  return symmetric ? `lower n (X has ${x.n} points)` : `lower n or m (X has ${x.n} points, Y has ${y.n})`;
}

/**
 * Refuses, before anything is allocated, a kernel matrix that does not fit the memory budget: the n x m
 * result plus `perPoint` doubles per point of X and of Y (their copies and per-point work arrays),
 * 8 (n m + (n + m) perPoint) bytes.
 */
export function checkKernelMemory(
  who: string,
  x: Points,
  y: Points,
  symmetric: boolean,
  perPoint: number,
): void {
  checkMemory(who, 8 * (x.n * y.n + (x.n + y.n) * perPoint), fewerPointsAdvice(x, y, symmetric));
}
