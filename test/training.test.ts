import assert from "node:assert/strict";
import { test } from "node:test";
import { relu, sin } from "../src/activations";
import { empiricalNtk } from "../src/kernels/empirical";
import { mlp } from "../src/layers";
import { network } from "../src/network";
import { eigenvalues } from "../src/spectrum/eigen";
import { lossAndGradient, mlpNetwork, stableLearningRate, train } from "../src/training/index";
import { lossAndGradientReference } from "./network-oracle";

const grid = (n: number) => Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
const target = (x: number) => Math.sin(3 * x) + 0.5 * Math.cos(7 * x);

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

test("the batched gradient matches central finite differences of the loss in every parameterization", () => {
  for (const parameterization of ["ntk", "standard", "default"] as const) {
    const net = mlpNetwork({
      activations: ["sin", "relu"],
      width: [6, 5],
      inputDim: 2,
      outputs: 2,
      biasStd: [0.5, 0.8],
      weightStd: [1.1, 0.9, 1.3],
      parameterization,
      seed: 4,
    });
    const X = [
      [0.3, -0.8],
      [0.9, 0.1],
      [-0.5, 0.7],
    ];
    const y = [
      [0.2, -0.1],
      [1.0, 0.4],
      [-0.3, 0.6],
    ];
    const { gradient } = lossAndGradient(net, X, y);
    const eps = 1e-6;
    for (let p = 0; p < net.parameterCount; p++) {
      const keep = net.params[p];
      net.params[p] = keep + eps;
      const up = lossAndGradient(net, X, y).loss;
      net.params[p] = keep - eps;
      const down = lossAndGradient(net, X, y).loss;
      net.params[p] = keep;
      assert.ok(Math.abs((up - down) / (2 * eps) - gradient[p]) < 1e-7, `${parameterization} parameter ${p}`);
    }
  }
});

test("the fast batched path (packed gemm) agrees with the plain point-by-point reference to 1e-10", () => {
  const X = grid(60);
  const y = X.map(target);
  for (const parameterization of ["ntk", "standard", "default"] as const) {
    const net = mlpNetwork({
      activations: ["relu", "sin"],
      width: 90,
      biasStd: 1,
      parameterization,
      seed: 7,
    });
    const fast = lossAndGradient(net, X, y);
    const ref = lossAndGradientReference(net, X, y);
    assert.ok(Math.abs(fast.loss - ref.loss) <= 1e-10 * ref.loss);
    assert.ok(maxRelDiff(fast.predictions, ref.predictions) < 1e-10);
    assert.ok(maxRelDiff(fast.gradient, ref.gradient) < 1e-10, parameterization);
  }
  // Five steps of train() against five hand-written reference steps.
  const a = mlpNetwork({ activations: ["relu", "relu"], width: 80, biasStd: 1, seed: 2 });
  const b = mlpNetwork({ activations: ["relu", "relu"], width: 80, biasStd: 1, seed: 2 });
  const eta = 0.2;
  const run = train(a, X, y, { steps: 5, learningRate: eta, learningRateCheck: "off" });
  for (let t = 0; t < 5; t++) {
    const { loss, gradient } = lossAndGradientReference(b, X, y);
    assert.ok(Math.abs(loss - run.losses[t]) <= 1e-10 * loss);
    for (let k = 0; k < gradient.length; k++) b.params[k] -= eta * gradient[k];
  }
  assert.ok(maxRelDiff(a.params, b.params) < 1e-10);
});

test("backwardBatch overwrites a used gradient buffer when asked, and adds to it by default", () => {
  const net = mlpNetwork({ activations: ["relu", "sin"], width: 70, biasStd: [1, 0], seed: 8 });
  const X = Float64Array.from(grid(50));
  const trace = net.forwardBatch(X, 50);
  const seeds = trace.output.map((v, i) => v - Math.cos(i));
  const fresh = new Float64Array(net.parameterCount);
  net.backwardBatch(trace, seeds, fresh);
  const used = new Float64Array(net.parameterCount).fill(7);
  net.backwardBatch(trace, seeds, used, false);
  assert.deepEqual(used, fresh);
  net.backwardBatch(trace, seeds, used);
  assert.ok(
    maxRelDiff(
      used,
      fresh.map((g) => 2 * g),
    ) < 1e-14,
  );
});

