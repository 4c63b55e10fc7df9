import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bracketMinimum,
  brentMinimize,
  goldenSectionMinimize,
  minimizeScalar,
  type MinimizeResult,
} from "../src/optimize";

/** Functions with a known minimizer in the given interval. */
const KNOWN: Array<{ name: string; f: (x: number) => number; lower: number; upper: number; xmin: number }> = [
  { name: "(x - 2)^2 + 1", f: (x) => (x - 2) ** 2 + 1, lower: 0, upper: 5, xmin: 2 },
  { name: "cos x", f: Math.cos, lower: 2, upper: 5, xmin: Math.PI },
  { name: "e^x - 2x", f: (x) => Math.exp(x) - 2 * x, lower: -3, upper: 4, xmin: Math.LN2 },
  { name: "|x - 0.3| (a kink)", f: (x) => Math.abs(x - 0.3), lower: -1, upper: 2, xmin: 0.3 },
  { name: "x log x", f: (x) => x * Math.log(x), lower: 0.01, upper: 3, xmin: Math.exp(-1) },
  {
    name: "-x e^{-x^2} (skewed interval)",
    f: (x) => -x * Math.exp(-x * x),
    lower: 0,
    upper: 30,
    xmin: Math.SQRT1_2,
  },
  { name: "(x - 1e6)^2 (large x)", f: (x) => (x - 1e6) ** 2, lower: 0, upper: 3e6, xmin: 1e6 },
];

function withinTolerance(r: MinimizeResult, xmin: number, abs: number, rel: number): boolean {
  return Math.abs(r.x - xmin) <= 2 * (rel * Math.abs(r.x) + abs) * (1 + 1e-12);
}

test("Brent and golden section find each known minimum within the tolerance they are given", () => {
  for (const { name, f, lower, upper, xmin } of KNOWN) {
    for (const [abs, rel] of [
      [1e-3, 0],
      [1e-6, 0],
      [1e-10, 1.5e-8],
    ]) {
      for (const minimize of [brentMinimize, goldenSectionMinimize]) {
        const r = minimize(f, lower, upper, { absoluteTolerance: abs, relativeTolerance: rel });
        assert.ok(r.converged, `${minimize.name} ${name}: not converged`);
        assert.ok(
          withinTolerance(r, xmin, abs, rel),
          `${minimize.name} ${name} tol ${abs}/${rel}: x = ${r.x}, true ${xmin}`,
        );
        assert.ok(r.interval[0] <= r.x && r.x <= r.interval[1], `${name}: x outside its interval`);
        assert.equal(r.fx, f(r.x));
      }
    }
  }
});

test("a looser tolerance costs fewer evaluations, and the count reported is the count made", () => {
  for (const minimize of [brentMinimize, goldenSectionMinimize]) {
    let previous = Infinity;
    for (const abs of [1e-10, 1e-6, 1e-3, 1e-1]) {
      let calls = 0;
      const r = minimize(
        (x) => {
          calls++;
          return Math.exp(x) - 2 * x;
        },
        -3,
        4,
        { absoluteTolerance: abs, relativeTolerance: 0 },
      );
      assert.equal(r.evaluations, calls);
      assert.ok(r.evaluations <= previous, `${minimize.name}: ${r.evaluations} evaluations at ${abs}`);
      previous = r.evaluations;
    }
  }
});

test("Brent's parabolic steps beat golden section on a smooth minimum", () => {
  const f = (x: number) => Math.exp(x) - 2 * x;
  const opts = { absoluteTolerance: 1e-10, relativeTolerance: 0 };
  const brent = brentMinimize(f, -3, 4, opts);
  const golden = goldenSectionMinimize(f, -3, 4, opts);
  assert.ok(brent.evaluations < golden.evaluations / 2, `${brent.evaluations} vs ${golden.evaluations}`);
  // Golden section shrinks by 0.618 per evaluation: about log(2e-10 / 7) / log(0.618) of them.
  assert.ok(Math.abs(golden.evaluations - Math.log(2e-10 / 7) / Math.log(0.618)) <= 4);
});

