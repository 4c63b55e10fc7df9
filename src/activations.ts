/**
 * Activations, all built on one template (after neural-tangents' stax): a function, its derivative and
 * its dual. The dual of s at a 2x2 covariance [[a, c], [c, b]] gives the two Gaussian expectations the
 * NTK recursion needs (Arora et al. 2019, as in the 18.408 project report),
 *   E[s(u) s(v)] and E[s'(u) s'(v)],  (u, v) ~ N(0, [[a, c], [c, b]]),
 * for any a, b >= 0 (Problem Set 4, problem 1: general norms, not only unit vectors). Closed forms where they
 * exist; any other activation is integrated by 2-D Gauss-Hermite quadrature. An activation is also a layer
 * of an architecture (layers.ts): serial(dense(...), relu, dense(...)).
 */
import { arcCosJ, arcCosJGap, doubleFactorialOdd, NEAR_ANTIPODAL } from "./special/arccos";
import { erf as erfFunction, erfDerivative } from "./special/erf";
import { gaussHermite } from "./special/quadrature";
import { MIN_NORMAL } from "./numeric";
import type { VectorForm } from "./linalg/elementwise";
import { checkFinite, checkFunction, checkInteger, describeValue, requiredObject } from "./validate";

/**
 * The arrays a dual reads and writes, entry e for e < count: one entry per pair of points (and, for the
 * layers of a convolution, per pair of positions). Inputs a, b, c, and g = sqrt(ab) - c and h = sqrt(ab) + c,
 * each computed to full relative precision by the caller (their product is ab - c^2, and they fix the angle
 * theta = 2 atan2(sqrt g, sqrt h) near 0 and pi, where c / sqrt(ab) has lost the digits). Outputs
 *   value = E[s(u) s(v)],  derivative = E[s'(u) s'(v)],
 *   gap = sqrt(E[s(u)^2] E[s(v)^2]) - value,  cogap = sqrt(E[s(u)^2] E[s(v)^2]) + value,
 * gap and cogap being g and h one layer up.
 */
export interface DualArrays {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly value: Float64Array;
  readonly derivative: Float64Array;
  readonly gap: Float64Array;
  readonly cogap: Float64Array;
}

/**
 * The dual of an activation over arrays (DualArrays), one pass over `count` entries. With gaps false (a
 * network's last hidden layer, whose gaps the recursion never reads) it need not write gap and cogap;
 * value and derivative must then be the same bits as with gaps true. A dual that cannot give the gaps
 * more accurately than the subtraction sqrt(E s(u)^2 E s(v)^2) -+ value writes NaN there, and the caller
 * subtracts.
 */
export type Dual = (io: DualArrays, count: number, gaps: boolean) => void;

export interface Activation {
  /** An activation is a layer of an architecture (layers.ts). */
  readonly kind: "activation";
  readonly name: string;
  readonly fn: (z: number) => number;
  readonly derivative: (z: number) => number;
  readonly dual: Dual;
  /** c_s = 1 / E[s(z)^2], z ~ N(0, 1): the normalization that keeps the layer variances at 1. */
  readonly scale: number;
  /**
   * Set on relu and identity only: the trainer's passes may then compute fn and derivative branch-free in
   * WebAssembly SIMD (linalg/elementwise.ts), to the same bits.
   */
  readonly vector?: VectorForm;
}

/**
 * sqrt(a b) for a, b >= 0 without overflow or underflow of the product: sqrt(1e300 * 1e300) is Infinity
 * and sqrt(1e-300 * 1e-300) is 0, where sqrt(a) sqrt(b) is right. Where a b is a normal number it is
 * exactly Math.sqrt(a * b), so ordinary inputs keep their bits.
 */
export function rootOfProduct(a: number, b: number): number {
  const p = a * b;
  return p >= MIN_NORMAL && p < Infinity ? Math.sqrt(p) : Math.sqrt(a) * Math.sqrt(b);
}

/** The activations whose duals kernels/ntk-simd.ts has compiled forms of. */
export type ClosedForm = "relu" | "sin" | "cos" | "erf" | "identity";

/**
 * The closed-form duals by the function itself: an activation built with another dual is not one of them.
 * One map per process (on globalThis): tslab evaluates src/ anew when an import cell is rerun, and an
 * architecture built before the rerun must get the same compiled kernels after it.
 */
