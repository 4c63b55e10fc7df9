import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import {
  circleMercerSlope,
  decaySlope,
  frequencyOrderedRanks,
  frequencySpectrum,
  laplace,
  circleProfile,
  type FrequencySpectrum,
  type Kernel,
} from "../src/index";

/**
 * A kernel on the circle with Mercer coefficients a_0 = 2, a_j = 1 / j^2 exactly: 2 + 2 sum_j cos(j t) / j^2
 * = 2 + 2 (pi^2/6 - pi t/2 + t^2/4) for the angle t in [0, pi] between the points (times `sign`).
 */
const inverseSquares = (sign = 1): Kernel => {
  const at = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
    const t = Math.acos(Math.max(-1, Math.min(1, x[0] * y[0] + x[1] * y[1])));
    return sign * (2 + 2 * ((Math.PI * Math.PI) / 6 - (Math.PI * t) / 2 + (t * t) / 4));
  };
  const k = (X: unknown, Y?: unknown) => {
    const xs = X as number[][];
    const ys = (Y ?? X) as number[][];
    return new Matrix(xs.map((x) => ys.map((y) => at(x, y))));
  };
  return k as unknown as Kernel;
};

/** Least-squares slope of log v against log r for the ranks r = from..to, by the textbook formula. */
const handSlope = (value: (r: number) => number, from: number, to: number): number => {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let r = from; r <= to; r++) {
    xs.push(Math.log(r));
    ys.push(Math.log(value(r)));
  }
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
};

const fake = (coefficient: number[], vanishing: boolean[]): FrequencySpectrum => ({
  frequency: Int32Array.from(coefficient, (_, j) => j),
  coefficient: Float64Array.from(coefficient),
  error: new Float64Array(coefficient.length),
  vanishing,
  tolerance: 0,
});

test("frequencyOrderedRanks lists a_0 once and each a_j twice, in frequency order, up to the first vanishing j >= 1", () => {
  const s = fake([1, -0.5, 0.25, 1e-20, 0.1], [false, false, false, true, false]);
  assert.deepEqual(Array.from(frequencyOrderedRanks(s)), [1, -0.5, -0.5, 0.25, 0.25]);
  // A vanishing a_0 does not cut; with no vanishing coefficient every frequency is kept.
  const all = fake([0, 0.5, 0.25], [true, false, false]);
  assert.deepEqual(Array.from(frequencyOrderedRanks(all)), [0, 0.5, 0.5, 0.25, 0.25]);
  assert.deepEqual(Array.from(frequencyOrderedRanks(fake([2, 1], [false, true]))), [2]);
});

test("frequencyOrderedRanks refuses what is not a FrequencySpectrum, naming itself and the parameter", () => {
  assert.throws(
    () => frequencyOrderedRanks(null as unknown as FrequencySpectrum),
    /^Error: frequencyOrderedRanks: spectrum must be a FrequencySpectrum.*got null/,
  );
  assert.throws(
    () => frequencyOrderedRanks(fake([1, NaN], [false, false])),
    /frequencyOrderedRanks: spectrum.coefficient\[1\] must be finite, got NaN/,
  );
});

test("a kernel with a_j = 1/j^2 gives the least-squares slope of the ranks a_floor(r/2) computed by hand", () => {
  const m = circleMercerSlope(inverseSquares(), { from: 30, to: 100, maxFrequency: 60 });
  assert.equal(m.to, 100);
  assert.equal(m.ranks.length, 121);
  for (let j = 1; j <= 60; j++) {
    assert.ok(
      Math.abs(m.spectrum.coefficient[j] * j * j - 1) < 1e-10,
      `a_${j} = ${m.spectrum.coefficient[j]}`,
    );
  }
  const expected = handSlope((r) => 1 / Math.floor(r / 2) ** 2, 30, 100);
  assert.ok(Math.abs((m.fit?.slope as number) - expected) < 1e-9, `${m.fit?.slope} vs ${expected}`);
  assert.equal(m.fit?.meaningful, true);
  const ends = circleMercerSlope(inverseSquares(), {
    from: 30,
    to: 100,
    maxFrequency: 60,
    method: "endpoints",
  });
  const endSlope = (Math.log(1 / 50 ** 2) - Math.log(1 / 15 ** 2)) / Math.log(100 / 30);
  assert.ok(Math.abs((ends.fit?.slope as number) - endSlope) < 1e-9);
});

