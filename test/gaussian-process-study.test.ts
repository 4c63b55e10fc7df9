import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Rng,
  gaussianProcessPosterior,
  gaussianProcessStudy,
  kernelRegression,
  largestDifference,
  meanSquaredError,
  mlp,
  networkKernel,
  relu,
  standardDeviationBand,
} from "../src/index";

const arch = mlp([relu], { biasStd: 1 });
const g = (x: number) => x + Math.sin(3 * x);
const xTrain = [-1.2, -0.3, 0.4, 1.1, 2];
const grid = [-2, -1, -0.3, 0, 0.7, 1.5, 2.5];
const xTest = [-0.8, 0.1, 0.9];
const data = { xTrain, yTrain: xTrain.map(g), grid, xTest, yTest: xTest.map(g) };

test("the study is notebook 07's old per-kernel loop run by hand: posterior, band, samples, sd at the data, test MSE", () => {
  const kernels = [networkKernel(arch, { get: "nngp", name: "NNGP" }), networkKernel(arch, { name: "NTK" })];
  const shared = new Rng(11);
  const studies = kernels.map((k) => gaussianProcessStudy(k, data, { noise: 1e-6, samples: 3, rng: shared }));
  const byHand = new Rng(11);
  kernels.forEach((kernel, k) => {
    const study = studies[k];
    const post = gaussianProcessPosterior(kernel(xTrain), data.yTrain, kernel(grid, xTrain), kernel(grid), {
      noise: 1e-6,
    });
    assert.equal(study.kernel, kernel.name);
    assert.deepEqual(study.posterior.mean, post.mean);
    grid.forEach((_, i) => {
      const sd = Math.sqrt(post.variance[i]);
      assert.equal(study.lower[i], post.mean[i] - 2 * sd);
      assert.equal(study.upper[i], post.mean[i] + 2 * sd);
    });
    assert.deepEqual(study.draws, post.sample(3, { rng: byHand }));
    const atTrain = gaussianProcessPosterior(kernel(xTrain), data.yTrain, kernel(xTrain), kernel(xTrain), {
      noise: 1e-6,
    });
    assert.equal(study.trainMaxStd, Math.sqrt(Math.max(...atTrain.variance)));
    const fit = kernelRegression(kernel(xTrain), data.yTrain, { ridge: 1e-6 });
    assert.equal(study.testMse, meanSquaredError(fit.predict(kernel(xTest, xTrain)), data.yTest));
  });
});

test("the posterior mean at the test points is the ridge regression the test error is computed from", () => {
  const kernel = networkKernel(arch);
  const study = gaussianProcessStudy(kernel, { ...data, grid: xTest }, { noise: 1e-3, samples: 0 });
  assert.equal(study.draws.length, 0);
  const direct = meanSquaredError(study.posterior.mean, data.yTest);
  assert.ok(Math.abs(study.testMse - direct) <= 1e-9 * direct, `${study.testMse} vs ${direct}`);
});

test("a noise-free posterior pins the data: its standard deviation at the training points is near 0", () => {
  const study = gaussianProcessStudy(networkKernel(arch), data, { noise: 0, samples: 1, seed: 3 });
  assert.ok(study.trainMaxStd < 1e-5, `${study.trainMaxStd}`);
  assert.equal(study.draws[0].length, grid.length);
});

test("standardDeviationBand is mean -+ width sd, and zero width is the mean itself", () => {
  const { lower, upper } = standardDeviationBand([1, -2, 0], [4, 0, 0.25], 2);
  assert.deepEqual(Array.from(lower), [-3, -2, -1]);
  assert.deepEqual(Array.from(upper), [5, -2, 1]);
  const flat = standardDeviationBand([1, 2], [9, 1], 0);
  assert.deepEqual(Array.from(flat.lower), [1, 2]);
  assert.throws(
    () => standardDeviationBand([0, 0], [1, -1e-3], 2),
    /standardDeviationBand: variance must be >= 0, got variance\[1\] = -0.001/,
  );
});

test("largestDifference is the largest |a_i - b_i| and the first index reaching it", () => {
  assert.deepEqual(largestDifference([0, 3, -1, 5], [1, 0, 2, 2]), { value: 3, index: 1 });
  assert.deepEqual(largestDifference([2], [2]), { value: 0, index: 0 });
  assert.throws(
    () => largestDifference([1e308], [-1e308]),
    /largestDifference: a and b must have differences below/,
  );
  assert.throws(
    () => largestDifference([1, 2], [1]),
    /largestDifference: b must have 2 values \(as many as a\), got 1/,
  );
});