const closedForms: WeakMap<Dual, ClosedForm> = ((
  globalThis as unknown as Record<symbol, WeakMap<Dual, ClosedForm>>
)[Symbol.for("ntk-lab.closed-forms")] ??= new WeakMap());

/** Which closed form act's dual is (relu, sin, cos, erf, identity), or null for any other dual. */
export function closedFormOf(act: Activation): ClosedForm | null {
  return closedForms.get(act.dual) ?? null;
}

/** Number of Gauss-Hermite nodes per dimension for activations without a closed-form dual. */
export const DEFAULT_QUADRATURE_POINTS = 64;

/** The most nodes per dimension activation() and quadratureDual() take (10^6 evaluations per entry). */
export const MAX_QUADRATURE_POINTS = 1000;

/** points^2 evaluations per kernel entry and an n x n eigenproblem for the rule: past 1000 neither is usable. */
function checkQuadratureSize(who: string, name: string, points: number): void {
  if (points > MAX_QUADRATURE_POINTS) {
    throw new Error(
      `${who}: ${name} must be at most ${MAX_QUADRATURE_POINTS} (${name}^2 evaluations per kernel entry), got ${points}`,
    );
  }
}

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
  const who = "activation";
  requiredObject(who, "spec", spec, "{ name, fn, derivative, dual?, quadraturePoints? }");
  if (typeof spec.name !== "string" || spec.name.length === 0) {
    throw new Error(`${who}: name must be a non-empty string, got ${describeValue(spec.name)}`);
  }
  checkScalarFunctions(`${who} ${spec.name}`, spec.fn, spec.derivative);
  if (spec.dual !== undefined)
    checkFunction(who, "dual", spec.dual, "a Dual (io: DualArrays, count, gaps) => void");
  const points = spec.quadraturePoints ?? DEFAULT_QUADRATURE_POINTS;
  checkInteger(who, "quadraturePoints", points, 1);
  checkQuadratureSize(who, "quadraturePoints", points);
  const dual = spec.dual ?? gaussHermiteDual(spec.fn, spec.derivative, points);
  const out = dualAt(dual, 1, 1, 1, 0, 2);
  if (!(out[0] > 0 && Number.isFinite(out[0]))) {
    throw new Error(
      `activation ${spec.name}: E[s(z)^2] must be finite and > 0 for the c_s normalization, got ${out[0]}`,
    );
  }
  if (!Number.isFinite(out[1])) {
    throw new Error(
      `activation ${spec.name}: E[s'(z)^2] (the dual's derivative at unit variance) must be finite, got ${out[1]}`,
    );
  }
  return Object.freeze({
    kind: "activation",
    name: spec.name,
    fn: spec.fn,
    derivative: spec.derivative,
    dual,
    scale: 1 / out[0],
  });
}

/**
 * One entry of a dual: [value, derivative, gap, cogap] at (a, b, c, g, h) (see DualArrays), for checks,
 * messages and a look at one covariance; the kernels call duals over whole arrays.
 */
export function dualAt(dual: Dual, a: number, b: number, c: number, g: number, h: number): Float64Array {
  checkFunction("dualAt", "dual", dual, "a Dual (io: DualArrays, count, gaps) => void");
  for (const [name, v] of [
    ["a", a],
    ["b", b],
    ["g", g],
    ["h", h],
  ] as const) {
    if (!(typeof v === "number" && v >= 0 && v < Infinity)) {
      throw new Error(
        `dualAt: ${name} must be a finite number >= 0 (a variance or a gap), got ${describeValue(v)}`,
      );
    }
  }
  checkFinite("dualAt", "c", c);
  const one = (v: number) => Float64Array.of(v);
  const io: DualArrays = {
    a: one(a),
    b: one(b),
    c: one(c),
    g: one(g),
    h: one(h),
    value: one(NaN),
    derivative: one(NaN),
    gap: one(NaN),
    cogap: one(NaN),
  };
  dual(io, 1, true);
  return Float64Array.of(io.value[0], io.derivative[0], io.gap[0], io.cogap[0]);
}

