/**
 * General matrix product C <- alpha op(A) op(B) + beta C on row-major Float64Arrays, op(X) = X or X^T.
 *
 * How it is fast (measured on this 2-core AMD EPYC (Zen 4), Node 20, while other jobs shared the cores):
 * - the BLIS/Goto structure: op(B) is packed in blocks of kc rows into 4-column micro-panels, op(A) in
 *   blocks of mc x kc into 4-row micro-panels, so that the micro-kernel reads both contiguously; the A
 *   block stays in L2 while one B micro-panel (kc x 4 doubles) stays in L1;
 * - a 4 x 4 register-tiled micro-kernel in WebAssembly SIMD (f64x2), emitted by wasm.ts: 22-23 GFlop/s
 *   alone (200 x 500 x 252), against 2.6-4.2 GFlop/s for the same packed algorithm with a plain-JS
 *   4 x 4 kernel (V8 keeps the 16 accumulators in registers but issues scalar double ops), and
 *   ~0.7 GFlop/s for the blocked loop montecarlo.ts had before. Larger tiles (5-7 x 4) and unrolling k
 *   measured slower (V8 spills), see wasm.ts. No FMA: WebAssembly's fused multiply-add is relaxed SIMD
 *   (behind a V8 flag in Node 20), and the same 4 x 4 kernel with f64x2.relaxed_madd measured no faster
 *   (24.5-26.0 against 25.0-26.8 GFlop/s at 64 and 200 x 500 x 500: this core issues two multiplies and
 *   two adds per cycle, the same flops as two FMAs), while separate mul and add keep results exact (below).
 *   The kernel reaches about 80-85% of the f64x2 FMA peak of one core (31-33 GFlop/s, bench/peak.ts);
 * - gemm32: the same on floats, f32x4 (twice the lanes) in 4 x 8 micro-tiles;
 * - both cores: worker threads running the same kernel on the same shared WebAssembly memory, taking
 *   column tiles from a shared counter (pool.ts).
 * Packing: A and B are copied into the module's memory (one memcpy each) and packed there by the
 * module's `pack` function; only ragged edge panels are packed in JS. That took a 200 x 500 x 500
 * product from ~5.1 to ~4.7 ms on one thread (JS packing was ~12% of it). With workers, each thread
 * packs the B panels of the column tiles it takes (pool.ts). The final alpha/beta update is plain JS:
 * O(mn) against O(mnk) multiply-adds. Small products run in plain loops, or in WebAssembly SIMD when
 * their arrays lie in a trainer's arena (elementwise.ts), to the same bits.
 *
 * Every backend (plain loops for small products, the JS micro-kernel, WebAssembly on one or several
 * threads) sums each entry of op(A) op(B) over k = 0, 1, ..., K-1 in order starting from 0, with
 * separate multiplies and adds. Results are therefore identical bit for bit across backends and
 * thread counts, and equal to the textbook loop (gemmReference) when alpha = 1 and beta = 0.
 *
 * Memory: the work space (C padded to multiples of 4, one packed k block of op(B) and of op(A), and the
 * copies of the sources the wasm packer reads) lives in one WebAssembly memory shared with the workers,
 * which cannot shrink. It is kept at most DEFAULT_WORK_SPACE (64 MiB) plus its 1 MiB start for the whole
 * process: a product needing more is computed in blocks of C, whole rows when a block of at least 256 rows
 * fits, else smaller tiles (the 4 GiB limit of WebAssembly memory is never reached). Blocks do not split
 * the sum over k: each runs the same k blocks in the same order with C kept in the memory between them,
 * so results are the same bit for bit. The steady state (same sizes again, e.g. a trainer's thousands of
 * steps) reuses the memory with no allocation. Peak memory of a product: the caller's A, B, C plus at most
 * that work space.
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { KernelPool, type Kernel, type PackFn, type PanelPacking } from "./pool";
import { wasmApi, type WasmMemory } from "./wasm-api";
import { productInArena } from "./elementwise";
import { K_STEP, kernelModuleBytes, MAX_PAGES, NR, wasmSimdSupported } from "./wasm";
import { checkFinite, describeValue, requiredObject } from "../validate";

/** A dense row-major matrix: entry (i, j) is data[i * cols + j]. */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A dense row-major matrix of floats (gemm32). */
export interface Mat32 {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

type Floats = Float64Array | Float32Array;

/**
 * The element type of a product: its size, its micro-tile's columns (a v128 holds 2 doubles or 4 floats),
 * and which of the module's kernels and packers it runs.
 */
interface Element {
  readonly name: "f64" | "f32";
  readonly bytes: number;
  /** Columns of a micro-tile and of a packed B panel (rows are always 4). */
  readonly nr: number;
  /** Index of its kernel in Engine.kernels and the pool (0: doubles, 1: floats). */
  readonly kind: number;
}
const F64: Element = { name: "f64", bytes: 8, nr: NR.f64, kind: 0 };
const F32: Element = { name: "f32", bytes: 4, nr: NR.f32, kind: 1 };

export interface GemmOptions {
  /** Use A^T (A stored K x M) instead of A (M x K). */
  transA?: boolean;
  /** Use B^T (B stored N x K) instead of B (K x N). */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with beta = 0 the old contents of C are ignored (even NaN). */
  beta?: number;
  /**
   * Only the upper triangle is wanted (square C, e.g. a Gram matrix A A^T): entries with j >= i are
   * computed as usual, entries below the diagonal are left untouched. About half the work.
   */
  upper?: boolean;
}

/** A rows x cols matrix over data (a fresh zero array when omitted). */
export function mat(rows: number, cols: number, data?: Float64Array): Mat {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new Error(`mat: rows and cols must be integers >= 0, got ${rows} x ${cols}`);
  }
  if (data !== undefined && !(data instanceof Float64Array)) {
    throw new Error(
      `mat: data must be a Float64Array of rows * cols = ${rows * cols} entries, got ${describeValue(data)}`,
    );
  }
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new Error(`mat: data must have rows * cols = ${rows * cols} entries, got ${d.length}`);
  }
  return { rows, cols, data: d };
}

