/**
 * Spectra on the boolean cube {-1, 1}^d (Yang & Salman 2019, "A fine-grained spectral perspective on neural
 * networks"; the 18.408 project report, section 3).
 *
 * Inputs. The cube's points have |x|^2 = d (the paper's convention); the lab's kernels take them scaled to
 * the unit sphere, x / sqrt(d), so that a dot-product kernel is K(x, y) = Phi(t) with t = <x, y> / d in
 * {-1, -1 + 2/d, ..., 1}. Every NTK and NNGP ("CK") of an mlp is of this form on equal-norm inputs.
 *
 * Eigenvalues. For the uniform probability measure on the cube, K is diagonalized by the parities
 * chi_S(x) = prod_{i in S} x_i, and the eigenvalue mu_k depends only on k = |S| (multiplicity C(d, k)).
 * From Phi's values, mu_k is an alternating (Krawtchouk) sum that cancels badly: the rounding of Phi is
 * amplified some 10^4 times at k = 5 and 10^7 at k = 10 for d = 128. That values route (krawtchoukSum) works
 * for any activation and is accurate at small d; for the activations whose duals have known Taylor series
 * the module also takes a second route, one with no cancellation at all, and gives each degree from the
 * route with the smaller error bound:
 *  - Phi is a power series Phi(t) = sum_n a_n t^n with a_n >= 0 (every NTK and NNGP is: each layer's dual
 *    E[s(u)s(v)] has non-negative Taylor coefficients in the covariance at every c >= 0, by Price's theorem
 *    its derivatives are E[s^(j)(u) s^(j)(v)] >= 0, and sums, products and compositions keep the signs).
 *    The coefficients come from composing the layers' Taylor series (dotProductSeries).
 *  - t^n has eigenvalue lambda_k(n) >= 0 on degree k, and multiplying a kernel by t = (1/d) sum_i x_i y_i
 *    maps chi_S chi_S to sum_i chi_{S xor i} chi_{S xor i}, so
 *      lambda_k(n + 1) = (k / d) lambda_{k-1}(n) + ((d - k) / d) lambda_{k+1}(n),   lambda_k(0) = [k = 0],
 *    a recurrence of non-negative terms.
 *  - mu_k = sum_n a_n lambda_k(n): non-negative terms again, so every mu_k keeps the relative precision of
 *    its terms (a few ulps times the number of layers). The series is cut at N terms; the rest is at most
 *    (sum_{n > N} a_n) max_{n > N} lambda_k(n) <= (Phi(1) - sum_{n <= N} a_n) E|t|^{N+1}, since
 *    lambda_k(n) = E[t^n chi_S] <= E|t|^n, which falls with n. That bound is each degree's stated error.
 */
import type { Activation } from "../activations";
import { dualAt, reluPower } from "../activations";
import { checkArchitecture, mlp, type Architecture } from "../layers";
import { checkOutput, ntk, nngp } from "../kernels/ntk";
import { Matrix } from "ml-matrix";
import type { Output } from "../kernels/ntk";
import {
  checkInRange,
  checkInteger,
  checkOptionKeys,
  describeValue,
  optionsObject,
  requiredObject,
} from "../validate";

const EPS = Number.EPSILON;
/** Highest cube dimension: C(d, k) and 2^d stay finite in float64 well past it. */
export const BOOLEAN_CUBE_MAX_D = 1000;
/** Series lengths tried: doubled from the first until every degree's bound is met or the last is reached. */
const FIRST_TERMS = 64;
const MAX_TERMS = 4096;
/** A degree is resolved when its error bound is below this fraction of mu_k (12 digits). */
const RESOLVED = 1e-12;

export interface DotProductSeriesOptions {
  /** "ntk" (default) or "nngp" (the report's CK). */
  get?: Output;
  /**
   * The output layer's bias scale (default 0). The lab's mlp has no output bias; Yang & Salman's networks
   * have one, which adds outputBiasStd^2 to the NNGP and to the NTK (yangSalmanNetwork sets it).
   */
  outputBiasStd?: number;
  /** Number of Taylor coefficients a_0 .. a_{terms - 1} (default 64). */
  terms?: number;
}

