/**
 * The ReLU layer of the CNTK's pixel-pair pass (kernels/cntk.ts) in WebAssembly SIMD, two pairs of
 * positions at a time: from the pairs' variances a, b, covariance c and Theta, the gaps
 * g, h = max(0, sqrt(ab) -+ c), the relu dual (ntk-simd.ts emitReluDual, the compiled kernels' own), and
 *   preSig = c_s E[s(u) s(v)],  preTh = preSig + c_s E[s'(u) s'(v)] Theta   (c_s = 2).
 * Why: Math.atan2, one double per call, was most of a global-average-pooling CNTK's time (P^2 pairs per
 * image pair and layer). The values differ from the JS dual's by the few ulps of the compiled atan
 * (test/cntk.test.ts); setAnalyticEngine("js") keeps the JS dual. Pairs with a = 0 or b = 0 get the JS
 * dual's limit (0, and 1/4 for the derivative); the caller keeps every variance 0 or in [1e-150, 1e150], so
 * that no product a b leaves the normal range.
 *
 * The separable convolution of the same pass (cntk.ts convolve) runs here too, as runs of contiguous adds
 * (runs(): to, from, length triples, tap by tap, so that every sum is taken in the JS loops' order and has
 * their bits).
 *
 * One module and one memory per process (on globalThis: tslab evaluates src/ anew when an import cell is
 * rerun, and a memory per call would reserve address space faster than it is collected); the arrays are
 * views of that memory, valid until the next pairArrays call grows it: one pass at a time uses them (cntk.ts
 * makes its passes one after the other).
 */
import { ctl, FunctionBuilder, mem, n as int, put, v, type Code } from "../linalg/simd-math";
import { I32, moduleBytes, set } from "../linalg/wasm-encoding";
import { wasmApi, type WasmMemory, type WasmModule } from "../linalg/wasm-api";
import { emitReluDual } from "./ntk-simd";

/**
 * The pass's arrays in the process's memory, `size` doubles each: the layer reads a, b, c, theta and writes
 * preSig, preTh; the convolution adds preSig, preTh into t1, t2 and those into c, theta.
 */
export interface PairArrays {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly theta: Float64Array;
  readonly preSig: Float64Array;
  readonly preTh: Float64Array;
  readonly t1: Float64Array;
  readonly t2: Float64Array;
  /** The ReLU layer over entries [0, count). */
  relu(count: number): void;
  /** d1[to + j] += s1[from + j] and d2 likewise for every run of table k (runs() of the tables given). */
  addRuns(d1: Float64Array, s1: Float64Array, d2: Float64Array, s2: Float64Array, k: number): void;
}

const ARRAYS = 8;

/** reluLayer(a, b, c, theta, preSig, preTh, count): byte addresses and an entry count. */
function layerFunction() {
  const params = [I32, I32, I32, I32, I32, I32, I32];
  const b = new FunctionBuilder(params);
  const [pa, pb, pc, pt, ps, pq, count] = [0, 1, 2, 3, 4, 5, 6];
  const [e, end] = [b.i(), b.i()];
  const [A, B, C, T, R, G, H, V, D, GP, CG, t1, ok] = Array.from({ length: 13 }, () => b.v());
  const at = (base: number): Code => int.add(int.x(base), int.x(e));
  const body: Code = [
    ...int.c(0),
    ...set(e),
    ...int.shl(int.x(count), 3),
    ...set(end),
    ...ctl.loop(int.ge(int.x(e), int.x(end)), [
      ...put(A, mem.load(at(pa))),
      ...put(B, mem.load(at(pb))),
      ...put(C, mem.load(at(pc))),
      ...put(T, mem.load(at(pt))),
      ...put(R, v.sqrt(v.mul(v.x(A), v.x(B)))),
      ...put(G, v.max(v.c(0), v.sub(v.x(R), v.x(C)))),
      ...put(H, v.max(v.c(0), v.add(v.x(R), v.x(C)))),
      ...emitReluDual(b, { A, B, G, H, V, D, GP, CG, t1 }, false),
      ...put(ok, v.gt(v.x(R), v.c(0))),
      ...put(V, v.mul(v.c(2), v.sel(v.x(ok), v.x(V), v.c(0)))),
      ...put(D, v.mul(v.c(2), v.sel(v.x(ok), v.x(D), v.c(0.25)))),
      ...mem.store(at(ps), v.x(V)),
      ...mem.store(at(pq), v.add(v.x(V), v.mul(v.x(D), v.x(T)))),
      ...int.add(int.x(e), int.c(16)),
      ...set(e),
    ]),
  ];
  return { name: "reluLayer", params, locals: b.declaration(), code: body };
}

