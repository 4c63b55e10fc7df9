import assert from "node:assert/strict";
import { test } from "node:test";
import { circleKernelShape, gaussian, laplace, mlp, networkKernel, relu } from "../src/index";

/** The bias-free two-layer ReLU NTK on the unit circle, by hand: ((sin t + (pi - t) cos t) + (pi - t) cos t) / pi. */
const reluNtkAt = (t: number): number => {
  const a = Math.abs(t);
  return (Math.sin(a) + 2 * (Math.PI - a) * Math.cos(a)) / Math.PI;
};

test("the ReLU NTK's shape numbers match its closed form: K(0) = 2, a corner of slope -1/(2 pi) and exponent 1", () => {
  const s = circleKernelShape(networkKernel(mlp([relu])), { angleSteps: 8 });
  assert.ok(Math.abs(s.K0 - 2) < 1e-14, `K0 = ${s.K0}`);
  assert.ok(Math.abs(s.atHalfPi - reluNtkAt(Math.PI / 2) / 2) < 1e-14);
  assert.ok(Math.abs(s.atPi) < 1e-14, `K(pi)/K(0) = ${s.atPi}`);
  // d/dt of (sin t + 2 (pi - t) cos t) / (2 pi) at 0+ is (1 - 2) / (2 pi).
  assert.ok(Math.abs(s.slopeAt0 + 1 / (2 * Math.PI)) < 1e-8, `slope ${s.slopeAt0}`);
  assert.ok(Math.abs(s.slopeAtPi - 1 / (2 * Math.PI)) < 1e-8, `slope at pi ${s.slopeAtPi}`);
  assert.ok(Math.abs(s.exponentAt0 - 1) < 1e-2, `exponent ${s.exponentAt0}`);
});

test("the curve holds angleSteps + 1 points from -pi to pi, each K(theta)/K(0) of the closed form", () => {
  const s = circleKernelShape(networkKernel(mlp([relu]), { name: "relu" }), { angleSteps: 6 });
  assert.equal(s.curve.length, 7);
  assert.equal(s.curve[0].angle, -Math.PI);
  assert.ok(Math.abs(s.curve[6].angle - Math.PI) < 1e-15);
  for (const p of s.curve) {
    assert.equal(p.kernel, "relu");
    assert.ok(Math.abs(p.value - reluNtkAt(p.angle) / 2) < 1e-14, `at ${p.angle}: ${p.value}`);
  }
  assert.equal(s.curve[3].value, 1);
  assert.equal(s.minimum, Math.min(...s.curve.map((p) => p.value)));
});

test("the Laplace kernel exp(-2 sin(t/2)) has slope -1 at 0+ and exponent 1; the Gaussian kernel slope 0 and exponent 2", () => {
  const s = circleKernelShape(laplace({ sigma: 1 }), { angleSteps: 4 });
  assert.equal(s.K0, 1);
  assert.ok(Math.abs(s.atPi - Math.exp(-2)) < 1e-15);
  assert.ok(Math.abs(s.slopeAt0 + 1) < 1e-8, `slope ${s.slopeAt0}`);
  assert.ok(Math.abs(s.exponentAt0 - 1) < 1e-3, `exponent ${s.exponentAt0}`);
  const g = circleKernelShape(gaussian({ sigma: 1 }), { angleSteps: 4 });
  assert.ok(Math.abs(g.slopeAt0) < 1e-8, `slope ${g.slopeAt0}`);
  assert.ok(Math.abs(g.exponentAt0 - 2) < 1e-3, `exponent ${g.exponentAt0}`);
});

test("it refuses an odd or too small angleSteps, and a kernel that does not fall below K(0) near 0", () => {
  const k = laplace({ sigma: 1 });
  assert.throws(
    () => circleKernelShape(k, { angleSteps: 5 }),
    /^Error: circleKernelShape: angleSteps must be even/,
  );
  assert.throws(
    () => circleKernelShape(k, { angleSteps: 0 }),
    /circleKernelShape: angleSteps must be an integer >= 2, got 0/,
  );
  const flat = laplace({ sigma: 1e300 });
  assert.throws(
    () => circleKernelShape(flat, { angleSteps: 4 }),
    /circleKernelShape: kernel must fall below K\(0\)/,
  );
});