test("standard parameterization is the NTK network's function at initialization with other gradients; default is uniform", () => {
  const X = grid(9);
  const y = X.map(target);
  const opts = { activations: ["relu", "sin"], width: 40, biasStd: 0.5, seed: 3 } as const;
  const ntkNet = mlpNetwork({ ...opts, parameterization: "ntk" });
  const std = mlpNetwork({ ...opts, parameterization: "standard" });
  const g1 = lossAndGradient(ntkNet, X, y);
  const g2 = lossAndGradient(std, X, y);
  assert.ok(maxRelDiff(g2.predictions, g1.predictions) < 1e-12);
  assert.ok(maxRelDiff(g2.gradient, g1.gradient) > 0.5);
  const def = mlpNetwork({ ...opts, parameterization: "default" });
  const bound = 1 / Math.sqrt(40);
  assert.ok(def.weights[1].every((w) => Math.abs(w) <= bound));
  assert.ok(def.weights[0].every((w) => Math.abs(w) <= 1) && def.weights[0].some((w) => Math.abs(w) > 0.5));
  assert.equal(def.parameterization, "default");
});

test("the learning-rate bound is 2n over the largest eigenvalue of the library's empirical NTK", () => {
  const net = network(mlp([relu, sin], { biasStd: [1, 0.3] }), {
    inputDim: 2,
    width: 30,
    outputs: 2,
    seed: 5,
  });
  const X = [
    [0.1, 0.9],
    [-0.6, 0.2],
    [0.7, -0.7],
    [0.3, 0.3],
  ];
  const bound = stableLearningRate(net, X);
  const lambdaMax = eigenvalues(empiricalNtk(net, X), { method: "dense" })[0];
  assert.ok(Math.abs(bound.lambdaMax - lambdaMax) < 1e-10 * lambdaMax);
  assert.ok(Math.abs(bound.maxLearningRate - (2 * 4) / lambdaMax) < 1e-10 * bound.maxLearningRate);
});

test("below 2n/lambda_max gradient descent converges; above it warns with the bound and stops on divergence", () => {
  const X = grid(40);
  const y = X.map(target);
  const make = () => mlpNetwork({ activations: ["relu", "relu"], width: 64, biasStd: 1, seed: 11 });
  const { maxLearningRate, lambdaMax } = stableLearningRate(make(), X);
  assert.ok(lambdaMax > 0 && Math.abs(maxLearningRate - 80 / lambdaMax) < 1e-12);

  const good = train(make(), X, y, {
    steps: 200,
    learningRate: 0.5 * maxLearningRate,
    warn: () => undefined,
  });
  assert.equal(good.stopReason, "budget");
  assert.deepEqual(good.warnings, []);
  assert.ok(good.losses[200] < 0.2 * good.losses[0]);

  const warnings: string[] = [];
  const bad = train(make(), X, y, {
    steps: 500,
    // Between the bound and ~3x it these ReLU nets catapult (loss spikes, then converges); 10x diverges.
    learningRate: 10 * maxLearningRate,
    record: { every: 1 },
    warn: (m) => warnings.push(m),
  });
  assert.equal(bad.stopReason, "diverged");
  assert.match(warnings[0], /learningRate .* is above the kernel-regime stability bound 2n\/lambda_max = /);
  assert.match(
    bad.message,
    /diverged at step \d+: loss .* with learningRate .*stability bound 2n\/lambda_max/,
  );
  assert.ok(bad.steps < 500);
  assert.ok(bad.losses.every(Number.isFinite));
  assert.ok(bad.records.every((r) => Number.isFinite(r.loss) && r.predictions.every(Number.isFinite)));
  assert.throws(
    () => train(make(), X, y, { steps: 1, learningRate: 3 * maxLearningRate, learningRateCheck: "error" }),
    /above the kernel-regime stability bound/,
  );
});

