/**
 * The computations of the eigen-decay study (notebook 02) that its figures and tables are made of:
 *
 * - matrixDecaySlopes, mercerDecaySlopes: the study's two slopes (least squares and endpoints) over one
 *   rank window, of a matrix spectrum (float64 floor n eps lambda_1) or of a per-rank Mercer spectrum (its
 *   own resolution); findSlope looks one up in the slope table (SlopeRow[]); mercerWindowSlopes and
 *   localExponents: the Mercer spectrum's slope over several rank windows, its local exponents between
 *   frequency pairs;
 * - spectrumAboveFloor: a sorted matrix spectrum down to the float64 floor, as (rank, value) points;
 * - referenceLine: a power law x^slope through an anchor point, for dashed theory lines;
 * - matrixAgainstQuadrature: the eigenvalue of each frequency on the circle from the circulant matrix
 *   (lambda_j / n) and from the Mercer coefficients a_j by quadrature, each where resolved;
 * - gridAliasing: what aliasing does to the decay slope on n equally spaced circle points, the matrix
 *   against the Poisson sum lambda_j = n sum_l a_|j + l n| and against n a_j without it.
 *
 * Ranks are 1-based; frequencies j = 0, 1, ...; on the circle frequency j >= 1 has multiplicity 2.
 */
import { aliasedEigenvaluesWithTail } from "../spectrum/alias-tail";
import { decaySlope, type DecaySlope } from "../spectrum/decay";
import type { CirculantFrequencySpectrum, FrequencySpectrum } from "../spectrum/frequency";
import {
  localExponent,
  precisionRank,
  rankByFrequency,
  rankedDecaySlope,
  resolvedFrequencies,
  type RankedSpectrum,
  type SlopeRow,
} from "../spectrum/ranked";
import { aliasedEigenvalues } from "../spectrum/frequency";
import { checkFiniteList } from "../spectrum/symmetric";
import {
  checkInRange,
  checkInteger,
  checkNumberList,
  describeValue,
  optionsObject,
  renamed,
  requiredObject,
} from "../validate";

/** A rank window from..to (1-based, inclusive). */
export interface RankWindow {
  from: number;
  to: number;
}

/**
 * decaySlope of a descending matrix spectrum (eigenvalues) over window.from..window.to by both methods,
 * [lsq, endpoints]; window.n is the matrix size for the floor n eps lambda_1 (pass it for a top-k subset).
 */
export function matrixDecaySlopes(
  eigenvalues: ArrayLike<number>,
  window: RankWindow & { n: number },
): DecaySlope[] {
  const who = "matrixDecaySlopes";
  const { from, to, n } = requiredObject(who, "window", window, "{ from, to, n }");
  checkWindow(who, from, to);
  checkInteger(who, "n", n, 1);
  return (["lsq", "endpoints"] as const).map((method) =>
    renamed(who, "decaySlope", () => decaySlope(eigenvalues, { from, to, method, n })),
  );
}

/** rankedDecaySlope of a per-rank spectrum (mercerRanks, rankByFrequency) by both methods, [lsq, endpoints]. */
export function mercerDecaySlopes(ranked: RankedSpectrum, window: RankWindow): DecaySlope[] {
  const who = "mercerDecaySlopes";
  const { from, to } = requiredObject(who, "window", window, "{ from, to }");
  checkWindow(who, from, to);
  return (["lsq", "endpoints"] as const).map((method) =>
    renamed(who, "rankedDecaySlope", () => rankedDecaySlope(ranked, { from, to, method })),
  );
}

/** from and to given, integers with 1 <= from < to (the functions called check the upper end). */
function checkWindow(who: string, from: number, to: number): void {
  checkInteger(who, "from", from, 1);
  if (!(Number.isInteger(to) && to > from)) {
    throw new Error(`${who}: to must be an integer > from (${from}), got ${describeValue(to)}`);
  }
}

/**
 * The slope of the row of `rows` (slopeRows output) with this kernel, inputs, n (null for a Mercer row) and
 * method ("lsq" when left out): a number, or null where the window was not resolved. Throws when no row
 * matches.
 */
