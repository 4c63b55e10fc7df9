/**
 * Benchmark of the spectrum work behind notebook 02 (issue 4), against numpy with one BLAS thread on the same
 * work in the same run:
 * 1. the decay slope of the two-layer ReLU NTK on n = 2000 random circle points: the kernel matrix, its
 *    eigenvalues up to rank 100 (the default top-k path: block Lanczos, whose block grows to 16 for a
 *    window this long) and both fits (least squares and endpoints over ranks 30..100), against numpy's
 *    matrix + eigvalsh + the same fits;
 * 2. the full spectrum of an n = 1000 kernel matrix (the dense path) against numpy.linalg.eigvalsh.
 * Times are medians of a few repeats; each side also reports its result, so the work is checked to be the same
 * (equal slopes, equal eigenvalues).
 *
 *   npx tsx bench/spectrum.ts          a readable table
 *   npx tsx bench/spectrum.ts --json   one JSON object, times in milliseconds
 */
import { join } from "node:path";
import { circlePoints } from "../src/inputs";
import { mlp, ntk, relu } from "../src/kernels";
import { decaySlope, eigenvalues } from "../src/spectrum";
import { hasNumpy, median, printTable, runNumpy, scratchDir, timeRuns, writeFloat64 } from "./python";

const SLOPE_N = 2000;
const SPECTRUM_N = 1000;
const FROM = 30;
const TO = 100;
const REPEATS = { slope: 3, spectrum: 5 };
const SEED = 1;

/** The same two tasks in numpy: the ReLU NTK from the points by its closed form (Problem Set 4, problem 5a). */
const NUMPY_SCRIPT = `
import sys, time, json, numpy as np
task, path, n, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lo, hi = ${FROM}, ${TO}
def relu_ntk(X):
    S = np.clip(X @ X.T, -1.0, 1.0)
    t = np.arccos(S)
    return (S * (np.pi - t) + np.sin(t)) / np.pi + S * (np.pi - t) / np.pi
times, parts, out = [], [], None
for _ in range(repeats):
    if task == "slope":
        X = np.fromfile(path, dtype=np.float64).reshape(n, 2)
        t0 = time.perf_counter()
        K = relu_ntk(X)
        t1 = time.perf_counter()
        lam = np.linalg.eigvalsh(K)[::-1][:hi]
        t2 = time.perf_counter()
        x = np.log(np.arange(lo, hi + 1))
        y = np.log(lam[lo - 1:hi])
        lsq = float(np.polyfit(x, y, 1)[0])
        ends = float((y[-1] - y[0]) / (x[-1] - x[0]))
        t3 = time.perf_counter()
        times.append((t3 - t0) * 1000)
        parts.append({"matrixMs": (t1 - t0) * 1000, "eigenMs": (t2 - t1) * 1000, "fitMs": (t3 - t2) * 1000})
        out = {"lsq": lsq, "endpoints": ends}
    else:
        K = np.fromfile(path, dtype=np.float64).reshape(n, n)
        t0 = time.perf_counter()
        lam = np.linalg.eigvalsh(K)
        times.append((time.perf_counter() - t0) * 1000)
        out = {"top": float(lam[-1]), "eigenvalues": lam[::-1].tolist()}
print(json.dumps({"ms": times, "parts": parts, "out": out}))
`;

interface NumpyResult {
  ms: number[];
  parts: { matrixMs: number; eigenMs: number; fitMs: number }[];
  out: { lsq?: number; endpoints?: number; eigenvalues?: number[] };
}

interface Row {
  work: string;
  n: number;
  jsPath: string;
  jsMs: number;
  jsRuns: number[];
  jsParts?: { matrixMs: number; eigenMs: number; fitMs: number };
  numpyWork: string;
  numpyMs: number | null;
  numpyRuns: number[] | null;
  numpyParts?: { matrixMs: number; eigenMs: number; fitMs: number };
  ratio: number | null;
  /** The numpy run behind the row (not printed). */
  np?: NumpyResult | null;
  /** How closely the two results agree. */
  check: Record<string, number | null>;
}

function medianParts(parts: { matrixMs: number; eigenMs: number; fitMs: number }[]) {
  return {
    matrixMs: median(parts.map((p) => p.matrixMs)),
    eigenMs: median(parts.map((p) => p.eigenMs)),
    fitMs: median(parts.map((p) => p.fitMs)),
  };
}

