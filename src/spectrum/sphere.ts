/**
 * Mercer (Funk-Hecke) coefficients of a dot-product kernel on the sphere S^{d-1} in R^d, any d >= 2 (the
 * setting of Bietti & Mairal 2019 and Geifman et al. 2020). For the uniform probability measure on the
 * sphere, k(x, y) = kappa(x.y) has the spherical harmonics of degree l as eigenfunctions, with eigenvalue
 *   mu_l = c_d int_0^pi kappa(cos t) P_l(cos t) sin^{d-2} t dt,   c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)),
 * P_l the Gegenbauer polynomial of S^{d-1} normalized to P_l(1) = 1, and multiplicity
 * N(d, l) = (2l + d - 2) / l * C(l + d - 3, l - 1) (N(d, 0) = 1). At d = 2, P_l(cos t) = cos(l t) and mu_l is
 * frequencySpectrum's a_j. The integral is taken in the angle t, where the lab's NTKs and NNGPs are smooth
 * (the arc-cosine kernels are analytic in t), by composite Gauss-Legendre quadrature.
 */
import { gaussLegendre } from "../special/quadrature";
import {
  checkFunction,
  checkInRange,
  checkInteger,
  checkNumberList,
  checkOptionKeys,
  optionsObject,
} from "../validate";

export interface SphereMercerOptions {
  /** Highest degree l computed (default 20). */
  maxDegree?: number;
}

export interface SphereMercer {
  /** Degrees l = 0..maxDegree. */
  degree: Int32Array;
  /** mu_l, the eigenvalue of each degree-l harmonic (uniform probability measure on S^{d-1}). */
  coefficient: Float64Array;
  /** N(d, l), the number of independent harmonics of degree l. */
  multiplicity: Float64Array;
}

/** The largest dimension sphereMercer takes (sin^{d-2} t stays representable on the quadrature nodes). */
export const SPHERE_MAX_D = 1000;

/**
 * Mercer coefficients mu_0..mu_maxDegree of kappa(x.y) on S^{d-1} with their multiplicities (module comment).
 * kappa: a finite function of the inner product u in [-1, 1]; d: integer 2..1000.
 */
export function sphereMercer(
  kappa: (u: number) => number,
  d: number,
  options?: SphereMercerOptions | null,
): SphereMercer {
  const who = "sphereMercer";
  checkFunction(who, "kappa", kappa, "a function of the inner product (u: number) => number");
  checkInteger(who, "d", d, 2, SPHERE_MAX_D);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["maxDegree"]);
  const { maxDegree = 20 } = opts;
  checkInteger(who, "maxDegree", maxDegree, 0, 10000);
  // c_d from Gamma(d/2) / Gamma((d-1)/2), advanced two dimensions at a time by the factor d / (d - 1).
  let ratio = d % 2 === 0 ? 1 / Math.sqrt(Math.PI) : Math.sqrt(Math.PI) / 2;
  for (let e = d % 2 === 0 ? 2 : 3; e < d; e += 2) ratio *= e / (e - 1);
  const cd = ratio / Math.sqrt(Math.PI);
  const rule = gaussLegendre(20);
  const panels = Math.max(64, 2 * maxDegree);
  const coefficient = new Float64Array(maxDegree + 1);
  for (let p = 0; p < panels; p++) {
    const a = (Math.PI * p) / panels;
    const half = Math.PI / panels / 2;
    for (let i = 0; i < rule.nodes.length; i++) {
      const theta = a + half * (1 + rule.nodes[i]);
      const t = Math.cos(theta);
      const value = kappa(t);
      if (!Number.isFinite(value)) {
        throw new Error(`${who}: kappa must be finite on [-1, 1]; at u = ${t} it returned ${value}`);
      }
      const w = half * rule.weights[i] * cd * Math.pow(Math.sin(theta), d - 2) * value;
      // P_{l+1} = ((2l + d - 2) t P_l - l P_{l-1}) / (l + d - 2), from P_0 = 1, P_1 = t.
      let previous = 1;
      let current = t;
      coefficient[0] += w;
      if (maxDegree >= 1) coefficient[1] += w * t;
      for (let l = 1; l < maxDegree; l++) {
        const next = ((2 * l + d - 2) * t * current - l * previous) / (l + d - 2);
        previous = current;
        current = next;
        coefficient[l + 1] += w * current;
      }
    }
  }
  return {
    degree: Int32Array.from({ length: maxDegree + 1 }, (_, l) => l),
    coefficient,
    multiplicity: Float64Array.from({ length: maxDegree + 1 }, (_, l) => sphereMultiplicity(d, l)),
  };
}

/** N(d, l): the dimension of the degree-l spherical harmonics on S^{d-1} (d >= 2, l >= 0 integers). */
export function sphereMultiplicity(d: number, l: number): number {
  checkInteger("sphereMultiplicity", "d", d, 2, SPHERE_MAX_D);
  checkInteger("sphereMultiplicity", "l", l, 0);
  if (l === 0) return 1;
  let c = 1; // C(l + d - 3, l - 1)
  for (let i = 1; i <= l - 1; i++) c = (c * (d - 2 + i)) / i;
  return Math.round(((2 * l + d - 2) / l) * c);
}

export interface SpectrumByRank {
  /** The eigenvalues in descending order, each degree's value repeated by its multiplicity. */
  value: Float64Array;
  /** The degree each rank belongs to. */
  degree: Int32Array;
}

/**
 * The sorted spectrum that per-degree eigenvalues predict (for many points, the kernel matrix's eigenvalues
 * over n): each value[l] repeated multiplicity[l] times, in descending order (ties by degree), cut at count
 * ranks. On the sphere, sphereMercer's coefficient and multiplicity; on the cube, booleanCubeSpectrum's mu and
 * multiplicity. Only the degrees given are ranked: a degree left out whose value would sort above rank count
 * is missing, so give every degree down to a value below value[count] (e.g. maxDegree high enough).
 * values: finite numbers >= 0; multiplicities: integers >= 1, as many; count: an integer 1..10^7.
 */
export function spectrumByRank(
  values: ArrayLike<number>,
  multiplicities: ArrayLike<number>,
  count: number,
): SpectrumByRank {
  const who = "spectrumByRank";
  const v = checkNumberList(who, "values", values, { min: 1 });
  const m = checkNumberList(who, "multiplicities", multiplicities, {
    length: v.length,
    lengthRule: " (one per value)",
  });
  v.forEach((x, l) =>
    checkInRange(who, `values[${l}]`, x, 0, Infinity, { loInclusive: true, hiInclusive: false }),
  );
  m.forEach((x, l) => checkInteger(who, `multiplicities[${l}]`, x, 1));
  checkInteger(who, "count", count, 1, 1e7);
  const order = Array.from(v, (_, l) => l).sort((a, b) => v[b] - v[a] || a - b);
  const size = Math.min(
    count,
    Array.from(m).reduce((s, x) => s + x, 0),
  );
  const value = new Float64Array(size);
  const degree = new Int32Array(size);
  let rank = 0;
  for (const l of order) {
    for (let i = 0; i < m[l] && rank < size; i++, rank++) {
      value[rank] = v[l];
      degree[rank] = l;
    }
  }
  return { value, degree };
}
