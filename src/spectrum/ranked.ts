/**
 * From eigenvalues per frequency to eigenvalues per rank, the form in which decay slopes are fitted.
 *
 * On the circle the eigenvalue of frequency j belongs to two eigenfunctions, cos(j t) and sin(j t)
 * (one for j = 0, and one for j = n / 2 on n grid points), so the sorted spectrum repeats it: rank i holds
 * frequency about i / 2, or about i when every other frequency vanishes (bias-free ReLU NTK). This module
 * builds that sorted list from per-frequency values (Mercer coefficients by quadrature, circulant matrix
 * eigenvalues, or the aliasing prediction), keeps the frequency of every rank, and fits a decay slope on it
 * with the resolution limit of the computation that produced the values rather than a matrix's n eps lambda_1.
 *
 * Also here: the kernel on the circle as a function of the angle (for frequencySpectrum), and the rank at
 * which a matrix spectrum reaches the float64 floor.
 */
import { decaySlope, type DecaySlope, type SlopeMethod } from "./decay";
import type { FrequencySpectrum } from "./frequency";
import { checkFiniteList } from "./symmetric";
import { precisionFloor } from "../numeric";
import { describeValue } from "../validate";
import { checkInteger, optionsObject } from "../validate";

export interface RankedSpectrum {
  /** The resolved eigenvalues (|value| > tolerance), descending, each repeated by its multiplicity. */
  values: Float64Array;
  /** frequency[r] is the frequency of values[r]. */
  frequency: Int32Array;
  /** Number of ranks the input holds in all (sum of multiplicities), resolved or not. */
  total: number;
  /** Frequencies left out because |value| <= tolerance (zero within the computation's resolution). */
  dropped: number[];
  /** The threshold used. */
  tolerance: number;
  /** What "resolved" meant, for messages. */
  resolution: string;
}

export interface RankOptions {
  /**
   * Multiplicity of each frequency: an array (as CirculantFrequencySpectrum.multiplicity) or a function of
   * j. Default: the circle's, 1 for j = 0 and 2 for j >= 1.
   */
  multiplicity?: ArrayLike<number> | ((j: number) => number);
  /** Values with |value| <= tolerance are left out as unresolved (default 0). */
  tolerance?: number;
}

/**
 * The per-rank spectrum of per-frequency eigenvalues value[j], j = 0, 1, ...: each resolved value repeated
 * by its multiplicity and sorted descending (ties keep the lower frequency first).
 */
export function rankByFrequency(value: ArrayLike<number>, options?: RankOptions | null): RankedSpectrum {
  const who = "rankByFrequency";
  checkFiniteList(who, "value", value);
  const { multiplicity, tolerance = 0 } = optionsObject(who, options);
  if (value.length === 0) throw new Error(`${who}: value must hold at least one frequency, got length 0`);
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new Error(`${who}: tolerance must be a finite number >= 0, got ${tolerance}`);
  }
  if (
    multiplicity !== undefined &&
    typeof multiplicity !== "function" &&
    multiplicity.length !== value.length
  ) {
    throw new Error(
      `${who}: multiplicity must have one entry per frequency (${value.length}), got ${multiplicity.length}`,
    );
  }
  const mult = (j: number): number => {
    const m =
      multiplicity === undefined
        ? j === 0
          ? 1
          : 2
        : typeof multiplicity === "function"
          ? multiplicity(j)
          : multiplicity[j];
    checkInteger(who, `multiplicity of frequency ${j}`, m, 0);
    return m;
  };
  const kept: number[] = [];
  const dropped: number[] = [];
  let total = 0;
  for (let j = 0; j < value.length; j++) {
    total += mult(j);
    if (Math.abs(value[j]) > tolerance) kept.push(j);
    else dropped.push(j);
  }
  kept.sort((a, b) => value[b] - value[a] || a - b);
  const count = kept.reduce((s, j) => s + mult(j), 0);
  const values = new Float64Array(count);
  const frequency = new Int32Array(count);
  let r = 0;
  for (const j of kept) {
    for (let c = 0; c < mult(j); c++, r++) {
      values[r] = value[j];
      frequency[r] = j;
    }
  }
  return { values, frequency, total, dropped, tolerance, resolution: `|value| > ${tolerance}` };
}