export interface DotProductSeries {
  /** a_0 .. a_{terms-1}: Phi(t) = sum_n a_n t^n for unit-norm inputs with x.y = t. All >= 0. */
  coefficient: Float64Array;
  /** Phi(1) = K(x, x), from the layers' variance recursion (not from the truncated series). */
  atOne: number;
}

/**
 * The NTK or NNGP of an mlp on unit-norm inputs as a power series in t = x.y:
 * Phi(t) = sum_n a_n t^n (see the module comment). Supported activations: relu and relu^k, erf, sin, cos
 * and identity (their duals' Taylor series are known in closed form); any other activation is refused.
 */
export function dotProductSeries(
  arch: Architecture,
  options?: DotProductSeriesOptions | null,
): DotProductSeries {
  const who = "dotProductSeries";
  const { get, outputBiasStd, terms } = seriesOptions(who, options, FIRST_TERMS);
  checkArchitecture(who, arch);
  return composeSeries(who, arch, get, outputBiasStd, terms);
}

function seriesOptions(
  who: string,
  options: DotProductSeriesOptions | null | undefined,
  defaultTerms: number,
  extra: readonly string[] = [],
): { get: Output; outputBiasStd: number; terms: number } {
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["get", "outputBiasStd", "terms", ...extra]);
  const get = checkOutput(who, opts.get === undefined ? "ntk" : opts.get);
  const outputBiasStd = opts.outputBiasStd === undefined ? 0 : opts.outputBiasStd;
  checkInRange(who, "outputBiasStd", outputBiasStd, 0, Infinity, { loInclusive: true, hiInclusive: false });
  const terms = opts.terms === undefined ? defaultTerms : opts.terms;
  checkInteger(who, "terms", terms, 2, MAX_TERMS);
  return { get, outputBiasStd, terms };
}

/**
 * Scaled Taylor coefficients of c -> E[s(u) s(v)], (u, v) ~ N(0, [[q, c], [c, q]]), around c0 = q - g >= 0:
 * V(c0 + g z) = sum_j out[j] z^j, j = 0 .. count - 1 (scaled by g^j so that z in [-1, 1] is where the
 * layer's input covariance lies, and no coefficient overflows however small g), given the dual's value at c0.
 */
function dualTaylor(
  who: string,
  act: Activation,
  q: number,
  g: number,
  value: number,
  count: number,
): Float64Array {
  const out = new Float64Array(count);
  out[0] = value;
  const c0 = q - g;
  const name = act.name;
  const power = name === "relu" ? 1 : /^relu\^\d+$/.test(name) ? Number(name.slice(5)) : 0;
  if (power >= 1) {
    // d/dc E[relu^k relu^k] = k^2 E[relu^{k-1} relu^{k-1}] (Price's theorem): the first k derivatives are
    // duals of lower powers; past them, those of the step's dual (pi - acos(c / q)) / (2 pi), whose
    // derivative is 1 / (2 pi sqrt(q^2 - c^2)) = f(c / q) / (2 pi q), f(r) = (1 - r^2)^{-1/2}.
    let factor = 1; // (k! / (k - j)!)^2 g^j / j!
    for (let j = 1; j < count && j <= power; j++) {
      factor *= ((power - j + 1) * (power - j + 1) * g) / j;
      const m = power - j;
      out[j] = factor * reluPowerDual(m, q, g);
    }
    // out[k + m] = (k!)^2 (m - 1)! / (k + m)! * f_{m-1} (g/q)^{m-1} * g^{k+1} / (2 pi q), m >= 1.
    const f = inverseRootTaylor(c0 / q, g / q, (2 * q - g) / q, g / q, count - power - 1);
    let ratio = Math.pow(g, power + 1) / (2 * Math.PI * q);
    for (let i = 1; i <= power; i++) ratio *= i / (i + 1); // 1 / (k + 1), then times k!: (k!)^2 / (k + 1)!
    for (let i = 2; i <= power; i++) ratio *= i;
    for (let m = 1; power + m < count; m++) {
      if (m > 1) ratio *= (m - 1) / (power + m);
      out[power + m] = ratio * f[m - 1];
    }
  } else if (name === "erf") {
    // (2/pi) asin(x), x = 2c / (1 + 2q): derivative (2/pi) (2 / (1 + 2q)) f(x).
    const s = 1 + 2 * q;
    const f = inverseRootTaylor(
      (2 * c0) / s,
      (1 + 2 * g) / s,
      (1 + 2 * (2 * q - g)) / s,
      (2 * g) / s,
      count - 1,
    );
    for (let j = 1; j < count; j++) out[j] = ((2 / Math.PI) * ((2 * g) / s) * f[j - 1]) / j;
  } else if (name === "sin" || name === "cos") {
    // e^{-q} sinh c (sin) and e^{-q} cosh c (cos): derivatives alternate between the two.
    const even = Math.exp(-q) * (name === "sin" ? Math.sinh(c0) : Math.cosh(c0));
    const odd = Math.exp(-q) * (name === "sin" ? Math.cosh(c0) : Math.sinh(c0));
    let term = 1;
    for (let j = 1; j < count; j++) {
      term *= g / j;
      out[j] = (j % 2 === 0 ? even : odd) * term;
    }
  } else if (name === "identity") {
    if (count > 1) out[1] = g;
  } else {
    throw new Error(
      `${who}: arch.activations holds ${name}, whose dual has no Taylor series here; allowed: relu, relu^k, erf, sin, cos, identity`,
    );
  }
  return out;
}

