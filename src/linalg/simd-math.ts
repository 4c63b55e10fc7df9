/**
 * Elementary functions two doubles at a time in WebAssembly SIMD (f64x2), emitted as code for the kernels'
 * layer passes (kernels/ntk-simd.ts), and a small module of array versions to test them against Math.*.
 *
 * Why our own: the layer passes spend most of their time in atan2, exp and asin, which V8 computes one
 * double per call (fdlibm); here every step of the reduction and the polynomial runs on both lanes, with
 * no call and no branch (both branches computed, one selected). Separate multiplies and adds (no fused
 * multiply-add: Node 20 has no relaxed SIMD by default).
 *
 * Each function, its domain and its error bound, checked against Math.* in test/simd-math.test.ts (10^6
 * points log-uniform over every binade of the domain, and the special values) and on 10^8 points by
 * scripts/check-simd-math.ts:
 *   exp(x),  |x| <= 708:          <= 2 ulp of Math.exp
 *   sinh(x), cosh(x), |x| <= 700: <= 3 ulp of Math.sinh, Math.cosh
 *   atan(t), 0 <= t <= 1:         <= 2 ulp of Math.atan
 *   asin(x), |x| <= 1:            <= 3 ulp of Math.asin
 *   atan2(y, x), 0 <= y, |x| <= 1e300 (not both 0): <= 2 ulp of Math.atan2
 * (the worst measured on 10^8 points: 1, 2, 2, 2, 2, 2 ulp). The polynomials: Taylor series for exp and
 * sinh (their coefficients 1/k! in double), and for atan and asin Chebyshev interpolants computed by
 * scripts/fit-simd-polynomials.py (mpmath at 50 digits), all evaluated by Estrin's scheme (estrin).
 */
import {
  F64,
  get,
  I32,
  i32,
  moduleBytes,
  set,
  simd,
  uleb,
  V128,
  vec,
  type WasmFunction,
} from "./wasm-encoding";
import { wasmApi } from "./wasm-api";

/** Instructions leaving one value on the stack (an expression) or none (a statement). */
export type Code = number[];

/** A function under construction: its parameters, and its locals as they are asked for. */
export class FunctionBuilder {
  private readonly types: number[] = [];
  constructor(readonly params: readonly number[]) {}
  private local(type: number): number {
    return this.params.length + this.types.push(type) - 1;
  }
  /** A new v128 local. */
  v(): number {
    return this.local(V128);
  }
  /** A new i32 local. */
  i(): number {
    return this.local(I32);
  }
  /** A new f64 local. */
  f(): number {
    return this.local(F64);
  }
  /** The locals' declaration: runs of one type. */
  declaration(): Code {
    const runs: number[][] = [];
    for (const t of this.types) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    return vec(runs.map(([count, type]) => [...uleb(count), type]));
  }
}

const op =
  (code: number) =>
  (...args: Code[]): Code => [...args.flat(), ...simd(code)];

/** f64x2 expressions; x(l) reads local l. */
export const v = {
  x: (l: number): Code => get(l),
  /** Both lanes c. */
  c: (c: number): Code => {
    const bytes = new Uint8Array(Float64Array.of(c, c).buffer);
    return [...simd(0x0c), ...bytes];
  },
  add: op(0xf0),
  sub: op(0xf1),
  mul: op(0xf2),
  div: op(0xf3),
  min: op(0xf4),
  max: op(0xf5),
  sqrt: op(0xef),
  abs: op(0xec),
  neg: op(0xed),
  nearest: op(0x94),
  lt: op(0x49),
  le: op(0x4b),
  gt: op(0x4a),
  ge: op(0x4c),
  /** An i32: non-zero when any bit of the v128 is set (a comparison's mask true in some lane). */
  anyTrue: op(0x53),
  and: op(0x4e),
  or: op(0x50),
  /** mask ? a : b lane by lane (mask from a comparison: all ones or all zeros). */
  sel: (mask: Code, a: Code, b: Code): Code => [...a, ...b, ...mask, ...simd(0x52)],
};

