import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { componentErrors, logSpacedSteps, stepsToLearn } from "../src/spectral-bias";
import { multiSine, periodicGrid, squareWaveSeries } from "../src/targets";

describe("componentErrors", () => {
  it("is |c_k(residual)| / |c_k(target)| for each target frequency", () => {
    const target = squareWaveSeries(5);
    const x = periodicGrid(32);
    // A fit that has all of frequency 1, half of frequency 3 and none of frequency 5.
    const fit = multiSine([1, 3], { amplitudes: [target.amplitudes[0], target.amplitudes[1] / 2] });
    const residual = Array.from(x, (t) => fit.fn(t) - target.fn(t));
    const e = componentErrors(residual, target);
    assert.equal(e.length, 3);
    assert.ok(Math.abs(e[0]) < 1e-13);
    assert.ok(Math.abs(e[1] - 0.5) < 1e-13);
    assert.ok(Math.abs(e[2] - 1) < 1e-13);
    // Before any fit (f = 0) every error is 1.
    const start = componentErrors(
      Array.from(target.at(x), (v) => -v),
      target,
    );
    start.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-13));
  });

  it("needs more than two samples per cycle of the top frequency", () => {
    assert.throws(
      () => componentErrors(new Float64Array(10), multiSine([5])),
      /more than 2 x the target's top frequency 5/,
    );
  });
});

describe("logSpacedSteps", () => {
  it("starts at 0, ends at maxStep, rises strictly and spreads over the decades", () => {
    const s = logSpacedSteps(1000, 5);
    assert.equal(s[0], 0);
    assert.equal(s[s.length - 1], 1000);
    for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1]);
    assert.ok(s.includes(1) && s.includes(10) && s.includes(100));
    assert.deepEqual(logSpacedSteps(0), [0]);
    assert.deepEqual(logSpacedSteps(1), [0, 1]);
    assert.ok(logSpacedSteps(1234, 3).includes(1234));
  });

  it("rejects a bad maxStep or perDecade", () => {
    assert.throws(() => logSpacedSteps(-1), /logSpacedSteps: maxStep must be an integer >= 0/);
    assert.throws(() => logSpacedSteps(10, 0), /perDecade must be an integer >= 1/);
  });
});

describe("stepsToLearn", () => {
  it("finds when geometric decays (1 - rate)^t fall below the threshold, to the grid's resolution", () => {
    const rates = [0.5, 1e-3, 1e-6];
    const errorsAt = (t: number) => rates.map((r) => Math.pow(1 - r, t));
    const found = stepsToLearn(errorsAt, { threshold: 0.1, maxSteps: 1e6, perDecade: 50 });
    const exact = rates.map((r) => Math.log(0.1) / Math.log(1 - r));
    // Rate 0.5: 3.3 steps, the first grid step at or after that is 4. Rate 1e-3: 2302 steps.
    assert.equal(found[0], 4);
    assert.ok(found[1]! >= exact[1] && found[1]! <= exact[1] * 10 ** (1 / 50) + 1);
    // Rate 1e-6 needs 2.3e6 steps: beyond maxSteps.
    assert.equal(found[2], null);
  });

  it("waits until an oscillating error stays below the threshold", () => {
    // Below 0.1 at t = 10, above again at t = 100, below from 1000 on.
    const errorsAt = (t: number) => [t >= 1000 ? 0.01 : t === 10 ? 0.05 : 0.5];
    assert.equal(stepsToLearn(errorsAt, { maxSteps: 1e4, perDecade: 1 })[0], 1000);
  });

  it("takes an explicit grid of steps, such as a run's checkpoints", () => {
    const errors = new Map([
      [0, [1, 1]],
      [5, [0.05, 0.5]],
      [50, [0.02, 0.2]],
      [500, [0.01, 0.08]],
    ]);
    assert.deepEqual(
      stepsToLearn((t) => errors.get(t)!, { steps: [0, 5, 50, 500] }),
      [5, 500],
    );
    assert.throws(
      () => stepsToLearn(() => [1], { steps: [0, 5, 5] }),
      /steps must be finite, >= 0 and strictly ascending/,
    );
  });

  it("rejects bad options", () => {
    assert.throws(
      () => stepsToLearn(() => [1], { threshold: 0 }),
      /stepsToLearn: threshold must be a finite number > 0/,
    );
    assert.throws(() => stepsToLearn(() => [1], { maxSteps: 0.5 }), /maxSteps must be >= 1/);
    assert.throws(() => stepsToLearn(() => [1], { perDecade: 1.5 }), /perDecade must be an integer >= 1/);
  });
});