/**
 * E[relu^m(u) relu^m(v)] at equal variances q and covariance q - g, from the lab's arc-cosine duals: order m
 * is reluPower(m)'s value, and order 0 (the step) is relu's derivative term E[step(u) step(v)].
 */
function reluPowerDual(m: number, q: number, g: number): number {
  return dualAt(reluPower(Math.max(m, 1)).dual, q, q, q - g, g, 2 * q - g)[m === 0 ? 1 : 0];
}

/**
 * Scaled Taylor coefficients sigma^j f_j, j < count, of f(r) = (1 - r^2)^{-1/2} around r0 in [0, 1), given
 * 1 - r0 and 1 + r0 to full precision. From (1 - r^2) f' = r f:
 * f_{j+1} = ((2j + 1) r0 f_j + j f_{j-1}) / ((1 - r0^2)(j + 1)), non-negative terms only.
 */
function inverseRootTaylor(
  r0: number,
  oneMinus: number,
  onePlus: number,
  sigma: number,
  count: number,
): Float64Array {
  const f = new Float64Array(Math.max(0, count));
  if (count <= 0) return f;
  const w = oneMinus * onePlus;
  f[0] = 1 / Math.sqrt(w);
  for (let j = 0; j + 1 < count; j++) {
    f[j + 1] = (sigma * ((2 * j + 1) * r0 * f[j] + (j > 0 ? j * sigma * f[j - 1] : 0))) / (w * (j + 1));
  }
  return f;
}

