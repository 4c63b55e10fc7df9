/**
 * Matern kernels of the distance r = |x - y|, with smoothness nu > 0 and length scale l
 * (Rasmussen & Williams, "Gaussian Processes for Machine Learning", 2006, eq. 4.14):
 *   k_nu(r) = 2^{1-nu} / Gamma(nu) z^nu K_nu(z),   z = sqrt(2 nu) r / l,   k_nu(0) = 1,
 * with K_nu the modified Bessel function of the second kind. Positive definite on every R^d, hence on the
 * circle and the spheres inside it. nu = 1/2 is the Laplace kernel exp(-r / l); nu -> infinity the Gaussian.
 *
 * Half-integers nu = p + 1/2 have closed forms for every p (R&W eq. 4.16; Abramowitz & Stegun 10.2.15):
 *   k(r) = exp(-z) p! / (2p)! sum_{i=0}^{p} (p + i)! / (i! (p - i)!) (2 z)^{p - i}.
 * Any other nu uses the scale-mixture form (DLMF 10.32.10 after s = z^2 / (4 t)):
 *   z^nu K_nu(z) = 2^{nu-1} I(z),   I(z) = int_0^inf exp(-s - z^2 / (4 s)) s^{nu-1} ds,   so k(r) = I(z) / I(0),
 * a Gamma(nu)-mixture of Gaussians in z (which is why the kernel is positive definite). With s = e^x the
 * integrand is log-concave and decays doubly exponentially; the trapezoidal rule on the whole line is then
 * exponentially accurate (Trefethen & Weideman, SIAM Review 56, 2014, section 5). Every term is positive,
 * so near r = 0 nothing cancels.
 *
 * On the circle S^1 (and S^{d-1}) the distance singularity r^{2 nu} (r^{2 nu} log r for integer nu) gives
 * Mercer coefficients decaying like j^{-(2 nu + d - 1)}: rank slope -(2 nu + 1) on the circle, so
 * nu = k - 1/2 decays like the two-layer ReLU^k NTK (-2k).
 */
import { Matrix } from "ml-matrix";
import { checkInRange, checkPositive, requiredObject } from "../validate";
import { assembleKernel } from "./assemble";
import { MIN_NORMAL } from "../numeric";
import { checkKernelMemory, distance, readPair, type PointsInput } from "./points";

/** Largest smoothness accepted: beyond it Gamma(nu) and the closed-form coefficients lose digits. */
export const MATERN_MAX_NU = 50;

export interface MaternOptions {
  /** Smoothness nu, 0 < nu <= 50. */
  nu: number;
  /** Length scale l > 0 (default 1). */
  lengthScale?: number;
}

/**
 * Past this z = sqrt(2 nu) r / l, k_nu < z^{nu - 1/2} e^{-z} underflows to 0 for every nu <= 50 (about
 * 1e-700 at z = 2000); returning 0 there keeps z^2 and z^p (which overflow for huge z) out of the sums.
 */
const NEGLIGIBLE = 2000;

/** Terms smaller than this fraction of the running sum end the trapezoidal sum. */
const TAIL = 1e-18;

/**
 * log I(z) for I(z) = int_R exp(phi(x)) dx, phi(x) = nu x - e^x - (z^2/4) e^{-x}: trapezoidal rule on a grid
 * through the peak e^x = (nu + sqrt(nu^2 + z^2)) / 2, step at most a quarter of the peak's width.
 */
function logMixtureIntegral(nu: number, z: number): number {
  const q = (z * z) / 4;
  const s = (nu + Math.sqrt(nu * nu + z * z)) / 2;
  const x0 = Math.log(s);
  const phi = (x: number): number => nu * x - Math.exp(x) - (q === 0 ? 0 : q * Math.exp(-x));
  const curvature = s + q / s;
  const h = Math.min(0.2, 0.25 / Math.sqrt(curvature));
  const peak = phi(x0);
  let sum = 1;
  for (const dir of [1, -1]) {
    for (let k = 1; k < 10_000_000; k++) {
      const t = Math.exp(phi(x0 + dir * k * h) - peak);
      sum += t;
      if (!(t >= TAIL * sum)) break;
    }
  }
  return peak + Math.log(h * sum);
}

