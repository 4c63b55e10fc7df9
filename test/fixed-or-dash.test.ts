import assert from "node:assert/strict";
import { test } from "node:test";
import { fixedOrDash } from "../src/index";

test("a missing value is a dash and a number has the given decimals, as the notebooks' old fmt wrote them", () => {
  const old = (v: number | null | undefined, digits = 2): string =>
    v === null || v === undefined ? "—" : v.toFixed(digits);
  for (const v of [null, undefined, -2.0449, -4.005, 0, 12.3456789, -1e-9]) {
    assert.equal(fixedOrDash(v), old(v));
    assert.equal(fixedOrDash(v, 3), old(v, 3));
  }
  assert.equal(fixedOrDash(-2.0449, 3), "-2.045");
  assert.equal(fixedOrDash(null), "—");
});

test("NaN, infinities and a bad digits are refused by name", () => {
  assert.throws(
    () => fixedOrDash(NaN),
    /fixedOrDash: value must be a finite number, null or undefined, got NaN/,
  );
  assert.throws(() => fixedOrDash(1, -1), /fixedOrDash: digits must be an integer in \[0, 100\], got -1/);
  assert.throws(() => fixedOrDash(1, 1.5), /fixedOrDash: digits must be an integer in \[0, 100\], got 1.5/);
});