// Blocking: kc x 4 B panels (<= 8 KiB) stay in L1, mc x kc A blocks (<= 512 KiB) in the 2 MiB L2.
const KC = 256;
const MC = 256;
/** Below this many multiply-adds packing does not pay: plain loops. */
const SMALL = 48 * 48 * 48;
/**
 * Work space one product may use, in bytes: the WebAssembly memory (or the JS backend's array) never
 * grows past it (plus its 1 MiB start). Larger products are computed in blocks of C (see packed()).
 * 64 MiB holds every product of the trainers whole, and a top-k product (16 rows times the n x n matrix)
 * in one block of all its rows up to n = 15000 (measured at n = 4000, Monte Carlo NTK and top-k: the same
 * time as with the whole product in memory); a block repacks 1 / rows of the data it multiplies.
 */
const DEFAULT_WORK_SPACE = 64 * 2 ** 20;
let workSpaceLimit = DEFAULT_WORK_SPACE;
/** The work-space limit above in bytes (for memory estimates: src/memory.ts). */
export const gemmWorkSpaceLimit = (): number => workSpaceLimit;

/**
 * Sets the work-space limit above in bytes (for tests: a small limit makes small products run in blocks);
 * returns the previous limit. Not part of the lab's API.
 */
export function setGemmWorkSpaceLimit(bytes: number): number {
  const max = MAX_PAGES * 65536;
  if (!(Number.isInteger(bytes) && bytes >= 8 && bytes <= max)) {
    throw new Error(`setGemmWorkSpaceLimit: bytes must be an integer in [8, ${max}], got ${bytes}`);
  }
  const previous = workSpaceLimit;
  workSpaceLimit = bytes;
  return previous;
}

type Backend = "wasm" | "js";

interface Engine {
  backend: Backend;
  memory: WasmMemory | null;
  f64: Float64Array;
  /** The same memory as floats (gemm32). */
  f32: Float32Array;
  /** The kernels by Element.kind: doubles, floats (the JS backend has the first only). */
  kernels: Kernel[];
  pool: KernelPool | null;
  threads: number;
  /** The module's panel packers (wasm.ts), null for the JS backend: doubles, floats' A and B panels. */
  pack: { f64: PackFn; f32a: PackFn; f32b: PackFn } | null;
}

/**
 * The process's one gemm state: settings, and the engine (worker threads, their shared WebAssembly memory,
 * the compiled module). tslab evaluates src/ anew when a notebook's import cell is rerun after a change;
 * each evaluation of this file finds the state on globalThis and adopts it, so that a rerun neither starts
 * new workers nor allocates new memory. The state carries a stamp of its shape (STATE_VERSION), the code
 * that builds the engine, the worker protocol and the kernels: an evaluation with a different stamp (the
 * code changed) stops the old workers, which then end, and starts its own state; the old evaluation's
 * functions keep the old engine, on the calling thread alone.
 */
interface GemmState {
  readonly version: string;
  engine: Engine | null;
  backend: Backend | "auto";
  threads: number;
}

const STATE_KEY = Symbol.for("ntk-lab.gemm");
/**
 * The shape of the shared state: bump it by hand whenever GemmState or Engine gains, loses or changes a
 * field, or what a field holds changes (e.g. a different kind of memory), so that a new evaluation does
 * not adopt a state built by older code. The code that builds the engine (getEngine), the worker protocol
 * and the kernels are in the stamp already.
 */
const STATE_VERSION = 2;
const state = adoptState();

