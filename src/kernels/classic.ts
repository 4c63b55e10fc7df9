/**
 * Comparison kernels of the NTK-study write-up, functions of the distance r = |x - y| only. r is summed from the
 * coordinate differences directly (not |x|^2 + |y|^2 - 2 x.y, which cancels for close points).
 * Where that sum of squares is not a normal finite number (points closer than about 1.5e-154 or farther
 * than about 1.3e154), r comes from the scaled differences (points.ts distance) and the kernel from r
 * divided by its scale, so tiny or huge distances and scales keep their digits.
 * Peak memory of each: the n x m result and the copies of the points, 8 (n m + (n + m) d) bytes, checked
 * before anything is allocated.
 */
import { Matrix } from "ml-matrix";
import { MIN_NORMAL } from "../numeric";
import { checkInRange, checkPositive, optionsObject, requiredObject } from "../validate";
import { assembleRows, type RowFiller } from "./assemble";
import { checkKernelMemory, distance, readPair, type PointsInput } from "./points";

/**
 * A kernel of the distance: ofDistance(r) for any r >= 0, and ofSquare(r^2), the same function of the
 * squared distance for the ordinary case where r^2 is a normal finite number (default ofDistance(sqrt r2)).
 */
interface Profile {
  ofDistance: (r: number) => number;
  ofSquare?: (r2: number) => number;
}

function distanceKernel(who: string, X: PointsInput, Y: PointsInput | undefined, profile: Profile): Matrix {
  const { x, y, symmetric } = readPair(who, X, Y);
  checkKernelMemory(who, x, y, symmetric, x.d);
  const d = x.d;
  const dx = x.data;
  const dy = y.data;
  const { ofDistance } = profile;
  const ofSquare = profile.ofSquare ?? ((r2: number) => ofDistance(Math.sqrt(r2)));
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
            row[j] = r2 >= MIN_NORMAL && r2 < Infinity ? ofSquare(r2) : ofDistance(distance(who, x, i, y, j));
          }
        }
      : (i, j0, j1, row) => {
          for (let j = j0; j < j1; j++) {
            let r2 = 0;
            for (let k = 0; k < d; k++) {
              const t = dx[i * d + k] - dy[j * d + k];
              r2 += t * t;
            }
            row[j] = r2 >= MIN_NORMAL && r2 < Infinity ? ofSquare(r2) : ofDistance(distance(who, x, i, y, j));
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
  return distanceKernel(who, X, Y, { ofDistance: (r) => Math.exp(-r / sigma) });
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
  // r / sigma first where 2 sigma^2 underflows (sigma < 1e-154: 0 / 0 on the diagonal) or overflows.
  const ofDistance = (r: number): number => {
    const t = r / sigma;
    return Math.exp(-(t * t) / 2);
  };
  return distanceKernel(
    who,
    X,
    Y,
    scale >= MIN_NORMAL && scale < Infinity
      ? { ofDistance, ofSquare: (r2) => Math.exp(-r2 / scale) }
      : { ofDistance },
  );
}

/**
 * Gamma-exponential ("pseudo-Laplacian" of the NTK-study write-up) exp(-|x - y|^alpha / sigma), 0 < alpha <= 2
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
  const power = (r: number): number => {
    const p = Math.pow(r, alpha);
    return (p >= MIN_NORMAL && p < Infinity) || r === 0 ? p / sigma : powerOver(r, alpha, sigma);
  };
  return distanceKernel(who, X, Y, {
    ofDistance: (r) => Math.exp(-power(r)),
    ofSquare: (r2) => Math.exp(-Math.pow(r2, half) / sigma),
  });
}

/** x 2^k for an integer k (|k| <= 2200) in two steps, so that neither power of two overflows: exact. */
function timesPowerOfTwo(x: number, k: number): number {
  const h = Math.trunc(k / 2);
  return x * 2 ** h * 2 ** (k - h);
}

/**
 * r^alpha / sigma for r > 0 where r^alpha is not a normal number (tiny or huge distances): with r = m 2^e
 * and sigma = s 2^f (m, s near 1, exactly), r^alpha / sigma = (m^alpha / s) 2^(alpha e - f). alpha is split
 * into a1 + a2 of at most 27 bits each (Veltkamp), so that a1 e - f and a2 e are exact and the exponent is
 * rounded once: about 1e-16 relative, where exp(alpha log r - log sigma) would lose 1e-13.
 */
function powerOver(r: number, alpha: number, sigma: number): number {
  const e = Math.round(Math.log2(r));
  const f = Math.round(Math.log2(sigma));
  const c = 134217729 * alpha; // 2^27 + 1
  const a1 = c - (c - alpha);
  const a2 = alpha - a1;
  const exponent = a1 * e - f + a2 * e;
  return (Math.pow(timesPowerOfTwo(r, -e), alpha) / timesPowerOfTwo(sigma, -f)) * 2 ** exponent;
}

/**
 * The NTK-study write-up's extended kernel exp(-|x - y|^alpha) |x - y|^beta, 0 < alpha <= 2, beta >= 0. For beta > 0
 * it vanishes on the diagonal and is not positive semidefinite (a 2 x 2 principal minor is -K(x, y)^2); beta = 0 gives 1 there.
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
  // exp(-r^alpha) r^beta, in logs where one factor underflows or overflows (0 * Infinity = NaN far away).
  const value = (rAlpha: number, rBeta: number, logR: () => number, r: () => number): number => {
    const product = Math.exp(-rAlpha) * rBeta;
    if ((product > 0 && product < Infinity) || rBeta === 0) return product;
    const logged = Math.exp(beta * logR() - rAlpha);
    if (logged === Infinity) {
      // log of the largest double: beta log r - r^alpha must stay below it.
      const largest = (Math.log(Number.MAX_VALUE) + rAlpha) / logR();
      throw new Error(
        `${who}: exp(-r^alpha) r^beta overflows float64 at the distance r = ${r()} (alpha = ${alpha}, beta = ${beta}); at this distance beta must be below ${largest.toPrecision(4)}`,
      );
    }
    return logged;
  };
  return distanceKernel(who, X, Y, {
    ofDistance: (r) =>
      value(
        Math.pow(r, alpha),
        Math.pow(r, beta),
        () => Math.log(r),
        () => r,
      ),
    ofSquare: (r2) =>
      value(
        Math.pow(r2, halfA),
        Math.pow(r2, halfB),
        () => Math.log(r2) / 2,
        () => Math.sqrt(r2),
      ),
  });
}