export function findSlope(
  rows: readonly SlopeRow[],
  which: { kernel: string; inputs: string; n: number | null; method?: string },
): number | null {
  const who = "findSlope";
  if (!Array.isArray(rows)) {
    throw new Error(`${who}: rows must be an array of SlopeRow (from slopeRows), got ${describeValue(rows)}`);
  }
  rows.forEach((r: unknown, i) => {
    const row = r as Partial<SlopeRow> | null;
    if (row === null || typeof row !== "object" || typeof row.kernel !== "string") {
      throw new Error(`${who}: rows[${i}] must be a SlopeRow (from slopeRows), got ${describeValue(r)}`);
    }
  });
  const w = requiredObject(who, "which", which, "{ kernel, inputs, n, method? }");
  const { kernel, inputs, n, method = "lsq" } = w;
  for (const [name, v] of [
    ["kernel", kernel],
    ["inputs", inputs],
  ] as const) {
    if (typeof v !== "string") throw new Error(`${who}: ${name} must be a string, got ${describeValue(v)}`);
  }
  if (n !== null && typeof n !== "number") {
    throw new Error(`${who}: n must be a number of points or null (Mercer rows), got ${describeValue(n)}`);
  }
  if (method !== "lsq" && method !== "endpoints") {
    throw new Error(`${who}: method must be "lsq" or "endpoints", got ${describeValue(method)}`);
  }
  const row = rows.find(
    (r) => r.kernel === kernel && r.inputs === inputs && r.n === n && r.method === method,
  );
  if (row === undefined) {
    throw new Error(
      `${who}: rows must hold a row with kernel ${describeValue(kernel)}, inputs ${describeValue(inputs)}, ` +
        `n ${describeValue(n)} and method ${describeValue(method)}; none of the ${rows.length} rows does`,
    );
  }
  return row.slope;
}

/**
 * The least-squares rank slope of a per-rank spectrum (mercerRanks) over each window [from, to] of
 * `windows`, rounded to options.digits decimals (default 3), or null where the window reaches unresolved
 * values (rankedDecaySlope's rule). One value per window, in order.
 */
export function mercerWindowSlopes(
  ranked: RankedSpectrum,
  windows: readonly (readonly number[])[],
  options?: { digits?: number } | null,
): (number | null)[] {
  const who = "mercerWindowSlopes";
  const { digits = 3 } = optionsObject(who, options);
  checkInteger(who, "digits", digits, 0, 15);
  if (!Array.isArray(windows) || windows.length === 0) {
    throw new Error(
      `${who}: windows must be a non-empty array of [from, to] pairs, got ${describeValue(windows)}`,
    );
  }
  return windows.map((w: unknown, i) => {
    if (!Array.isArray(w) || w.length !== 2) {
      throw new Error(`${who}: windows[${i}] must be a pair [from, to], got ${describeValue(w)}`);
    }
    const [from, to] = w as [number, number];
    return inItem(who, `windows[${i}]`, () => {
      checkWindow(who, from, to);
      const fit = renamed(who, "rankedDecaySlope", () => rankedDecaySlope(ranked, { from, to }));
      return rounded(fit.slope, digits);
    });
  });
}

/**
 * The local exponents log(a_to / a_from) / log(to / from) of Mercer coefficients (localExponent) for each
 * frequency pair [from, to] of `pairs`, rounded to options.digits decimals (default 2), or null where a
 * coefficient is not positive and resolved (estimated error at most options.relativeError a_j, default 0.1).
 */
export function localExponents(
  spectrum: FrequencySpectrum,
  pairs: readonly (readonly number[])[],
  options?: { relativeError?: number; digits?: number } | null,
): (number | null)[] {
  const who = "localExponents";
  const { relativeError = 0.1, digits = 2 } = optionsObject(who, options);
  checkInteger(who, "digits", digits, 0, 15);
  if (!Array.isArray(pairs) || pairs.length === 0) {
    throw new Error(
      `${who}: pairs must be a non-empty array of [from, to] frequencies, got ${describeValue(pairs)}`,
    );
  }
  return pairs.map((p: unknown, i) => {
    if (!Array.isArray(p) || p.length !== 2) {
      throw new Error(`${who}: pairs[${i}] must be a pair [from, to], got ${describeValue(p)}`);
    }
    const [from, to] = p as [number, number];
    return inItem(who, `pairs[${i}]`, () => {
      const exponent = renamed(who, "localExponent", () =>
        localExponent(spectrum, from, to, { relativeError }),
      );
      return rounded(exponent, digits);
    });
  });
}

