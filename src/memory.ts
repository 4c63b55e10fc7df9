/**
 * The memory budget and the up-front check that every heavy entry point makes before it allocates, so
 * that a call too large for the machine is a clear Error (what it needs, what is allowed and why, which
 * parameter to lower) instead of a failure deep inside a product or an uncatchable heap out-of-memory.
 *
 * Allowed: BUDGET_FRACTION of the smallest of the machine's memory (os.totalmem()) and the cgroup's memory
 * limit, as process.constrainedMemory() reports it (libuv reads the process's own cgroup, nested ones
 * included) and as the root cgroup files say (v2 /sys/fs/cgroup/memory.max, v1
 * /sys/fs/cgroup/memory/memory.limit_in_bytes); "max", 0 or values of 2^60 bytes and more mean no limit. Or exactly NTK_LAB_MEMORY_LIMIT when that is set (bytes, or a
 * size like 8GB, 512MiB, 2G: KB/MB/GB/TB are powers of 1000, K/M/G/T and KiB/MiB/GiB/TiB powers of 1024).
 * The estimates the entry points pass are upper bounds of their peak (each documents its formula); they
 * count what the call allocates plus the n x n matrices it reads, not the rest of the process. checkMemory
 * adds ENGINE_ALLOWANCE for what the engine itself grows by while running a call (compiled code, heap).
 */
import * as fs from "fs";
import { totalmem } from "os";
import { describeValue } from "./validate";
import { gemmWorkSpaceLimit } from "./linalg/gemm";

/**
 * Share of the memory a call may use. 0.75 rather than 0.8: this machine's os.totalmem() is 23.5 GiB,
 * so 0.8 of it (18.8 GiB) would let a 50000 x 50000 kernel (18.6 GiB) through with nothing to spare
 * for the rest of the process and the machine.
 */
export const BUDGET_FRACTION = 0.75;
/** Measured: 10-20 MiB of rss beyond the arrays for a first call at n = 1000-8000, whatever the kernel. */
export const ENGINE_ALLOWANCE = 32 * 2 ** 20;
/** The environment variable that sets the allowed memory directly. */
export const MEMORY_LIMIT_VARIABLE = "NTK_LAB_MEMORY_LIMIT";

const CGROUP_V2 = "/sys/fs/cgroup/memory.max";
const CGROUP_V1 = "/sys/fs/cgroup/memory/memory.limit_in_bytes";
/**
 * cgroup v1 writes "no limit" as 2^63 - 4096 (rounded to pages), and process.constrainedMemory() gives
 * 2^64 for it; anything this large is no limit.
 */
const NO_LIMIT = 2 ** 60;

export interface MemoryBudget {
  /** Bytes a call may use at its peak. */
  readonly bytes: number;
  /** Where the number comes from, for messages. */
  readonly source: string;
}

/** What the budget is computed from: the machine's memory and the raw texts of the cgroup files. */
export interface MemorySources {
  readonly totalMemory: number;
  /** process.constrainedMemory(): the cgroup limit, or 0, undefined or 2^64 when there is none. */
  readonly constrainedMemory?: number;
  /** Contents of cgroup v2's memory.max, null when absent. */
  readonly cgroupV2: string | null;
  /** Contents of cgroup v1's memory.limit_in_bytes, null when absent. */
  readonly cgroupV1: string | null;
  /** The value of NTK_LAB_MEMORY_LIMIT (undefined or "" when unset). */
  readonly override?: string;
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  kb: 1e3,
  m: 2 ** 20,
  mib: 2 ** 20,
  mb: 1e6,
  g: 2 ** 30,
  gib: 2 ** 30,
  gb: 1e9,
  t: 2 ** 40,
  tib: 2 ** 40,
  tb: 1e12,
};

/** A size such as "8GB", "512MiB", "2g" or "1000000000" in bytes; anything else is an Error naming `name`. */
export function parseByteSize(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d*)?(?:e\+?\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!(Number.isFinite(bytes) && bytes > 0)) {
    throw new Error(
      `${name} must be a size > 0 in bytes or with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), ` +
        `such as 8GB or 512MiB, got ${JSON.stringify(text)}`,
    );
  }
  return bytes;
}

/** A cgroup limit file's value in bytes, or null for "max", an absurd value or unreadable text. */
function cgroupLimit(text: string | null): number | null {
  if (text === null) return null;
  const value = text.trim();
  return /^\d+$/.test(value) ? realLimit(Number(value)) : null;
}

/** bytes when it is a real limit (> 0, below NO_LIMIT), else null. */
function realLimit(bytes: number | undefined): number | null {
  return typeof bytes === "number" && bytes > 0 && bytes < NO_LIMIT ? bytes : null;
}

