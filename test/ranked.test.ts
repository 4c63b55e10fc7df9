import { test } from "node:test";
import assert from "node:assert/strict";
import {
  circleProfile,
  circulantFrequencySpectrum,
  decaySlope,
  eigenvalues,
  frequencySpectrum,
  localExponent,
  mercerRanks,
  precisionRank,
  rankByFrequency,
  rankedDecaySlope,
  slopeRows,
} from "../src/spectrum";
import { laplaceKernel, mlp, ntk, relu } from "../src/kernels";
import { circlePoints } from "../src/inputs";
import { gaussian, gridMatrix, relu2Ntk, reluNtk } from "./circle-kernels";

test("rankByFrequency repeats each frequency by its multiplicity, sorts descending and drops unresolved ones", () => {
  const ranked = rankByFrequency([1, 0.25, 1e-20, 0.5], { tolerance: 1e-15 });
  assert.deepEqual(Array.from(ranked.values), [1, 0.5, 0.5, 0.25, 0.25]);
  assert.deepEqual(Array.from(ranked.frequency), [0, 3, 3, 1, 1]);
  assert.deepEqual(ranked.dropped, [2]);
  assert.equal(ranked.total, 7);
  const custom = rankByFrequency([3, 2, 1], { multiplicity: (j) => 2 * j + 1 });
  assert.deepEqual(Array.from(custom.values), [3, 2, 2, 2, 1, 1, 1, 1, 1]);
  const fromArray = rankByFrequency([3, 2, 1], { multiplicity: [1, 2, 1] });
  assert.deepEqual(Array.from(fromArray.frequency), [0, 1, 1, 2]);
});

test("on grid points the ranked circulant spectrum is the sorted dense spectrum of the matrix", () => {
  const n = 64;
  const K = gridMatrix(reluNtk, n);
  const perFrequency = circulantFrequencySpectrum(K);
  const ranked = rankByFrequency(perFrequency.eigenvalue, {
    multiplicity: perFrequency.multiplicity,
    tolerance: perFrequency.tolerance,
  });
  const dense = eigenvalues(K, { method: "dense" });
  const scale = dense[0];
  // The bias-free ReLU NTK's odd frequencies >= 3 vanish: they are dropped, the rest match rank by rank.
  assert.ok(ranked.dropped.length > 0 && ranked.dropped.every((j) => j >= 3 && j % 2 === 1));
  for (let r = 0; r < ranked.values.length; r++) {
    assert.ok(
      Math.abs(ranked.values[r] - dense[r]) <= 1e-12 * scale,
      `rank ${r + 1}: ${ranked.values[r]} vs ${dense[r]}`,
    );
  }
  for (let r = ranked.values.length; r < n; r++) assert.ok(Math.abs(dense[r]) <= n * Number.EPSILON * scale);
});

