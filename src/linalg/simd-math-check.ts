/**
 * The error of simd-math.ts's functions against Math.*, in ulps of Math's value, on points log-uniform
 * over every binade of each function's domain (both signs where the domain has them) and on the special
 * values: test/simd-math.test.ts checks 10^6 points, scripts/check-simd-math.ts 10^8.
 */
import { Rng } from "../random";
import { simdMath, type SimdMathFunction } from "./simd-math";

/**
 * Each function's domain [-max, max] (or [0, max]), its reference and its stated bound (ulps); atan2's
 * first argument y in [0, max], its second x in [-max, max].
 */
export const SIMD_MATH: Record<
  SimdMathFunction,
  {
    readonly max: number;
    readonly signed: boolean;
    readonly reference: (x: number, y: number) => number;
    readonly bound: number;
  }
> = {
  exp: { max: 708, signed: true, reference: Math.exp, bound: 2 },
  sinh: { max: 700, signed: true, reference: Math.sinh, bound: 3 },
  cosh: { max: 700, signed: true, reference: Math.cosh, bound: 3 },
  atan: { max: 1, signed: false, reference: Math.atan, bound: 2 },
  asin: { max: 1, signed: true, reference: Math.asin, bound: 3 },
  atan2: { max: 1e300, signed: false, reference: Math.atan2, bound: 2 },
};

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);

/** The gap from |x| to the next double up: one ulp of x (the smallest subnormal at 0). */
export function ulpOf(x: number): number {
  bits[0] = Math.abs(x);
  words[0] += 1n;
  return bits[0] - Math.abs(x);
}

/** The special values of a domain: 0, its ends, powers of two, and the switch points of the reductions. */
function specials(fn: SimdMathFunction): number[] {
  const { max, signed } = SIMD_MATH[fn];
  const values = [0, Number.MIN_VALUE, 2.2250738585072014e-308, 1e-300, 1e-16, max];
  for (let e = -1074; 2 ** e <= max; e += 1) values.push(2 ** e);
  const edges: Record<SimdMathFunction, number[]> = {
    exp: [Math.LN2 / 2, Math.LN2, 1, 700, 707.9],
    sinh: [1, 1 - 2 ** -53, 1 + 2 ** -52, 699.9],
    cosh: [1, 1 - 2 ** -53, 1 + 2 ** -52, 699.9],
    atan: [0.41421356237309503, 0.414213562373095, 0.4142135623730951, 1 - 2 ** -53],
    asin: [0.5, 0.5 - 2 ** -54, 0.5 + 2 ** -53, 1 - 2 ** -53, 0.9999999],
    atan2: [1, 0.41421356237309503, 2.414213562373095],
  };
  values.push(...edges[fn]);
  const within = values.filter((x) => x <= max);
  return signed ? [...within, ...within.map((x) => -x)] : within;
}

/** Points log-uniform in magnitude over [2^-1074, max] (every binade equally often), random signs if signed. */
function sample(fn: SimdMathFunction, count: number, random: () => number): Float64Array {
  const { max, signed } = SIMD_MATH[fn];
  return sampleIn(max, signed, count, random);
}

function sampleIn(max: number, signed: boolean, count: number, random: () => number): Float64Array {
  const lo = -1074;
  const hi = Math.log2(max);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const x = Math.min(max, 2 ** (lo + (hi - lo) * random()));
    out[k] = signed && random() < 0.5 ? -x : x;
  }
  return out;
}

/** The worst error of fn on these values, in ulps of Math's value, and where. */
export function worstUlps(
  fn: SimdMathFunction,
  values: Float64Array,
  second?: Float64Array,
): { ulps: number; at: number; second?: number } | null {
  const got = simdMath(fn, values, second);
  if (got === null) return null;
  const reference = SIMD_MATH[fn].reference;
  let ulps = 0;
  let at = NaN;
  let atSecond: number | undefined;
  for (let k = 0; k < values.length; k++) {
    const r = second ? reference(values[k], second[k]) : reference(values[k], NaN);
    const e = Math.abs(got[k] - r) / ulpOf(r);
    if (!(e <= ulps)) {
      ulps = e;
      at = values[k];
      atSecond = second?.[k];
    }
  }
  return second ? { ulps, at, second: atSecond } : { ulps, at };
}

/**
 * atan2's second arguments for these first ones: x log-uniform over every binade of [-max, max], signs at
 * random; a first argument of 0 gets x != 0 (atan2(0, 0) is outside the domain).
 */
function secondArguments(
  fn: SimdMathFunction,
  first: Float64Array,
  random: () => number,
): Float64Array | undefined {
  if (fn !== "atan2") return undefined;
  const signedSample = sampleIn(SIMD_MATH.atan2.max, true, first.length, random);
  return signedSample.map((x, k) => (first[k] === 0 && x === 0 ? 1 : x));
}

/** The worst error over the special values and `count` sampled points (in chunks of 10^6), seeded. */
export function checkSimdMath(
  fn: SimdMathFunction,
  count: number,
  seed: number,
  onChunk?: (done: number) => void,
): { ulps: number; at: number; second?: number } | null {
  const rng = new Rng(seed);
  const random = (): number => rng.uniform();
  const special = Float64Array.from(specials(fn));
  let worst = worstUlps(fn, special, secondArguments(fn, special, random));
  if (worst === null) return null;
  for (let done = 0; done < count;) {
    const size = Math.min(1e6, count - done);
    const first = sample(fn, size, random);
    const chunk = worstUlps(fn, first, secondArguments(fn, first, random));
    if (chunk && !(chunk.ulps <= worst.ulps)) worst = chunk;
    done += size;
    onChunk?.(done);
  }
  return worst;
}
