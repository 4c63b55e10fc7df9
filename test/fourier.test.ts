import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fourierComponents } from "../src/fourier";
import { multiSine, periodicGrid, squareWaveSeries } from "../src/targets";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("periodicGrid", () => {
  it("spaces n points over [from, to) and leaves the right end out", () => {
    const x = periodicGrid(8);
    assert.deepEqual(Array.from(x), [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75]);
    const y = periodicGrid(5, { from: 0, to: 10 });
    assert.deepEqual(Array.from(y), [0, 2, 4, 6, 8]);
  });

  it("rejects a bad n or an empty interval, naming the parameter", () => {
    assert.throws(() => periodicGrid(0), /periodicGrid: n must be an integer >= 1, got 0/);
    assert.throws(() => periodicGrid(2.5), /n must be an integer/);
    assert.throws(() => periodicGrid(4, { from: 1, to: 1 }), /to must be greater than from/);
    assert.throws(() => periodicGrid(4, { from: NaN }), /from must be a finite number/);
  });
});

describe("multiSine and squareWaveSeries", () => {
  it("multiSine sums sin(2 pi k x / period) with the given amplitudes", () => {
    const f = multiSine([1, 4], { amplitudes: [2, -0.5] });
    for (const x of [-0.9, -0.3, 0.1, 0.77]) {
      close(f.fn(x), 2 * Math.sin(Math.PI * x) - 0.5 * Math.sin(4 * Math.PI * x), 1e-15);
    }
    assert.deepEqual(Array.from(f.at([0, 0.5])), [f.fn(0), f.fn(0.5)]);
    const g = multiSine([3], { period: 1 });
    close(g.fn(0.1), Math.sin(2 * Math.PI * 3 * 0.1), 1e-15);
    assert.deepEqual(multiSine([1, 2]).amplitudes, [1, 1]);
  });

  it("squareWaveSeries keeps the odd harmonics with amplitudes 4 / (pi k) and approaches the square wave", () => {
    const s = squareWaveSeries(9);
    assert.deepEqual(s.frequencies, [1, 3, 5, 7, 9]);
    s.amplitudes.forEach((a, i) => close(a, 4 / (Math.PI * s.frequencies[i]), 1e-15));
    assert.deepEqual(squareWaveSeries(10).frequencies, [1, 3, 5, 7, 9]);
    // At the middle of the positive half-period the partial sums alternate around 1 and close in on it.
    const far = squareWaveSeries(2001);
    close(far.fn(0.5), 1, 1e-3);
    close(far.fn(-0.5), -1, 1e-3);
    close(s.fn(0), 0, 1e-15);
  });

  it("rejects bad frequencies, amplitudes and harmonics, naming the parameter", () => {
    assert.throws(() => multiSine([]), /multiSine: frequencies must be a non-empty array/);
    assert.throws(() => multiSine([1, 0]), /frequencies\[1\] must be an integer >= 1, got 0/);
    assert.throws(() => multiSine([2, 2]), /frequencies must be distinct/);
    assert.throws(
      () => multiSine([1, 2], { amplitudes: [1] }),
      /multiSine: amplitudes must have 2 values \(one per frequency\), got 1/,
    );
    assert.throws(() => multiSine([1], { amplitudes: [NaN] }), /amplitudes\[0\] must be finite, got NaN/);
    assert.throws(() => multiSine([1], { period: 0 }), /period must be a finite number > 0/);
    assert.throws(() => squareWaveSeries(0), /squareWaveSeries: maxHarmonic must be an integer >= 1/);
  });
});

describe("fourierComponents", () => {
  it("recovers a trigonometric polynomial's coefficients exactly, with the phase referred to x = 0", () => {
    for (const n of [64, 50, 7]) {
      const x = periodicGrid(n);
      const f = (t: number) =>
        0.3 +
        1.5 * Math.sin(Math.PI * t) -
        0.7 * Math.cos(2 * Math.PI * t) +
        0.25 * Math.sin(3 * Math.PI * t + 0.4);
      const c = fourierComponents(Array.from(x, f));
      assert.equal(c.frequency.length, Math.floor(n / 2) + 1);
      close(c.cos[0], 0.3);
      close(c.sin[1], 1.5);
      close(c.cos[1], 0);
      close(c.cos[2], -0.7);
      close(c.sin[3], 0.25 * Math.cos(0.4));
      close(c.cos[3], 0.25 * Math.sin(0.4));
      close(c.amplitude[3], 0.25);
      for (let k = 4; k < c.frequency.length; k++) close(c.amplitude[k], 0, 1e-13);
    }
  });

  it("finds exactly the target's terms on the periodic grid and handles the Nyquist term", () => {
    const s = squareWaveSeries(11);
    const c = fourierComponents(s.at(periodicGrid(64)));
    for (let k = 0; k <= 32; k++) {
      const i = s.frequencies.indexOf(k);
      close(c.sin[k], i >= 0 ? s.amplitudes[i] : 0, 1e-13);
      close(c.cos[k], 0, 1e-13);
    }
    // cos(pi n x / 2) alternates on the grid: all of it is the Nyquist coefficient a_{n/2}.
    const n = 16;
    const nyq = fourierComponents(Array.from(periodicGrid(n), (t) => Math.cos((Math.PI * n * t) / 2)));
    close(nyq.cos[n / 2], 1);
    close(nyq.sin[n / 2], 0);
  });

  it("takes other periods and origins", () => {
    const x = periodicGrid(32, { from: 2, to: 7 });
    const c = fourierComponents(
      Array.from(x, (t) => Math.sin((2 * Math.PI * 3 * t) / 5)),
      { from: 2, period: 5 },
    );
    close(c.sin[3], 1);
    close(c.cos[3], 0);
  });

  it("rejects empty or non-finite samples and a bad period", () => {
    assert.throws(() => fourierComponents([]), /fourierComponents: values must be a non-empty list/);
    assert.throws(() => fourierComponents([1, NaN]), /values\[1\] must be finite, got NaN/);
    assert.throws(() => fourierComponents([1, 2], { period: -1 }), /period must be a finite number > 0/);
  });
});

describe("target names", () => {
  it("spell the series out", () => {
    assert.equal(multiSine([1, 2, 4]).name, "sin(πx) + sin(2πx) + sin(4πx)");
    assert.equal(multiSine([3], { amplitudes: [0.5], period: 5 }).name, "0.5 sin(2π·3x/5)");
    assert.equal(squareWaveSeries(9).name, "(4/π) Σ sin(kπx)/k over odd k ≤ 9");
  });
});
