/**
 * Funk-Hecke coefficients on S^{d-1} (src/spectrum/sphere.ts) against the circle's own quadrature at d = 2
 * and against the eigenvalues of kernel matrices on many random sphere points at d = 3 and 5.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Matrix } from "ml-matrix";
import * as lab from "../src/index";

const arch = lab.mlp([lab.relu], { biasStd: 0.5 });
const kappa = (u: number): number =>
  lab
    .ntk(
      arch,
      new Matrix([
        [1, 0],
        [u, Math.sqrt((1 - u) * (1 + u))],
      ]),
    )
    .get(0, 1);

describe("sphereMercer", () => {
  test("is the circle's frequencySpectrum at d = 2", () => {
    const circle = lab.frequencySpectrum(kappa, { maxFrequency: 12 });
    const sphere = lab.sphereMercer(kappa, 2, { maxDegree: 12 });
    sphere.coefficient.forEach((v, l) => assert.ok(Math.abs(v - circle.coefficient[l]) <= 1e-14, `l = ${l}`));
    assert.deepEqual(Array.from(sphere.multiplicity), [1, ...new Array(12).fill(2)]);
  });

  for (const d of [3, 5]) {
    test(`predicts the eigenvalue clusters of the kernel matrix on 1500 random points of S^${d - 1}`, () => {
      const n = 1500;
      const X = lab.spherePoints(n, d, { seed: 3 });
      const dense = Array.from(lab.eigenvalues(lab.ntk(arch, X)), (v) => v / n).sort((a, b) => b - a);
      const { coefficient, multiplicity } = lab.sphereMercer(kappa, d, { maxDegree: 2 });
      let rank = 0;
      for (let l = 0; l <= 2; l++) {
        const cluster = dense.slice(rank, rank + multiplicity[l]);
        const mean = cluster.reduce((s, v) => s + v, 0) / cluster.length;
        // Sampling error of a cluster mean falls like 1 / sqrt(n): 3% is several standard errors here.
        assert.ok(
          Math.abs(mean - coefficient[l]) <= 0.03 * coefficient[l],
          `d = ${d}, l = ${l}: ${mean} vs ${coefficient[l]}`,
        );
        rank += multiplicity[l];
      }
    });
  }

  test("has the multiplicities N(d, l) of the spherical harmonics", () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((l) => lab.sphereMultiplicity(3, l)),
      [1, 3, 5, 7],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((l) => lab.sphereMultiplicity(5, l)),
      [1, 5, 14, 30],
    );
  });

  test("sums to kappa(1) over every degree with its multiplicity (a smooth kernel, d = 4)", () => {
    const { coefficient, multiplicity } = lab.sphereMercer(Math.exp, 4, { maxDegree: 40 });
    const total = coefficient.reduce((s, m, l) => s + m * multiplicity[l], 0);
    assert.ok(Math.abs(total - Math.E) <= 1e-13);
  });
});

describe("spectrumByRank", () => {
  test("repeats each degree's value by its multiplicity, in descending order, ties by degree", () => {
    const { value, degree } = lab.spectrumByRank([4, 0, 2, 2], [1, 3, 5, 2], 9);
    assert.deepEqual(Array.from(degree), [0, 2, 2, 2, 2, 2, 3, 3, 1]);
    assert.deepEqual(Array.from(value), [4, 2, 2, 2, 2, 2, 2, 2, 0]);
    assert.equal(lab.spectrumByRank([1, 0.5], [1, 3], 100).value.length, 4);
  });

  test("predicts the sorted eigenvalues of the kernel matrix on 1500 random points of S^2, rank by rank", () => {
    const n = 1500;
    const dense = Array.from(
      lab.eigenvalues(lab.ntk(arch, lab.spherePoints(n, 3, { seed: 4 })), { top: 16 }),
      (v) => v / n,
    );
    const { coefficient, multiplicity } = lab.sphereMercer(kappa, 3, { maxDegree: 12 });
    const predicted = lab.spectrumByRank(coefficient, multiplicity, 16);
    // Ranks 1..16 are degrees 0..3 (1 + 3 + 5 + 7). Sampling splits each cluster: its eigenvalues spread
    // by up to 12% around the cluster's value on these points, while their sum stays within 1%.
    assert.deepEqual(Array.from(new Set(predicted.degree)), [0, 1, 2, 3]);
    predicted.value.forEach((v, r) =>
      assert.ok(Math.abs(dense[r] / v - 1) < 0.15, `rank ${r + 1}: ${dense[r]} vs ${v}`),
    );
    const total = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(total(dense) / total(predicted.value) - 1) < 0.01, `${total(dense)}`);
  });

  test("refuses a negative value, a fractional multiplicity and lists of different lengths, naming them", () => {
    assert.throws(
      () => lab.spectrumByRank([1, -1], [1, 1], 2),
      /^Error: spectrumByRank: values\[1\] must lie in \[0, Infinity\), got -1$/,
    );
    assert.throws(
      () => lab.spectrumByRank([1, 1], [1, 1.5], 2),
      /^Error: spectrumByRank: multiplicities\[1\] must be an integer/,
    );
    assert.throws(() => lab.spectrumByRank([1, 1], [1], 2), /^Error: spectrumByRank: multiplicities/);
  });
});