const logGammaCache = new Map<number, number>();

/** log Gamma(nu) = log I(0), by the same rule (so that k(0) = 1 to rounding). */
function logGamma(nu: number): number {
  let v = logGammaCache.get(nu);
  if (v === undefined) {
    v = logMixtureIntegral(nu, 0);
    logGammaCache.set(nu, v);
  }
  return v;
}

/**
 * K_nu(x), the modified Bessel function of the second kind, for real nu (K_{-nu} = K_nu, |nu| <= 50) and
 * x > 0, from the mixture integral above: K_nu(x) = 2^{nu-1} x^{-nu} I(x). About 1e-14 relative accuracy.
 */
export function besselK(nu: number, x: number): number {
  checkInRange("besselK", "nu", nu, -MATERN_MAX_NU, MATERN_MAX_NU, { loInclusive: true });
  checkPositive("besselK", "x", x);
  // K_nu(x) < K_50(x), below the smallest double from x = 800 on; past NEGLIGIBLE, z^2 would overflow.
  if (x > NEGLIGIBLE) return 0;
  const a = Math.abs(nu);
  return Math.exp((a - 1) * Math.LN2 - a * Math.log(x) + logMixtureIntegral(a, x));
}

/** The half-integer coefficients p! / (2p)! (p + i)! / (i! (p - i)!) 2^{p - i}, i = 0..p, cached per p. */
const halfIntegerCache = new Map<number, Float64Array>();

function halfIntegerCoefficients(p: number): Float64Array {
  let c = halfIntegerCache.get(p);
  if (c === undefined) {
    // c_p = 1 exactly (so k(0) = 1), and c_i / c_{i+1} = 2 (i + 1) / ((p + i + 1) (p - i)).
    c = new Float64Array(p + 1);
    c[p] = 1;
    for (let i = p - 1; i >= 0; i--) c[i] = (c[i + 1] * 2 * (i + 1)) / ((p + i + 1) * (p - i));
    halfIntegerCache.set(p, c);
  }
  return c;
}

/** p when nu = p + 1/2 for an integer p >= 0, otherwise -1. */
function halfIntegerOrder(nu: number): number {
  const p = nu - 0.5;
  return Number.isInteger(p) && p >= 0 ? p : -1;
}

function checkOptions(who: string, options: MaternOptions): { nu: number; lengthScale: number } {
  const { nu, lengthScale = 1 } = requiredObject(who, "options", options, "{ nu, lengthScale }");
  checkInRange(who, "nu", nu, 0, MATERN_MAX_NU);
  checkPositive(who, "lengthScale", lengthScale);
  return { nu, lengthScale };
}

/** The Matern profile r -> k_nu(r) for checked nu and l (closed form for half-integers). */
function profile(nu: number, lengthScale: number): (r: number) => number {
  const root2nu = Math.sqrt(2 * nu);
  const scale = root2nu / lengthScale;
  // z = sqrt(2 nu) r / l; where sqrt(2 nu) / l overflows (a subnormal l), r / l first.
  const zOf = scale < Infinity ? (r: number) => scale * r : (r: number) => root2nu * (r / lengthScale);
  const p = halfIntegerOrder(nu);
  if (p >= 0) {
    const c = halfIntegerCoefficients(p);
    return (r) => {
      const z = r === 0 ? 0 : zOf(r);
      if (!(z <= NEGLIGIBLE)) return 0;
      // Horner in z over sum_i c_i z^{p - i}: c_0 multiplies the highest power.
      let poly = 0;
      for (let i = 0; i <= p; i++) poly = poly * z + c[i];
      // Past z = 700, e^{-z} alone underflows while the product is still a normal number.
      return z < 700 ? Math.exp(-z) * poly : Math.exp(Math.log(poly) - z);
    };
  }
  const norm = logGamma(nu);
  return (r) => {
    if (r === 0) return 1;
    const z = zOf(r);
    return z <= NEGLIGIBLE ? Math.exp(logMixtureIntegral(nu, z) - norm) : 0;
  };
}

