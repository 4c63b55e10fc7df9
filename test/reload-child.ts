/**
 * Child process of reload.test.ts (run with node --expose-gc): reruns a notebook's import cell through
 * tslab's own executor, each time followed by a cell that uses gemm's worker threads and WebAssembly
 * memory (Monte Carlo NTK, top-k) and the dense solver's. tslab re-evaluates a source file imported by a
 * cell when its file watcher reports it changed (a user edits src/ and reruns the import cell); between
 * reruns every file of the folder's src (a copy) gets a new modification time, so every rerun evaluates all
 * of src/ anew, as a new module instance in the same process.
 * Prints one JSON line: thread count, resident memory, JS heap and external memory (after garbage
 * collection) after each rerun.
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

async function main(): Promise<void> {
  const [folder, runs] = [process.argv[2], Number(process.argv[3])];
  process.chdir(folder);
  const errors: string[] = [];
  const executor = createTslabExecutor(process.cwd(), {
    log: () => {},
    error: (...args) => errors.push(args.join(" ")),
  });
  const cells = [
    `import * as lab from "./src/index"`,
    `await lab.gemmReady();
     const X = lab.circlePoints(400, { random: true, seed: 3 });
     const K = lab.monteCarloNtk(lab.mlp([lab.relu]), X, undefined, { samples: 300, seed: 1 });
     const top = lab.eigenvalues(K, { top: 8 });
     const all = lab.eigenvalues(K);
     if (!(top[0] > 0 && Math.abs(all[0] - top[0]) < 1e-9 * top[0])) throw new Error("wrong spectrum");`,
  ];
  const samples: { threads: number; rss: number; heap: number; external: number }[] = [];
  for (let r = 0; r < runs; r++) {
    for (const cell of cells) {
      if (!(await executor.execute(cell))) throw new Error(`reload-child: cell failed: ${errors.join("\n")}`);
    }
    const { rss, heapUsed, external } = await settledMemory();
    samples.push({ threads: threads(), rss, heap: heapUsed, external });
    touchAll("src", new Date(Date.now() + 1000 * (r + 1)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
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
