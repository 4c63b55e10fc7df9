/**
 * Benchmark of the spectrum module's eigen solvers on two-layer ReLU NTK matrices on the circle:
 * dense eigenvalues at n = 500, 1000, 2000, the 100 largest by block Lanczos at n = 2000, and the circulant
 * FFT path at n = 2000. When python3 with numpy is present, numpy (one thread) runs the same work on the
 * same matrices in the same run: eigvalsh for the dense and top-k rows, numpy.fft.fft of the first row
 * for the circulant row.
 *
 *   npx tsx bench/eigen.ts          a readable table
 *   npx tsx bench/eigen.ts --json   one JSON object, times in milliseconds
 */
import { join } from "node:path";
import type { Matrix } from "ml-matrix";
import { Rng } from "../src/random";
import { eigenvalues } from "../src/spectrum";
import { circleMatrix, gridMatrix, reluNtk } from "../test/circle-kernels";
import { hasNumpy, printTable, runNumpy, scratchDir, writeFloat64 } from "./python";

interface Row {
  work: string;
  n: number;
  jsMs: number;
  numpyMs: number | null;
  numpyWork: string;
}

const NUMPY_SCRIPT = `
import sys, time, json, numpy as np
path, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
K = np.fromfile(path, dtype=np.float64).reshape(n, n)
best = float("inf")
for _ in range(3 if n <= 1000 else 1):
    t = time.perf_counter()
    if kind == "fft":
        np.fft.fft(K[0])
    else:
        np.linalg.eigvalsh(K)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"ms": best * 1000}))
`;

/** numpy's time (best of up to three runs) on the same matrix, one BLAS thread. */
function numpyTime(K: Matrix, kind: "eigvalsh" | "fft", dir: string): number {
  const n = K.rows;
  const path = join(dir, `K${n}.bin`);
  writeFloat64(path, K);
  return runNumpy<{ ms: number }>(NUMPY_SCRIPT, [path, String(n), kind]).ms;
}

/** Best of `repeats` runs, in milliseconds. */
function time(fn: () => unknown, repeats: number): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function main(): void {
  const json = process.argv.includes("--json");
  const numpy = hasNumpy();
  const { dir, cleanup } = scratchDir();
  const rows: Row[] = [];
  const randomMatrix = (n: number): Matrix => {
    const rng = new Rng(n);
    return circleMatrix(
      reluNtk,
      Float64Array.from({ length: n }, () => 2 * Math.PI * rng.uniform()),
    );
  };
  try {
    for (const n of [500, 1000, 2000]) {
      const K = randomMatrix(n);
      rows.push({
        work: "dense eigenvalues",
        n,
        jsMs: time(() => eigenvalues(K), n <= 1000 ? 3 : 1),
        numpyMs: numpy ? numpyTime(K, "eigvalsh", dir) : null,
        numpyWork: "eigvalsh",
      });
    }
    const K = randomMatrix(2000);
    rows.push({
      work: "top-100 (block Lanczos)",
      n: 2000,
      jsMs: time(() => eigenvalues(K, { top: 100 }), 1),
      numpyMs: numpy ? numpyTime(K, "eigvalsh", dir) : null,
      numpyWork: "eigvalsh (all)",
    });
    const G = gridMatrix(reluNtk, 2000);
    rows.push({
      work: "circulant (check + FFT)",
      n: 2000,
      jsMs: time(() => eigenvalues(G, { method: "circulant" }), 3),
      numpyMs: numpy ? numpyTime(G, "fft", dir) : null,
      numpyWork: "fft of first row",
    });
  } finally {
    cleanup();
  }
  const withRatio = rows.map((r) => ({ ...r, ratio: r.numpyMs === null ? null : r.jsMs / r.numpyMs }));
  if (json) {
    console.log(JSON.stringify({ numpy, rows: withRatio }));
    return;
  }
  const header = ["work", "n", "js ms", "numpy ms", "numpy work", "ratio js/numpy"];
  const cells = withRatio.map((r) => [
    r.work,
    String(r.n),
    r.jsMs.toFixed(1),
    r.numpyMs === null ? "-" : r.numpyMs.toFixed(1),
    r.numpyWork,
    r.ratio === null ? "-" : r.ratio.toFixed(1),
  ]);
  printTable(header, cells);
  if (!numpy) console.log("(python3 with numpy not found: js times only)");
}

main();
