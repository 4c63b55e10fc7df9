/**
 * Reading kernel inputs: a Matrix or number[][] with one point per row, copied into one row-major
 * Float64Array so that inner loops index a typed array. Every check names the function and parameter.
 */
import { Matrix } from "ml-matrix";
import { checkMemory } from "../memory";

/** Points as the inner loops read them: point i is data[i * d .. i * d + d). */
export interface Points {
  readonly n: number;
  readonly d: number;
  readonly data: Float64Array;
}

/** Anything accepted as a set of points: an ml-matrix Matrix or an array of equal-length rows. */
export type PointsInput = Matrix | ArrayLike<ArrayLike<number>>;

export function readPoints(who: string, name: string, X: PointsInput): Points {
  if (X instanceof Matrix) {
    const n = X.rows;
    const d = X.columns;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) data[i * d + k] = X.get(i, k);
    return checked(who, name, { n, d, data });
  }
  if (X === null || typeof X !== "object" || typeof X.length !== "number") {
    throw new Error(
      `${who}: ${name} must be a Matrix or an array of rows (one point per row), got ${String(X)}`,
    );
  }
  const n = X.length;
  const d = n > 0 && X[0] ? X[0].length : 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (!row || row.length !== d) {
      throw new Error(
        `${who}: ${name}[${i}] must have ${d} coordinates like ${name}[0], got ${row ? row.length : String(row)}`,
      );
    }
    for (let k = 0; k < d; k++) data[i * d + k] = row[k];
  }
  return checked(who, name, { n, d, data });
}

function checked(who: string, name: string, points: Points): Points {
  const { n, d, data } = points;
  if (n < 1 || d < 1)
    throw new Error(`${who}: ${name} must hold at least one point of dimension >= 1, got ${n} x ${d}`);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`${who}: ${name}[${Math.floor(i / d)}][${i % d}] must be finite, got ${data[i]}`);
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