test("rankedDecaySlope fits like decaySlope where resolved and says why not elsewhere", () => {
  const a = Array.from({ length: 200 }, (_, j) => (j === 0 ? 1 : j ** -2));
  const ranked = rankByFrequency(a);
  for (const method of ["lsq", "endpoints"] as const) {
    const fit = rankedDecaySlope(ranked, { method });
    const direct = decaySlope(ranked.values, { method });
    assert.equal(fit.meaningful, true);
    assert.ok(Math.abs((fit.slope as number) - (direct.slope as number)) < 1e-12);
  }
  // With a tolerance above a_30 = 1/900 only ranks up to about 60 are resolved.
  const coarse = rankByFrequency(a, { tolerance: 1 / 900 });
  const unresolved = rankedDecaySlope(coarse, { from: 30, to: 100 });
  assert.equal(unresolved.meaningful, false);
  assert.equal(unresolved.slope, null);
  assert.match(unresolved.reason as string, /only \d+ ranks are resolved \(\|value\| > /);
  assert.throws(() => rankedDecaySlope(ranked, { from: 30, to: 1000 }), /window from=30, to=1000 .* <= 399/);
  assert.throws(() => rankedDecaySlope(ranked, { from: 0, to: 10 }), /1 <= from < to/);
  assert.throws(() => rankedDecaySlope(ranked, { method: "median" as never }), /method must be/);
});

test("the Mercer ranks of the Laplace kernel decay like the 2000-point matrix spectrum (rank slope near -2)", () => {
  const profile = circleProfile((X, Y) => laplaceKernel(X, Y));
  const mercer = mercerRanks(frequencySpectrum(profile, { maxFrequency: 200, argument: "angle" }));
  const matrix = eigenvalues(laplaceKernel(circlePoints(2000)), { method: "circulant" });
  const fromMercer = rankedDecaySlope(mercer).slope as number;
  const fromMatrix = decaySlope(matrix).slope as number;
  assert.ok(Math.abs(fromMercer - fromMatrix) < 0.02, `${fromMercer} vs ${fromMatrix}`);
  assert.ok(Math.abs(fromMercer + 2) < 0.05);
});

test("with relativeError the Mercer ranks reach below the vanishing tolerance, and local exponents read the power", () => {
  // Gaussian exp(cos t - 1): a_13 = e^-1 I_13(1) = 7e-15 lies below the tolerance (2e-14), above 4 error estimates.
  const gauss = frequencySpectrum(gaussian, { maxFrequency: 30, argument: "angle" });
  const byTolerance = mercerRanks(gauss);
  const byError = mercerRanks(gauss, { relativeError: 0.25 });
  assert.ok(byError.values.length > byTolerance.values.length);
  const r = byError.values.length - 1;
  const j = byError.frequency[r];
  assert.ok(gauss.error[j] <= 0.25 * byError.values[r] && byError.values[r] < gauss.tolerance);
  assert.match(
    rankedDecaySlope(byError, { from: 10, to: 50 }).reason as string,
    /estimated quadrature error <= 0.25/,
  );
  // Bias-free ReLU^2 NTK: a_j ~ C j^-4 at odd j, and a_j = 0 at even j >= 4.
  const relu2 = frequencySpectrum(relu2Ntk, { maxFrequency: 200, argument: "angle" });
  const exponent = localExponent(relu2, 41, 81) as number;
  assert.ok(Math.abs(exponent + 4) < 0.05, `${exponent}`);
  assert.equal(localExponent(relu2, 4, 8), null);
  assert.throws(() => localExponent(relu2, 10, 10), /to must be an integer/);
  assert.throws(() => mercerRanks(relu2, { relativeError: 2 }), /relativeError must be a number in \(0, 1\)/);
});

test("circleProfile evaluates the kernel between (1, 0) and the point at angle t", () => {
  const n = 16;
  const K = ntk(mlp([relu]), circlePoints(n));
  const profile = circleProfile((X, Y) => ntk(mlp([relu]), X, Y));
  for (let j = 0; j < n; j++) {
    assert.ok(Math.abs(profile((2 * Math.PI * j) / n) - K.get(0, j)) <= 1e-14, `j=${j}`);
  }
  assert.throws(() => circleProfile(42 as never), /kernel must be a function/);
});

test("precisionRank is the first rank at or below n eps lambda_1", () => {
  const values = Array.from({ length: 60 }, (_, i) => 2 ** -i);
  // lambda_i = 2^-(i-1). 60 eps = 1.3e-14 lies between 2^-47 = 7.1e-15 and 2^-46 = 1.4e-14: rank 48 is the first.
  assert.equal(precisionRank(values), 48);
  // 1e6 eps = 2.2e-10 lies between 2^-33 and 2^-32.
  assert.equal(precisionRank(values, 1e6), 34);
  assert.equal(precisionRank([3, 2, 1]), null);
  assert.throws(() => precisionRank(values, 10), /n must be an integer/);
  assert.throws(() => precisionRank([]), /must not be empty/);
});

test("slopeRows gives one rounded row per fit, null slopes where the window is unresolved", () => {
  const good = decaySlope(
    Array.from({ length: 100 }, (_, i) => (i + 1) ** -2),
    { method: "endpoints" },
  );
  const bad = decaySlope(
    Array.from({ length: 100 }, (_, i) => 10 ** -i),
    { method: "lsq" },
  );
  const rows = slopeRows({ kernel: "k", inputs: "circle", n: 100, theory: -2 }, [good, bad]);
  assert.deepEqual(rows, [
    { kernel: "k", inputs: "circle", n: 100, method: "endpoints", slope: -2, meaningful: true, theory: -2 },
    { kernel: "k", inputs: "circle", n: 100, method: "lsq", slope: null, meaningful: false, theory: -2 },
  ]);
});

test("bad arguments to rankByFrequency throw errors naming them", () => {
  assert.throws(() => rankByFrequency([]), /value must hold at least one frequency/);
  assert.throws(() => rankByFrequency([1, NaN]), /value\[1\] must be finite/);
  assert.throws(() => rankByFrequency([1, 2], { tolerance: -1 }), /tolerance must be a finite number >= 0/);
  assert.throws(() => rankByFrequency([1, 2], { multiplicity: [1] }), /one entry per frequency \(2\), got 1/);
  assert.throws(() => rankByFrequency([1, 2], { multiplicity: () => 1.5 }), /multiplicity of frequency 0/);
});
