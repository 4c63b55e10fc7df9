/**
 * Multi-scale target functions on a segment (the NTK-study write-up, Experiment 3): a sum of sines of several
 * frequencies, and a truncated Fourier series of a square wave. Both are periodic with the period of the
 * segment (default [-1, 1), period 2), so on the equally spaced grid of periodicGrid their Fourier
 * components (fourier.ts) are exactly the terms listed here: the fit's error per component can then be
 * read off without any leakage from the target itself.
 */
import {
  checkFinite,
  checkInteger,
  checkNumberList,
  checkPositive,
  describeValue,
  optionsObject,
} from "./validate";

/** A target f(x) = sum_k amplitude_k sin(2 pi frequency_k x / period), with its terms listed. */
export interface SineSeries {
  readonly name: string;
  /** Integer frequencies k (cycles per period), as given. */
  readonly frequencies: readonly number[];
  /** Amplitude of each sine term, same order as frequencies. */
  readonly amplitudes: readonly number[];
  readonly period: number;
  /** f(x). */
  readonly fn: (x: number) => number;
  /** f at every point of xs. */
  readonly at: (xs: ArrayLike<number>) => Float64Array;
}

/** Throws unless value is a SineSeries (from multiSine or squareWaveSeries), naming `who` and `name`. */
export function checkSineSeries(who: string, name: string, value: unknown): asserts value is SineSeries {
  const t = value as Partial<SineSeries> | null;
  if (
    t === null ||
    typeof t !== "object" ||
    !Array.isArray(t.frequencies) ||
    !Array.isArray(t.amplitudes) ||
    typeof t.at !== "function"
  ) {
    throw new Error(
      `${who}: ${name} must be a SineSeries (from multiSine or squareWaveSeries), got ${describeValue(value)}`,
    );
  }
}

/** The argument of sin for frequency k in a name: "πx", "3πx" for period 2, "2π·3x/5" otherwise. */
function angle(k: number | string, period: number): string {
  if (period === 2) return `${k === 1 ? "" : k}πx`;
  return `2π·${k}x/${period}`;
}

function sineSeries(
  name: string,
  frequencies: readonly number[],
  amplitudes: readonly number[],
  period: number,
): SineSeries {
  const fs = Object.freeze([...frequencies]);
  const as = Object.freeze([...amplitudes]);
  const fn = (x: number): number => {
    let s = 0;
    for (let k = 0; k < fs.length; k++) s += as[k] * Math.sin((2 * Math.PI * fs[k] * x) / period);
    return s;
  };
  return Object.freeze({
    name,
    frequencies: fs,
    amplitudes: as,
    period,
    fn,
    at: (xs: ArrayLike<number>) => checkNumberList("SineSeries.at", "xs", xs).map(fn),
  });
}

/**
 * sum_k amplitudes_k sin(2 pi k x / period) over the given integer frequencies k >= 1 (default period 2,
 * so that on [-1, 1] the term of frequency k is sin(pi k x) and makes k full cycles; default amplitudes 1).
 */
export function multiSine(
  frequencies: readonly number[],
  given: { amplitudes?: readonly number[]; period?: number } = {},
): SineSeries {
  const who = "multiSine";
  const options = optionsObject(who, given);
  if (!Array.isArray(frequencies) || frequencies.length < 1) {
    throw new Error(
      `${who}: frequencies must be a non-empty array of integers >= 1, got ${describeValue(frequencies)}`,
    );
  }
  frequencies.forEach((k, i) => checkInteger(who, `frequencies[${i}]`, k, 1));
  if (new Set(frequencies).size !== frequencies.length) {
    throw new Error(`${who}: frequencies must be distinct, got ${frequencies.join(", ")}`);
  }
  const amplitudes = Array.from(
    checkNumberList(who, "amplitudes", options.amplitudes ?? frequencies.map(() => 1), {
      length: frequencies.length,
      lengthRule: " (one per frequency)",
    }),
  );
  const period = options.period ?? 2;
  checkPositive(who, "period", period);
  const terms = frequencies.map((k, i) => {
    const a = amplitudes[i];
    const coefficient = a === 1 ? "" : a === -1 ? "-" : `${a} `;
    return `${coefficient}sin(${angle(k, period)})`;
  });
  return sineSeries(terms.join(" + "), frequencies, amplitudes, period);
}

/**
 * The Fourier series of the square wave sign(sin(2 pi x / period)) truncated after the harmonic
 * maxHarmonic: (4 / pi) sum_{k odd, k <= maxHarmonic} sin(2 pi k x / period) / k. It overshoots near the
 * jumps (Gibbs) and its harmonics fall as 1/k: a target with components at every odd scale.
 */
export function squareWaveSeries(maxHarmonic: number, options: { period?: number } = {}): SineSeries {
  const who = "squareWaveSeries";
  checkInteger(who, "maxHarmonic", maxHarmonic, 1);
  const period = optionsObject(who, options).period ?? 2;
  checkPositive(who, "period", period);
  const frequencies: number[] = [];
  for (let k = 1; k <= maxHarmonic; k += 2) frequencies.push(k);
  const top = frequencies[frequencies.length - 1];
  return sineSeries(
    `(4/π) Σ sin(${angle("k", period)})/k over odd k ≤ ${top}`,
    frequencies,
    frequencies.map((k) => 4 / (Math.PI * k)),
    period,
  );
}

/**
 * n equally spaced points on [from, to) with the right end left out: x_m = from + m (to - from) / n. The
 * grid of one period of a periodic function, on which the discrete Fourier transform is exact for
 * trigonometric polynomials below the Nyquist frequency n / 2 (segmentPoints includes both ends, which
 * would count the same point of the period twice).
 */
export function periodicGrid(n: number, options: { from?: number; to?: number } = {}): Float64Array {
  const who = "periodicGrid";
  checkInteger(who, "n", n, 1);
  const { from = -1, to = 1 } = optionsObject(who, options);
  checkFinite(who, "from", from);
  checkFinite(who, "to", to);
  if (!(to > from)) throw new Error(`${who}: to must be greater than from, got from=${from}, to=${to}`);
  return Float64Array.from({ length: n }, (_, m) => from + ((to - from) * m) / n);
}
