/**
 * The WebAssembly micro-kernel of gemm, emitted as binary bytes by a tiny assembler (no npm dependency:
 * wabt is not installed and a ~100-line emitter is less code than a build step).
 *
 * kernel(pa, pb, pc, kc, ldc, mTiles, jt0, jt1, load, tri, rowTile0) multiplies packed panels
 * (gemm.ts packs them):
 *   A: mTiles micro-panels of 4 rows, panel it at pa + it * kc * 32, holding for k = 0 .. kc-1 the
 *      4 values A[4 it + 0..3][k];
 *   B: micro-panels of 4 columns, panel jt at pb + jt * kc * 32, holding for each k B[k][4 jt + 0..3];
 *   C: row-major doubles with row stride ldc bytes at pc; for jt in [jt0, jt1) and every it the 4 x 4
 *      tile C[4 it.., 4 jt..] is loaded into 8 f64x2 accumulators (or they start at 0
 *      when load = 0: the first k block, which then needs no zeroed C), receives acc += a_k * b_k for
 *      k = 0, 1, ..., kc-1 in order (separate mul and add: no fused multiply-add, so every entry is the
 *      same IEEE sum as a plain loop), and is stored back.
 * A 4 x 4 tile uses 8 accumulators + 2 B vectors + 1 broadcast A value: 11 of the 16 xmm registers V8
 * allocates from. Measured alone (200 x 500 x 252 and 420 x 500 x 252, min of 100-200 calls): 4 x 4
 * 22-23 GFlop/s; 5 x 4, 6 x 4, 7 x 4 11-13 GFlop/s (V8 spills); see also K_STEP below.
 */

import { wasmApi } from "./wasm-api";
import { get, i32, I32, name, section, set, simd, uleb, V128, vec, wasmModule } from "./wasm-encoding";

// Value types and opcodes used below.
const op = {
  block: 0x02,
  if: 0x04,
  else: 0x05,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32GeS: 0x4e,
  i32LtS: 0x48,
  i32Sub: 0x6b,
  select: 0x1b,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
};
/** memarg: alignment log2 and a byte offset. */
const vload = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
const vstore = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
/**
 * The two element types: a v128 holds 2 doubles or 4 floats, so a micro-tile's row of 2 vectors is 4
 * columns (f64) or 8 (f32), and a B panel row is 32 bytes either way; an A panel row is mr elements.
 */
export type Element = "f64" | "f32";
/** Columns of a micro-tile (and of a B panel) per element type. */
export const NR: Record<Element, number> = { f64: 4, f32: 8 };
const BYTES: Record<Element, number> = { f64: 8, f32: 4 };
/** v128.load64_splat / v128.load32_splat of one A value. */
const splat = (el: Element, offset: number): number[] =>
  el === "f64" ? simd(0x0a, 3, ...uleb(offset)) : simd(0x09, 2, ...uleb(offset));
const vAdd = (el: Element): number[] => (el === "f64" ? simd(0xf0) : simd(0xe4));
const vMul = (el: Element): number[] => (el === "f64" ? simd(0xf2) : simd(0xe6));

