import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import { fractionText, gradientDescentDynamics, residualLeft } from "../src/index";

const K = new Matrix([
  [2, 0.5, 0.1],
  [0.5, 2, 0.3],
  [0.1, 0.3, 2],
]);
const y = [1, -0.5, 0.25];
const eta = 0.5;

test("the fraction left along v_j after t steps is |1 - eta lambda_j / n|^t, the closed form", () => {
  const dyn = gradientDescentDynamics(K, y, { eta });
  const n = 3;
  for (const { step, remaining } of residualLeft(dyn, [0, 1, 7, 40])) {
    remaining.forEach((r, j) => {
      const exact = Math.abs(1 - (eta * dyn.eigenvalues[j]) / n) ** step;
      assert.ok(Math.abs(r - exact) <= 1e-12 * exact, `t = ${step}, j = ${j + 1}: ${r} vs ${exact}`);
    });
  }
});

test("it is notebook 07's old inline ratio, bit for bit, one entry per step in the order given", () => {
  const dyn = gradientDescentDynamics(K, y, { eta, initial: [0.3, 0, -0.2] });
  const steps = [100, 10, 1000];
  const left = residualLeft(dyn, steps);
  assert.deepEqual(
    left.map((l) => l.step),
    steps,
  );
  steps.forEach((t, k) => {
    const r0 = dyn.residualByDirection(0);
    const old = Array.from(dyn.residualByDirection(t), (r, j) => Math.abs(r / r0[j]));
    assert.deepEqual(Array.from(left[k].remaining), old);
  });
});

test("a direction the initial residual does not touch has nothing left (0, not NaN)", () => {
  // K = diag(2, 1) and y along the first axis: v^T r_0 = 0 along the second eigenvector.
  const dyn = gradientDescentDynamics(
    new Matrix([
      [2, 0],
      [0, 1],
    ]),
    [1, 0],
    { eta: 0.5 },
  );
  const [left] = residualLeft(dyn, [5]);
  assert.deepEqual(Array.from(left.remaining), [0.5 ** 5, 0]);
});

test("fractionText writes a fraction in exponential notation, or below the floor", () => {
  assert.equal(fractionText(3.21e-5, 1e-16), "3.2e-5");
  assert.equal(fractionText(1e-20, 1e-16), "below 1e-16");
  assert.equal(fractionText(0, 1e-16), "below 1e-16");
  assert.equal(fractionText(1e-16, 1e-16), "1.0e-16");
  assert.equal(fractionText(0.5, 1e-3, 3), "5.000e-1");
  assert.throws(() => fractionText(-1, 1e-16), /fractionText: value must be a fraction >= 0.*-1/);
});
