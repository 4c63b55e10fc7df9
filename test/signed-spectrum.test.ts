import assert from "node:assert/strict";
import { test } from "node:test";
import {
  circlePoints,
  eigenvalues,
  extendedLaplaceKernel,
  precisionFloor,
  signedSpectrum,
} from "../src/index";

test("signs are counted against n eps max|lambda|, as the notebook's old inline loop did", () => {
  const ev = eigenvalues(extendedLaplaceKernel(circlePoints(400), undefined, { alpha: 1, beta: 1 }), {
    method: "circulant",
  });
  const s = signedSpectrum(ev);
  // The old inline computation, by hand.
  const top = Math.max(...Array.from(ev, Math.abs));
  const floor = precisionFloor(400, top);
  assert.equal(s.maxMagnitude, top);
  assert.equal(s.floor, floor);
  assert.equal(s.negative, Array.from(ev).filter((v) => v < -floor).length);
  assert.equal(s.positive, Array.from(ev).filter((v) => v > floor).length);
  assert.deepEqual(
    Array.from(s.byMagnitude),
    Array.from(ev).sort((x, y) => Math.abs(y) - Math.abs(x)),
  );
  // Near beta = 1 the kernel behaves like r, conditionally negative definite: one positive eigenvalue.
  assert.equal(s.positive, 1);
  assert.ok(s.negative > 100);
});

test("the trace of a zero-diagonal matrix is 0, so the resolved signs sum the spectrum to about 0", () => {
  const ev = eigenvalues(extendedLaplaceKernel(circlePoints(200), undefined, { alpha: 1, beta: 2.5 }), {
    method: "circulant",
  });
  const s = signedSpectrum(ev);
  const sum = Array.from(s.byMagnitude).reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(sum) < 1e-10 * s.maxMagnitude * 200, `trace ${sum}`);
  for (let i = 0; i < s.sign.length; i++) {
    const v = s.byMagnitude[i];
    assert.equal(s.sign[i], v > s.floor ? 1 : v < -s.floor ? -1 : 0);
    if (i > 0) assert.ok(Math.abs(v) <= Math.abs(s.byMagnitude[i - 1]));
  }
});

test("n sets the floor for a subset of eigenvalues, and a bad n or list is refused by name", () => {
  const s = signedSpectrum([1, -1e-14], 1000);
  assert.equal(s.floor, precisionFloor(1000, 1));
  assert.deepEqual(Array.from(s.sign), [1, 0]);
  assert.throws(() => signedSpectrum([1, 2], 1), /signedSpectrum: n must be an integer >= 2, got 1/);
  assert.throws(() => signedSpectrum([]), /signedSpectrum: eigenvalues must not be empty/);
  assert.throws(() => signedSpectrum([1, NaN]), /signedSpectrum: eigenvalues\[1\]/);
});
