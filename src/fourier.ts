/**
 * Fourier components of a function sampled on one period (periodicGrid in targets.ts), and the relative
 * change of a vector or matrix (how far training moved the weights or the empirical NTK).
 *
 * On n equally spaced points x_m = from + m P / n of a period P, any trigonometric polynomial of
 * frequency below n / 2 is recovered exactly from its samples:
 *   f(x_m) = a_0 + sum_{k=1}^{n/2} (a_k cos(2 pi k x_m / P) + b_k sin(2 pi k x_m / P)),
 * with S_k = sum_m f(x_m) exp(-2 pi i k x_m / P) = exp(-2 pi i k from / P) DFT_k, a_k = (2/n) Re S_k and
 * b_k = -(2/n) Im S_k (a_0 = S_0 / n; for even n the Nyquist term is a_{n/2} = S_{n/2} / n, b_{n/2} = 0).
 * The phase is referred to x = 0, not to the first grid point, so sin(pi k x) on [-1, 1) has b_k = 1.
 */
import { fft } from "./spectrum/fft";
import { checkFinite, checkPositive } from "./validate";

export interface FourierComponents {
  /** Frequencies k = 0 .. floor(n / 2), in cycles per period. */
  readonly frequency: Int32Array;
  /** Cosine coefficients a_k. */
  readonly cos: Float64Array;
  /** Sine coefficients b_k. */
  readonly sin: Float64Array;
  /** sqrt(a_k^2 + b_k^2): the size of the frequency-k part of f. */
  readonly amplitude: Float64Array;
}

/**
 * The Fourier coefficients (see the file comment) of values sampled at x_m = from + m period / n,
 * m = 0 .. n - 1 (default from = -1, period 2: the grid periodicGrid(n) on [-1, 1)).
 */
export function fourierComponents(
  values: ArrayLike<number>,
  { from = -1, period = 2 }: { from?: number; period?: number } = {},
): FourierComponents {
  const who = "fourierComponents";
  if (!values || typeof values.length !== "number" || values.length < 1) {
    throw new Error(
      `${who}: values must be a non-empty list of samples on one period, got ${String(values)}`,
    );
  }
  checkFinite(who, "from", from);
  checkPositive(who, "period", period);
  const n = values.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    if (!Number.isFinite(values[m])) throw new Error(`${who}: values[${m}] must be finite, got ${values[m]}`);
    re[m] = values[m];
  }
  fft(re, im);
  const half = Math.floor(n / 2);
  const frequency = Int32Array.from({ length: half + 1 }, (_, k) => k);
  const cos = new Float64Array(half + 1);
  const sin = new Float64Array(half + 1);
  const amplitude = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    // S_k = exp(-i phi) DFT_k with phi = 2 pi k from / period.
    const phi = (2 * Math.PI * k * from) / period;
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    const sRe = c * re[k] + s * im[k];
    const sIm = c * im[k] - s * re[k];
    const edge = k === 0 || 2 * k === n;
    cos[k] = (edge ? 1 : 2) * (sRe / n);
    sin[k] = edge ? 0 : (-2 * sIm) / n;
    amplitude[k] = Math.hypot(cos[k], sin[k]);
  }
  return { frequency, cos, sin, amplitude };
}

/**
 * ||after - before|| / ||before|| (Euclidean norm of the entries, the Frobenius norm for a matrix): the
 * relative distance training moved a parameter vector or a kernel matrix. Throws when before is zero.
 */
export function relativeChange(after: ArrayLike<number>, before: ArrayLike<number>): number {
  const who = "relativeChange";
  if (!after || !before || after.length !== before.length) {
    throw new Error(
      `${who}: after and before must have the same length, got ${after?.length} and ${before?.length}`,
    );
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < before.length; i++) {
    num += (after[i] - before[i]) ** 2;
    den += before[i] ** 2;
  }
  if (!(den > 0)) throw new Error(`${who}: before must have a nonzero entry (its norm is the denominator)`);
  const out = Math.sqrt(num / den);
  if (!Number.isFinite(out)) throw new Error(`${who}: after and before must be finite`);
  return out;
}