function adoptState(): GemmState {
  const holder = globalThis as unknown as Record<symbol, GemmState | undefined>;
  const version = createHash("sha1")
    .update(String(STATE_VERSION))
    .update(getEngine.toString())
    .update(kernelModuleBytes(true))
    .update(kernelModuleBytes(false))
    .update(KernelPool.protocol)
    .update(jsKernelFor.toString())
    .digest("hex");
  const held = holder[STATE_KEY];
  if (held && held.version === version) return held;
  held?.engine?.pool?.close();
  const fresh: GemmState = { version, engine: null, backend: "auto", threads: defaultThreads() };
  holder[STATE_KEY] = fresh;
  return fresh;
}

function defaultThreads(): number {
  const env = Number(process.env.NTK_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * Chooses gemm's backend: "wasm" (WebAssembly SIMD, the default where supported), "js" (the same
 * packed algorithm with a plain-JS micro-kernel) and the number of threads (>= 1; workers are used with
 * wasm only). Defaults: wasm, min(2, cores) threads, or NTK_THREADS from the environment.
 */
export function setGemmBackend(options: { backend?: Backend | "auto"; threads?: number }): void {
  requiredObject("setGemmBackend", "options", options, "{ backend?, threads? }");
  if (options.backend !== undefined && !["wasm", "js", "auto"].includes(options.backend)) {
    throw new Error(`setGemmBackend: backend must be "wasm", "js" or "auto", got ${String(options.backend)}`);
  }
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new Error(`setGemmBackend: threads must be an integer >= 1, got ${options.threads}`);
  }
  const backend = options.backend ?? state.backend;
  state.threads = options.threads ?? state.threads;
  const engine = state.engine;
  if (engine && backend === state.backend && engine.pool && state.threads - 1 <= engine.pool.size) {
    // Fewer (or as many) threads than the running pool has: use part of it, no restart. A pool closed by a
    // newer evaluation of this file (this state is then an old one's) refuses and stays on this thread.
    engine.threads = 1 + engine.pool.activate(state.threads - 1);
    return;
  }
  state.backend = backend;
  if (engine) {
    engine.pool?.close();
    state.engine = null;
  }
}

/**
 * Resolves when every worker thread has started (at most timeoutMs), with the number of threads that
 * will take part in the next product. Workers start in the background; until they are up, products run
 * on the calling thread alone, so waiting is only needed to measure.
 */
