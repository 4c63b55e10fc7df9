import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { circleAngles, circlePoints, cubePoints, segmentPoints, spherePoints } from "../src/inputs";

describe("circlePoints", () => {
  it("puts x_i = (cos t_i, sin t_i) at t_i = 2 pi i / n, with no repeated endpoint", () => {
    const X = circlePoints(200);
    assert.equal(X.rows, 200);
    assert.equal(X.columns, 2);
    assert.deepEqual(X.getRow(0), [1, 0]);
    const t = (2 * Math.PI * 50) / 200;
    assert.ok(Math.abs(X.get(50, 0) - Math.cos(t)) < 1e-16 && Math.abs(X.get(50, 1) - 1) < 1e-16);
    // The last point is one step before the first, not the first again (the linspace(0, 2 pi, n) bug).
    const last = X.getRow(199);
    assert.ok(Math.abs(last[0] - Math.cos((2 * Math.PI * 199) / 200)) < 1e-15);
    assert.ok(last[1] < -0.03);
  });

  it("draws random angles reproducibly from a seed, and needs one", () => {
    const a = circleAngles(50, { random: true, seed: 1 });
    const b = circleAngles(50, { random: true, seed: 1 });
    assert.deepEqual(a, b);
    assert.ok(a.every((t) => t >= 0 && t < 2 * Math.PI));
    assert.notDeepEqual(a, circleAngles(50, { random: true, seed: 2 }));
    assert.throws(() => circlePoints(5, { random: true }), /pass a seed/);
    const X = circlePoints(50, { random: true, seed: 1 });
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(Math.hypot(X.get(i, 0), X.get(i, 1)) - 1) < 1e-15);
  });

  it("rejects n < 1 and non-integers, naming n", () => {
    assert.throws(() => circlePoints(0), /circlePoints: n must be an integer >= 1, got 0/);
    assert.throws(() => circlePoints(2.5), /got 2.5/);
    assert.throws(() => circlePoints(NaN), /got NaN/);
  });
});

describe("segmentPoints", () => {
  it("spaces n points evenly on [from, to], both ends included", () => {
    const X = segmentPoints(5);
    assert.deepEqual(X.getColumn(0), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(segmentPoints(3, { from: 0, to: 2 }).getColumn(0), [0, 1, 2]);
    assert.deepEqual(segmentPoints(1).getColumn(0), [0]);
  });

  it("rejects an empty or reversed segment", () => {
    assert.throws(() => segmentPoints(4, { from: 1, to: 1 }), /to must be greater than from/);
    assert.throws(() => segmentPoints(4, { from: NaN }), /from must be a finite number, got NaN/);
    assert.throws(() => segmentPoints(-3), /n must be an integer >= 1, got -3/);
  });
});

describe("spherePoints", () => {
  it("draws unit vectors in R^d whose mean is near zero (uniform on the sphere)", () => {
    const X = spherePoints(4000, 3, { seed: 5 });
    const mean = [0, 0, 0];
    for (let i = 0; i < X.rows; i++) {
      const row = X.getRow(i);
      assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-14);
      row.forEach((v, j) => (mean[j] += v / X.rows));
    }
    // Each coordinate has variance 1/d; the mean of 4000 has standard error sqrt(1/3/4000) ~ 0.009.
    mean.forEach((m) => assert.ok(Math.abs(m) < 0.04, `mean ${m}`));
    assert.deepEqual(spherePoints(3, 4, { seed: 5 }), spherePoints(3, 4, { seed: 5 }));
  });

  it("rejects d < 2 and a missing seed", () => {
    assert.throws(() => spherePoints(3, 1, { seed: 1 }), /d must be an integer >= 2, got 1/);
    assert.throws(() => spherePoints(3, 3, {}), /pass a seed/);
  });
});

describe("cubePoints", () => {
  it("draws points of {-1, 1}^d / sqrt(d) with fair, independent coordinates, reproducibly", () => {
    const d = 16;
    const X = cubePoints(4000, d, { seed: 3 });
    let plus = 0;
    let agree = 0;
    for (let i = 0; i < X.rows; i++) {
      const row = X.getRow(i);
      for (const v of row) assert.equal(Math.abs(v), 1 / Math.sqrt(d));
      assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-15);
      plus += row.filter((v) => v > 0).length;
      if (row[0] * row[1] > 0) agree++;
    }
    // 64,000 fair signs: standard error 0.002 on the fraction; 4000 pairs: 0.008.
    assert.ok(Math.abs(plus / (4000 * d) - 0.5) < 0.01, `${plus}`);
    assert.ok(Math.abs(agree / 4000 - 0.5) < 0.03, `${agree}`);
    assert.deepEqual(cubePoints(3, 5, { seed: 2 }), cubePoints(3, 5, { seed: 2 }));
  });

  it("rejects d < 1 and a missing seed", () => {
    assert.throws(() => cubePoints(3, 0, { seed: 1 }), /cubePoints: d must be an integer >= 1, got 0/);
    assert.throws(() => cubePoints(3, 3, {}), /cubePoints: pass a seed/);
  });
});