/**
 * The circle's per-rank Mercer spectrum from quadrature coefficients. By default a coefficient is resolved
 * when it exceeds the spectrum's vanishing tolerance (10 times the largest error estimate: the test for
 * "zero"). With relativeError r, a coefficient is resolved when its own error estimate is at most r |a_j|,
 * which reaches further down for fast-decaying kernels (the estimate is about 16 eps (1/pi) int |kappa|).
 */
export function mercerRanks(
  spectrum: FrequencySpectrum,
  options?: { relativeError?: number } | null,
): RankedSpectrum {
  const { relativeError } = optionsObject("mercerRanks", options);
  checkFrequencySpectrum("mercerRanks", spectrum);
  if (relativeError === undefined)
    return rankByFrequency(spectrum.coefficient, { tolerance: spectrum.tolerance });
  checkRelativeError("mercerRanks", relativeError);
  const kept = spectrum.coefficient.map((a, j) => (resolvedCoefficient(spectrum, j, relativeError) ? a : 0));
  return {
    ...rankByFrequency(kept, { tolerance: 0 }),
    resolution: `estimated quadrature error <= ${relativeError} |a_j|`,
  };
}

/** Checks that spectrum is a FrequencySpectrum: finite coefficients and errors of one length, a tolerance. */
function checkFrequencySpectrum(who: string, spectrum: FrequencySpectrum): void {
  const s = spectrum as Partial<FrequencySpectrum> | null;
  if (
    s === null ||
    typeof s !== "object" ||
    !isList(s.coefficient) ||
    !isList(s.error) ||
    s.coefficient.length === 0 ||
    s.error.length !== s.coefficient.length ||
    typeof s.tolerance !== "number"
  ) {
    throw new Error(
      `${who}: spectrum must be a FrequencySpectrum (from frequencySpectrum), got ${describeValue(spectrum)}`,
    );
  }
  checkFiniteList(who, "spectrum.coefficient", s.coefficient);
  checkFiniteList(who, "spectrum.error", s.error);
}

/** Checks that ranked is a RankedSpectrum: finite values with their frequencies, a total, a resolution. */
function checkRankedSpectrum(who: string, ranked: RankedSpectrum): void {
  const r = ranked as Partial<RankedSpectrum> | null;
  if (
    r === null ||
    typeof r !== "object" ||
    !isList(r.values) ||
    !isList(r.frequency) ||
    r.frequency.length !== r.values.length ||
    !Number.isInteger(r.total) ||
    typeof r.tolerance !== "number" ||
    typeof r.resolution !== "string"
  ) {
    throw new Error(
      `${who}: ranked must be a RankedSpectrum (from rankByFrequency or mercerRanks), got ${describeValue(ranked)}`,
    );
  }
  checkFiniteList(who, "ranked.values", r.values);
}

