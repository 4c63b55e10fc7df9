/**
 * Decay slopes of a kernel's matrices on n equally spaced points of the unit circle, for several n
 * (notebook 03: the study's n = 200 matrix, and n = 2000 where aliasing no longer bends ranks 30..100).
 *
 * For each size the kernel matrix K (n x n) on circlePoints(n) is built, its eigenvalues computed by the
 * method given ("dense": the symmetric eigensolver; "circulant": the DFT of the first row, exact for a
 * rotation-invariant kernel on these points, O(n log n)), and decaySlope fits the least-squares and the
 * end-point slopes of log lambda_i against log i over ranks from..to, with the floor n eps lambda_1.
 */
import type { Kernel } from "../kernels/kernel";
import { circlePoints } from "../inputs";
import { decaySlope, type DecaySlope } from "../spectrum/decay";
import { eigenvalues } from "../spectrum/eigen";
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkOptionKeys,
  describeValue,
  optionsObject,
  renamed,
} from "../validate";

/** One matrix to build: n circle points, eigenvalues by `method`. */
export interface CircleMatrix {
  n: number;
  method: "dense" | "circulant";
}

export interface CircleMatrixSlopes extends CircleMatrix {
  /** The n eigenvalues, descending (as eigenvalues returns them). */
  eigenvalues: Float64Array;
  /** decaySlope's least-squares fit over from..to (of |lambda| with magnitude). */
  lsq: DecaySlope;
  /** decaySlope's end-point slope over the same window. */
  endpoints: DecaySlope;
}

export interface CircleMatrixSlopesOptions {
  /** First rank of the window (default 30). */
  from?: number;
  /** Last rank of the window (default 100); every n must be >= to. */
  to?: number;
  /** Fit |lambda| sorted descending, for indefinite kernels (default false). */
  magnitude?: boolean;
}

/**
 * For each entry of `matrices`, the eigenvalues of kernel(circlePoints(n)) and their decay slopes over
 * ranks from..to (see the top of this file). `kernel` is any kernel of the lab on 2-D points.
 */
export function circleMatrixSlopes(
  kernel: Kernel,
  matrices: readonly CircleMatrix[],
  options?: CircleMatrixSlopesOptions | null,
): CircleMatrixSlopes[] {
  const who = "circleMatrixSlopes";
  checkFunction(who, "kernel", kernel, "a kernel of the lab (X, Y) -> Matrix, such as laplace({ sigma: 1 })");
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["from", "to", "magnitude"]);
  const { from = 30, to = 100, magnitude = false } = opts;
  checkInteger(who, "from", from, 1);
  checkInteger(who, "to", to, from + 1);
  checkBoolean(who, "magnitude", magnitude);
  if (!Array.isArray(matrices) || matrices.length === 0) {
    throw new Error(
      `${who}: matrices must be a non-empty array of { n, method }, got ${describeValue(matrices)}`,
    );
  }
  matrices.forEach((m: unknown, i) => {
    const { n, method } = (m ?? {}) as Partial<CircleMatrix>;
    if (m === null || typeof m !== "object") {
      throw new Error(`${who}: matrices[${i}] must be an object { n, method }, got ${describeValue(m)}`);
    }
    if (!Number.isInteger(n) || (n as number) < to) {
      throw new Error(
        `${who}: matrices[${i}].n must be an integer >= to = ${to} (the window's last rank), got ${describeValue(n)}`,
      );
    }
    if (method !== "dense" && method !== "circulant") {
      throw new Error(
        `${who}: matrices[${i}].method must be "dense" or "circulant", got ${describeValue(method)}`,
      );
    }
  });
  return matrices.map(({ n, method }) => {
    const K = kernel(circlePoints(n));
    const values = renamed(who, "eigenvalues", () => eigenvalues(K, { method }));
    const fit = (how: "lsq" | "endpoints") =>
      decaySlope(values, { from, to, n, magnitude, ...(how === "lsq" ? {} : { method: how }) });
    return { n, method, eigenvalues: values, lsq: fit("lsq"), endpoints: fit("endpoints") };
  });
}
