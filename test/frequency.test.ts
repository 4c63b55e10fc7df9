import { test } from "node:test";
import assert from "node:assert/strict";
import {
  aliasedEigenvalues,
  circulantFrequencySpectrum,
  expectedDecay,
  frequencySpectrum,
  rankSlopeFromFrequencyExponent,
} from "../src/spectrum";
import {
  gaussian,
  gridMatrix,
  laplace,
  pseudoLaplace,
  relu2Ntk,
  reluNtk,
  reluNtkBias,
} from "./circle-kernels";

const EPS = Number.EPSILON;

/** The indices j >= 1 where predicate holds, up to J. */
function where(flags: boolean[], from = 0): number[] {
  return flags.flatMap((v, j) => (v && j >= from ? [j] : []));
}

test("quadrature coefficients of exp(cos t - 1) equal e^-1 I_j(1), far below the matrix floor", () => {
  // gaussian(t) = exp(-|x - y|^2 / 2) = exp(cos t - 1), whose Fourier coefficients are e^-1 I_j(1)
  // (modified Bessel functions; Abramowitz & Stegun 9.6.34).
  const besselI1 = (j: number): number => {
    let term = 0.5 ** j;
    for (let i = 1; i <= j; i++) term /= i;
    let sum = 0;
    for (let k = 0; k < 40; k++) {
      sum += term;
      term *= 0.25 / ((k + 1) * (k + 1 + j));
    }
    return sum;
  };
  const spectrum = frequencySpectrum((t) => gaussian(t), { maxFrequency: 30, argument: "angle" });
  const a0 = spectrum.coefficient[0];
  for (let j = 0; j <= 30; j++) {
    const exact = Math.exp(-1) * besselI1(j);
    const a = spectrum.coefficient[j];
    assert.ok(
      Math.abs(a - exact) <= spectrum.error[j],
      `j=${j}: ${a} vs ${exact}, error estimate ${spectrum.error[j]}`,
    );
    // The absolute error is rounding in the quadrature sum, a few eps times a_0.
    assert.ok(Math.abs(a - exact) <= 4 * EPS * a0, `j=${j}: absolute error ${Math.abs(a - exact)}`);
  }
  // a_12 = 1.9e-13 lies below the float64 floor of a 2000-point matrix (n eps lambda_1 / n = 4.4e-13 a_0),
  // yet the quadrature resolves it to 1e-3.
  const a12 = Math.exp(-1) * besselI1(12);
  assert.ok(a12 < 2000 * EPS * a0);
  assert.ok(Math.abs(spectrum.coefficient[12] - a12) <= 1e-3 * a12);
  const vanishing = where(spectrum.vanishing);
  assert.deepEqual(
    vanishing,
    Array.from({ length: 31 - vanishing[0] }, (_, i) => vanishing[0] + i),
    "a tail",
  );
  assert.ok(vanishing[0] >= 13 && spectrum.tolerance < 1e-13 * a0);
});

test("matrix eigenvalue of frequency j is n a_j plus its aliases n a_{|j + l n|} (Poisson summation)", () => {
  const n = 256;
  const J = 16 * n;
  const spectrum = frequencySpectrum((t) => laplace(t), { maxFrequency: J, argument: "angle" });
  const matrix = circulantFrequencySpectrum(gridMatrix(laplace, n));
  const predicted = aliasedEigenvalues(spectrum.coefficient, n);
  // The truncated alias tail: Laplace coefficients fall like C j^-2, so the aliases beyond J add at most
  // 2 n C sum_{m > J} m^-2 < 2 n C / J per eigenvalue.
  const C = spectrum.coefficient[J] * J * J;
  const tail = (2 * n * C) / J;
  for (let j = 0; j <= n / 2; j++) {
    const diff = Math.abs(matrix.eigenvalue[j] - predicted[j]);
    assert.ok(
      diff <= tail + 10 * n * EPS * matrix.eigenvalue[0],
      `j=${j}: ${matrix.eigenvalue[j]} vs ${predicted[j]}`,
    );
  }
  // At low frequencies and large n the aliases are small: lambda_j / n - a_j is about
  // sum_{l != 0} a_{|l| n} ~ 2 C zeta(2) / n^2 = 2.6e-7 here, under 2e-4 of a_j for j <= 10.
  const big = circulantFrequencySpectrum(gridMatrix(laplace, 2000));
  for (let j = 0; j <= 10; j++) {
    const diff = big.coefficient[j] - spectrum.coefficient[j];
    assert.ok(diff > 0 && diff <= (1.1 * (2 * C * (Math.PI ** 2 / 6))) / 2000 ** 2, `j=${j}: ${diff}`);
    assert.ok(diff <= 2e-4 * spectrum.coefficient[j], `j=${j} relative`);
  }
  // and near the Nyquist frequency they are not: the flattening of the n = 200 decay slope.
  assert.ok(predicted[n / 2] > 1.5 * n * spectrum.coefficient[n / 2]);
});

