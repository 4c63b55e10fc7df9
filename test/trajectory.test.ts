import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import { batchTraceOf } from "../src/network";
import { componentErrors } from "../src/spectral-bias";
import { multiSine, periodicGrid } from "../src/targets";
import { lossAndGradient, mlpNetwork, train } from "../src/training/index";
import {
  kernelForecast,
  studyInputs,
  studyRun,
  sweepAdamRate,
  trainTrajectory,
  type StudyRunSpec,
} from "../src/training/trajectory";

const n = 16;
const X = periodicGrid(n);
const target = multiSine([1, 2, 4]);
const y = target.at(X);

test("a trainer's steps, which reuse their arrays, give the bits of a fresh pass and update per step", () => {
  for (const pair of [
    ["relu", "sin"],
    ["sin", "relu"],
  ]) {
    const a = mlpNetwork({ activations: pair, width: 24, biasStd: 1, seed: 5, parameterization: "default" });
    const b = mlpNetwork({ activations: pair, width: 24, biasStd: 1, seed: 5, parameterization: "default" });
    const eta = 0.05;
    const run = train(a, X, y, { steps: 15, learningRate: eta, learningRateCheck: "off" });
    const losses: number[] = [];
    for (let t = 0; t < 15; t++) {
      const { loss, gradient } = lossAndGradient(b, X, y);
      losses.push(loss);
      for (let k = 0; k < b.params.length; k++) b.params[k] -= eta * gradient[k];
    }
    assert.deepEqual(Array.from(a.params), Array.from(b.params));
    assert.deepEqual(Array.from(run.losses.subarray(0, 15)), losses);
  }
});

test("batchTraceOf writes into a reused trace of the same n and allocates anew for another n", () => {
  const net = mlpNetwork({ activations: ["relu", "relu"], width: 8, biasStd: 1, seed: 2 });
  const first = batchTraceOf(net, Float64Array.from(X), n);
  const again = batchTraceOf(net, Float64Array.from(X), n, first);
  assert.equal(again.features[0], first.features[0]);
  assert.equal(again.output, first.output);
  const other = batchTraceOf(net, Float64Array.from(X.subarray(0, 5)), 5, first);
  assert.notEqual(other.features[0], first.features[0]);
  assert.equal(other.output.length, 5);
  assert.deepEqual(Array.from(other.output), Array.from(net.predict(X.subarray(0, 5), 5)));
});

test("onRecord sees every record while the network holds that step's parameters", () => {
  const net = mlpNetwork({ activations: ["sin", "sin"], width: 16, seed: 3 });
  const seen: number[] = [];
  train(net, X, y, {
    steps: 12,
    learningRate: 0.1,
    learningRateCheck: "off",
    record: [0, 4, 9],
    onRecord(record, current) {
      seen.push(record.step);
      assert.deepEqual(Array.from(record.predictions), Array.from(current.predict(X, n)));
    },
  });
  assert.deepEqual(seen, [0, 4, 9, 12]);
  assert.throws(
    () => train(net, X, y, { steps: 1, learningRate: 0.1, onRecord: 3 as never }),
    /train: onRecord must be a function \(record, net\) => void, got 3/,
  );
});

test("trainTrajectory's checkpoints carry the Fourier errors of the fit and start with an unmoved kernel", () => {
  const net = mlpNetwork({ activations: ["relu", "sin"], width: 32, biasStd: 1, seed: 4 });
  const run = trainTrajectory(net, X, target, {
    steps: 40,
    learningRate: 0.02,
    learningRateCheck: "off",
    checkpoints: [0, 10],
  });
  assert.deepEqual(
    run.checkpoints.map((c) => c.step),
    [0, 10, 40],
  );
  assert.equal(run.checkpoints[0].kernelChange, 0);
  assert.equal(run.checkpoints[0].weightChange, 0);
  assert.ok(run.checkpoints[2].kernelChange! > 0);
  const residual = Array.from(run.finalOutput, (f, i) => f - y[i]);
  assert.deepEqual(Array.from(run.checkpoints[2].errors), Array.from(componentErrors(residual, target)));
  assert.ok(run.checkpoints[2].loss < run.checkpoints[0].loss);
  assert.throws(
    () => trainTrajectory(net, X, target, { steps: 1, learningRate: 0.1, checkpoints: [-1] }),
    /trainTrajectory: checkpoints\[0\] must be an integer >= 0, got -1/,
  );
});

