/**
 * Activations, all built on one template (after neural-tangents' stax): a function, its derivative and
 * its dual. The dual of s at a 2x2 covariance [[a, c], [c, b]] gives the two Gaussian expectations the
 * NTK recursion needs (Arora et al. 2019, as in seed 003),
 *   E[s(u) s(v)] and E[s'(u) s'(v)],  (u, v) ~ N(0, [[a, c], [c, b]]),
 * for any a, b >= 0 (seed 004 problem 1: general norms, not only unit vectors). Closed forms where they
 * exist; any other activation is integrated by 2-D Gauss-Hermite quadrature.
 */
import { arcCosJ, arcCosJGap, doubleFactorialOdd } from "./kernels/arccos";
import { erf as erfFunction, erfDerivative } from "./kernels/erf";
import { gaussHermite } from "./kernels/quadrature";
import { checkInteger } from "./validate";

/**
 * The dual of an activation. Besides (a, b, c) it receives g = sqrt(ab) - c and h = sqrt(ab) + c, each
 * computed to full relative precision by the caller (their product is ab - c^2, and they fix the angle
 * theta = 2 atan2(sqrt g, sqrt h) near 0 and pi, where c / sqrt(ab) has lost the digits). It writes
 *   out[0] = E[s(u) s(v)],  out[1] = E[s'(u) s'(v)],
 *   out[2] = sqrt(E[s(u)^2] E[s(v)^2]) - out[0],  out[3] = sqrt(E[s(u)^2] E[s(v)^2]) + out[0]
 * where out[2] and out[3] are the same two quantities one layer up; a dual that cannot give them more
 * accurately than that subtraction writes NaN there and the caller subtracts.
 * Writing into a caller's array keeps kernel-matrix loops free of per-entry allocation.
 */
export type Dual = (a: number, b: number, c: number, g: number, h: number, out: Float64Array) => void;

export interface Activation {
  readonly name: string;
  readonly fn: (z: number) => number;
  readonly derivative: (z: number) => number;
  readonly dual: Dual;
  /** c_s = 1 / E[s(z)^2], z ~ N(0, 1): the normalization that keeps the layer variances at 1. */
  readonly scale: number;
}

/** Number of Gauss-Hermite nodes per dimension for activations without a closed-form dual. */
export const DEFAULT_QUADRATURE_POINTS = 64;

/**
 * An activation from its function and derivative. Without a dual, the dual is 2-D Gauss-Hermite
 * quadrature with quadraturePoints^2 nodes: exponentially accurate for smooth activations, only
 * algebraically for kinks (use the closed forms below for the ReLU family).
 */
export function activation(spec: {
  name: string;
  fn: (z: number) => number;
  derivative: (z: number) => number;
  dual?: Dual;
  quadraturePoints?: number;
}): Activation {
  if (typeof spec.name !== "string" || spec.name.length === 0) {
    throw new Error(`activation: name must be a non-empty string, got ${String(spec.name)}`);
  }
  for (const key of ["fn", "derivative"] as const) {
    if (typeof spec[key] !== "function") {
      throw new Error(`activation: ${key} must be a function of one number, got ${typeof spec[key]}`);
    }
  }
  const dual =
    spec.dual ?? quadratureDual(spec.fn, spec.derivative, spec.quadraturePoints ?? DEFAULT_QUADRATURE_POINTS);
  const out = new Float64Array(4);
  dual(1, 1, 1, 0, 2, out);
  if (!(out[0] > 0 && Number.isFinite(out[0]))) {
    throw new Error(
      `activation ${spec.name}: E[s(z)^2] must be finite and > 0 for the c_s normalization, got ${out[0]}`,
    );
  }
  return Object.freeze({
    name: spec.name,
    fn: spec.fn,
    derivative: spec.derivative,
    dual,
    scale: 1 / out[0],
  });
}

/**
 * 2-D Gauss-Hermite dual: u = sqrt(a) z1, v = (c / sqrt(a)) z1 + sqrt((ab - c^2) / a) z2 with z1, z2
 * independent N(0, 1), and ab - c^2 = g h without cancellation.
 */