/** The layers' series composed (see dotProductSeries), each truncated at `terms` coefficients. */
function composeSeries(
  who: string,
  arch: Architecture,
  get: Output,
  outputBiasStd: number,
  terms: number,
): DotProductSeries {
  const L = arch.activations.length;
  const w0 = arch.weightStd[0] ** 2;
  let sigma = new Float64Array(terms);
  sigma[0] = arch.biasStd[0] ** 2;
  sigma[1] = w0;
  let theta = sigma.slice();
  let q = w0 + sigma[0];
  let gap = w0; // q - Sigma(0), carried to full precision
  let thetaAtOne = q;
  for (let l = 0; l < L; l++) {
    const act = arch.activations[l];
    const alpha = arch.weightStd[l + 1] ** 2 * act.scale;
    const beta = l + 1 < L ? arch.biasStd[l + 1] ** 2 : outputBiasStd ** 2;
    const c0 = sigma[0];
    const [value, derivative, gapOut] = dualAt(act.dual, q, q, c0, gap, q + c0);
    const [diag, diagDerivative] = dualAt(act.dual, q, q, q, 0, 2 * q);
    const next = new Float64Array(terms);
    const slope = new Float64Array(terms); // V'(Sigma_l(t)) as a series
    if (gap > 0) {
      const v = dualTaylor(who, act, q, gap, value, terms);
      if (!(Math.abs(v[1] / gap - derivative) <= 1e-10 * Math.abs(derivative))) {
        throw new Error(
          `${who}: arch.activations[${l}] is named ${act.name} but its dual's derivative at the covariance ${c0} (variance ${q}) is ${derivative}, not the ${act.name} series' ${v[1] / gap}`,
        );
      }
      const z = sigma.map((s, n) => (n === 0 ? 0 : s / gap));
      // V = sum_j v_j z^j and V' = (1 / g) sum_j j v_j z^{j-1}, from the powers of z (lowest degree j).
      let power = new Float64Array(terms);
      power[0] = 1;
      next[0] = v[0];
      for (let j = 1; j < terms; j++) {
        for (let n = j - 1; n < terms; n++) slope[n] += (j * v[j] * power[n]) / gap;
        const up = new Float64Array(terms);
        for (let n = j; n < terms; n++) {
          let acc = 0;
          for (let i = j - 1; i <= n - 1; i++) acc += power[i] * z[n - i];
          up[n] = acc;
        }
        power = up;
        for (let n = j; n < terms; n++) next[n] += v[j] * power[n];
      }
    } else {
      next[0] = value;
      slope[0] = derivative;
    }
    const nextTheta = new Float64Array(terms);
    for (let n = 0; n < terms; n++) {
      next[n] *= alpha;
      let acc = 0;
      for (let i = 0; i <= n; i++) acc += slope[i] * theta[n - i];
      nextTheta[n] = alpha * acc;
    }
    next[0] += beta;
    for (let n = 0; n < terms; n++) nextTheta[n] += next[n];
    thetaAtOne = alpha * diag + beta + alpha * diagDerivative * thetaAtOne;
    gap = alpha * (Number.isNaN(gapOut) ? diag - value : gapOut);
    q = alpha * diag + beta;
    sigma = next;
    theta = nextTheta;
  }
  const coefficient = get === "ntk" ? theta : sigma;
  if (!coefficient.every((a) => a >= 0 && a < Infinity)) {
    throw new Error(
      `${who}: the series of arch's ${get.toUpperCase()} is not finite (the depth, weightStd or biasStd must be lower)`,
    );
  }
  return { coefficient, atOne: get === "ntk" ? thetaAtOne : q };
}

export interface BooleanCubeOptions extends DotProductSeriesOptions {
  /**
   * With terms left out, the series is lengthened (64, 128, ... up to 512 terms) until every degree up to
   * resolveDegree (default min(d, 16)) is resolved or exactly 0 (a parity the series lacks, e.g. the even
   * degrees of a bias-free erf network), or the longest series is reached.
   */
  resolveDegree?: number;
}

export interface BooleanCubeSpectrum {
  /** Degrees k = 0..d. */
  degree: Int32Array;
  /** mu_k: the eigenvalue of the parities of degree k, for the uniform probability measure on the cube. */
  mu: Float64Array;
  /** C(d, k), the number of parities of degree k (as a float64: up to about 10^299 at d = 1000). */
  multiplicity: Float64Array;
  /** C(d, k) mu_k / Phi(1): the degree's share of the kernel's trace (Yang & Salman's fractional variance). */
  fractionalVariance: Float64Array;
  /** A bound on |mu_k - computed mu_k|: the series' cut-off bound plus a rounding allowance. */
  error: Float64Array;
  /** error[k] <= 1e-12 mu_k: the degree is resolved to 12 digits. */
  resolved: boolean[];
  /**
   * Which route gave mu_k: "series" (non-negative sums, for relu, relu^k, erf, sin, cos and identity) or
   * "values" (the Krawtchouk sum of the kernel's values, any activation; it cancels at high degrees).
   */
  route: ("series" | "values")[];
  /** Phi(1) = K(x, x) = sum_k C(d, k) mu_k. */
  atOne: number;
  /** Number of Taylor coefficients used (0: the values route only). */
  terms: number;
}