function isList(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

function checkRelativeError(who: string, relativeError: number): void {
  if (!(Number.isFinite(relativeError) && relativeError > 0 && relativeError < 1)) {
    throw new Error(`${who}: relativeError must be a number in (0, 1), got ${relativeError}`);
  }
}

function resolvedCoefficient(spectrum: FrequencySpectrum, j: number, relativeError: number): boolean {
  const a = spectrum.coefficient[j];
  return a > 0 && spectrum.error[j] <= relativeError * a;
}

/**
 * The local decay exponent of the Mercer coefficients between two frequencies,
 * log(a_to / a_from) / log(to / from), or null unless both are positive and resolved (estimated error at
 * most relativeError |a_j|, default 0.1). A power law a_j ~ C j^-p gives -p for every pair; a kernel that
 * decays faster than any power gives ever steeper values.
 */
export function localExponent(
  spectrum: FrequencySpectrum,
  from: number,
  to: number,
  options?: { relativeError?: number } | null,
): number | null {
  const who = "localExponent";
  const { relativeError = 0.1 } = optionsObject(who, options);
  checkFrequencySpectrum(who, spectrum);
  const J = spectrum.coefficient.length - 1;
  checkInteger(who, "from", from, 1, J);
  checkInteger(who, "to", to, from + 1, J);
  checkRelativeError(who, relativeError);
  if (
    !resolvedCoefficient(spectrum, from, relativeError) ||
    !resolvedCoefficient(spectrum, to, relativeError)
  )
    return null;
  return Math.log(spectrum.coefficient[to] / spectrum.coefficient[from]) / Math.log(to / from);
}

/**
 * The frequencies j in minFrequency..maxFrequency (default 0..J, every one computed) whose Mercer
 * coefficient is positive and resolved, its estimated error at most relativeError a_j (default 0.1, as
 * localExponent and mercerRanks), ascending. These are the coefficients a figure of a_j against j can draw.
 */
export function resolvedFrequencies(
  spectrum: FrequencySpectrum,
  options?: { relativeError?: number; minFrequency?: number; maxFrequency?: number } | null,
): number[] {
  const who = "resolvedFrequencies";
  const opts = optionsObject(who, options);
  checkFrequencySpectrum(who, spectrum);
  const J = spectrum.coefficient.length - 1;
  const { relativeError = 0.1, minFrequency = 0, maxFrequency = J } = opts;
  checkRelativeError(who, relativeError);
  checkInteger(who, "minFrequency", minFrequency, 0, J);
  checkInteger(who, "maxFrequency", maxFrequency, minFrequency, J);
  const resolved: number[] = [];
  for (let j = minFrequency; j <= maxFrequency; j++) {
    if (resolvedCoefficient(spectrum, j, relativeError)) resolved.push(j);
  }
  return resolved;
}

/**
 * Decay slope of a per-rank spectrum over ranks from..to. Unlike decaySlope on a matrix spectrum, the
 * resolution limit is the spectrum's own tolerance: when the window reaches past the resolved ranks the
 * result is not meaningful, with the reason. A window past every rank the input holds is an Error.
 */
export function rankedDecaySlope(
  ranked: RankedSpectrum,
  options?: { from?: number; to?: number; method?: SlopeMethod } | null,
): DecaySlope {
  const who = "rankedDecaySlope";
  const { from = 30, to = 100, method = "lsq" } = optionsObject(who, options);
  checkRankedSpectrum(who, ranked);
  if (method !== "lsq" && method !== "endpoints") {
    throw new Error(`${who}: method must be "lsq" or "endpoints", got ${String(method)}`);
  }
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to <= from || to > ranked.total) {
    throw new Error(
      `${who}: window from=${from}, to=${to} must be integers with 1 <= from < to <= ${ranked.total} ` +
        `(the ranks the spectrum holds)`,
    );
  }
  const resolved = ranked.values.length;
  if (to > resolved) {
    const last =
      resolved > 0
        ? `the last, of frequency ${ranked.frequency[resolved - 1]}, is ${ranked.values[resolved - 1]}`
        : "none";
    return {
      slope: null,
      intercept: null,
      r2: null,
      from,
      to,
      method,
      meaningful: false,
      reason:
        `only ${resolved} ranks are resolved (${ranked.resolution}; ${last}): the window ` +
        `${from}..${to} reaches values that are zero within the computation's resolution`,
      floor: ranked.tolerance,
      magnitude: false,
    };
  }
  return decaySlope(ranked.values.subarray(0, to), { from, to, method });
}

/**
 * The first rank i (1-based) with lambda_i <= n eps lambda_1, where a descending matrix spectrum reaches the
 * float64 resolution floor, or null when every eigenvalue given lies above it. n defaults to the number of
 * eigenvalues given; pass the matrix size for a top-k subset.
 */
export function precisionRank(eigenvalues: ArrayLike<number>, n: number = eigenvalues.length): number | null {
  const who = "precisionRank";
  checkFiniteList(who, "eigenvalues", eigenvalues);
  if (eigenvalues.length === 0) throw new Error(`${who}: eigenvalues must not be empty`);
  checkInteger(who, "n", n, eigenvalues.length);
  const floor = precisionFloor(n, eigenvalues[0]);
  for (let i = 0; i < eigenvalues.length; i++) if (!(eigenvalues[i] > floor)) return i + 1;
  return null;
}

