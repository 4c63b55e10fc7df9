/**
 * Spectra per frequency on the circle S^1, where the theory of eigen-decay is stated (Bietti & Mairal 2019,
 * Geifman et al. 2020).
 *
 * Normalization. A dot-product kernel on the unit circle is a function of the angle: k(x, y) = kappa(cos t).
 * Write kappa(cos t) = sum_{j in Z} a_j exp(i j t) = a_0 + 2 sum_{j >= 1} a_j cos(j t), so
 *   a_j = (1 / 2pi) int_0^{2pi} kappa(cos t) cos(j t) dt = (1 / pi) int_0^pi kappa(cos t) cos(j t) dt.
 * a_j is the Mercer eigenvalue of frequency j for the uniform probability measure on the circle, with
 * eigenfunctions cos(j t), sin(j t) (multiplicity 2 for j >= 1).
 * On n equally spaced points t_m = 2 pi m / n the kernel matrix is circulant, and its eigenvalue of
 * frequency j is, exactly, by Poisson summation (aliasing):
 *   lambda_j = sum_m kappa(cos t_m) exp(-i j t_m) = n sum_{l in Z} a_{|j + l n|}  ~  n a_j  for j << n.
 * So matrix eigenvalue / n estimates a_j, and the alias terms are what flattens the decay near the Nyquist
 * frequency n / 2 (measured: -1.45 instead of -2 at n = 200).
 */
import { circulantEigenvalues, type CirculantOptions } from "./circulant";
import { checkFiniteList, type SymmetricInput } from "./symmetric";
import { precisionFloor } from "../numeric";
import { gaussLegendre, type QuadratureRule } from "../special/quadrature";
import { describeValue } from "../validate";
import { checkInteger, optionsObject } from "../validate";

const EPS = Number.EPSILON;

export interface FrequencySpectrum {
  /** Frequencies j = 0..maxFrequency. */
  frequency: Int32Array;
  /** Mercer coefficient a_j (see the module comment for the normalization). */
  coefficient: Float64Array;
  /** Estimated absolute error of each coefficient. */
  error: Float64Array;
  /** |a_j| <= tolerance: zero within what the computation resolves. */
  vanishing: boolean[];
  /** The threshold used for vanishing. */
  tolerance: number;
}

export interface FrequencySpectrumOptions {
  /** Highest frequency computed (default 100). */
  maxFrequency?: number;
  /**
   * What kappa takes: "cosine" (default), u = cos t = x.y; or "angle", t itself. Pass the angle form for
   * kernels of the distance |x - y| = 2 sin(t / 2): near t = 0, 1 - cos t is only known to eps absolute.
   */
  argument?: "cosine" | "angle";
}

/**
 * Gauss-Legendre order of the main rule and of the lower-order companion rule whose difference estimates
 * the discretization error.
 */
const ORDER = 20;
const CHECK_ORDER = 14;
/**
 * Geometric grading toward t = 0 and t = pi, where kernels of the distance or of sqrt(1 - u^2) have
 * algebraic singularities (t^alpha for exp(-r^alpha)): panels shrink by GRADING down to a width of about
 * 1e-15 pi, the classical hp-quadrature remedy (Schwab, p- and hp-Finite Element Methods, 1998, ch. 4).
 */
const GRADING = 0.15;
const SMALLEST_PANEL = 1e-15;
/** cos(j t) is advanced by complex rotation and recomputed exactly this often, bounding error growth. */
const RESEED = 32;

/**
 * Mercer coefficients a_j, j = 0..maxFrequency, of a kernel on the circle, by composite Gauss-Legendre
 * quadrature on [0, pi] with panels at most one period of cos(maxFrequency t) wide and graded toward both
 * ends. The error is not tied to the matrix floor n eps lambda_1: it is about eps times the integral of
 * |kappa|, plus the discretization error (estimated by a 14-point companion rule).
 * vanishing[j] is |a_j| <= tolerance = 10 * (largest estimated error over all j).
 */
export function frequencySpectrum(
  kappa: (x: number) => number,
  options?: FrequencySpectrumOptions | null,
): FrequencySpectrum {
  const who = "frequencySpectrum";
  const { maxFrequency = 100, argument = "cosine" } = optionsObject(who, options);
  if (typeof kappa !== "function")
    throw new Error(`${who}: kappa must be a function, got ${describeValue(kappa)}`);
  checkInteger(who, "maxFrequency", maxFrequency, 0);
  if (argument !== "cosine" && argument !== "angle") {
    throw new Error(`${who}: argument must be "cosine" or "angle", got ${String(argument)}`);
  }
  const f = (t: number): number => {
    const v = argument === "angle" ? kappa(t) : kappa(Math.cos(t));
    if (!Number.isFinite(v)) {
      throw new Error(`${who}: kappa must be finite on the circle; at angle t = ${t} it returned ${v}`);
    }
    return v;
  };
  const panels = gradedPanels(Math.max(16, Math.ceil(maxFrequency / 2)));
  const main = cosineMoments(f, panels, gaussLegendre(ORDER), maxFrequency);
  const check = cosineMoments(f, panels, gaussLegendre(CHECK_ORDER), maxFrequency);
  const count = maxFrequency + 1;
  const error = new Float64Array(count);
  let largest = 0;
  for (let j = 0; j < count; j++) {
    // Rounding in the weighted sum is about eps * sum w |f| per term; 16 covers the cos(j t) rounding too.
    error[j] = Math.abs(main.moments[j] - check.moments[j]) + 16 * EPS * main.absIntegral;
    largest = Math.max(largest, error[j]);
  }
  const tolerance = 10 * largest;
  return {
    frequency: Int32Array.from({ length: count }, (_, j) => j),
    coefficient: main.moments,
    error,
    vanishing: Array.from(main.moments, (a) => Math.abs(a) <= tolerance),
    tolerance,
  };
}

