import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import {
  erf,
  gelu,
  imageKernelAccuracy,
  imagePoints,
  kernelRegression,
  kernelsByDepth,
  loadMnistDigits,
  mlp,
  monteCarloNngpWithError,
  multiOutputKernelRegression,
  nngp,
  oneHot,
  relu,
  Rng,
  selectClasses,
  splitImages,
  summarizeAccuracy,
  type ImageSet,
} from "../src/index";

/** n random 4 x 4 one-channel images whose label is 3 when the top half is brighter, else 5. */
function halves(n: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  const pixels = new Float64Array(n * 16);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const top = rng.uniform() < 0.5;
    labels[i] = top ? 3 : 5;
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = rng.uniform() + (p < 8 === top ? 0.6 : 0);
  }
  return { n, height: 4, width: 4, channels: 1, pixels, labels, source: "test halves" };
}

describe("multiOutputKernelRegression", () => {
  it("gives each column the coefficients and predictions of kernelRegression on that column", () => {
    const rng = new Rng(4);
    const X = new Matrix(Array.from({ length: 12 }, () => Array.from(rng.normals(3))));
    const K = nngp(mlp([relu]), X);
    const Y = new Matrix(Array.from({ length: 12 }, () => [rng.uniform(), rng.uniform(), rng.uniform()]));
    const Kt = nngp(mlp([relu]), X.subMatrix(0, 4, 0, 2), X);
    const multi = multiOutputKernelRegression(K, Y, { ridge: 0.01 });
    const predicted = multi.predict(Kt);
    for (let j = 0; j < 3; j++) {
      const single = kernelRegression(K, Y.getColumn(j), { ridge: 0.01 });
      single.alpha.forEach((a, i) =>
        assert.ok(Math.abs(a - multi.alpha.get(i, j)) <= 1e-9 * (1 + Math.abs(a))),
      );
      single
        .predict(Kt)
        .forEach((p, i) => assert.ok(Math.abs(p - predicted.get(i, j)) <= 1e-9 * (1 + Math.abs(p))));
    }
  });

  it("refuses targets with the wrong number of rows and a singular system without a ridge", () => {
    assert.throws(
      () => multiOutputKernelRegression(Matrix.eye(3), new Matrix(2, 1)),
      /^Error: multiOutputKernelRegression: Y must have n = 3 rows \(one per training point\) and at least one column, got 2 x 1$/,
    );
    assert.throws(
      () => multiOutputKernelRegression(new Matrix(3, 3).fill(1), new Matrix(3, 2).fill(1)),
      /^Error: multiOutputKernelRegression: .*pass ridge > 0/,
    );
  });
});

describe("gelu", () => {
  it("is z Phi(z) with derivative Phi(z) + z phi(z)", () => {
    assert.ok(Math.abs(gelu.fn(1) - 0.8413447460685429) < 1e-15);
    for (const z of [-3, -0.5, 0, 0.7, 2.5]) {
      const numeric = (gelu.fn(z + 1e-6) - gelu.fn(z - 1e-6)) / 2e-6;
      assert.ok(Math.abs(gelu.derivative(z) - numeric) < 1e-8, `z = ${z}`);
    }
  });

  it("has a quadrature NNGP that a Monte Carlo over 200000 units agrees with within 4 standard errors", () => {
    const X = [
      [0.6, 0.8],
      [-1.2, 0.5],
      [0.3, -0.1],
    ];
    const exact = nngp(mlp([gelu]), X);
    const { mean, stdError } = monteCarloNngpWithError(mlp([gelu]), X, undefined, {
      samples: 200000,
      seed: 2,
    });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        assert.ok(Math.abs(mean.get(i, j) - exact.get(i, j)) < 4 * stdError.get(i, j), `entry ${i}, ${j}`);
      }
    }
  });
});

describe("imageKernelAccuracy", () => {
  const set = halves(60, 1);
  const options = { classes: [3, 5], train: 40, test: 20, seeds: [7, 8], ridge: 1e-3, depths: [1, 2] };
  const runs = imageKernelAccuracy(mlp([relu, relu]), set, options);

  it("orders its runs by seed, kernel and depth", () => {
    assert.deepEqual(
      runs.map((r) => `${r.seed} ${r.kernel} ${r.depth}`),
      ["7 ntk 1", "7 ntk 2", "7 nngp 1", "7 nngp 2", "8 ntk 1", "8 ntk 2", "8 nngp 1", "8 nngp 2"],
    );
  });

  it("reproduces a run computed by hand: the split, the depth-2 NTK, one regression per class, the largest output", () => {
    const split = splitImages(selectClasses(set, [3, 5], { seed: 0 }), { train: 40, test: 20, seed: 8 });
    const X = imagePoints(split.train);
    const Xt = imagePoints(split.test);
    const K = kernelsByDepth(mlp([relu, relu]), X)[1];
    const Kt = kernelsByDepth(mlp([relu, relu]), Xt, X)[1];
    let trace = 0;
    for (let i = 0; i < 40; i++) trace += K.get(i, i);
    const Y = oneHot(split.train.labels, [3, 5]);
    const scores = [0, 1].map((j) =>
      kernelRegression(K, Y.getColumn(j), { ridge: (1e-3 * trace) / 40 }).predict(Kt),
    );
    let correct = 0;
    for (let i = 0; i < 20; i++)
      if ((scores[0][i] >= scores[1][i] ? 3 : 5) === split.test.labels[i]) correct++;
    assert.equal(
      runs.find((r) => r.seed === 8 && r.kernel === "ntk" && r.depth === 2)!.accuracy,
      correct / 20,
    );
  });

  it("tells an easy pair of digits apart: 0 against 1, above 95% with 100 training images", () => {
    const digits = imageKernelAccuracy(mlp([erf]), loadMnistDigits(), {
      classes: [0, 1],
      train: 100,
      test: 100,
      seeds: [1],
      ridge: 1e-3,
      kernels: ["ntk"],
    });
    assert.ok(digits[0].accuracy > 0.95, `${digits[0].accuracy}`);
  });

  it("refuses a depth the architecture does not have and a split larger than the classes' images", () => {
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [2] }),
      /^Error: imageKernelAccuracy: depths\[0\] must be an integer in \[1, 1\], got 2$/,
    );
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [1], train: 50 }),
      /^Error: imageKernelAccuracy: train \+ validation \+ test must be at most the set's n = 60/,
    );
  });
});

describe("summarizeAccuracy", () => {
  it("gives mean, spread, range and the binomial standard error per kernel and depth", () => {
    const run = (seed: number, accuracy: number) => ({
      seed,
      kernel: "ntk" as const,
      depth: 3,
      accuracy,
      train: 10,
      test: 100,
    });
    const [s] = summarizeAccuracy([run(1, 0.8), run(2, 0.9), run(3, 0.85)]);
    assert.equal(s.seeds, 3);
    assert.ok(Math.abs(s.mean - 0.85) < 1e-15);
    assert.ok(Math.abs(s.spread - 0.05) < 1e-15);
    assert.deepEqual([s.min, s.max], [0.8, 0.9]);
    assert.ok(Math.abs(s.standardError - Math.sqrt((0.85 * 0.15) / 100)) < 1e-15);
  });
});