test("maxIterations stops the search and says it did not converge", () => {
  const r = brentMinimize(Math.cos, 2, 5, { maxIterations: 3, absoluteTolerance: 1e-12 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 3);
  const g = goldenSectionMinimize(Math.cos, 2, 5, { maxIterations: 3 });
  assert.equal(g.converged, false);
});

test("bracketMinimum walks downhill to a bracket a < b < c with f(b) below both ends", () => {
  const f = (x: number) => (x - 10) ** 2;
  const br = bracketMinimum(f, 0, 1);
  assert.ok(br.a < br.b && br.b < br.c);
  assert.ok(br.fb <= br.fa && br.fb <= br.fc);
  assert.ok(br.a <= 10 && 10 <= br.c, JSON.stringify(br));
  assert.equal(br.atBound, false);
  // Starting points in the uphill order are swapped.
  const back = bracketMinimum(f, 1, 0);
  assert.ok(back.a <= 10 && 10 <= back.c);
  // Downhill to the left.
  const left = bracketMinimum((x) => (x + 7.5) ** 2, 0, 0.5);
  assert.ok(left.a <= -7.5 && -7.5 <= left.c);
});

test("bracketMinimum stays inside bounds and reports a minimum on the bound", () => {
  const f = (x: number) => (x - 10) ** 2;
  const seen: number[] = [];
  const br = bracketMinimum(
    (x) => {
      seen.push(x);
      return f(x);
    },
    0,
    1,
    { lower: 0, upper: 5 },
  );
  assert.ok(seen.every((x) => x >= 0 && x <= 5));
  assert.equal(br.atBound, true);
  assert.equal(br.b, 5);
  const r = minimizeScalar(f, { bracket: [0, 1], bounds: [0, 5], absoluteTolerance: 1e-8 });
  assert.ok(Math.abs(r.x - 5) <= 2e-8 + 1e-12, `x = ${r.x}`);
});

test("minimizeScalar: bracket search then Brent or golden, from starting points far from the minimum", () => {
  for (const method of ["brent", "golden"] as const) {
    const r = minimizeScalar((x) => Math.cosh(x - 42) + 3, {
      bracket: [0, 0.1],
      method,
      absoluteTolerance: 1e-6,
      relativeTolerance: 0,
    });
    // (f is flat to rounding within sqrt(eps * 8) = 4e-8 of 42: a tolerance below that is not attainable.)
    assert.ok(Math.abs(r.x - 42) <= 2e-6, `${method}: ${r.x}`);
    assert.ok(r.bracket && r.bracket.a <= 42 && 42 <= r.bracket.c);
    assert.equal(r.method, method);
    assert.ok(r.evaluations > r.iterations);
  }
  const bounded = minimizeScalar((x) => (x - 2) ** 2, { bounds: [0, 3] });
  assert.ok(Math.abs(bounded.x - 2) < 1e-7);
  assert.equal(bounded.bracket, undefined);
});

test("a non-smooth, non-unimodal f still gives a local minimum inside the interval", () => {
  // Two wells; Brent may find either, but f(x) must be a local minimum value.
  const f = (x: number) => Math.min((x - 1) ** 2, (x - 4) ** 2 + 0.5);
  const r = brentMinimize(f, 0, 5);
  assert.ok(Math.abs(r.x - 1) < 1e-6 || Math.abs(r.x - 4) < 1e-6, `x = ${r.x}`);
});

test("bad input throws an error naming the parameter and the value", () => {
  const f = (x: number) => x * x;
  assert.throws(
    () => brentMinimize(42 as unknown as (x: number) => number, 0, 1),
    /brentMinimize: f must be a function/,
  );
  assert.throws(() => brentMinimize(f, 1, 0), /brentMinimize: lower must be < upper, got lower=1, upper=0/);
  assert.throws(() => brentMinimize(f, NaN, 1), /brentMinimize: lower must be a finite number, got NaN/);
  assert.throws(
    () => goldenSectionMinimize(f, 0, Infinity),
    /goldenSectionMinimize: upper must be a finite number, got Infinity/,
  );
  assert.throws(
    () => brentMinimize(f, 0, 1, { absoluteTolerance: 0 }),
    /absoluteTolerance must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => brentMinimize(f, 0, 1, { relativeTolerance: -1 }),
    /relativeTolerance must be a finite number >= 0, got -1/,
  );
  assert.throws(
    () => brentMinimize(f, 0, 1, { maxIterations: 1.5 }),
    /maxIterations must be an integer >= 1, got 1.5/,
  );
  assert.throws(
    () => brentMinimize(() => NaN, 0, 1),
    /brentMinimize: f\(.*\) must be a number \(not NaN or -Infinity\), got NaN/,
  );
  assert.throws(() => bracketMinimum(f, 1, 1), /bracketMinimum: x0 and x1 must differ, got both 1/);
  assert.throws(
    () => bracketMinimum(f, 0, 2, { lower: 0, upper: 1 }),
    /x1 must lie in \[lower, upper\] = \[0, 1\], got 2/,
  );
  assert.throws(
    () => bracketMinimum(f, 0, 1, { maxEvaluations: 2 }),
    /maxEvaluations must be an integer >= 3, got 2/,
  );
  assert.throws(
    () => bracketMinimum((x) => -x, 0, 1, { maxEvaluations: 20 }),
    /bracketMinimum: no bracket found within maxEvaluations = 20/,
  );
  assert.throws(
    () => minimizeScalar(f, {}),
    /minimizeScalar: give bracket: \[x0, x1\] or bounds: \[lower, upper\]/,
  );
  assert.throws(
    () => minimizeScalar(f, { bounds: [0, 1], method: "newton" as "brent" }),
    /minimizeScalar: method must be "brent" or "golden", got newton/,
  );
  assert.throws(
    () => minimizeScalar(f, { bracket: [0] as unknown as [number, number] }),
    /minimizeScalar: bracket must be an array of two numbers/,
  );
  assert.throws(
    () => minimizeScalar(f, { bounds: [2, 1] }),
    /bounds must satisfy bounds\[0\] < bounds\[1\], got \[2, 1\]/,
  );
});
