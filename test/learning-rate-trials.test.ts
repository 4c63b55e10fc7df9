import assert from "node:assert/strict";
import { test } from "node:test";
import {
  learningRateTrials,
  mlpNetwork,
  multiSine,
  periodicGrid,
  stableLearningRate,
  train,
} from "../src/index";

const X = Array.from(periodicGrid(12), (x) => [x]);
const y = multiSine([1, 2]).at(periodicGrid(12));
const make = () =>
  mlpNetwork({ activations: ["relu", "relu"], width: 10, biasStd: 1, seed: 2, parameterization: "standard" });

test("each trial is train() of a fresh network at a multiple of the guard's bound or at a fixed rate, in that order", () => {
  const trials = learningRateTrials(make, X, y, { multiples: [0.5, 40], fixed: [1e-4], steps: 20 });
  const guard = stableLearningRate(make(), X);
  assert.deepEqual(
    trials.map((t) => [t.rate, t.learningRate, t.above]),
    [
      ["0.5 x bound", 0.5 * guard.maxLearningRate, false],
      ["40 x bound", 40 * guard.maxLearningRate, true],
      ["fixed 0.0001", 1e-4, 1e-4 > guard.maxLearningRate],
    ],
  );
  for (const t of trials) {
    assert.equal(t.bound, guard.maxLearningRate);
    assert.equal(t.lambdaMax, guard.lambdaMax);
    const hand = train(make(), X, y, {
      steps: 20,
      learningRate: t.learningRate,
      learningRateCheck: "off",
      warn: () => undefined,
    });
    assert.equal(t.steps, hand.steps);
    assert.equal(t.initialLoss, hand.losses[0]);
    assert.equal(t.finalLoss, hand.losses[hand.losses.length - 1]);
    assert.equal(t.outcome, hand.stopReason === "diverged" ? `diverged at step ${hand.steps}` : "trained");
  }
  // Half the bound trains; forty times the bound blows up within the budget.
  assert.equal(trials[0].outcome, "trained");
  assert.match(trials[1].outcome, /^diverged at step \d+$/);
});

test("the rates and the budget are checked, naming the parameter", () => {
  assert.throws(
    () => learningRateTrials(make, X, y, { multiples: [0], fixed: [], steps: 5 }),
    /learningRateTrials: multiples\[0\] must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => learningRateTrials(make, X, y, { multiples: [], fixed: [-1], steps: 5 }),
    /learningRateTrials: fixed\[0\] must be a finite number > 0, got -1/,
  );
  assert.throws(
    () => learningRateTrials(make, X, y, { multiples: [1], fixed: [], steps: 0 }),
    /learningRateTrials: steps must be an integer >= 1, got 0/,
  );
});