/**
 * The eigenvalues mu_0 .. mu_d of an mlp's NTK or NNGP on the boolean cube {-1, 1}^d (inputs scaled to unit
 * norm, see the module comment), by the non-negative series route: every mu_k to its own relative
 * precision, however small. arch: an Architecture (mlp); d: integer 1..1000.
 */
export function booleanCubeSpectrum(
  arch: Architecture,
  d: number,
  options?: BooleanCubeOptions | null,
): BooleanCubeSpectrum {
  const who = "booleanCubeSpectrum";
  checkArchitecture(who, arch);
  checkInteger(who, "d", d, 1, BOOLEAN_CUBE_MAX_D);
  const { get, outputBiasStd, terms: first } = seriesOptions(who, options, FIRST_TERMS, ["resolveDegree"]);
  const { resolveDegree = Math.min(d, 16), terms } = optionsObject(who, options);
  const fixed = terms !== undefined;
  checkInteger(who, "resolveDegree", resolveDegree, 0, d);
  const logHalfBinomial = binomialLogs(d);
  const direct = krawtchoukSum(arch, get, outputBiasStd, d, logHalfBinomial);
  const target = (spec: BooleanCubeSpectrum) =>
    spec.resolved.every((ok, k) => ok || k > resolveDegree || Math.abs(spec.mu[k]) <= spec.error[k]);
  // At small d the values route resolves everything and the series (slow to converge there) is not needed.
  if (!fixed && target(direct)) return direct;
  const expandable = arch.activations.every((act) => SERIES_NAMES.test(act.name));
  for (let terms = first; expandable; terms *= 2) {
    const result = cubeSum(
      composeSeries(who, arch, get, outputBiasStd, terms),
      d,
      logHalfBinomial,
      arch.activations.length,
    );
    if (
      fixed ||
      terms * 2 > LONGEST ||
      result.resolved.every((ok, k) => ok || k > resolveDegree || result.mu[k] === 0)
    ) {
      // Each degree from whichever route bounds its error more tightly.
      for (let k = 0; k <= d; k++) {
        if (result.error[k] <= direct.error[k]) continue;
        result.mu[k] = direct.mu[k];
        result.error[k] = direct.error[k];
        result.fractionalVariance[k] = direct.fractionalVariance[k];
        result.resolved[k] = direct.resolved[k];
        result.route[k] = "values";
      }
      return result;
    }
  }
  return direct;
}

/** Activations whose duals dualTaylor expands. */
const SERIES_NAMES = /^(relu|relu\^\d+|erf|sin|cos|identity)$/;

/**
 * The values route, for any architecture: mu_k = sum_m C(d, m) 2^{-d} K_k(m) Phi(1 - 2m / d) / C(d, k), with
 * K_k the Krawtchouk polynomial ((k + 1) K_{k+1} = (d - 2m) K_k - (d - k + 1) K_{k-1}) and Phi from the lab's
 * kernel on two unit vectors. Its error bound, 16 eps sum_m C(d, m) 2^{-d} |K_k(m) Phi_m| / C(d, k), is the
 * rounding of Phi and of the sum amplified by the cancellation: fine at small d, hopeless for high degrees at
 * large d (where the series route takes over).
 */
