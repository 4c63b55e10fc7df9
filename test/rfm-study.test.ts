import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cntk,
  convNet,
  downsample2x,
  imageKernelAccuracy,
  imagePoints,
  laplaceKernel,
  mlp,
  multiOutputKernelRegression,
  oneHot,
  preprocessImages,
  relu,
  rfm,
  rfmBaselines,
  rfmStudy,
  Rng,
  selectClasses,
  splitImages,
  type ImageSet,
} from "../src/index";

/**
 * n random 4 x 4 one-channel images labelled 3 when pixel 5 is brighter than pixel 10, else 5: only two
 * pixels matter, so a machine that learns features should weigh them most.
 */
function twoPixels(n: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  const pixels = new Float64Array(n * 16);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = rng.uniform();
    labels[i] = pixels[i * 16 + 5] > pixels[i * 16 + 10] ? 3 : 5;
  }
  return { n, height: 4, width: 4, channels: 1, pixels, labels, source: "test two pixels" };
}

const set = twoPixels(140, 3);
const split0 = { classes: [3, 5], train: 80, test: 40, seed: 2 };
const base = { ...split0, bandwidth: 2, ridge: 1e-3 };
const baselineBase = { ...split0, ridge: 1e-3 };

describe("rfmStudy", () => {
  const study = rfmStudy(set, { ...base, iterations: 2, eigenvectors: 3, spectrum: 5 });

  it("records every fit of both runs in order; fit 0 is Laplace kernel regression, the same with and without centering", () => {
    assert.deepEqual(
      study.fits.map((f) => [f.centering, f.iteration]),
      [
        [false, 0],
        [false, 1],
        [false, 2],
        [true, 0],
        [true, 1],
        [true, 2],
      ],
    );
    const split = splitImages(selectClasses(set, base.classes, { seed: 0 }), {
      train: base.train,
      test: base.test,
      seed: base.seed,
    });
    const X = imagePoints(split.train, { preprocess: "raw" });
    const Xt = imagePoints(split.test, { preprocess: "raw" });
    const fit = multiOutputKernelRegression(
      laplaceKernel(X, undefined, { sigma: base.bandwidth }),
      oneHot(split.train.labels, base.classes),
      { ridge: base.ridge },
    );
    const outputs = fit.predict(laplaceKernel(Xt, X, { sigma: base.bandwidth }));
    let correct = 0;
    for (let i = 0; i < outputs.rows; i++) {
      const row = outputs.getRow(i);
      if (base.classes[row.indexOf(Math.max(...row))] === split.test.labels[i]) correct++;
    }
    for (const f of study.fits.filter((f) => f.iteration === 0)) {
      assert.equal(f.accuracy, correct / outputs.rows);
      assert.equal(f.train, 80);
      assert.equal(f.test, 40);
    }
    const [a, b] = study.fits.filter((f) => f.iteration === 0);
    assert.equal(a.testMse, b.testMse);
    assert.ok(study.fits.every((f) => f.testMse > 0 && f.seconds >= 0));
  });

  it("keeps each learned M's diagonal and top eigenvalues, as rfm learns them", () => {
    const split = splitImages(selectClasses(set, base.classes, { seed: 0 }), {
      train: base.train,
      test: base.test,
      seed: base.seed,
    });
    const machine = rfm(
      imagePoints(split.train, { preprocess: "raw" }),
      oneHot(split.train.labels, base.classes),
      { iterations: 2, bandwidth: base.bandwidth, ridge: base.ridge, centering: true },
    );
    const metrics = study.metrics.filter((m) => m.centering);
    assert.deepEqual(
      metrics.map((m) => m.iteration),
      [1, 2],
    );
    metrics.forEach((m) => {
      const M = machine.Ms[m.iteration];
      assert.deepEqual(
        Array.from(m.diagonal),
        Array.from({ length: 16 }, (_, k) => M.get(k, k)),
      );
      assert.equal(m.eigenvalues.length, 5);
      for (let r = 1; r < 5; r++) assert.ok(m.eigenvalues[r] <= m.eigenvalues[r - 1]);
      assert.ok(m.eigenvalues[0] <= m.trace * (1 + 1e-12));
      assert.ok(Math.abs(Math.max(...m.diagonal) - 1) < 1e-12, "M divided by its largest entry");
    });
  });

  it("learns to weigh the two pixels the label depends on", () => {
    for (const m of study.metrics.filter((m) => m.iteration === 2)) {
      const order = Array.from(m.diagonal.keys()).sort((a, b) => m.diagonal[b] - m.diagonal[a]);
      assert.deepEqual(order.slice(0, 2).sort(), [10, 5]);
    }
  });

  it("gives unit top eigenvectors of the last M, signed so that the largest entry is positive", () => {
    assert.deepEqual(
      study.eigenvectors.map((v) => [v.centering, v.rank]),
      [
        [false, 1],
        [false, 2],
        [false, 3],
        [true, 1],
        [true, 2],
        [true, 3],
      ],
    );
    for (const v of study.eigenvectors) {
      const norm = Math.hypot(...v.vector);
      assert.ok(Math.abs(norm - 1) < 1e-10);
      const largest = v.vector.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
      assert.ok(largest > 0);
      const metric = study.metrics.find((m) => m.centering === v.centering && m.iteration === 2)!;
      assert.ok(Math.abs(v.eigenvalue - metric.eigenvalues[v.rank - 1]) < 1e-9 * metric.eigenvalues[0]);
    }
    // The top eigenvector of a two-pixel task lies on pixels 5 and 10.
    const top = study.eigenvectors.find((v) => v.rank === 1)!.vector;
    assert.ok(top[5] ** 2 + top[10] ** 2 > 0.9);
    assert.deepEqual([study.height, study.width, study.channels], [4, 4, 1]);
  });

  it("with iterations 0 is Laplace regression alone: no learned M", () => {
    const plain = rfmStudy(set, { ...base, iterations: 0, centerings: [true] });
    assert.equal(plain.fits.length, 1);
    assert.equal(plain.fits[0].accuracy, study.fits[0].accuracy);
    assert.deepEqual([plain.metrics, plain.eigenvectors], [[], []]);
  });

  it("refuses a bad centerings list, preprocess or a split larger than the classes", () => {
    for (const centerings of [[], [1], [true, true], "true"]) {
      assert.throws(
        () => rfmStudy(set, { ...base, iterations: 1, centerings: centerings as boolean[] }),
        /rfmStudy: centerings must be a non-empty array of booleans \(false: no centering, true: centering\), got \[\]|got \[1\]|rfmStudy: centerings must be distinct|got "true"/,
      );
    }
    assert.throws(
      () => rfmStudy(set, { ...base, iterations: 1, preprocess: "unit" as "raw" }),
      /rfmStudy: preprocess must be "raw" or "centred-unit", got "unit"/,
    );
    assert.throws(
      () => rfmStudy(set, { ...base, train: 120, iterations: 1 }),
      /rfmStudy: train \+ test must be at most the 140 images of classes 3, 5, got 120 \+ 40 = 160/,
    );
  });
});

