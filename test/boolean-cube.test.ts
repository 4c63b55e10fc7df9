/**
 * The boolean cube's spectra (src/spectrum/boolean-cube.ts) against three independent routes: the lab's own
 * kernel evaluated at inner products t (the series), a dense eigendecomposition of the full 2^d x 2^d kernel
 * matrix (every eigenvalue with its multiplicity), and a 50-digit mpmath reference (test/fixtures/boolean-cube.py).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { Matrix } from "ml-matrix";
import * as lab from "../src/index";
import { booleanCubeSpectrum, dotProductSeries, fractionalVariance, yangSalmanNetwork } from "../src/index";

const kernelAt = (arch: lab.Architecture, get: "ntk" | "nngp", t: number): number => {
  const X = new Matrix([
    [1, 0],
    [t, Math.sqrt((1 - t) * (1 + t))],
  ]);
  return (get === "ntk" ? lab.ntk(arch, X) : lab.nngp(arch, X)).get(0, 1);
};
const binomial = (n: number, k: number): number => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
};
const horner = (a: Float64Array, t: number): number => a.reduceRight((v, c) => v * t + c, 0);

describe("dotProductSeries", () => {
  const cases: [string, lab.Activation, number, number][] = [
    ["relu", lab.relu, 0.8, 1e-9],
    ["relu^2", lab.reluPower(2), 0.8, 1e-9],
    ["erf", lab.erf, 0.99, 1e-13],
    ["sin", lab.sin, 0.99, 1e-13],
    ["cos", lab.cos, 0.99, 1e-13],
  ];
  for (const [name, act, tMax, tol] of cases) {
    test(`sums to the lab's ${name} kernels at inner products up to ${tMax}, every coefficient >= 0`, () => {
      const arch = lab.mlp([act, act, act], { weightStd: 1.1, biasStd: [0.5, 0.3, 0.2] });
      for (const get of ["ntk", "nngp"] as const) {
        const { coefficient, atOne } = dotProductSeries(arch, { get, terms: 200 });
        assert.ok(coefficient.every((a) => a >= 0));
        assert.ok(Math.abs(atOne - kernelAt(arch, get, 1)) <= 1e-14 * atOne);
        for (const t of [-tMax, -0.3, 0, 0.4, tMax]) {
          const exact = kernelAt(arch, get, t);
          assert.ok(Math.abs(horner(coefficient, t) - exact) <= tol * Math.abs(exact), `${get} at t = ${t}`);
        }
      }
    });
  }
  test("refuses an activation whose dual it cannot expand, naming it", () => {
    assert.throws(
      () => dotProductSeries(lab.mlp([lab.gelu])),
      /dotProductSeries: arch.activations holds gelu/,
    );
  });
  test("refuses an activation named like a known one whose dual is another", () => {
    const fake = lab.activation({ name: "erf", fn: Math.tanh, derivative: (z) => 1 - Math.tanh(z) ** 2 });
    assert.throws(() => dotProductSeries(lab.mlp([fake], { biasStd: 0.5 })), /is named erf but its dual/);
  });
});

/** Every eigenvalue of the full kernel matrix on {-1, 1}^d (inputs / sqrt(d)), over 2^d: the operator's. */
function denseCubeEigenvalues(
  arch: lab.Architecture,
  get: "ntk" | "nngp",
  d: number,
  bias: number,
): number[] {
  const n = 2 ** d;
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, ((i >> j) & 1 ? 1 : -1) / Math.sqrt(d));
  const K = get === "ntk" ? lab.ntk(arch, X) : lab.nngp(arch, X);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, (K.get(i, j) + bias ** 2) / n);
  return Array.from(lab.eigenvalues(K)).sort((a, b) => b - a);
}