function krawtchoukSum(
  arch: Architecture,
  get: Output,
  outputBiasStd: number,
  d: number,
  logHalfBinomial: Float64Array,
): BooleanCubeSpectrum {
  // Phi(1 - 2m / d) as the kernel between (1, 0) and the d + 1 unit vectors at those inner products.
  const pole = new Matrix([[1, 0]]);
  const points = new Matrix(
    Array.from({ length: d + 1 }, (_, m) => [1 - (2 * m) / d, Math.sqrt(((2 * m) / d) * (2 - (2 * m) / d))]),
  );
  const row = (get === "ntk" ? ntk(arch, pole, points) : nngp(arch, pole, points)).getRow(0);
  const phi = Float64Array.from(row, (v) => v + outputBiasStd ** 2);
  const multiplicity = multiplicities(d, logHalfBinomial);
  const mu = new Float64Array(d + 1);
  const error = new Float64Array(d + 1);
  let previous = new Float64Array(d + 1);
  let current = new Float64Array(d + 1).fill(1);
  for (let k = 0; k <= d; k++) {
    let sum = 0;
    let abs = 0;
    for (let m = 0; m <= d; m++) {
      const term = Math.exp(logHalfBinomial[m]) * current[m] * phi[m];
      sum += term;
      abs += Math.abs(term);
    }
    mu[k] = sum / multiplicity[k];
    error[k] = (16 * EPS * abs) / multiplicity[k];
    const next = new Float64Array(d + 1);
    for (let m = 0; m <= d; m++) next[m] = ((d - 2 * m) * current[m] - (d - k + 1) * previous[m]) / (k + 1);
    previous = current;
    current = next;
  }
  return {
    degree: Int32Array.from({ length: d + 1 }, (_, k) => k),
    mu,
    multiplicity,
    fractionalVariance: mu.map((m, k) => (multiplicity[k] * m) / phi[0]),
    error,
    resolved: Array.from(mu, (m, k) => error[k] <= RESOLVED * Math.abs(m)),
    route: new Array<"series" | "values">(d + 1).fill("values"),
    atOne: phi[0],
    terms: 0,
  };
}

function multiplicities(d: number, logHalfBinomial: Float64Array): Float64Array {
  return Float64Array.from({ length: d + 1 }, (_, k) =>
    Math.round(Math.exp(logHalfBinomial[k] + d * Math.LN2)),
  );
}

/** The longest series booleanCubeSpectrum tries by itself (composition costs about terms^3 / 3 per layer). */
const LONGEST = 512;

/** ln(C(d, m) 2^{-d}), m = 0..d. */
function binomialLogs(d: number): Float64Array {
  const out = new Float64Array(d + 1);
  out[0] = -d * Math.LN2;
  for (let m = 1; m <= d; m++) out[m] = out[m - 1] + Math.log((d - m + 1) / m);
  return out;
}

function cubeSum(
  series: DotProductSeries,
  d: number,
  logHalfBinomial: Float64Array,
  layers: number,
): BooleanCubeSpectrum {
  const { coefficient: a, atOne } = series;
  const terms = a.length;
  const mu = new Float64Array(d + 1);
  let lambda = new Float64Array(d + 1);
  lambda[0] = 1;
  let partial = 0;
  for (let n = 0; n < terms; n++) {
    if (n > 0) {
      const up = new Float64Array(d + 1);
      for (let k = 0; k <= d; k++) {
        up[k] = (k > 0 ? (k / d) * lambda[k - 1] : 0) + (k < d ? ((d - k) / d) * lambda[k + 1] : 0);
      }
      lambda = up;
    }
    partial += a[n];
    for (let k = 0; k <= Math.min(n, d); k++) mu[k] += a[n] * lambda[k];
  }
  // E|t|^terms over the cube, t = 1 - 2m / d with probability C(d, m) 2^{-d}.
  let moment = 0;
  for (let m = 0; m <= d; m++) {
    const t = Math.abs(1 - (2 * m) / d);
    if (t > 0) moment += Math.exp(logHalfBinomial[m] + terms * Math.log(t));
  }
  const rest = Math.max(atOne - partial, 0) + terms * EPS * atOne;
  const multiplicity = multiplicities(d, logHalfBinomial);
  const error = new Float64Array(d + 1);
  const resolved: boolean[] = [];
  for (let k = 0; k <= d; k++) {
    const cut = rest * moment;
    error[k] = cut + 8 * (layers + 2) * EPS * mu[k];
    resolved.push(cut <= RESOLVED * mu[k]);
  }
  return {
    degree: Int32Array.from({ length: d + 1 }, (_, k) => k),
    mu,
    multiplicity,
    fractionalVariance: mu.map((m, k) => (multiplicity[k] * m) / atOne),
    error,
    resolved,
    route: new Array<"series" | "values">(d + 1).fill("series"),
    atOne,
    terms,
  };
}

