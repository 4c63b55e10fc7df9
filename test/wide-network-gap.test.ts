import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import {
  empiricalNtk,
  gradientDescentDynamics,
  kernelRegression,
  meanSquaredError,
  mlp,
  network,
  relativeError,
  relu,
  Rng,
  stableLearningRate,
  summarizeByWidth,
  train,
  wideNetworkGaps,
  type WideNetworkRun,
} from "../src/index";

const draw = new Rng(7);
const rows = (n: number) => new Matrix(Array.from({ length: n }, () => Array.from(draw.normals(3))));
const X = rows(4);
const Xtest = rows(5);
const target = (x: number[]) => x[0] - 0.5 * x[1] * x[2];
const data = { X, y: X.to2DArray().map(target), Xtest, yTest: Xtest.to2DArray().map(target) };
const options = {
  widths: [128, 256],
  seeds: [3],
  targetMse: 1e-3,
  maxSteps: 20000,
  rateFraction: 0.5,
  kappa: 0.1,
};
const runs = wideNetworkGaps(mlp([relu]), data, options);

describe("meanSquaredError", () => {
  it("is the mean of the squared differences", () => {
    assert.equal(meanSquaredError([1, 2, 4], [0, 0, 1]), (1 + 4 + 9) / 3);
  });

  it("keeps a mean that fits a double when the squares' sum overflows", () => {
    const mse = meanSquaredError([1e154, -1e154], [0, 0]);
    assert.ok(Math.abs(mse / 1e308 - 1) < 1e-15, `${mse}`);
  });

  it("refuses a mean beyond the largest double, and unequal lengths, naming y", () => {
    assert.throws(
      () => meanSquaredError([2e154, 2e154], [0, 0]),
      /^Error: meanSquaredError: f and y must be closer: /,
    );
    assert.throws(
      () => meanSquaredError([1, 2], [1]),
      /^Error: meanSquaredError: y must have 2 values \(as many as f\), got 1$/,
    );
  });
});

describe("wideNetworkGaps", () => {
  it("gives one run per width and seed, widths outer", () => {
    assert.deepEqual(
      runs.map((r) => [r.width, r.seed]),
      [
        [128, 3],
        [256, 3],
      ],
    );
  });

  it("reproduces a run computed by hand from the network, its empirical NTK, the trainer and the dynamics", () => {
    const net = network(mlp([relu]), { inputDim: 3, width: 256, seed: 3 });
    const theta0 = Float64Array.from(net.params);
    const trainFlat = Float64Array.from(X.to1DArray());
    const testFlat = Float64Array.from(Xtest.to1DArray());
    const f0 = net.predict(trainFlat, 4);
    const f0Test = net.predict(testFlat, 5);
    const K = empiricalNtk(net, X);
    const Kt = empiricalNtk(net, Xtest, X);
    const withF0 = kernelRegression(
      K,
      data.y.map((v, i) => v - f0[i]),
    )
      .predict(Kt)
      .map((v, i) => v + f0Test[i]);
    const learningRate = 0.5 * stableLearningRate(net, X).maxLearningRate;
    const result = train(net, X, data.y, { steps: 20000, learningRate, targetLoss: 5e-4, progress: false });
    const trained = net.predict(testFlat, 5);
    const sameStep = gradientDescentDynamics(K, data.y, { eta: learningRate, initial: f0 }).predict(
      result.steps,
      Kt,
      f0Test,
    );
    const run = runs[1];
    assert.equal(run.steps, result.steps);
    assert.equal(run.learningRate, learningRate);
    assert.ok(run.trainMse < 1e-3);
    assert.equal(run.gap, meanSquaredError(withF0, trained));
    assert.equal(run.gapSameStep, meanSquaredError(sameStep, trained));
    assert.equal(run.gapWithoutF0, meanSquaredError(kernelRegression(K, data.y).predict(Kt), trained));
    assert.equal(run.testMseNet, meanSquaredError(trained, data.yTest));
    assert.equal(run.weightChange, relativeError(net.params, theta0));
    assert.equal(run.kernelChange, relativeError(empiricalNtk(net, X).to1DArray(), K.to1DArray()));
  });

  it("scales the kappa network's output and kernel by kappa and kappa^2, so its f0-free prediction is the net's", () => {
    const net = network(mlp([relu]), { inputDim: 3, width: 128, seed: 3 });
    const scaled = network(mlp([relu], { weightStd: [1, 0.1] }), { inputDim: 3, width: 128, seed: 3 });
    const flat = Float64Array.from(X.to1DArray());
    const f = net.predict(flat, 4);
    scaled.predict(flat, 4).forEach((v, i) => assert.ok(Math.abs(v - 0.1 * f[i]) <= 1e-15 * Math.abs(f[i])));
    const K = empiricalNtk(net, X);
    assert.ok(relativeError(empiricalNtk(scaled, X).to1DArray(), K.mul(0.01).to1DArray()) < 1e-14);
    // After training the kappa net sits within kappa^2-small f0 effects of kernel regression on y alone,
    // far closer than the unscaled net does.
    assert.ok(runs[0].gapKappa < runs[0].gapWithoutF0 / 10, `${runs[0].gapKappa} vs ${runs[0].gapWithoutF0}`);
  });

  it("says which width and seed missed the target within maxSteps", () => {
    assert.throws(
      () => wideNetworkGaps(mlp([relu]), data, { ...options, widths: [8], maxSteps: 2 }),
      /^Error: wideNetworkGaps: maxSteps must be large enough for the network of width 8, seed 3 to reach targetMse = 0\.001: /,
    );
  });

  it("refuses data whose targets do not match the points", () => {
    assert.throws(
      () => wideNetworkGaps(mlp([relu]), { ...data, yTest: [1, 2] }, options),
      /^Error: wideNetworkGaps: yTest must have 5 values \(one per row of data\.Xtest\), got 2$/,
    );
  });
});

describe("summarizeByWidth", () => {
  const run = (width: number, gap: number) => ({ ...runs[0], width, gap }) as WideNetworkRun;
  it("gives the mean, min and max of a quantity per width, in the order of widths", () => {
    const made = [run(8, 1), run(16, 10), run(8, 3), run(16, 30)];
    assert.deepEqual(summarizeByWidth(made, [16, 8], "gap"), [
      { width: 16, mean: 20, min: 10, max: 30 },
      { width: 8, mean: 2, min: 1, max: 3 },
    ]);
  });

  it("refuses a width no run has and a key that is not a measurement", () => {
    assert.throws(
      () => summarizeByWidth(runs, [5], "gap"),
      /^Error: summarizeByWidth: widths must be widths of the runs, got 5/,
    );
    assert.throws(
      () => summarizeByWidth(runs, [32], "seed" as "gap"),
      /^Error: summarizeByWidth: key must be one of steps, trainMse, .*, got "seed"$/,
    );
  });
});
