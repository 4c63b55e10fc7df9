/**
 * The few WebAssembly JS API members gemm uses, typed here because the lab compiles without the DOM
 * library (where TypeScript declares WebAssembly) and @types/node 20 does not declare them.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module (opaque; it can be posted to worker threads). */
export type WasmModule = object;

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

/** The runtime's WebAssembly object, or null where there is none. */
export const wasmApi: WasmApi | null =
  (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
