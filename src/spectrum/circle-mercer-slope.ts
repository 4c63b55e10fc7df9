/**
 * The n -> infinity decay slope of a kernel on the unit circle, taken from its Mercer coefficients in
 * frequency order (notebook 03's "Mercer path").
 *
 * The infinite kernel matrix on the circle has eigenvalue a_0 once and a_j twice (cos j t, sin j t), so its
 * spectrum in frequency order is a_0, a_1, a_1, a_2, a_2, ...: rank i holds frequency floor(i / 2), and
 * ranks 30..100 are frequencies 15..50. Unlike mercerRanks (ranked.ts), which sorts the resolved
 * coefficients by value and leaves out each unresolved one wherever it is, the list here keeps frequency
 * order and stops before the first coefficient a_j (j >= 1) that frequencySpectrum flags as vanishing (at
 * most its quadrature tolerance): everything after that frequency is taken as unresolved. The order
 * matters for indefinite kernels (exp(-r^alpha) r^beta, whose a_j are negative), whose decay is fitted on
 * |a_j| (magnitude: true).
 */
import type { Matrix } from "ml-matrix";
import type { PointsInput } from "../kernels/points";
import {
  checkBoolean,
  checkInteger,
  checkOptionKeys,
  describeValue,
  optionsObject,
  renamed,
} from "../validate";
import { decaySlope, type DecaySlope, type SlopeMethod } from "./decay";
import { frequencySpectrum, type FrequencySpectrum } from "./frequency";
import { circleProfile } from "./ranked";

/**
 * The spectrum of the infinite kernel matrix in frequency order, a_0, a_1, a_1, a_2, a_2, ..., a_J, a_J,
 * where J + 1 is the first frequency >= 1 whose coefficient is vanishing (J = maxFrequency when none is):
 * 2 J + 1 values.
 */
export function frequencyOrderedRanks(spectrum: FrequencySpectrum): Float64Array {
  const who = "frequencyOrderedRanks";
  checkSpectrum(who, spectrum);
  const cut = spectrum.vanishing.findIndex((v, j) => j > 0 && v);
  const last = cut === -1 ? spectrum.coefficient.length - 1 : cut - 1;
  const out = new Float64Array(2 * last + 1);
  out[0] = spectrum.coefficient[0];
  for (let j = 1; j <= last; j++) out[2 * j - 1] = out[2 * j] = spectrum.coefficient[j];
  return out;
}

function checkSpectrum(who: string, spectrum: FrequencySpectrum): void {
  const s = spectrum as Partial<FrequencySpectrum> | null;
  const ok =
    s !== null &&
    typeof s === "object" &&
    (Array.isArray(s.coefficient) || ArrayBuffer.isView(s.coefficient)) &&
    Array.isArray(s.vanishing) &&
    s.coefficient.length > 0 &&
    s.vanishing.length === s.coefficient.length;
  if (!ok) {
    throw new Error(
      `${who}: spectrum must be a FrequencySpectrum (from frequencySpectrum) with one vanishing flag per ` +
        `coefficient, got ${describeValue(spectrum)}`,
    );
  }
  const coefficient = (s as FrequencySpectrum).coefficient;
  for (let j = 0; j < coefficient.length; j++) {
    const a = coefficient[j];
    if (!Number.isFinite(a)) throw new Error(`${who}: spectrum.coefficient[${j}] must be finite, got ${a}`);
  }
}

export interface CircleMercerSlopeOptions {
  /** First rank of the window, 1-based (default 30). */
  from?: number;
  /** Last rank of the window (default 100); shortened to the resolved ranks when fewer are resolved. */
  to?: number;
  /** Highest frequency of the quadrature, J in a_0..a_J (default 100, frequencySpectrum's). */
  maxFrequency?: number;
  /** "lsq" (default) or "endpoints", as in decaySlope. */
  method?: SlopeMethod;
  /** Fit |a_j| sorted descending, for indefinite kernels (default false). */
  magnitude?: boolean;
  /**
   * The shortened window must reach at least rank from + minimumSpan, or no slope is fitted (default 10:
   * 11 ranks at least).
   */
  minimumSpan?: number;
}

export interface CircleMercerSlope {
  /**
   * decaySlope of the whole `ranks` list over ranks from..to, so its floor is ranks.length eps times the
   * largest value (a_0, or the largest |a_j| with magnitude), or null when fewer than from + minimumSpan
   * ranks are resolved.
   */
  fit: DecaySlope | null;
  /** The last rank of the window: options.to, or the number of resolved ranks when that is smaller. */
  to: number;
  /** frequencyOrderedRanks(spectrum): a_0, a_1, a_1, ... up to the first unresolved frequency. */
  ranks: Float64Array;
  /** The Mercer coefficients a_0..a_maxFrequency (frequencySpectrum with argument "angle"). */
  spectrum: FrequencySpectrum;
}

const OPTION_KEYS = ["from", "to", "maxFrequency", "method", "magnitude", "minimumSpan"] as const;

/**
 * The decay slope of `kernel` (any kernel of the lab on 2-D points: networkKernel, gammaExponential,
 * extendedLaplace, matern, ...) on the unit circle in the limit n -> infinity: its Mercer coefficients
 * a_0..a_maxFrequency by quadrature in the angle (frequencySpectrum of circleProfile(kernel)), the
 * frequency-ordered spectrum cut at the first unresolved coefficient, and decaySlope over ranks
 * from..to, to shortened to the resolved ranks (result.to says where the window ended).
 */
export function circleMercerSlope(
  kernel: (X: PointsInput, Y?: PointsInput) => Matrix,
  options?: CircleMercerSlopeOptions | null,
): CircleMercerSlope {
  const who = "circleMercerSlope";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, OPTION_KEYS);
  const {
    from = 30,
    to = 100,
    maxFrequency = 100,
    method = "lsq",
    magnitude = false,
    minimumSpan = 10,
  } = opts;
  checkInteger(who, "from", from, 1);
  checkInteger(who, "to", to, from + 1);
  checkInteger(who, "maxFrequency", maxFrequency, 0);
  checkInteger(who, "minimumSpan", minimumSpan, 1);
  if (method !== "lsq" && method !== "endpoints") {
    throw new Error(`${who}: method must be "lsq" or "endpoints", got ${describeValue(method)}`);
  }
  checkBoolean(who, "magnitude", magnitude);
  const kappa = renamed(who, "circleProfile", () => circleProfile(kernel));
  const spectrum = renamed(who, "circleProfile", () =>
    frequencySpectrum(kappa, { maxFrequency, argument: "angle" }),
  );
  const ranks = frequencyOrderedRanks(spectrum);
  const end = Math.min(to, ranks.length);
  if (end < from + minimumSpan) return { fit: null, to: end, ranks, spectrum };
  return { fit: decaySlope(ranks, { from, to: end, magnitude, method }), to: end, ranks, spectrum };
}
