/**
 * Kernel-matrix timings against numpy and jax on the same work in the same run (issue kernel-speed).
 * Analytic NTKs at n = 2000 random circle points: three hidden ReLU layers, one sin layer, one erf layer,
 * K(X, X) and the two-set K(X, Y) with m = 2000; the depth-3 ReLU NTK at n = 10000; the Laplace kernel and
 * the features-form Monte Carlo NTK (GEMM-bound). Ours on one and on two threads; numpy (vectorized
 * closed forms, one BLAS thread) and jax.jit of the same closed forms in float64, each pinned to one core
 * and to two (taskset). Medians of `repeats` runs after a warm-up (n = 10000: one run after the warm-up). Prints the CPU model and its SIMD
 * features: native code's width (AVX2, AVX-512) against WebAssembly's two doubles decides the ratios.
 * Usage: tsx bench/kernels.ts [--repeats 3] [--no-10000] [--json]
 */
import { spawnSync } from "node:child_process";
import { circlePoints } from "../src/inputs";
import { erf, laplaceKernel, mlp, monteCarloNtk, ntk, relu, sin } from "../src/kernels";
import { setGemmBackend } from "../src/linalg/gemm";
import { tilePoolReady } from "../src/linalg/tile-pool";
import { cpuInfo } from "./peak";
import { median, printTable, SINGLE_THREAD_ENV } from "./python";

interface Case {
  readonly name: string;
  readonly n: number;
  /** m for K(X, Y); 0 for K(X, X). */
  readonly m: number;
  readonly run: (X: ReturnType<typeof points>, Y: ReturnType<typeof points> | undefined) => unknown;
  /** The python expression of the same matrix from X (and Y), names from PEERS; null: not run there. */
  readonly numpy: string | null;
  readonly jax: string | null;
  readonly big?: boolean;
}

function points(n: number, seed: number) {
  return circlePoints(n, { random: true, seed });
}

/** The closed forms for numpy (np) and jax (jnp); K(X, Y) with Y = X for the symmetric case. */
const PEERS = `
def relu_ntk(np, X, Y, L):
    S = X @ Y.T
    qx = np.sum(X * X, 1)
    qy = np.sum(Y * Y, 1)
    T = S
    for _ in range(L):
        d = np.sqrt(np.outer(qx, qy))
        t = np.arccos(np.clip(S / d, -1, 1))
        Sn = d * (np.sin(t) + (np.pi - t) * np.cos(t)) / np.pi
        T = T * (np.pi - t) / np.pi + Sn
        S = Sn
    return T
def sin_ntk(np, X, Y):
    cs = 2 / (1 - np.exp(-2))
    S = X @ Y.T
    e = np.exp(-np.sum(X * X, 1) / 2)[:, None] * np.exp(-np.sum(Y * Y, 1) / 2)[None, :]
    return cs * e * np.sinh(S) + S * cs * e * np.cosh(S)
def erf_ntk(np, X, Y):
    cs = 1 / ((2 / np.pi) * np.arcsin(2 / 3))
    S = X @ Y.T
    qx = 1 + 2 * np.sum(X * X, 1)
    qy = 1 + 2 * np.sum(Y * Y, 1)
    Q = np.outer(qx, qy)
    Sn = cs * (2 / np.pi) * np.arcsin(np.clip(2 * S / np.sqrt(Q), -1, 1))
    Sd = cs * (4 / np.pi) / np.sqrt(Q - 4 * S * S)
    return S * Sd + Sn
def laplace(np, X, Y):
    D = np.sum(X * X, 1)[:, None] + np.sum(Y * Y, 1)[None, :] - 2 * X @ Y.T
    return np.exp(-np.sqrt(np.maximum(D, 0)))
`;

