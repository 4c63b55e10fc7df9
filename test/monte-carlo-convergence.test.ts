import assert from "node:assert/strict";
import { test } from "node:test";
import {
  circlePoints,
  logLogSlope,
  mlp,
  monteCarloConvergence,
  monteCarloNtkWithError,
  ntk,
  relativeError,
  relu,
} from "../src/index";

const arch = mlp([relu]);
const X = circlePoints(5, { random: true, seed: 2 });

test("every run is the relative error of monteCarloNtkWithError against ntk, and its standard errors' norm over ntk's", () => {
  const { runs } = monteCarloConvergence(arch, X, { samples: [4, 16, 64], seeds: [1, 2] });
  assert.deepEqual(
    runs.map((r) => [r.samples, r.seed]),
    [
      [4, 1],
      [4, 2],
      [16, 1],
      [16, 2],
      [64, 1],
      [64, 2],
    ],
  );
  const exact = ntk(arch, X);
  for (const r of runs) {
    const { mean, stdError } = monteCarloNtkWithError(arch, X, undefined, {
      samples: r.samples,
      seed: r.seed,
    });
    assert.equal(r.error, relativeError(mean, exact));
    assert.equal(r.predicted, stdError.norm() / exact.norm());
  }
});

test("the summary is the root mean square over seeds per sample count, and the fit a log-log line through it", () => {
  const { runs, bySamples, fit } = monteCarloConvergence(arch, X, {
    samples: [10, 100, 1000],
    seeds: [1, 2, 3],
  });
  for (const s of bySamples) {
    const these = runs.filter((r) => r.samples === s.samples);
    const rms = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    assert.ok(Math.abs(s.rms - rms(these.map((r) => r.error))) <= 1e-15 * s.rms);
    assert.ok(Math.abs(s.predicted - rms(these.map((r) => r.predicted))) <= 1e-15 * s.predicted);
  }
  const line = logLogSlope(
    [10, 100, 1000],
    bySamples.map((s) => s.rms),
  );
  assert.equal(fit.slope, line.slope);
  // The central limit: a slope near -1/2 over two decades.
  assert.ok(fit.slope < -0.3 && fit.slope > -0.7, `slope ${fit.slope}`);
});

test("it ticks a progress display once per run and closes it", () => {
  const events: string[] = [];
  const progress = (total: number, label: string) => {
    events.push(`start ${total} ${label}`);
    return { tick: () => void events.push("tick"), done: () => void events.push("done") };
  };
  monteCarloConvergence(arch, X, { samples: [2, 4, 8], seeds: [1], progress });
  assert.deepEqual(events, ["start 3 Monte Carlo NTK", "tick", "tick", "tick", "done"]);
});

test("it refuses fewer than three sample counts, a repeated or non-integer count and a negative seed, naming itself", () => {
  assert.throws(
    () => monteCarloConvergence(arch, X, { samples: [2, 4], seeds: [1] }),
    /^Error: monteCarloConvergence: samples must be a list of at least 3 numbers, got 2/,
  );
  assert.throws(
    () => monteCarloConvergence(arch, X, { samples: [2, 4.5, 8], seeds: [1] }),
    /monteCarloConvergence: samples\[1\] must be an integer >= 1, got 4.5/,
  );
  assert.throws(
    () => monteCarloConvergence(arch, X, { samples: [2, 4, 2], seeds: [1] }),
    /^Error: monteCarloConvergence: samples must be distinct \(one point of the fit each\), got samples\[2\] = 2 again$/,
  );
  assert.throws(
    () => monteCarloConvergence(arch, X, { samples: [2, 4, 8], seeds: [-1] }),
    /monteCarloConvergence: seeds\[0\] must be an integer >= 0, got -1/,
  );
});
