/**
 * Child process of reload.test.ts (run with node --expose-gc): reruns a notebook's import cell through
 * tslab's own executor, each time followed by a cell that uses gemm's worker threads and WebAssembly
 * memory (Monte Carlo NTK, top-k) and the dense solver's. tslab re-evaluates a source file imported by a
 * cell when its file watcher reports it changed (a user edits src/ and reruns the import cell); between
 * reruns every file of the folder's src (a copy) gets a new modification time, and the import cell is run
 * until it yields a new instance of src/ (a new lab.mlp), so every rerun evaluates all of src/ anew, as a
 * new module instance in the same process. After each rerun a cell uses an architecture, a network and an
 * Rng built before the first rerun with the new instance's ntk, monteCarloNtk and empiricalNtk, and checks
 * that they give the values the first instance gave.
 * Prints one JSON line: per rerun the thread count, resident memory, JS heap and external memory (after
 * garbage collection) and how many distinct instances of src/ the cells have seen.
 * Usage: node --expose-gc --import tsx test/reload-child.ts <folder holding a copy of src> <reruns>
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { createTslabExecutor } from "../scripts/notebook-runner";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("reload-child: run node with --expose-gc");

function threads(): number {
  return fs.readdirSync("/proc/self/task").length;
}

/** New modification times on every file under dir: tslab's file watcher then re-emits and re-evaluates them. */
function touchAll(dir: string, when: Date): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) touchAll(file, when);
    else fs.utimesSync(file, when, when);
  }
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc!();
  }
  return process.memoryUsage();
}

/** Where the cells leave the instance of src/ they imported, for this process to compare. */
const PROBE = Symbol.for("ntk-lab.reload-test");

/** How long to let tslab's file watcher report the touched files before rerunning the import cell. */
const WATCHER_DELAY_MS = 200;

/** How long tslab's file watcher may take to report the touched files before a rerun counts as failed. */
const RELOAD_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const [folder, runs] = [process.argv[2], Number(process.argv[3])];
  process.chdir(folder);
  const errors: string[] = [];
  const executor = createTslabExecutor(process.cwd(), {
    log: () => {},
    error: (...args) => errors.push(args.join(" ")),
  });
  const run = async (cell: string): Promise<void> => {
    if (!(await executor.execute(cell))) throw new Error(`reload-child: cell failed: ${errors.join("\n")}`);
  };
  const importCell = `import * as lab from "./src/index";
    (globalThis as any)[Symbol.for("ntk-lab.reload-test")] = lab;`;
  const instance = (): unknown => (globalThis as unknown as Record<symbol, { mlp: unknown }>)[PROBE]?.mlp;
  // Built by the first instance; every later instance must accept them and give the same kernels.
  const before = `const archBefore = lab.mlp([lab.relu, lab.erf], { biasStd: 0.1 });
    const netBefore = lab.network(archBefore, { inputDim: 2, width: 16, seed: 4 });
    const rngBefore = new lab.Rng(7);
    const XBefore = lab.circlePoints(6, { random: true, seed: 2 });
    const ntkBefore = lab.ntk(archBefore, XBefore).to1DArray();
    const empiricalBefore = lab.empiricalNtk(netBefore, XBefore).to1DArray();
    const monteCarloBefore = lab.monteCarloNtk(archBefore, XBefore, undefined, { samples: 64, seed: 9 }).to1DArray();`;
  const reuse = `{
    const same = (a: number[], b: number[], what: string) => {
      if (a.length !== b.length || a.some((v, k) => v !== b[k])) throw new Error(what + " changed after the rerun");
    };
    same(lab.ntk(archBefore, XBefore).to1DArray(), ntkBefore, "ntk(archBefore)");
    same(lab.empiricalNtk(netBefore, XBefore).to1DArray(), empiricalBefore, "empiricalNtk(netBefore)");
    same(lab.monteCarloNtk(archBefore, XBefore, undefined, { samples: 64, seed: 9 }).to1DArray(), monteCarloBefore, "monteCarloNtk(archBefore)");
    lab.monteCarloNtk(archBefore, XBefore, undefined, { samples: 64, rng: rngBefore });
    lab.network(archBefore, { inputDim: 2, width: 4, rng: rngBefore });
  }`;
  const work = `await lab.gemmReady();
     const X = lab.circlePoints(400, { random: true, seed: 3 });
     const K = lab.monteCarloNtk(lab.mlp([lab.relu]), X, undefined, { samples: 300, seed: 1 });
     const top = lab.eigenvalues(K, { top: 8 });
     const all = lab.eigenvalues(K);
     if (!(top[0] > 0 && Math.abs(all[0] - top[0]) < 1e-9 * top[0])) throw new Error("wrong spectrum");`;
  const seen = new Set<unknown>();
  const samples: { threads: number; rss: number; heap: number; external: number; instances: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const previous = instance();
    await run(importCell);
    // The watcher may report the touched files after the cell ran: rerun it until the new instance appears.
    const started = Date.now();
    while (r > 0 && instance() === previous) {
      if (Date.now() - started > RELOAD_TIMEOUT_MS) {
        throw new Error(
          `reload-child: rerun ${r} still had the previous instance of src/ after ${RELOAD_TIMEOUT_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      await run(importCell);
    }
    seen.add(instance());
    await run(r === 0 ? before : reuse);
    await run(work);
    const { rss, heapUsed, external } = await settledMemory();
    samples.push({ threads: threads(), rss, heap: heapUsed, external, instances: seen.size });
    touchAll("src", new Date(Date.now() + 1000 * (r + 1)));
    // Time for the watcher's events to arrive, so that the next import cell usually sees them at once.
    await new Promise((resolve) => setTimeout(resolve, WATCHER_DELAY_MS));
  }
  executor.close();
  process.stdout.write(JSON.stringify(samples) + "\n");
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