/**
 * c[0] s^(k-1) + ... + c[k-1] (coefficients highest degree first) by Estrin's scheme: pairs a + b s, then
 * pairs of those times s^2, s^4, ...: the same number of operations as Horner's rule, but a dependency chain
 * of log2(k) multiply-adds instead of k, so that the core overlaps them (Horner's chain of 13 was most of
 * asin's time). `powers` computes s^2, s^4, ... into new locals and must run before `value`.
 */
export function estrin(b: FunctionBuilder, s: number, c: readonly number[]): { powers: Code; value: Code } {
  let terms: Code[] = [...c].reverse().map((x) => v.c(x));
  let power = s;
  const powers: Code = [];
  while (terms.length > 1) {
    const next: Code[] = [];
    for (let i = 0; i < terms.length; i += 2) {
      next.push(i + 1 < terms.length ? v.add(terms[i], v.mul(terms[i + 1], v.x(power))) : terms[i]);
    }
    terms = next;
    if (terms.length > 1) {
      const square = b.v();
      powers.push(...put(square, v.mul(v.x(power), v.x(power))));
      power = square;
    }
  }
  return { powers, value: terms[0] };
}

/** local = expression. */
export const put = (local: number, value: Code): Code => [...value, ...set(local)];

/** Loads and stores of f64x2 at the address on the stack (offset in bytes). */
export const mem = {
  load: (address: Code, offset = 0): Code => [...address, ...simd(0x00, 3, ...uleb(offset))],
  /** One double loaded into both lanes. */
  splat: (address: Code, offset = 0): Code => [...address, ...simd(0x0a, 3, ...uleb(offset))],
  store: (address: Code, value: Code, offset = 0): Code => [
    ...address,
    ...value,
    ...simd(0x0b, 3, ...uleb(offset)),
  ],
  /** Lane 0 of value stored as one double. */
  storeLow: (address: Code, value: Code, offset = 0): Code => [
    ...address,
    ...value,
    ...simd(0x5b, 3, ...uleb(offset), 0),
  ],
};

// ln 2 = LN2_HI + LN2_LO, LN2_HI with 32 significant bits so that k LN2_HI is exact for |k| < 2^21.
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const LOG2E = 1.4426950408889634;
/** pi/4 and pi/2 rounded, and what rounding left off. */
const PIO4_HI = 0.7853981633974483;
const PIO4_LO = 3.061616997868383e-17;
const PIO2_HI = 1.5707963267948966;
const PIO2_LO = 6.123233995736766e-17;
const TAN_PI_8 = 0.41421356237309503;
const PI_HI = 3.141592653589793;
const PI_LO = 1.2246467991473532e-16;

/** 1/k! for k = from .. to, highest k first (a Taylor polynomial's coefficients for Horner). */
function inverseFactorials(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let k = from; k <= to; k += step) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    out.push(1 / f);
  }
  return out.reverse();
}

/** exp(r) - 1 - r - r^2/2 = r^3 (1/3! + r/4! + ... + r^10/13!): the terms past r^13 are below 4e-18 at |r| = ln2/2. */
const EXP_TAIL = inverseFactorials(3, 13);
/** sinh(x) = x + x s (1/3! + s/5! + ... + s^8/19!), s = x^2 <= 1: the next term is below 1e-19 x. */
const SINH_TAIL = inverseFactorials(3, 19, 2);
/** (atan(u)/u - 1)/s and (asin(x)/x - 1)/s as polynomials in s = u^2 (scripts/fit-simd-polynomials.py). */
const ATAN_TAIL = [
  0.016285756855221028, -0.034570561981427744, 0.04551593220626549, -0.05230454270650244, 0.05878928997834775,
  -0.06666424885738255, 0.07692296375032143, -0.09090908753500877, 0.11111111105155447, -0.14285714285659828,
  0.19999999999999804, -0.3333333333333333,
];
const ASIN_TAIL = [
  0.028757851367421566, -0.014851887071247204, 0.01740087944269402, 0.005457506718640358, 0.01032281435018578,
  0.011479177415184906, 0.013971212973552933, 0.017352392720869973, 0.02237217294214989, 0.030381944138531247,
  0.04464285714635543, 0.07499999999998433, 0.16666666666666669,
];

/** Code computing a function of local x into a new local `out`. */
export interface Emitted {
  readonly code: Code;
  readonly out: number;
}