export async function gemmReady(timeoutMs = 5000): Promise<number> {
  const e = getEngine(0);
  const start = Date.now();
  while (e.pool && e.pool.readyWorkers() < e.threads - 1 && Date.now() - start < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return 1 + (e.pool ? e.pool.readyWorkers() : 0);
}

/**
 * The number of threads setGemmBackend (or NTK_THREADS) asks for, without starting anything: the
 * compiled kernels' tile pool (tile-pool.ts) follows the same setting.
 */
export function configuredThreads(): number {
  return state.threads;
}

/** The backend and thread count gemm uses now (starting it if needed). */
export function gemmBackend(): { backend: Backend; threads: number } {
  const e = getEngine(0);
  return { backend: e.backend, threads: e.threads };
}

function jsKernelFor(view: () => Float64Array): Kernel {
  return (pa, pb, pc, kc, ldc, mTiles, jt0, jt1, load, tri, rowTile0) => {
    const f = view();
    const ld = ldc >> 3;
    for (let jt = jt0; jt < jt1; jt++) {
      const bPanel = (pb >> 3) + jt * kc * 4;
      const itEnd = tri ? Math.min(mTiles, jt - rowTile0 + 1) : mTiles;
      for (let it = 0; it < itEnd; it++) {
        let a = (pa >> 3) + it * kc * 4;
        let b = bPanel;
        const c = (pc >> 3) + 4 * it * ld + 4 * jt;
        if (!load) for (let r = 0; r < 4; r++) f.fill(0, c + r * ld, c + r * ld + 4);
        let c00 = f[c], c01 = f[c + 1], c02 = f[c + 2], c03 = f[c + 3]; // prettier-ignore
        let c10 = f[c + ld], c11 = f[c + ld + 1], c12 = f[c + ld + 2], c13 = f[c + ld + 3]; // prettier-ignore
        let c20 = f[c + 2 * ld], c21 = f[c + 2 * ld + 1], c22 = f[c + 2 * ld + 2], c23 = f[c + 2 * ld + 3]; // prettier-ignore
        let c30 = f[c + 3 * ld], c31 = f[c + 3 * ld + 1], c32 = f[c + 3 * ld + 2], c33 = f[c + 3 * ld + 3]; // prettier-ignore
        for (let k = 0; k < kc; k++, a += 4, b += 4) {
          const b0 = f[b], b1 = f[b + 1], b2 = f[b + 2], b3 = f[b + 3]; // prettier-ignore
          const a0 = f[a], a1 = f[a + 1], a2 = f[a + 2], a3 = f[a + 3]; // prettier-ignore
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3; // prettier-ignore
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3; // prettier-ignore
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3; // prettier-ignore
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3; // prettier-ignore
        }
        f[c] = c00;
        f[c + 1] = c01;
        f[c + 2] = c02;
        f[c + 3] = c03; // prettier-ignore
        f[c + ld] = c10;
        f[c + ld + 1] = c11;
        f[c + ld + 2] = c12;
        f[c + ld + 3] = c13; // prettier-ignore
        f[c + 2 * ld] = c20;
        f[c + 2 * ld + 1] = c21;
        f[c + 2 * ld + 2] = c22;
        f[c + 2 * ld + 3] = c23; // prettier-ignore
        f[c + 3 * ld] = c30;
        f[c + 3 * ld + 1] = c31;
        f[c + 3 * ld + 2] = c32;
        f[c + 3 * ld + 3] = c33; // prettier-ignore
      }
    }
  };
}

/** The engine with room for `bytes` bytes of work space. */
function getEngine(bytes: number): Engine {
  if (!state.engine) {
    const useWasm = state.backend !== "js" && wasmSimdSupported(state.threads > 1);
    if (useWasm) {
      const shared = state.threads > 1;
      const wasm = wasmApi as NonNullable<typeof wasmApi>;
      const memory = new wasm.Memory(
        shared ? { initial: 16, maximum: MAX_PAGES, shared: true } : { initial: 16 },
      );
      const module = new wasm.Module(kernelModuleBytes(shared));
      const instanceExports = new wasm.Instance(module, { env: { memory } }).exports;
      const kernels = [instanceExports.kernel as Kernel, instanceExports.kernel32 as Kernel];
      let pool: KernelPool | null = null;
      if (shared) {
        try {
          const packs = [instanceExports.pack as PackFn, instanceExports.pack32b as PackFn];
          pool = new KernelPool(memory, module, kernels, packs, state.threads - 1);
        } catch {
          pool = null; // no worker threads here: one thread
        }
      }
      state.engine = {
        backend: "wasm",
        memory,
        f64: new Float64Array(memory.buffer),
        f32: new Float32Array(memory.buffer),
        kernels,
        pool,
        threads: pool ? state.threads : 1,
        pack: {
          f64: instanceExports.pack as PackFn,
          f32a: instanceExports.pack32a as PackFn,
          f32b: instanceExports.pack32b as PackFn,
        },
      };
    } else {
      const f64 = new Float64Array(1 << 16);
      const e: Engine = {
        backend: "js",
        memory: null,
        f64,
        f32: new Float32Array(f64.buffer),
        kernels: [],
        pool: null,
        threads: 1,
        pack: null,
      };
      e.kernels.push(jsKernelFor(() => e.f64));
      state.engine = e;
    }
  }
  const e = state.engine;
  if (e.f64.byteLength < bytes) {
    if (e.memory) {
      const pages = Math.ceil((bytes - e.memory.buffer.byteLength) / 65536);
      if (e.memory.buffer.byteLength / 65536 + pages > MAX_PAGES) {
        throw new Error(
          `gemm: the product needs ${bytes} bytes of work space, more than ${MAX_PAGES * 65536}`,
        );
      }
      e.memory.grow(pages);
      e.f64 = new Float64Array(e.memory.buffer);
    } else {
      e.f64 = new Float64Array(Math.ceil(bytes / 8) * 2);
    }
    e.f32 = new Float32Array(e.f64.buffer);
  } else if (e.memory && e.f64.buffer !== e.memory.buffer) {
    e.f64 = new Float64Array(e.memory.buffer); // grown elsewhere
    e.f32 = new Float32Array(e.memory.buffer);
  }
  return e;
}

/**
 * A product's options with their defaults, its operands and scalars checked for the function `who`, and its
 * sizes M, N, K.
 */
function readProduct(
  who: string,
  A: Mat | Mat32,
  B: Mat | Mat32,
  C: Mat | Mat32,
  options: GemmOptions,
  el: Element,
): { transA: boolean; transB: boolean; alpha: number; beta: number; M: number; N: number; K: number } {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0;
  const [type, kind] = el === F64 ? [Float64Array, "Mat"] : [Float32Array, "Mat32"];
  for (const [nm, X] of [
    ["A", A],
    ["B", B],
    ["C", C],
  ] as const) {
    const shaped = X !== null && typeof X === "object" && X.data instanceof type;
    if (!shaped || X.data.length !== X.rows * X.cols) {
      const got = shaped ? `${X.rows} x ${X.cols} with data of length ${X.data.length}` : describeValue(X);
      throw new Error(
        `${who}: ${nm} must be a ${kind} { rows, cols, data: ${type.name} of rows * cols }, got ${got}`,
      );
    }
  }
  checkFinite(who, "alpha", alpha);
  checkFinite(who, "beta", beta);
  const M = transA ? A.cols : A.rows;
  const K = transA ? A.rows : A.cols;
  const Kb = transB ? B.cols : B.rows;
  const N = transB ? B.rows : B.cols;
  if (K !== Kb) {
    throw new Error(
      `${who}: inner dimensions differ: op(A) is ${M} x ${K}, op(B) is ${Kb} x ${N} (transA ${transA}, transB ${transB})`,
    );
  }
  if (C.rows !== M || C.cols !== N) {
    throw new Error(`${who}: C must be ${M} x ${N} = op(A) op(B), got ${C.rows} x ${C.cols}`);
  }
  return { transA, transB, alpha, beta, M, N, K };
}

/** C <- alpha op(A) op(B) + beta C (see the file comment). Returns C. */
export function gemm(A: Mat, B: Mat, C: Mat, options: GemmOptions = {}): Mat {
  return multiply("gemm", A, B, C, options, F64);
}

/**
 * gemm on floats: C <- alpha op(A) op(B) + beta C with every product and sum rounded to float32 (each entry
 * summed over k = 0, 1, ... in order; alpha and beta applied in float64 and rounded once, as
 * gemm32Reference does), twice the SIMD lanes of gemm. For the
 * trainers' float32 path. The same on one and several threads; no `upper` option. Small products run in
 * plain loops that sum in float64 and round once (more accurate, not bit-equal to the packed path).
 */
export function gemm32(A: Mat32, B: Mat32, C: Mat32, options: Omit<GemmOptions, "upper"> = {}): Mat32 {
  if ((options as GemmOptions).upper) throw new Error("gemm32: upper is not supported (use gemm)");
  return multiply("gemm32", A, B, C, options, F32);
}

/** gemm and gemm32: the checks, the shortcuts, small loops or the packed product for the element type. */
function multiply<T extends Mat | Mat32>(
  who: string,
  A: T,
  B: T,
  C: T,
  options: GemmOptions,
  el: Element,
): T {
  const { transA, transB, alpha, beta, M, N, K } = readProduct(who, A, B, C, options, el);
  const upper = options.upper ?? false;
  if (upper && M !== N) throw new Error(`${who}: upper needs a square C, got ${M} x ${N}`);
  if (M === 0 || N === 0) return C;
  if (upper && (K === 0 || alpha === 0 || M * N * K < SMALL || M < 4)) {
    // Rare and small: the full product into a copy, then its upper triangle (doubles only: gemm32 has no upper).
    const full = mat(M, N, Float64Array.from(C.data));
    gemm(A as Mat, B as Mat, full, { transA, transB, alpha, beta });
    for (let i = 0; i < M; i++) C.data.set(full.data.subarray(i * N + i, (i + 1) * N), i * N + i);
    return C;
  }
  if (K === 0 || alpha === 0) {
    scaleInto(C.data, beta);
    return C;
  }
  // Small products, and floats on the JS backend (which has a kernel for doubles only), in plain loops.
  if (M * N * K < SMALL || M < 4 || N < 4 || getEngine(0).kernels[el.kind] === undefined) {
    small(A.data, B.data, C.data, M, N, K, transA, transB, alpha, beta);
    return C;
  }
  packed(A.data, B.data, C.data, M, N, K, transA, transB, alpha, beta, upper, el);
  return C;
}

function scaleInto(c: Floats, beta: number): void {
  if (beta === 0) c.fill(0);
  else if (beta !== 1) for (let i = 0; i < c.length; i++) c[i] *= beta;
}

function finish(c: Floats, index: number, sum: number, alpha: number, beta: number): void {
  const v = alpha === 1 ? sum : alpha * sum;
  c[index] = beta === 0 ? v : v + beta * c[index];
}

function small(
  a: Floats,
  b: Floats,
  c: Floats,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
): void {
  // op(A)(i, k) = a[i * ai + k * ak], op(B)(k, j) = b[k * bk + j * bj]
  const ai = transA ? 1 : K;
  const ak = transA ? M : 1;
  const bk = transB ? 1 : N;
  const bj = transB ? K : 1;
  // The same sums in WebAssembly SIMD where the arrays lie in a trainer's arena (elementwise.ts).
  if (productInArena(a, ai, ak, b, bk, bj, c, M, N, K, alpha, beta)) return;
  if (K === 1) {
    // Outer product: each entry is the single product 0 + a b = a b.
    for (let i = 0; i < M; i++) {
      const x = a[i * ai];
      const row = i * N;
      if (alpha === 1 && beta === 0 && bj === 1) for (let j = 0; j < N; j++) c[row + j] = x * b[j];
      else if (beta === 0) for (let j = 0; j < N; j++) c[row + j] = alpha * (x * b[j * bj]);
      else for (let j = 0; j < N; j++) c[row + j] = alpha * (x * b[j * bj]) + beta * c[row + j];
    }
    return;
  }
  if (N === 1) {
    // Matrix-vector (op(B) is a column, b[k] either way), k ascending per entry.
    const acc = new Float64Array(M);
    if (transA) {
      for (let k = 0; k < K; k++) {
        const y = b[k];
        const off = k * M;
        for (let i = 0; i < M; i++) acc[i] += a[off + i] * y;
      }
    } else {
      for (let i = 0; i < M; i++) {
        let s = 0;
        const off = i * K;
        for (let k = 0; k < K; k++) s += a[off + k] * b[k];
        acc[i] = s;
      }
    }
    for (let i = 0; i < M; i++) finish(c, i, acc[i], alpha, beta);
    return;
  }
  if (!transB && N > 1) {
    // Row of C at a time, streaming rows of B: same per-entry order (k ascending from 0).
    const row = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const x = a[i * ai + k * ak];
        const off = k * bk;
        for (let j = 0; j < N; j++) row[j] += x * b[off + j];
      }
      for (let j = 0; j < N; j++) finish(c, i * N + j, row[j], alpha, beta);
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * ai + k * ak] * b[k * bk + j * bj];
      finish(c, i * N + j, s, alpha, beta);
    }
  }
}

