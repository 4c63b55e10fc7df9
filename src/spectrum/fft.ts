/**
 * Discrete Fourier transform X_j = sum_m x_m exp(-2 pi i j m / n) for any length n in O(n log n):
 * iterative radix-2 Cooley-Tukey when n is a power of two, otherwise Bluestein's chirp-z identity
 * jm = (j^2 + m^2 - (j - m)^2) / 2, which turns the DFT into a circular convolution of power-of-two length
 * (Bluestein 1970; Rabiner, Schafer & Rader, "The chirp z-transform algorithm", 1969).
 */

/** In-place DFT of (re, im); both arrays have the same length n >= 1. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new Error(`fft: re and im must have the same length, got ${n} and ${im.length}`);
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) radix2(re, im);
  else bluestein(re, im);
}

function radix2(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    // Twiddles from Math.cos/sin directly (not by repeated multiplication) keep the error at O(eps log n).
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let start = 0; start < n; start += size) {
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

function bluestein(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  // Chirp w_k = exp(-i pi k^2 / n). k^2 is reduced modulo 2n in exact integer arithmetic first, so the
  // angle stays accurate for large k (k^2 < 2^53 for every n this lab can hold in memory).
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (-Math.PI * ((k * k) % (2 * n))) / n;
    cr[k] = Math.cos(angle);
    ci[k] = Math.sin(angle);
  }
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k] * cr[k] - im[k] * ci[k];
    ai[k] = re[k] * ci[k] + im[k] * cr[k];
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = cr[0];
  bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
  radix2(ar, ai);
  radix2(br, bi);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  // Inverse transform as conj(FFT(conj(x))) / m.
  for (let k = 0; k < m; k++) ai[k] = -ai[k];
  radix2(ar, ai);
  for (let k = 0; k < n; k++) {
    const xr = ar[k] / m;
    const xi = -ai[k] / m;
    re[k] = xr * cr[k] - xi * ci[k];
    im[k] = xr * ci[k] + xi * cr[k];
  }
}
