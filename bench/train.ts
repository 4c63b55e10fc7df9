/**
 * Training-step timing: one full-batch gradient-descent step of an MLP 1-500-500-1 (relu, relu, NTK
 * parameterization, hidden biases) on n = 200 points (the measure of the lab's first trainer issue) and on
 * n = 64 (notebook 05's runs), through train() itself. Ours runs with gemm's default threads (both cores)
 * and with one thread; where a python with torch is found (NTK_BENCH_PYTHON, else python3), the same step in
 * torch float64 and float32 with torch.set_num_threads(1) runs in the same invocation, and the ratios ours /
 * torch are printed. Rounds of ours (2 threads, 1 thread; each one train() call of about 0.6 s) and of
 * torch (f64, f32; a python child that times one round per request) alternate, so that load from other work on the machine hits both alike; rates are
 * medians over the rounds. Also printed: the CPU's SIMD features, the f64x2 fused-multiply-add peak of one
 * core (bench/peak.ts) and gemm's rate on the step's largest product (n x 500 times 500 x 500) against it.
 * Usage: tsx bench/train.ts [--json]
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { gemm, gemmBackend, gemmReady, mat, setGemmBackend } from "../src/linalg/gemm";
import { simdPeak } from "./peak";
import type { Network } from "../src/network";
import { mlpNetwork } from "../src/training/model";
import { train } from "../src/training/train";

const SIZES = [200, 64];
const WIDTH = 500;
const ROUNDS = 7;
const ROUND_MS = 600;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const options = { learningRate: 1e-3, learningRateCheck: "off", progress: false } as const;

/** One timed round of ours with the given number of threads: steps per second. */
async function oursRound(
  net: Network,
  X: number[],
  y: number[],
  threads: number,
  precision: "float64" | "float32",
): Promise<{ rate: number; threads: number }> {
  if (gemmBackend().threads !== threads) setGemmBackend({ threads });
  const ready = await gemmReady();
  // A warm-up after a switch, which also sizes the round: then one call of about ROUND_MS, so that steps are
  // timed in a run as torch's are in its loop (a call's own set-up, about 1-3 ms, is not a step's).
  const t0 = performance.now();
  train(net, X, y, { ...options, precision, steps: 5 });
  const steps = Math.max(5, Math.round((5 * ROUND_MS) / (performance.now() - t0)));
  const start = performance.now();
  train(net, X, y, { ...options, precision, steps });
  return { rate: steps / ((performance.now() - start) / 1000), threads: ready };
}

/**
 * A python child that times the same step in torch on request ("f64" or "f32" on a line: one round,
 * answered with its steps per second), so that ours and torch alternate round by round and share the
 * machine's load alike.
 */
const torchServer = `
import json, sys, time
import torch
torch.set_num_threads(1)
w, round_s = ${WIDTH}, ${ROUND_MS / 1000}
steps = {}
for (n, name, dt) in [(n, f"{p}-{n}", dt) for n in (${SIZES.join(", ")}) for p, dt in (("f64", torch.float64), ("f32", torch.float32))]:
    g = torch.Generator().manual_seed(1)
    x = torch.linspace(-1, 1, n, dtype=dt).reshape(n, 1)
    y = torch.sin(4 * x)
    W1 = torch.randn(w, 1, dtype=dt, generator=g).requires_grad_()
    b1 = torch.randn(w, dtype=dt, generator=g).requires_grad_()
    W2 = torch.randn(w, w, dtype=dt, generator=g).requires_grad_()
    b2 = torch.randn(w, dtype=dt, generator=g).requires_grad_()
    W3 = torch.randn(1, w, dtype=dt, generator=g).requires_grad_()
    def make(x, y, params):
        W1, b1, W2, b2, W3 = params
        s = (2.0 / w) ** 0.5
        def step():
            h1 = torch.relu(x @ W1.T + b1) * s
            h2 = torch.relu(h1 @ W2.T + b2) * s
            f = h2 @ W3.T
            loss = ((f - y) ** 2).sum() / (2 * n)
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= 1e-3 * p.grad
        return step
    steps[name] = make(x, y, [W1, b1, W2, b2, W3])
    for _ in range(10):
        steps[name]()
print(json.dumps({"ready": torch.__version__}), flush=True)
for line in sys.stdin:
    step = steps[line.strip()]
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < round_s:
        step()
        count += 1
    print(json.dumps({"rate": count / (time.perf_counter() - t0)}), flush=True)
`;

interface TorchServer {
  python: string;
  version: string;
  round(dtype: "f64" | "f32", n: number): Promise<number>;
  close(): void;
}

async function startTorch(): Promise<TorchServer | null> {
  const candidates = [process.env.NTK_BENCH_PYTHON, "python3"].filter((p): p is string => !!p);
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
    if (probe.status !== 0) continue;
    const child: ChildProcessWithoutNullStreams = spawn(python, ["-c", torchServer]);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    const next = async (): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      if (line.done) throw new Error(`torch timing failed with ${python}: ${stderr}`);
      return JSON.parse(line.value);
    };
    const hello = await next();
    return {
      python,
      version: String(hello.ready),
      async round(dtype, n) {
        child.stdin.write(`${dtype}-${n}\n`);
        return Number((await next()).rate);
      },
      close() {
        child.stdin.end();
        child.kill();
      },
    };
  }
  return null;
}

const round2 = (x: number): number => Number(x.toFixed(2));

