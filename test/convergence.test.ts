import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import { relu } from "../src/activations";
import { circlePoints } from "../src/inputs";
import { mlp } from "../src/layers";
import { logLogSlope, outputBlock, relativeError, rootMeanSquare } from "../src/kernels/convergence";
import { empiricalNtk } from "../src/kernels/empirical";
import { monteCarloNtk } from "../src/kernels/montecarlo";
import { ntk } from "../src/kernels/ntk";
import { checkReferenceValues, referenceKernel, type ReferencePair } from "../src/kernels/reference";
import { network } from "../src/network";
import { referencePairs as pairs } from "./referenceKernels";

test("relativeError is the Frobenius (default) or largest-entry norm of the difference over the reference's", () => {
  const ref = [
    [3, 4],
    [0, 0],
  ];
  const est = [
    [3, 4],
    [1, 0],
  ];
  assert.equal(relativeError(est, ref), 1 / 5);
  assert.equal(relativeError(new Matrix(est), new Matrix(ref), { norm: "max" }), 1 / 4);
  assert.equal(relativeError(ref, ref), 0);
  assert.throws(
    () => relativeError([[1, 2]], ref),
    /estimate must have the shape of reference \(2 x 2\), got 1 x 2/,
  );
  assert.throws(() => relativeError(ref, [[0, 0]].concat([[0, 0]])), /reference must not be the zero matrix/);
  assert.throws(
    () => relativeError(ref, ref, { norm: "l1" as "max" }),
    /norm must be "frobenius" or "max", got l1/,
  );
});

test("relativeError of two vectors is ||after - before|| / ||before|| (how far training moved them)", () => {
  const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
  close(relativeError([3, 4], [3, 0]), 4 / 3);
  assert.equal(relativeError([1, 2], [1, 2]), 0);
  assert.throws(
    () => relativeError([1], [1, 2]),
    /relativeError: estimate must have the shape of reference \(2 x 1\), got 1 x 1/,
  );
  assert.throws(() => relativeError([1, 2], [0, 0]), /reference must not be the zero matrix/);
});

test("rootMeanSquare of per-seed errors", () => {
  assert.equal(rootMeanSquare([3, 4, 0, 0]), Math.sqrt(25 / 4));
  assert.throws(
    () => rootMeanSquare([]),
    /^Error: rootMeanSquare: values must be a non-empty list of numbers, got an empty one$/,
  );
  assert.throws(() => rootMeanSquare([1, NaN]), /values\[1\] must be finite, got NaN/);
});

test("logLogSlope recovers the exponent of an exact power law, and its standard error is 0 there", () => {
  const x = [10, 100, 1000, 10000];
  const fit = logLogSlope(
    x,
    x.map((v) => 3 * Math.pow(v, -0.5)),
  );
  assert.ok(Math.abs(fit.slope + 0.5) < 1e-14);
  assert.ok(Math.abs(Math.exp(fit.intercept) - 3) < 1e-12);
  assert.ok(fit.slopeStdError < 1e-12);
  assert.ok(Math.abs(fit.r2 - 1) < 1e-14);
  assert.ok(Math.abs(fit.predict(400) - 3 / 20) < 1e-13);
  // A log-log slope, not a slope of y against x: doubling x with y ~ x^-2 quarters y.
  assert.ok(Math.abs(logLogSlope([1, 2, 4], [1, 0.25, 0.0625]).slope + 2) < 1e-14);
  assert.throws(
    () => logLogSlope([1, 2], [1, 0.25]),
    /^Error: logLogSlope: x must be a list of at least 3 numbers, got 2$/,
  );
});

test("logLogSlope refuses values whose log is not a real number, and mismatched lengths", () => {
  assert.throws(() => logLogSlope([1, 2, 3], [1, 0, 1]), /y\[1\] must be a finite number > 0, got 0/);
  assert.throws(() => logLogSlope([1, -2, 3], [1, 1, 1]), /x\[1\] must be a finite number > 0, got -2/);
  assert.throws(
    () => logLogSlope([1, 2, 3], [1, 1]),
    /^Error: logLogSlope: y must have 3 values \(as many as x\), got 2$/,
  );
  assert.throws(() => logLogSlope([2, 2, 2], [1, 3, 2]), /at least two distinct values/);
});

