import assert from "node:assert/strict";
import { test } from "node:test";
import {
  circleMercerSlope,
  circleWindowSlope,
  extendedLaplace,
  matchDecaySlope,
  matern,
  minimizeScalar,
} from "../src/index";

const window = { from: 30, to: 100, maxFrequency: 60 };

test("circleWindowSlope is circleMercerSlope's slope when the whole window is resolved, and null when it was shortened", () => {
  const k = matern({ nu: 1.5, lengthScale: 1 });
  const m = circleMercerSlope(k, window);
  assert.equal(circleWindowSlope(k, window), m.fit?.slope);
  // A short quadrature (ranks up to 41) cannot resolve the window 30..100.
  assert.equal(circleWindowSlope(k, { ...window, maxFrequency: 20 }), null);
  const e = extendedLaplace({ alpha: 1, beta: 1 });
  assert.equal(
    circleWindowSlope(e, { ...window, magnitude: true }),
    circleMercerSlope(e, { ...window, magnitude: true }).fit?.slope,
  );
});

test("matchDecaySlope recovers the nu of a Matern kernel from its own slope, starting far from it", () => {
  const target = circleWindowSlope(matern({ nu: 0.5, lengthScale: 1 }), window) as number;
  const r = matchDecaySlope((nu) => matern({ nu, lengthScale: 1 }), {
    ...window,
    target,
    bracket: [1.5, 1.6],
    bounds: [0.05, 8],
    tolerance: 1e-4,
  });
  assert.ok(Math.abs(r.parameter - 0.5) < 1e-3, `nu = ${r.parameter}`);
  assert.ok(r.converged);
  assert.ok(r.mismatch < 1e-4, `mismatch ${r.mismatch}`);
  assert.equal(r.slope, circleWindowSlope(matern({ nu: r.parameter, lengthScale: 1 }), window));
});

test("it is the old inline search: minimizeScalar on (slope - target)^2 with penalty 100 where the window is not resolved", () => {
  const target = -4.1;
  const slopeAt = (beta: number): number | null => {
    const m = circleMercerSlope(extendedLaplace({ alpha: 1, beta }), { ...window, magnitude: true });
    return m.to === 100 && m.fit !== null ? m.fit.slope : null;
  };
  const byHand = minimizeScalar(
    (beta) => {
      const s = slopeAt(beta);
      return s === null ? 100 : (s - target) ** 2;
    },
    { bracket: [2.5, 2.6], bounds: [2.25, 3.75], absoluteTolerance: 1e-4, relativeTolerance: 0 },
  );
  const r = matchDecaySlope((beta) => extendedLaplace({ alpha: 1, beta }), {
    ...window,
    magnitude: true,
    target,
    bracket: [2.5, 2.6],
    bounds: [2.25, 3.75],
    tolerance: 1e-4,
  });
  assert.equal(r.parameter, byHand.x);
  assert.equal(r.mismatch, Math.sqrt(byHand.fx));
  assert.equal(r.evaluations, byHand.evaluations);
  assert.equal(r.converged, byHand.converged);
  assert.equal(r.slope, slopeAt(byHand.x));
  // Theory: slope -(1 + beta) between the even betas, so beta near 3.1.
  assert.ok(Math.abs(r.parameter - 3.1) < 0.3, `beta = ${r.parameter}`);
});

test("it refuses bad options, naming itself, the option and the value", () => {
  const family = (nu: number) => matern({ nu, lengthScale: 1 });
  const ok = {
    ...window,
    target: -2,
    bracket: [0.5, 0.6] as const,
    bounds: [0.05, 8] as const,
    tolerance: 1e-4,
  };
  assert.throws(
    () => matchDecaySlope(family, { ...ok, target: NaN }),
    /matchDecaySlope: target must be a finite number \(a slope\), got NaN/,
  );
  assert.throws(
    () => matchDecaySlope(family, { ...ok, tolerance: 0 }),
    /matchDecaySlope: tolerance must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => matchDecaySlope(family, { ...ok, tol: 1 } as never),
    /matchDecaySlope: options has no "tol"/,
  );
  assert.throws(
    () => matchDecaySlope(family, { ...ok, to: 20 }),
    /matchDecaySlope: to must be an integer >= 31, got 20/,
  );
  assert.throws(
    () => matchDecaySlope(() => 3 as never, ok),
    /matchDecaySlope: family must return a kernel of the lab, got 3 at x = 0.5/,
  );
  assert.throws(
    () => matchDecaySlope(family, { ...ok, bounds: [8, 0.05] }),
    /^Error: matchDecaySlope: bounds must satisfy/,
  );
  assert.throws(
    () => circleWindowSlope(matern({ nu: 1.5 }), null as never),
    /circleWindowSlope: options must be an object \{ from, to, maxFrequency \}, got null/,
  );
});
