import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import {
  componentErrors,
  empiricalNtk,
  kernelRegimeRun,
  kernelRegimeRunEnd,
  linearizedGap,
  mlpNetwork,
  multiSine,
  periodicGrid,
  relativeError,
  stableLearningRate,
  train,
} from "../src/index";

const n = 16;
const target = multiSine([1, 3]);
const X = periodicGrid(n);
const Xcol = Array.from(X, (x) => [x]);
const y = target.at(X);
const makeNet = () =>
  mlpNetwork({ activations: ["relu", "sin"], width: 12, biasStd: 1, seed: 3, parameterization: "ntk" });
const checkpoints = [0, 1, 3, 7];
const options = { n, rateFraction: 0.5, checkpoints, learnedBelow: 0.5, horizon: 1e6 };

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])),
      `${what}[${i}]: ${a[i]} vs ${b[i]}`,
    );
  }
};

/** The run by hand: one call of train over the whole budget, recording at the checkpoints. */
function byHand() {
  const net = makeNet();
  const theta0 = Float64Array.from(net.params);
  const eta = 0.5 * stableLearningRate(net, Xcol).maxLearningRate;
  const result = train(net, Xcol, y, {
    steps: 7,
    learningRate: eta,
    record: checkpoints,
    learningRateCheck: "off",
  });
  return { net, theta0, eta, result };
}

test("a run trains the network as train() called by hand over the same steps, measured at the stated checkpoints", () => {
  const net = makeNet();
  const run = kernelRegimeRun(net, target, options);
  const hand = byHand();
  assert.equal(run.eta, hand.eta);
  assert.equal(run.bound, 2 * hand.eta);
  assert.equal(run.stop, "budget");
  assert.equal(run.stepsRun, 7);
  for (const map of [
    run.netErrors,
    run.kernelErrors,
    run.kernelLoss,
    run.weightChange,
    run.kernelChange,
    run.lambdaMax,
  ]) {
    assert.deepEqual([...map.keys()], checkpoints);
  }
  // Training in segments is the same gradient descent as one call: the same parameters at the end.
  close(net.params, hand.net.params, 1e-13, "parameters");
  for (const record of hand.result.records) {
    const residual = Array.from(record.predictions, (f, i) => f - y[i]);
    close(
      run.netErrors.get(record.step)!,
      componentErrors(residual, target),
      1e-10,
      `errors at ${record.step}`,
    );
  }
  assert.equal(run.losses[0], hand.result.losses[0]);
  close([run.losses[run.losses.length - 1]], [hand.result.losses[7]], 1e-12, "final loss");
  close([run.weightChange.get(7)!], [relativeError(hand.net.params, hand.theta0)], 1e-12, "weight change");
  assert.equal(run.weightChange.get(0), 0);
  assert.equal(run.kernelChange.get(0), 0);
  // The guard's bound is 2n / lambda_max of the initial kernel.
  close([run.lambdaMax.get(0)!], [(2 * n) / run.bound], 1e-12, "lambda_max at 0");
  const K7 = empiricalNtk(hand.net, Xcol).to1DArray();
  close(
    [run.kernelChange.get(7)!],
    [relativeError(K7, empiricalNtk(makeNet(), Xcol).to1DArray())],
    1e-10,
    "kernel change",
  );
});

test("losses[t] is the loss after t updates, step by step as train() called by hand records it", () => {
  const run = kernelRegimeRun(makeNet(), target, options);
  const hand = byHand();
  assert.equal(run.losses.length, 8);
  close(run.losses, hand.result.losses, 1e-12, "losses");
});

test("the linearized model is the kernel dynamics r <- r - (eta / n) K_0 r of the initial empirical NTK, iterated by hand", () => {
  const run = kernelRegimeRun(makeNet(), target, options);
  const net = makeNet();
  const K0 = empiricalNtk(net, Xcol);
  let r = Array.from(net.predict(X, n), (f, i) => f - y[i]);
  for (let t = 0; t <= 7; t++) {
    if (checkpoints.includes(t)) {
      close(run.kernelErrors.get(t)!, componentErrors(r, target), 1e-9, `kernel errors at ${t}`);
      close(
        [run.kernelLoss.get(t)!],
        [r.reduce((s, v) => s + v * v, 0) / (2 * n)],
        1e-10,
        `kernel loss at ${t}`,
      );
    }
    const Kr = K0.mmul(Matrix.columnVector(r)).getColumn(0);
    r = r.map((v, i) => v - (run.eta / n) * Kr[i]);
  }
});