export interface CirculantFrequencySpectrum {
  /** Frequencies j = 0..floor(n / 2). */
  frequency: Int32Array;
  /** Matrix eigenvalue lambda_j of frequency j. */
  eigenvalue: Float64Array;
  /** 1 for j = 0 and j = n / 2, otherwise 2 (cos and sin modes). */
  multiplicity: Int32Array;
  /** lambda_j / n, the estimate of the Mercer coefficient a_j (aliases included). */
  coefficient: Float64Array;
  /** |lambda_j| <= tolerance. */
  vanishing: boolean[];
  /** n eps max|lambda|: the float64 resolution of a matrix eigenvalue. */
  tolerance: number;
}

/**
 * The eigenvalue of each frequency of a kernel matrix on n equally spaced circle points (the circulant
 * path: K must be circulant, see circulantSpectrum).
 */
export function circulantFrequencySpectrum(
  K: SymmetricInput,
  options?: CirculantOptions | null,
): CirculantFrequencySpectrum {
  const who = "circulantFrequencySpectrum";
  const dft = circulantEigenvalues(who, K, optionsObject(who, options).tolerance, "tolerance");
  const n = dft.length;
  const count = Math.floor(n / 2) + 1;
  const eigenvalue = dft.slice(0, count);
  let scale = 0;
  for (const v of eigenvalue) scale = Math.max(scale, Math.abs(v));
  const tolerance = precisionFloor(n, scale);
  return {
    frequency: Int32Array.from({ length: count }, (_, j) => j),
    eigenvalue,
    multiplicity: Int32Array.from({ length: count }, (_, j) => (j === 0 || 2 * j === n ? 1 : 2)),
    coefficient: eigenvalue.map((v) => v / n),
    vanishing: Array.from(eigenvalue, (v) => Math.abs(v) <= tolerance),
    tolerance,
  };
}

/**
 * The circulant-matrix eigenvalues that Mercer coefficients a_0..a_J predict on n equally spaced points,
 * lambda_j = n sum_{l in Z} a_{|j + l n|} for j = 0..floor(n / 2), truncated to the frequencies given
 * (so accurate when a_j beyond J is negligible). Shows the aliasing of high frequencies into low ranks.
 */
export function aliasedEigenvalues(coefficient: ArrayLike<number>, n: number): Float64Array {
  const who = "aliasedEigenvalues";
  checkFiniteList(who, "coefficient", coefficient);
  checkInteger(who, "n", n, 1);
  if (coefficient.length === 0) throw new Error(`${who}: coefficient must hold at least a_0, got length 0`);
  // DFT index (m mod n) receives a_m from frequency +m, and index (-m mod n) receives it from -m.
  const dft = new Float64Array(n);
  for (let m = 0; m < coefficient.length; m++) {
    dft[m % n] += n * coefficient[m];
    if (m > 0) dft[(n - (m % n)) % n] += n * coefficient[m];
  }
  const eigenvalue = dft.slice(0, Math.floor(n / 2) + 1);
  const j = eigenvalue.findIndex((v) => !Number.isFinite(v));
  if (j >= 0) {
    throw new Error(
      `${who}: lambda_${j} (n times the sum of its aliased coefficients) exceeds the largest double ` +
        `(n = ${n}); scale coefficient down`,
    );
  }
  return eigenvalue;
}

/** Panels [lo, hi] covering [0, pi]: `uniform` equal panels, with the two end panels graded geometrically. */
function gradedPanels(uniform: number): Array<[number, number]> {
  const h = Math.PI / uniform;
  const levels = Math.ceil(Math.log(SMALLEST_PANEL) / Math.log(GRADING));
  const panels: Array<[number, number]> = [];
  const edge: number[] = [0];
  for (let l = levels; l >= 1; l--) edge.push(h * GRADING ** l);
  edge.push(h);
  for (let i = 0; i + 1 < edge.length; i++) {
    panels.push([edge[i], edge[i + 1]]);
    panels.push([Math.PI - edge[i + 1], Math.PI - edge[i]]);
  }
  for (let p = 1; p + 1 < uniform; p++) panels.push([p * h, (p + 1) * h]);
  return panels;
}

/**
 * (1/pi) int_0^pi f(t) cos(j t) dt for j = 0..J, and (1/pi) int_0^pi |f|, with the given rule on every
 * panel.
 */
function cosineMoments(
  f: (t: number) => number,
  panels: Array<[number, number]>,
  rule: QuadratureRule,
  J: number,
): { moments: Float64Array; absIntegral: number } {
  const moments = new Float64Array(J + 1);
  let absIntegral = 0;
  for (const [lo, hi] of panels) {
    const half = (hi - lo) / 2;
    const mid = (hi + lo) / 2;
    // From the node nearest 1 down: the summation order the lab's coefficients were computed in.
    for (let q = rule.nodes.length - 1; q >= 0; q--) {
      const t = mid + half * rule.nodes[q];
      const wf = (rule.weights[q] * half * f(t)) / Math.PI;
      absIntegral += Math.abs(wf);
      const c1 = Math.cos(t);
      const s1 = Math.sin(t);
      let c = 1;
      let s = 0;
      for (let j = 0; j <= J; j++) {
        if (j % RESEED === 0) {
          c = Math.cos(j * t);
          s = Math.sin(j * t);
        }
        moments[j] += wf * c;
        const next = c * c1 - s * s1;
        s = s * c1 + c * s1;
        c = next;
      }
    }
  }
  return { moments, absIntegral };
}
