import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import {
  circlePoints,
  cos,
  diagonalSpread,
  eigenvalues,
  erf,
  mlp,
  monteCarloAgreement,
  monteCarloNtkWithError,
  ntk,
  relativeError,
  relu,
  reluPower,
  roughestActivationSlope,
  sin,
  twoLayerDecay,
} from "../src/index";

describe("monteCarloAgreement", () => {
  const K = new Matrix([
    [2, 1],
    [1, 4],
  ]);
  const E = new Matrix([
    [2.1, 0.8],
    [0.8, 4],
  ]);
  const SE = new Matrix([
    [0.1, 0.1],
    [0.1, 0.5],
  ]);

  it("measures a small case by hand: entry error over the largest diagonal, standardized RMS, both norms", () => {
    const a = monteCarloAgreement(E, SE, K);
    assert.equal(a.maxRelative, (1 - 0.8) / 4);
    // Standardized errors 1, -2, -2, 0 (up to rounding): mean square 9/4.
    assert.ok(Math.abs(a.rmsStandardized - 1.5) < 1e-14, `${a.rmsStandardized}`);
    assert.equal(a.frobeniusRelative, relativeError(E, K));
    // E - K = [[0.1, -0.2], [-0.2, 0]]: eigenvalues (0.1 ± sqrt(0.01 + 0.16)) / 2.
    assert.ok(Math.abs(a.spectralError - (0.1 + Math.sqrt(0.17)) / 2) < 1e-15);
  });

  it("bounds how far the Monte Carlo eigenvalues moved (Weyl), and its standard errors are about right", () => {
    const X = circlePoints(40);
    const arch = mlp([relu, sin], { biasStd: 1 });
    const exact = ntk(arch, X);
    const { mean, stdError } = monteCarloNtkWithError(arch, X, undefined, { samples: 400, seed: 3 });
    const a = monteCarloAgreement(mean, stdError, exact);
    const moved = eigenvalues(mean).map((v, i) => Math.abs(v - eigenvalues(exact)[i]));
    assert.ok(Math.max(...moved) <= a.spectralError * (1 + 1e-12));
    assert.ok(a.rmsStandardized > 0.5 && a.rmsStandardized < 2, `${a.rmsStandardized}`);
  });

  it("refuses a zero standard error, a mismatched size and a reference without a positive diagonal", () => {
    assert.throws(
      () =>
        monteCarloAgreement(
          E,
          new Matrix([
            [0.1, 0],
            [0, 0.5],
          ]),
          K,
        ),
      /^Error: monteCarloAgreement: stdError must be > 0 in every entry, got stdError\[0\]\[1\] = 0$/,
    );
    assert.throws(
      () => monteCarloAgreement([[1]], [[1]], K),
      /^Error: monteCarloAgreement: estimate must be 2 x 2/,
    );
    assert.throws(
      () => monteCarloAgreement(E, SE, new Matrix(2, 2)),
      /reference must have a positive diagonal/,
    );
  });
});

describe("diagonalSpread", () => {
  it("is 0 up to rounding on equally spaced circle points and the largest relative departure otherwise", () => {
    assert.ok(diagonalSpread(ntk(mlp([relu, relu], { biasStd: 1 }), circlePoints(64))) < 1e-14);
    assert.equal(
      diagonalSpread([
        [2, 0, 0],
        [0, 3, 0],
        [0, 0, 1],
      ]),
      0.5,
    );
  });
});

describe("twoLayerDecay and roughestActivationSlope", () => {
  it("give each activation's two-layer slope: -2 for relu, -2k for relu^k, none for sin, cos and erf", () => {
    assert.equal(twoLayerDecay(relu).rankSlope, -2);
    assert.equal(twoLayerDecay(reluPower(3)).rankSlope, -6);
    for (const a of [sin, cos, erf]) assert.equal(twoLayerDecay(a).rankSlope, null);
  });

  it("let the roughest activation win in either order, and predict nothing for smooth ones alone", () => {
    assert.equal(roughestActivationSlope([sin, relu]), -2);
    assert.equal(roughestActivationSlope([reluPower(2), relu]), -2);
    assert.equal(roughestActivationSlope([cos, reluPower(2)]), -4);
    assert.equal(roughestActivationSlope([sin, cos]), null);
  });

  it("refuse an activation the theory does not cover, naming it", () => {
    assert.throws(
      () => twoLayerDecay({ ...relu, name: "softplus" }),
      /^Error: twoLayerDecay: activation must be relu, relu\^k, sin, cos or erf .*got one named "softplus"$/,
    );
    assert.throws(
      () => roughestActivationSlope([]),
      /^Error: roughestActivationSlope: activations must be a non-empty array/,
    );
  });
});
