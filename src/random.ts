/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32.
 *
 * Written here rather than taken from a package because the lab needs the same stream on every machine
 * and every Node version: the state update is pure 32-bit integer arithmetic, so uniform draws are
 * bit-identical everywhere; normal draws add only Math.log / Math.sqrt / Math.cos, which V8 computes
 * with its own fdlibm port, independent of the platform's libm.
 */
import { checkInRange, checkInteger, describeValue } from "./validate";

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 53) {
      throw new Error(`Rng: seed must be an integer in [0, 2^53], got ${seed}`);
    }
    // splitmix32 expands the seed (low and high 32-bit halves) into four state words, never all zero.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32-bit unsigned integer of the stream. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [a, b) (a itself when a = b). */
  uniformIn(a: number, b: number): number {
    if (!(Number.isFinite(a) && Number.isFinite(b) && a <= b)) {
      throw new Error(`Rng.uniformIn: a and b must be finite numbers with a <= b, got a = ${a}, b = ${b}`);
    }
    return a + (b - a) * this.uniform();
  }

  /** Standard normal draw (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    // 1 - uniform() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const phi = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** An array of n standard normal draws, scaled by std. */
  normals(n: number, std = 1): Float64Array {
    checkInteger("Rng.normals", "n", n, 0);
    checkInRange("Rng.normals", "std", std, 0, Infinity, { loInclusive: true, hiInclusive: false });
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = std * this.normal();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Either a generator to draw from or a seed to start one; every random function in the lab takes this. */
export type RandomSource = { rng?: Rng; seed?: number };

/**
 * The generator a caller asked for: the one given, or a new one from the seed. Neither is an Error, named
 * for the caller `who`. A generator is recognized by its methods, so that one made before a notebook
 * reloads the lab (a new Rng class) still counts.
 */
export function rngFrom(source: RandomSource, who: string): Rng {
  if (typeof who !== "string" || who.length === 0) {
    throw new Error(`rngFrom: who must be the caller's name (a non-empty string), got ${describeValue(who)}`);
  }
  if (source === null || typeof source !== "object") {
    throw new Error(
      `${who}: options must be an object with a seed (an integer in [0, 2^53]) or rng (a generator, new Rng(seed)), got ${describeValue(source)}`,
    );
  }
  const { rng, seed } = source;
  if (rng !== undefined && rng !== null) {
    const methods = rng as unknown as Record<string, unknown>;
    if (typeof methods.uniform !== "function" || typeof methods.normal !== "function") {
      throw new Error(`${who}: rng must be a generator (new Rng(seed)), got ${describeValue(rng)}`);
    }
    return rng;
  }
  if (!(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 2 ** 53)) {
    throw new Error(
      `${who}: pass a seed (an integer in [0, 2^53]) or a generator (rng: new Rng(seed)); got seed = ${describeValue(seed)}`,
    );
  }
  return new Rng(seed as number);
}