/** The kernel described above, as a function body (locals and code), for doubles or floats. */
function kernelBody(unroll: number, mr: number, el: Element = "f64"): number[] {
  const aBytes = BYTES[el];
  // Parameters 0..10: pa, pb, pc, kc, ldc, mTiles, jt0, jt1, load, tri, rowTile0.
  const [pa, pb, pc, kc, ldc, mTiles, jt0, jt1, load, tri, rowTile0] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // i32 locals 11..: jt, it, ap, bp, aEnd, cp, bPanel, panelBytes (B), aPanelBytes, mEnd.
  const [jt, it, ap, bp, aEnd, cp, bPanel, panelBytes, aPanelBytes, mEnd] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  ];
  // v128 locals 21..: acc (row r, half h is 21 + 2 r + h), b0, b1, a.
  const acc = (r: number, h: number): number => 21 + 2 * r + h;
  const [b0, b1, av] = [21 + 2 * mr, 22 + 2 * mr, 23 + 2 * mr];
  const locals = vec([
    [...uleb(10), I32],
    [...uleb(2 * mr + 3), V128],
  ]);
  const cAddr = (r: number): number[] =>
    r === 0 ? get(cp) : [...get(cp), ...get(ldc), ...i32(r), op.i32Mul, op.i32Add];
  const code: number[] = [
    // panelBytes = kc * 32
    ...get(kc),
    ...i32(5),
    op.i32Shl,
    ...set(panelBytes),
    ...get(kc),
    ...i32(aBytes * mr),
    op.i32Mul,
    ...set(aPanelBytes),
    ...get(jt0),
    ...set(jt),
    op.block,
    0x40,
    op.loop,
    0x40,
    // while (jt < jt1)
    ...get(jt),
    ...get(jt1),
    op.i32GeU,
    op.brIf,
    1,
    // bPanel = pb + jt * panelBytes
    ...get(pb),
    ...get(jt),
    ...get(panelBytes),
    op.i32Mul,
    op.i32Add,
    ...set(bPanel),
    // mEnd = tri ? min(mTiles, jt - rowTile0 + 1) : mTiles (row tiles on or above the diagonal only)
    ...get(tri),
    op.if,
    0x40,
    ...get(jt),
    ...get(rowTile0),
    op.i32Sub,
    ...i32(1),
    op.i32Add,
    ...set(mEnd),
    ...get(mTiles),
    ...get(mEnd),
    ...get(mTiles),
    ...get(mEnd),
    op.i32LtS,
    op.select,
    ...set(mEnd),
    op.else,
    ...get(mTiles),
    ...set(mEnd),
    op.end,
    ...i32(0),
    ...set(it),
    op.block,
    0x40,
    op.loop,
    0x40,
    ...get(it),
    ...get(mEnd),
    op.i32GeS,
    op.brIf,
    1,
    // cp = pc + mr it ldc + 32 jt
    ...get(pc),
    ...get(it),
    ...get(ldc),
    op.i32Mul,
    ...i32(mr),
    op.i32Mul,
    op.i32Add,
    ...get(jt),
    ...i32(5),
    op.i32Shl,
    op.i32Add,
    ...set(cp),
  ];
  code.push(...get(load), op.if, 0x40);
  for (let r = 0; r < mr; r++) {
    for (let h = 0; h < 2; h++) code.push(...cAddr(r), ...vload(16 * h), ...set(acc(r, h)));
  }
  code.push(op.else);
  for (let r = 0; r < mr; r++) {
    for (let h = 0; h < 2; h++) code.push(...simd(0x0c, ...new Array(16).fill(0)), ...set(acc(r, h)));
  }
  code.push(op.end);
  code.push(
    // ap = pa + it * panelBytes; aEnd = ap + panelBytes; bp = bPanel
    ...get(pa),
    ...get(it),
    ...get(aPanelBytes),
    op.i32Mul,
    op.i32Add,
    op.localTee,
    ...uleb(ap),
    ...get(aPanelBytes),
    op.i32Add,
    ...set(aEnd),
    ...get(bPanel),
    ...set(bp),
    op.block,
    0x40,
    op.loop,
    0x40,
    ...get(ap),
    ...get(aEnd),
    op.i32GeU,
    op.brIf,
    1,
  );
  // `unroll` k steps per trip (kc a multiple of it: gemm.ts pads the packed panels with zero rows).
  for (let u = 0; u < unroll; u++) {
    code.push(...get(bp), ...vload(32 * u), ...set(b0), ...get(bp), ...vload(32 * u + 16), ...set(b1));
    for (let r = 0; r < mr; r++) {
      code.push(...get(ap), ...splat(el, aBytes * (mr * u + r)), ...set(av));
      for (let h = 0; h < 2; h++) {
        code.push(...get(acc(r, h)), ...get(av), ...get(h === 0 ? b0 : b1), ...vMul(el), ...vAdd(el));
        code.push(...set(acc(r, h)));
      }
    }
  }
  code.push(
    ...get(ap),
    ...i32(aBytes * mr * unroll),
    op.i32Add,
    ...set(ap),
    ...get(bp),
    ...i32(32 * unroll),
    op.i32Add,
    ...set(bp),
    op.br,
    0,
    op.end,
    op.end,
  );
  for (let r = 0; r < mr; r++) {
    for (let h = 0; h < 2; h++) code.push(...cAddr(r), ...get(acc(r, h)), ...vstore(16 * h));
  }
  code.push(
    ...get(it),
    ...i32(1),
    op.i32Add,
    ...set(it),
    op.br,
    0,
    op.end,
    op.end,
    ...get(jt),
    ...i32(1),
    op.i32Add,
    ...set(jt),
    op.br,
    0,
    op.end,
    op.end,
    op.end,
  );
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** k steps per trip of the kernel's inner loop (see the measurement above). */
export const K_STEP = 1;
/** Rows of the micro-tile (its columns are NR: two vectors). */
export const MR = 4;

