import assert from "node:assert/strict";
import { test } from "node:test";
import { EigenvalueDecomposition } from "ml-matrix";
import { circlePoints } from "../src/inputs";
import {
  extendedLaplaceKernel,
  gammaExponentialKernel,
  gaussianKernel,
  laplaceKernel,
} from "../src/kernels/classic";
import { referencePairs } from "./referenceKernels";

function classic(name: string, x: number[], y: number[]): number | null {
  let m = name.match(/^laplacian_s([\d.]+)$/);
  if (m) return laplaceKernel([x], [y], { sigma: Number(m[1]) }).get(0, 0);
  m = name.match(/^gaussian_s([\d.]+)$/);
  if (m) return gaussianKernel([x], [y], { sigma: Number(m[1]) }).get(0, 0);
  m = name.match(/^pseudo_laplacian_a([\d.]+)$/);
  if (m) return gammaExponentialKernel([x], [y], { alpha: Number(m[1]) }).get(0, 0);
  m = name.match(/^extended_a([\d.]+)_b([\d.]+)$/);
  if (m) return extendedLaplaceKernel([x], [y], { alpha: Number(m[1]), beta: Number(m[2]) }).get(0, 0);
  return null;
}

test("comparison kernels reproduce every value of kernels.json to 1e-12 relative (absolute where the value is 0)", () => {
  let checked = 0;
  for (const pair of referencePairs) {
    for (const [name, expected] of Object.entries(pair.ntk_or_kernel)) {
      const value = classic(name, pair.x, pair.y);
      if (value === null) continue;
      assert.ok(
        Math.abs(value - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
        `${pair.name} ${name}: ${value} vs ${expected}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 120, `only ${checked} values`);
});

test("Gaussian uses exp(-r^2 / (2 sigma^2)), not exp(-r^2/2 * sigma^2)", () => {
  const v = gaussianKernel([[0, 0]], [[3, 0]], { sigma: 2 }).get(0, 0);
  assert.ok(Math.abs(v - Math.exp(-9 / 8)) < 1e-16);
});

test("Laplace, Gaussian and gamma-exponential matrices are PSD; extended with beta > 0 is not", () => {
  const X = circlePoints(60);
  const minRatio = (K: ReturnType<typeof laplaceKernel>) => {
    const ev = new EigenvalueDecomposition(K, { assumeSymmetric: true }).realEigenvalues;
    return Math.min(...ev) / Math.max(...ev);
  };
  assert.ok(minRatio(laplaceKernel(X)) >= -1e-10);
  assert.ok(minRatio(gaussianKernel(X, undefined, { sigma: 0.5 })) >= -1e-10);
  assert.ok(minRatio(gammaExponentialKernel(X, undefined, { alpha: 1.5 })) >= -1e-10);
  const ext = extendedLaplaceKernel(X, undefined, { alpha: 1, beta: 1 });
  assert.equal(ext.get(3, 3), 0);
  assert.ok(minRatio(ext) < -1e-3, "beta > 0 should give negative eigenvalues");
});

test("bad parameters throw naming parameter, value and allowed range", () => {
  const X = [[0, 1]];
  assert.throws(
    () => laplaceKernel(X, undefined, { sigma: 0 }),
    /laplaceKernel: sigma must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => gaussianKernel(X, undefined, { sigma: -1 }),
    /sigma must be a finite number > 0, got -1/,
  );
  assert.throws(
    () => gammaExponentialKernel(X, undefined, { alpha: 2.5 }),
    /alpha must lie in \(0, 2\], got 2.5/,
  );
  assert.throws(
    () => gammaExponentialKernel(X, undefined, { alpha: 0 }),
    /alpha must lie in \(0, 2\], got 0/,
  );
  assert.throws(
    () => extendedLaplaceKernel(X, undefined, { alpha: 1, beta: -0.5 }),
    /beta must lie in \[0, Infinity\), got -0.5/,
  );
  assert.throws(() => laplaceKernel(X, [[1, 2, 3]]), /Y must have the dimension of X/);
  assert.throws(() => laplaceKernel([[NaN, 1]]), /X\[0\]\[0\] must be finite, got NaN/);
});