/**
 * exp(x), |x| <= 708: x = k ln 2 + r with k = round(x / ln 2), |r| <= ln2/2 (Cody and Waite's two-part
 * ln 2), exp(r) = 1 + (r + r^2 (1/2 + r P(r))), times 2^k built in the exponent bits.
 */
export function emitExp(b: FunctionBuilder, x: number): Emitted {
  const [k, r, out] = [b.v(), b.v(), b.v()];
  const twoToK: Code = [
    ...get(k),
    ...simd(0xfc), // i32x4.trunc_sat_f64x2_s_zero: k in the low two i32 lanes (k is an integer)
    ...simd(0xc7), // i64x2.extend_low_i32x4_s
    ...simd(0x0c),
    ...new Uint8Array(BigInt64Array.of(1023n, 1023n).buffer),
    ...simd(0xce), // i64x2.add: the biased exponent
    ...i32(52),
    ...simd(0xcb), // i64x2.shl: into the exponent field, a zero fraction: 2^k
  ];
  const tail = estrin(b, r, EXP_TAIL);
  const code = [
    ...put(k, v.nearest(v.mul(v.x(x), v.c(LOG2E)))),
    ...put(r, v.sub(v.sub(v.x(x), v.mul(v.x(k), v.c(LN2_HI))), v.mul(v.x(k), v.c(LN2_LO)))),
    ...tail.powers,
    ...put(
      out,
      v.mul(
        v.add(
          v.c(1),
          v.add(v.x(r), v.mul(v.mul(v.x(r), v.x(r)), v.add(v.c(0.5), v.mul(v.x(r), tail.value)))),
        ),
        twoToK,
      ),
    ),
  ];
  return { code, out };
}

/**
 * sinh(x) and cosh(x), |x| <= 700: for |x| < 1 sinh by its Taylor series (the difference of exponentials
 * would cancel there) and cosh = sqrt(1 + sinh^2) (a sum of positive terms, and one sqrt is cheaper than a
 * second series); past it (E -+ 1/E)/2 from E = exp(|x|), computed only when a lane needs it (kernels of
 * unit-variance inputs keep |x| <= 1: no exp at all).
 */
export function emitSinhCosh(b: FunctionBuilder, x: number): { code: Code; sinh: number; cosh: number } {
  const [ax, s, big, inv, sinh, cosh] = Array.from({ length: 6 }, () => b.v());
  const e = emitExp(b, ax);
  const half = (sign: "add" | "sub"): Code => v.mul(v.c(0.5), v[sign](v.x(e.out), v.x(inv)));
  const tail = estrin(b, s, SINH_TAIL);
  const code = [
    ...put(ax, v.abs(v.x(x))),
    ...put(s, v.mul(v.x(x), v.x(x))),
    ...tail.powers,
    ...put(sinh, v.add(v.x(x), v.mul(v.mul(v.x(x), v.x(s)), tail.value))),
    ...put(cosh, v.sqrt(v.add(v.c(1), v.mul(v.x(sinh), v.x(sinh))))),
    ...put(big, v.ge(v.x(ax), v.c(1))),
    ...ctl.when(v.anyTrue(v.x(big)), [
      ...e.code,
      ...put(inv, v.div(v.c(1), v.x(e.out))),
      ...put(cosh, v.sel(v.x(big), half("add"), v.x(cosh))),
      // sinh is odd: x's sign bit on (E - 1/E)/2 > 0.
      ...put(sinh, v.sel(v.x(big), v.or(v.and(v.x(x), v.c(-0)), half("sub")), v.x(sinh))),
    ]),
  ];
  return { code, sinh, cosh };
}

/**
 * atan(t) for 0 <= t <= 1: t past tan(pi/8) is reduced by atan t = pi/4 + atan((t - 1)/(t + 1)), then
 * atan(u) = u + u s P(s), s = u^2 <= tan^2(pi/8).
 */
export function emitAtan01(b: FunctionBuilder, t: number): Emitted {
  const [big, u, s, a, out] = [b.v(), b.v(), b.v(), b.v(), b.v()];
  const tail = estrin(b, s, ATAN_TAIL);
  const code = [
    ...put(big, v.gt(v.x(t), v.c(TAN_PI_8))),
    ...put(u, v.sel(v.x(big), v.div(v.sub(v.x(t), v.c(1)), v.add(v.x(t), v.c(1))), v.x(t))),
    ...put(s, v.mul(v.x(u), v.x(u))),
    ...tail.powers,
    ...put(a, v.add(v.x(u), v.mul(v.mul(v.x(u), v.x(s)), tail.value))),
    ...put(out, v.sel(v.x(big), v.add(v.c(PIO4_HI), v.add(v.x(a), v.c(PIO4_LO))), v.x(a))),
  ];
  return { code, out };
}