/**
 * op(A) or op(B) seen as panels: element (x, k) is src[x * s1 + k * s2], x a row of op(A) or a column
 * of op(B), k the summation index. Row-major storage makes s1 or s2 equal to 1.
 */
interface Operand {
  readonly src: Floats;
  readonly s1: number;
  readonly s2: number;
}

/** Elements of work space for a block of C of rows x cols (see block()), with or without source copies. */
function workSpace(rows: number, cols: number, kc: number, copies: number, nr: number): number {
  const Mp = (rows + 3) & ~3;
  const Np = roundUp(cols, nr);
  return Mp * Np + kc * Np + rowBlock(Mp) * kc + copies;
}

const roundUp = (x: number, step: number): number => Math.ceil(x / step) * step;

/** Rows of op(A) packed at a time for a block of Mp rows: balanced blocks of at most MC. */
function rowBlock(Mp: number): number {
  const mBlocks = Math.ceil(Mp / MC);
  return ((Math.ceil(Mp / mBlocks) + 3) >> 2) << 2;
}

function packed(
  a: Floats,
  b: Floats,
  c: Floats,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
  upper: boolean,
  el: Element,
): void {
  const nr = el.nr;
  // Balanced blocks: K = 500 gives two blocks of 252, not 256 + 244.
  const kBlocks = Math.ceil(K / KC);
  const kc = Math.ceil(Math.ceil(K / kBlocks) / K_STEP) * K_STEP; // a multiple of the kernel's k step
  const A: Operand = { src: a, s1: transA ? 1 : K, s2: transA ? M : 1 };
  const B: Operand = { src: b, s1: transB ? K : 1, s2: transB ? 1 : N };
  const wasmPack = state.backend !== "js" && K_STEP === 1;
  const same = a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;
  const limit = Math.floor(workSpaceLimit / el.bytes);
  const whole = wasmPack ? a.length + (same ? 0 : b.length) : 0;
  if (workSpace(M, N, kc, whole, nr) <= limit) {
    block(A, B, c, N, 0, M, 0, N, K, kc, alpha, beta, upper, wasmPack, same ? "same" : "whole", el);
    return;
  }
  // Tiles of C, each computed as above with the same k blocks in the same order (so every entry is the same
  // sum), copying into the work space only the part of op(A) and op(B) each k block reads.
  const copies = (rows: number, cols: number): number => (wasmPack ? kc * (rows + cols) : 0);
  const fits = (rows: number, cols: number): boolean =>
    workSpace(rows, cols, kc, copies(rows, cols), nr) <= limit;
  /** The most rows (a multiple of 4, at most M) that fit beside `cols` columns; 0 if not even 4. */
  const rowsFor = (cols: number): number => {
    let lo = 0;
    let hi = Math.ceil(M / 4);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(4 * mid, cols)) lo = mid;
      else hi = mid - 1;
    }
    return Math.min(M, 4 * lo);
  };
  // Whole rows of C when a block of at least MC (or all M) rows fits, else square-ish tiles: each tile
  // repacks its part of op(A) and op(B), a cost of 1 / rows and 1 / cols of the multiply-adds.
  let cols = N;
  let rows = rowsFor(cols);
  while (rows < Math.min(M, MC) && cols > nr) {
    cols = Math.max(nr, roundUp(cols >> 1, nr));
    rows = rowsFor(cols);
  }
  if (rows === 0) {
    throw new Error(
      `gemm: a 4 x ${nr} block of C with k blocks of ${kc} needs ${el.bytes * workSpace(4, nr, kc, copies(4, nr), nr)} ` +
        `bytes of work space, more than the limit of ${workSpaceLimit}`,
    );
  }
  for (let r0 = 0; r0 < M; r0 += rows) {
    for (let c0 = upper ? r0 : 0; c0 < N; c0 += cols) {
      const m = Math.min(rows, M - r0);
      const n = Math.min(cols, N - c0);
      block(A, B, c, N, r0, m, c0, n, K, kc, alpha, beta, upper, wasmPack, "blocks", el);
    }
  }
}

