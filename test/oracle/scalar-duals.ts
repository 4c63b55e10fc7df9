/**
 * The scalar duals of the lab's activations as they were before duals became passes over arrays: one
 * covariance (a, b, c, g, h) at a time into out = [E s(u)s(v), E s'(u)s'(v), gap, cogap]. Together with
 * per-pair-ntk.ts they are the oracle the layer engine (src/kernels/ntk.ts) is checked against bit for bit;
 * the array duals of src/activations.ts must do the same operations in the same order.
 */
import { erfGaps, rootOfProduct } from "../../src/activations";
import { arcCosJ, arcCosJGap, doubleFactorialOdd, NEAR_ANTIPODAL } from "../../src/special/arccos";
import { gaussHermite } from "../../src/special/quadrature";

export type Dual = (a: number, b: number, c: number, g: number, h: number, out: Float64Array) => void;

/**
 * Cheaper versions of some duals for the network's last hidden layer, whose gaps out[2], out[3] the
 * recursion never reads: they write out[0] and out[1] exactly as the full dual does (the same operations
 * in the same order) and leave out[2], out[3] untouched. Internal to the kernels; the Dual contract of
 * Activation.dual is unchanged.
 */
const valuesOnlyDuals = new WeakMap<Dual, Dual>();

/** The dual for a last layer: out[0], out[1] only (see valuesOnlyDuals); the full dual where none is registered. */
export function valuesOnlyDual(dual: Dual): Dual {
  return valuesOnlyDuals.get(dual) ?? dual;
}

/** 2-D Gauss-Hermite dual: u = sqrt(a) z1, v = (c / sqrt(a)) z1 + sqrt((ab - c^2) / a) z2. */
export function quadratureDual(
  fn: (z: number) => number,
  derivative: (z: number) => number,
  points: number,
): Dual {
  const { nodes, weights } = gaussHermite(points);
  const n = nodes.length;
  return (a, b, c, g, h, out) => {
    const sa = Math.sqrt(a);
    const along = a > 0 ? c / sa : 0;
    const across = a > 0 ? Math.sqrt((g * h) / a) : Math.sqrt(b);
    let ss = 0;
    let dd = 0;
    for (let i = 0; i < n; i++) {
      const u = sa * nodes[i];
      let sv = 0;
      let dv = 0;
      for (let j = 0; j < n; j++) {
        const v = along * nodes[i] + across * nodes[j];
        sv += weights[j] * fn(v);
        dv += weights[j] * derivative(v);
      }
      ss += weights[i] * fn(u) * sv;
      dd += weights[i] * derivative(u) * dv;
    }
    out[0] = ss;
    out[1] = dd;
    out[2] = NaN;
    out[3] = NaN;
  };
}

export const RELU_POWER_MAX_K = 150;

/**
 * max(0, z)^k for an integer 1 <= k <= 150 (not z^k: for even k that would be a different, even function, the
 * bug of a public version of this study). Dual: arc-cosine kernel of order k (Cho & Saul 2009),
 * E[s(u)s(v)] = (ab)^{k/2} J_k(theta) / (2 pi); the derivative k max(0,z)^{k-1} gives order k - 1 times k^2.
 * c_s = 2 / (2k - 1)!!. Homogeneity of degree k carries the unit-sphere formula to any norms (Problem Set 4,
 * problem 1). A zero input variance (a = 0 or b = 0) has the limit E[s(u)s(v)] = 0; the derivative
 * term then takes theta = pi/2, a value that only ever multiplies a factor that is zero there.
 */
