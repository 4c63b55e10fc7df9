import { test } from "node:test";
import assert from "node:assert/strict";
import { circlePoints, spherePoints } from "../src/inputs";
import { laplaceKernel } from "../src/kernels/classic";
import { besselK, maternCorrelation, maternExpectedDecay, maternKernel } from "../src/kernels/matern";
import { decaySlope, eigenvalues, expectedDecay, frequencySpectrum } from "../src/spectrum/index";

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);

test("besselK matches mpmath (40 digits) to 1e-14 relative", () => {
  // mpmath.besselk(nu, x) at mp.dps = 40.
  const REFERENCE: Array<[number, number, number]> = [
    [0, 1, 0.42102443824070833],
    [1, 1, 0.60190723019723457],
    [0, 0.1, 2.4270690247020166],
    [0.3, 0.01, 6.8901026382927695],
    [1.7, 2, 0.2042462642627467],
    [2.7, 5, 0.0071262487556333316],
    [7.25, 0.5, 13252302.679019084],
    [0.5, 3, 0.036025985131764593],
  ];
  for (const [nu, x, v] of REFERENCE) {
    assert.ok(close(besselK(nu, x), v, 1e-14), `K_${nu}(${x}) = ${besselK(nu, x)} vs ${v}`);
    assert.equal(besselK(-nu, x), besselK(nu, x));
  }
});

test("besselK at half-integers equals the closed form sqrt(pi / 2x) e^-x sum (p+i)!/(i!(p-i)!) (2x)^-i", () => {
  const fact = (m: number): number => (m <= 1 ? 1 : m * fact(m - 1));
  for (let p = 0; p <= 6; p++) {
    for (const x of [1e-3, 0.2, 1, 4.5, 30]) {
      let s = 0;
      for (let i = 0; i <= p; i++) s += fact(p + i) / (fact(i) * fact(p - i)) / (2 * x) ** i;
      const exact = Math.sqrt(Math.PI / (2 * x)) * Math.exp(-x) * s;
      assert.ok(close(besselK(p + 0.5, x), exact, 1e-14), `p = ${p}, x = ${x}`);
    }
  }
});

test("Matern correlation matches mpmath's 2^(1-nu)/Gamma(nu) z^nu K_nu(z) at non-half-integer nu", () => {
  // [nu, r, lengthScale, value], mpmath at mp.dps = 40.
  const REFERENCE: Array<[number, number, number, number]> = [
    [0.2, 0.5, 1, 0.41244078189324641],
    [1, 0.3, 1, 0.86285772726591564],
    [1.25, 1, 2, 0.76316130683692434],
    [2, 0.05, 1, 0.9975198232105707],
    [3.3, 1.7, 0.5, 0.011686859997630823],
    [12.4, 0.4, 1, 0.91699073290601778],
  ];
  for (const [nu, r, lengthScale, v] of REFERENCE) {
    const got = maternCorrelation(r, { nu, lengthScale });
    assert.ok(close(got, v, 1e-14), `nu = ${nu}, r = ${r}: ${got} vs ${v}`);
  }
});

test("nu = 1/2 is the Laplace kernel exp(-r / l), entry for entry", () => {
  for (const lengthScale of [0.3, 1, 2.5]) {
    for (const X of [circlePoints(40), spherePoints(30, 3, { seed: 7 })]) {
      const M = maternKernel(X, undefined, { nu: 0.5, lengthScale });
      const L = laplaceKernel(X, undefined, { sigma: lengthScale });
      for (let i = 0; i < M.rows; i++) {
        for (let j = 0; j < M.columns; j++) {
          assert.ok(Math.abs(M.get(i, j) - L.get(i, j)) <= 1e-15, `l = ${lengthScale} (${i}, ${j})`);
        }
      }
    }
  }
});

test("nu = 3/2 and 5/2 are the textbook closed forms", () => {
  for (const r of [0, 1e-9, 0.01, 0.4, 1, 2, 7, 40]) {
    const z3 = Math.sqrt(3) * r;
    const z5 = Math.sqrt(5) * r;
    assert.ok(close(maternCorrelation(r, { nu: 1.5 }), (1 + z3) * Math.exp(-z3), 1e-14));
    assert.ok(close(maternCorrelation(r, { nu: 2.5 }), (1 + z5 + (z5 * z5) / 3) * Math.exp(-z5), 1e-14));
  }
});