/** f(), with an Error of `who` saying which item of a list it is about: "who: windows[1]: ...". */
function inItem<T>(who: string, item: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${who}: `)) {
      throw new Error(`${who}: ${item}: ${e.message.slice(who.length + 2)}`);
    }
    throw e;
  }
}

/** x rounded to `digits` decimals, null kept. */
function rounded(x: number | null, digits: number): number | null {
  const scale = 10 ** digits;
  return x === null ? null : Math.round(x * scale) / scale;
}

/** A point of a sorted spectrum: rank i (1-based) and lambda_i divided by a scale. */
export interface RankPoint {
  rank: number;
  value: number;
}

export interface SpectrumAboveFloor {
  /** (i, lambda_i / divideBy) for the ranks i before floorRank (all ranks when it is null). */
  points: RankPoint[];
  /** precisionRank(values, n): the first rank with lambda_i <= n eps lambda_1, or null. */
  floorRank: number | null;
}

/**
 * A descending matrix spectrum (values, of an n x n matrix: n defaults to values.length, pass it for a top-k
 * subset) as points down to the float64 floor n eps lambda_1: below it only rounding noise, not drawn.
 * options.divideBy (default lambda_1, values[0]): the scale of the values, a finite number != 0.
 */
export function spectrumAboveFloor(
  values: ArrayLike<number>,
  options?: { n?: number; divideBy?: number } | null,
): SpectrumAboveFloor {
  const who = "spectrumAboveFloor";
  checkFiniteList(who, "values", values);
  if (values.length === 0) throw new Error(`${who}: values must not be empty`);
  const { n = values.length, divideBy = values[0] } = optionsObject(who, options);
  checkInteger(who, "n", n, values.length);
  if (!(typeof divideBy === "number" && Number.isFinite(divideBy) && divideBy !== 0)) {
    throw new Error(`${who}: divideBy must be a finite number other than 0, got ${describeValue(divideBy)}`);
  }
  const floorRank = renamed(who, "precisionRank", () => precisionRank(values, n));
  const last = floorRank === null ? values.length : floorRank - 1;
  const points: RankPoint[] = [];
  for (let i = 0; i < last; i++) points.push({ rank: i + 1, value: values[i] / divideBy });
  return { points, floorRank };
}

/**
 * The power law y = factor y0 (x / x0)^slope at each x of xs: a reference line through (x0, factor y0),
 * drawn `factor` times (default 1) above the anchor (x0, y0) so that it does not hide the data. x0, y0 and
 * every x finite and > 0; slope and factor finite.
 */
export function referenceLine(
  anchor: { x: number; y: number },
  slope: number,
  xs: readonly number[],
  options?: { factor?: number } | null,
): { x: number; value: number }[] {
  const who = "referenceLine";
  const { x: x0, y: y0 } = requiredObject(who, "anchor", anchor, "{ x, y }");
  for (const [name, v] of [
    ["anchor.x", x0],
    ["anchor.y", y0],
  ] as const) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new Error(`${who}: ${name} must be a finite number > 0, got ${describeValue(v)}`);
    }
  }
  const { factor = 1 } = optionsObject(who, options);
  for (const [name, v] of [
    ["slope", slope],
    ["factor", factor],
  ] as const) {
    if (!(typeof v === "number" && Number.isFinite(v))) {
      throw new Error(`${who}: ${name} must be a finite number, got ${describeValue(v)}`);
    }
  }
  const list = checkNumberList(who, "xs", xs, { min: 1 });
  const bad = list.findIndex((x) => !(x > 0));
  if (bad >= 0) throw new Error(`${who}: xs[${bad}] must be > 0, got ${list[bad]}`);
  const line = Array.from(list, (x) => ({ x, value: factor * y0 * (x / x0) ** slope }));
  const over = line.findIndex((p) => !Number.isFinite(p.value));
  if (over >= 0) {
    throw new Error(
      `${who}: factor y0 (x / x0)^slope must be finite; at xs[${over}] = ${list[over]} it is ` +
        `${line[over].value} (anchor (${x0}, ${y0}), slope ${slope}, factor ${factor})`,
    );
  }
  return line;
}

/** Frequencies and values of a per-frequency spectrum where it is resolved. */
export interface ResolvedSeries {
  /** Ascending frequencies j >= 1. */
  frequency: number[];
  /** The eigenvalue of each, divided by MatrixAgainstQuadrature.top. */
  value: number[];
  /** The highest frequency resolved, 0 when none is. */
  reach: number;
}

export interface MatrixAgainstQuadrature {
  /** max_j a_j over the quadrature coefficients, the scale of every value here. */
  top: number;
  /** lambda_j / n for j = 1..min(maxFrequency, floor(n / 2)) where lambda_j > n eps max|lambda|. */
  matrix: ResolvedSeries;
  /** a_j for j = 1..maxFrequency where a_j > 0 and its estimated error <= relativeError a_j. */
  quadrature: ResolvedSeries;
  /** The matrix floor n eps max|lambda| / n, divided by top. */
  matrixFloor: number;
  /** The median estimated quadrature error (the upper one of an even count), divided by top. */
  quadratureError: number;
}

/**
 * The eigenvalue of each frequency on the circle two ways: from the circulant spectrum of the kernel
 * matrix on n equally spaced points (circulantFrequencySpectrum; its lambda_j / n, aliases included) and
 * from the kernel's Mercer coefficients a_j by quadrature (frequencySpectrum), each on the frequencies
 * where its computation resolves it. options.n: the matrix size (floor(n / 2) + 1 frequencies);
 * maxFrequency: an integer in [1, J] (J: the quadrature's highest frequency); relativeError in (0, 1).
 */
export function matrixAgainstQuadrature(
  matrix: CirculantFrequencySpectrum,
  spectrum: FrequencySpectrum,
  options: { n: number; maxFrequency: number; relativeError: number },
): MatrixAgainstQuadrature {
  const who = "matrixAgainstQuadrature";
  const { n, maxFrequency, relativeError } = requiredObject(
    who,
    "options",
    options,
    "{ n, maxFrequency, relativeError }",
  );
  checkCirculant(who, matrix, n);
  checkQuadrature(who, spectrum);
  checkInteger(who, "maxFrequency", maxFrequency, 1, spectrum.coefficient.length - 1);
  checkInRange(who, "relativeError", relativeError, 0, 1, { hiInclusive: false });
  let top = 0;
  for (const v of spectrum.coefficient) top = Math.max(top, v);
  if (!(top > 0))
    throw new Error(`${who}: spectrum must have a positive coefficient, got max_j a_j = ${top}`);
  const matrixSeries: ResolvedSeries = { frequency: [], value: [], reach: 0 };
  for (let j = 1; j <= Math.min(maxFrequency, Math.floor(n / 2)); j++) {
    if (matrix.coefficient[j] > matrix.tolerance / n) {
      matrixSeries.frequency.push(j);
      matrixSeries.value.push(matrix.coefficient[j] / top);
      matrixSeries.reach = j;
    }
  }
  const resolved = renamed(who, "resolvedFrequencies", () =>
    resolvedFrequencies(spectrum, { relativeError, minFrequency: 1, maxFrequency }),
  );
  const quadrature: ResolvedSeries = {
    frequency: resolved,
    value: resolved.map((j) => spectrum.coefficient[j] / top),
    reach: resolved.length > 0 ? resolved[resolved.length - 1] : 0,
  };
  const errors = Array.from(spectrum.error).sort((x, y) => x - y);
  return {
    top,
    matrix: matrixSeries,
    quadrature,
    matrixFloor: matrix.tolerance / n / top,
    quadratureError: errors[errors.length >> 1] / top,
  };
}

/** One frequency of the aliasing figure: the eigenvalue over n a_j, from the matrix and from the Poisson sum. */
export interface AliasingRatio {
  frequency: number;
  /** lambda_j / (n a_j): 1 without aliasing. */
  matrix: number;
  /** The Poisson sum with its power-law tail over n a_j, sum_l a_|j + l n| / a_j. */
  aliasing: number;
}

/** The decay slopes on a grid with and without aliasing (slopes rounded to 3 decimals, null: unresolved). */
export interface GridAliasing {
  /** n / 2. */
  nyquist: number;
  /** The frequencies of ranks window.from and window.to of the matrix spectrum. */
  frequencyAtFrom: number;
  frequencyAtTo: number;
  /** Least-squares slope over the window of the matrix spectrum. */
  matrix: number | null;
  /** The same of the aliasing prediction (aliasedEigenvaluesWithTail). */
  aliasingPrediction: number | null;
  /** The same of n a_j on the matrix's frequencies, no alias terms. */
  withoutAliasing: number | null;
  /** max_j |prediction_j - lambda_j| / lambda_j over the non-vanishing frequencies, 2 significant digits. */
  maxRelativeDifference: number;
  /** The same for the prediction without the tail beyond the computed frequencies (aliasedEigenvalues). */
  withoutTail: number;
  /** Every non-vanishing frequency j >= 1. */
  ratios: AliasingRatio[];
  /** |lambda_j| / lambda_0 at the vanishing frequencies j >= 1 (rounding noise), ascending in j. */
  noise: number[];
  /** The largest matrix ratio lambda_j / (n a_j) at frequencies up to frequencyAtTo. */
  windowMaxRatio: number;
}

/**
 * Aliasing on n equally spaced circle points: the circulant spectrum `matrix` of a kernel's matrix there
 * (circulantFrequencySpectrum) against its Mercer coefficients `spectrum` (frequencySpectrum), through the
 * Poisson sum lambda_j = n sum_l a_|j + l n| with a power-law tail a_m ~ C m^-exponent beyond the
 * computed frequencies, and through n a_j without alias terms; the least-squares slope of each over the
 * rank window. options.n: the matrix size; exponent > 1 (the theory's frequency exponent p); from < to
 * ranks (1-based) within the n the matrix holds. Throws when a frequency the matrix resolves has a_j = 0.
 */
export function gridAliasing(
  matrix: CirculantFrequencySpectrum,
  spectrum: FrequencySpectrum,
  options: { n: number; exponent: number; from: number; to: number },
): GridAliasing {
  const who = "gridAliasing";
  const { n, exponent, from, to } = requiredObject(who, "options", options, "{ n, exponent, from, to }");
  checkCirculant(who, matrix, n);
  checkWindow(who, from, to);
  checkQuadrature(who, spectrum);
  const a = spectrum.coefficient;
  if (a.length - 1 < Math.floor(n / 2)) {
    throw new Error(
      `${who}: spectrum must reach the Nyquist frequency floor(n / 2) = ${Math.floor(n / 2)}, ` +
        `got frequencies up to ${a.length - 1}`,
    );
  }
  const rankOptions = { multiplicity: matrix.multiplicity, tolerance: matrix.tolerance };
  const rank = (values: ArrayLike<number>) =>
    renamed(who, "rankByFrequency", () => rankByFrequency(values, rankOptions));
  const slope = (ranked: RankedSpectrum) => {
    const fit = renamed(who, "rankedDecaySlope", () => rankedDecaySlope(ranked, { from, to }));
    return rounded(fit.slope, 3);
  };
  const byRank = rank(matrix.eigenvalue);
  if (!(to <= byRank.values.length)) {
    throw new Error(
      `${who}: to must be at most the ${byRank.values.length} ranks the matrix resolves, got ${to}`,
    );
  }
  const truncated = renamed(who, "aliasedEigenvalues", () => aliasedEigenvalues(a, n));
  const predicted = renamed(
    who,
    "aliasedEigenvaluesWithTail",
    () => aliasedEigenvaluesWithTail(a, n, { exponent }).eigenvalue,
  );
  const unaliased = Array.from(matrix.frequency, (j) => n * a[j]);
  let worst = 0;
  let worstTruncated = 0;
  for (let j = 0; j < matrix.eigenvalue.length; j++) {
    if (matrix.vanishing[j]) continue;
    worst = Math.max(worst, Math.abs(predicted[j] - matrix.eigenvalue[j]) / matrix.eigenvalue[j]);
    worstTruncated = Math.max(
      worstTruncated,
      Math.abs(truncated[j] - matrix.eigenvalue[j]) / matrix.eigenvalue[j],
    );
  }
  const ratios: AliasingRatio[] = [];
  const noise: number[] = [];
  for (let j = 1; j < matrix.eigenvalue.length; j++) {
    if (matrix.vanishing[j]) {
      noise.push(Math.abs(matrix.eigenvalue[j]) / matrix.eigenvalue[0]);
      continue;
    }
    if (!(a[j] !== 0)) {
      throw new Error(
        `${who}: spectrum has a_${j} = 0 where the matrix resolves lambda_${j} = ${matrix.eigenvalue[j]}`,
      );
    }
    ratios.push({
      frequency: j,
      matrix: matrix.eigenvalue[j] / (n * a[j]),
      aliasing: predicted[j] / (n * a[j]),
    });
  }
  const frequencyAtTo = byRank.frequency[to - 1];
  return {
    nyquist: n / 2,
    frequencyAtFrom: byRank.frequency[from - 1],
    frequencyAtTo,
    matrix: slope(byRank),
    aliasingPrediction: slope(rank(predicted)),
    withoutAliasing: slope(rank(unaliased)),
    maxRelativeDifference: Number(worst.toPrecision(2)),
    withoutTail: Number(worstTruncated.toPrecision(2)),
    ratios,
    noise,
    windowMaxRatio: Math.max(...ratios.filter((r) => r.frequency <= frequencyAtTo).map((r) => r.matrix)),
  };
}

/** Checks that matrix is a CirculantFrequencySpectrum of an n x n matrix (floor(n / 2) + 1 frequencies). */
function checkCirculant(who: string, matrix: CirculantFrequencySpectrum, n: number): void {
  checkInteger(who, "n", n, 2);
  const m = matrix as Partial<CirculantFrequencySpectrum> | null;
  if (
    m === null ||
    typeof m !== "object" ||
    !ArrayBuffer.isView(m.eigenvalue) ||
    !ArrayBuffer.isView(m.coefficient) ||
    !ArrayBuffer.isView(m.frequency) ||
    !ArrayBuffer.isView(m.multiplicity) ||
    !Array.isArray(m.vanishing) ||
    typeof m.tolerance !== "number"
  ) {
    throw new Error(
      `${who}: matrix must be a CirculantFrequencySpectrum (from circulantFrequencySpectrum), ` +
        `got ${describeValue(matrix)}`,
    );
  }
  if (m.eigenvalue.length !== Math.floor(n / 2) + 1) {
    throw new Error(
      `${who}: n must be the size of the matrix whose spectrum is given (${m.eigenvalue.length} frequencies: ` +
        `n = ${2 * m.eigenvalue.length - 2} or ${2 * m.eigenvalue.length - 1}), got ${n}`,
    );
  }
  checkFiniteList(who, "matrix.eigenvalue", m.eigenvalue);
}

/** Checks that spectrum is a FrequencySpectrum: coefficients and errors of one length. */
function checkQuadrature(who: string, spectrum: FrequencySpectrum): void {
  const s = spectrum as Partial<FrequencySpectrum> | null;
  if (
    s === null ||
    typeof s !== "object" ||
    !ArrayBuffer.isView(s.coefficient) ||
    !ArrayBuffer.isView(s.error) ||
    s.coefficient.length === 0 ||
    s.error.length !== s.coefficient.length
  ) {
    throw new Error(
      `${who}: spectrum must be a FrequencySpectrum (from frequencySpectrum), got ${describeValue(spectrum)}`,
    );
  }
  checkFiniteList(who, "spectrum.coefficient", s.coefficient);
}
