/**
 * The WebAssembly SIMD peak of this machine's core, for the benchmarks' "% of peak" figures: a loop of
 * independent f64x2 multiply-adds held in registers (12 accumulators, enough to cover the latency of two
 * pipes) as fused multiply-adds (relaxed SIMD's f64x2.relaxed_madd, behind a V8 flag in Node 20, set here
 * before the module is compiled): 2 lanes x 2 flops per instruction.
 * Also the CPU's SIMD features from /proc/cpuinfo, since native peers' width (AVX2 or AVX-512) differs.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import {
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
} from "../src/linalg/wasm-encoding";

const ACC = 12;
const F64 = 0x7c;

/** The loop's body: param 0 the trip count, param 1 the f64 splatted into the multiplier and addend. */
function body(): number[] {
  const first = 2;
  const [m, c] = [first + ACC, first + ACC + 1];
  const code: number[] = [...get(1), ...simd(0x14), ...set(m), ...get(1), ...simd(0x14), ...set(c)];
  code.push(0x02, 0x40, 0x03, 0x40, ...get(0), 0x45, 0x0d, 1); // block, loop, br_if trips == 0
  for (let u = 0; u < 4; u++) {
    for (let a = first; a < first + ACC; a++) {
      code.push(...get(a), ...get(m), ...get(c), ...simd(0x107), ...set(a));
    }
  }
  code.push(...get(0), ...i32(1), 0x6b, ...set(0), 0x0c, 0, 0x0b, 0x0b); // trips--, br 0
  code.push(...get(first));
  for (let a = first + 1; a < first + ACC; a++) code.push(...get(a), ...simd(0xf0));
  code.push(...simd(0x21, 0), 0x0b); // f64x2.extract_lane 0: the result keeps the loop alive
  const withLocals = [...vec([[...uleb(ACC + 2), V128]]), ...code];
  return [...uleb(withLocals.length), ...withLocals];
}

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** GFlop/s of one core (2 flops per lane and multiply-add), or null where the instruction is not available. */
function measure(): number | null {
  const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
  const bytes = wasmModule(
    section(1, vec([[0x60, ...vec([[I32], [F64]]), 1, F64]])),
    section(3, vec([uleb(0)])),
    section(7, vec([[...name("f"), 0, 0]])),
    section(10, vec([body()])),
  );
  if (!wasm.validate(bytes)) return null;
  const f = new wasm.Instance(new wasm.Module(bytes), {}).exports.f as (trips: number, x: number) => number;
  f(1e6, 0.5);
  const trips = 2e7;
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f(trips, 0.999);
    best = Math.min(best, performance.now() - t0);
  }
  return (trips * 4 * ACC * 4) / best / 1e6;
}

export interface Peak {
  /** f64x2 fused multiply-add in registers, GFlop/s per core (null: relaxed SIMD unavailable). */
  fma: number | null;
  cpu: string;
  simd: string[];
  cores: number;
}

/** The CPU's model name and the SIMD features that decide native code's width (from /proc/cpuinfo). */
export function cpuInfo(): { cpu: string; simd: string[] } {
  let cpu = "unknown";
  let flags: string[] = [];
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? cpu;
    flags = (/flags\s*:\s*(.*)/.exec(info)?.[1] ?? "").split(/\s+/);
  } catch {
    // Not Linux: the features stay unknown.
  }
  const simd = flags.filter((f) =>
    /^(sse4_2|avx|avx2|fma|avx512f|avx512vl|avx512_bf16|avx512_fp16)$/.test(f),
  );
  return { cpu, simd };
}

export function simdPeak(): Peak {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return { fma: measure(), ...cpuInfo(), cores: availableParallelism() };
}
