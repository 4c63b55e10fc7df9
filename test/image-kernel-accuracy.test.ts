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
  monteCarloNtkWithError,
  multiOutputKernelRegression,
  nngp,
  ntk,
  oneHot,
  relu,
  Rng,
  selectClasses,
  splitImages,
  summarizeAccuracy,
  type ImageSet,
} from "../src/index";

/**
 * n random 4 x 4 one-channel images whose label is 3 when the top half is a little brighter, else 5: a
 * faint signal, so that accuracies fall between 0 and 1 and differ between depths, kernels and ridges.
 */
function halves(n: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  const pixels = new Float64Array(n * 16);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const top = rng.uniform() < 0.5;
    labels[i] = top ? 3 : 5;
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = rng.uniform() + (p < 8 === top ? 0.12 : 0);
  }
  return { n, height: 4, width: 4, channels: 1, pixels, labels, source: "test halves" };
}

describe("multiOutputKernelRegression", () => {
  it("takes typed-array rows as targets", () => {
    const fit = multiOutputKernelRegression(
      Matrix.eye(2),
      [Float64Array.from([1, 0]), Float64Array.from([0, 1])],
      { ridge: 1 },
    );
    assert.deepEqual(
      fit.alpha
        .to2DArray()
        .flat()
        .map((v) => Math.round(v * 1e12) / 1e12 + 0),
      [0.5, 0, 0, 0.5],
    );
  });

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
    assert.throws(
      () => multiOutputKernelRegression(Matrix.eye(2), [[1, 0], [1]]),
      /^Error: multiOutputKernelRegression: Y must have 2 outputs in every row \(as row 0\), got row 1: an array of length 1$/,
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

  it("has a quadrature NTK (its derivative's dual too) that a Monte Carlo over 200000 units agrees with within 4 standard errors", () => {
    const X = [
      [0.6, 0.8],
      [-1.2, 0.5],
    ];
    const exact = ntk(mlp([gelu]), X);
    const { mean, stdError } = monteCarloNtkWithError(mlp([gelu]), X, undefined, {
      samples: 200000,
      seed: 5,
    });
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        assert.ok(Math.abs(mean.get(i, j) - exact.get(i, j)) < 4 * stdError.get(i, j), `entry ${i}, ${j}`);
      }
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
  const set = halves(120, 1);
  const options = { classes: [3, 5], train: 80, test: 40, seeds: [7, 8], ridge: 1e-3, depths: [1, 2] };
  const runs = imageKernelAccuracy(mlp([relu, relu]), set, options);

  it("orders its runs by seed, kernel and depth", () => {
    assert.deepEqual(
      runs.map((r) => `${r.seed} ${r.kernel} ${r.depth}`),
      ["7 ntk 1", "7 ntk 2", "7 nngp 1", "7 nngp 2", "8 ntk 1", "8 ntk 2", "8 nngp 1", "8 nngp 2"],
    );
  });

  it("reproduces every run computed by hand: the split, the kernel of each depth, one regression per class, the largest output", () => {
    for (const run of runs) {
      const split = splitImages(selectClasses(set, [3, 5], { seed: 0 }), {
        train: 80,
        test: 40,
        seed: run.seed,
      });
      const X = imagePoints(split.train);
      const Xt = imagePoints(split.test);
      const get = run.kernel;
      const K = kernelsByDepth(mlp([relu, relu]), X, undefined, { get })[run.depth - 1];
      const Kt = kernelsByDepth(mlp([relu, relu]), Xt, X, { get })[run.depth - 1];
      let trace = 0;
      for (let i = 0; i < 80; i++) trace += K.get(i, i);
      const Y = oneHot(split.train.labels, [3, 5]);
      const scores = [0, 1].map((j) =>
        kernelRegression(K, Y.getColumn(j), { ridge: (1e-3 * trace) / 80 }).predict(Kt),
      );
      let correct = 0;
      for (let i = 0; i < 40; i++)
        if ((scores[0][i] >= scores[1][i] ? 3 : 5) === split.test.labels[i]) correct++;
      assert.equal(run.accuracy, correct / 40, `${run.seed} ${run.kernel} ${run.depth}`);
    }
  });

  it("has accuracies strictly between 0 and 1 on this faint task, not all equal", () => {
    assert.ok(
      runs.every((r) => r.accuracy > 0 && r.accuracy < 1),
      runs.map((r) => r.accuracy).join(", "),
    );
    assert.ok(new Set(runs.map((r) => r.accuracy)).size > 1);
  });

  it("scales the ridge with the kernel: an absolute ridge of the same number gives other answers at a large one", () => {
    const relative = imageKernelAccuracy(mlp([relu, relu]), set, {
      ...options,
      ridge: 3,
      depths: [2],
      kernels: ["ntk"],
    });
    const split = splitImages(selectClasses(set, [3, 5], { seed: 0 }), { train: 80, test: 40, seed: 7 });
    const K = kernelsByDepth(mlp([relu, relu]), imagePoints(split.train))[1];
    let trace = 0;
    for (let i = 0; i < 80; i++) trace += K.get(i, i);
    assert.ok(
      trace / 80 > 1.5,
      "the kernel's mean diagonal is not 1, so relative and absolute ridges differ",
    );
    assert.ok(relative[0].accuracy > 0);
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

  it("refuses a repeated seed, depth or kernel, which would count one split twice", () => {
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [1], seeds: [7, 7] }),
      /^Error: imageKernelAccuracy: seeds must be distinct \(one split each\), got seeds\[1\] = 7 again$/,
    );
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [1, 1] }),
      /^Error: imageKernelAccuracy: depths must be distinct, got depths\[1\] = 1 again$/,
    );
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [1], kernels: ["ntk", "ntk"] }),
      /^Error: imageKernelAccuracy: kernels must be distinct, got kernels\[1\] = "ntk" again$/,
    );
  });

  it("refuses a depth the architecture does not have and a split larger than the classes' images", () => {
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [2] }),
      /^Error: imageKernelAccuracy: depths\[0\] must be an integer in \[1, 1\], got 2$/,
    );
    assert.throws(
      () => imageKernelAccuracy(mlp([relu]), set, { ...options, depths: [1], train: 100 }),
      /^Error: imageKernelAccuracy: train \+ test must be at most the 120 images of classes 3, 5, got 100 \+ 40 = 140$/,
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

  it("keeps runs of other split sizes apart and refuses a repeated seed or an accuracy outside [0, 1]", () => {
    const run = (seed: number, accuracy: number, test = 100) => ({
      seed,
      kernel: "ntk" as const,
      depth: 1,
      accuracy,
      train: 10,
      test,
    });
    assert.equal(summarizeAccuracy([run(1, 0.8), run(1, 0.9, 50)]).length, 2);
    assert.throws(
      () => summarizeAccuracy([run(1, 0.8), run(1, 0.9)]),
      /^Error: summarizeAccuracy: runs must be distinct \(one per kernel, depth, train and test size, and seed\), got runs\[1\] = "ntk 1 10 100 seed 1" again$/,
    );
    assert.throws(
      () => summarizeAccuracy([run(1, NaN)]),
      /^Error: summarizeAccuracy: runs\[0\] must be a run with an accuracy in \[0, 1\], got NaN$/,
    );
  });
});
