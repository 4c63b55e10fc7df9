/**
 * The SIMD elementary functions (src/linalg/simd-math.ts) against Math.* on 10^8 points per function,
 * log-uniform over every binade of each domain, plus the special values; prints the worst error in ulps
 * beside each stated bound and exits non-zero past one. About 1 minute per function here.
 * Usage: tsx scripts/check-simd-math.ts [points per function, default 1e8] [seed, default 1]
 */
import { checkSimdMath, SIMD_MATH } from "../src/linalg/simd-math-check";
import type { SimdMathFunction } from "../src/linalg/simd-math";

const count = Number(process.argv[2] ?? 1e8);
const seed = Number(process.argv[3] ?? 1);
if (!(Number.isInteger(count) && count >= 1)) {
  throw new Error(`check-simd-math: points must be an integer >= 1, got ${process.argv[2]}`);
}
let failed = false;
for (const fn of Object.keys(SIMD_MATH) as SimdMathFunction[]) {
  const start = performance.now();
  let shown = 0;
  const worst = checkSimdMath(fn, count, seed, (done) => {
    if (performance.now() - start > shown + 5000) {
      shown = performance.now() - start;
      process.stderr.write(`${fn}: ${done.toExponential(1)} of ${count.toExponential(1)} points\n`);
    }
  });
  if (worst === null) throw new Error("check-simd-math: WebAssembly SIMD is missing");
  const { bound } = SIMD_MATH[fn];
  const ok = worst.ulps <= bound;
  failed ||= !ok;
  console.log(
    `${fn.padEnd(5)} worst ${worst.ulps} ulp at ${worst.at} (bound ${bound}) over ${count.toExponential(0)} points: ${ok ? "ok" : "PAST THE BOUND"} (${((performance.now() - start) / 1000).toFixed(0)} s)`,
  );
}
process.exitCode = failed ? 1 : 0;
