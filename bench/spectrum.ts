/**
 * Benchmark of the spectrum work behind notebook 02 (issue 4), against numpy with one BLAS thread on the same
 * work in the same run:
 * 1. the decay slope of the two-layer ReLU NTK on n = 2000 random circle points: the kernel matrix, its
 *    eigenvalues up to rank 100 (the default top-k path: block Lanczos, whose block grows to 16 for a
 *    window this long) and both fits (least squares and endpoints over ranks 30..100), against numpy's
 *    matrix + eigvalsh + the same fits;
 * 2. the full spectrum of kernel matrices (the dense path) at n = 1000, 2000 and 4000 against
 *    numpy.linalg.eigvalsh, and eigh (eigenvalues and eigenvectors) at n = 1000 and 2000 against
 *    numpy.linalg.eigh (LAPACK dsyevd). The dense solver runs on one thread (its reduction is a sequence of
 *    matrix-vector passes; see src/spectrum/dense.ts), so these rows are the same on one core and two.
 * Times are medians of a few repeats; each side also reports its result, so the work is checked to be the same
 * (equal slopes, equal eigenvalues). The heading prints the CPU's SIMD features: numpy's OpenBLAS runs
 * 256-bit AVX2 + FMA (or AVX-512) kernels, ours WebAssembly's 128-bit SIMD without FMA.
 *
 *   npx tsx bench/spectrum.ts                   a readable table
 *   npx tsx bench/spectrum.ts --json            one JSON object, times in milliseconds
 *   npx tsx bench/spectrum.ts --eigh 1000,4000  other eigh sizes (--dense likewise for the spectrum)
 */
import { join } from "node:path";
import { circlePoints } from "../src/inputs";
import { mlp, ntk, relu } from "../src/kernels";
import { decaySlope, eigenvalues, eigh } from "../src/spectrum";
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

const SLOPE_N = 2000;
const DENSE_N = [1000, 2000, 4000];
const EIGH_N = [1000, 2000];
const FROM = 30;
const TO = 100;
/** Repeats by task; the dense rows take fewer at the larger sizes (see repeatsAt). */
const REPEATS = { slope: 3, spectrum: 5 };
const repeatsAt = (n: number): number => (n <= 1000 ? REPEATS.spectrum : n <= 2000 ? 3 : 1);
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
        lam = np.linalg.eigvalsh(K) if task == "spectrum" else np.linalg.eigh(K)[0]
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

/** Task 2: all eigenvalues (vectors false) or eigh (vectors true) of the ReLU NTK matrix of n points. */
function denseTask(numpy: boolean, dir: string, n: number, vectors: boolean): Row {
  const K = ntk(mlp([relu]), circlePoints(n, { random: true, seed: SEED }));
  const repeats = repeatsAt(n);
  const { ms, result } = timeRuns(() => (vectors ? eigh(K).values : eigenvalues(K)), repeats);
  let np: NumpyResult | null = null;
  if (numpy) {
    const path = join(dir, "K.bin");
    writeFloat64(path, K);
    np = runNumpy<NumpyResult>(NUMPY_SCRIPT, [
      vectors ? "eigh" : "spectrum",
      path,
      String(n),
      String(repeats),
    ]);
  }
  let worst: number | null = null;
  if (np?.out.eigenvalues) {
    worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(result[i] - np.out.eigenvalues[i]));
    worst /= result[0];
  }
  const jsMs = median(ms);
  const numpyMs = np ? median(np.ms) : null;
  return {
    work: vectors
      ? "eigh (values and vectors), ReLU NTK matrix, random circle points"
      : "full spectrum, ReLU NTK matrix on random circle points",
    n,
    jsPath: vectors ? "eigh(K) (dense)" : "eigenvalues(K) (dense)",
    jsMs,
    jsRuns: ms,
    numpyWork: vectors ? "eigh" : "eigvalsh",
    numpyMs,
    numpyRuns: np ? np.ms : null,
    ratio: numpyMs === null ? null : jsMs / numpyMs,
    check: { maxAbsDifferenceOverLambda1: worst },
  };
}

/** The sizes after `flag` on the command line, or the defaults. */
function sizesFrom(flag: string, defaults: number[]): number[] {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1].split(",").map(Number) : defaults;
}

function main(): void {
  const json = process.argv.includes("--json");
  const numpy = hasNumpy();
  const { dir, cleanup } = scratchDir();
  let rows: Row[];
  try {
    rows = [
      slopeTask(numpy, dir),
      ...sizesFrom("--dense", DENSE_N).map((n) => denseTask(numpy, dir, n, false)),
      ...sizesFrom("--eigh", EIGH_N).map((n) => denseTask(numpy, dir, n, true)),
    ];
  } finally {
    cleanup();
  }
  if (json) {
    console.log(
      JSON.stringify({
        cpu: cpuDescription(),
        numpy,
        repeats: REPEATS,
        rows: rows.map(({ np, ...row }) => row),
      }),
    );
    return;
  }
  const fmt = (v: number | null | undefined, digits = 1): string =>
    v === null || v === undefined ? "-" : v.toFixed(digits);
  console.log(cpuDescription());
  console.log("numpy with one BLAS thread; ours on one thread\n");
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
