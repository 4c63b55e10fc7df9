/**
 * Fourier components of a function sampled on one period (periodicGrid in targets.ts).
 *
 * On n equally spaced points x_m = from + m P / n of a period P, any trigonometric polynomial of
 * frequency below n / 2 is recovered exactly from its samples:
 *   f(x_m) = a_0 + sum_{k=1}^{n/2} (a_k cos(2 pi k x_m / P) + b_k sin(2 pi k x_m / P)),
 * with S_k = sum_m f(x_m) exp(-2 pi i k x_m / P) = exp(-2 pi i k from / P) DFT_k, a_k = (2/n) Re S_k and
 * b_k = -(2/n) Im S_k (a_0 = S_0 / n; for even n the Nyquist term is a_{n/2} = S_{n/2} / n, b_{n/2} = 0).
 * The phase is referred to x = 0, not to the first grid point, so sin(pi k x) on [-1, 1) has b_k = 1.
 */
import { fft } from "./spectrum/fft";
import { checkFinite, checkNumberList, checkPositive, optionsObject } from "./validate";

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
  options: { from?: number; period?: number } = {},
): FourierComponents {
  const who = "fourierComponents";
  const samples = checkNumberList(who, "values", values, { min: 1 });
  const { from = -1, period = 2 } = optionsObject(who, options);
  checkFinite(who, "from", from);
  checkPositive(who, "period", period);
  const n = samples.length;
  const re = Float64Array.from(samples);
  const im = new Float64Array(n);
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