export function quadratureDual(
  fn: (z: number) => number,
  derivative: (z: number) => number,
  points: number,
): Dual {
  checkInteger("quadratureDual", "points", points, 1);
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

/**
 * max(0, z)^k for an integer k >= 1 (not z^k: for even k that would be a different, even function, the
 * bug of a public version of this study). Dual: arc-cosine kernel of order k (Cho & Saul 2009),
 * E[s(u)s(v)] = (ab)^{k/2} J_k(theta) / (2 pi); the derivative k max(0,z)^{k-1} gives order k - 1 times k^2.
 * c_s = 2 / (2k - 1)!!. Homogeneity of degree k carries the unit-sphere formula to any norms (seed 004
 * problem 1). A zero input variance (a = 0 or b = 0) has the limit E[s(u)s(v)] = 0; the derivative
 * term then takes theta = pi/2, a value that only ever multiplies a factor that is zero there.
 */
export function reluPower(k: number): Activation {
  checkInteger("reluPower", "k", k, 1);
  const norm = 1 / (2 * Math.PI);
  const fullJ = Math.PI * doubleFactorialOdd(k);
  const dual: Dual = (a, b, _c, g, h, out) => {
    const r = Math.sqrt(a * b);
    if (!(r > 0)) {
      out[0] = 0;
      out[1] = k === 1 ? 0.25 : 0;
      out[2] = 0;
      out[3] = 0;
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
    const rk = k === 1 ? r : Math.pow(r, k);
    const jk = arcCosJ(k, theta, phi, cosT, sinT);
    out[0] = rk * norm * jk;
    out[1] = k * k * (k === 1 ? 1 : Math.pow(r, k - 1)) * norm * arcCosJ(k - 1, theta, phi, cosT, sinT);
    out[2] = rk * norm * arcCosJGap(k, theta, phi, cosT, sinT);
    out[3] = rk * norm * (fullJ + jk);
  };
  return activation({
    name: k === 1 ? "relu" : `relu^${k}`,
    fn: k === 1 ? (z) => (z > 0 ? z : 0) : (z) => (z > 0 ? Math.pow(z, k) : 0),
    derivative: k === 1 ? (z) => (z > 0 ? 1 : 0) : (z) => (z > 0 ? k * Math.pow(z, k - 1) : 0),
    dual,
  });
}

/** max(0, z): reluPower(1); c_s = 2, the sqrt(2) of seed 004. */
export const relu: Activation = reluPower(1);

/**
 * sin(z + shift). With sin(u+s) sin(v+s) = [cos(u - v) - cos(u + v + 2s)] / 2 and E[cos(u -+ v)] =
 * e^{-(a + b -+ 2c)/2}:  E[s(u)s(v)] = e^{-(a+b)/2} [(1 - cos 2s) cosh c + (1 + cos 2s) sinh c] / 2,
 * and the derivative cos(z + s) swaps the signs of cos 2s. shift 0 gives e^{-(a+b)/2} sinh c, shift pi/2
 * (cos) gives e^{-(a+b)/2} cosh c (DESIGN.md).
 */
function shiftedSine(name: string, shift: number): Activation {
  const k = Math.cos(2 * shift);
  return activation({
    name,
    fn: (z) => Math.sin(z + shift),
    derivative: (z) => Math.cos(z + shift),
    dual: (a, b, c, _g, _h, out) => {
      const damp = Math.exp(-(a + b) / 2);
      const ch = Math.cosh(c);
      const sh = Math.sinh(c);
      out[0] = (damp * ((1 - k) * ch + (1 + k) * sh)) / 2;
      out[1] = (damp * ((1 + k) * ch + (1 - k) * sh)) / 2;
      out[2] = NaN;
      out[3] = NaN;
    },
  });
}

/** sin z; c_s = 2 / (1 - e^{-2}). */
export const sin: Activation = shiftedSine("sin", 0);
/** cos z = sin(z + pi/2); c_s = 2 / (1 + e^{-2}). */
export const cos: Activation = shiftedSine("cos", Math.PI / 2);

/**
 * erf z. Williams (1997): E[erf(u) erf(v)] = (2/pi) asin(2c / sqrt((1 + 2a)(1 + 2b))); the derivative
 * (2/sqrt(pi)) e^{-z^2} gives E = (4/pi) / sqrt(det(I + 2 Lambda)) = (4/pi) / sqrt(1 + 2a + 2b + 4(ab - c^2)),
 * with ab - c^2 = g h. c_s = 1 / ((2/pi) asin(2/3)).
 */
export const erf: Activation = activation({
  name: "erf",
  fn: erfFunction,
  derivative: erfDerivative,
  dual: (a, b, c, g, h, out) => {
    out[0] = (2 / Math.PI) * Math.asin((2 * c) / Math.sqrt((1 + 2 * a) * (1 + 2 * b)));
    out[1] = 4 / Math.PI / Math.sqrt(1 + 2 * a + 2 * b + 4 * g * h);
    out[2] = NaN;
    out[3] = NaN;
  },
});

/** z: the dual is the covariance itself, passed through exactly (a linear layer). c_s = 1. */
export const identity: Activation = activation({
  name: "identity",
  fn: (z) => z,
  derivative: () => 1,
  dual: (_a, _b, c, g, h, out) => {
    out[0] = c;
    out[1] = 1;
    out[2] = g;
    out[3] = h;
  },
});