/** Where activation() tries fn and derivative: the Gauss-Hermite nodes of N(0, 1) (|z| up to 14.9). */
const PROBES = gaussHermite(DEFAULT_QUADRATURE_POINTS).nodes;

/**
 * The first z = scale * probes[k] where fn or derivative is not finite, as "derivative(z) = NaN", or null.
 * For messages: activation() tries the unit-variance nodes, and a kernel whose layer turned NaN tries
 * the nodes at that layer's standard deviations.
 */
export function nonFiniteAt(
  act: Pick<Activation, "fn" | "derivative">,
  probes: ArrayLike<number>,
  scales: readonly number[] = [1],
): string | null {
  for (const scale of scales) {
    for (let k = 0; k < probes.length; k++) {
      const z = scale * probes[k];
      for (const key of ["fn", "derivative"] as const) {
        const v = act[key](z);
        if (!Number.isFinite(v)) return `${key}(${z}) must be finite, got ${v}`;
      }
    }
  }
  return null;
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
  checkScalarFunctions("quadratureDual", fn, derivative);
  checkInteger("quadratureDual", "points", points, 1);
  checkQuadratureSize("quadratureDual", "points", points);
  return gaussHermiteDual(fn, derivative, points);
}

/**
 * fn and derivative must be functions, finite at the Gauss-Hermite nodes of N(0, 1) where the dual
 * integrates them (a NaN there would make every kernel entry NaN).
 */
function checkScalarFunctions(
  who: string,
  fn: (z: number) => number,
  derivative: (z: number) => number,
): void {
  checkFunction(who, "fn", fn, "a function of one number");
  checkFunction(who, "derivative", derivative, "a function of one number");
  const fault = nonFiniteAt({ fn, derivative }, PROBES);
  if (fault) throw new Error(`${who}: ${fault}`);
}

/** quadratureDual for checked arguments. */
function gaussHermiteDual(
  fn: (z: number) => number,
  derivative: (z: number) => number,
  points: number,
): Dual {
  const { nodes, weights } = gaussHermite(points);
  const n = nodes.length;
  return (io, count) => {
    for (let e = 0; e < count; e++) {
      const a = io.a[e];
      const b = io.b[e];
      const c = io.c[e];
      const sa = Math.sqrt(a);
      const along = a > 0 ? c / sa : 0;
      const across = a > 0 ? Math.sqrt((io.g[e] * io.h[e]) / a) : Math.sqrt(b);
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
      io.value[e] = ss;
      io.derivative[e] = dd;
      io.gap[e] = NaN;
      io.cogap[e] = NaN;
    }
  };
}

/** The largest k of reluPower: (2k - 1)!! = 2 E[max(0, z)^(2k)] is finite in float64 up to k = 150 (3.8e306). */
export const RELU_POWER_MAX_K = 150;

/**
 * max(0, z)^k for an integer 1 <= k <= 150 (not z^k: for even k that would be a different, even function).
 * Dual: arc-cosine kernel of order k (Cho & Saul 2009),
 * E[s(u)s(v)] = (ab)^{k/2} J_k(theta) / (2 pi); the derivative k max(0,z)^{k-1} gives order k - 1 times k^2.
 * c_s = 2 / (2k - 1)!!. Homogeneity of degree k carries the unit-sphere formula to any norms (Problem Set 4,
 * problem 1). A zero input variance (a = 0 or b = 0) has the limit E[s(u)s(v)] = 0; the derivative
 * term then takes theta = pi/2, a value that only ever multiplies a factor that is zero there.
 */