/**
 * C[r0 .. r0 + rows, c0 .. c0 + cols] (row stride N) <- alpha op(A) op(B) + beta C over that block (only
 * entries j >= i when upper). Work space (doubles): the block of C (Mp x Np) | packed op(B) (kc x Np) |
 * packed op(A) (mc x kc) | with the wasm packer, copies of the sources it reads: all of a and b copied once
 * ("whole", or a alone when b is the same array: "same"), or for each k block only the rows of op(A) and
 * the columns of op(B) the block needs ("blocks"). The wasm packer then reads them from the module's memory.
 */
function block(
  A: Operand,
  B: Operand,
  c: Floats,
  N: number,
  r0: number,
  rows: number,
  c0: number,
  cols: number,
  K: number,
  kc: number,
  alpha: number,
  beta: number,
  upper: boolean,
  wasmPack: boolean,
  copy: "whole" | "same" | "blocks",
  el: Element,
): void {
  const nr = el.nr;
  const w = el.bytes;
  const Mp = (rows + 3) & ~3;
  const Np = roundUp(cols, nr);
  const mc = rowBlock(Mp);
  const cOff = 0;
  const bOff = Mp * Np;
  const aOff = bOff + kc * Np;
  const aSrc = aOff + mc * kc;
  const aCopy = copy === "blocks" ? rows * kc : A.src.length;
  const bSrc = copy === "same" ? aSrc : aSrc + aCopy;
  const end = copy === "same" ? aSrc + aCopy : bSrc + (copy === "blocks" ? cols * kc : B.src.length);
  const e = getEngine(w * (wasmPack ? end : aSrc));
  const f: Floats = el === F64 ? e.f64 : e.f32;
  const packs = wasmPack ? e.pack : null;
  const [packA, packB] = !packs
    ? [null, null]
    : el === F64
      ? [packs.f64, packs.f64]
      : [packs.f32a, packs.f32b];
  if (packs && copy !== "blocks") {
    f.set(A.src, aSrc);
    if (copy === "whole") f.set(B.src, bSrc);
  }
  const nTiles = Np / nr;
  const tri = upper ? 1 : 0;
  for (let p0 = 0; p0 < K; p0 += kc) {
    const kLen = Math.min(kc, K - p0);
    const kPad = Math.ceil(kLen / K_STEP) * K_STEP;
    // op(B)[p0 .. p0 + kLen, c0 .. c0 + cols] into nr-column panels of kPad rows (zero rows up to a multiple
    // of K_STEP); full panels by the wasm packer when there is one, the ragged last panel here.
    // With worker threads the full panels are packed inside the first row block's job, by the thread that
    // multiplies them (pool.ts PanelPacking).
    const fullB = packB ? Math.floor(cols / nr) : 0;
    let packing: PanelPacking | null = null;
    if (packB) {
      const v = copy === "blocks" ? gather(f, bSrc, B, c0, cols, p0, kLen) : view(bSrc, B, c0, p0);
      packing = { src: w * v.base, step: w * v.s1, stride: w * v.s2, kLen, panels: fullB };
      if (!e.pool) packB(packing.src, w * bOff, fullB, kLen, packing.step, packing.stride);
    }
    packPanels(f, B.src, c0 * B.s1 + p0 * B.s2, bOff, fullB, nTiles, kLen, kPad, B.s1, B.s2, cols, nr);
    const av = !packA
      ? null
      : copy === "blocks"
        ? gather(f, aSrc, A, r0, rows, p0, kLen)
        : view(aSrc, A, r0, p0);
    for (let i0 = 0; i0 < Mp; i0 += mc) {
      const mTiles = Math.min(mc, Mp - i0) >> 2;
      // op(A)[r0 + i0 .. r0 + i0 + mLen, p0 .. p0 + kLen] into 4-row panels.
      const fullA = packA ? Math.min(mTiles, (rows - i0) >> 2) : 0;
      if (packA && av) packA(w * (av.base + i0 * av.s1), w * aOff, fullA, kLen, w * av.s1, w * av.s2);
      const aBase = (r0 + i0) * A.s1 + p0 * A.s2;
      packPanels(f, A.src, aBase, aOff, fullA, mTiles, kLen, kPad, A.s1, A.s2, rows - i0, 4);
      const pc = w * (cOff + i0 * Np);
      const load = p0 === 0 ? 0 : 1;
      // Row tiles are counted from the block's first column for the triangle (upper blocks start on or
      // right of the diagonal).
      const rowTile0 = (r0 + i0 - c0) >> 2;
      if (e.pool) {
        const job = i0 === 0 ? packing : null;
        e.pool.run(el.kind, w * aOff, w * bOff, pc, kPad, w * Np, mTiles, nTiles, load, tri, rowTile0, job);
      } else e.kernels[el.kind](w * aOff, w * bOff, pc, kPad, w * Np, mTiles, 0, nTiles, load, tri, rowTile0);
    }
  }
  for (let i = 0; i < rows; i++) {
    const row = r0 + i;
    const j0 = upper ? Math.max(row, c0) : c0;
    const src = cOff + i * Np - c0;
    const dst = row * N;
    const j1 = c0 + cols;
    if (alpha === 1 && beta === 0) c.set(f.subarray(src + j0, src + j1), dst + j0);
    else if (beta === 0) for (let j = j0; j < j1; j++) c[dst + j] = alpha * f[src + j];
    else if (alpha === 1 && beta === 1) for (let j = j0; j < j1; j++) c[dst + j] += f[src + j];
    else for (let j = j0; j < j1; j++) c[dst + j] = alpha * f[src + j] + beta * c[dst + j];
  }
}

