/**
 * The inner step of the Householder tridiagonalization (dense.ts) as a WebAssembly SIMD function, and the
 * plane rotation of two rows that QL applies for eigenvectors, emitted
 * here as bytes (no build step, no dependency; the same approach as src/linalg/wasm.ts, whose emitter is
 * private to it).
 *
 * step(aBase, rowBytes, l, uPtr, vPtr, qPtr, pPtr), byte addresses into the module's memory: for every row
 * j < l of the matrix (row j at aBase + j rowBytes, lower triangle k <= j):
 *   t_k = a_jk - u_j q_k - q_j u_k   (k < j, stored: the rank-2 update A <- A - u q^T - q u^T)
 *   s   = sum_k t_k v_k,   p_k += t_k v_j   (k < j: the next step's product p = A v, lower triangle)
 *   a_jj -= 2 u_j q_j,     p_j += s + a_jj v_j.
 * rotate(r0Ptr, r1Ptr, len, c, s): for k < len, (x, y) = (row0_k, row1_k) becomes (c x - s y, s x + c y),
 * the same operations as dense.ts's rotateRows, so the same bits (QL's eigenvector rotations: 1.8 of the
 * 4.2 s of eigh at n = 1000 in plain JS).
 * Two doubles per instruction (f64x2) with separate multiplies and adds (no fused multiply-add), and
 * the order of operations fixed by the code, so results do not depend on anything but the input.
 *
 * Measured (n = 1000, tridiagonalization alone, this 2-core machine shared with other jobs): plain JS
 * 0.8-1.0 s, with this kernel 130-175 ms (the JS engine's scalar loop has bounds checks and one double
 * per instruction; this one streams two doubles per load with no checks).
 */
import { createHash } from "node:crypto";
import {
  F64,
  get,
  i32,
  I32,
  name,
  section,
  set,
  simd,
  uleb,
  V128,
  vec,
  wasmModule,
} from "../linalg/wasm-encoding";

interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmLike {
  Memory: new (descriptor: { initial: number }) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

export type StepFn = (
  aBase: number,
  rowBytes: number,
  l: number,
  uPtr: number,
  vPtr: number,
  qPtr: number,
  pPtr: number,
) => void;

/** rotate(r0Ptr, r1Ptr, len, c, s): see the file comment. */
export type RotateFn = (r0Ptr: number, r1Ptr: number, len: number, c: number, s: number) => void;

const f64Load = [0x2b, 3, 0];
const f64Store = [0x39, 3, 0];
const vLoad = simd(0x00, 3, 0);
const vStore = simd(0x0b, 3, 0);
const splat = simd(0x14);
const vAdd = simd(0xf0);
const vSub = simd(0xf1);
const vMul = simd(0xf2);
const lane = (i: number): number[] => simd(0x21, i);
const [f64Add, f64Sub, f64Mul] = [[0xa0], [0xa1], [0xa2]];
const [i32Add, i32Mul, i32And, i32GeU, i32LtU] = [[0x6a], [0x6c], [0x71], [0x4f], [0x49]];
const [block, loop, ifOp, end, br, brIf] = [[0x02, 0x40], [0x03, 0x40], [0x04, 0x40], [0x0b], [0x0c], [0x0d]];

function stepBody(): number[] {
  const [aBase, rowBytes, l, uPtr, vPtr, qPtr, pPtr] = [0, 1, 2, 3, 4, 5, 6];
  const [j, ro, k, kEnd, j8] = [7, 8, 9, 10, 11];
  const [uj, qj, vj, t, diag] = [12, 13, 14, 15, 16];
  const [ujv, qjv, vjv, sv, tv] = [17, 18, 19, 20, 21];
  const locals = vec([
    [...uleb(5), I32],
    [...uleb(5), F64],
    [...uleb(5), V128],
  ]);
  const at = (base: number, off: number): number[] => [...get(base), ...get(off), ...i32Add];
  const code: number[] = [
    ...i32(0),
    ...set(j),
    ...block,
    ...loop,
    ...get(j),
    ...get(l),
    ...i32GeU,
    ...brIf,
    1,
    // ro = aBase + j rowBytes; j8 = 8 j
    ...get(aBase),
    ...get(j),
    ...get(rowBytes),
    ...i32Mul,
    ...i32Add,
    ...set(ro),
    ...get(j),
    ...i32(3),
    0x74, // i32.shl
    ...set(j8),
    ...at(uPtr, j8),
    ...f64Load,
    ...set(uj),
    ...at(qPtr, j8),
    ...f64Load,
    ...set(qj),
    ...at(vPtr, j8),
    ...f64Load,
    ...set(vj),
    ...get(uj),
    ...splat,
    ...set(ujv),
    ...get(qj),
    ...splat,
    ...set(qjv),
    ...get(vj),
    ...splat,
    ...set(vjv),
    ...simd(0x0c, ...new Array(16).fill(0)),
    ...set(sv),
    // kEnd = 8 (j & ~1), k = 0
    ...get(j8),
    ...i32(-16),
    ...i32And,
    ...set(kEnd),
    ...i32(0),
    ...set(k),
    ...block,
    ...loop,
    ...get(k),
    ...get(kEnd),
    ...i32GeU,
    ...brIf,
    1,
    // tv = (a - ujv q) - qjv u
    ...at(ro, k),
    ...vLoad,
    ...get(ujv),
    ...at(qPtr, k),
    ...vLoad,
    ...vMul,
    ...vSub,
    ...get(qjv),
    ...at(uPtr, k),
    ...vLoad,
    ...vMul,
    ...vSub,
    ...set(tv),
    ...at(ro, k),
    ...get(tv),
    ...vStore,
    // sv += tv v
    ...get(sv),
    ...get(tv),
    ...at(vPtr, k),
    ...vLoad,
    ...vMul,
    ...vAdd,
    ...set(sv),
    // p += tv vj
    ...at(pPtr, k),
    ...at(pPtr, k),
    ...vLoad,
    ...get(tv),
    ...get(vjv),
    ...vMul,
    ...vAdd,
    ...vStore,
    ...get(k),
    ...i32(16),
    ...i32Add,
    ...set(k),
    ...br,
    0,
    ...end,
    ...end,
  ];
  // s (in t's slot until the diagonal): lane 0 + lane 1; then the odd element k = kEnd when kEnd < 8 j.
  code.push(...get(sv), ...lane(0), ...get(sv), ...lane(1), ...f64Add, ...set(diag));
  code.push(...get(k), ...get(j8), ...i32LtU, ...ifOp);
  code.push(
    ...at(ro, k),
    ...f64Load,
    ...get(uj),
    ...at(qPtr, k),
    ...f64Load,
    ...f64Mul,
    ...f64Sub,
    ...get(qj),
    ...at(uPtr, k),
    ...f64Load,
    ...f64Mul,
    ...f64Sub,
    ...set(t),
    ...at(ro, k),
    ...get(t),
    ...f64Store,
    ...get(diag),
    ...get(t),
    ...at(vPtr, k),
    ...f64Load,
    ...f64Mul,
    ...f64Add,
    ...set(diag),
    ...at(pPtr, k),
    ...at(pPtr, k),
    ...f64Load,
    ...get(t),
    ...get(vj),
    ...f64Mul,
    ...f64Add,
    ...f64Store,
    ...end,
  );
  // a_jj -= 2 uj qj (t holds the new diagonal); p_j += s + a_jj vj (s is in diag's slot).
  code.push(
    ...at(ro, j8),
    ...f64Load,
    ...get(uj),
    ...get(uj),
    ...f64Add,
    ...get(qj),
    ...f64Mul,
    ...f64Sub,
    ...set(t),
    ...at(ro, j8),
    ...get(t),
    ...f64Store,
    ...at(pPtr, j8),
    ...at(pPtr, j8),
    ...f64Load,
    ...get(diag),
    ...get(t),
    ...get(vj),
    ...f64Mul,
    ...f64Add,
    ...f64Add,
    ...f64Store,
    ...get(j),
    ...i32(1),
    ...i32Add,
    ...set(j),
    ...br,
    0,
    ...end,
    ...end,
    ...end,
  );
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** The body of rotate: pairs of entries in f64x2, then the last entry of an odd length. */
function rotateBody(): number[] {
  const [r0, r1, len, c, sn] = [0, 1, 2, 3, 4];
  const [k, kEnd, len8] = [5, 6, 7];
  const [x, y] = [8, 9];
  const [cv, sv, xv, yv] = [10, 11, 12, 13];
  const locals = vec([
    [...uleb(3), I32],
    [...uleb(2), F64],
    [...uleb(4), V128],
  ]);
  const at = (base: number): number[] => [...get(base), ...get(k), ...i32Add];
  const code: number[] = [
    ...[...get(c), ...splat, ...set(cv), ...get(sn), ...splat, ...set(sv)],
    ...[...get(len), ...i32(3), 0x74, ...set(len8)], // i32.shl
    ...[...get(len8), ...i32(-16), ...i32And, ...set(kEnd), ...i32(0), ...set(k)],
    ...block,
    ...loop,
    ...[...get(k), ...get(kEnd), ...i32GeU, ...brIf, 1],
    ...[...at(r0), ...vLoad, ...set(xv), ...at(r1), ...vLoad, ...set(yv)],
    // row1 = s x + c y; row0 = c x - s y
    ...[...at(r1), ...get(sv), ...get(xv), ...vMul, ...get(cv), ...get(yv), ...vMul, ...vAdd, ...vStore],
    ...[...at(r0), ...get(cv), ...get(xv), ...vMul, ...get(sv), ...get(yv), ...vMul, ...vSub, ...vStore],
    ...[...get(k), ...i32(16), ...i32Add, ...set(k), ...br, 0],
    ...end,
    ...end,
    ...[...get(k), ...get(len8), ...i32LtU, ...ifOp],
    ...[...at(r0), ...f64Load, ...set(x), ...at(r1), ...f64Load, ...set(y)],
    ...[...at(r1), ...get(sn), ...get(x), ...f64Mul, ...get(c), ...get(y), ...f64Mul, ...f64Add, ...f64Store],
    ...[...at(r0), ...get(c), ...get(x), ...f64Mul, ...get(sn), ...get(y), ...f64Mul, ...f64Sub, ...f64Store],
    ...end,
    ...end,
  ];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const type = section(
    1,
    vec([
      [0x60, ...vec(new Array(7).fill([I32])), 0],
      [0x60, ...vec([[I32], [I32], [I32], [F64], [F64]]), 0],
    ]),
  );
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec([uleb(0), uleb(1)]));
  const exportSection = section(
    7,
    vec([
      [...name("step"), 0x00, 0],
      [...name("rotate"), 0x00, 1],
    ]),
  );
  const code = section(10, vec([stepBody(), rotateBody()]));
  return wasmModule(type, imports, funcs, exportSection, code);
}

/**
 * The module's step function and memory; null where WebAssembly SIMD is missing. The memory holds the
 * whole matrix (8 n^2 bytes: 128 MB at n = 4000) while a reduction runs; WebAssembly memory cannot shrink,
 * so release() drops a memory larger than KEEP_BYTES and the next view() starts a new one of the size it
 * needs. Smaller ones are kept for the next call (Lanczos reduces its small projected matrix many times).
 * Peak memory of the dense path (eigenvalues, eigh) is therefore the input matrix plus 2 x 8 n^2 bytes
 * (symmetric.ts's row-major copy and this memory; eigh adds 8 n^2 for the vectors): measured at n = 4000,
 * 513 MB resident for a 128 MB matrix, 256 MB above the process before the call, none of it kept after.
 */
export interface TridiagonalKernel {
  /**
   * A Float64Array over the memory with at least `doubles` entries (growing it invalidates older views),
   * and the step and rotate functions working on that memory.
   */
  view(doubles: number): { f64: Float64Array; step: StepFn; rotate: RotateFn };
  /** Ends a reduction: drops the memory if it is larger than KEEP_BYTES. */
  release(): void;
}

/** Memory kept between reductions: matrices up to n = 1448. */
const KEEP_BYTES = 16 * 2 ** 20;

/**
 * The process's one kernel. tslab may evaluate this file again in the same process (a rerun of a
 * notebook's import cell after a change): a new evaluation adopts the kernel on globalThis when its stamp
 * (KERNEL_VERSION, the code that builds the kernel and the module bytes) is the same, and otherwise drops
 * it with its memory.
 */
interface Held {
  readonly version: string;
  readonly kernel: TridiagonalKernel | null;
}

const KEY = Symbol.for("ntk-lab.tridiagonal");
/**
 * The shape of the shared kernel: bump it by hand whenever Held or TridiagonalKernel gains, loses or
 * changes a member, or what one holds or means changes, so that a new evaluation does not adopt a kernel
 * built by older code. createKernel's code and the module bytes are in the stamp already.
 */
const KERNEL_VERSION = 2;
/** This evaluation's kernel, once looked up. */
let adopted: TridiagonalKernel | null | undefined;

export function tridiagonalKernel(): TridiagonalKernel | null {
  if (process.env.NTK_SPECTRUM_WASM === "0") return null;
  if (adopted !== undefined) return adopted;
  const holder = globalThis as unknown as Record<symbol, Held | undefined>;
  const bytes = moduleBytes();
  const version = createHash("sha1")
    .update(String(KERNEL_VERSION))
    .update(createKernel.toString())
    .update(bytes)
    .digest("hex");
  const held = holder[KEY];
  if (held && held.version === version) return (adopted = held.kernel);
  adopted = createKernel(bytes);
  holder[KEY] = { version, kernel: adopted };
  return adopted;
}

function createKernel(bytes: Uint8Array): TridiagonalKernel | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmLike }).WebAssembly;
  if (!wasm) return null;
  let module: object;
  try {
    module = new wasm.Module(bytes);
  } catch {
    return null; // no SIMD here: dense.ts keeps its plain-JS loops
  }
  let current: { memory: WasmMemoryLike; step: StepFn; rotate: RotateFn } | null = null;
  return {
    view(doubles: number): { f64: Float64Array; step: StepFn; rotate: RotateFn } {
      const need = doubles * 8;
      if (current === null) {
        const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(need / 65536)) });
        const { exports } = new wasm.Instance(module, { env: { memory } });
        current = { memory, step: exports.step as StepFn, rotate: exports.rotate as RotateFn };
      }
      const { memory, step, rotate } = current;
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      return { f64: new Float64Array(memory.buffer), step, rotate };
    },
    release(): void {
      if (current !== null && current.memory.buffer.byteLength > KEEP_BYTES) current = null;
    },
  };
}