test("the steps to learn are the first checkpoint from which each frequency's error stays at or below the threshold", () => {
  const run = kernelRegimeRun(makeNet(), target, { ...options, learnedBelow: 0.9 });
  const expected = target.frequencies.map((_, c) => {
    let first: number | null = null;
    for (const t of checkpoints) {
      if (run.netErrors.get(t)![c] <= 0.9) first ??= t;
      else first = null;
    }
    return first;
  });
  assert.deepEqual(run.netLearned, expected);
  assert.equal(run.kernelLearned.length, target.frequencies.length);
});

test("the fitted function is drawn on the grid at the curve steps only, as the network's prediction there", () => {
  const grid = [-1, -0.5, 0, 0.5, 1];
  const run = kernelRegimeRun(makeNet(), target, { ...options, curveSteps: [0, 7], grid });
  assert.deepEqual([...run.curves.keys()], [0, 7]);
  close(run.curves.get(0)!, makeNet().predict(Float64Array.from(grid), grid.length), 1e-14, "curve at 0");
  close(run.curves.get(7)!, byHand().net.predict(Float64Array.from(grid), grid.length), 1e-12, "curve at 7");
});

test("the end of a run is its values at its last checkpoint", () => {
  const run = kernelRegimeRun(makeNet(), target, options);
  const end = kernelRegimeRunEnd(run, n);
  assert.equal(end.loss, run.losses[run.losses.length - 1]);
  assert.equal(end.kernelLoss, run.kernelLoss.get(7));
  assert.deepEqual(end.errors, run.netErrors.get(7));
  assert.equal(end.topError, run.netErrors.get(7)![1]);
  assert.equal(end.kernelTopError, run.kernelErrors.get(7)![1]);
  assert.equal(end.weightChange, run.weightChange.get(7));
  assert.equal(end.kernelChange, run.kernelChange.get(7));
  assert.equal(end.lambdaMaxGrowth, run.lambdaMax.get(7)! / run.lambdaMax.get(0)!);
  // At step 0 eta lambda_max / 2n is the rate's fraction of the bound; the peak is at least that.
  assert.ok(end.peakSharpness >= 0.5 - 1e-12);
});

test("the linearized gap is |f_t - f_t^lin| / |y|, f_lin from the kernel dynamics iterated by hand", () => {
  const steps = [1, 2, 5];
  const gaps = linearizedGap(makeNet(), target, { n, rateFraction: 0.5, checkpoints: steps });
  assert.deepEqual(
    gaps.map((g) => g.step),
    steps,
  );
  const net = makeNet();
  const K0 = empiricalNtk(net, Xcol);
  const eta = 0.5 * stableLearningRate(net, Xcol).maxLearningRate;
  let r = Array.from(net.predict(X, n), (f, i) => f - y[i]);
  const hand = train(makeNet(), Xcol, y, {
    steps: 5,
    learningRate: eta,
    record: steps,
    learningRateCheck: "off",
  });
  const yNorm = Math.hypot(...y);
  for (let t = 1; t <= 5; t++) {
    const Kr = K0.mmul(Matrix.columnVector(r)).getColumn(0);
    r = r.map((v, i) => v - (eta / n) * Kr[i]);
    const record = hand.records.find((c) => c.step === t);
    if (!record) continue;
    const gap = Math.hypot(...Array.from(record.predictions, (f, i) => f - y[i] - r[i])) / yNorm;
    close([gaps.find((g) => g.step === t)!.gap], [gap], 1e-8, `gap at ${t}`);
  }
});

test("checkpoints must start at 0 and ascend, and the network must take one input", () => {
  assert.throws(
    () => kernelRegimeRun(makeNet(), target, { ...options, checkpoints: [1, 3] }),
    /kernelRegimeRun: checkpoints must start at step 0, got checkpoints\[0\] = 1/,
  );
  assert.throws(
    () => kernelRegimeRun(makeNet(), target, { ...options, checkpoints: [0, 3, 3] }),
    /kernelRegimeRun: checkpoints must be strictly ascending, got checkpoints\[2\] = 3 after 3/,
  );
  assert.throws(
    () => linearizedGap(makeNet(), target, { n, rateFraction: 0.5, checkpoints: [0, 2] }),
    /linearizedGap: checkpoints\[0\] must be an integer >= 1, got 0/,
  );
  const wide = mlpNetwork({ activations: ["relu"], width: 4, inputDim: 2, seed: 1 });
  assert.throws(
    () => kernelRegimeRun(wide, target, options),
    /kernelRegimeRun: net must take one input and give one output/,
  );
  assert.throws(
    () => kernelRegimeRun(makeNet(), target, { ...options, n: 6 }),
    /kernelRegimeRun: n must be above twice the target's top frequency 3, got 6/,
  );
  assert.throws(
    () => kernelRegimeRun(makeNet(), target, { ...options, curveSteps: [0] }),
    /kernelRegimeRun: grid must be a non-empty list/,
  );
});