/** Where element (x0, p0) of an operand copied whole to `at` is, with its own strides. */
function view(at: number, X: Operand, x0: number, p0: number): { base: number; s1: number; s2: number } {
  return { base: at + x0 * X.s1 + p0 * X.s2, s1: X.s1, s2: X.s2 };
}

/**
 * Copies elements (x, k), x0 <= x < x0 + count, p0 <= k < p0 + kLen of an operand to f at `at`, compactly
 * in the same orientation (contiguous runs stay contiguous: one copy per run), and says where they are.
 */
function gather(
  f: Floats,
  at: number,
  X: Operand,
  x0: number,
  count: number,
  p0: number,
  kLen: number,
): { base: number; s1: number; s2: number } {
  const start = x0 * X.s1 + p0 * X.s2;
  // Runs along the stride-1 index: count runs of kLen (k contiguous) or kLen runs of count.
  const [runs, runLength, runStride] = X.s2 === 1 ? [count, kLen, X.s1] : [kLen, count, X.s2];
  if (runStride === runLength) {
    f.set(X.src.subarray(start, start + runs * runLength), at);
  } else {
    for (let r = 0; r < runs; r++) {
      const from = start + r * runStride;
      f.set(X.src.subarray(from, from + runLength), at + r * runLength);
    }
  }
  return X.s2 === 1 ? { base: at, s1: kLen, s2: 1 } : { base: at, s1: 1, s2: count };
}