const cases: Case[] = [
  {
    name: "relu NTK, 3 layers, n=2000",
    n: 2000,
    m: 0,
    run: (X) => ntk(mlp([relu, relu, relu]), X),
    numpy: "relu_ntk(np, X, X, 3)",
    jax: "relu_ntk(jnp, X, X, 3)",
  },
  {
    name: "relu NTK, 3 layers, K(X, Y), n=m=2000",
    n: 2000,
    m: 2000,
    run: (X, Y) => ntk(mlp([relu, relu, relu]), X, Y),
    numpy: "relu_ntk(np, X, Y, 3)",
    jax: "relu_ntk(jnp, X, Y, 3)",
  },
  {
    name: "sin NTK, 1 layer, n=2000",
    n: 2000,
    m: 0,
    run: (X) => ntk(mlp([sin]), X),
    numpy: "sin_ntk(np, X, X)",
    jax: "sin_ntk(jnp, X, X)",
  },
  {
    name: "sin NTK, 1 layer, K(X, Y), n=m=2000",
    n: 2000,
    m: 2000,
    run: (X, Y) => ntk(mlp([sin]), X, Y),
    numpy: "sin_ntk(np, X, Y)",
    jax: "sin_ntk(jnp, X, Y)",
  },
  {
    name: "erf NTK, 1 layer, n=2000",
    n: 2000,
    m: 0,
    run: (X) => ntk(mlp([erf]), X),
    numpy: "erf_ntk(np, X, X)",
    jax: "erf_ntk(jnp, X, X)",
  },
  {
    name: "erf NTK, 1 layer, K(X, Y), n=m=2000",
    n: 2000,
    m: 2000,
    run: (X, Y) => ntk(mlp([erf]), X, Y),
    numpy: "erf_ntk(np, X, Y)",
    jax: "erf_ntk(jnp, X, Y)",
  },
  {
    name: "relu NTK, 3 layers, n=10000",
    n: 10000,
    m: 0,
    run: (X) => ntk(mlp([relu, relu, relu]), X),
    numpy: "relu_ntk(np, X, X, 3)",
    jax: "relu_ntk(jnp, X, X, 3)",
    big: true,
  },
  {
    name: "Laplace, n=2000",
    n: 2000,
    m: 0,
    run: (X) => laplaceKernel(X),
    numpy: "laplace(np, X, X)",
    jax: null,
  },
  {
    name: "Monte Carlo relu NTK, 10^4 samples, n=1000",
    n: 1000,
    m: 0,
    run: (X) => monteCarloNtk(mlp([relu]), X, undefined, { samples: 10000, seed: 1 }),
    numpy:
      "(lambda H: (X @ X.T) * (((H > 0) * 1.0) @ ((H > 0) * 1.0).T) * (2 / H.shape[1]) + (np.maximum(H, 0) @ np.maximum(H, 0).T) * (2 / H.shape[1]))(X @ np.random.default_rng(1).standard_normal((2, 10000)))",
    jax: null,
  },
];

function argument(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  const value = k >= 0 ? Number(process.argv[k + 1]) : fallback;
  if (!(Number.isInteger(value) && value >= 1))
    throw new Error(`bench/kernels: ${name} must be an integer >= 1`);
  return value;
}

