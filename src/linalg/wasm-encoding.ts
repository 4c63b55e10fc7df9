/**
 * The few pieces of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/) the
 * lab's hand-assembled kernels share: LEB128 integers, sections, vectors, names, value types, and the
 * instruction encodings both the GEMM kernel (linalg/wasm.ts) and the tridiagonalization step
 * (spectrum/tridiagonal-wasm.ts) use. Emitting bytes from TypeScript keeps the build free of a WAT compiler.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export function name(s: string): number[] {
  const bytes = [...Buffer.from(s, "utf8")];
  return [...uleb(bytes.length), ...bytes];
}

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** local.get, local.set, i32.const and a SIMD (0xfd-prefixed) instruction with its immediates. */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
export const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];

/** A module: the magic "\0asm", version 1, then the sections in order. */
export function wasmModule(...sections: number[][]): Uint8Array {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

/** A function of a module: its name, parameter types, its locals' declaration and its code (no END). */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly number[];
  readonly code: readonly number[];
}

/**
 * A module importing env.memory (plain with at least one page, or shared with at most maxPages pages) and
 * exporting the functions by name, none returning a value; function types are shared between functions of
 * the same parameters.
 */
export function moduleBytes(
  functions: readonly WasmFunction[],
  memory: { shared: boolean; maxPages: number },
): Uint8Array {
  const types: number[][] = [];
  const typeOf = functions.map((f) => {
    const t = [0x60, ...vec(f.params.map((p) => [p])), 0];
    let i = types.findIndex((u) => u.length === t.length && u.every((x, k) => x === t[k]));
    if (i < 0) i = types.push(t) - 1;
    return i;
  });
  const bodies = functions.map((f) => {
    const body = [...f.locals, ...f.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const limits = memory.shared ? [0x03, ...uleb(1), ...uleb(memory.maxPages)] : [0x00, ...uleb(1)];
  return wasmModule(
    section(1, vec(types)),
    section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    section(3, vec(typeOf.map((t) => uleb(t)))),
    section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    section(10, vec(bodies)),
  );
}
