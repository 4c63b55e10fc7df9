import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  circlePoints,
  empiricalNtk,
  mlp,
  network,
  ntk,
  outputBlock,
  relativeError,
  relu,
  rootMeanSquare,
  widthConvergence,
} from "../src/index";

const X = circlePoints(5, { random: true, seed: 2 });
const arch = mlp([relu, relu]);
const study = widthConvergence(arch, X, { widths: [32, 128, 512, 2048], seeds: [1, 2, 3, 4], outputs: 2 });

describe("widthConvergence", () => {
  it("reproduces a network's errors computed by hand from its empirical NTK's output blocks", () => {
    const net = network(arch, { inputDim: 2, width: 128, outputs: 2, seed: 3 });
    const K = empiricalNtk(net, X);
    const limit = ntk(arch, X);
    const run = study.runs.find((r) => r.width === 128 && r.seed === 3)!;
    assert.equal(run.error, relativeError(outputBlock(K, 2, 0, 0), limit));
    assert.equal(run.offDiagonal, outputBlock(K, 2, 0, 1).norm() / limit.norm());
  });

  it("summarizes each width by the RMS over its seeds, in the order given", () => {
    assert.deepEqual(
      study.byWidth.map((r) => r.width),
      [32, 128, 512, 2048],
    );
    const these = study.runs.filter((r) => r.width === 512);
    assert.equal(study.byWidth[2].error, rootMeanSquare(these.map((r) => r.error)));
    assert.equal(study.byWidth[2].offDiagonal, rootMeanSquare(these.map((r) => r.offDiagonal)));
  });

  it("falls at the central-limit rate: both fitted slopes within 0.2 of -1/2", () => {
    for (const fit of [study.fits.error, study.fits.offDiagonal]) {
      assert.ok(Math.abs(fit.slope + 0.5) < 0.2, `slope ${fit.slope}`);
    }
  });

  it("refuses a single output, which has no cross kernel, and a repeated width", () => {
    assert.throws(
      () => widthConvergence(arch, X, { widths: [8, 16, 32], seeds: [1], outputs: 1 }),
      /^Error: widthConvergence: outputs must be an integer >= 2, got 1$/,
    );
    assert.throws(
      () => widthConvergence(arch, X, { widths: [8, 16, 8], seeds: [1], outputs: 2 }),
      /^Error: widthConvergence: widths must be distinct .*widths\[2\] = 8 again$/,
    );
  });
});