test("kernelForecast on a circulant kernel agrees with the closed form (1 - eta lambda_k / n)^t per frequency", () => {
  // K_ij = sum_k a_k cos(pi k (x_i - x_j)) on the periodic grid: the sine of frequency k is an eigenvector
  // with eigenvalue n a_k / 2, so from f = 0 its error after t steps is |1 - eta a_k / 2|^t exactly.
  const a = [0, 4, 1, 0, 0.05];
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.5;
      for (let k = 1; k < a.length; k++) s += a[k] * Math.cos(Math.PI * k * (X[i] - X[j]));
      K.set(i, j, s);
    }
  }
  const eta = 0.3;
  const forecast = kernelForecast(K, new Float64Array(n), target, { eta, threshold: 0.1 });
  target.frequencies.forEach((k, c) => {
    const exact = Math.ceil(Math.log(0.1) / Math.log(Math.abs(1 - (eta * a[k]) / 2)));
    const got = forecast[c]!;
    // The forecast is the first step of a grid of 10 per decade at or after the exact one.
    assert.ok(got >= exact && got <= Math.ceil(exact * 10 ** 0.1) + 1, `k = ${k}: ${got} against ${exact}`);
  });
  assert.throws(() => kernelForecast(K, new Float64Array(n), target, { eta: 0 }), /kernelForecast: eta/);
  // A step above the bound for frequency 1 (eta a_1 / 2 > 2, as at the edge of stability): that direction is
  // held at its present size (never learned), the others follow their closed form as before.
  const unstable = kernelForecast(K, new Float64Array(n), target, { eta: 1.2, threshold: 0.1 });
  assert.equal(unstable[0], null);
  [2, 4].forEach((k, c) => {
    const exact = Math.ceil(Math.log(0.1) / Math.log(Math.abs(1 - (1.2 * a[k]) / 2)));
    const got = unstable[c + 1]!;
    assert.ok(got >= exact && got <= Math.ceil(exact * 10 ** 0.1) + 1, `k = ${k}: ${got} against ${exact}`);
  });
});

const spec: StudyRunSpec = {
  pair: ["relu", "relu"],
  parameterization: "ntk",
  targetName: "multi-sine",
  target,
  inputs: "circle",
  n,
  width: 32,
  biasStd: 1,
  seed: 7,
  optimizer: "gd",
  rate: { fractionOfBound: 0.8 },
  maxSteps: 100000,
  cappedByForecast: true,
  minSteps: 10,
};

test("studyRun caps a run's budget at the initial kernel's forecast for the top frequency", () => {
  const record = studyRun(spec, 9);
  const top = record.initialForecast[record.initialForecast.length - 1]!;
  assert.ok(top < 100000);
  assert.equal(record.budget, Math.max(10, top));
  assert.equal(record.stepsRun, record.budget);
  assert.match(record.budgetReason, /the initial kernel's forecast for k = 4/);
  assert.equal(record.finalCurve.length, 9);
  assert.equal(record.checkpoints[0].step, 0);
  assert.equal(record.checkpoints.at(-1)!.step, record.budget);
  assert.equal(studyInputs(spec).length, n);
  assert.deepEqual(studyInputs({ inputs: "circle", n: 4 })[1], [
    Math.cos(-Math.PI / 2),
    Math.sin(-Math.PI / 2),
  ]);
});

test("sweepAdamRate keeps the rate with the lowest final loss", () => {
  const s = sweepAdamRate({ ...spec, optimizer: "adam", inputs: "line" }, [1e-5, 1e-2], 30);
  assert.equal(s.losses.length, 2);
  assert.equal(s.chosen, s.losses[0] < s.losses[1] ? 1e-5 : 1e-2);
  assert.throws(() => sweepAdamRate(spec, [], 3), /sweepAdamRate: rates must be a non-empty array/);
});
