/**
 * Comparison kernels of seed 000, functions of the distance r = |x - y| only. r is summed from the
 * coordinate differences directly (not |x|^2 + |y|^2 - 2 x.y, which cancels for close points).
 * Peak memory of each: the n x m result and the copies of the points, 8 (n m + (n + m) d) bytes, checked
 * before anything is allocated.
 */
import { Matrix } from "ml-matrix";
import { checkInRange, checkPositive, optionsObject, requiredObject } from "../validate";

/** The smallest normal float64: below it a product keeps fewer than 53 bits. */
const MIN_NORMAL = 2.2250738585072014e-308;
import { assembleRows, type RowFiller } from "./assemble";
import { checkKernelMemory, readPair, type PointsInput } from "./points";

function distanceKernel(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  profile: (r2: number) => number,
): Matrix {
  const { x, y, symmetric } = readPair(who, X, Y);
  checkKernelMemory(who, x, y, symmetric, x.d);
  const d = x.d;
  const dx = x.data;
  const dy = y.data;
  const far = (i: number, j: number): never => {
    throw new Error(
      `${who}: the squared distance |X[${i}] - Y[${j}]|^2 overflows float64 (coordinates up to ${Math.max(...dx.subarray(i * d, i * d + d).map(Math.abs))} and ${Math.max(...dy.subarray(j * d, j * d + d).map(Math.abs))}); points must lie within about 1e154 of each other`,
    );
  };
  // Each kernel gets its own copy of the loop (a fresh closure per call would share one compiled loop
  // across profiles and keep the profile call generic); the 2-D case, the circle, is unrolled.
  const fill: RowFiller =
    d === 2
      ? (i, j0, j1, row) => {
          const p0 = dx[2 * i];
          const p1 = dx[2 * i + 1];
          for (let j = j0; j < j1; j++) {
            const t0 = p0 - dy[2 * j];
            const t1 = p1 - dy[2 * j + 1];
            const r2 = 0 + t0 * t0 + t1 * t1;
            row[j] = r2 < Infinity ? profile(r2) : far(i, j);
          }
        }
      : (i, j0, j1, row) => {
          for (let j = j0; j < j1; j++) {
            let r2 = 0;
            for (let k = 0; k < d; k++) {
              const t = dx[i * d + k] - dy[j * d + k];
              r2 += t * t;
            }
            row[j] = r2 < Infinity ? profile(r2) : far(i, j);
          }
        };
  return assembleRows(x.n, y.n, symmetric, fill);
}

export interface SigmaOptions {
  /** Length scale sigma > 0 (default 1). */
  sigma?: number;
}

export interface GammaExponentialOptions {
  /** Exponent 0 < alpha <= 2. */
  alpha: number;
  /** sigma > 0 (default 1). */
  sigma?: number;
}

export interface ExtendedLaplaceOptions {
  /** Exponent 0 < alpha <= 2. */
  alpha: number;
  /** Power of the distance, beta >= 0. */
  beta: number;
}

/** Laplace kernel exp(-|x - y| / sigma), sigma > 0 (default 1). n x m Matrix; Y omitted = K(X, X). */
export function laplaceKernel(X: PointsInput, Y?: PointsInput, options: SigmaOptions = {}): Matrix {
  return laplaceKernelAs("laplaceKernel", X, Y, options);
}

/** laplaceKernel with its Errors named for `who` (the caller the user called, e.g. a reference kernel). */
export function laplaceKernelAs(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: SigmaOptions,
): Matrix {
  const { sigma = 1 } = optionsObject(who, options);
  checkPositive(who, "sigma", sigma);
  return distanceKernel(who, X, Y, (r2) => Math.exp(-Math.sqrt(r2) / sigma));
}

/** Gaussian kernel exp(-|x - y|^2 / (2 sigma^2)), sigma > 0 (default 1). */
export function gaussianKernel(X: PointsInput, Y?: PointsInput, options: SigmaOptions = {}): Matrix {
  return gaussianKernelAs("gaussianKernel", X, Y, options);
}

