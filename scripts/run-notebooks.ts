/**
 * npm run notebooks [-- 02 03] [--no-writeup]
 *
 * Executes every notebook in notebooks/ in numeric order (or those whose names start with the given
 * prefixes), stores their outputs, and then builds the course write-up. Each notebook writes its own
 * figures and tables through src/report. Stops at the first failing cell with the notebook, the cell
 * number and the error, and exits non-zero.
 *
 * NTK_LAB_QUICK=1 npm run notebooks: the same notebooks at the small sizes of their parameter cells; the
 * executed notebooks, figures, tables and write-up go to build/quick/, never over the committed results.
 */
import * as path from "path";
import { buildWriteup } from "./writeup";
import { quickMode } from "../src/report/quick";
import { listNotebooks, runNotebook } from "./notebook-runner";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith("--"));
  const root = path.resolve(__dirname, "..");
  const files = listNotebooks(path.join(root, "notebooks"), only);
  if (files.length === 0) {
    console.error(`run-notebooks: no notebook in notebooks/ matches ${only.join(", ") || "NN-*.ipynb"}`);
    process.exit(2);
  }
  const quick = quickMode();
  const out = quick ? path.join(root, "build", "quick") : root;
  const total = performance.now();
  for (const file of files) {
    const name = path.basename(file);
    console.log(`${name}: running`);
    const saveTo = path.join(out, "notebooks", name);
    const result = await runNotebook(file, (line) => console.log(line), saveTo);
    if (result.failure) {
      console.error(`\n${name}: cell ${result.failure.cell} failed:\n${result.failure.error}`);
      console.error(
        `(${path.relative(root, saveTo)} was saved with the error output; fix the cell and run again)`,
      );
      process.exit(1);
    }
    console.log(`${name}: done in ${result.seconds.toFixed(1)} s`);
  }
  if (!args.includes("--no-writeup")) {
    await buildWriteup(root, {
      code: "fold",
      notebooks: path.join(out, "notebooks"),
      build: quick ? out : path.join(root, "build"),
    });
  }
  console.log(`all done in ${((performance.now() - total) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
