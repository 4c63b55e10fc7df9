/**
 * CNTK timings against a jax.jit of the same recursion in the same run (the convolutional-NTK issue): the
 * 200 x 200 K(X, X) of 200 random 14 x 14 images (one channel), three 3 x 3 ReLU conv layers, zero "same"
 * padding, CNTK-GAP (every pair of positions) and CNTK-V (flatten: the pairs (p, p) only). jax computes the
 * same upper triangle of image pairs in chunks, the pixel-pair convolution as two lax.conv of a 3 x 3
 * identity filter (along the rows of both images, then the columns), and CNTK-V as one lax.conv of a 3 x 3
 * filter of ones; float64, pinned to one core and to two (taskset). The two results are compared entry by
 * entry (an independent implementation of the formulas). Ours runs on one core: its pass over an image pair
 * mixes JS and WebAssembly, and it has no second-core path yet.
 * Usage: tsx bench/cntk.ts [--images 200] [--repeats 1]
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { relu } from "../src/activations";
import { cntk } from "../src/kernels/cntk";
import { conv, dense, flatten, globalAveragePool, serial } from "../src/layers";
import { Rng } from "../src/random";
import { cpuInfo } from "./peak";
import { median, printTable, scratchDir, SINGLE_THREAD_ENV, writeFloat64 } from "./python";

function argument(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  const value = k >= 0 ? Number(process.argv[k + 1]) : fallback;
  if (!(Number.isInteger(value) && value >= 2))
    throw new Error(`bench/cntk: ${name} must be an integer >= 2`);
  return value;
}

const SIDE = 14;
const DEPTH = 3;

const PEER = `
import json, sys, time
import numpy as np
import jax, jax.numpy as jnp
from jax import lax
jax.config.update("jax_enable_x64", True)
path, n, side, depth, readout, repeats, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), sys.argv[7]
X = np.fromfile(path, dtype=np.float64).reshape(n, side, side)
eye = jnp.eye(3, dtype=jnp.float64).reshape(1, 1, 3, 3)
ones = jnp.ones((1, 1, 3, 3), dtype=jnp.float64)
def conv2(x, f):
    return lax.conv_general_dilated(x, f, (1, 1), "SAME")
def conv_diag(v):  # (B, H, W): the pairs (p, p), a 3 x 3 mean
    B, H, W = v.shape
    return conv2(v.reshape(B, 1, H, W), ones).reshape(B, H, W) / 9
def conv_pairs(T):  # (B, H, W, H, W): both positions moved by the same tap, a 3 x 3 mean
    B, H, W = T.shape[:3]
    x = T.transpose(0, 2, 4, 1, 3).reshape(B * W * W, 1, H, H)
    x = conv2(x, eye).reshape(B, W, W, H, H).transpose(0, 3, 1, 4, 2)
    y = x.transpose(0, 1, 3, 2, 4).reshape(B * H * H, 1, W, W)
    return conv2(y, eye).reshape(B, H, H, W, W).transpose(0, 1, 3, 2, 4) / 9
def relu_dual(S, d):
    rho = jnp.clip(S / d, -1, 1)
    t = jnp.arccos(rho)
    return d * (jnp.sqrt(1 - rho * rho) + (jnp.pi - t) * rho) / jnp.pi, (jnp.pi - t) / jnp.pi
def gap(x, y):
    vx, vy = conv_diag(x * x), conv_diag(y * y)
    S = conv_pairs(x[:, :, :, None, None] * y[:, None, None, :, :])
    T = S
    for l in range(depth):
        d = jnp.sqrt(vx[:, :, :, None, None] * vy[:, None, None, :, :])
        K, Kd = relu_dual(S, d)
        T = K + Kd * T
        if l == depth - 1:
            return T.mean(axis=(1, 2, 3, 4))
        S, T, vx, vy = conv_pairs(K), conv_pairs(T), conv_diag(vx), conv_diag(vy)
def flat(x, y):
    vx, vy = conv_diag(x * x), conv_diag(y * y)
    S = conv_diag(x * y)
    T = S
    for l in range(depth):
        K, Kd = relu_dual(S, jnp.sqrt(vx * vy))
        T = K + Kd * T
        if l == depth - 1:
            return T.mean(axis=(1, 2))
        S, T, vx, vy = conv_diag(K), conv_diag(T), conv_diag(vx), conv_diag(vy)
f = jax.jit(gap if readout == "gap" else flat)
I, J = np.triu_indices(n)
chunk = 64 if readout == "gap" else 4096
pad = (-len(I)) % chunk
I = np.concatenate([I, np.zeros(pad, dtype=I.dtype)])
J = np.concatenate([J, np.zeros(pad, dtype=J.dtype)])
Xj = jnp.asarray(X)
def run():
    vals = [f(Xj[I[k:k + chunk]], Xj[J[k:k + chunk]]) for k in range(0, len(I), chunk)]
    return np.concatenate([np.asarray(v) for v in vals])[: len(I) - pad]
run()
ts = []
for _ in range(repeats):
    t0 = time.perf_counter(); vals = run(); ts.append((time.perf_counter() - t0) * 1000)
K = np.zeros((n, n))
K[I[: len(vals)], J[: len(vals)]] = vals
K = K + np.triu(K, 1).T
K.tofile(out)
print(json.dumps({"ms": sorted(ts)[len(ts) // 2]}))
`;

function peer(
  file: string,
  n: number,
  readout: "gap" | "flat",
  cores: number,
  repeats: number,
  out: string,
): { ms: number; K: Float64Array } | null {
  const pin = spawnSync("taskset", ["--version"]).status === 0;
  const cpus = Array.from({ length: cores }, (_, k) => k).join(",");
  const args = ["-c", PEER, file, String(n), String(SIDE), String(DEPTH), readout, String(repeats), out];
  const env = { ...process.env, ...(cores === 1 ? SINGLE_THREAD_ENV : {}) };
  const run = pin
    ? spawnSync("taskset", ["-c", cpus, "python3", ...args], { encoding: "utf8", env })
    : spawnSync("python3", args, { encoding: "utf8", env });
  if (run.status !== 0) {
    console.error(`bench/cntk: the jax peer failed (status ${run.status}): ${run.stderr.slice(-1500)}`);
    return null;
  }
  const lines = run.stdout.trim().split("\n");
  const { ms } = JSON.parse(lines[lines.length - 1]) as { ms: number };
  const bytes = readFileSync(out);
  return { ms, K: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) };
}

function main(): void {
  const n = argument("--images", 200);
  const repeats = process.argv.includes("--repeats") ? argument("--repeats", 1) : 1;
  const rng = new Rng(1);
  const pixels = new Float64Array(n * SIDE * SIDE);
  for (let k = 0; k < pixels.length; k++) pixels[k] = rng.normal();
  const X = { n, height: SIDE, width: SIDE, channels: 1, pixels };
  const { dir, cleanup } = scratchDir();
  const file = join(dir, "images.f64");
  writeFloat64(file, pixels);
  const { cpu, simd } = cpuInfo();
  console.log(`CPU: ${cpu}; SIMD: ${simd.join(" ") || "unknown"}`);
  console.log(
    `${n} images of ${SIDE} x ${SIDE}, ${DEPTH} ReLU conv layers: K(X, X), ${(n * (n + 1)) / 2} image pairs; medians of ${repeats} run(s) after a warm-up, ms\n`,
  );
  const rows: string[][] = [];
  try {
    for (const [readout, name] of [
      ["flat", "CNTK-V (flatten)"],
      ["gap", "CNTK-GAP"],
    ] as const) {
      const layers = Array.from({ length: DEPTH }, () => [conv(), relu]).flat();
      const arch = serial(...layers, readout === "gap" ? globalAveragePool() : flatten(), dense());
      const small = { ...X, n: 4, pixels: pixels.slice(0, 4 * SIDE * SIDE) };
      cntk(arch, small);
      const ms: number[] = [];
      let K = cntk(arch, small);
      for (let r = 0; r < repeats; r++) {
        const start = performance.now();
        K = cntk(arch, X);
        ms.push(performance.now() - start);
      }
      const ours = median(ms);
      const one = peer(file, n, readout, 1, repeats, join(dir, `${readout}1.f64`));
      const two = peer(file, n, readout, 2, repeats, join(dir, `${readout}2.f64`));
      let worst = 0;
      if (one) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const want = one.K[i * n + j];
            worst = Math.max(worst, Math.abs(K.get(i, j) - want) / Math.abs(want));
          }
        }
      }
      const f = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(0));
      const ratio = (peerMs: number | undefined) => (peerMs === undefined ? "-" : (ours / peerMs).toFixed(2));
      rows.push([
        name,
        f(ours),
        f(one?.ms),
        f(two?.ms),
        ratio(one?.ms),
        ratio(two?.ms),
        one ? worst.toExponential(1) : "-",
      ]);
    }
  } finally {
    cleanup();
  }
  printTable(
    [
      "kernel",
      "ours 1 core",
      "jax 1 core",
      "jax 2 cores",
      "ours / jax 1",
      "ours / jax 2",
      "largest relative difference",
    ],
    rows,
  );
}

main();
