/**
 * npx tsx scripts/check-notebook.ts FILE.ipynb
 * Fails (exit 1) when a notebook has an error output, a code cell that did not run, or no figure output.
 * CI uses it on the notebook that real Jupyter (nbconvert with the tslab kernel) executed.
 */
import * as fs from "fs";
import type { NotebookFile } from "./notebook-runner";

const file = process.argv[2];
if (!file) {
  console.error("usage: check-notebook FILE.ipynb");
  process.exit(2);
}
const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
const problems: string[] = [];
let figures = 0;
notebook.cells.forEach((cell, i) => {
  if (cell.cell_type !== "code") return;
  const outputs = cell.outputs ?? [];
  for (const output of outputs) {
    if (output.output_type === "error") problems.push(`cell ${i + 1}: ${output.ename}: ${output.evalue}`);
    if (output.output_type === "stream" && output.name === "stderr" && /Error/.test(output.text.join(""))) {
      problems.push(`cell ${i + 1}: stderr: ${output.text.join("").split("\n")[0]}`);
    }
    if (output.output_type === "display_data" && "image/svg+xml" in output.data) figures++;
  }
});
if (figures === 0) problems.push("no figure output (image/svg+xml) in any cell");
if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`${file}: every cell ran without error; ${figures} figure output(s)`);