/**
 * atan2(y, x) for y >= 0 and any x (not both 0): atan of the smaller of |x|, y over the larger, then
 * pi/2 - a when y > |x| and pi - a when x < 0 (each constant in two parts).
 */
export function emitAtan2(b: FunctionBuilder, y: number, x: number): Emitted {
  const [ax, steep, t, r, out] = Array.from({ length: 5 }, () => b.v());
  const atan = emitAtan01(b, t);
  const code = [
    ...put(ax, v.abs(v.x(x))),
    ...put(steep, v.gt(v.x(y), v.x(ax))),
    ...put(t, v.div(v.sel(v.x(steep), v.x(ax), v.x(y)), v.sel(v.x(steep), v.x(y), v.x(ax)))),
    ...atan.code,
    ...put(r, v.sel(v.x(steep), v.add(v.sub(v.c(PIO2_HI), v.x(atan.out)), v.c(PIO2_LO)), v.x(atan.out))),
    ...put(out, v.sel(v.lt(v.x(x), v.c(0)), v.add(v.sub(v.c(PI_HI), v.x(r)), v.c(PI_LO)), v.x(r))),
  ];
  return { code, out };
}

/**
 * asin(x) for |x| <= 1: x + x s P(s) for |x| <= 1/2; past it asin |x| = pi/2 - 2 asin(sqrt(z)),
 * z = (1 - |x|)/2 (exact), with the same polynomial at sqrt(z) <= 1/2; the sign of x restored.
 */
export function emitAsin(b: FunctionBuilder, x: number): Emitted {
  const [ax, near, z, u, s, q, far, out] = Array.from({ length: 8 }, () => b.v());
  const tail = estrin(b, s, ASIN_TAIL);
  // One polynomial for both ranges: at u = |x| (s = x^2) near 0, at u = sqrt(z) (s = z) past 1/2.
  const code = [
    ...put(ax, v.abs(v.x(x))),
    ...put(near, v.le(v.x(ax), v.c(0.5))),
    ...put(z, v.mul(v.sub(v.c(1), v.x(ax)), v.c(0.5))),
    ...put(u, v.sel(v.x(near), v.x(ax), v.sqrt(v.x(z)))),
    ...put(s, v.sel(v.x(near), v.mul(v.x(ax), v.x(ax)), v.x(z))),
    ...tail.powers,
    ...put(q, v.add(v.x(u), v.mul(v.mul(v.x(u), v.x(s)), tail.value))),
    ...put(far, v.sub(v.c(PIO2_HI), v.sub(v.add(v.x(q), v.x(q)), v.c(PIO2_LO)))),
    // asin is odd: x's sign bit (the bits of -0 are the sign alone) on |asin x|, so asin(-0) = -0.
    ...put(out, v.or(v.and(v.x(x), v.c(-0)), v.sel(v.x(near), v.x(q), v.x(far)))),
  ];
  return { code, out };
}

// Structured control: block/loop/if with no result, and branches.
export const ctl = {
  /** while (!exit) { body }: exit is code leaving an i32 (non-zero: stop). */
  loop: (exit: Code, body: Code): Code => [
    0x02,
    0x40,
    0x03,
    0x40,
    ...exit,
    0x0d,
    1,
    ...body,
    0x0c,
    0,
    0x0b,
    0x0b,
  ],
  when: (condition: Code, body: Code): Code => [...condition, 0x04, 0x40, ...body, 0x0b],
  choose: (condition: Code, then: Code, otherwise: Code): Code => [
    ...condition,
    0x04,
    0x40,
    ...then,
    0x05,
    ...otherwise,
    0x0b,
  ],
};

