import assert from "node:assert/strict";
import { test } from "node:test";
import {
  activation,
  activationByName,
  cos,
  dualAt,
  erf,
  identity,
  quadratureDual,
  relu,
  reluPower,
  sin,
  type Activation,
} from "../src/activations";
import { gaussHermite, gaussLegendre } from "../src/special/quadrature";
import { mlp } from "../src/layers";
import { ntk } from "../src/kernels/ntk";
import { circlePoints } from "../src/inputs";

const covariances: [number, number, number][] = [
  [1, 1, 0.5],
  [0.7, 1.9, -0.6],
  [2.5, 0.4, 0.9],
  [1.2, 1.2, -1.1],
];

function dualOf(act: Activation, a: number, b: number, c: number): Float64Array {
  const out = new Float64Array(4);
  const r = Math.sqrt(a * b);
  out.set(dualAt(act.dual, a, b, c, r - c, r + c));
  return out;
}

test("smooth closed-form duals agree with 2-D Gauss-Hermite quadrature to 1e-9", () => {
  for (const act of [sin, cos, erf, identity]) {
    // erf' = e^{-z^2} is narrow against the Gaussian weight at variance 2.5: 100 nodes resolve it.
    const quad = activation({
      name: `${act.name} by quadrature`,
      fn: act.fn,
      derivative: act.derivative,
      quadraturePoints: 100,
    });
    for (const [a, b, c] of covariances) {
      const exact = dualOf(act, a, b, c);
      const approx = dualOf(quad, a, b, c);
      assert.ok(
        Math.abs(exact[0] - approx[0]) < 1e-9,
        `${act.name} E[s s] at ${[a, b, c]}: ${exact[0]} vs ${approx[0]}`,
      );
      assert.ok(
        Math.abs(exact[1] - approx[1]) < 1e-9,
        `${act.name} E[s' s'] at ${[a, b, c]}: ${exact[1]} vs ${approx[1]}`,
      );
    }
    assert.ok(Math.abs(quad.scale - act.scale) < 1e-9 * act.scale);
  }
});

/** E[max(0,u)^k max(0,v)^k] from polar coordinates: (ab)^{k/2} (2^k k! / 2pi) int over the wedge, high-order Gauss-Legendre. */
function wedgeExpectation(k: number, a: number, b: number, c: number): number {
  if (k === 0) return (Math.PI - Math.acos(c / Math.sqrt(a * b))) / (2 * Math.PI);
  const theta = Math.acos(c / Math.sqrt(a * b));
  const { nodes, weights } = gaussLegendre(80);
  // Both positive for directions t in (theta - pi/2, pi/2): integrate cos^k(t) cos^k(theta - t) there.
  const lo = theta - Math.PI / 2;
  const hi = Math.PI / 2;
  let s = 0;
  for (let i = 0; i < nodes.length; i++) {
    const t = (lo + hi) / 2 + ((hi - lo) / 2) * nodes[i];
    s += weights[i] * (Math.cos(t) * Math.cos(theta - t)) ** k;
  }
  let fact = 1;
  for (let i = 2; i <= k; i++) fact *= i;
  return (Math.sqrt(a * b) ** k * 2 ** k * fact * ((hi - lo) / 2) * s) / (2 * Math.PI);
}

test("relu^k arc-cosine duals agree with a polar-coordinate quadrature for k = 1..5 and general norms", () => {
  for (let k = 1; k <= 5; k++) {
    const act = reluPower(k);
    for (const [a, b, c] of covariances) {
      const out = dualOf(act, a, b, c);
      const scale = Math.sqrt(a * b) ** k;
      assert.ok(
        Math.abs(out[0] - wedgeExpectation(k, a, b, c)) < 1e-12 * scale,
        `k=${k} E[s s] at ${[a, b, c]}`,
      );
      const dScale = k * k * Math.sqrt(a * b) ** (k - 1);
      assert.ok(
        Math.abs(out[1] - k * k * wedgeExpectation(k - 1, a, b, c)) < 1e-12 * dScale,
        `k=${k} E[s' s']`,
      );
    }
  }
});

