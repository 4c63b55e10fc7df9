import { test } from "node:test";
import assert from "node:assert/strict";
import { decaySlope, eigenvalues } from "../src/spectrum";
import {
  extended,
  gaussian,
  gridMatrix,
  laplace,
  pseudoLaplace,
  relu2Ntk,
  reluNtk,
  reluNtkBias,
} from "./circle-kernels";
import { referenceSlopes } from "./referenceKernels";

const KERNELS: Record<string, (t: number) => number> = {
  relu_ntk_L1: reluNtk,
  relu_ntk_L1_bias: reluNtkBias,
  relu2_ntk_L1: relu2Ntk,
  laplacian_s1: laplace,
  "pseudo_laplacian_a1.5": pseudoLaplace(1.5),
};

test("decay slopes on 200 circle points reproduce the reference (lsq and endpoints, window 30..100)", () => {
  for (const [name, kernel] of Object.entries(KERNELS)) {
    const ref = referenceSlopes[name];
    const values = eigenvalues(gridMatrix(kernel, 200));
    assert.ok(Math.abs(values[0] - ref.lambda1) <= 1e-10 * ref.lambda1, `${name} lambda_1`);
    const lsq = decaySlope(values);
    const ends = decaySlope(values, { method: "endpoints" });
    assert.ok(lsq.meaningful && ends.meaningful, name);
    assert.ok(Math.abs((lsq.slope as number) - ref.lsq) <= 1e-8, `${name} lsq ${lsq.slope} vs ${ref.lsq}`);
    assert.ok(Math.abs((ends.slope as number) - ref.endpoints) <= 1e-8, `${name} endpoints ${ends.slope}`);
    assert.deepEqual([lsq.from, lsq.to, lsq.method, ends.method], [30, 100, "lsq", "endpoints"]);
    assert.ok((lsq.r2 as number) > 0.95 && (lsq.r2 as number) <= 1, `${name} r2`);
  }
});

test("the bias-free ReLU NTK slope approaches the theory's -2 on 2000 points (about -2.09)", () => {
  const values = eigenvalues(gridMatrix(reluNtk, 2000), { method: "circulant" });
  const slope = decaySlope(values).slope as number;
  assert.ok(Math.abs(slope - -2.09) < 0.01, `slope ${slope}`);
});

test("a Gaussian kernel's window 30..100 is below float64 resolution: no slope, a reason", () => {
  const fit = decaySlope(eigenvalues(gridMatrix(gaussian, 200)));
  assert.equal(fit.meaningful, false);
  assert.equal(fit.slope, null);
  assert.equal(fit.intercept, null);
  assert.match(
    fit.reason as string,
    /lambda_30 = .* at or below the float64 resolution floor n eps lambda_1/,
  );
});

test("a top-k subset gives the full spectrum's slope when n is passed for the floor", () => {
  const full = eigenvalues(gridMatrix(laplace, 300));
  const top = full.slice(0, 100);
  assert.equal(decaySlope(top, { n: 300 }).slope, decaySlope(full).slope);
  assert.equal(decaySlope(top, { n: 300 }).floor, decaySlope(full).floor);
});

test("magnitude: true fits |lambda| of an indefinite kernel and says so", () => {
  const values = eigenvalues(gridMatrix(extended(1, 0.5), 200));
  assert.ok(values[values.length - 1] < -1e-3, "the kernel is indefinite");
  const fit = decaySlope(values, { magnitude: true, from: 10, to: 60 });
  assert.equal(fit.magnitude, true);
  assert.match(fit.note as string, /\|lambda\|/);
  assert.ok(fit.meaningful && (fit.slope as number) < -1);
  assert.equal(decaySlope(values, { from: 10, to: 60 }).magnitude, false);
});

test("negative eigenvalues inside the window make the fit not meaningful", () => {
  const values = Float64Array.from({ length: 120 }, (_, i) => (i < 50 ? (i + 1) ** -2 : -1e-20 * (i + 1)));
  const fit = decaySlope(values);
  assert.equal(fit.meaningful, false);
  assert.match(fit.reason as string, /lambda_51 = -/);
});

test("bad windows, orders and values throw errors naming what is allowed", () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => (i + 1) ** -2);
  assert.throws(
    () => decaySlope(values, { to: 101 }),
    /window from=30, to=101 must be integers with 1 <= from < to <= 100/,
  );
  assert.throws(() => decaySlope(values, { from: 0 }), /window from=0, to=100/);
  assert.throws(() => decaySlope(values, { from: 50, to: 50 }), /window from=50, to=50/);
  assert.throws(
    () => decaySlope(values, { method: "naive" as never }),
    /method must be "lsq" or "endpoints", got naive/,
  );
  assert.throws(() => decaySlope(values, { n: 10 }), /n must be an integer >= 100, got 10/);
  assert.throws(
    () => decaySlope(Float64Array.from(values).reverse()),
    /sorted descending .*eigenvalues\[1\]/,
  );
  const nan = values.slice();
  nan[40] = NaN;
  assert.throws(() => decaySlope(nan), /eigenvalues\[40\] must be finite, got NaN/);
});
