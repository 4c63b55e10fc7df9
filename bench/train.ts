/**
 * Training-step timing (issue 6): one full-batch gradient-descent step of an MLP 1-500-500-1 (relu, relu,
 * NTK parameterization, hidden biases) on 200 points, through train() itself. Ours runs with gemm's
 * default threads (both cores) and with one thread; where a python with torch is found (NTK_BENCH_PYTHON,
 * else python3), the same step in torch float64 and float32 with torch.set_num_threads(1) runs in the same
 * invocation, and the ratios ours / torch are printed. Rounds of ours (2 threads, 1 thread) and of torch
 * (f64, f32; a python child that times one round per request) alternate, so that load from other work on
 * the machine hits both alike; rates are medians over the rounds.
 * Usage: tsx bench/train.ts [--json]
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { gemmBackend, gemmReady, setGemmBackend } from "../src/linalg/gemm";
import type { Network } from "../src/network";
import { mlpNetwork } from "../src/training/model";
import { train } from "../src/training/train";

const N = 200;
const WIDTH = 500;
const ROUNDS = 7;
const ROUND_MS = 600;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const X = Array.from({ length: N }, (_, i) => -1 + (2 * i) / (N - 1));
const y = X.map((x) => Math.sin(4 * x));
const options = { learningRate: 1e-3, learningRateCheck: "off", progress: false } as const;

/** One timed round of ours with the given number of threads: steps per second. */
async function oursRound(net: Network, threads: number): Promise<{ rate: number; threads: number }> {
  if (gemmBackend().threads !== threads) setGemmBackend({ threads });
  const ready = await gemmReady();
  train(net, X, y, { ...options, steps: 2 }); // warm-up after a switch
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < ROUND_MS) {
    train(net, X, y, { ...options, steps: 10 });
    steps += 10;
  }
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
n, w, round_s = ${N}, ${WIDTH}, ${ROUND_MS / 1000}
steps = {}
for name, dt in (("f64", torch.float64), ("f32", torch.float32)):
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
  round(dtype: "f64" | "f32"): Promise<number>;
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
      async round(dtype) {
        child.stdin.write(dtype + "\n");
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

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const torch = await startTorch();
  const net = mlpNetwork({ activations: ["relu", "relu"], width: WIDTH, biasStd: 1, seed: 1 });
  const rates = { two: [] as number[], one: [] as number[], f64: [] as number[], f32: [] as number[] };
  let threads = 1;
  for (let r = 0; r < ROUNDS; r++) {
    const two = await oursRound(net, 2);
    threads = two.threads;
    rates.two.push(two.rate);
    rates.one.push((await oursRound(net, 1)).rate);
    if (torch) {
      rates.f64.push(await torch.round("f64"));
      rates.f32.push(await torch.round("f32"));
    }
  }
  torch?.close();
  const both = { stepsPerS: median(rates.two), threads, backend: gemmBackend().backend };
  const one = { stepsPerS: median(rates.one) };
  const t = torch
    ? { python: torch.python, version: torch.version, f64: median(rates.f64), f32: median(rates.f32) }
    : null;
  const ratio = (a: number, b: number | undefined): number | null => (b ? round2(a / b) : null);
  const result = {
    case: `full-batch GD step, MLP 1-${WIDTH}-${WIDTH}-1 relu/relu, n=${N}, float64`,
    steps_per_s: round2(both.stepsPerS),
    threads: both.threads,
    backend: both.backend,
    steps_per_s_1_thread: round2(one.stepsPerS),
    torch_python: t?.python ?? null,
    torch_version: t?.version ?? null,
    torch_f64_steps_per_s: t ? round2(t.f64) : null,
    torch_f32_steps_per_s: t ? round2(t.f32) : null,
    ratio_f64: ratio(both.stepsPerS, t?.f64),
    ratio_f32: ratio(both.stepsPerS, t?.f32),
    ratio_f64_1_thread: ratio(one.stepsPerS, t?.f64),
  };
  if (json) {
    console.log(JSON.stringify(result));
    process.exit(0);
  }
  console.log(result.case);
  console.log("| implementation | steps/s | ours / this |");
  console.log("|---|---|---|");
  console.log(`| ours, ${result.backend}, ${result.threads} threads | ${result.steps_per_s} | |`);
  console.log(`| ours, ${result.backend}, 1 thread | ${result.steps_per_s_1_thread} | |`);
  if (torch) {
    console.log(
      `| torch ${torch.version} float64, 1 thread | ${result.torch_f64_steps_per_s} | ${result.ratio_f64} (1 thread: ${result.ratio_f64_1_thread}) |`,
    );
    console.log(
      `| torch ${torch.version} float32, 1 thread | ${result.torch_f32_steps_per_s} | ${result.ratio_f32} |`,
    );
  } else {
    console.log("(no python with torch found: set NTK_BENCH_PYTHON to compare)");
  }
  process.exit(0);
}

void main();
