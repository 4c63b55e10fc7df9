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
