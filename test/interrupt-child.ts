/**
 * Child process of interrupt.test.ts: runs a two-cell notebook through tslab's own executor (as
 * JupyterLab's kernel runs a cell, with vm's breakOnSigint) whose second cell starts a progress loop of a
 * minute and has this process sent SIGINT (Kernel → Interrupt) after half a second. Prints one JSON line:
 * the failing cell's outputs as the runner stored them, and the stack of an ordinary Error made before and
 * after the import cell installed the interrupt report, from the same line.
 * Usage: node --import tsx test/interrupt-child.ts <work folder holding a src symlink>
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { runNotebook, type NotebookFile } from "../scripts/notebook-runner";

const work = process.argv[2];
// Two frames, both in these two functions: the same stack wherever `ordinary` is called from.
const make = (): Error => new Error("an ordinary error");
const ordinary = (): string | undefined => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  const stack = make().stack;
  Error.stackTraceLimit = limit;
  return stack;
};
const stacks = [ordinary()];
const file = path.join(work, "96-interrupted.ipynb");
const cell = (source: string) => ({ cell_type: "code", metadata: {}, source: [source], outputs: [] });
const notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    cell(`import * as lab from "./src/index";\nconst nb = lab.startNotebook("96-interrupted", {});`),
    cell(
      [
        `const loop = nb.progress(60000, "busy loop");`,
        `require("child_process").spawn("sh", ["-c", "sleep 0.5; kill -INT " + process.pid]);`,
        `for (let i = 0; i < 60000; i++) { const t = performance.now(); while (performance.now() - t < 1) {} loop.tick(); }`,
        `loop.done();`,
      ].join("\n"),
    ),
  ],
};
fs.writeFileSync(file, JSON.stringify(notebook));
runNotebook(file).then((result) => {
  stacks.push(ordinary());
  const saved = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
  process.stdout.write(
    JSON.stringify({ failure: result.failure, outputs: saved.cells[1].outputs, stacks }) + "\n",
  );
});
