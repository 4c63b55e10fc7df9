/**
 * The trainer's elementwise passes in WebAssembly SIMD, on arrays kept in a PassArena (a WebAssembly memory
 * of their own): the bias and activation of a forward pass, the activation's derivative of a backward one,
 * the bias gradients (column sums), the gradient-descent and Adam updates, and gemm's small products (the
 * outer products and matrix-vector products of a network's input and output layers).
 *
 * Why: in plain JS these passes were a quarter of a training step of a 1-500-500-1 MLP on 200 points
 * (3.5 of 14.5 ms, one thread; now 0.6), and the ReLU ones were branch-bound: `z > 0 ? z : 0` over
 * pre-activations whose signs look random to the branch predictor ran at 5 ns per element against 1 ns
 * for sorted ones.
 * Here ReLU is a compare mask and a bitwise and (branch-free), two doubles per instruction.
 *
 * Same numbers as the JS loops, bit for bit: every pass performs the JS loop's IEEE operations in the
 * same order, in double precision, with separate multiplies and adds (no fused multiply-add); arrays of
 * floats are widened to doubles when loaded and rounded once when stored, as a Float32Array store
 * rounds, and a value stored and then read again by the loop is read back from memory.
 * (v128.and with the mask of z > 0 is z where z > 0 and +0 elsewhere, NaN included, as the ternary.)
 *
 * The passes run only where every array they touch lies in one arena (Float64Array or Float32Array views
 * created by it) and the activation has a vector form (relu and identity); otherwise they return false and
 * the caller runs its JS loop. An arena is plain (not shared) memory of a fixed size that is never grown,
 * so its views stay valid; it is garbage like any array once unreferenced, except one released arena of at
 * most 64 MiB kept for the next caller. No threads.
 */
import { checkInteger } from "../validate";
import { wasmApi } from "./wasm-api";
import { F64, get, i32, I32, moduleBytes, set, simd, uleb, V128, vec } from "./wasm-encoding";

type Floats = Float64Array | Float32Array;

/** The activations with a vector form: ReLU (max(0, z), derivative [z > 0]) and the identity. */
export type VectorForm = "relu" | "identity";

