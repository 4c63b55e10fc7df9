/**
 * The EigenPro study driver (src/experiments/eigenpro-study.ts): on a small separable problem EigenPro
 * reaches the exact interpolant's accuracies and a training MSE far below plain gradient descent's, the
 * early-stopping summary is the history's best-validation epoch, and the precomputed-matrix route gives
 * the on-the-fly kernel's runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eigenProByDepth, eigenProStudy, laplace, precomputedKernel, Rng, type ImageSet } from "../src/index";

/** Points of three classes around three centres in 6-d, labels 0, 1, 2. */
function clusters(n: number, seed: number): { X: number[][]; labels: Int32Array } {
  const rng = new Rng(seed);
  const centres = [0, 1, 2].map((c) => Array.from({ length: 6 }, (_, k) => (k === c ? 1.5 : 0)));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const X = Array.from(labels, (c) => centres[c].map((v) => v + 0.6 * rng.normal()));
  return { X, labels };
}

const classes = [0, 1, 2];

function split(seed: number) {
  const train = clusters(240, seed);
  const validation = clusters(60, seed + 1);
  const testSet = clusters(90, seed + 2);
  return {
    train: train.X,
    validation: validation.X,
    test: testSet.X,
    trainLabels: train.labels,
    validationLabels: validation.labels,
    testLabels: testSet.labels,
  };
}

test("with a subsample of half the training set the default q stays at a quarter of it and EigenPro converges", () => {
  // Without the cap the capacity rule chose q = 94 of s = 120 here, and the training MSE grew every epoch.
  const study = eigenProStudy(laplace({ sigma: 1 }), split(1), {
    classes,
    epochs: 12,
    seed: 2,
    subsampleSize: 120,
  });
  const ep = study.runs[0];
  assert.ok(ep.q > 0 && ep.q <= 30, `q ${ep.q}`);
  const mse = ep.epochs.map((e) => e.trainMse);
  assert.ok(mse[11] < 1e-2 * mse[0], `training MSE ${mse[0]} -> ${mse[11]}`);
});

test("EigenPro converges to the exact interpolant's accuracy, plain gradient descent lags in training MSE", () => {
  const kernel = laplace({ sigma: 1 });
  const study = eigenProStudy(kernel, split(1), { classes, epochs: 12, seed: 2, subsampleSize: 240 });
  assert.deepEqual(study.sizes, { train: 240, validation: 60, test: 90 });
  assert.ok(study.trainMseAfterEpoch);
  const [ep, gd] = study.runs;
  assert.equal(ep.method, "EigenPro");
  assert.equal(gd.method, "GD");
  assert.ok(ep.q > 0, `q ${ep.q}`);
  assert.equal(gd.q, 0);
  assert.equal(gd.batchSize, 240);
  assert.equal(ep.epochs.length, 12);
  // EigenPro's training MSE falls far below plain gradient descent's after the same epochs.
  const last = (r: typeof ep) => r.epochs[r.epochs.length - 1].trainMse;
  assert.ok(last(ep) < 1e-3 * last(gd), `EigenPro ${last(ep)}, GD ${last(gd)}`);
  // Plain GD's MSE falls every epoch (one deterministic step below the edge of stability).
  gd.epochs.slice(1).forEach((e, i) => assert.ok(e.trainMse < gd.epochs[i].trainMse));
  // Near the interpolant EigenPro's predictions are the exact solve's.
  assert.ok(study.exact !== null);
  assert.equal(ep.finalTest, study.exact.test);
  assert.equal(ep.finalValidation, study.exact.validation);
  assert.ok(study.exact.test > 0.8, `exact test accuracy ${study.exact.test}`);
  // Early stopping: the first epoch of the best validation accuracy, and its test accuracy.
  for (const run of study.runs) {
    const best = Math.max(...run.epochs.map((e) => e.validation));
    const at = run.epochs.find((e) => e.validation === best)!;
    assert.equal(run.bestEpoch, at.epoch);
    assert.equal(run.bestValidation, best);
    assert.equal(run.bestTest, at.test);
    assert.ok(run.epochSeconds >= 0 && run.setupSeconds >= 0);
  }
  const structured = structuredClone(study);
  assert.deepEqual(structured, study);
});

test("the precomputed-matrix route gives the on-the-fly runs", () => {
  const kernel = laplace({ sigma: 2 });
  const s = split(4);
  const all = [...s.train, ...s.validation, ...s.test];
  const G = kernel(all);
  const index = (from: number, count: number) => Array.from({ length: count }, (_, i) => [from + i]);
  const options = { classes, epochs: 3, seed: 1, subsampleSize: 100, exact: false } as const;
  const direct = eigenProStudy(kernel, s, options);
  const indexed = eigenProStudy(
    precomputedKernel(G),
    {
      ...s,
      train: index(0, 240),
      validation: index(240, 60),
      test: index(300, 90),
    },
    options,
  );
  assert.equal(direct.exact, null);
  assert.equal(direct.trainMseAfterEpoch, false);
  for (let r = 0; r < 2; r++) {
    const a = direct.runs[r];
    const b = indexed.runs[r];
    assert.equal(a.q, b.q);
    a.epochs.forEach((e, i) => {
      assert.ok(Math.abs(e.trainMse - b.epochs[i].trainMse) <= 1e-9 * e.trainMse);
      assert.equal(e.test, b.epochs[i].test);
    });
  }
  assert.throws(() => precomputedKernel(G)([[0.5]], [[1]]), /precomputedKernel: A\[0\] must be an index/);
  assert.throws(
    () => eigenProStudy(kernel, { ...s, extra: 1 } as typeof s, options),
    /eigenProStudy: split has no "extra"/,
  );
});

test("eigenProByDepth runs the CNTK of every depth on one split", () => {
  // 24 tiny 4 x 4 images of two classes: a bright left or right half, with noise.
  const rng = new Rng(3);
  const n = 24;
  const pixels = new Float64Array(n * 16);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 16; p++) {
      const left = p % 4 < 2;
      pixels[i * 16 + p] = (left === (labels[i] === 0) ? 1 : 0) + 0.3 * rng.normal();
    }
  }
  const set: ImageSet = { n, height: 4, width: 4, channels: 1, pixels, labels, source: "test halves" };
  const result = eigenProByDepth(set, {
    classes: [0, 1],
    train: 12,
    validation: 4,
    test: 8,
    splitSeed: 1,
    depths: [1, 2],
    epochs: 4,
    seed: 1,
    subsampleSize: 8,
  });
  assert.deepEqual(
    result.studies.map((s) => s.depth),
    [1, 2],
  );
  assert.equal(result.images, 24);
  for (const { study } of result.studies) {
    assert.deepEqual(study.sizes, { train: 12, validation: 4, test: 8 });
    assert.ok(study.exact !== null && study.exact.test >= 0.75, `exact ${study.exact?.test}`);
    assert.equal(study.runs.length, 2);
  }
  assert.throws(
    () => eigenProByDepth(set, { ...resultOptions(), train: 20 }),
    /eigenProByDepth: train \+ validation \+ test must be at most the 24 images/,
  );
});

function resultOptions() {
  return {
    classes: [0, 1],
    train: 12,
    validation: 4,
    test: 8,
    splitSeed: 1,
    depths: [1],
    epochs: 1,
    seed: 1,
  };
}