/** Median ms of the peers on every case, pinned to `cores` cores; null entries where a peer is missing. */
function peerTimes(
  selected: readonly Case[],
  cores: number,
  repeats: number,
): { numpy: (number | null)[]; jax: (number | null)[] } | null {
  const script = `
import json, sys, time
import numpy as np
try:
    import jax, jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except Exception:
    jax = None
${PEERS}
def points(n, seed):
    t = np.random.default_rng(seed).uniform(0, 2 * np.pi, n)
    return np.stack([np.cos(t), np.sin(t)], 1)
cases = json.loads(sys.argv[1])
repeats = int(sys.argv[2])
def median(f, n):
    f()
    ts = []
    for _ in range(repeats if n < 10000 else 1):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2]
out = {"numpy": [], "jax": []}
for n, m, numpy_stmt, jax_stmt in cases:
    X = points(n, 1)
    Y = points(m, 2) if m else X
    out["numpy"].append(median(lambda: eval(numpy_stmt), n) if numpy_stmt else None)
    if jax is not None and jax_stmt:
        f = jax.jit(lambda X, Y: eval(jax_stmt, globals(), {"X": X, "Y": Y, "jnp": jnp}))
        Xj, Yj = jnp.asarray(X), jnp.asarray(Y)
        out["jax"].append(median(lambda: f(Xj, Yj).block_until_ready(), n))
    else:
        out["jax"].append(None)
print(json.dumps(out))
`;
  const spec = JSON.stringify(selected.map((c) => [c.n, c.m, c.numpy, c.jax]));
  const pin = spawnSync("taskset", ["--version"]).status === 0;
  const cpus = Array.from({ length: cores }, (_, k) => k).join(",");
  const command = pin ? "taskset" : "python3";
  const args = pin
    ? ["-c", cpus, "python3", "-c", script, spec, String(repeats)]
    : ["-c", script, spec, String(repeats)];
  const env = { ...process.env, ...(cores === 1 ? SINGLE_THREAD_ENV : {}) };
  const run = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.error(
      `bench/kernels: the python peers failed (status ${run.status}): ${run.stderr.slice(-2000)}`,
    );
    return null;
  }
  const lines = run.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function ours(selected: readonly Case[], threads: number, repeats: number): Promise<number[]> {
  setGemmBackend({ threads });
  await tilePoolReady();
  return selected.map((c) => {
    const X = points(c.n, 1);
    const Y = c.m ? points(c.m, 2) : undefined;
    c.run(X, Y);
    const ms: number[] = [];
    for (let r = 0; r < (c.big ? 1 : repeats); r++) {
      const start = performance.now();
      c.run(X, Y);
      ms.push(performance.now() - start);
    }
    return median(ms);
  });
}

async function main(): Promise<void> {
  const repeats = argument("--repeats", 3);
  const selected = process.argv.includes("--no-10000") ? cases.filter((c) => !c.big) : cases;
  const { cpu, simd } = cpuInfo();
  const one = await ours(selected, 1, repeats);
  const two = await ours(selected, 2, repeats);
  const peers1 = peerTimes(selected, 1, repeats);
  const peers2 = peerTimes(selected, 2, repeats);
  const rows = selected.map((c, k) => ({
    case: c.name,
    ours1: one[k],
    ours2: two[k],
    numpy1: peers1?.numpy[k] ?? null,
    jax1: peers1?.jax[k] ?? null,
    jax2: peers2?.jax[k] ?? null,
  }));
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ unit: "ms", cpu, simd, repeats, rows }));
    return;
  }
  console.log(
    `CPU: ${cpu}; SIMD: ${simd.join(" ") || "unknown"}; WebAssembly SIMD: 2 doubles per instruction`,
  );
  console.log(`medians of ${repeats} runs (n = 10000: one run), ms; ratios ours / peer on the same cores\n`);
  const ms = (v: number | null): string => (v === null ? "-" : v < 100 ? v.toFixed(1) : v.toFixed(0));
  const ratio = (a: number, b: number | null): string => (b === null ? "-" : (a / b).toFixed(2));
  printTable(
    [
      "case",
      "ours 1 core",
      "ours 2 cores",
      "numpy 1 core",
      "jax 1 core",
      "jax 2 cores",
      "/numpy 1",
      "/jax 1",
      "/jax 2",
    ],
    rows.map((r) => [
      r.case,
      ms(r.ours1),
      ms(r.ours2),
      ms(r.numpy1),
      ms(r.jax1),
      ms(r.jax2),
      ratio(r.ours1, r.numpy1),
      ratio(r.ours1, r.jax1),
      ratio(r.ours2, r.jax2),
    ]),
  );
}

void main();
