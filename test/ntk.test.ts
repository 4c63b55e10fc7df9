import assert from "node:assert/strict";
import { test } from "node:test";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { activation, cos, erf, identity, relu, reluPower, sin } from "../src/activations";
import { circlePoints, spherePoints } from "../src/inputs";
import { mlp } from "../src/layers";
import { nngp, ntk } from "../src/kernels/ntk";
import { referenceArchitecture, referencePairs } from "./referenceKernels";

test("ntk and nngp reproduce every network value of kernels.json to 1e-12 of max(|value|, sqrt(K(x,x) K(y,y)))", () => {
  let checked = 0;
  let worst = 0;
  for (const pair of referencePairs) {
    for (const [kind, table] of [
      ["ntk", pair.ntk_or_kernel],
      ["nngp", pair.nngp],
    ] as const) {
      for (const [name, expected] of Object.entries(table)) {
        const arch = referenceArchitecture(name);
        if (!arch) continue;
        const f = kind === "ntk" ? ntk : nngp;
        const value = f(arch, [pair.x], [pair.y]).get(0, 0);
        const scale = Math.max(
          Math.abs(expected),
          Math.sqrt(f(arch, [pair.x]).get(0, 0) * f(arch, [pair.y]).get(0, 0)),
        );
        const err = Math.abs(value - expected) / scale;
        worst = Math.max(worst, err);
        assert.ok(err < 1e-12, `${pair.name} ${kind} ${name}: ${value} vs ${expected}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 250, `only ${checked} reference values checked`);
  console.log(`# ${checked} ntk/nngp reference values, worst scaled error ${worst.toExponential(2)}`);
});

// Reference values from the recursion in 50-digit arithmetic (mpmath; J_k by its angular integral),
// for x = (1, 0) and y = (+-1, 1e-6): angles atan(1e-6) and pi - atan(1e-6).
const nearPairs = [
  { points: "parallel", k: 1, L: 1, bias: 0, ntk: 1.9999996816901138164, nngp: 1.0000000000000000001 },
  { points: "parallel", k: 1, L: 2, bias: 0, ntk: 2.9999990450705103179, nngp: 1.0000000000000000002 },
  { points: "parallel", k: 1, L: 3, bias: 0, ntk: 3.999998090141358373, nngp: 1.0000000000000000003 },
  { points: "parallel", k: 2, L: 2, bias: 0, ntk: 4.1111111111137037044, nngp: 1.0000000000011111111 },
  { points: "parallel", k: 3, L: 1, bias: 0, ntk: 2.8000000000012, nngp: 1.0000000000006 },
  { points: "parallel", k: 1, L: 2, bias: 1, ntk: 5.9999986495256946334, nngp: 2.0000000000000000002 },
  {
    points: "antipodal",
    k: 1,
    L: 1,
    bias: 0,
    ntk: -3.1830988618357846495e-7,
    nngp: 1.0610329539453322854e-19,
  },
  { points: "antipodal", k: 1, L: 2, bias: 0, ntk: 0.31830972702900673474, nngp: 0.31830988618394982653 },
  { points: "antipodal", k: 1, L: 3, bias: 0, ntk: 0.68570854029451230491, nngp: 0.49373109020061841408 },
  { points: "antipodal", k: 2, L: 2, bias: 0, ntk: 0.16666666666699999994, nngp: 0.166666666667 },
  {
    points: "antipodal",
    k: 3,
    L: 1,
    bias: 0,
    ntk: -5.0929581789355577864e-32,
    nngp: 7.2756545413357027178e-45,
  },
  { points: "antipodal", k: 1, L: 2, bias: 1, ntk: 1.3714172725662278378, nngp: 0.98746218040098996254 },
];

test("nearly parallel and nearly antipodal pairs keep full relative precision (1e-14 of the value itself)", () => {
  for (const r of nearPairs) {
    const acts = new Array(r.L).fill(reluPower(r.k));
    const arch = mlp(acts, { biasStd: acts.map((_, l) => (l === 0 ? r.bias : 0)) });
    const y = [r.points === "parallel" ? 1 : -1, 1e-6];
    const t = ntk(arch, [[1, 0]], [y]).get(0, 0);
    const s = nngp(arch, [[1, 0]], [y]).get(0, 0);
    const label = `${r.points} relu^${r.k} L=${r.L} bias=${r.bias}`;
    assert.ok(Math.abs(t - r.ntk) <= 1e-14 * Math.abs(r.ntk), `${label} ntk ${t} vs ${r.ntk}`);
    assert.ok(Math.abs(s - r.nngp) <= 1e-14 * Math.abs(r.nngp), `${label} nngp ${s} vs ${r.nngp}`);
  }
});

function smallestOverLargest(K: Matrix): number {
  const values = new EigenvalueDecomposition(K, { assumeSymmetric: true }).realEigenvalues;
  return Math.min(...values) / Math.max(...values);
}

const architectures = {
  "relu L3": mlp([relu, relu, relu]),
  "relu^2 L2 with bias": mlp([reluPower(2), reluPower(2)], { biasStd: [1, 0.5] }),
  "sin-relu": mlp([sin, relu]),
  "erf L2, weightStd 1.5": mlp([erf, erf], { weightStd: 1.5, biasStd: 0.3 }),
  "cos-identity": mlp([cos, identity]),
};

test("kernel matrices are symmetric, positive semidefinite and their diagonals match K(x, x) computed alone", () => {
  const X = spherePoints(40, 3, { seed: 5 }).mul(1.7);
  for (const [label, arch] of Object.entries(architectures)) {
    for (const f of [ntk, nngp]) {
      const K = f(arch, X);
      assert.ok(K.isSymmetric(), label);
      assert.ok(
        smallestOverLargest(K) >= -1e-10,
        `${label}: smallest eigenvalue ratio ${smallestOverLargest(K)}`,
      );
      for (const i of [0, 17, 39]) {
        const alone = f(arch, [X.getRow(i)]).get(0, 0);
        assert.ok(Math.abs(K.get(i, i) - alone) <= 1e-14 * alone, label);
      }
    }
  }
});

test("K(X, Y) is n x m, the transpose of K(Y, X), and entry-wise equal to single-pair calls", () => {
  const X = circlePoints(7, { random: true, seed: 1 });
  const Y = circlePoints(5, { random: true, seed: 2 }).mul(0.6);
  const arch = architectures["relu^2 L2 with bias"];
  const XY = ntk(arch, X, Y);
  const YX = ntk(arch, Y, X);
  assert.equal(XY.rows, 7);
  assert.equal(XY.columns, 5);
  for (let i = 0; i < 7; i++) {
    for (let j = 0; j < 5; j++) {
      assert.equal(XY.get(i, j), YX.get(j, i));
      assert.equal(XY.get(i, j), ntk(arch, [X.getRow(i)], [Y.getRow(j)]).get(0, 0));
    }
  }
});

test("closed-form and quadrature activations give the same deep NTK (independent routes, 1e-9)", () => {
  const X = circlePoints(6, { random: true, seed: 3 });
  const quadSin = activation({ name: "sin (quadrature)", fn: Math.sin, derivative: Math.cos });
  const quadErf = activation({
    name: "erf (quadrature)",
    fn: erf.fn,
    derivative: erf.derivative,
    quadraturePoints: 100,
  });
  const exact = ntk(mlp([sin, erf], { biasStd: 0.5 }), X);
  const quad = ntk(mlp([quadSin, quadErf], { biasStd: 0.5 }), X);
  const diff = exact.clone().sub(quad).abs().max();
  assert.ok(diff < 1e-9, `max difference ${diff}`);
});

test("weightStd and biasStd follow the documented recursion: identity net is ws^2-weighted linear kernel", () => {
  // Two identity layers, ws = [2, 3, 0.5], bs = [1, 0.7]: Sigma_0 = 4 x.y + 1, Sigma_1 = 9 Sigma_0 + 0.49,
  // Sigma_2 = 0.25 Sigma_1; Theta_1 = Sigma_1 + 9 Theta_0, Theta_2 = Sigma_2 + 0.25 Theta_1.
  const arch = mlp([identity, identity], { weightStd: [2, 3, 0.5], biasStd: [1, 0.7] });
  const x = [0.3, -1.2];
  const y = [2, 0.5];
  const s0 = 4 * (0.3 * 2 - 1.2 * 0.5) + 1;
  const s1 = 9 * s0 + 0.49;
  const s2 = 0.25 * s1;
  const t2 = s2 + 0.25 * (s1 + 9 * s0);
  assert.ok(Math.abs(nngp(arch, [x], [y]).get(0, 0) - s2) < 1e-14);
  assert.ok(Math.abs(ntk(arch, [x], [y]).get(0, 0) - t2) < 1e-13);
});

test("a zero input vector takes the kernel's limit instead of NaN", () => {
  const K = ntk(mlp([relu, relu]), [
    [0, 0],
    [1, 0],
  ]);
  assert.equal(K.get(0, 0), 0);
  assert.equal(K.get(0, 1), 0);
  const withBias = ntk(mlp([relu], { biasStd: 1 }), [[0, 0]], [[1, 0]]).get(0, 0);
  // Sigma_0 = 1, angle pi/4 between (0,0,1) and (1,0,1).
  const theta = Math.PI / 4;
  const expected =
    (Math.sqrt(2) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / Math.PI +
    (Math.PI - theta) / Math.PI;
  assert.ok(Math.abs(withBias - expected) < 1e-14, `${withBias} vs ${expected}`);
  assert.ok(Number.isFinite(ntk(mlp([sin, erf]), [[0, 0]], [[1, 1]]).get(0, 0)));
});

test("bad input throws an Error naming parameter, value and what is allowed", () => {
  const arch = mlp([relu]);
  assert.throws(() => ntk(arch, [[1, NaN]]), /ntk: X\[0\]\[1\] must be finite, got NaN/);
  assert.throws(
    () => nngp(arch, [[1, 0]], [[Infinity, 0]]),
    /nngp: Y\[0\]\[0\] must be finite, got Infinity/,
  );
  assert.throws(
    () => ntk(arch, [[1, 0]], [[1, 0, 0]]),
    /Y must have the dimension of X \(2 coordinates per row\), got 3/,
  );
  assert.throws(() => ntk(arch, [[1, 0], [1]]), /X\[1\] must be a row of 2 coordinates like X\[0\], got 1/);
  assert.throws(() => mlp([]), /activations must be a non-empty array/);
  assert.throws(() => mlp([relu], { weightStd: [1] }), /weightStd must be a number or an array of 2/);
  assert.throws(() => mlp([relu, relu], { biasStd: [1, 0, 0] }), /biasStd must be a number or an array of 2/);
  assert.throws(() => mlp([relu], { biasStd: -1 }), /biasStd\[0\] must lie in \[0, Infinity\), got -1/);
});