test("relu's closed form and Gauss-Hermite quadrature of the same function converge to each other", () => {
  const errors = [16, 128].map((points) => {
    const quad = activation({
      name: "relu by quadrature",
      fn: relu.fn,
      derivative: relu.derivative,
      quadraturePoints: points,
    });
    return Math.abs(dualOf(quad, 1, 1, 0.3)[0] - dualOf(relu, 1, 1, 0.3)[0]);
  });
  assert.ok(errors[1] < errors[0] / 4 && errors[1] < 1e-3, `errors ${errors}`);
});

test("c_s matches the reference conventions: 2/(2k-1)!!, 2/(1-e^-2), 2/(1+e^-2), 1/((2/pi) asin(2/3))", () => {
  const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-14 * y, `${x} vs ${y}`);
  close(relu.scale, 2);
  close(reluPower(2).scale, 2 / 3);
  close(reluPower(5).scale, 2 / 945);
  close(sin.scale, 2 / (1 - Math.exp(-2)));
  close(cos.scale, 2 / (1 + Math.exp(-2)));
  close(erf.scale, 1 / ((2 / Math.PI) * Math.asin(2 / 3)));
  close(identity.scale, 1);
});

test("relu^2 is max(0, z)^2, not z^2: zero for negative z and zero correlation for antipodal inputs", () => {
  const r2 = reluPower(2);
  assert.equal(r2.fn(-2), 0);
  assert.equal(r2.fn(3), 9);
  assert.equal(r2.derivative(-1), 0);
  // u = -v: max(0,u)^2 max(0,-u)^2 = 0 always; z^2 would give E[u^4] = 3.
  assert.ok(Math.abs(dualOf(r2, 1, 1, -1)[0]) < 1e-15);
  assert.ok(Math.abs(dualOf(r2, 1, 1, 1)[0] - 1.5) < 1e-15);
});

test("homogeneity: relu^k duals at norms (a, b) are (ab)^{k/2} times the unit-norm dual (Problem Set 4, problem 1)", () => {
  for (let k = 1; k <= 3; k++) {
    const act = reluPower(k);
    const unit = dualOf(act, 1, 1, 0.2);
    const scaled = dualOf(act, 4, 9, 0.2 * 6);
    assert.ok(Math.abs(scaled[0] - 6 ** k * unit[0]) < 1e-13 * 6 ** k);
  }
});

test("the erf function is accurate against known values", () => {
  const f = erf.fn;
  assert.ok(Math.abs(f(0.5) - 0.5204998778130465) < 1e-15);
  assert.ok(Math.abs(f(-2) + 0.9953222650189527) < 1e-15);
  assert.ok(Math.abs(f(3.5) - 0.9999992569016276) < 1e-15);
  assert.equal(f(7), 1);
});

test("bad activation input throws naming parameter, value and range", () => {
  assert.throws(() => reluPower(0), /reluPower: k must be an integer in \[1, 150\], got 0/);
  assert.throws(() => reluPower(1.5), /reluPower: k must be an integer in \[1, 150\], got 1.5/);
  assert.throws(() => reluPower(-2), /k must be an integer in \[1, 150\], got -2/);
  assert.throws(
    () => activation({ name: "x", fn: Math.tanh, derivative: undefined as never }),
    /derivative must be a function/,
  );
  assert.throws(
    () => activation({ name: "zero", fn: () => 0, derivative: () => 0 }),
    /E\[s\(z\)\^2\] must be finite and > 0/,
  );
  assert.throws(() => quadratureDual(Math.sin, Math.cos, 0), /points must be an integer >= 1, got 0/);
});

