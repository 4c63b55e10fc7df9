import assert from "node:assert/strict";
import { test } from "node:test";
import { circleModeTest, type StudyRunRecord } from "../src/index";

const n = 8;
const eta = 0.5;
const lambda = [4, 3, 2, 1, 0.5];
const steps = [0, 1, 2, 4, 8];
const e0 = [0.9, 1.1];
const frequencies = [1, 2];
const law = (i: number, t: number) => e0[i] * Math.abs(1 - (eta * lambda[frequencies[i]]) / n) ** t;

/** A record whose errors follow the law exactly, with `tweak` applied to the measured error (k index i, step t). */
function record(tweak: (i: number, t: number, e: number) => number = (_, __, e) => e): StudyRunRecord {
  return {
    spec: { n },
    learningRate: eta,
    frequencies,
    checkpoints: steps.map((t) => ({
      step: t,
      loss: 0,
      errors: frequencies.map((_, i) => tweak(i, t, law(i, t))),
      weightChange: 0,
      kernelChange: t / 100,
      lambdaMax: 1,
    })),
  } as unknown as StudyRunRecord;
}

test("the prediction is e_k(0) |1 - eta lambda_k / n|^t at every checkpoint after 0, frequencies within each", () => {
  const { points, departures } = circleModeTest(record(), lambda, { offBy: 0.1 });
  assert.deepEqual(
    points.map((p) => [p.step, p.k]),
    steps.slice(1).flatMap((t) => frequencies.map((k) => [t, k])),
  );
  for (const p of points) {
    const i = frequencies.indexOf(p.k);
    assert.ok(Math.abs(p.predicted - law(i, p.step)) <= 1e-15 * law(i, p.step));
    assert.equal(p.measured, p.predicted);
    assert.equal(p.kernelChange, p.step / 100);
  }
  assert.deepEqual(
    departures,
    frequencies.map((k) => ({ k, step: null, kernelChange: null, ratio: null })),
  );
});

test("a frequency departs at the first checkpoint off by more than offBy while the prediction is still large enough", () => {
  // k = 2 is 15% high from step 2 on; k = 1 is 50% off only at step 8, where its prediction is below 0.5.
  const tweaked = record((i, t, e) => (i === 1 && t >= 2 ? 1.15 * e : i === 0 && t === 8 ? 1.5 * e : e));
  const { departures } = circleModeTest(tweaked, lambda, { offBy: 0.1, minPredicted: 0.5 });
  assert.ok(law(0, 8) < 0.5);
  assert.equal(departures[0].step, null);
  assert.equal(departures[1].step, 2);
  assert.equal(departures[1].kernelChange, 0.02);
  assert.ok(Math.abs(departures[1].ratio! - 1.15) < 1e-12);
  // A larger tolerance sees no departure.
  assert.equal(circleModeTest(tweaked, lambda, { offBy: 0.2, minPredicted: 0.5 }).departures[1].step, null);
  assert.throws(
    () => circleModeTest(record(), [1, 2], { offBy: 0.1 }),
    /circleModeTest: lambda must hold an eigenvalue for every frequency up to 2, got 2 values/,
  );
  assert.throws(
    () => circleModeTest(record(), lambda, { offBy: 0 }),
    /circleModeTest: offBy must be a finite number > 0, got 0/,
  );
});