/** addRuns(d1, s1, d2, s2, table, runs): byte addresses, the table's (to, from, length) entry triples. */
function runsFunction() {
  const params = [I32, I32, I32, I32, I32, I32];
  const b = new FunctionBuilder(params);
  const [d1, s1, d2, s2, table, runs] = [0, 1, 2, 3, 4, 5];
  const [r, k, to, from, j, len] = Array.from({ length: 6 }, () => b.i());
  const entry = (field: number): Code => int.load(int.add(int.x(r), int.c(4 * field)));
  const byte = (base: number, offset: number): Code =>
    int.add(int.x(base), int.shl(int.add(int.x(offset), int.x(j)), 3));
  const add = (store: typeof mem.store) =>
    [
      store(byte(d1, to), v.add(mem.load(byte(d1, to)), mem.load(byte(s1, from)))),
      store(byte(d2, to), v.add(mem.load(byte(d2, to)), mem.load(byte(s2, from)))),
    ].flat();
  const body: Code = [
    ...int.x(table),
    ...set(r),
    ...int.c(0),
    ...set(k),
    // Counted by runs, not by addresses (a signed compare of addresses past 2 GiB would stop at once).
    ...ctl.loop(int.ge(int.x(k), int.x(runs)), [
      ...entry(0),
      ...set(to),
      ...entry(1),
      ...set(from),
      ...entry(2),
      ...set(len),
      ...int.c(0),
      ...set(j),
      // Two entries at a time, then the last one of an odd run alone (lane 0 stored).
      ...ctl.loop(int.ge(int.add(int.x(j), int.c(1)), int.x(len)), [
        ...add(mem.store),
        ...int.add(int.x(j), int.c(2)),
        ...set(j),
      ]),
      ...ctl.when(int.lt(int.x(j), int.x(len)), add(mem.storeLow)),
      ...int.add(int.x(r), int.c(12)),
      ...set(r),
      ...int.add(int.x(k), int.c(1)),
      ...set(k),
    ]),
  ];
  return { name: "addRuns", params, locals: b.declaration(), code: body };
}

interface Compiled {
  module: WasmModule;
  memory: WasmMemory;
  relu: (a: number, b: number, c: number, t: number, s: number, q: number, count: number) => void;
  addRuns: (d1: number, s1: number, d2: number, s2: number, table: number, runs: number) => void;
}

const STATE = Symbol.for("ntk-lab.cntk-simd");

/** The process's module and memory (made on first use), or null where WebAssembly SIMD is missing. */
function compiled(): Compiled | null {
  const state = globalThis as { [STATE]?: Compiled | null };
  if (state[STATE] !== undefined) return state[STATE];
  state[STATE] = null;
  if (wasmApi === null) return null;
  const bytes = moduleBytes([layerFunction(), runsFunction()], { shared: false, maxPages: 0 });
  if (!wasmApi.validate(bytes)) return null;
  const module = new wasmApi.Module(bytes);
  const memory = new wasmApi.Memory({ initial: 1 });
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const relu = instance.exports.reluLayer as Compiled["relu"];
  const addRuns = instance.exports.addRuns as Compiled["addRuns"];
  state[STATE] = { module, memory, relu, addRuns };
  return state[STATE];
}

/**
 * The pass's arrays for `size` entries and the convolution's run tables, in the process's memory (grown when
 * needed, so that views made by an earlier call are stale: one pass at a time uses them), or null without
 * WebAssembly SIMD.
 */
export function pairArrays(size: number, tables: readonly Int32Array[]): PairArrays | null {
  const made = compiled();
  if (made === null) return null;
  // Whole vectors and one more entry: an odd count's or run's last vector reads one entry past it.
  const stride = 16 * Math.ceil((size + 2) / 2);
  const tableBytes = tables.map((t) => 16 * Math.ceil(t.byteLength / 16));
  const bytes = ARRAYS * stride + tableBytes.reduce((s, t) => s + t, 0);
  const have = made.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      made.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      // No room for a larger memory (past 4 GiB, or the engine's limit): the JS engine computes the pass.
      return null;
    }
  }
  const buffer = made.memory.buffer as ArrayBuffer;
  const view = (k: number) => new Float64Array(buffer, k * stride, size);
  const [a, b, c, theta, preSig, preTh, t1, t2] = Array.from({ length: ARRAYS }, (_, k) => view(k));
  const at: number[] = [];
  let offset = ARRAYS * stride;
  tables.forEach((t, k) => {
    new Int32Array(buffer, offset, t.length).set(t);
    at.push(offset);
    offset += tableBytes[k];
  });
  return {
    a,
    b,
    c,
    theta,
    preSig,
    preTh,
    t1,
    t2,
    relu: (count) => made.relu(0, stride, 2 * stride, 3 * stride, 4 * stride, 5 * stride, count),
    addRuns: (d1, s1, d2, s2, k) =>
      made.addRuns(d1.byteOffset, s1.byteOffset, d2.byteOffset, s2.byteOffset, at[k], tables[k].length / 3),
  };
}