test("sin and cos give the gaps sqrt(E s(u)^2 E s(v)^2) -+ E s(u)s(v) without cancellation", () => {
  const out = new Float64Array(4);
  const call = (act: typeof sin, a: number, b: number, c: number) => {
    const m = Math.sqrt(a * b);
    out.set(dualAt(act.dual, a, b, c, m - c, m + c));
    return Array.from(out);
  };
  // Away from cancellation the gaps equal the plain subtraction.
  for (const [act, f] of [
    [sin, Math.sinh],
    [cos, Math.cosh],
  ] as const) {
    const [, , minus, plus] = call(act, 0.7, 1.9, 0.3);
    const root = Math.exp(-(0.7 + 1.9) / 2) * Math.sqrt(f(0.7) * f(1.9));
    const value = Math.exp(-(0.7 + 1.9) / 2) * f(0.3);
    assert.ok(Math.abs(minus - (root - value)) < 1e-14 * root);
    assert.ok(Math.abs(plus - (root + value)) < 1e-14 * root);
  }
  // Nearly parallel equal-norm inputs: a = b = 1, c = 1 - d. sinh 1 - sinh(1 - d) and cosh 1 - cosh(1 - d) by
  // their Taylor series in d, which the subtraction would get only to about 1e-16 / d relative.
  // d is the exact difference 1 - c of the float c = 1 - 1e-9 (Sterbenz), the input the dual really sees.
  const d = 1 - (1 - 1e-9);
  const taylor = (f0: number, f1: number) => f1 * d - (f0 * d * d) / 2 + (f1 * d ** 3) / 6;
  const [, , sinGap] = call(sin, 1, 1, 1 - d);
  assert.ok(Math.abs(sinGap / (Math.exp(-1) * taylor(Math.sinh(1), Math.cosh(1))) - 1) < 1e-13);
  const [, , cosGap] = call(cos, 1, 1, 1 - d);
  assert.ok(Math.abs(cosGap / (Math.exp(-1) * taylor(Math.cosh(1), Math.sinh(1))) - 1) < 1e-13);
  // Antipodal for cos: E cos u cos v -> E cos^2 u again, so the minus gap vanishes as it does for parallel inputs.
  const [, , cosMinus] = call(cos, 1, 1, -1 + d);
  assert.ok(Math.abs(cosMinus / (Math.exp(-1) * taylor(Math.cosh(1), Math.sinh(1))) - 1) < 1e-13);
});

test("a ReLU layer after sin keeps the NTK's diagonal constant on the circle to full precision", () => {
  const X = circlePoints(64);
  for (const acts of [
    [sin, relu],
    [cos, relu],
  ]) {
    const K = ntk(mlp(acts, { biasStd: 1 }), X);
    const diagonal = Array.from({ length: 64 }, (_, i) => K.get(i, i));
    const spread = (Math.max(...diagonal) - Math.min(...diagonal)) / diagonal[0];
    assert.ok(spread < 1e-14, `${acts.map((a) => a.name).join("->")}: diagonal spread ${spread}`);
  }
});

test("sin then ReLU stays finite at antipodal points whose norms differ by rounding", () => {
  // Rows 773 and 1773 of 2000 circle points are antipodal with norms 1 +- 2e-16: the ReLU layer then sees a
  // cogap of order 1e-33, which must not come out a hair below zero.
  const X = circlePoints(2000);
  for (const second of [relu, reluPower(2)]) {
    const value = ntk(mlp([sin, second]), [X.getRow(773)], [X.getRow(1773)]).get(0, 0);
    const exact = ntk(mlp([sin, second]), [[1, 0]], [[-1, 0]]).get(0, 0);
    const scale = ntk(mlp([sin, second]), [[1, 0]]).get(0, 0);
    assert.ok(Math.abs(value - exact) <= 1e-12 * scale, `${second.name}: ${value} vs ${exact}`);
  }
});

test("sin and cos duals stay finite for very wide Gaussians, where e^{-s} underflows and sinh c overflows", () => {
  const out = new Float64Array(4);
  // a = b = c = 965 (a ReLU^3 layer can feed a sin layer this variance): E sin^2 u = (1 - e^{-2a}) / 2.
  out.set(dualAt(sin.dual, 965, 965, 965, 0, 1930));
  assert.deepEqual([out[0], out[1]], [0.5, 0.5]);
  out.set(dualAt(cos.dual, 965, 965, -965, 1930, 0));
  assert.deepEqual([out[0], out[1]], [0.5, -0.5]);
  // Across the switch at s = 300 the values join smoothly (relative 1e-12).
  const below = new Float64Array(4);
  below.set(dualAt(sin.dual, 299.999, 300, 150, 0, 0));
  out.set(dualAt(sin.dual, 300.001, 300, 150, 0, 0));
  assert.ok(Math.abs(out[0] / below[0] - Math.exp(-0.001)) < 1e-12);
  // Whole kernels through such a layer are finite: ReLU^3 then sin on points of norm about 3.
  const K = ntk(mlp([reluPower(3), sin]), [
    [2, 2.2, -1],
    [0, 0, 0],
    [1, 0.5, -0.2],
  ]);
  assert.ok(K.to1DArray().every(Number.isFinite));
});

