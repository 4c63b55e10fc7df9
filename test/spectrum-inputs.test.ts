/**
 * The spectrum module's exports against each class of bad input (not finite, not a list, empty, not an
 * options object, not symmetric or circulant, beyond the double range): an Error that names the function
 * the user called, the parameter, its value and what is allowed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";
import {
  aliasedEigenvalues,
  aliasedEigenvaluesWithTail,
  circulantFrequencySpectrum,
  circulantSpectrum,
  decaySlope,
  eigenvalues,
  eigh,
  expectedDecay,
  frequencySpectrum,
  localExponent,
  mercerRanks,
  precisionRank,
  rankByFrequency,
  rankedDecaySlope,
  slopeRows,
} from "../src/spectrum";

const coefficients = Array.from({ length: 12 }, (_, j) => 1 / (1 + j) ** 2);
const descending = Array.from({ length: 120 }, (_, i) => 1 / (1 + i) ** 2);
const spectrum = () => frequencySpectrum((u) => Math.exp(u), { maxFrequency: 10 });
const ranked = () => rankByFrequency(Array.from({ length: 120 }, (_, j) => 1 / (j + 1) ** 2));
const label = { kernel: "k", inputs: "circle", n: 10, theory: -2 };
const fit = () => decaySlope(descending, { from: 2, to: 8 });

/** [call, exact message] rows; each message must come out whole, from the start. */
function assertMessages(rows: ReadonlyArray<readonly [() => unknown, string]>): void {
  for (const [call, message] of rows) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(error.message, message);
      return true;
    });
  }
}

describe("lists of numbers", () => {
  test("a NaN, Infinity or non-number entry is named by its index", () => {
    assertMessages([
      [
        () => aliasedEigenvalues([1, NaN, 2], 8),
        "aliasedEigenvalues: coefficient[1] must be finite, got NaN",
      ],
      [
        () => aliasedEigenvaluesWithTail([...coefficients.slice(0, 11), Infinity], 8, { exponent: 2 }),
        "aliasedEigenvaluesWithTail: coefficient[11] must be finite, got Infinity",
      ],
      [() => precisionRank([1, -Infinity]), "precisionRank: eigenvalues[1] must be finite, got -Infinity"],
      [
        () => decaySlope(["1", 0.5] as never, { from: 1, to: 2 }),
        'decaySlope: eigenvalues[0] must be a finite number, got "1"',
      ],
      [() => rankByFrequency([1, NaN]), "rankByFrequency: value[1] must be finite, got NaN"],
    ]);
  });

  test("something other than a list is refused, not read as an empty one", () => {
    assertMessages([
      [
        () => aliasedEigenvalues(3 as never, 8),
        "aliasedEigenvalues: coefficient must be an array of numbers, got 3",
      ],
      [() => decaySlope(null as never), "decaySlope: eigenvalues must be an array of numbers, got null"],
      [() => rankByFrequency(5 as never), "rankByFrequency: value must be an array of numbers, got 5"],
      [
        () => precisionRank("abc" as never),
        'precisionRank: eigenvalues must be an array of numbers, got "abc"',
      ],
      [
        () => aliasedEigenvaluesWithTail({ length: 12 } as never, 8, { exponent: 2 }),
        "aliasedEigenvaluesWithTail: coefficient must be an array of numbers, got an object",
      ],
    ]);
  });

  test("typed arrays are lists too", () => {
    assert.deepEqual(aliasedEigenvalues(Float64Array.of(1, 0.5), 4), aliasedEigenvalues([1, 0.5], 4));
    assert.equal(precisionRank(Float64Array.of(1, 1e-20)), 2);
  });

  test("aliased eigenvalues beyond the largest double are an Error", () => {
    assertMessages([
      [
        () => aliasedEigenvalues([1e308, 1e308], 8),
        "aliasedEigenvalues: lambda_0 (n times the sum of its aliased coefficients) exceeds the largest " +
          "double (n = 8); scale coefficient down",
      ],
    ]);
  });
});