export function reluPower(k: number): Activation {
  const made = reluPowers.get(k);
  if (made) return made;
  if (!(Number.isInteger(k) && k >= 1 && k <= RELU_POWER_MAX_K)) {
    throw new Error(
      `reluPower: k must be an integer in [1, ${RELU_POWER_MAX_K}], got ${k} (past k = ${RELU_POWER_MAX_K}, E[max(0, z)^(2k)] = (2k - 1)!!/2 exceeds float64)`,
    );
  }
  const norm = 1 / (2 * Math.PI);
  const fullJ = Math.PI * doubleFactorialOdd(k);
  // A local, not the import: read through the module binding it cost a getter call per entry.
  const nearAntipodal = NEAR_ANTIPODAL;
  const dual: Dual = (io, count, gaps) => {
    const { a: A, b: B, g: G, h: H, value, derivative, gap, cogap } = io;
    for (let e = 0; e < count; e++) {
      const r = rootOfProduct(A[e], B[e]);
      if (!(r > 0)) {
        value[e] = 0;
        derivative[e] = k === 1 ? 0.25 : 0;
        if (gaps) {
          gap[e] = 0;
          cogap[e] = 0;
        }
        continue;
      }
      const g = G[e];
      const h = H[e];
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
        // J_1 = cos(theta) phi + sin(theta) and J_0 = phi written out (arcCosJ's sum reduces to exactly
        // these operations: pow(x, 1) = x, 1 * x = x).
        jk = phi < nearAntipodal ? arcCosJ(1, theta, phi, cosT, sinT) : cosT * phi + sinT;
        value[e] = r * norm * jk;
        derivative[e] = norm * phi;
      } else {
        jk = arcCosJ(k, theta, phi, cosT, sinT);
        value[e] = Math.pow(r, k) * norm * jk;
        derivative[e] = k * k * Math.pow(r, k - 1) * norm * arcCosJ(k - 1, theta, phi, cosT, sinT);
      }
      if (gaps) {
        const rk = k === 1 ? r : Math.pow(r, k);
        gap[e] = rk * norm * arcCosJGap(k, theta, phi, cosT, sinT);
        cogap[e] = rk * norm * (fullJ + jk);
      }
    }
  };
  const act = activation({
    name: k === 1 ? "relu" : `relu^${k}`,
    fn: k === 1 ? (z) => (z > 0 ? z : 0) : (z) => (z > 0 ? Math.pow(z, k) : 0),
    derivative: k === 1 ? (z) => (z > 0 ? 1 : 0) : (z) => (z > 0 ? k * Math.pow(z, k - 1) : 0),
    dual,
  });
  if (k === 1) closedForms.set(dual, "relu");
  const built = k === 1 ? Object.freeze({ ...act, vector: "relu" as const }) : act;
  reluPowers.set(k, built);
  return built;
}

/** reluPower's activations, one per k: reluPower(1) is relu itself (and takes its compiled dual). */
const reluPowers = new Map<number, Activation>();

/** max(0, z): reluPower(1); c_s = 2, the sqrt(2) of Problem Set 4. */
export const relu: Activation = reluPower(1);

/**
 * sin z (sign = 1) or cos z (sign = -1). With E[cos(u -+ v)] = e^{-(a + b -+ 2c)/2}:
 *   E[sin u sin v] = e^{-(a+b)/2} sinh c,  E[cos u cos v] = e^{-(a+b)/2} cosh c,
 * and the derivative of each is the other up to sign. E[sin^2 u] = e^{-a} sinh a, E[cos^2 u] = e^{-a} cosh a.
 *
 * The gaps (see DualArrays) are written without cancellation, so a ReLU layer after sin or cos keeps
 * full precision for nearly parallel and antipodal pairs. With m = sqrt(ab), f = sinh (sin) or cosh (cos):
 *   sqrt(f(a) f(b)) -+ f(c) = [sqrt(f(a) f(b)) - f(m)] + [f(m) -+ f(c)],
 * where f(m) -+ f(c) comes from g = m - c and h = m + c by the sum-to-product identities, and
 *   f(a) f(b) - f(m)^2 = sinh((a+b)/2 + m) sinh((sqrt a - sqrt b)^2 / 2) -+ sinh^2((a - b)/2)
 * (minus for sinh, plus for cosh) is small to second order in a - b and computed without cancellation.
 */
