/**
 * Benchmark of the Cholesky solve behind kernelRegression (issue 18): factor + solve of (K + ridge I) alpha = y
 * for a Laplace kernel matrix of n random points in 50 dimensions, ridge 1e-3, at n = 1000, 2000 and 4000,
 * against scipy.linalg.cho_factor + cho_solve (LAPACK dpotrf + dpotrs) with one BLAS thread, in the same run.
 * Ours on one gemm thread and on two (worker threads, the machine's two cores). Each side reports its
 * relative residual ||A alpha - y|| / ||y||, so the work is checked to be the same.
 *
 *   npx tsx bench/solve.ts              a readable table
 *   npx tsx bench/solve.ts --json       one JSON object, times in milliseconds
 *   npx tsx bench/solve.ts --n 8000     other sizes (comma-separated)
 */
import { join } from "node:path";
import { choleskyInPlace, choleskySolveInPlace } from "../src/linalg/cholesky";
import { gemmReady, setGemmBackend } from "../src/linalg/gemm";
import { laplaceKernel } from "../src/kernels";
import { Rng } from "../src/random";
import {
  cpuDescription,
  hasNumpy,
  median,
  printTable,
  runNumpy,
  scratchDir,
  timeRuns,
  writeFloat64,
} from "./python";

const DIMENSION = 50;
const RIDGE = 1e-3;
const REPEATS = 3;

const NUMPY_SCRIPT = `
import sys, time, json, numpy as np, scipy.linalg as sl
path, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
A = np.fromfile(path, dtype=np.float64).reshape(n, n + 1)
y = A[:, n].copy(); A = np.ascontiguousarray(A[:, :n])
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    x = sl.cho_solve(sl.cho_factor(A, lower=False, check_finite=False), y, check_finite=False)
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": times, "residual": float(np.linalg.norm(A @ x - y) / np.linalg.norm(y))}))
`;

/** The system of size n: A = K + ridge I row-major, and y. */
function system(n: number): { a: Float64Array; y: Float64Array } {
  const rng = new Rng(n);
  const X = Array.from({ length: n }, () => Array.from({ length: DIMENSION }, () => rng.normal()));
  const K = laplaceKernel(X, undefined, { sigma: 10 });
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a.set(K.getRow(i), i * n);
    a[i * n + i] += RIDGE;
  }
  return { a, y: Float64Array.from({ length: n }, () => rng.normal()) };
}

function residual(a: Float64Array, n: number, x: Float64Array, y: Float64Array): number {
  let r = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let v = -y[i];
    for (let j = 0; j < n; j++) v += a[i * n + j] * x[j];
    r += v * v;
    s += y[i] * y[i];
  }
  return Math.sqrt(r / s);
}

/** Factor + solve, `repeats` times on `threads` gemm threads: the times and the last residual. */
async function ours(a: Float64Array, y: Float64Array, n: number, threads: number) {
  setGemmBackend({ threads });
  await gemmReady();
  let x = y;
  const { ms } = timeRuns(() => {
    const u = a.slice();
    if (choleskyInPlace(u, n) >= 0) throw new Error("bench/solve: the matrix is not positive definite");
    x = y.slice();
    choleskySolveInPlace(u, n, x, 1);
  }, REPEATS);
  return { ms, residual: residual(a, n, x, y) };
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const at = process.argv.indexOf("--n");
  const sizes = at > 0 ? process.argv[at + 1].split(",").map(Number) : [1000, 2000, 4000];
  const numpy = hasNumpy();
  const { dir, cleanup } = scratchDir();
  const rows = [];
  try {
    for (const n of sizes) {
      const { a, y } = system(n);
      const one = await ours(a, y, n, 1);
      const two = await ours(a, y, n, 2);
      let np: { ms: number[]; residual: number } | null = null;
      if (numpy) {
        const path = join(dir, "A.bin");
        const augmented = new Float64Array(n * (n + 1));
        for (let i = 0; i < n; i++) {
          augmented.set(a.subarray(i * n, (i + 1) * n), i * (n + 1));
          augmented[i * (n + 1) + n] = y[i];
        }
        writeFloat64(path, augmented);
        np = runNumpy(NUMPY_SCRIPT, [path, String(n), String(REPEATS)]);
      }
      const numpyMs = np ? median(np.ms) : null;
      rows.push({
        n,
        oneCoreMs: median(one.ms),
        twoCoresMs: median(two.ms),
        numpyMs,
        ratioOneCore: numpyMs ? median(one.ms) / numpyMs : null,
        ratioTwoCores: numpyMs ? median(two.ms) / numpyMs : null,
        residual: { oneCore: one.residual, twoCores: two.residual, numpy: np?.residual ?? null },
      });
    }
  } finally {
    cleanup();
  }
  if (json) {
    console.log(JSON.stringify({ cpu: cpuDescription(), numpy, repeats: REPEATS, rows }));
    return;
  }
  const fmt = (v: number | null, digits = 0): string => (v === null ? "-" : v.toFixed(digits));
  const exp = (v: number | null): string => (v === null ? "-" : v.toExponential(1));
  console.log(cpuDescription());
  console.log(`Cholesky factor + solve of (K + ${RIDGE} I) alpha = y, Laplace kernel, ${DIMENSION}-d points`);
  console.log(`medians of ${REPEATS}; numpy = scipy cho_factor + cho_solve, one BLAS thread\n`);
  printTable(
    [
      "n",
      "ours 1 core ms",
      "ours 2 cores ms",
      "numpy 1 core ms",
      "1 core / numpy",
      "2 cores / numpy",
      "residuals (1, 2, numpy)",
    ],
    rows.map((r) => [
      String(r.n),
      fmt(r.oneCoreMs),
      fmt(r.twoCoresMs),
      fmt(r.numpyMs),
      fmt(r.ratioOneCore, 2),
      fmt(r.ratioTwoCores, 2),
      `${exp(r.residual.oneCore)}, ${exp(r.residual.twoCores)}, ${exp(r.residual.numpy)}`,
    ]),
  );
  if (!numpy) console.log("(python3 with numpy and scipy not found: our times only)");
  process.exit(0); // the gemm worker threads
}

void main();