test("Monte Carlo NTK error over seeds falls as samples^-1/2 (log-log slope within 0.15)", () => {
  const X = circlePoints(3, { random: true, seed: 4 });
  const arch = mlp([relu]);
  const K = ntk(arch, X);
  const samples = [100, 400, 1600, 6400];
  const errors = samples.map((m) =>
    rootMeanSquare(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
        relativeError(monteCarloNtk(arch, X, undefined, { samples: m, seed }), K),
      ),
    ),
  );
  const fit = logLogSlope(samples, errors);
  assert.ok(Math.abs(fit.slope + 0.5) < 0.15, `errors ${errors}, slope ${fit.slope}`);
});

test("outputBlock cuts output-major blocks of a multi-output empirical NTK", () => {
  const X = circlePoints(3, { random: true, seed: 2 });
  const net = network(mlp([relu]), { inputDim: 2, width: 8, outputs: 3, seed: 1 });
  const K = empiricalNtk(net, X);
  const B = outputBlock(K, 3, 1, 2);
  assert.equal(B.rows, 3);
  assert.equal(B.columns, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(B.get(i, j), K.get(3 + i, 6 + j));
  assert.throws(() => outputBlock(K, 3, 3, 0), /a must be an integer in \[0, 2\], got 3/);
  assert.throws(
    () => outputBlock(K, 2, 0, 0),
    /K must be \(n outputs\) x \(m outputs\) with outputs = 2, got 9 x 9/,
  );
});

test("checkReferenceValues knows every name of kernels.json and matches each value to 1e-12", () => {
  const { checks, unknown } = checkReferenceValues(pairs);
  assert.deepEqual(unknown, []);
  let expected = 0;
  for (const p of pairs) expected += Object.keys(p.ntk_or_kernel).length + Object.keys(p.nngp).length;
  assert.equal(checks.length, expected);
  for (const c of checks)
    assert.ok(c.relativeError < 1e-12, `${c.pair} ${c.kind} ${c.name}: ${c.lab} vs ${c.reference}`);
  const families = new Set(checks.map((c) => c.family));
  assert.equal(families.size, 8);
  assert.ok(checks.some((c) => c.kind === "kernel") && checks.some((c) => c.kind === "nngp"));
});

test("checkReferenceValues reports a wrong value as a large error and skips unknown names", () => {
  const bad: ReferencePair[] = [
    { name: "p", x: [1, 0], y: [0, 1], ntk_or_kernel: { relu_ntk_L1: 1, mystery: 2 }, nngp: {} },
  ];
  const { checks, unknown } = checkReferenceValues(bad);
  assert.deepEqual(unknown, ["mystery"]);
  // The ReLU NTK at 90 degrees is 1/pi; its scale is max(1, sqrt(2 * 2)) = 2.
  assert.ok(Math.abs(checks[0].relativeError - (1 - 1 / Math.PI) / 2) < 1e-15);
});

test("referenceKernel maps names to architectures: relu2_ntk_L1_bias is max(0,z)^2 with first-layer bias", () => {
  const k = referenceKernel("relu2_ntk_L1_bias");
  assert.ok(k && k.architecture);
  assert.equal(k.architecture.activations[0].name, "relu^2");
  assert.deepEqual([...k.architecture.biasStd], [1]);
  const deep = referenceKernel("relu_ntk_L3_bias");
  assert.ok(deep && deep.architecture);
  assert.deepEqual([...deep.architecture.biasStd], [1, 0, 0]);
  assert.equal(referenceKernel("nonsense"), null);
  const lap = referenceKernel("laplacian_s0.5");
  assert.ok(lap);
  assert.throws(
    () => lap.evaluate("ntk", [[0]]),
    /^Error: referenceKernel\("laplacian_s0.5"\).evaluate: kind must be "kernel" for a comparison kernel, got "ntk"$/,
  );
  assert.ok(Math.abs(lap.evaluate("kernel", [[0]], [[1]]).get(0, 0) - Math.exp(-2)) < 1e-16);
});

test("rootMeanSquare is right for values near the float64 limits (the squares would overflow or underflow)", () => {
  for (const scale of [1e300, 1e-300]) {
    const rms = rootMeanSquare([3 * scale, 4 * scale, 0, 0]);
    assert.ok(Math.abs(rms / (scale * Math.sqrt(25 / 4)) - 1) < 1e-15, `${scale}: ${rms}`);
  }
  assert.equal(rootMeanSquare([0, 0]), 0);
});

test("relativeError scales where the ratio of finite squares overflows", () => {
  const r = relativeError([1e150], [1e-150]);
  assert.ok(Math.abs(r / 1e300 - 1) < 4 * Number.EPSILON, `relativeError([1e150], [1e-150]) = ${r}`);
});