test("it is the old inline computation: frequencySpectrum of circleProfile by angle, ranks cut, decaySlope on all of them", () => {
  const kernel = laplace({ sigma: 1 });
  const fs = frequencySpectrum(circleProfile(kernel), { maxFrequency: 60, argument: "angle" });
  const cut = fs.vanishing.findIndex((v, j) => j > 0 && v);
  const last = cut === -1 ? fs.coefficient.length - 1 : cut - 1;
  const ranks: number[] = [fs.coefficient[0]];
  for (let j = 1; j <= last; j++) ranks.push(fs.coefficient[j], fs.coefficient[j]);
  const byHand = decaySlope(ranks, { from: 30, to: Math.min(100, ranks.length) });
  const m = circleMercerSlope(kernel, { maxFrequency: 60 });
  assert.deepEqual(Array.from(m.ranks), ranks);
  assert.deepEqual(m.fit, byHand);
  // The Laplace kernel decays like j^-2 (rank slope -2), slightly steeper over ranks 30..100.
  assert.ok((m.fit?.slope as number) < -2 && (m.fit?.slope as number) > -2.2, `${m.fit?.slope}`);
});

test("the window is shortened to the resolved ranks, and no slope is fitted below from + minimumSpan", () => {
  const short = circleMercerSlope(inverseSquares(), { maxFrequency: 20 });
  assert.equal(short.to, 41);
  assert.equal(short.fit?.to, 41);
  const none = circleMercerSlope(inverseSquares(), { maxFrequency: 19 });
  assert.equal(none.to, 39);
  assert.equal(none.fit, null);
  const wider = circleMercerSlope(inverseSquares(), { maxFrequency: 19, minimumSpan: 9 });
  assert.equal(wider.fit?.to, 39);
});

test("an indefinite kernel is fitted on |a_j| with magnitude: true, and refused without it", () => {
  const neg = circleMercerSlope(inverseSquares(-1), { maxFrequency: 60, magnitude: true });
  const pos = circleMercerSlope(inverseSquares(), { maxFrequency: 60 });
  assert.ok(Math.abs((neg.fit?.slope as number) - (pos.fit?.slope as number)) < 1e-9);
  assert.throws(
    () => circleMercerSlope(inverseSquares(-1), { maxFrequency: 60 }),
    /decaySlope: eigenvalues must be sorted descending/,
  );
});

test("it refuses unknown options and bad values, naming itself, the option and the value", () => {
  const k = laplace({ sigma: 1 });
  assert.throws(
    () => circleMercerSlope(k, { shorten: true } as never),
    /circleMercerSlope: options has no "shorten"/,
  );
  assert.throws(
    () => circleMercerSlope(k, { from: 0 }),
    /circleMercerSlope: from must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => circleMercerSlope(k, { from: 30, to: 30 }),
    /circleMercerSlope: to must be an integer >= 31, got 30/,
  );
  assert.throws(
    () => circleMercerSlope(k, { method: "ends" as never }),
    /circleMercerSlope: method must be "lsq" or "endpoints", got "ends"/,
  );
  assert.throws(
    () => circleMercerSlope(k, { magnitude: 1 as never }),
    /circleMercerSlope: magnitude must be true or false, got 1/,
  );
  assert.throws(() => circleMercerSlope(5 as never), /^Error: circleMercerSlope: kernel must be a function/);
});