describe("rfmBaselines", () => {
  const runs = rfmBaselines(set, { ...baselineBase, kernels: ["NTK", "CNTK-V"] });

  it("the NTK on rfmStudy's split is imageKernelAccuracy's on the same seed", () => {
    const expected = imageKernelAccuracy(mlp([relu]), set, {
      classes: base.classes,
      train: base.train,
      test: base.test,
      seeds: [base.seed],
      ridge: base.ridge,
      kernels: ["ntk"],
    });
    assert.equal(runs[0].kernel, "NTK");
    assert.equal(runs[0].accuracy, expected[0].accuracy);
    assert.deepEqual([runs[0].height, runs[0].width, runs[0].depth], [4, 4, 1]);
  });

  it("the CNTK sees the images 2 x 2 averaged, centred and unit norm", () => {
    const split = splitImages(selectClasses(set, base.classes, { seed: 0 }), {
      train: base.train,
      test: base.test,
      seed: base.seed,
    });
    const train = preprocessImages(downsample2x(split.train));
    const test = preprocessImages(downsample2x(split.test));
    const arch = convNet(1, "flatten");
    const K = cntk(arch, train);
    let trace = 0;
    for (let i = 0; i < K.rows; i++) trace += K.get(i, i);
    const fit = multiOutputKernelRegression(K, oneHot(split.train.labels, base.classes), {
      ridge: (base.ridge * trace) / K.rows,
    });
    const outputs = fit.predict(cntk(arch, test, train));
    let correct = 0;
    for (let i = 0; i < outputs.rows; i++) {
      const row = outputs.getRow(i);
      if (base.classes[row.indexOf(Math.max(...row))] === split.test.labels[i]) correct++;
    }
    assert.equal(runs[1].kernel, "CNTK-V");
    assert.equal(runs[1].accuracy, correct / outputs.rows);
    assert.deepEqual([runs[1].height, runs[1].width], [2, 2]);
  });

  it("refuses unknown kernels and a downsampling below one pixel", () => {
    assert.throws(
      () => rfmBaselines(set, { ...baselineBase, kernels: ["RFM" as "NTK"] }),
      /rfmBaselines: kernels must be a non-empty array of "NTK", "CNTK-V" and "CNTK-GAP", got \["RFM"\]/,
    );
    assert.throws(
      () => rfmBaselines(set, { ...baselineBase, kernels: ["CNTK-V"], cntkDownsample: 3 }),
      /rfmBaselines: cntkDownsample = 3 halves the 4 x 4 images below one pixel/,
    );
  });
});