test("a caller that scales a quadrature rule in place changes no later rule and no activation", () => {
  const tanh = activation({ name: "tanh", fn: Math.tanh, derivative: (z) => 1 - Math.tanh(z) ** 2 });
  const before = dualAt(tanh.dual, 1, 1, 0.5, 0.5, 1.5);
  const rule = gaussHermite(64);
  rule.nodes.forEach((_, k) => (rule.nodes[k] *= 2));
  const legendre = gaussLegendre(24);
  legendre.weights.fill(0);
  assert.deepEqual(dualAt(tanh.dual, 1, 1, 0.5, 0.5, 1.5), before);
  assert.notEqual(gaussHermite(64).nodes[63], rule.nodes[63]);
  assert.ok(gaussLegendre(24).weights.every((w) => w > 0));
});

test("activationByName knows reluK for every K reluPower takes, and refuses the rest naming the range", () => {
  assert.equal(activationByName("relu12").name, "relu^12");
  assert.equal(activationByName("relu150").name, "relu^150");
  for (const bad of ["relu151", "relu0", "relu01"]) {
    assert.throws(
      () => activationByName(bad),
      /activationByName: name must be one of .*reluK for ReLU\^K, K in 1\.\.150/,
    );
  }
  assert.throws(
    () => activation({ name: "tanh", fn: Math.tanh, derivative: Math.cos, quadraturePoints: 1001 }),
    /activation: quadraturePoints must be at most 1000 .*got 1001/,
  );
  assert.throws(() => dualAt(relu.dual, NaN, 1, 1, 0, 2), /dualAt: a must be a finite number >= 0 .*got NaN/);
});

test("erf's gaps are sqrt(E[erf(u)^2] E[erf(v)^2]) -+ E[erf(u) erf(v)], to full relative precision where they are small", () => {
  const second = (a: number) => (2 / Math.PI) * Math.asin((2 * a) / (1 + 2 * a));
  // Where the subtraction does not cancel: the same numbers to a few ulps of the root.
  for (const [a, b, c] of covariances) {
    const [value, , gap, cogap] = dualOf(erf, a, b, c);
    const root = Math.sqrt(second(a) * second(b));
    assert.ok(
      Math.abs(gap - (root - value)) < 8e-16 * root,
      `gap at ${[a, b, c]}: ${gap} vs ${root - value}`,
    );
    assert.ok(
      Math.abs(cogap - (root + value)) < 8e-16 * root,
      `cogap at ${[a, b, c]}: ${cogap} vs ${root + value}`,
    );
  }
  // Equal variances a, angle gaps g = m - c tiny: the gap is (4/pi) g / sqrt(1 + 4a) (1 + O(g)) (the
  // derivative of (2/pi) asin(2c / (1 + 2a)) at c = a), the cogap likewise at h tiny; the diagonal's are 0.
  for (const a of [0.01, 1, 3.7, 250]) {
    for (const small of [1e-300, 1e-12, 1e-10]) {
      const out = dualAt(erf.dual, a, a, a - small, small, 2 * a - small);
      const first = ((4 / Math.PI) * small) / Math.sqrt(1 + 4 * a);
      assert.ok(
        Math.abs(out[2] - first) <= 1e-7 * first,
        `gap at a = ${a}, g = ${small}: ${out[2]} vs ${first}`,
      );
      const anti = dualAt(erf.dual, a, a, -(a - small), 2 * a - small, small);
      assert.ok(
        Math.abs(anti[3] - first) <= 1e-7 * first,
        `cogap at a = ${a}, h = ${small}: ${anti[3]} vs ${first}`,
      );
    }
    assert.equal(dualAt(erf.dual, a, a, a, 0, 2 * a)[2], 0, `the diagonal's gap at a = ${a}`);
  }
});