/**
 * Yang & Salman's fractional variance of each degree, C(d, k) mu_k / sum_i C(d, i) mu_i, from the full list
 * mu_0 .. mu_d (d + 1 finite numbers >= 0, not all 0).
 */
export function fractionalVariance(mu: ArrayLike<number>, d: number): Float64Array {
  const who = "fractionalVariance";
  checkInteger(who, "d", d, 1, BOOLEAN_CUBE_MAX_D);
  if (mu == null || typeof mu !== "object" || mu.length !== d + 1) {
    throw new Error(
      `${who}: mu must hold d + 1 = ${d + 1} eigenvalues mu_0 .. mu_d, got ${describeValue(mu)}`,
    );
  }
  const multiplicity = multiplicities(d, binomialLogs(d));
  const weighted = Float64Array.from({ length: d + 1 }, (_, k) => {
    const m = mu[k];
    if (!(typeof m === "number" && m >= 0 && m < Infinity)) {
      throw new Error(
        `${who}: mu[${k}] must be a finite number >= 0 (a kernel's eigenvalue), got ${describeValue(m)}`,
      );
    }
    return m * multiplicity[k];
  });
  const total = weighted.reduce((s, v) => s + v, 0);
  if (!(total > 0)) throw new Error(`${who}: mu must not be all 0, got ${describeValue(mu)}`);
  return weighted.map((v) => v / total);
}

export interface YangSalmanSpec {
  activation: Activation;
  /** Number of hidden layers L >= 1. */
  hiddenLayers: number;
  /** sigma_w^2: weights W_ij ~ N(0, sigma_w^2 / width) in every layer (a variance, as in the paper). */
  weightVariance: number;
  /** sigma_b^2: biases ~ N(0, sigma_b^2) in every layer, the output's included. */
  biasVariance: number;
}

/**
 * Yang & Salman 2019's network in the lab's terms: their layers have no c_s = 1 / E[s(z)^2] normalization
 * and their output layer has a bias, so weightStd = [sqrt(sigma_w^2), sqrt(sigma_w^2 / c_s), ...],
 * biasStd = sqrt(sigma_b^2) and outputBiasStd = sqrt(sigma_b^2) (pass it to booleanCubeSpectrum).
 */
export function yangSalmanNetwork(spec: YangSalmanSpec): {
  architecture: Architecture;
  outputBiasStd: number;
} {
  const who = "yangSalmanNetwork";
  const { activation, hiddenLayers, weightVariance, biasVariance } = requiredObject(
    who,
    "spec",
    spec,
    "{ activation, hiddenLayers, weightVariance, biasVariance }",
  );
  checkOptionKeys(who, spec, ["activation", "hiddenLayers", "weightVariance", "biasVariance"]);
  if (!(activation !== null && typeof activation === "object" && typeof activation.dual === "function")) {
    throw new Error(
      `${who}: spec.activation must be an Activation (relu, erf, ...), got ${describeValue(activation)}`,
    );
  }
  checkInteger(who, "hiddenLayers", hiddenLayers as number, 1, 1000);
  checkInRange(who, "weightVariance", weightVariance as number, 0, Infinity, {
    loInclusive: false,
    hiInclusive: false,
  });
  checkInRange(who, "biasVariance", biasVariance as number, 0, Infinity, {
    loInclusive: true,
    hiInclusive: false,
  });
  const act = activation as Activation;
  const L = hiddenLayers as number;
  const architecture = mlp(new Array<Activation>(L).fill(act), {
    weightStd: [
      Math.sqrt(weightVariance as number),
      ...new Array<number>(L).fill(Math.sqrt((weightVariance as number) / act.scale)),
    ],
    biasStd: Math.sqrt(biasVariance as number),
  });
  return { architecture, outputBiasStd: Math.sqrt(biasVariance as number) };
}
