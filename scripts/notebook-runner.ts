/**
 * Runs a Jupyter notebook top to bottom in this process with tslab's own compiler and executor (the code
 * the tslab kernel runs), no Python or Jupyter needed, and stores every output in the .ipynb as Jupyter
 * would. tslab's converter, executor and jupyter modules are not public API: package.json pins tslab
 * exactly for that reason.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { format } from "util";
import { writeFileAtomic } from "../src/report/files";
import type { RunRecord } from "../src/report/run-record";

const { createConverter } = require("tslab/dist/converter") as {
  createConverter(options: { isJS: boolean; isBrowser: boolean }): { close(): void };
};
const { createExecutor } = require("tslab/dist/executor") as {
  createExecutor(
    rootDir: string,
    convs: { node: unknown; browser: unknown; close(): void },
    console: { log(...a: unknown[]): void; error(...a: unknown[]): void },
  ): TslabExecutor;
};
const jupyter = require("tslab/dist/jupyter") as {
  lastWriteDisplayData: ((data: DisplayData, update: boolean) => void) | null;
  JupyterHandlerImpl: { prototype: { handleKernel(this: { isJs: boolean }): KernelInfo } };
};

interface KernelInfo {
  language_info: Record<string, unknown>;
}

/**
 * The language_info the tslab kernel reports (its kernel_info reply). JupyterLab writes it into a notebook's
 * metadata when the kernel starts, so a notebook that stores anything else is marked modified on opening
 * (and autosaved): the runner stores exactly this.
 */
export function kernelLanguageInfo(): Record<string, unknown> {
  return jupyter.JupyterHandlerImpl.prototype.handleKernel.call({ isJs: false }).language_info;
}

interface DisplayData {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string[] }
  | {
      output_type: "display_data";
      data: Record<string, string | string[]>;
      metadata: Record<string, unknown>;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}

export interface NotebookFile {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface RunResult {
  file: string;
  seconds: number;
  /** Present when a cell failed: the 1-based number of the cell in the notebook and the error text. */
  failure?: { cell: number; error: string };
}

export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Jupyter's on-disk form of multi-line text: a list of lines, each keeping its newline. */
function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  close(): void;
}

/**
 * tslab's own executor (the code the kernel runs) for cells run in folder `dir`: each cell compiled by
 * tslab's TypeScript 5.0 converter (started on first use) and evaluated in this process.
 */