export function reluPowerDual(k: number): Dual {
  const norm = 1 / (2 * Math.PI);
  const fullJ = Math.PI * doubleFactorialOdd(k);
  // The last pair's theta, pi - theta, cos theta, sin theta and J_k(theta), which the full dual reuses.
  const pair = new Float64Array(5);
  // The values-only dual (a last layer reads no gaps). For k = 1, J_1 = cos(theta) phi + sin(theta) and
  // J_0 = phi are written out (arcCosJ's sum reduces to exactly these operations: pow(x, 1) = x, 1 * x = x).
  const values: Dual = (a, b, _c, g, h, out) => {
    const r = rootOfProduct(a, b);
    if (!(r > 0)) {
      out[0] = 0;
      out[1] = k === 1 ? 0.25 : 0;
      return;
    }
    // One atan2 for whichever of theta, pi - theta is <= pi/2; the other is its exact complement.
    const sg = Math.sqrt(g);
    const sh = Math.sqrt(h);
    let theta: number;
    let phi: number;
    if (g <= h) {
      theta = 2 * Math.atan2(sg, sh);
      phi = Math.PI - theta;
    } else {
      phi = 2 * Math.atan2(sh, sg);
      theta = Math.PI - phi;
    }
    const cosT = (h - g) / (h + g);
    const sinT = (2 * sg * sh) / (h + g);
    let jk: number;
    if (k === 1) {
      jk = phi < NEAR_ANTIPODAL ? arcCosJ(1, theta, phi, cosT, sinT) : cosT * phi + sinT;
      out[0] = r * norm * jk;
      out[1] = norm * phi;
    } else {
      jk = arcCosJ(k, theta, phi, cosT, sinT);
      out[0] = Math.pow(r, k) * norm * jk;
      out[1] = k * k * Math.pow(r, k - 1) * norm * arcCosJ(k - 1, theta, phi, cosT, sinT);
    }
    pair[0] = theta;
    pair[1] = phi;
    pair[2] = cosT;
    pair[3] = sinT;
    pair[4] = jk;
  };
  const dual: Dual = (a, b, c, g, h, out) => {
    values(a, b, c, g, h, out);
    const r = rootOfProduct(a, b);
    if (!(r > 0)) {
      out[2] = 0;
      out[3] = 0;
      return;
    }
    const rk = k === 1 ? r : Math.pow(r, k);
    out[2] = rk * norm * arcCosJGap(k, pair[0], pair[1], pair[2], pair[3]);
    out[3] = rk * norm * (fullJ + pair[4]);
  };
  valuesOnlyDuals.set(dual, values);
  return dual;
}

/**
 * sin z (sign = 1) or cos z (sign = -1). With E[cos(u -+ v)] = e^{-(a + b -+ 2c)/2}:
 *   E[sin u sin v] = e^{-(a+b)/2} sinh c,  E[cos u cos v] = e^{-(a+b)/2} cosh c,
 * and the derivative of each is the other up to sign. E[sin^2 u] = e^{-a} sinh a, E[cos^2 u] = e^{-a} cosh a.
 *
 * The gaps out[2], out[3] (see Dual) are written without cancellation, so a ReLU layer after sin or cos keeps
 * full precision for nearly parallel and antipodal pairs. With m = sqrt(ab), f = sinh (sin) or cosh (cos):
 *   sqrt(f(a) f(b)) -+ f(c) = [sqrt(f(a) f(b)) - f(m)] + [f(m) -+ f(c)],
 * where f(m) -+ f(c) comes from g = m - c and h = m + c by the sum-to-product identities, and
 *   f(a) f(b) - f(m)^2 = sinh((a+b)/2 + m) sinh((sqrt a - sqrt b)^2 / 2) -+ sinh^2((a - b)/2)
 * (minus for sinh, plus for cosh) is small to second order in a - b and computed without cancellation.
 */
