import { test } from "node:test";
import assert from "node:assert/strict";
import {
  aliasedEigenvalues,
  aliasedEigenvaluesWithTail,
  circulantFrequencySpectrum,
  frequencySpectrum,
} from "../src/spectrum";
import { gridMatrix, reluNtk, reluNtkBias } from "./circle-kernels";

/** n sum_{l in Z} a_{|j + l n|} summed directly over every frequency up to M. */
function bruteForce(a: (m: number) => number, n: number, M: number): Float64Array {
  const out = new Float64Array(Math.floor(n / 2) + 1);
  for (let j = 0; j < out.length; j++) {
    let sum = a(j);
    for (let l = 1; l * n - j <= M; l++) sum += a(l * n + j) + a(l * n - j);
    out[j] = n * sum;
  }
  return out;
}

test("the power-law tail completes the alias sum of coefficients m^-2 that were cut at J", () => {
  const a = (m: number): number => (m === 0 ? 1 : m ** -2);
  const J = 64;
  const coefficient = Float64Array.from({ length: J + 1 }, (_, m) => a(m));
  for (const n of [16, 17]) {
    const exact = bruteForce(a, n, 4e6);
    const withTail = aliasedEigenvaluesWithTail(coefficient, n, { exponent: 2 });
    const truncated = aliasedEigenvalues(coefficient, n);
    for (let j = 0; j < exact.length; j++) {
      assert.ok(Math.abs(withTail.eigenvalue[j] - exact[j]) <= 1e-6 * exact[j], `n=${n} j=${j}`);
      assert.ok(Math.abs(withTail.tail[j] - (exact[j] - truncated[j])) <= 1e-6 * exact[j]);
    }
    assert.ok(Math.abs(withTail.amplitude.even - 1) < 1e-12 && Math.abs(withTail.amplitude.odd - 1) < 1e-12);
  }
});

test("with the tail, Mercer coefficients predict the 200-point ReLU NTK matrix eigenvalues to 1e-5", () => {
  for (const kernel of [reluNtk, reluNtkBias]) {
    const n = 200;
    const matrix = circulantFrequencySpectrum(gridMatrix(kernel, n));
    const a = frequencySpectrum(kernel, { maxFrequency: 400, argument: "angle" }).coefficient;
    const withTail = aliasedEigenvaluesWithTail(a, n, { exponent: 2 });
    const truncated = aliasedEigenvalues(a, n);
    let worstTail = 0;
    let worstTruncated = 0;
    for (let j = 0; j <= n / 2; j++) {
      if (matrix.vanishing[j]) continue;
      const v = matrix.eigenvalue[j];
      worstTail = Math.max(worstTail, Math.abs(withTail.eigenvalue[j] - v) / v);
      worstTruncated = Math.max(worstTruncated, Math.abs(truncated[j] - v) / v);
    }
    assert.ok(worstTail < 1e-5, `with tail ${worstTail}`);
    assert.ok(worstTruncated > 0.05, `truncated ${worstTruncated}`);
  }
});

test("a vanishing parity gets a zero amplitude (bias-free ReLU NTK: odd frequencies)", () => {
  const a = frequencySpectrum(reluNtk, { maxFrequency: 200, argument: "angle" }).coefficient;
  const { amplitude } = aliasedEigenvaluesWithTail(a, 64, { exponent: 2 });
  assert.equal(amplitude.odd, 0);
  // a_m -> 2 / (pi^2 m^2) for even m.
  assert.ok(Math.abs(amplitude.even - 2 / Math.PI ** 2) < 1e-3);
});

test("bad arguments to aliasedEigenvaluesWithTail throw errors naming them", () => {
  const a = new Float64Array(20).fill(1);
  assert.throws(() => aliasedEigenvaluesWithTail(a, 16, { exponent: 1 }), /exponent/);
  assert.throws(() => aliasedEigenvaluesWithTail(a, 0, { exponent: 2 }), /n must be/);
  assert.throws(() => aliasedEigenvaluesWithTail(a.subarray(0, 5), 16, { exponent: 2 }), /J >= 8/);
});
