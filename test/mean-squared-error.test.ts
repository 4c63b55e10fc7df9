import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import { kernelRegression, meanSquaredError } from "../src/index";

test("the mean squared error is the sum of squared residuals over n, by hand", () => {
  // Residuals 1, -2, 0.5, 0: squares 1 + 4 + 0.25 + 0 = 5.25, over 4.
  assert.equal(meanSquaredError([2, 0, 1.5, 3], [1, 2, 1, 3]), 5.25 / 4);
  assert.equal(meanSquaredError(Float64Array.of(1, 2), [1, 2]), 0);
});

test("kernelRegression's trainMse is meanSquaredError of its training predictions", () => {
  const K = new Matrix([
    [2, 0.5, 0.1],
    [0.5, 2, 0.3],
    [0.1, 0.3, 2],
  ]);
  const y = [1, -0.5, 0.25];
  const fit = kernelRegression(K, y, { ridge: 0.7 });
  assert.equal(fit.trainMse, meanSquaredError(fit.trainPredictions, y));
  assert.ok(fit.trainMse > 0);
});

test("residuals whose squares overflow still give the mean when it is below the largest double", () => {
  // Four residuals of 1e154: the squares' sum 4e308 overflows, the mean 1e308 does not.
  const mse = meanSquaredError(new Array<number>(4).fill(1e154), [0, 0, 0, 0]);
  assert.ok(Math.abs(mse - 1e308) <= 1e-15 * 1e308, `${mse}`);
  assert.throws(
    () => meanSquaredError([1e155], [0]),
    /meanSquaredError: f and y must be closer: .*largest double.*1\.00e\+155/,
  );
});

test("f and y of different lengths are an Error naming y and both lengths", () => {
  assert.throws(() => meanSquaredError([1, 2, 3], [1, 2]), /meanSquaredError: y must have 3 values .*got 2/);
  assert.throws(() => meanSquaredError([], []), /meanSquaredError: f must be a non-empty list/);
});