test("the half-integer closed forms and the Bessel integral are one function of nu", () => {
  // The integral path at nu = p + 1/2 +- 1e-9 brackets the closed form at p + 1/2.
  for (let p = 0; p <= 8; p++) {
    for (const r of [1e-4, 0.05, 0.5, 1.3, 3]) {
      const mid = maternCorrelation(r, { nu: p + 0.5 });
      const lo = maternCorrelation(r, { nu: p + 0.5 - 1e-9 });
      const hi = maternCorrelation(r, { nu: p + 0.5 + 1e-9 });
      assert.ok(
        Math.abs(lo - mid) < 1e-8 && Math.abs(hi - mid) < 1e-8,
        `p = ${p}, r = ${r}: ${lo} ${mid} ${hi}`,
      );
      // and through Gamma(p + 1/2) = (2p)! sqrt(pi) / (4^p p!) and besselK:
      const nu = p + 0.5;
      const z = Math.sqrt(2 * nu) * r;
      let gamma = Math.sqrt(Math.PI);
      for (let i = 0; i < p; i++) gamma *= i + 0.5;
      const viaBessel = (2 ** (1 - nu) / gamma) * z ** nu * besselK(nu, z);
      assert.ok(close(mid, viaBessel, 1e-13), `p = ${p}, r = ${r}: ${mid} vs ${viaBessel}`);
    }
  }
});

test("k(0) = 1, k decreases in r, and large nu approaches the Gaussian exp(-r^2 / 2l^2)", () => {
  for (const nu of [0.1, 0.5, 1.7, 3.5, 10]) {
    assert.equal(maternCorrelation(0, { nu }), 1);
    let prev = 1;
    for (let r = 0.05; r < 6; r += 0.05) {
      const v = maternCorrelation(r, { nu });
      assert.ok(v < prev && v > 0, `nu = ${nu}, r = ${r}`);
      prev = v;
    }
  }
  for (const r of [0.2, 0.7, 1.5]) {
    assert.ok(Math.abs(maternCorrelation(r, { nu: 50 }) - Math.exp((-r * r) / 2)) < 0.01);
  }
});

test("Matern matrices are positive semidefinite on circle and sphere points, for every nu tried", () => {
  for (const nu of [0.3, 0.5, 1, 1.5, 2.2, 4.5]) {
    for (const X of [
      circlePoints(80),
      circlePoints(60, { random: true, seed: 3 }),
      spherePoints(60, 3, { seed: 5 }),
    ]) {
      const K = maternKernel(X, undefined, { nu, lengthScale: 0.7 });
      const ev = eigenvalues(K);
      assert.ok(ev[ev.length - 1] >= -1e-12 * ev[0], `nu = ${nu}: smallest ${ev[ev.length - 1]}`);
      assert.equal(K.get(3, 3), 1);
      assert.equal(K.get(2, 5), K.get(5, 2));
    }
  }
});

test("on the circle, Matern nu decays with rank slope -(2 nu + 1); nu = k - 1/2 matches the ReLU^k NTK's -2k", () => {
  for (let k = 1; k <= 3; k++) {
    const nu = k - 0.5;
    assert.equal(maternExpectedDecay(nu).rankSlope, expectedDecay({ family: "reluPowerNtk", k }).rankSlope);
    const fs = frequencySpectrum((t) => maternCorrelation(2 * Math.sin(t / 2), { nu }), {
      maxFrequency: 60,
      argument: "angle",
    });
    // Mercer coefficients j = 1..60 as a rank-ordered list; frequencies 15..50.
    const fit = decaySlope(fs.coefficient.subarray(1), { from: 15, to: 50, n: 200 });
    assert.ok(fit.slope !== null && Math.abs(fit.slope - -2 * k) < 0.1, `nu = ${nu}: ${fit.slope}`);
  }
  assert.equal(maternExpectedDecay(1, { d: 3 }).frequencyExponent, 4);
});

test("bad parameters throw naming the function, parameter and value", () => {
  assert.throws(
    () => maternKernel([[0, 1]], undefined, { nu: 0 }),
    /maternKernel: nu must lie in \(0, 50\], got 0/,
  );
  assert.throws(() => maternKernel([[0, 1]], undefined, { nu: NaN }), /nu must lie in \(0, 50\], got NaN/);
  assert.throws(
    () => maternCorrelation(1, { nu: 60 }),
    /maternCorrelation: nu must lie in \(0, 50\], got 60/,
  );
  assert.throws(
    () => maternKernel([[0, 1]], undefined, { nu: 1.5, lengthScale: -1 }),
    /maternKernel: lengthScale must be a finite number > 0, got -1/,
  );
  assert.throws(
    () => maternCorrelation(-0.1, { nu: 1.5 }),
    /maternCorrelation: r must be a finite distance >= 0, got -0.1/,
  );
  assert.throws(() => besselK(1, 0), /besselK: x must be a finite number > 0, got 0/);
  assert.throws(() => maternKernel([[0, 1]], [[1, 2, 3]], { nu: 1.5 }), /Y must have the dimension of X/);
  assert.throws(
    () => maternKernel([[0, 1]], undefined, undefined as unknown as { nu: number }),
    /^Error: maternKernel: options must be an object \{ nu, lengthScale \}, got undefined$/,
  );
  assert.throws(() => maternExpectedDecay(1, { d: 1 }), /d must be an integer >= 2, got 1/);
});
