/**
 * Shared helpers of the benchmarks that run numpy on the same work in the same run: detecting python3 with
 * numpy, running a script with one BLAS thread, handing matrices over through a temporary binary file,
 * medians, and the plain-text table.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Matrix } from "ml-matrix";

/** One thread for every BLAS numpy may be linked against, so that the comparison is core for core. */
export const SINGLE_THREAD_ENV = { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

/** True when `python3 -c "import numpy"` succeeds. */
export function hasNumpy(): boolean {
  return spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" }).status === 0;
}

/** Runs `python3 -c script ...args` with one BLAS thread and parses the JSON its last output line holds. */
export function runNumpy<T>(script: string, args: readonly string[]): T {
  const env = { ...process.env, ...SINGLE_THREAD_ENV };
  const run = spawnSync("python3", ["-c", script, ...args], { encoding: "utf8", env });
  if (run.status !== 0) throw new Error(`bench: numpy run failed (status ${run.status}): ${run.stderr}`);
  const lines = run.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** A temporary folder for the matrices handed to python, removed by cleanup(). */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ntk-bench-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a Matrix (row-major) or a Float64Array as raw little-endian float64, numpy.fromfile's format. */
export function writeFloat64(path: string, data: Matrix | Float64Array): void {
  let flat: Float64Array;
  if (data instanceof Float64Array) {
    flat = data;
  } else {
    flat = new Float64Array(data.rows * data.columns);
    for (let i = 0; i < data.rows; i++) flat.set(data.getRow(i), i * data.columns);
  }
  writeFileSync(path, Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength));
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs fn `repeats` times; returns every time in milliseconds and the last result. */
export function timeRuns<T>(fn: () => T, repeats: number): { ms: number[]; result: T } {
  const ms: number[] = [];
  let result!: T;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    result = fn();
    ms.push(performance.now() - start);
  }
  return { ms, result };
}

/** Prints rows of strings as left-aligned columns under a header. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (row: readonly string[]): string => row.map((v, c) => v.padEnd(widths[c])).join("  ");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
}

/**
 * The CPU's model and the SIMD features that decide numpy's BLAS kernels (OpenBLAS picks Haswell kernels
 * with AVX2 + FMA, SkylakeX ones with AVX-512), for the heading of a benchmark: ours run in WebAssembly's
 * 128-bit SIMD whatever the CPU has.
 */
export function cpuDescription(): string {
  if (!existsSync("/proc/cpuinfo")) return "CPU: unknown (no /proc/cpuinfo)";
  const info = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? "unknown";
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? "").split(/\s+/));
  const simd = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl"].filter((f) => flags.has(f));
  return `CPU: ${model}; SIMD: ${simd.join(" ") || "none of sse4_2/avx/avx2/fma/avx512"}`;
}