// Instructions (https://webassembly.github.io/spec/core/binary/instructions.html).
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const SELECT = 0x1b;
const I32_LT_S = 0x48;
const I32_GE_S = 0x4e;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const F64_GT = 0x64;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;
const F64_DIV = 0xa3;
const F64_SQRT = 0x9f;
const f64Const = (x: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
const V_SPLAT = simd(0x14);
const V_GT = simd(0x4a);
const V_AND = simd(0x4e);
const V_SQRT = simd(0xef);
const V_ADD = simd(0xf0);
const V_SUB = simd(0xf1);
const V_MUL = simd(0xf2);
const V_DIV = simd(0xf3);

type Element = "f64" | "f32";
const SHIFT: Record<Element, number> = { f64: 3, f32: 2 };

/**
 * Loads and stores of one element type as doubles: two elements as an f64x2 (floats: 8 bytes loaded into
 * the low lanes and widened; stored narrowed, the low 8 bytes only) and one as an f64.
 */
const access = (el: Element) =>
  el === "f64"
    ? {
        vload: simd(0x00, 3, 0),
        vstore: simd(0x0b, 3, 0),
        load: [0x2b, 3, 0],
        store: [0x39, 3, 0],
      }
    : {
        vload: [...simd(0x5d, 2, 0), ...simd(0x5f)],
        vstore: [...simd(0x5e), ...simd(0x5b, 2, 0, 0)],
        load: [0x2a, 2, 0, 0xbb],
        store: [0xb6, 0x38, 2, 0],
      };

/** Byte address base + (index << shift): local base and local index. */
const at = (el: Element, base: number, index: number): number[] => [
  ...get(base),
  ...get(index),
  ...i32(SHIFT[el]),
  I32_SHL,
  I32_ADD,
];

/** for (index = 0; !exit; index += step) body, where `exit` is code leaving an i32 (non-zero: stop). */
function loop(index: number, exit: number[], step: number, body: number[]): number[] {
  return [
    ...i32(0),
    ...set(index),
    ...BLOCK,
    ...LOOP,
    ...exit,
    BR_IF,
    1,
    ...body,
    ...get(index),
    ...i32(step),
    I32_ADD,
    ...set(index),
    BR,
    0,
    END,
    END,
  ];
}

/** for (index = 0; index < count; index++) body. */
const upTo = (index: number, count: number, body: number[]): number[] =>
  loop(index, [...get(index), ...get(count), I32_GE_S], 1, body);

/**
 * for (index = 0; index + 1 < count; index += 2) pair; then if (index < count) single: two elements at a
 * time and the odd one left over.
 */
const pairsThenOne = (index: number, count: number, pair: number[], single: number[]): number[] => [
  ...loop(index, [...get(index), ...i32(1), I32_ADD, ...get(count), I32_GE_S], 2, pair),
  ...get(index),
  ...get(count),
  I32_LT_S,
  ...IF,
  ...single,
  END,
];

/** A function: its type index, its locals ([count, type] runs) and its code. */
interface Func {
  readonly name: string;
  readonly params: number[];
  readonly locals: [number, number][];
  readonly code: number[];
}

/**
 * The instructions of a pass's body on two elements (vector: f64x2) or one (f64): loads and stores of the
 * element type, arithmetic, relu of the value on the stack (z > 0 ? z : 0: a compare mask and a bitwise and,
 * or a select; `spare` is a local of the body's kind to hold z), and a local's value splatted or not
 * (`scalar` the f64 local, `vector` its splat).
 */
function ops(el: Element, vector: boolean) {
  const { vload, vstore, load, store } = access(el);
  return vector
    ? {
        ld: vload,
        st: vstore,
        add: V_ADD,
        sub: V_SUB,
        mul: V_MUL,
        div: V_DIV,
        sqrt: V_SQRT,
        relu: (spare: number, zero: number): number[] => [
          ...set(spare),
          ...get(spare),
          ...get(spare),
          ...get(zero),
          ...V_GT,
          ...V_AND,
        ],
        value: (scalar: number, splatted: number): number[] => get(splatted),
      }
    : {
        ld: load,
        st: store,
        add: [F64_ADD],
        sub: [F64_SUB],
        mul: [F64_MUL],
        div: [F64_DIV],
        sqrt: [F64_SQRT],
        relu: (spare: number): number[] => [
          ...set(spare),
          ...get(spare),
          ...f64Const(0),
          ...get(spare),
          ...f64Const(0),
          F64_GT,
          SELECT,
        ],
        value: (scalar: number): number[] => get(scalar),
      };
}

/**
 * act(h, b, g, n, w, bs, scale): for each of n rows of w: (with bias) h += bs b, then g = scale s(h) of the
 * stored h; s = relu or the identity. Network's batchTraceOf loop.
 */
function activationPass(el: Element, form: VectorForm, bias: boolean): Func {
  const [h, b, g, n, w, bs, scale] = [0, 1, 2, 3, 4, 5, 6];
  const [row, j, hRow, gRow] = [7, 8, 9, 10];
  const [bsv, sv, zero, tv] = [11, 12, 13, 14];
  const ts = 15;
  const body = (vector: boolean): number[] => {
    const { ld, st, add, mul, relu, value } = ops(el, vector);
    return [
      ...(bias
        ? [
            ...at(el, hRow, j),
            ...at(el, hRow, j),
            ...ld,
            ...value(bs, bsv),
            ...at(el, b, j),
            ...ld,
            ...mul,
            ...add,
            ...st,
          ]
        : []),
      ...at(el, gRow, j),
      ...value(scale, sv),
      ...at(el, hRow, j),
      ...ld,
      ...(form === "relu" ? relu(vector ? tv : ts, zero) : []),
      ...mul,
      ...st,
    ];
  };
  const rowStart = (base: number, local: number): number[] => [
    ...get(base),
    ...get(row),
    ...get(w),
    I32_MUL,
    ...i32(SHIFT[el]),
    I32_SHL,
    I32_ADD,
    ...set(local),
  ];
  return {
    name: `activation_${el}_${form}${bias ? "_bias" : ""}`,
    params: [I32, I32, I32, I32, I32, F64, F64],
    locals: [
      [4, I32],
      [4, V128],
      [1, F64],
    ],
    code: [
      ...get(bs),
      ...V_SPLAT,
      ...set(bsv),
      ...get(scale),
      ...V_SPLAT,
      ...set(sv),
      ...upTo(row, n, [
        ...rowStart(h, hRow),
        ...rowStart(g, gRow),
        ...pairsThenOne(j, w, body(true), body(false)),
      ]),
    ],
  };
}

/** derivative(d, h, count, scale): d *= scale s'(h) (relu: scale [h > 0]; identity: scale). deltasBatch's loop. */
function derivativePass(el: Element, form: VectorForm): Func {
  const [d, h, count, scale] = [0, 1, 2, 3];
  const k = 4;
  const [sv, zero] = [5, 6];
  const body = (vector: boolean): number[] => {
    const { ld, st, mul, value } = ops(el, vector);
    // scale [h > 0]: the mask of h > 0 and the scale (vector), or a select.
    const step = vector
      ? [...at(el, h, k), ...ld, ...get(zero), ...V_GT, ...V_AND]
      : [...f64Const(0), ...at(el, h, k), ...ld, ...f64Const(0), F64_GT, SELECT];
    return [
      ...at(el, d, k),
      ...at(el, d, k),
      ...ld,
      ...value(scale, sv),
      ...(form === "relu" ? step : []),
      ...mul,
      ...st,
    ];
  };
  return {
    name: `derivative_${el}_${form}`,
    params: [I32, I32, I32, F64],
    locals: [
      [1, I32],
      [2, V128],
    ],
    code: [...get(scale), ...V_SPLAT, ...set(sv), ...pairsThenOne(k, count, body(true), body(false))],
  };
}

/**
 * y = y + a x (add) or y = y - a x (subtract) elementwise: axpy(y, x, count, a). The gradient-descent
 * update (p -= eta g) and, one row at a time, the bias gradients (out += bs d[i, .]).
 */
function axpyPass(el: Element, sign: "add" | "subtract"): Func {
  const [y, x, count, a] = [0, 1, 2, 3];
  const [k, av] = [4, 5];
  const body = (vector: boolean): number[] => {
    const { ld, st, add, sub, mul, value } = ops(el, vector);
    return [
      ...at(el, y, k),
      ...at(el, y, k),
      ...ld,
      ...value(a, av),
      ...at(el, x, k),
      ...ld,
      ...mul,
      ...(sign === "add" ? add : sub),
      ...st,
    ];
  };
  return {
    name: `axpy_${sign}_${el}`,
    params: [I32, I32, I32, F64],
    locals: [
      [1, I32],
      [1, V128],
    ],
    code: [...get(a), ...V_SPLAT, ...set(av), ...pairsThenOne(k, count, body(true), body(false))],
  };
}

/**
 * adam(p, g, m1, m2, count, beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, eta, epsilon), per element:
 *   m1 = beta1 m1 + (1 - beta1) g;  m2 = beta2 m2 + ((1 - beta2) g) g;
 *   p -= (eta (m1 / c1)) / (sqrt(m2 / c2) + epsilon)   (m1, m2 as stored).
 */
function adamPass(el: Element): Func {
  const [p, g, m1, m2, count] = [0, 1, 2, 3, 4];
  const scalars = [5, 6, 7, 8, 9, 10, 11, 12]; // beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, eta, epsilon
  const k = 13;
  const v = (s: number): number => 14 + s; // splats of the scalars, locals 14..21
  const gv = 22;
  const body = (vector: boolean): number[] => {
    const { ld, st, add, sub, mul, div, sqrt, value } = ops(el, vector);
    const c = (i: number): number[] => value(scalars[i], v(i));
    const gVal = vector ? get(gv) : [...at(el, g, k), ...ld];
    return [
      ...(vector ? [...at(el, g, k), ...ld, ...set(gv)] : []),
      ...at(el, m1, k),
      ...c(0),
      ...at(el, m1, k),
      ...ld,
      ...mul,
      ...c(1),
      ...gVal,
      ...mul,
      ...add,
      ...st,
      ...at(el, m2, k),
      ...c(2),
      ...at(el, m2, k),
      ...ld,
      ...mul,
      ...c(3),
      ...gVal,
      ...mul,
      ...gVal,
      ...mul,
      ...add,
      ...st,
      ...at(el, p, k),
      ...at(el, p, k),
      ...ld,
      ...c(6),
      ...at(el, m1, k),
      ...ld,
      ...c(4),
      ...div,
      ...mul,
      ...at(el, m2, k),
      ...ld,
      ...c(5),
      ...div,
      ...sqrt,
      ...c(7),
      ...add,
      ...div,
      ...sub,
      ...st,
    ];
  };
  const splats = scalars.flatMap((s, i) => [...get(s), ...V_SPLAT, ...set(v(i))]);
  return {
    name: `adam_${el}`,
    params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64],
    locals: [
      [1, I32],
      [9, V128],
    ],
    code: [...splats, ...pairsThenOne(k, count, body(true), body(false))],
  };
}