/**
 * pack(src, dst, panels, kLen, step, stride): for p < panels, k < kLen, q < w (addresses in bytes; w the
 * panel width, s the element size)
 *   element at dst + ((p kLen + k) w + q) s  <-  element at src + (w p + q) step + k stride,
 * i.e. w-row (or w-column) micro-panels of a strided matrix already copied into the memory: A panels
 * with step = row stride, stride = column stride, B panels the other way round. Plain copies, no
 * arithmetic on the values.
 */
function packBody(width = 4, el: Element = "f64"): number[] {
  const bytes = BYTES[el];
  const [loadOp, storeOp, align] = el === "f64" ? [0x2b, 0x39, 3] : [0x2a, 0x38, 2];
  const [src, dst, panels, kLen, step, stride] = [0, 1, 2, 3, 4, 5];
  const [p, k, sp, d] = [6, 7, 8, 9];
  const locals = vec([[...uleb(4), I32]]);
  const load = (offsetLocal: number | null): number[] => [
    ...get(sp),
    ...(offsetLocal === null
      ? []
      : offsetLocal === 1
        ? [...get(step), op.i32Add]
        : [...get(step), ...i32(offsetLocal), op.i32Mul, op.i32Add]),
    loadOp,
    align,
    0,
  ];
  const code: number[] = [...get(dst), ...set(d), ...i32(0), ...set(p), op.block, 0x40, op.loop, 0x40];
  code.push(...get(p), ...get(panels), op.i32GeU, op.brIf, 1);
  // sp = src + width p step
  code.push(...get(src), ...get(p), ...get(step), op.i32Mul, ...i32(width), op.i32Mul, op.i32Add, ...set(sp));
  code.push(...i32(0), ...set(k), op.block, 0x40, op.loop, 0x40);
  code.push(...get(k), ...get(kLen), op.i32GeU, op.brIf, 1);
  for (let q = 0; q < width; q++) {
    code.push(...get(d), ...load(q === 0 ? null : q), storeOp, align, ...uleb(bytes * q));
  }
  code.push(...get(sp), ...get(stride), op.i32Add, ...set(sp));
  code.push(...get(d), ...i32(bytes * width), op.i32Add, ...set(d));
  code.push(...get(k), ...i32(1), op.i32Add, ...set(k), op.br, 0, op.end, op.end);
  code.push(...get(p), ...i32(1), op.i32Add, ...set(p), op.br, 0, op.end, op.end, op.end);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** Largest memory, in 64 KiB pages, a shared memory may grow to (a reservation, not an allocation). */
export const MAX_PAGES = 32768;

/**
 * The module bytes: imports env.memory (shared when `shared`), exports "kernel" and "pack" (doubles: 4 x 4
 * tiles, 4-wide panels), and "kernel32", "pack32a" and "pack32b" (floats: 4 x 8 tiles, A packed in 4-row
 * panels, B in 8-column panels; each entry summed in float32 in the same k order).
 */
export function kernelModuleBytes(shared: boolean, unroll = K_STEP, mr = MR): Uint8Array {
  const type = section(
    1,
    vec([
      [0x60, ...vec(new Array(11).fill([I32])), 0],
      [0x60, ...vec(new Array(6).fill([I32])), 0],
    ]),
  );
  const limits = shared ? [0x03, ...uleb(1), ...uleb(MAX_PAGES)] : [0x00, ...uleb(1)];
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]]));
  const funcs = section(3, vec([uleb(0), uleb(1), uleb(0), uleb(1), uleb(1)]));
  const exportSection = section(
    7,
    vec([
      [...name("kernel"), 0x00, 0],
      [...name("pack"), 0x00, 1],
      [...name("kernel32"), 0x00, 2],
      [...name("pack32a"), 0x00, 3],
      [...name("pack32b"), 0x00, 4],
    ]),
  );
  const code = section(
    10,
    vec([
      kernelBody(unroll, mr),
      packBody(),
      kernelBody(unroll, mr, "f32"),
      packBody(4, "f32"),
      packBody(NR.f32, "f32"),
    ]),
  );
  return wasmModule(type, imports, funcs, exportSection, code);
}

/** Whether this runtime validates a module with SIMD instructions (and, if asked, shared memory). */
export function wasmSimdSupported(shared: boolean): boolean {
  try {
    return wasmApi !== null && wasmApi.validate(kernelModuleBytes(shared));
  } catch {
    return false;
  }
}