/**
 * A kernel on the unit circle as a function of the angle t between the two points,
 * t -> k((1, 0), (cos t, sin t)), for frequencySpectrum(..., { argument: "angle" }). `kernel` is any
 * (X, Y) -> matrix function of the lab (ntk with an architecture, laplaceKernel, ...).
 */
export function circleProfile(
  kernel: (X: number[][], Y: number[][]) => { get(i: number, j: number): number },
): (t: number) => number {
  if (typeof kernel !== "function") {
    throw new Error(
      `circleProfile: kernel must be a function (X, Y) -> matrix, got ${describeValue(kernel)}`,
    );
  }
  const origin = [[1, 0]];
  return (t) => {
    const K: unknown = kernel(origin, [[Math.cos(t), Math.sin(t)]]);
    const get = (K as { get?: unknown } | null)?.get;
    if (typeof get !== "function") {
      throw new Error(`circleProfile: kernel must return a matrix (with get(i, j)), got ${describeValue(K)}`);
    }
    const v: unknown = get.call(K, 0, 0);
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(
        `circleProfile: kernel must return finite values; at angle t = ${t}, ` +
          `kernel([[1, 0]], [[cos t, sin t]]) is ${describeValue(v)}`,
      );
    }
    return v;
  };
}

/** One row of a table of decay slopes (data/02-decay-slopes.csv). */
export interface SlopeRow {
  kernel: string;
  inputs: string;
  /** Number of points, or null for a spectrum of the kernel itself (Mercer coefficients). */
  n: number | null;
  method: SlopeMethod;
  /** Rounded slope, or null when the window is not resolved. */
  slope: number | null;
  meaningful: boolean;
  /** The theory's rank slope, or null when it predicts no power law. */
  theory: number | null;
}

/** Table rows for fitted slopes (one per fit), slopes rounded to `digits` decimals (default 3). */
export function slopeRows(
  label: { kernel: string; inputs: string; n: number | null; theory: number | null },
  fits: readonly DecaySlope[],
  options?: { digits?: number } | null,
): SlopeRow[] {
  const who = "slopeRows";
  const { digits = 3 } = optionsObject(who, options);
  if (label === null || typeof label !== "object") {
    throw new Error(
      `${who}: label must be an object { kernel, inputs, n, theory }, got ${describeValue(label)}`,
    );
  }
  for (const key of ["kernel", "inputs"] as const) {
    if (typeof label[key] !== "string") {
      throw new Error(`${who}: label.${key} must be a string, got ${describeValue(label[key])}`);
    }
  }
  for (const key of ["n", "theory"] as const) {
    if (label[key] !== null && !Number.isFinite(label[key])) {
      throw new Error(
        `${who}: label.${key} must be a finite number or null, got ${describeValue(label[key])}`,
      );
    }
  }
  const fit = "a DecaySlope (from decaySlope or rankedDecaySlope)";
  if (!Array.isArray(fits) || fits.length === 0) {
    throw new Error(`${who}: fits must be a non-empty array, each ${fit}, got ${describeValue(fits)}`);
  }
  fits.forEach((f: unknown, i) => {
    const { slope, method, meaningful } = (f ?? {}) as Partial<DecaySlope>;
    if (
      typeof f !== "object" ||
      (slope !== null && typeof slope !== "number") ||
      typeof method !== "string" ||
      typeof meaningful !== "boolean"
    ) {
      throw new Error(`${who}: fits[${i}] must be ${fit}, got ${describeValue(f)}`);
    }
  });
  checkInteger(who, "digits", digits, 0, 15);
  const scale = 10 ** digits;
  return fits.map((fit) => ({
    kernel: label.kernel,
    inputs: label.inputs,
    n: label.n,
    method: fit.method,
    slope: fit.slope === null ? null : Math.round(fit.slope * scale) / scale,
    meaningful: fit.meaningful,
    theory: label.theory,
  }));
}