export function createTslabExecutor(
  dir: string,
  console: { log(...a: unknown[]): void; error(...a: unknown[]): void },
): TslabExecutor {
  let node: { close(): void } | null = null;
  let browser: { close(): void } | null = null;
  const convs = {
    get node() {
      return (node ??= createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
  return createExecutor(dir, convs, console);
}

/**
 * Executes every code cell of `file` in order, in a fresh tslab executor whose working folder is the
 * notebook's folder (as in JupyterLab), and writes the notebook with its outputs back to `file`, or to
 * `saveTo` when given (quick runs keep the committed notebooks as they are). Stops at the first failing
 * cell, which keeps its error output in the saved notebook.
 */
export async function runNotebook(
  file: string,
  log: (line: string) => void = () => {},
  saveTo: string = file,
): Promise<RunResult> {
  const started = performance.now();
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
  // The runner's outputs are the committed ones (outputRoot): an interactive kernel's go to build/lab.
  const runnerBefore = process.env.NTK_LAB_RUNNER;
  process.env.NTK_LAB_RUNNER = "1";
  const previousDir = process.cwd();
  process.chdir(path.dirname(path.resolve(file)));
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  let outputs: Output[] = [];
  let errorText: string[] = [];
  const stream = (name: "stdout" | "stderr", text: string): void => {
    const last = outputs[outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) {
      last.text = lines(last.text.join("") + text);
    } else {
      outputs.push({ output_type: "stream", name, text: lines(text) });
    }
  };
  const executor = createTslabExecutor(process.cwd(), {
    log: (...args) => stream("stdout", format(...args) + "\n"),
    error: (...args) => errorText.push(format(...args)),
  });
  const displays = new Map<string, Output & { output_type: "display_data" }>();
  let failure: RunResult["failure"];
  let count = 0;
  const cellTimes: RunRecord["slowest"] = [];
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      outputs = [];
      errorText = [];
      jupyter.lastWriteDisplayData = (display, update) => {
        const id = display.transient?.display_id;
        const existing = id ? displays.get(id) : undefined;
        if (update && existing) {
          existing.data = display.data;
          return;
        }
        const output = {
          output_type: "display_data" as const,
          data: display.data,
          metadata: display.metadata,
        };
        if (id) displays.set(id, output);
        outputs.push(output);
      };
      process.stdout.write = ((chunk: string | Uint8Array) => {
        stream("stdout", typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      }) as typeof process.stdout.write;
      process.stderr.write = ((chunk: string | Uint8Array) => {
        stream("stderr", typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      }) as typeof process.stderr.write;
      const cellStart = performance.now();
      let ok: boolean;
      try {
        ok = await executor.execute(cellSource(cell));
      } finally {
        process.stdout.write = writeOut;
        process.stderr.write = writeErr;
        jupyter.lastWriteDisplayData = null;
      }
      cell.execution_count = ++count;
      cell.outputs = outputs;
      if (!ok) {
        const text = errorText.join("\n") || "the cell failed without an error message";
        const firstLine = text.split("\n")[0];
        const named = /^(\w*Error): ?(.*)$/.exec(firstLine);
        outputs.push({
          output_type: "error",
          ename: named ? named[1] : "Error",
          evalue: named ? named[2] : firstLine,
          traceback: text.split("\n"),
        });
        failure = { cell: index + 1, error: text };
        break;
      }
      const cellSeconds = (performance.now() - cellStart) / 1000;
      cellTimes.push({ cell: index + 1, seconds: Math.round(cellSeconds * 10) / 10 });
      log(`  cell ${index + 1} done in ${cellSeconds.toFixed(1)} s`);
    }
  } finally {
    executor.close();
    process.chdir(previousDir);
    if (runnerBefore === undefined) delete process.env.NTK_LAB_RUNNER;
    else process.env.NTK_LAB_RUNNER = runnerBefore;
  }
  // Cells after a failure keep no stale outputs from an earlier run.
  if (failure) {
    for (const cell of notebook.cells.slice(failure.cell)) {
      if (cell.cell_type === "code") {
        cell.outputs = [];
        cell.execution_count = null;
      }
    }
  }
  notebook.metadata.language_info = kernelLanguageInfo();
  // How long this run took, for a JupyterLab user about to run it (run-record.ts); only a finished run's.
  delete notebook.metadata["ntk-lab"];
  if (!failure) {
    const run: RunRecord = {
      seconds: Math.round((performance.now() - started) / 100) / 10,
      slowest: [...cellTimes]
        .sort((a, b) => b.seconds - a.seconds)
        .filter((c) => c.seconds >= 5)
        .slice(0, 3),
      cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
      cores: os.cpus().length,
    };
    notebook.metadata["ntk-lab"] = { run };
  }
  // nbformat 4.5 cells carry ids; JupyterLab adds the missing ones on opening (and marks the notebook
  // modified), so the runner gives every cell one, fixed by its notebook and position.
  const stem = path.basename(file, ".ipynb");
  notebook.cells.forEach((cell, index) => {
    cell.id ??= createHash("sha1").update(`${stem}:${index}`).digest("hex").slice(0, 8);
  });
  writeFileAtomic(saveTo, JSON.stringify(notebook, null, 1) + "\n");
  return { file: saveTo, seconds: (performance.now() - started) / 1000, failure };
}

/** The notebooks of a folder in numeric order (00-..., 01-...), optionally only those whose names start with one of `only`. */
export function listNotebooks(dir: string, only: string[] = []): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{2}-.*\.ipynb$/.test(f))
    .filter((f) => only.length === 0 || only.some((prefix) => f.startsWith(prefix)))
    .sort()
    .map((f) => path.join(dir, f));
}
