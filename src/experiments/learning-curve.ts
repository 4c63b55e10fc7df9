/**
 * The learning curve of kernel regression on a one-dimensional target (notebook 07): for each training-set
 * size n, the test mean squared error of kernelRegression fitted on `sets` independent training sets of n
 * inputs drawn uniformly on a domain, summarized by its mean over the sets and a quantile band.
 */
import { Matrix } from "ml-matrix";
import type { PointsInput } from "../kernels/points";
import { Rng } from "../random";
import { kernelRegression } from "../regression/kernel-regression";
import { meanSquaredError } from "../regression/mean-squared-error";
import {
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkNumberList,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";
import { sampleSummary } from "./summary";

export interface LearningCurveOptions {
  /** Training-set sizes n (integers >= 1), one point of the curve each, in this order. */
  sizes: readonly number[];
  /** Independent training sets per size (an integer >= 1). */
  sets: number;
  /**
   * The seed of the Rng that draws training set s (0 <= s < sets) of size n (an integer in [0, 2^53]):
   * the n inputs are that Rng's first n draws of uniformIn(domain[0], domain[1]).
   */
  seedOf: (size: number, set: number) => number;
  /** The test inputs (m >= 1 finite numbers) at which the error against the target is measured. */
  testPoints: ArrayLike<number>;
  /** The interval [a, b] (a < b, finite) of the training inputs; default [-1, 1]. */
  domain?: readonly [number, number];
  /** The ridge of every fit (>= 0; default 0). */
  ridge?: number;
  /** The quantiles of the band over the sets (see sampleSummary); default [0.1, 0.9]. */
  band?: readonly [number, number];
  /** Called after each fit (sizes.length * sets times), e.g. to tick a progress bar. */
  onFit?: () => void;
}

export interface LearningCurvePoint {
  /** The training-set size n. */
  size: number;
  /** The test mean squared errors of the sets, in the order s = 0, 1, ... (units: the target's squared). */
  errors: number[];
  /** Their mean (summed in ascending order) and the band's quantiles. */
  mean: number;
  low: number;
  high: number;
}

/**
 * The learning curve of `kernel` (a kernel of the lab on 1-D points, (X, Y?) -> Matrix, such as
 * networkKernel(arch)) on `target` (a function of one number returning a finite number): for each size n
 * of options.sizes and each set s, the inputs x drawn by new Rng(seedOf(n, s)), the fit
 * kernelRegression(kernel(x), target(x), { ridge }) and its error meanSquaredError(fit at testPoints,
 * target at testPoints). One point per size, in the order given.
 */
export function learningCurve(
  kernel: (X: PointsInput, Y?: PointsInput) => Matrix,
  target: (x: number) => number,
  options: LearningCurveOptions,
): LearningCurvePoint[] {
  const who = "learningCurve";
  checkFunction(who, "kernel", kernel, "a kernel of the lab (X, Y) -> Matrix, such as networkKernel(arch)");
  checkFunction(who, "target", target, "a function of one number, such as (x) => Math.sin(Math.PI * x)");
  const fields = "{ sizes, sets, seedOf, testPoints, domain?, ridge?, band?, onFit? }";
  const opts = requiredObject(who, "options", options, fields);
  const { sizes, sets, seedOf, testPoints, domain = [-1, 1], ridge = 0, band = [0.1, 0.9], onFit } = opts;
  const sizeList = Array.from(checkNumberList(who, "sizes", sizes, { min: 1 }));
  sizeList.forEach((n, i) => checkInteger(who, `sizes[${i}]`, n, 1));
  checkInteger(who, "sets", sets, 1);
  checkFunction(who, "seedOf", seedOf, "a function (size, set) => seed, an integer in [0, 2^53]");
  const tests = Array.from(checkNumberList(who, "testPoints", testPoints, { min: 1 }));
  const [a, b] = checkedDomain(who, domain);
  checkNonNegative(who, "ridge", ridge);
  if (onFit !== undefined) checkFunction(who, "onFit", onFit, "a function () => void, or left out");
  const targetAt = (xs: number[], name: string): number[] =>
    xs.map((x) => {
      const v = target(x);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(
          `${who}: target must return a finite number, got ${describeValue(v)} at ${name} x = ${x}`,
        );
      }
      return v;
    });
  const testTargets = targetAt(tests, "the test point");
  const kernelAt = (what: string, X: number[], Y?: number[]): Matrix => {
    let K: unknown;
    try {
      K = Y === undefined ? kernel(X) : kernel(X, Y);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${who}: kernel failed on ${what}: ${reason}`, { cause: error });
    }
    const [rows, columns] = [X.length, (Y ?? X).length];
    if (!(K instanceof Matrix) || K.rows !== rows || K.columns !== columns) {
      const got = K instanceof Matrix ? `${K.rows} x ${K.columns}` : describeValue(K);
      throw new Error(
        `${who}: kernel must return a ${rows} x ${columns} Matrix (one row per point of X), got ${got}`,
      );
    }
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        const v = K.get(i, j);
        if (!Number.isFinite(v))
          throw new Error(`${who}: kernel must return finite values, got ${v} at [${i}][${j}]`);
      }
    }
    return K;
  };
  // The band is checked before the first fit: a bad band should not cost a whole study.
  renamed(who, "sampleSummary", () => sampleSummary([0], band));
  return sizeList.map((size) => {
    const errors: number[] = [];
    for (let s = 0; s < sets; s++) {
      const seed = seedOf(size, s);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 53) {
        throw new Error(
          `${who}: seedOf must return an integer in [0, 2^53], got ${describeValue(seed)} for size ${size}, set ${s}`,
        );
      }
      const draw = new Rng(seed);
      const xs = Array.from({ length: size }, () => draw.uniformIn(a, b));
      const fit = renamed(who, "kernelRegression", () =>
        kernelRegression(
          kernelAt(`the training inputs (size ${size}, set ${s})`, xs),
          targetAt(xs, "the training input"),
          { ridge },
        ),
      );
      errors.push(
        renamed(who, "meanSquaredError", () =>
          meanSquaredError(
            fit.predict(kernelAt("testPoints against the training inputs", tests, xs)),
            testTargets,
          ),
        ),
      );
      onFit?.();
    }
    const { mean, low, high } = sampleSummary(errors, band);
    return { size, errors, mean, low, high };
  });
}

function checkedDomain(who: string, domain: unknown): [number, number] {
  const pair = domain as readonly number[];
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => typeof v === "number" && Number.isFinite(v)) ||
    !(pair[0] < pair[1])
  ) {
    const shown = Array.isArray(domain)
      ? `[${domain.map((v) => describeValue(v)).join(", ")}]`
      : describeValue(domain);
    throw new Error(`${who}: domain must be a pair [a, b] of finite numbers with a < b, got ${shown}`);
  }
  return [pair[0], pair[1]];
}