/**
 * The small products of gemm (gemm.ts small()): C[i, j] = alpha s + beta C[i, j] (C read only when beta is
 * not 0), s = sum over k = 0 .. K-1 in order of A(i, k) B(k, j) with A(i, k) at a[i ai + k ak] and B(k, j)
 * at b[k bk + j bj] (element strides), C row-major M x N, the sum in double precision starting from `init`
 * (+0, or -0 when K = 1 so that s is the single product itself, as small() computes it). "rows" vectorizes
 * two adjacent j (needs bj = 1), "pairs" two adjacent i (any strides: the matrix-vector products); the odd
 * row or column left over entry by entry.
 * product(pa, ai, ak, pb, bk, bj, pc, M, N, K, alpha, beta, init).
 */
function productPass(el: Element, mode: "rows" | "pairs"): Func {
  const { vload, vstore, load, store } = access(el);
  const sh = SHIFT[el];
  const [pa, ai, ak, pb, bk, bj, pc, M, N, K, alpha, beta, init] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [i, j, k, pA, pB, akB, bkB, aiB, nB, cAt] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const [sv, alphaV, betaV, initV] = [23, 24, 25, 26];
  const ss = 27;
  const F64_NE = 0x62;
  const times = (x: number, y: number): number[] => [...get(x), ...get(y), I32_MUL];
  const bytes = (code: number[]): number[] => [...code, ...i32(sh), I32_SHL];
  const address = (base: number, offset: number[]): number[] => [...get(base), ...bytes(offset), I32_ADD];
  /** pA = pa + (i ai << sh), pB = pb + (j bj << sh), cAt = pc + ((i N + j) << sh). */
  const start = [
    ...address(pa, times(i, ai)),
    ...set(pA),
    ...address(pb, times(j, bj)),
    ...set(pB),
    ...address(pc, [...times(i, N), ...get(j), I32_ADD]),
    ...set(cAt),
  ];
  const bump = [...get(pA), ...get(akB), I32_ADD, ...set(pA), ...get(pB), ...get(bkB), I32_ADD, ...set(pB)];
  const ifBeta = (code: number[]): number[] => [...get(beta), ...f64Const(0), F64_NE, ...IF, ...code, END];
  /** One entry (i, j), scalar. */
  const entry = [
    ...start,
    ...get(init),
    ...set(ss),
    ...upTo(k, K, [
      ...get(ss),
      ...get(pA),
      ...load,
      ...get(pB),
      ...load,
      F64_MUL,
      F64_ADD,
      ...set(ss),
      ...bump,
    ]),
    ...get(alpha),
    ...get(ss),
    F64_MUL,
    ...set(ss),
    ...ifBeta([...get(ss), ...get(beta), ...get(cAt), ...load, F64_MUL, F64_ADD, ...set(ss)]),
    ...get(cAt),
    ...get(ss),
    ...store,
  ];
  /** A(i, k), A(i + 1, k) as an f64x2 (pA and pA + aiB). */
  const pairOfA = [
    ...get(pA),
    ...load,
    ...V_SPLAT,
    ...get(pA),
    ...get(aiB),
    I32_ADD,
    ...load,
    ...simd(0x22, 1),
  ];
  /** Entries (i, j) and (i, j + 1) ("rows") or (i, j) and (i + 1, j) ("pairs"). */
  const two =
    mode === "rows"
      ? [
          ...start,
          ...get(initV),
          ...set(sv),
          ...upTo(k, K, [
            ...get(sv),
            ...get(pA),
            ...load,
            ...V_SPLAT,
            ...get(pB),
            ...vload,
            ...V_MUL,
            ...V_ADD,
            ...set(sv),
            ...bump,
          ]),
          ...get(alphaV),
          ...get(sv),
          ...V_MUL,
          ...set(sv),
          ...ifBeta([...get(sv), ...get(betaV), ...get(cAt), ...vload, ...V_MUL, ...V_ADD, ...set(sv)]),
          ...get(cAt),
          ...get(sv),
          ...vstore,
        ]
      : [
          ...start,
          ...get(initV),
          ...set(sv),
          ...upTo(k, K, [
            ...get(sv),
            ...pairOfA,
            ...get(pB),
            ...load,
            ...V_SPLAT,
            ...V_MUL,
            ...V_ADD,
            ...set(sv),
            ...bump,
          ]),
          ...get(alphaV),
          ...get(sv),
          ...V_MUL,
          ...set(sv),
          ...ifBeta([
            ...get(sv),
            ...get(betaV),
            ...get(cAt),
            ...load,
            ...V_SPLAT,
            ...get(cAt),
            ...get(nB),
            I32_ADD,
            ...load,
            ...simd(0x22, 1),
            ...V_MUL,
            ...V_ADD,
            ...set(sv),
          ]),
          ...get(cAt),
          ...get(sv),
          ...simd(0x21, 0),
          ...store,
          ...get(cAt),
          ...get(nB),
          I32_ADD,
          ...get(sv),
          ...simd(0x21, 1),
          ...store,
        ];
  const loops =
    mode === "rows"
      ? upTo(i, M, pairsThenOne(j, N, two, entry))
      : pairsThenOne(i, M, upTo(j, N, two), upTo(j, N, entry));
  return {
    name: `product_${mode}_${el}`,
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64],
    locals: [
      [10, I32],
      [4, V128],
      [1, F64],
    ],
    code: [
      ...bytes(get(ak)),
      ...set(akB),
      ...bytes(get(bk)),
      ...set(bkB),
      ...bytes(get(ai)),
      ...set(aiB),
      ...bytes(get(N)),
      ...set(nB),
      ...get(alpha),
      ...V_SPLAT,
      ...set(alphaV),
      ...get(beta),
      ...V_SPLAT,
      ...set(betaV),
      ...get(init),
      ...V_SPLAT,
      ...set(initV),
      ...loops,
    ],
  };
}

