/**
 * The angular part of the arc-cosine kernels of Cho & Saul (2009):
 *   E[max(0,u)^k max(0,v)^k] = (a b)^{k/2} J_k(theta) / (2 pi),  (u, v) ~ N(0, [[a, c], [c, b]]),
 * theta the angle of the covariance (cos theta = c / sqrt(a b)).
 *
 * Writing the expectation in polar coordinates (the wedge where both u and v are positive has opening
 * phi = pi - theta, and the radial integral gives 2^k k!):
 *   J_k(theta) = 2^k k! int_{-phi/2}^{phi/2} (sin(phi/2 - s) sin(phi/2 + s))^k ds          (1)
 * Expanding (cos 2s - cos phi)^k / 2^k binomially turns (1) into the finite sum used here,
 *   J_k(theta) = k! sum_{j=0}^k C(k, j) cos^{k-j}(theta) C_j(phi),  C_j(phi) = int_0^phi cos^j w dw,
 * with C_0 = phi, C_1 = sin phi, C_j = cos^{j-1}(phi) sin(phi) / j + (j - 1)/j C_{j-2}. It gives
 * J_0 = pi - theta and J_1 = sin theta + (pi - theta) cos theta, the ReLU kernel of Problem Set 4, problem 1.
 *
 * Past theta = pi/2 the sum's terms alternate in sign and cancel (J_k ~ phi^{2k+1} near pi; at cos theta
 * = -0.6 the sum kept no correct digit for k = 30), so there (1) is integrated directly by Gauss-Legendre:
 * its integrand is positive and nearly a polynomial of degree 2k in s, so a rule of 24 nodes (k <= 10)
 * or max(32, k + 16) nodes is exact to rounding (24 nodes lost 1e-11 at k = 20, 1e-2 at k = 100). For k = 1 the sum only loses a
 * digit or so, and (1) takes over below phi = 0.5 as before. Callers pass theta, phi = pi - theta, cos theta and sin theta, each computed
 * accurately on its own (arccos of a rounded cosine loses half the digits at 0 and pi, where its derivative is infinite).
 */
import { gaussLegendre, type QuadratureRule } from "./quadrature";

/** Below this opening phi the sum for J_1 cancels badly enough that (1) is integrated instead. */
export const NEAR_ANTIPODAL = 0.5;
const WEDGE_RULE = gaussLegendre(24);
/** The Gauss-Legendre rules of (1) for k > 10, by k: max(32, k + 16) nodes. */
const wedgeRules = new Map<number, QuadratureRule>();

function wedgeRule(k: number): QuadratureRule {
  if (k <= 10) return WEDGE_RULE;
  let rule = wedgeRules.get(k);
  if (rule === undefined) {
    rule = gaussLegendre(Math.max(32, k + 16));
    wedgeRules.set(k, rule);
  }
  return rule;
}

/** (2k - 1)!! = 1 * 3 * ... * (2k - 1), with (-1)!! = 1. */
export function doubleFactorialOdd(k: number): number {
  let p = 1;
  for (let i = 3; i <= 2 * k - 1; i += 2) p *= i;
  return p;
}

function factorial(k: number): number {
  let p = 1;
  for (let i = 2; i <= k; i++) p *= i;
  return p;
}

/** J_k(theta); phi = pi - theta, cosT = cos theta, sinT = sin theta >= 0. */
export function arcCosJ(k: number, theta: number, phi: number, cosT: number, sinT: number): number {
  if (k === 0) return phi;
  if (phi < NEAR_ANTIPODAL || (k > 1 && cosT < 0)) return wedgeIntegral(k, phi);
  // C_j(phi) with cos phi = -cos theta and sin phi = sin theta.
  let cPrev = phi; // C_{j-2}
  let cCur = sinT; // C_{j-1}
  let sum = Math.pow(cosT, k) * phi + k * Math.pow(cosT, k - 1) * sinT;
  let binom = k;
  let cosPhiPow = 1; // cos^{j-2}(phi)
  for (let j = 2; j <= k; j++) {
    const cNext = (cosPhiPow * -cosT * sinT) / j + ((j - 1) / j) * cPrev;
    cosPhiPow *= -cosT;
    cPrev = cCur;
    cCur = cNext;
    binom = (binom * (k - j + 1)) / j;
    sum += binom * Math.pow(cosT, k - j) * cNext;
  }
  return factorial(k) * sum;
}

/** Equation (1) by Gauss-Legendre on [-phi/2, phi/2]. */
function wedgeIntegral(k: number, phi: number): number {
  const half = phi / 2;
  const { nodes, weights } = wedgeRule(k);
  let sum = 0;
  if (k === 1) {
    // Math.pow(x, 1) is x: the same sum without 24 calls of pow (this loop dominates near-antipodal pairs).
    for (let i = 0; i < nodes.length; i++) {
      const s = half * nodes[i];
      sum += weights[i] * (Math.sin(half - s) * Math.sin(half + s));
    }
  } else {
    for (let i = 0; i < nodes.length; i++) {
      const s = half * nodes[i];
      sum += weights[i] * Math.pow(Math.sin(half - s) * Math.sin(half + s), k);
    }
  }
  return 2 ** k * factorial(k) * half * sum;
}

/**
 * J_k(0) - J_k(theta) >= 0, the distance of the normalized kernel from 1 that fixes the next layer's
 * angle. For k = 1 it is phi (1 - cos theta) + (theta - sin theta), both terms non-negative, with
 * 1 - cos theta = 2 sin^2(theta/2) and theta - sin theta by its Taylor series for small theta, so
 * nearly parallel pairs keep full relative precision through deep ReLU layers. For k >= 2 the plain
 * difference is used: its absolute error perturbs the next angle, but the next layer's kernels
 * J_k and J_{k-1} (k - 1 >= 1) are flat at theta = 0, so the perturbation does not reach the result.
 */
export function arcCosJGap(k: number, theta: number, phi: number, cosT: number, sinT: number): number {
  if (k === 0) return theta;
  if (k === 1) {
    const sinHalf = Math.sin(theta / 2);
    return phi * 2 * sinHalf * sinHalf + thetaMinusSin(theta, sinT);
  }
  return Math.PI * doubleFactorialOdd(k) - arcCosJ(k, theta, phi, cosT, sinT);
}

/** theta - sin theta; the series sum_{j>=1} (-1)^{j+1} theta^{2j+1} / (2j+1)! where the difference cancels. */
function thetaMinusSin(theta: number, sinT: number): number {
  if (theta > 0.5) return theta - sinT;
  const t2 = theta * theta;
  let term = (theta * t2) / 6;
  let sum = term;
  for (let j = 2; j <= 9; j++) {
    term *= -t2 / (2 * j * (2 * j + 1));
    sum += term;
  }
  return sum;
}