describe("booleanCubeSpectrum", () => {
  const nets: [string, lab.Activation, number][] = [
    ["relu", lab.relu, 2],
    ["erf", lab.erf, 0],
    ["sin", lab.sin, 0.1],
    ["gelu (the values route)", lab.gelu, 0.5],
  ];
  for (const [name, act, biasVariance] of nets) {
    test(`gives every eigenvalue of the 2^d x 2^d ${name} kernel matrix with multiplicity C(d, k) (d = 6, 8)`, () => {
      const { architecture, outputBiasStd } = yangSalmanNetwork({
        activation: act,
        hiddenLayers: 2,
        weightVariance: 2,
        biasVariance,
      });
      // GELU's quadrature dual makes its 2^8-point matrix slow: d = 6 only.
      for (const d of act === lab.gelu ? [6] : [6, 8]) {
        for (const get of ["ntk", "nngp"] as const) {
          const spec = booleanCubeSpectrum(architecture, d, { get, outputBiasStd });
          const predicted: number[] = [];
          spec.mu.forEach((m, k) => {
            assert.equal(spec.multiplicity[k], binomial(d, k));
            for (let r = 0; r < spec.multiplicity[k]; r++) predicted.push(m);
          });
          predicted.sort((a, b) => b - a);
          const dense = denseCubeEigenvalues(architecture, get, d, outputBiasStd);
          assert.equal(predicted.length, dense.length);
          const worst = Math.max(...dense.map((v, i) => Math.abs(v - predicted[i])));
          assert.ok(worst <= 1e-13 * dense[0], `${get} d = ${d}: ${worst}`);
          spec.mu.forEach((m, k) => assert.ok(Math.abs(m) <= spec.error[k] || m > 0));
        }
      }
    });
  }

  test("its error bounds are honest: |Phi(1) - sum_k C(d, k) mu_k| <= sum_k C(d, k) error_k at d = 128", () => {
    const { architecture, outputBiasStd } = yangSalmanNetwork({
      activation: lab.relu,
      hiddenLayers: 3,
      weightVariance: 2,
      biasVariance: 0.5,
    });
    const spec = booleanCubeSpectrum(architecture, 128, { outputBiasStd });
    let total = 0;
    let bound = 0;
    spec.mu.forEach((m, k) => {
      total += spec.multiplicity[k] * m;
      bound += spec.multiplicity[k] * spec.error[k];
    });
    assert.ok(Math.abs(spec.atOne - total) <= bound);
    assert.ok(spec.resolved.slice(0, 17).every(Boolean));
  });

  test("fractionalVariance of a full spectrum sums to 1 and agrees with the spectrum's own (d = 7)", () => {
    const spec = booleanCubeSpectrum(lab.mlp([lab.relu, lab.relu], { biasStd: 0.3 }), 7);
    const fv = fractionalVariance(spec.mu, 7);
    assert.ok(Math.abs(fv.reduce((s, v) => s + v, 0) - 1) <= 1e-15);
    fv.forEach((v, k) => assert.ok(Math.abs(v - spec.fractionalVariance[k]) <= 1e-14));
  });

  const fixture = path.join(__dirname, "fixtures", "boolean-cube.json");
  test(
    "matches the 50-digit mpmath reference to 10 digits, every degree k <= 10 at d = 128",
    { skip: !fs.existsSync(fixture) },
    () => {
      const ref = JSON.parse(fs.readFileSync(fixture, "utf8")) as {
        cases: {
          name: string;
          activation: string;
          hiddenLayers: number;
          weightVariance: number;
          biasVariance: number;
          kernel: "ck" | "ntk";
          d: number;
          mu: string[];
        }[];
      };
      const acts: Record<string, lab.Activation> = { relu: lab.relu, erf: lab.erf, sin: lab.sin };
      let checked = 0;
      for (const c of ref.cases) {
        const { architecture, outputBiasStd } = yangSalmanNetwork({
          activation: acts[c.activation],
          hiddenLayers: c.hiddenLayers,
          weightVariance: c.weightVariance,
          biasVariance: c.biasVariance,
        });
        const spec = booleanCubeSpectrum(architecture, c.d, {
          get: c.kernel === "ck" ? "nngp" : "ntk",
          outputBiasStd,
        });
        const scale = Math.max(...c.mu.map(Number));
        c.mu.forEach((text, k) => {
          const want = Number(text);
          const err = Math.abs(spec.mu[k] - want);
          // Exact zeros (parity) are checked against the largest eigenvalue, all others relatively.
          const bound = want === 0 || Math.abs(want) < 1e-40 * scale ? 1e-15 * scale : 1e-10 * Math.abs(want);
          assert.ok(err <= bound, `${c.name} ${c.kernel} d = ${c.d} k = ${k}: ${spec.mu[k]} against ${text}`);
          checked++;
        });
      }
      assert.ok(checked >= 100);
    },
  );

  test("refuses a bad d or option, naming the parameter", () => {
    assert.throws(() => booleanCubeSpectrum(lab.mlp([lab.relu]), 0), /booleanCubeSpectrum: d must be/);
    assert.throws(
      () => booleanCubeSpectrum(lab.mlp([lab.relu]), 8, { terms: 1 }),
      /booleanCubeSpectrum: terms/,
    );
    assert.throws(() => fractionalVariance([1, 2], 3), /fractionalVariance: mu must hold d \+ 1 = 4/);
    assert.throws(() => fractionalVariance([1, -2, 0, 0], 3), /fractionalVariance: mu\[1\] must be/);
  });
});

describe("yangSalmanNetwork", () => {
  test("reproduces the paper's two-hidden-layer ReLU CK with sigma_w^2 = sigma_b^2 = 2: degree 0 holds over 80% (d = 7)", () => {
    const { architecture, outputBiasStd } = yangSalmanNetwork({
      activation: lab.relu,
      hiddenLayers: 2,
      weightVariance: 2,
      biasVariance: 2,
    });
    const spec = booleanCubeSpectrum(architecture, 7, { get: "nngp", outputBiasStd });
    assert.ok(spec.fractionalVariance[0] > 0.8 && spec.fractionalVariance[0] < 0.9);
    // Their recursion by hand at t = 0.2: Sigma_1 = 2 t + 2, q_1 = 4, Sigma_2 = 2 V(Sigma_1; 4) + 2, ...
    const V = (c: number, q: number) =>
      (Math.sqrt(q * q - c * c) + (Math.PI - Math.acos(c / q)) * c) / (2 * Math.PI);
    const t = 0.2;
    const s1 = 2 * t + 2;
    const q1 = 4;
    const s2 = 2 * V(s1, q1) + 2;
    const q2 = 2 * V(q1, q1) + 2;
    const s3 = 2 * V(s2, q2) + 2;
    assert.ok(Math.abs(kernelAt(architecture, "nngp", t) + outputBiasStd ** 2 - s3) <= 1e-14 * s3);
  });
});