/** The budget from its sources (pure; memoryBudget() reads them from this machine). */
export function budgetFrom(sources: MemorySources): MemoryBudget {
  const { override } = sources;
  if (override !== undefined && override !== "") {
    return {
      bytes: parseByteSize(override, MEMORY_LIMIT_VARIABLE),
      source: `${MEMORY_LIMIT_VARIABLE}=${override}`,
    };
  }
  const percent = `${Math.round(BUDGET_FRACTION * 100)}%`;
  let bytes = sources.totalMemory;
  let source = `${percent} of the machine's ${formatBytes(bytes)}, os.totalmem()`;
  for (const [limit, where] of [
    [realLimit(sources.constrainedMemory), "process.constrainedMemory()"],
    [cgroupLimit(sources.cgroupV2), `in ${CGROUP_V2}`],
    [cgroupLimit(sources.cgroupV1), `in ${CGROUP_V1}`],
  ] as const) {
    if (limit !== null && limit < bytes) {
      bytes = limit;
      source = `${percent} of the cgroup memory limit ${formatBytes(limit)} ${where}`;
    }
  }
  return { bytes: Math.floor(BUDGET_FRACTION * bytes), source };
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

let machine: Omit<MemorySources, "override"> | null = null;

/**
 * The memory a call may use on this machine now (the machine is read once, the variable every time). A
 * malformed NTK_LAB_MEMORY_LIMIT is an Error.
 */
export function memoryBudget(): MemoryBudget {
  return budgetFor("memoryBudget");
}

/** memoryBudget with its Error named for `who`: the function the user called. */
function budgetFor(who: string): MemoryBudget {
  machine ??= {
    totalMemory: totalmem(),
    constrainedMemory: process.constrainedMemory?.(),
    cgroupV2: readOrNull(CGROUP_V2),
    cgroupV1: readOrNull(CGROUP_V1),
  };
  try {
    return budgetFrom({ ...machine, override: process.env[MEMORY_LIMIT_VARIABLE] });
  } catch (error) {
    throw new Error(`${who}: ${(error as Error).message}`);
  }
}

/** Bytes in binary units with three significant digits: "18.6 GiB", "512 MiB", "100 bytes". */
export function formatBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  if (!(bytes >= 1024)) return `${bytes} bytes`;
  let value = bytes / 1024;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[u]}`;
}

/**
 * Throws when bytesNeeded (an upper bound of the call's peak memory) and ENGINE_ALLOWANCE exceed the budget. The message
 * names the function, both sizes, where the limit comes from and `advice`: which parameter to lower,
 * e.g. "lower n (X has 50000 points)".
 */
export function checkMemory(who: string, bytesNeeded: number, advice: string): void {
  if (typeof who !== "string" || who.length === 0) {
    throw new Error(
      `checkMemory: who must be the caller's name (a non-empty string), got ${describeValue(who)}`,
    );
  }
  if (!(Number.isFinite(bytesNeeded) && bytesNeeded >= 0)) {
    throw new Error(
      `${who}: the memory estimate bytesNeeded must be a finite number >= 0, got ${describeValue(bytesNeeded)}`,
    );
  }
  if (typeof advice !== "string" || advice.length === 0) {
    throw new Error(
      `${who}: advice must say which parameter to lower (a non-empty string), got ${describeValue(advice)}`,
    );
  }
  const budget = budgetFor(who);
  const needed = bytesNeeded + ENGINE_ALLOWANCE;
  if (needed <= budget.bytes) return;
  throw new Error(
    `${who}: this call needs about ${formatBytes(needed)} of memory, more than the ` +
      `${formatBytes(budget.bytes)} allowed (${budget.source}); ${advice}, ` +
      `or set ${MEMORY_LIMIT_VARIABLE} (e.g. ${MEMORY_LIMIT_VARIABLE}=32GiB) to allow more`,
  );
}

/** The WebAssembly memory's start, beside gemm's work-space limit (src/linalg/gemm.ts). */
const GEMM_MEMORY_START = 2 ** 20;

/**
 * Upper bound of the bytes linalg's gemm holds for op(A) op(B) (M x K times K x N) beside the caller's
 * A, B and C: its work space, the padded C (M + 3) x (N + 3), a packed block of B (256 x (N + 3)) and of
 * A (256 x 256) and copies of A and B (one of them when both are the same array), but never more than
 * the work-space limit plus the memory's 1 MiB start, since gemm computes larger products in blocks.
 */
export function gemmWorkBytes(M: number, N: number, K: number, sameOperands = false): number {
  const whole = 8 * ((M + 3) * (N + 3) + 256 * (N + 3) + 256 * 256 + M * K + (sameOperands ? 0 : K * N));
  return Math.min(whole, gemmWorkSpaceLimit() + GEMM_MEMORY_START);
}

/**
 * The order n of a square matrix given as an ml-matrix Matrix (n x n) or an array of n rows whose first
 * row has length n, read without touching any entry; 0 for anything else (a non-square Matrix, a flat
 * list: the caller's argument checks then say what is wrong).
 */
export function matrixOrder(K: unknown): number {
  if (Array.isArray(K)) {
    const first: unknown = K[0];
    const length = (first as { length?: unknown } | null)?.length;
    return typeof first === "object" && length === K.length ? K.length : 0;
  }
  const { rows, columns } = (K ?? {}) as { rows?: unknown; columns?: unknown };
  return typeof rows === "number" && Number.isInteger(rows) && rows >= 0 && rows === columns ? rows : 0;
}