/**
 * The Matern correlation k_nu(r) at one distance r >= 0 (k(0) = 1). Closed form for nu = p + 1/2, the
 * Bessel (mixture-integral) form otherwise.
 */
export function maternCorrelation(r: number, options: MaternOptions): number {
  const { nu, lengthScale } = checkOptions("maternCorrelation", options);
  if (!(Number.isFinite(r) && r >= 0)) {
    throw new Error(`maternCorrelation: r must be a finite distance >= 0, got ${r}`);
  }
  return profile(nu, lengthScale)(r);
}

/**
 * Matern kernel matrix K_ij = k_nu(|x_i - y_j|): n x m for X (n x d) and Y (m x d), one point per row;
 * Y omitted (undefined) gives the symmetric K(X, X). The distance is summed from coordinate differences
 * (no |x|^2 + |y|^2 - 2 x.y cancellation), from scaled differences where the sum of squares underflows or
 * overflows. Peak memory 8 (n m + (n + m) d) bytes, checked first.
 */
export function maternKernel(X: PointsInput, Y: PointsInput | undefined, options: MaternOptions): Matrix {
  return maternKernelAs("maternKernel", X, Y, options);
}

/** maternKernel with its Errors named for `who`. */
export function maternKernelAs(
  who: string,
  X: PointsInput,
  Y: PointsInput | undefined,
  options: MaternOptions,
): Matrix {
  const { nu, lengthScale } = checkOptions(who, options);
  const { x, y, symmetric } = readPair(who, X, Y);
  checkKernelMemory(who, x, y, symmetric, x.d);
  const k = profile(nu, lengthScale);
  const d = x.d;
  const dx = x.data;
  const dy = y.data;
  return assembleKernel(x.n, y.n, symmetric, (i, j) => {
    let r2 = 0;
    for (let c = 0; c < d; c++) {
      const t = dx[i * d + c] - dy[j * d + c];
      r2 += t * t;
    }
    return k(r2 >= MIN_NORMAL && r2 < Infinity ? Math.sqrt(r2) : distance(who, x, i, y, j));
  });
}

export interface MaternDecay {
  /** Exponent p of the Mercer-coefficient decay j^{-p} on S^{d-1}: 2 nu + d - 1. */
  frequencyExponent: number;
  /** Slope of log lambda_i on log i: -p / (d - 1); -(2 nu + 1) on the circle. */
  rankSlope: number;
  d: number;
}

/**
 * The eigen-decay of the Matern kernel with smoothness nu restricted to the sphere S^{d-1} (default the
 * circle, d = 2): the kernel is as smooth there as a Sobolev space of order nu + (d - 1)/2 on a (d - 1)-
 * dimensional manifold, so coefficients decay like j^{-(2 nu + d - 1)} (Borovitskiy et al., "Matern Gaussian
 * processes on Riemannian manifolds", NeurIPS 2020; on the circle directly from the r^{2 nu} singularity).
 */
export function maternExpectedDecay(nu: number, { d = 2 }: { d?: number } = {}): MaternDecay {
  checkInRange("maternExpectedDecay", "nu", nu, 0, MATERN_MAX_NU);
  if (!Number.isInteger(d) || d < 2)
    throw new Error(`maternExpectedDecay: d must be an integer >= 2, got ${d}`);
  const p = 2 * nu + d - 1;
  return { frequencyExponent: p, rankSlope: -p / (d - 1), d };
}