function sineOrCosineDual(sign: 1 | -1): Dual {
  const f = sign === 1 ? Math.sinh : Math.cosh;
  const fPrime = sign === 1 ? Math.cosh : Math.sinh;
  // Past this half-trace s = (a + b)/2, e^{-s} underflows or sinh c overflows (their product is finite):
  // the values come from e^{+-c - s} directly, and the gaps are left to the caller's subtraction, which
  // is accurate enough where sin and cos of so wide a Gaussian are nearly independent random signs.
  const LARGE = 300;
  const largeVariance = (a: number, b: number, c: number, out: Float64Array): void => {
    const s = (a + b) / 2;
    const up = Math.exp(c - s) / 2;
    const down = Math.exp(-c - s) / 2;
    out[0] = sign === 1 ? up - down : up + down;
    out[1] = sign === 1 ? up + down : up - down;
    out[2] = NaN;
    out[3] = NaN;
  };
  const dual: Dual = (a, b, c, g, h, out) => {
    if ((a + b) / 2 > LARGE) return largeVariance(a, b, c, out);
    const damp = Math.exp(-(a + b) / 2);
    out[0] = damp * f(c);
    out[1] = damp * fPrime(c);
    const m = rootOfProduct(a, b);
    const root = rootOfProduct(f(a), f(b));
    // sqrt a - sqrt b as (a - b) / (sqrt a + sqrt b): a - b is exact when a and b are close (Sterbenz),
    // while the difference of the two rounded roots would keep only its last bits.
    const rootGap = (a - b) / (Math.sqrt(a) + Math.sqrt(b) || 1);
    const squares =
      Math.sinh((a + b) / 2 + m) * Math.sinh(rootGap ** 2 / 2) - sign * Math.sinh((a - b) / 2) ** 2;
    const offDiagonal = squares / (root + f(m)); // sqrt(f(a) f(b)) - f(m)
    // sinh m - sinh c = 2 cosh(h/2) sinh(g/2), sinh m + sinh c = 2 sinh(h/2) cosh(g/2);
    // cosh m - cosh c = 2 sinh(h/2) sinh(g/2), cosh m + cosh c = 2 cosh(h/2) cosh(g/2).
    const minus =
      sign === 1 ? 2 * Math.cosh(h / 2) * Math.sinh(g / 2) : 2 * Math.sinh(h / 2) * Math.sinh(g / 2);
    const plus =
      sign === 1 ? 2 * Math.sinh(h / 2) * Math.cosh(g / 2) : 2 * Math.cosh(h / 2) * Math.cosh(g / 2);
    // Both gaps are >= 0 by Cauchy-Schwarz; rounding can leave one a few ulps of 1e-33 below it.
    out[2] = Math.max(0, damp * (offDiagonal + minus));
    out[3] = Math.max(0, damp * (offDiagonal + plus));
  };
  valuesOnlyDuals.set(dual, (a, b, c, _g, _h, out) => {
    if ((a + b) / 2 > LARGE) return largeVariance(a, b, c, out);
    const damp = Math.exp(-(a + b) / 2);
    out[0] = damp * f(c);
    out[1] = damp * fPrime(c);
  });
  return dual;
}

/** sin z; c_s = 2 / (1 - e^{-2}). */
export const sinDual: Dual = sineOrCosineDual(1);
/** cos z; c_s = 2 / (1 + e^{-2}). */
export const cosDual: Dual = sineOrCosineDual(-1);

/**
 * erf z. Williams (1997): E[erf(u) erf(v)] = (2/pi) asin(2c / sqrt((1 + 2a)(1 + 2b))); the derivative
 * (2/sqrt(pi)) e^{-z^2} gives E = (4/pi) / sqrt(det(I + 2 Lambda)) = (4/pi) / sqrt(1 + 2a + 2b + 4(ab - c^2)),
 * with ab - c^2 = g h. c_s = 1 / ((2/pi) asin(2/3)).
 */
export const erfDual: Dual = (a, b, c, g, h, out) => {
  // The ratio is < 1 in exact arithmetic; rounding may reach 1 + eps for huge variances.
  out[0] =
    (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, (2 * c) / rootOfProduct(1 + 2 * a, 1 + 2 * b))));
  const rootS = Math.sqrt(1 + 2 * a + 2 * b + 4 * g * h);
  out[1] = 4 / Math.PI / rootS;
  // The gaps' formula is activations.ts's (its accuracy is tested against mpmath there, not here).
  erfGaps(a, b, c, g, h, rootS, gapsOut);
  out[2] = gapsOut[0];
  out[3] = gapsOut[1];
};
const gapsOut = new Float64Array(2);

/** z: the dual is the covariance itself, passed through exactly (a linear layer). c_s = 1. */
export const identityDual: Dual = (_a, _b, c, g, h, out) => {
  out[0] = c;
  out[1] = 1;
  out[2] = g;
  out[3] = h;
};