/** gaussianKernel with its Errors named for `who`. */
export function gaussianKernelAs(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: SigmaOptions,
): Matrix {
  const { sigma = 1 } = optionsObject(who, options);
  checkPositive(who, "sigma", sigma);
  const scale = 2 * sigma * sigma;
  if (scale >= MIN_NORMAL && scale < Infinity) {
    return distanceKernel(who, X, Y, (r2) => Math.exp(-r2 / scale));
  }
  // 2 sigma^2 underflows (sigma < 1e-154: 0 / 0 on the diagonal) or overflows: divide the distance first.
  return distanceKernel(who, X, Y, (r2) => {
    const t = Math.sqrt(r2) / sigma;
    return Math.exp(-(t * t) / 2);
  });
}

/**
 * Gamma-exponential ("pseudo-Laplacian" of seed 000) exp(-|x - y|^alpha / sigma), 0 < alpha <= 2
 * (positive definite exactly there), sigma > 0 (default 1). alpha = 1 is laplaceKernel.
 */
export function gammaExponentialKernel(
  X: PointsInput,
  Y: PointsInput | undefined,
  options: GammaExponentialOptions,
): Matrix {
  return gammaExponentialKernelAs("gammaExponentialKernel", X, Y, options);
}

/** gammaExponentialKernel with its Errors named for `who`. */
export function gammaExponentialKernelAs(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: GammaExponentialOptions,
): Matrix {
  const { alpha, sigma = 1 } = requiredObject(who, "options", options, "{ alpha, sigma }");
  checkInRange(who, "alpha", alpha, 0, 2);
  checkPositive(who, "sigma", sigma);
  const half = alpha / 2;
  return distanceKernel(who, X, Y, (r2) => Math.exp(-Math.pow(r2, half) / sigma));
}

/**
 * Seed 000's extended kernel exp(-|x - y|^alpha) |x - y|^beta, 0 < alpha <= 2, beta >= 0. For beta > 0
 * it vanishes on the diagonal and is not positive semidefinite (DESIGN.md); beta = 0 gives 1 there.
 */
export function extendedLaplaceKernel(
  X: PointsInput,
  Y: PointsInput | undefined,
  options: ExtendedLaplaceOptions,
): Matrix {
  return extendedLaplaceKernelAs("extendedLaplaceKernel", X, Y, options);
}

/** extendedLaplaceKernel with its Errors named for `who`. */
export function extendedLaplaceKernelAs(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: ExtendedLaplaceOptions,
): Matrix {
  const { alpha, beta } = requiredObject(who, "options", options, "{ alpha, beta }");
  checkInRange(who, "alpha", alpha, 0, 2);
  checkInRange(who, "beta", beta, 0, Infinity, { loInclusive: true, hiInclusive: false });
  const halfA = alpha / 2;
  const halfB = beta / 2;
  return distanceKernel(who, X, Y, (r2) => {
    const value = Math.exp(-Math.pow(r2, halfA)) * Math.pow(r2, halfB);
    if ((value > 0 && value < Infinity) || r2 === 0) return value;
    // One factor underflowed or overflowed (0 * Infinity = NaN for far points): take the product in logs.
    const logged = Math.exp(halfB * Math.log(r2) - Math.pow(r2, halfA));
    if (logged === Infinity) {
      // log of the largest double: beta log r - r^alpha must stay below it.
      const r = Math.sqrt(r2);
      const largest = (Math.log(Number.MAX_VALUE) + Math.pow(r, alpha)) / Math.log(r);
      throw new Error(
        `${who}: exp(-r^alpha) r^beta overflows float64 at the distance r = ${r} (alpha = ${alpha}, beta = ${beta}); at this distance beta must be below ${largest.toPrecision(4)}`,
      );
    }
    return logged;
  });
}