test("vanishing frequencies follow the theory: odd j >= 3 for ReLU, even j >= 4 for ReLU^2, none with bias", () => {
  const J = 60;
  const odd = Array.from({ length: J + 1 }, (_, j) => j).filter((j) => j >= 3 && j % 2 === 1);
  const even = Array.from({ length: J + 1 }, (_, j) => j).filter((j) => j >= 4 && j % 2 === 0);
  const relu = frequencySpectrum((u) => reluNtk(Math.acos(u)), { maxFrequency: J });
  assert.deepEqual(where(relu.vanishing), odd);
  assert.ok(relu.tolerance < 1e-13, `tolerance ${relu.tolerance}`);
  assert.deepEqual(
    where(frequencySpectrum((t) => relu2Ntk(t), { maxFrequency: J, argument: "angle" }).vanishing),
    even,
  );
  assert.deepEqual(
    where(frequencySpectrum((t) => reluNtkBias(t), { maxFrequency: J, argument: "angle" }).vanishing),
    [],
  );
  // The matrix sees the same zeros, at its coarser float64 resolution.
  const matrix = circulantFrequencySpectrum(gridMatrix(reluNtk, 200));
  assert.deepEqual(
    where(matrix.vanishing),
    odd.concat(Array.from({ length: 100 - J }, (_, i) => J + 1 + i).filter((j) => j % 2 === 1)),
  );
  assert.equal(
    matrix.multiplicity.reduce((s, m) => s + m, 0),
    200,
  );
});

test("the cosine and angle forms of kappa agree, and the per-frequency decay matches the theory", () => {
  const alpha = 1.5;
  const byAngle = frequencySpectrum(pseudoLaplace(alpha), { maxFrequency: 400, argument: "angle" });
  const byCosine = frequencySpectrum((u) => Math.exp(-((2 - 2 * u) ** (alpha / 2))), { maxFrequency: 400 });
  for (let j = 0; j <= 400; j++) {
    assert.ok(Math.abs(byAngle.coefficient[j] - byCosine.coefficient[j]) <= 1e-13, `j=${j}`);
  }
  // log-log slope of a_j between j = 200 and 400 against the theory's -(1 + alpha) on the circle.
  const slope = Math.log(byAngle.coefficient[400] / byAngle.coefficient[200]) / Math.log(2);
  assert.ok(
    Math.abs(slope - (expectedDecay({ family: "gammaExponential", alpha }).rankSlope as number)) < 0.02,
    `${slope}`,
  );
});

test("the theory table gives the papers' rank slopes and scales to the sphere", () => {
  assert.equal(expectedDecay({ family: "reluNtk" }).rankSlope, -2);
  assert.equal(expectedDecay({ family: "reluPowerNtk", k: 3 }).rankSlope, -6);
  assert.equal(expectedDecay({ family: "laplace" }).rankSlope, -2);
  assert.equal(expectedDecay({ family: "gammaExponential", alpha: 1.5 }).rankSlope, -2.5);
  for (const family of ["gaussian", "sinNtk", "cosNtk", "erfNtk"] as const) {
    const decay = expectedDecay({ family });
    assert.equal(decay.rankSlope, null);
    assert.match(decay.note, /faster than any power/);
  }
  assert.equal(expectedDecay({ family: "reluNtk" }, { d: 3 }).rankSlope, -1.5);
  assert.equal(rankSlopeFromFrequencyExponent(4, 3), -2);
  assert.throws(
    () => expectedDecay({ family: "gammaExponential", alpha: 2 }),
    /alpha must lie in \(0, 2\), got 2/,
  );
  assert.throws(() => expectedDecay({ family: "reluPowerNtk", k: 0 }), /k must be an integer >= 1, got 0/);
  assert.throws(() => expectedDecay({ family: "reluNtk" }, { d: 1 }), /d must be an integer >= 2, got 1/);
});

test("bad arguments to the frequency spectra throw errors naming them", () => {
  assert.throws(
    () => frequencySpectrum(reluNtk, { maxFrequency: -1 }),
    /maxFrequency must be an integer >= 0, got -1/,
  );
  assert.throws(
    () => frequencySpectrum(reluNtk, { argument: "radius" as never }),
    /argument must be "cosine" or "angle"/,
  );
  assert.throws(
    () => frequencySpectrum(() => NaN),
    /kappa must be finite on the circle; at angle t = .* returned NaN/,
  );
  assert.throws(() => frequencySpectrum(42 as never), /kappa must be a function, got 42/);
  assert.throws(() => aliasedEigenvalues([1], 0), /n must be an integer >= 1, got 0/);
});