function sineOrCosine(name: string, sign: 1 | -1): Activation {
  const f = sign === 1 ? Math.sinh : Math.cosh;
  const fPrime = sign === 1 ? Math.cosh : Math.sinh;
  // Past this half-trace s = (a + b)/2, e^{-s} underflows or sinh c overflows (their product is finite):
  // the values come from e^{+-c - s} directly, and the gaps are left to the caller's subtraction, which
  // is accurate enough where sin and cos of so wide a Gaussian are nearly independent random signs.
  const LARGE = 300;
  const dual: Dual = (io, count, gaps) => {
    const { a: A, b: B, c: C, g: G, h: H, value, derivative, gap, cogap } = io;
    for (let e = 0; e < count; e++) {
      const a = A[e];
      const b = B[e];
      const c = C[e];
      if ((a + b) / 2 > LARGE) {
        const s = (a + b) / 2;
        const up = Math.exp(c - s) / 2;
        const down = Math.exp(-c - s) / 2;
        value[e] = sign === 1 ? up - down : up + down;
        derivative[e] = sign === 1 ? up + down : up - down;
        gap[e] = NaN;
        cogap[e] = NaN;
        continue;
      }
      const damp = Math.exp(-(a + b) / 2);
      value[e] = damp * f(c);
      derivative[e] = damp * fPrime(c);
      if (!gaps) continue;
      const g = G[e];
      const h = H[e];
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
      gap[e] = Math.max(0, damp * (offDiagonal + minus));
      cogap[e] = Math.max(0, damp * (offDiagonal + plus));
    }
  };
  closedForms.set(dual, sign === 1 ? "sin" : "cos");
  return activation({
    name,
    fn: sign === 1 ? Math.sin : Math.cos,
    derivative: sign === 1 ? Math.cos : (z) => -Math.sin(z),
    dual,
  });
}

/** sin z; c_s = 2 / (1 - e^{-2}). */
export const sin: Activation = sineOrCosine("sin", 1);
/** cos z; c_s = 2 / (1 + e^{-2}). */
export const cos: Activation = sineOrCosine("cos", -1);

/**
 * erf's gaps (DualArrays) at (a, b, c, g, h), into out[0] (gap) and out[1] (cogap), given rootS = sqrt(S) (the
 * derivative's root, below), without the cancellation
 * of sqrt(E[erf(u)^2] E[erf(v)^2]) -+ E[erf(u) erf(v)], which left nearly parallel pairs (and the diagonal,
 * through rounding) a gap of a few ulps of the variance where it is 0 or tiny, and a ReLU layer after erf an
 * angle of 1e-8 where it is 0. With q_a = 1 + 2a, q_b = 1 + 2b, R = 1 + 2a + 2b, S = R + 4 g h (= q_a q_b - 4c^2),
 * m = sqrt(ab), the angles beta = asin(2c / sqrt(q_a q_b)), alpha_m = asin(2m / sqrt(q_a q_b)) and
 * alpha_a = asin(2a / q_a) (E[erf(u)^2] = (2/pi) alpha_a):
 *   gap   = (2/pi) [(sqrt(alpha_a alpha_b) - alpha_m) + (alpha_m - beta)],
 *   cogap = (2/pi) [(sqrt(alpha_a alpha_b) - alpha_m) + (alpha_m + beta)],
 *   alpha_m -+ beta = atan2(2 (g sqrt S -+ c 4gh / (sqrt S + sqrt R)), sqrt(R S) +- 4mc)
 * (the sine and cosine of the difference of two arcsines; g sqrt S = (m - c) sqrt S is computed from g itself,
 * and m sqrt S - c sqrt R = g sqrt S + c (sqrt S - sqrt R)). The first term is 0 exactly for a = b and second
 * order in a - b otherwise: it keeps the subtraction's absolute error, so pairs of unequal norms keep about
 * as many digits as before, pairs of equal norms (points on a sphere) all of them.
 */
export function erfGaps(
  a: number,
  b: number,
  c: number,
  g: number,
  h: number,
  rootS: number,
  out: Float64Array,
): void {
  const m = rootOfProduct(a, b);
  const qa = 1 + 2 * a;
  const qb = 1 + 2 * b;
  const rootR = Math.sqrt(1 + 2 * a + 2 * b);
  const alphaA = Math.asin((2 * a) / qa);
  const alphaB = Math.asin((2 * b) / qb);
  const alphaM = Math.asin(Math.min(1, (2 * m) / rootOfProduct(qa, qb)));
  const spread = (alphaA * alphaB - alphaM * alphaM) / (rootOfProduct(alphaA, alphaB) + alphaM || 1);
  const cross = (4 * g * h) / (rootS + rootR);
  const down = Math.atan2(2 * (g * rootS + c * cross), rootR * rootS + 4 * m * c);
  const up = Math.atan2(2 * (h * rootS - c * cross), rootR * rootS - 4 * m * c);
  out[0] = Math.max(0, (2 / Math.PI) * (spread + down));
  out[1] = Math.max(0, (2 / Math.PI) * (spread + up));
}