/** i32 helpers: local reads, constants and arithmetic. */
export const n = {
  x: (l: number): Code => get(l),
  c: (c: number): Code => i32(c),
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  shl: (a: Code, bits: number): Code => [...a, ...i32(bits), 0x74],
  shr: (a: Code, bits: number): Code => [...a, ...i32(bits), 0x76],
  ge: (a: Code, b: Code): Code => [...a, ...b, 0x4e],
  lt: (a: Code, b: Code): Code => [...a, ...b, 0x48],
  load: (address: Code, offset = 0): Code => [...address, 0x28, 2, ...uleb(offset)],
};

/** The array versions of the functions above, for tests: name(src, dst, count) over doubles. */
const TESTED = ["exp", "sinh", "cosh", "atan", "asin", "atan2"] as const;
export type SimdMathFunction = (typeof TESTED)[number];

function arrayFunction(fn: SimdMathFunction): WasmFunction {
  const params = [I32, I32, I32];
  const b = new FunctionBuilder(params);
  const [src, dst, count] = [0, 1, 2];
  const [e, x, x2] = [b.i(), b.v(), b.v()];
  let emitted: Emitted;
  if (fn === "exp") emitted = emitExp(b, x);
  else if (fn === "atan") emitted = emitAtan01(b, x);
  else if (fn === "asin") emitted = emitAsin(b, x);
  else if (fn === "atan2") emitted = emitAtan2(b, x, x2);
  else {
    const both = emitSinhCosh(b, x);
    emitted = { code: both.code, out: fn === "sinh" ? both.sinh : both.cosh };
  }
  const address = (base: number): Code => n.add(n.x(base), n.shl(n.x(e), 3));
  const body = [
    ...n.c(0),
    ...set(e),
    ...ctl.loop(n.ge(n.x(e), n.x(count)), [
      ...put(x, mem.load(address(src))),
      // atan2's second argument: the array after the first (count elements, 16-byte aligned).
      ...(fn === "atan2"
        ? put(x2, mem.load(n.add(address(src), n.shl(n.shl(n.shr(n.add(n.x(count), n.c(1)), 1), 1), 3))))
        : []),
      ...emitted.code,
      ...mem.store(address(dst), v.x(emitted.out)),
      ...n.add(n.x(e), n.c(2)),
      ...set(e),
    ]),
  ];
  return { name: fn, params, locals: b.declaration(), code: body };
}

/** The compiled module of the array versions, once per evaluation of this file; null without WebAssembly SIMD. */
let testedModule: object | null | undefined;
/**
 * Its instance on the largest memory asked for so far, reused by the next call that fits: the compiled
 * kernels call simdMath for every erf layer's per-point angles, and a memory per call would reserve
 * address space faster than the garbage collector frees it (ntk-simd.ts's scratch memory, the same reason).
 */
let tested: {
  exports: Record<SimdMathFunction, (src: number, dst: number, count: number) => void>;
  view: Float64Array;
} | null = null;

/**
 * fn over values (each in its domain, see the file comment), computed two at a time in WebAssembly SIMD,
 * for tests and checks; atan2 takes y in values and x in second. Null where WebAssembly SIMD is missing.
 */
export function simdMath(
  fn: SimdMathFunction,
  values: Float64Array,
  second?: Float64Array,
): Float64Array | null {
  if (wasmApi === null) return null;
  if ((fn === "atan2") !== (second !== undefined) || (second && second.length !== values.length)) {
    throw new Error(`simdMath: ${fn} takes ${fn === "atan2" ? "two arrays of one length" : "one array"}`);
  }
  if (testedModule === undefined) {
    const bytes = moduleBytes(TESTED.map(arrayFunction), { shared: false, maxPages: 0 });
    testedModule = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  if (testedModule === null) return null;
  const half = 16 * Math.ceil(values.length / 2);
  if (tested === null || tested.view.byteLength < 3 * half) {
    const memory = new wasmApi.Memory({ initial: Math.ceil((3 * half) / 65536) + 1 });
    const instance = new wasmApi.Instance(testedModule, { env: { memory } });
    tested = {
      exports: instance.exports as NonNullable<typeof tested>["exports"],
      view: new Float64Array(memory.buffer),
    };
  }
  const { exports, view } = tested;
  view.set(values);
  if (second) view.set(second, half / 8);
  const out = 2 * half;
  exports[fn](0, out, values.length);
  return view.slice(out / 8, out / 8 + values.length);
}