test("stops on a target loss or the step budget; records predictions where asked; Adam trains too", () => {
  const X = grid(30);
  const y = X.map(target);
  const fine = grid(101);
  const net = mlpNetwork({ activations: ["relu", "relu"], width: 50, biasStd: 1, seed: 1 });
  const run = train(net, X, y, { steps: 60, learningRate: 0.5, record: { every: 20 }, evalPoints: fine });
  assert.equal(run.stopReason, "budget");
  assert.equal(run.steps, 60);
  assert.equal(run.losses.length, 61);
  assert.deepEqual(
    run.records.map((r) => r.step),
    [0, 20, 40, 60],
  );
  assert.equal(run.records[3].evalPredictions?.length, 101);
  assert.deepEqual(run.records[3].predictions, net.predict(Float64Array.from(X), 30));

  const target2 = run.losses[30];
  const again = train(mlpNetwork({ activations: ["relu", "relu"], width: 50, biasStd: 1, seed: 1 }), X, y, {
    steps: 1000,
    learningRate: 0.5,
    targetLoss: target2,
  });
  assert.equal(again.stopReason, "target");
  assert.equal(again.steps, 30);
  assert.equal(again.records.at(-1)?.step, 30);

  const adam = train(mlpNetwork({ activations: ["sin", "relu"], width: 50, biasStd: 1, seed: 2 }), X, y, {
    steps: 100,
    learningRate: 0.01,
    optimizer: "adam",
  });
  assert.equal(adam.lambdaMax, null);
  assert.ok(adam.losses[100] < 0.1 * adam.losses[0]);
});

test("progress: train starts the display it is given, ticks it once per update and ends it", () => {
  const X = grid(10);
  const y = X.map(target);
  const make = () => mlpNetwork({ activations: ["relu"], width: 8, seed: 1 });
  const calls: string[] = [];
  const display = (total: number, label: string) => {
    calls.push(`start ${total} ${label}`);
    return { tick: (count = 1) => calls.push(`tick ${count}`), done: () => calls.push("done") };
  };
  const run = train(make(), X, y, { steps: 3, learningRate: 0.1, progress: display });
  assert.deepEqual(calls, ["start 3 training", "tick 1", "tick 1", "tick 1", "done"]);
  // The same run without a display computes the same numbers.
  const quiet = train(make(), X, y, { steps: 3, learningRate: 0.1, progress: false });
  assert.deepEqual(quiet.losses, run.losses);
  calls.length = 0;
  train(make(), X, y, { steps: 0, learningRate: 0.1, progress: display });
  assert.deepEqual(calls, [], "no display for a run of no updates");
  assert.throws(
    () => train(make(), X, y, { steps: 1, learningRate: 0.1, progress: "training" as never }),
    /train: progress must be false or a function .* got "training"/,
  );
});

test("bad input throws naming the parameter and what is allowed", () => {
  const net = mlpNetwork({ activations: ["relu"], width: 8, seed: 1 });
  const X = [0, 0.5, 1];
  assert.throws(
    () => mlpNetwork({ activations: ["relu"], width: 0, seed: 1 }),
    /width\[0\] must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => mlpNetwork({ activations: ["relu", "tanh"], width: 4, seed: 1 }),
    /mlpNetwork: activations\[1\] must be one of relu, sin, cos, erf, identity, relu2, relu3 .*got "tanh"/,
  );
  assert.throws(
    () => train(net, X, [1, 2, 3], { steps: 1, learningRate: 0 }),
    /learningRate must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => train(net, X, [1, 2, 3], { steps: 1, learningRate: -1 }),
    /learningRate must be a finite number > 0/,
  );
  assert.throws(
    () => train(net, X, [1, NaN, 3], { steps: 1, learningRate: 0.1 }),
    /targets must be finite numbers, got y\[1\] = NaN/,
  );
  assert.throws(
    () => train(net, X, [1, 2], { steps: 1, learningRate: 0.1 }),
    /X and y must have the same number of points, got 3 inputs and 2 targets/,
  );
  assert.throws(
    () => train(net, X, [1, 2, 3], { steps: -1, learningRate: 0.1 }),
    /steps must be an integer >= 0/,
  );
  assert.throws(
    () => train(net, X, [1, 2, 3], { steps: 1, learningRate: 0.1, optimizer: "sgd" as "gd" }),
    /optimizer must be "gd" or "adam", got sgd/,
  );
  assert.throws(
    () => network(mlp([relu]), { inputDim: 1, width: 3, seed: 1, parameterization: "mup" as "ntk" }),
    /parameterization must be "ntk", "standard" or "default", got "mup"/,
  );
});