describe("options", () => {
  test("an options argument that is not an object is refused", () => {
    const K = Matrix.eye(3);
    assertMessages([
      [() => eigenvalues(K, 7 as never), "eigenvalues: options must be an object, got 7"],
      [() => eigh(K, 2 as never), "eigh: options must be an object, got 2"],
      [() => decaySlope(descending, true as never), "decaySlope: options must be an object, got true"],
      [() => frequencySpectrum(Math.exp, 3 as never), "frequencySpectrum: options must be an object, got 3"],
      [() => circulantSpectrum(K, 5 as never), "circulantSpectrum: options must be an object, got 5"],
      [
        () => circulantFrequencySpectrum(K, "x" as never),
        'circulantFrequencySpectrum: options must be an object, got "x"',
      ],
      [() => rankByFrequency([1], 5 as never), "rankByFrequency: options must be an object, got 5"],
      [() => mercerRanks(spectrum(), 5 as never), "mercerRanks: options must be an object, got 5"],
      [() => localExponent(spectrum(), 1, 3, 5 as never), "localExponent: options must be an object, got 5"],
      [() => rankedDecaySlope(ranked(), 5 as never), "rankedDecaySlope: options must be an object, got 5"],
      [() => slopeRows(label, [fit()], 5 as never), "slopeRows: options must be an object, got 5"],
      [
        () => expectedDecay({ family: "laplace" }, 5 as never),
        "expectedDecay: options must be an object, got 5",
      ],
    ]);
  });

  test("null options are the defaults, as everywhere in the lab", () => {
    const K = Matrix.eye(3);
    const same = (f: (options: null | undefined) => unknown): void => assert.deepEqual(f(null), f(undefined));
    same((o) => eigenvalues(K, o));
    same((o) => eigh(K, o));
    same((o) => decaySlope(descending, o));
    same((o) => frequencySpectrum(Math.exp, o));
    same((o) => circulantSpectrum(K, o));
    same((o) => circulantFrequencySpectrum(K, o));
    same((o) => rankByFrequency([1, 0.5], o));
    same((o) => mercerRanks(spectrum(), o));
    same((o) => localExponent(spectrum(), 1, 3, o));
    same((o) => rankedDecaySlope(ranked(), o));
    same((o) => slopeRows(label, [fit()], o));
    same((o) => expectedDecay({ family: "laplace" }, o));
  });

  test("localExponent's relativeError must lie in (0, 1)", () => {
    const spectrum = frequencySpectrum((u) => Math.exp(u), { maxFrequency: 10 });
    for (const bad of [NaN, 0, 1, -0.5]) {
      assertMessages([
        [
          () => localExponent(spectrum, 1, 3, { relativeError: bad }),
          `localExponent: relativeError must be a number in (0, 1), got ${bad}`,
        ],
      ]);
    }
  });
});

describe("circulant spectra", () => {
  test("circulantFrequencySpectrum's errors name it, not the function it calls", () => {
    assertMessages([
      [
        () => circulantFrequencySpectrum(Matrix.eye(3), { tolerance: -1 }),
        "circulantFrequencySpectrum: tolerance must be a finite number >= 0, got -1",
      ],
      [
        () =>
          circulantFrequencySpectrum(
            new Matrix([
              [1, 2],
              [3, 1],
            ]),
          ),
        "circulantFrequencySpectrum: K must be symmetric; largest asymmetry |K[1][0] - K[0][1]| = 1 " +
          "(3 vs 2), allowed <= 1e-10 * max|K| = 3e-10",
      ],
      [
        () => circulantFrequencySpectrum(new Matrix(4, 4).fill(1e308)),
        "circulantFrequencySpectrum: an eigenvalue of K exceeds the largest double (about 1.8e308; " +
          "max|K| = 1e+308 with n = 4); scale K down",
      ],
    ]);
  });

  test("huge and tiny circulant matrices give the scaled spectrum", () => {
    for (const c of [1e300, 1e-300]) {
      const { eigenvalue } = circulantFrequencySpectrum(new Matrix(6, 6).fill(c));
      assert.ok(Math.abs(eigenvalue[0] - 6 * c) <= 1e-14 * 6 * c, `c=${c}`);
      for (let j = 1; j < eigenvalue.length; j++) assert.ok(Math.abs(eigenvalue[j]) <= 1e-14 * 6 * c);
    }
  });
});
