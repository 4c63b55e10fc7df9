/**
 * The SIMD elementary functions of the compiled kernels (src/linalg/simd-math.ts) against Math.*: within
 * their stated bounds in ulps on the special values and on 10^6 points log-uniform over every binade of
 * each domain (10^8 by scripts/check-simd-math.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkSimdMath, SIMD_MATH, ulpOf } from "../src/linalg/simd-math-check";
import { simdMath, type SimdMathFunction } from "../src/linalg/simd-math";

describe("the SIMD elementary functions", () => {
  for (const fn of Object.keys(SIMD_MATH) as SimdMathFunction[]) {
    const { bound, max, signed } = SIMD_MATH[fn];
    const domain =
      fn === "atan2"
        ? `y in [0, ${max}], x in [-${max}, ${max}]`
        : signed
          ? `[-${max}, ${max}]`
          : `[0, ${max}]`;
    it(`keep ${fn} within ${bound} ulp of Math.${fn} on 10^6 points over every binade of ${domain}`, () => {
      const worst = checkSimdMath(fn, 1e6, 7);
      assert.ok(worst, "WebAssembly SIMD is missing");
      assert.ok(worst.ulps <= bound, `${fn}: ${worst.ulps} ulp at ${worst.at}`);
    });
  }

  it("give exact values where Math's are exact: exp(0) = 1, atan(0) = 0, asin(+-1) = +-pi/2, sinh(-0) = asin(-0) = -0", () => {
    assert.deepEqual(Array.from(simdMath("exp", Float64Array.of(0, -0))!), [1, 1]);
    assert.ok(Object.is(simdMath("atan", Float64Array.of(0))![0], 0));
    assert.deepEqual(Array.from(simdMath("asin", Float64Array.of(1, -1))!), [Math.PI / 2, -Math.PI / 2]);
    assert.ok(Object.is(simdMath("sinh", Float64Array.of(-0))![0], -0));
    assert.ok(Object.is(simdMath("asin", Float64Array.of(-0))![0], -0));
    assert.equal(simdMath("cosh", Float64Array.of(0))![0], 1);
  });

  it("measure ulps as the gap to the next double, subnormals included", () => {
    assert.equal(ulpOf(1), 2 ** -52);
    assert.equal(ulpOf(1 - 2 ** -53), 2 ** -53);
    assert.equal(ulpOf(0), Number.MIN_VALUE);
    assert.equal(ulpOf(-3e-320), Number.MIN_VALUE);
  });
});
