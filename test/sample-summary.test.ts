import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleSummary } from "../src/index";

test("the 10% to 90% band of 20 values is the 3rd smallest to the 3rd largest, and the mean their average", () => {
  // 1..20 in a shuffled order: the summary does not depend on it.
  const values = [7, 19, 2, 14, 1, 20, 11, 5, 16, 9, 3, 18, 12, 6, 15, 10, 4, 17, 13, 8];
  const copy = [...values];
  assert.deepEqual(sampleSummary(values, [0.1, 0.9]), { count: 20, mean: 10.5, low: 3, high: 18 });
  assert.deepEqual(values, copy, "values are not modified");
});

test("the quantiles at 0 and 1 are the smallest and largest value, at 0.5 the middle one by rounded rank", () => {
  assert.deepEqual(sampleSummary([5, -2, 9, 0, 3], [0, 1]), { count: 5, mean: 3, low: -2, high: 9 });
  assert.deepEqual(sampleSummary([5, -2, 9, 0, 3], [0.5, 0.5]), { count: 5, mean: 3, low: 3, high: 3 });
  // Four values: rank round(0.5 * 3) = 2 (JavaScript's Math.round rounds 1.5 up): the 3rd smallest.
  assert.equal(sampleSummary([4, 1, 3, 2], [0.5, 0.5]).low, 3);
  assert.deepEqual(sampleSummary([42], [0.1, 0.9]), { count: 1, mean: 42, low: 42, high: 42 });
});

test("the mean is summed smallest first, whatever order the values come in", () => {
  // Summed in the given order, 1e16 + 1 rounds back to 1e16 and the mean is (0 + 1) / 4; ascending, the
  // two 1s are both absorbed by -1e16 and the sum is 0.
  const values = [1e16, 1, -1e16, 1];
  assert.equal(sampleSummary(values, [0, 1]).mean, 0);
  let inOrder = 0;
  for (const v of values) inOrder += v;
  assert.equal(inOrder / 4, 0.25);
});

test("a band out of [0, 1] or reversed is an Error naming band", () => {
  assert.throws(
    () => sampleSummary([1, 2], [0.9, 0.1]),
    /sampleSummary: band must have band\[0\] <= band\[1\], got \[0.9, 0.1\]/,
  );
  assert.throws(
    () => sampleSummary([1, 2], [-0.1, 0.5]),
    /sampleSummary: band\[0\] must lie in \[0, 1\], got -0.1/,
  );
  assert.throws(
    () => sampleSummary([1, 2], [0.5] as never),
    /sampleSummary: band must be a pair .*got \[0.5\]/,
  );
});