const FUNCS: readonly Func[] = (["f64", "f32"] as const).flatMap((el) => [
  activationPass(el, "relu", true),
  activationPass(el, "relu", false),
  activationPass(el, "identity", true),
  activationPass(el, "identity", false),
  derivativePass(el, "relu"),
  derivativePass(el, "identity"),
  axpyPass(el, "add"),
  axpyPass(el, "subtract"),
  adamPass(el),
  productPass(el, "rows"),
  productPass(el, "pairs"),
]);

/** The module: imports env.memory (plain, not shared) and exports every function of FUNCS by name. */
export function elementwiseModuleBytes(): Uint8Array {
  return moduleBytes(
    FUNCS.map((f) => ({
      name: f.name,
      params: f.params,
      locals: vec(f.locals.map(([count, type]) => [...uleb(count), type])),
      code: f.code,
    })),
    { shared: false, maxPages: 0 },
  );
}

type Passes = Record<string, (...args: number[]) => void>;

/** The compiled module, once per evaluation of this file; null where WebAssembly SIMD is missing. */
let compiled: object | null | undefined;
function compiledModule(): object | null {
  if (compiled === undefined) {
    const bytes = elementwiseModuleBytes();
    compiled = wasmApi !== null && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

/** Each arena's instance, by its memory's buffer (the buffer every view of the arena shares). */
const arenas = new WeakMap<ArrayBufferLike, Passes>();

/** Fixed-size memory for a trainer's arrays, where the passes below run (see the file comment). */
export interface PassArena {
  /** A zero array of `length` elements of the type of `like` (Float64Array or Float32Array) in the arena. */
  zerosLike<A extends Floats>(like: A, length: number): A;
  /** A copy of `values` in the arena, of its type. */
  copyOf<A extends Floats>(values: A): A;
  readonly bytes: number;
  /**
   * Hands the arena back for the next passArena call to reuse (its arrays are then overwritten): a trainer
   * called for a few steps at a time would otherwise pay for a new memory's instance and first-touch page
   * faults on every call (1-2 ms of a 10-step call at width 500).
   */
  release(): void;
}

/** The largest arena kept for reuse between calls (bytes); larger ones are left to the garbage collector. */
const KEEP_BYTES = 64 * 2 ** 20;
/** An arena released and not yet taken again. */
let spare: { bytes: number; reuse: () => PassArena } | null = null;

/**
 * An arena of at least `bytes` bytes (rounded up to 64 KiB pages), or null where WebAssembly SIMD is missing
 * (the passes then run as JS loops). Its arrays are 16-byte aligned.
 */
export function passArena(bytes: number): PassArena | null {
  checkInteger("passArena", "bytes", bytes, 0);
  if (spare && spare.bytes >= bytes) {
    const taken = spare;
    spare = null;
    return taken.reuse();
  }
  const module = compiledModule();
  if (module === null || wasmApi === null) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = new wasmApi.Memory({ initial: pages });
  arenas.set(memory.buffer, new wasmApi.Instance(module, { env: { memory } }).exports as Passes);
  const buffer = memory.buffer as ArrayBuffer;
  const capacity = buffer.byteLength;
  let used = 0;
  // A new memory is zero already; a reused one holds its last user's arrays.
  let reused = false;
  const zerosLike = <A extends Floats>(like: A, length: number): A => {
    const size = length * like.BYTES_PER_ELEMENT;
    if (used + size > capacity) {
      throw new Error(
        `passArena: an array of ${length} elements does not fit: ${capacity - used} of ${capacity} bytes are left`,
      );
    }
    const out =
      like instanceof Float32Array
        ? new Float32Array(buffer, used, length)
        : new Float64Array(buffer, used, length);
    used += (size + 15) & ~15;
    if (reused) out.fill(0);
    return out as A;
  };
  const arena: PassArena = {
    zerosLike,
    copyOf: (values) => {
      const out = zerosLike(values, values.length);
      out.set(values);
      return out;
    },
    bytes: capacity,
    release: () => {
      if (capacity <= KEEP_BYTES && (spare === null || spare.bytes < capacity)) {
        spare = {
          bytes: capacity,
          reuse: () => {
            used = 0;
            reused = true;
            return arena;
          },
        };
      }
    },
  };
  return arena;
}

/** Bytes an arena needs for arrays of these lengths of one element size (16-byte alignment included). */
export function arenaBytes(lengths: readonly number[], elementBytes: number): number {
  return lengths.reduce((sum, length) => sum + ((length * elementBytes + 15) & ~15), 0);
}

/** The instance of the one arena every array lies in, with their element type; null otherwise. */
function arenaOf(arrays: readonly Floats[]): { passes: Passes; el: Element } | null {
  const passes = arenas.get(arrays[0].buffer);
  if (!passes) return null;
  const f32 = arrays[0] instanceof Float32Array;
  for (const a of arrays) if (a.buffer !== arrays[0].buffer || a instanceof Float32Array !== f32) return null;
  return { passes, el: f32 ? "f32" : "f64" };
}

/**
 * For each of n rows of w (row-major n x w arrays h and g): h += bs b (when b is given: b has w entries),
 * then g = scale s(h), s = relu or the identity. True when done here; false (nothing touched) when an array
 * is outside an arena.
 */
export function activationInArena(
  form: VectorForm,
  h: Floats,
  b: Floats | null,
  g: Floats,
  n: number,
  w: number,
  bs: number,
  scale: number,
): boolean {
  const found = arenaOf(b ? [h, b, g] : [h, g]);
  if (!found) return false;
  found.passes[`activation_${found.el}_${form}${b ? "_bias" : ""}`](
    h.byteOffset,
    b ? b.byteOffset : 0,
    g.byteOffset,
    n,
    w,
    bs,
    scale,
  );
  return true;
}

/** d[k] *= scale s'(h[k]) for every k (d and h of one length); false when an array is outside an arena. */
export function derivativeInArena(form: VectorForm, d: Floats, h: Floats, scale: number): boolean {
  const found = arenaOf([d, h]);
  if (!found) return false;
  found.passes[`derivative_${found.el}_${form}`](d.byteOffset, h.byteOffset, d.length, scale);
  return true;
}

/** out[j] += bs d[i, j] over the n rows of d (n x w, out w entries) in order; false outside an arena. */
export function columnSumsInArena(d: Floats, out: Floats, n: number, w: number, bs: number): boolean {
  const found = arenaOf([d, out]);
  if (!found) return false;
  const add = found.passes[`axpy_add_${found.el}`];
  const rowBytes = w * d.BYTES_PER_ELEMENT;
  for (let i = 0; i < n; i++) add(out.byteOffset, d.byteOffset + i * rowBytes, w, bs);
  return true;
}

/** p -= eta g elementwise; false outside an arena. */
export function descentInArena(p: Floats, g: Floats, eta: number): boolean {
  const found = arenaOf([p, g]);
  if (!found) return false;
  found.passes[`axpy_subtract_${found.el}`](p.byteOffset, g.byteOffset, p.length, eta);
  return true;
}

/**
 * One Adam update (Kingma & Ba 2015) with bias corrections c1 = 1 - beta1^t, c2 = 1 - beta2^t: see adamPass;
 * false outside an arena.
 */
export function adamInArena(
  p: Floats,
  g: Floats,
  m1: Floats,
  m2: Floats,
  beta1: number,
  beta2: number,
  c1: number,
  c2: number,
  eta: number,
  epsilon: number,
): boolean {
  const found = arenaOf([p, g, m1, m2]);
  if (!found) return false;
  found.passes[`adam_${found.el}`](
    p.byteOffset,
    g.byteOffset,
    m1.byteOffset,
    m2.byteOffset,
    p.length,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    c1,
    c2,
    eta,
    epsilon,
  );
  return true;
}

/**
 * The small product of gemm's small() (see productPass) where a, b and c lie in one arena; false otherwise.
 * ai, ak, bk, bj: element strides of op(A)(i, k) = a[i ai + k ak] and op(B)(k, j) = b[k bk + j bj].
 */
export function productInArena(
  a: Floats,
  ai: number,
  ak: number,
  b: Floats,
  bk: number,
  bj: number,
  c: Floats,
  M: number,
  N: number,
  K: number,
  alpha: number,
  beta: number,
): boolean {
  const found = arenaOf([a, b, c]);
  if (!found) return false;
  const mode = bj === 1 && N >= 2 ? "rows" : "pairs";
  found.passes[`product_${mode}_${found.el}`](
    a.byteOffset,
    ai,
    ak,
    b.byteOffset,
    bk,
    bj,
    c.byteOffset,
    M,
    N,
    K,
    alpha,
    beta,
    K === 1 ? -0 : 0,
  );
  return true;
}