/**
 * erf z. Williams (1997): E[erf(u) erf(v)] = (2/pi) asin(2c / sqrt((1 + 2a)(1 + 2b))); the derivative
 * (2/sqrt(pi)) e^{-z^2} gives E = (4/pi) / sqrt(det(I + 2 Lambda)) = (4/pi) / sqrt(1 + 2a + 2b + 4(ab - c^2)),
 * with ab - c^2 = g h. c_s = 1 / ((2/pi) asin(2/3)). The gaps: erfGaps.
 */
const erfGapsOut = new Float64Array(2);
export const erf: Activation = activation({
  name: "erf",
  fn: erfFunction,
  derivative: erfDerivative,
  dual: (io, count, gaps) => {
    const { a: A, b: B, c: C, g: G, h: H, value, derivative, gap, cogap } = io;
    for (let e = 0; e < count; e++) {
      const a = A[e];
      const b = B[e];
      // The ratio is < 1 in exact arithmetic; rounding may reach 1 + eps for huge variances.
      value[e] =
        (2 / Math.PI) *
        Math.asin(Math.max(-1, Math.min(1, (2 * C[e]) / rootOfProduct(1 + 2 * a, 1 + 2 * b))));
      const rootS = Math.sqrt(1 + 2 * a + 2 * b + 4 * G[e] * H[e]);
      derivative[e] = 4 / Math.PI / rootS;
      if (gaps) {
        erfGaps(a, b, C[e], G[e], H[e], rootS, erfGapsOut);
        gap[e] = erfGapsOut[0];
        cogap[e] = erfGapsOut[1];
      }
    }
  },
});
closedForms.set(erf.dual, "erf");

/**
 * GELU z Phi(z) (Hendrycks & Gimpel 2016), Phi the standard normal CDF; its derivative Phi(z) + z phi(z).
 * No closed-form dual in the lab: the kernels come from the Gauss-Hermite quadrature dual, as for any activation({...}).
 */
export const gelu: Activation = activation({
  name: "gelu",
  fn: (z) => 0.5 * z * (1 + erfFunction(z / Math.SQRT2)),
  derivative: (z) =>
    0.5 * (1 + erfFunction(z / Math.SQRT2)) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI),
});

/** z: the dual is the covariance itself, passed through exactly (a linear layer). c_s = 1. */
export const identity: Activation = Object.freeze({
  ...activation({
    name: "identity",
    fn: (z) => z,
    derivative: () => 1,
    dual: (io, count) => {
      io.value.set(io.c.subarray(0, count));
      io.derivative.fill(1, 0, count);
      io.gap.set(io.g.subarray(0, count));
      io.cogap.set(io.h.subarray(0, count));
    },
  }),
  vector: "identity",
});
closedForms.set(identity.dual, "identity");

/** Activation names the lab understands (mlpNetwork, reference kernels) ("relu2", "relu3", ... are ReLU^k). */
export const ACTIVATION_NAMES = ["relu", "sin", "cos", "erf", "identity", "relu2", "relu3"] as const;

/** The activation called `name` (one of ACTIVATION_NAMES, or "reluK" for ReLU^K, 1 <= K <= 150). */
export function activationByName(name: string, who = "activationByName", param = "name"): Activation {
  switch (name) {
    case "relu":
      return relu;
    case "sin":
      return sin;
    case "cos":
      return cos;
    case "erf":
      return erf;
    case "identity":
      return identity;
  }
  // reluK for every K that reluPower takes (relu1 .. relu150); relu0, relu01 and relu151 are refused below.
  const power = typeof name === "string" ? /^relu([1-9]\d*)$/.exec(name) : null;
  if (power && Number(power[1]) <= RELU_POWER_MAX_K) return reluPower(Number(power[1]));
  throw new Error(
    `${who}: ${param} must be one of ${ACTIVATION_NAMES.join(", ")} (or reluK for ReLU^K, K in 1..${RELU_POWER_MAX_K}) or an Activation, got ${describeValue(name)}`,
  );
}
