import assert from "node:assert/strict";
import { test } from "node:test";
import { decadeTicks, decadesWithin, highestBy, longRunGroups, lowestBy, upperMedian } from "../src/index";

const runs = [
  { name: "a", loss: 3 },
  { name: "b", loss: 1 },
  { name: "c", loss: 1 },
  { name: "d", loss: 5 },
  { name: "e", loss: 5 },
];

test("lowestBy and highestBy pick the first item with the extreme value, as the notebooks' reductions did", () => {
  assert.equal(lowestBy(runs, (r) => r.loss).name, "b");
  assert.equal(highestBy(runs, (r) => r.loss).name, "d");
  // The reduction written out: keep a unless b is strictly better.
  assert.equal(
    lowestBy(runs, (r) => r.loss),
    runs.reduce((a, b) => (b.loss < a.loss ? b : a)),
  );
  assert.equal(lowestBy([{ v: 2 }], (r) => r.v).v, 2);
  assert.throws(
    () => lowestBy([], (r: { v: number }) => r.v),
    /lowestBy: items must be a non-empty array, got an array of length 0/,
  );
  assert.throws(
    () => highestBy(runs, 5 as unknown as (r: unknown) => number),
    /highestBy: value must be a function/,
  );
});

test("upperMedian is the middle value of the sorted list, the upper middle one for an even count", () => {
  assert.equal(upperMedian([3, 1, 2]), 2);
  assert.equal(upperMedian([4, 1, 3, 2]), 3);
  assert.equal(upperMedian([7]), 7);
  const values = [0.3, 0.1, 0.25, 0.9, 0.5, 0.05];
  assert.equal(upperMedian(values), [...values].sort((a, b) => a - b)[3]);
  assert.deepEqual(values, [0.3, 0.1, 0.25, 0.9, 0.5, 0.05], "the input is not sorted in place");
  assert.throws(
    () => upperMedian([]),
    /upperMedian: values must be a non-empty list of numbers, got an empty one/,
  );
  assert.throws(() => upperMedian([1, NaN]), /upperMedian: values\[1\] must be finite, got NaN/);
});

test("longRunGroups gives each pair's means over its seeds and its counts, ordered by mean final loss", () => {
  const rows = [
    { pair: "relu+relu", seed: 1, finalLoss: 0.2, topError: 0.5, stop: "budget" },
    { pair: "sin+sin", seed: 1, finalLoss: 1e-7, topError: 0.01, stop: "target" },
    { pair: "relu+relu", seed: 2, finalLoss: 0.4, topError: 0.05, stop: "budget" },
    { pair: "sin+sin", seed: 2, finalLoss: 3e-3, topError: 0.2, stop: "budget" },
  ];
  const groups = longRunGroups(rows, ["relu+relu", "relu+sin", "sin+sin"], 0.1);
  assert.deepEqual(
    groups.map((g) => [g.pair, g.rows.map((r) => r.seed), g.zero, g.learned]),
    [
      ["sin+sin", [1, 2], 1, 1],
      ["relu+relu", [1, 2], 0, 1],
    ],
  );
  assert.equal(groups[0].loss, (1e-7 + 3e-3) / 2);
  assert.equal(groups[1].top, (0.5 + 0.05) / 2);
  assert.deepEqual(longRunGroups([], ["relu+relu"], 0.1), []);
  assert.throws(
    () => longRunGroups(rows, ["relu+relu"], 0),
    /longRunGroups: learnedBelow must be a finite number > 0, got 0/,
  );
});

test("decadesWithin gives the powers of ten inside the positive values' range, none when there is none", () => {
  assert.deepEqual(decadesWithin([0.05, 3, 0, -2, 42]), [0.1, 1, 10]);
  assert.deepEqual(decadesWithin([2, 3]), [], "no power of ten between 2 and 3");
  assert.deepEqual(decadesWithin([1]), [1]);
  assert.deepEqual(decadesWithin([1e-3, 1]), decadeTicks(1e-3, 1));
  assert.throws(
    () => decadesWithin([0, -1]),
    /decadesWithin: values must hold at least one number > 0, got 2 values, none > 0/,
  );
});