/** Task 1: the decay slope through the lab's default top-k path. */
function slopeTask(numpy: boolean, dir: string): Row {
  let np: NumpyResult | null = null;
  const X = circlePoints(SLOPE_N, { random: true, seed: SEED });
  const arch = mlp([relu]);
  const parts: { matrixMs: number; eigenMs: number; fitMs: number }[] = [];
  const { ms, result } = timeRuns(() => {
    const t0 = performance.now();
    const K = ntk(arch, X);
    const t1 = performance.now();
    const lambda = eigenvalues(K, { top: TO });
    const t2 = performance.now();
    const lsq = decaySlope(lambda, { from: FROM, to: TO, n: SLOPE_N, method: "lsq" });
    const endpoints = decaySlope(lambda, { from: FROM, to: TO, n: SLOPE_N, method: "endpoints" });
    const t3 = performance.now();
    parts.push({ matrixMs: t1 - t0, eigenMs: t2 - t1, fitMs: t3 - t2 });
    return { lsq: lsq.slope as number, endpoints: endpoints.slope as number };
  }, REPEATS.slope);
  if (numpy) {
    const path = join(dir, "X.bin");
    writeFloat64(path, X);
    np = runNumpy<NumpyResult>(NUMPY_SCRIPT, ["slope", path, String(SLOPE_N), String(REPEATS.slope)]);
  }
  const jsMs = median(ms);
  const numpyMs = np ? median(np.ms) : null;
  return {
    work: `decay slope, ReLU NTK, random circle points (matrix + top ${TO} + 2 fits)`,
    n: SLOPE_N,
    jsPath: `ntk + eigenvalues({ top: ${TO} }) (block Lanczos) + decaySlope x2`,
    jsMs,
    jsRuns: ms,
    jsParts: medianParts(parts),
    numpyWork: "closed-form matrix + eigvalsh (all) + polyfit & endpoints",
    numpyMs,
    numpyRuns: np ? np.ms : null,
    numpyParts: np ? medianParts(np.parts) : undefined,
    ratio: numpyMs === null ? null : jsMs / numpyMs,
    np,
    check: {
      jsLsq: result.lsq,
      jsEndpoints: result.endpoints,
      numpyLsq: np?.out.lsq ?? null,
      numpyEndpoints: np?.out.endpoints ?? null,
    },
  };
}

function spectrumTask(numpy: boolean, dir: string): Row {
  const K = ntk(mlp([relu]), circlePoints(SPECTRUM_N, { random: true, seed: SEED }));
  const { ms, result } = timeRuns(() => eigenvalues(K), REPEATS.spectrum);
  let np: NumpyResult | null = null;
  if (numpy) {
    const path = join(dir, "K.bin");
    writeFloat64(path, K);
    np = runNumpy<NumpyResult>(NUMPY_SCRIPT, [
      "spectrum",
      path,
      String(SPECTRUM_N),
      String(REPEATS.spectrum),
    ]);
  }
  let worst: number | null = null;
  if (np?.out.eigenvalues) {
    worst = 0;
    for (let i = 0; i < SPECTRUM_N; i++) worst = Math.max(worst, Math.abs(result[i] - np.out.eigenvalues[i]));
    worst /= result[0];
  }
  const jsMs = median(ms);
  const numpyMs = np ? median(np.ms) : null;
  return {
    work: "full spectrum, ReLU NTK matrix on random circle points",
    n: SPECTRUM_N,
    jsPath: "eigenvalues(K) (dense)",
    jsMs,
    jsRuns: ms,
    numpyWork: "eigvalsh",
    numpyMs,
    numpyRuns: np ? np.ms : null,
    ratio: numpyMs === null ? null : jsMs / numpyMs,
    check: { maxAbsDifferenceOverLambda1: worst },
  };
}

function main(): void {
  const json = process.argv.includes("--json");
  const numpy = hasNumpy();
  const { dir, cleanup } = scratchDir();
  let rows: Row[];
  try {
    rows = [slopeTask(numpy, dir), spectrumTask(numpy, dir)];
  } finally {
    cleanup();
  }
  if (json) {
    console.log(JSON.stringify({ numpy, repeats: REPEATS, rows: rows.map(({ np, ...row }) => row) }));
    return;
  }
  const fmt = (v: number | null | undefined, digits = 1): string =>
    v === null || v === undefined ? "-" : v.toFixed(digits);
  printTable(
    ["work", "n", "js ms (median)", "numpy ms (median)", "ratio js/numpy"],
    rows.map((r) => [r.work, String(r.n), fmt(r.jsMs), fmt(r.numpyMs), fmt(r.ratio, 2)]),
  );
  console.log("");
  for (const r of rows) {
    console.log(`${r.work}, n = ${r.n}`);
    console.log(`  js:    ${r.jsPath}; runs ${r.jsRuns.map((v) => v.toFixed(0)).join(", ")} ms`);
    if (r.jsParts) {
      const p = r.jsParts;
      console.log(
        `         matrix ${fmt(p.matrixMs)} ms, eigenvalues ${fmt(p.eigenMs)} ms, fits ${fmt(p.fitMs, 2)} ms`,
      );
    }
    if (r.numpyRuns) {
      console.log(`  numpy: ${r.numpyWork}; runs ${r.numpyRuns.map((v) => v.toFixed(0)).join(", ")} ms`);
      if (r.numpyParts) {
        const p = r.numpyParts;
        console.log(
          `         matrix ${fmt(p.matrixMs)} ms, eigvalsh ${fmt(p.eigenMs)} ms, fits ${fmt(p.fitMs, 2)} ms`,
        );
      }
    }
    const check = Object.entries(r.check)
      .map(([k, v]) => `${k} ${v === null ? "-" : Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(6)}`)
      .join(", ");
    console.log(`  check: ${check}`);
  }
  if (!numpy) console.log("(python3 with numpy not found: js times only)");
}

main();
