import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { listNotebooks, type NotebookFile } from "../scripts/notebook-runner";
import { INTERRUPTED_CODE, reportInterrupts, trackRunning } from "../src/report/interrupt";

const root = path.resolve(__dirname, "..");

test("an interrupted cell shows one line for the interrupt and where its loop stopped, not a stack through tslab", () => {
  const work = path.join(root, "test", ".tmp-interrupt");
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.symlinkSync(path.join(root, "src"), path.join(work, "src"));
  try {
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "interrupt-child.ts"), work],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NTK_LAB_OUTPUT: work },
        timeout: 120_000,
      },
    );
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split("\n").pop() ?? "") as {
      failure?: { cell: number; error: string };
      outputs: { output_type: string; data?: Record<string, string[] | string>; traceback?: string[] }[];
      stacks: string[];
    };
    assert.equal(result.failure?.cell, 2, "the loop's cell failed: it was interrupted, not finished");
    assert.equal(result.failure?.error, "[Interrupted] { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' }");
    const progress = result.outputs
      .filter((o) => o.output_type === "display_data")
      .map((o) => [o.data?.["text/plain"] ?? ""].flat().join(""));
    assert.equal(progress.length, 1, "one progress output");
    const match = /^busy loop: interrupted at (\d+)\/60000 after (\d+\.\d) s$/.exec(progress[0]);
    assert.ok(match, `the progress line says where the loop stopped: ${progress[0]}`);
    assert.ok(Number(match[1]) > 0 && Number(match[1]) < 60000, progress[0]);
    // Every other Error is formatted as before: the same multi-line stack from the same line.
    const [before, after] = result.stacks;
    assert.ok(before.split("\n").length > 2, before);
    assert.equal(after, before);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("no notebook cell awaits: an interrupt abandons an awaited promise in tslab and its loop would run on", () => {
  for (const file of listNotebooks(path.join(root, "notebooks"))) {
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
    notebook.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      const source = [cell.source].flat().join("");
      assert.ok(!/\bawait\b/.test(source), `${path.basename(file)} cell ${i + 1} awaits`);
    });
  }
});

test("the hook formats Node's interrupt as one line, tells running loops once, and survives reinstalls and foreign hooks", () => {
  const before = Error.prepareStackTrace;
  const interrupted = () => {
    const e = new Error("Script execution was interrupted by `SIGINT`") as Error & { code?: string };
    e.code = INTERRUPTED_CODE;
    return e;
  };
  try {
    reportInterrupts();
    reportInterrupts(); // an import-cell rerun: replaced, not chained
    const told: string[] = [];
    const untrack = trackRunning(() => told.push("first"));
    trackRunning(() => {
      throw new Error("a display that cannot be updated");
    });
    trackRunning(() => told.push("third"));
    untrack();
    assert.equal(interrupted().stack, "Interrupted");
    assert.deepEqual(
      told,
      ["third"],
      "the unregistered loop is not told; a throwing one does not stop the rest",
    );
    assert.equal(interrupted().stack, "Interrupted");
    assert.deepEqual(told, ["third"], "each loop is told once");
    // A hook installed on top of ours that calls its predecessor, then the import cell rerun: no recursion.
    const ours = Error.prepareStackTrace;
    Error.prepareStackTrace = (error, sites) => `foreign: ${String(ours?.(error, sites)).split("\n")[0]}`;
    reportInterrupts();
    const ordinary = new Error("ordinary").stack ?? "";
    assert.match(ordinary, /^foreign: Error: ordinary$/);
    assert.equal(interrupted().stack, "Interrupted");
    // An object whose code getter throws is formatted, not broken.
    const odd = {};
    Object.defineProperty(odd, "code", {
      get() {
        throw new Error("no code");
      },
    });
    Error.captureStackTrace(odd);
    assert.match(String((odd as { stack?: string }).stack), /^foreign: /);
  } finally {
    Error.prepareStackTrace = before;
  }
});
