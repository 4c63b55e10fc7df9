/**
 * Kernel-matrix timings (issue 3): at n = 2000 random circle points the ReLU NTK with three hidden
 * layers, the sin NTK and the Laplace kernel; the features-form Monte Carlo NTK with 10^4 samples at
 * n = 1000; and the deep ReLU NTK at n = 1000. Where python3 with numpy is present, the same matrices
 * are computed by vectorized numpy in a child process and the ratio ours / numpy is printed.
 * Usage: tsx bench/kernels.ts [--json]
 */
import { spawnSync } from "node:child_process";
import { circlePoints } from "../src/inputs";
import { erf, laplaceKernel, mlp, monteCarloNtk, ntk, relu, sin } from "../src/kernels";

interface Case {
  name: string;
  n: number;
  /** Slow cases are timed once, without a warm-up run. */
  slow?: boolean;
  run: () => unknown;
  /** numpy statement computing the same matrix from X (n x 2); timed by the python harness. */
  numpy: string;
}

function points(n: number) {
  return circlePoints(n, { random: true, seed: 1 });
}

const numpyErfNtk = `
def erf_ntk(X, L):
    cs = 1 / ((2 / np.pi) * np.arcsin(2 / 3))
    S = X @ X.T
    T = S.copy()
    for _ in range(L):
        q = 1 + 2 * np.diag(S)
        Q = np.outer(q, q)
        Sn = cs * (2 / np.pi) * np.arcsin(np.clip(2 * S / np.sqrt(Q), -1, 1))
        Sd = cs * (4 / np.pi) / np.sqrt(Q - 4 * S * S)
        T = T * Sd + Sn
        S = Sn
    return T
`;

const numpyReluNtk = `
def relu_ntk(X, L):
    S = X @ X.T
    T = S.copy()
    for _ in range(L):
        d = np.sqrt(np.outer(np.diag(S), np.diag(S)))
        t = np.arccos(np.clip(S / d, -1, 1))
        Sn = d * (np.sin(t) + (np.pi - t) * np.cos(t)) / np.pi
        T = T * (np.pi - t) / np.pi + Sn
        S = Sn
    return T
`;

const cases: Case[] = [
  {
    name: "relu NTK, L=3, n=1000",
    n: 1000,
    run: () => ntk(mlp([relu, relu, relu]), points(1000)),
    numpy: "relu_ntk(X, 3)",
  },
  {
    name: "relu NTK, L=3, n=2000",
    n: 2000,
    run: () => ntk(mlp([relu, relu, relu]), points(2000)),
    numpy: "relu_ntk(X, 3)",
  },
  {
    name: "erf NTK, L=3, n=2000",
    n: 2000,
    run: () => ntk(mlp([erf, erf, erf]), points(2000)),
    numpy: "erf_ntk(X, 3)",
  },
  {
    name: "sin NTK, L=1, n=2000",
    n: 2000,
    run: () => ntk(mlp([sin]), points(2000)),
    numpy:
      "(lambda S, q: (lambda e: S * cs * e * np.cosh(S) + cs * e * np.sinh(S))(np.exp(-(q[:, None] + q[None, :]) / 2)))(X @ X.T, np.sum(X * X, 1))",
  },
  {
    name: "Laplace, n=2000",
    n: 2000,
    run: () => laplaceKernel(points(2000)),
    numpy: "np.exp(-np.sqrt(np.maximum(np.sum((X[:, None, :] - X[None, :, :]) ** 2, -1), 0)))",
  },
  {
    name: "Monte Carlo relu NTK, 10^4 samples, n=1000",
    n: 1000,
    slow: true,
    run: () => monteCarloNtk(mlp([relu]), points(1000), undefined, { samples: 10000, seed: 1 }),
    numpy:
      "(lambda H: (X @ X.T) * (((H > 0) * 1.0) @ ((H > 0) * 1.0).T) * (2 / H.shape[1]) + (np.maximum(H, 0) @ np.maximum(H, 0).T) * (2 / H.shape[1]))(X @ rng.standard_normal((2, 10000)))",
  },
];

function timeMs(run: () => unknown, slow = false): number {
  if (!slow) run(); // warm-up: JIT and caches
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function numpyTimes(): (number | null)[] | null {
  const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.status !== 0) return null;
  const script = `
import json, time
import numpy as np
rng = np.random.default_rng(1)
cs = 2 / (1 - np.exp(-2))
${numpyReluNtk}
${numpyErfNtk}
def points(n):
    t = rng.uniform(0, 2 * np.pi, n)
    return np.stack([np.cos(t), np.sin(t)], 1)
out = []
for n, stmt in ${JSON.stringify(cases.map((c) => [c.n, c.numpy]))}:
    X = points(n)
    eval(stmt)
    t0 = time.perf_counter()
    eval(stmt)
    out.append((time.perf_counter() - t0) * 1000)
print(json.dumps(out))
`;
  const result = spawnSync("python3", ["-c", script], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (result.status !== 0) {
    console.error(`numpy timing failed: ${result.stderr}`);
    return null;
  }
  return JSON.parse(result.stdout.trim());
}

function main(): void {
  const json = process.argv.includes("--json");
  const ours = cases.map((c) => timeMs(c.run, c.slow));
  const numpy = numpyTimes();
  const rows = cases.map((c, i) => ({
    case: c.name,
    ms: Math.round(ours[i]),
    numpyMs: numpy && numpy[i] !== null ? Math.round(numpy[i] as number) : null,
    ratio: numpy && numpy[i] ? Number((ours[i] / (numpy[i] as number)).toFixed(2)) : null,
  }));
  if (json) {
    console.log(JSON.stringify({ unit: "ms", numpy: numpy !== null, cases: rows }));
    return;
  }
  console.log("| case | ms | numpy ms | ratio |");
  console.log("|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.case} | ${r.ms} | ${r.numpyMs ?? "-"} | ${r.ratio ?? "-"} |`);
}

main();