/**
 * Packs panels p in [from, to) of a strided matrix: panel p holds, for k < kLen, the `width` values
 * src[base + (width p + q) step + k stride] (q < width; 0 where width p + q >= limit), then kPad - kLen
 * zero rows.
 */
function packPanels(
  f: Floats,
  src: Floats,
  base: number,
  dstOff: number,
  from: number,
  to: number,
  kLen: number,
  kPad: number,
  step: number,
  stride: number,
  limit: number,
  width: number,
): void {
  for (let p = from; p < to; p++) {
    let dst = dstOff + p * kPad * width;
    const valid = Math.min(width, limit - width * p);
    const start = base + width * p * step;
    for (let k = 0; k < kLen; k++, dst += width) {
      const at = start + k * stride;
      if (valid === 4 && width === 4) {
        f[dst] = src[at];
        f[dst + 1] = src[at + step];
        f[dst + 2] = src[at + 2 * step];
        f[dst + 3] = src[at + 3 * step];
      } else {
        for (let q = 0; q < width; q++) f[dst + q] = q < valid ? src[at + q * step] : 0;
      }
    }
    if (kPad > kLen) f.fill(0, dst, dstOff + (p + 1) * kPad * width);
  }
}

/**
 * gemm32's reference: the textbook triple loop in float32 arithmetic (every product and sum rounded to
 * float32, k ascending from 0 per entry); then alpha s + beta c in float64, rounded once to float32 (as
 * gemm32 applies them).
 */
export function gemm32Reference(
  A: Mat32,
  B: Mat32,
  C: Mat32,
  options: Omit<GemmOptions, "upper"> = {},
): Mat32 {
  return textbook("gemm32Reference", A, B, C, options, F32);
}

/** The textbook triple loop (k ascending from 0 per entry): the reference gemm is tested against. */
export function gemmReference(A: Mat, B: Mat, C: Mat, options: GemmOptions = {}): Mat {
  return textbook("gemmReference", A, B, C, options, F64);
}

/** The two references: sums in float64, or with every product and sum rounded to float32. */
function textbook<T extends Mat | Mat32>(
  who: string,
  A: T,
  B: T,
  C: T,
  options: GemmOptions,
  el: Element,
): T {
  const { transA, transB, alpha, beta, M, N, K } = readProduct(who, A, B, C, options, el);
  const r = el === F32 ? Math.fround : (x: number): number => x;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const x = transA ? A.data[k * M + i] : A.data[i * K + k];
        const y = transB ? B.data[j * K + k] : B.data[k * N + j];
        s = r(s + r(x * y));
      }
      C.data[i * N + j] = beta === 0 ? alpha * s : alpha * s + beta * C.data[i * N + j];
    }
  }
  return C;
}
