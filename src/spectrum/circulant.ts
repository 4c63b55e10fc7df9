/**
 * Eigenvalues of a symmetric circulant matrix, K_ij = c_{(j - i) mod n}, such as any rotation-invariant
 * kernel on n equally spaced circle points t_i = 2 pi i / n. The Fourier vectors exp(2 pi i j m / n)
 * diagonalize every circulant matrix, so lambda_j = sum_m c_m exp(-2 pi i j m / n), the DFT of the first row
 * (Gray, "Toeplitz and circulant matrices: a review", 2006, section 3.1): O(n log n), exact up to rounding.
 * For a symmetric circulant c_m = c_{n-m}, so lambda_j is real and lambda_j = lambda_{n-j}.
 */
import { fft } from "./fft";
import {
  midpoint,
  rangeExponent,
  scaleByPowerOfTwo,
  symmetricArray,
  unscaledEigenvalues,
  type SymmetricInput,
  DEFAULT_SYMMETRY_TOLERANCE,
} from "./symmetric";
import { checkNonNegative, optionsObject } from "../validate";

/**
 * Relative deviation from circulant structure accepted by default: |K_ij - K_0,(j-i) mod n| <= 1e-10 max|K|.
 * Kernel entries computed from rounded coordinates differ from exact circulant ones by far less; a real
 * violation (random points, a duplicated endpoint) differs at order 1e-3 or more.
 */
export const DEFAULT_CIRCULANT_TOLERANCE = 1e-10;

export interface CirculantOptions {
  /** Relative tolerance of the circulant check (default 1e-10, relative to max|K|). */
  tolerance?: number;
}

/**
 * lambda_j for j = 0..n-1 in DFT order (not sorted): the eigenvalue of the Fourier mode of frequency
 * min(j, n - j). Throws when K is not symmetric and circulant within the tolerance, naming the worst entry.
 */
export function circulantSpectrum(K: SymmetricInput, options?: CirculantOptions | null): Float64Array {
  const { tolerance } = optionsObject("circulantSpectrum", options);
  return circulantEigenvalues("circulantSpectrum", K, tolerance, "tolerance");
}

/** circulantSpectrum for the function `who`, whose option `toleranceName` holds the tolerance. */
export function circulantEigenvalues(
  who: string,
  K: SymmetricInput,
  tolerance = DEFAULT_CIRCULANT_TOLERANCE,
  toleranceName: string,
): Float64Array {
  checkNonNegative(who, toleranceName, tolerance);
  const { n, a, maxAbs } = symmetricArray(who, K, Math.max(tolerance, DEFAULT_SYMMETRY_TOLERANCE));
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const diff = Math.abs(a[i * n + j] - a[(j - i + n) % n]);
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  }
  if (worst > tolerance * maxAbs) {
    const m = (wj - wi + n) % n;
    throw new Error(
      `${who}: K must be circulant (K[i][j] = K[0][(j - i) mod n], as for equally spaced circle points); ` +
        `largest deviation |K[${wi}][${wj}] - K[0][${m}]| = ${worst}, allowed <= ${tolerance} * max|K| = ` +
        `${tolerance * maxAbs}. Use the dense or top-k method for other matrices.`,
    );
  }
  // Average the first row with its mirror so that the transform is exactly real and even; entries beyond
  // the safe range are scaled by 2^e first, so that the sums of the transform cannot overflow.
  const e = rangeExponent(maxAbs);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let m = 0; m < n; m++) re[m] = midpoint(a[m], a[(n - m) % n]);
  scaleByPowerOfTwo(re, e);
  fft(re, im);
  return unscaledEigenvalues(who, re, { n, e, maxAbs });
}