/** gemm's GFlop/s on one thread for the step's largest product, n x 500 times (500 x 500)^T. */
function gemmRate(n: number): number {
  const A = mat(
    n,
    WIDTH,
    Float64Array.from({ length: n * WIDTH }, (_, i) => Math.sin(i)),
  );
  const B = mat(
    WIDTH,
    WIDTH,
    Float64Array.from({ length: WIDTH * WIDTH }, (_, i) => Math.cos(i)),
  );
  const C = mat(n, WIDTH);
  for (let r = 0; r < 20; r++) gemm(A, B, C, { transB: true });
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) gemm(A, B, C, { transB: true });
    best = Math.min(best, (performance.now() - t0) / 20);
  }
  return (2 * n * WIDTH * WIDTH) / best / 1e6;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const peak = simdPeak();
  const torch = await startTorch();
  const results = [];
  for (const n of SIZES) {
    const X = Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
    const y = X.map((x) => Math.sin(4 * x));
    const net = mlpNetwork({ activations: ["relu", "relu"], width: WIDTH, biasStd: 1, seed: 1 });
    const rates = {
      two: [] as number[],
      one: [] as number[],
      two32: [] as number[],
      one32: [] as number[],
      f64: [] as number[],
      f32: [] as number[],
    };
    let threads = 1;
    for (let r = 0; r < ROUNDS; r++) {
      const two = await oursRound(net, X, y, 2, "float64");
      threads = two.threads;
      rates.two.push(two.rate);
      rates.one.push((await oursRound(net, X, y, 1, "float64")).rate);
      rates.two32.push((await oursRound(net, X, y, 2, "float32")).rate);
      rates.one32.push((await oursRound(net, X, y, 1, "float32")).rate);
      if (torch) {
        rates.f64.push(await torch.round("f64", n));
        rates.f32.push(await torch.round("f32", n));
      }
    }
    setGemmBackend({ threads: 1 });
    const gflops = gemmRate(n);
    const ratio = (a: number, b: number): number | null => (torch ? round2(a / b) : null);
    const [two, one, f64, f32] = [median(rates.two), median(rates.one), median(rates.f64), median(rates.f32)];
    const [two32, one32] = [median(rates.two32), median(rates.one32)];
    results.push({
      case: `full-batch GD step, MLP 1-${WIDTH}-${WIDTH}-1 relu/relu, n=${n}, float64`,
      n,
      steps_per_s: round2(two),
      threads,
      backend: gemmBackend().backend,
      steps_per_s_1_thread: round2(one),
      torch_f64_steps_per_s: torch ? round2(f64) : null,
      torch_f32_steps_per_s: torch ? round2(f32) : null,
      ratio_f64: ratio(two, f64),
      ratio_f64_1_thread: ratio(one, f64),
      f32_steps_per_s: round2(two32),
      f32_steps_per_s_1_thread: round2(one32),
      ratio_f32: ratio(two32, f32),
      ratio_f32_1_thread: ratio(one32, f32),
      f32_over_f64: round2(one32 / one),
      gemm_gflops_1_thread: round2(gflops),
      gemm_fraction_of_fma_peak: peak.fma ? round2(gflops / peak.fma) : null,
    });
  }
  torch?.close();
  const about = {
    cpu: peak.cpu,
    simd: peak.simd,
    cores: peak.cores,
    fma_peak_gflops_per_core: peak.fma === null ? null : round2(peak.fma),
    torch_python: torch?.python ?? null,
    torch_version: torch?.version ?? null,
  };
  if (json) {
    console.log(JSON.stringify({ ...about, results }));
    process.exit(0);
  }
  console.log(`CPU ${about.cpu}, ${about.cores} cores, SIMD: ${about.simd.join(" ")}`);
  console.log(
    `WebAssembly f64x2 fused multiply-add peak of one core: ${about.fma_peak_gflops_per_core ?? "not available"} GFlop/s`,
  );
  for (const r of results) {
    console.log(`\n${r.case}`);
    console.log(
      `gemm on n x ${WIDTH} times ${WIDTH} x ${WIDTH}, 1 thread: ${r.gemm_gflops_1_thread} GFlop/s` +
        (r.gemm_fraction_of_fma_peak === null
          ? ""
          : ` (${Math.round(100 * r.gemm_fraction_of_fma_peak)}% of the peak)`),
    );
    console.log("| implementation | steps/s | ours, 2 threads / this | ours, 1 thread / this |");
    console.log("|---|---|---|---|");
    console.log(`| ours float64, ${r.backend}, ${r.threads} threads | ${r.steps_per_s} | | |`);
    console.log(`| ours float64, ${r.backend}, 1 thread | ${r.steps_per_s_1_thread} | | |`);
    console.log(`| ours float32, ${r.backend}, ${r.threads} threads | ${r.f32_steps_per_s} | | |`);
    console.log(
      `| ours float32, ${r.backend}, 1 thread (${r.f32_over_f64}x our float64) | ${r.f32_steps_per_s_1_thread} | | |`,
    );
    if (torch) {
      console.log(
        `| torch ${torch.version} float64, 1 thread | ${r.torch_f64_steps_per_s} | ${r.ratio_f64} | ${r.ratio_f64_1_thread} |`,
      );
      console.log(
        `| torch ${torch.version} float32, 1 thread (against ours float32) | ${r.torch_f32_steps_per_s} | ${r.ratio_f32} | ${r.ratio_f32_1_thread} |`,
      );
    }
  }
  if (!torch) console.log("\n(no python with torch found: set NTK_BENCH_PYTHON to compare)");
  process.exit(0);
}

void main();
