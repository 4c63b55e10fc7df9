/**
 * npx tsx scripts/check-outputs.ts notebooks/NN-name.ipynb ...
 * Fails (exit 1) when a quick run (build/quick/figures, build/quick/data) wrote another set of figures and
 * tables for these notebooks than the committed full run (figures/, data/): quick mode changes sizes only.
 */
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: check-outputs notebooks/NN-name.ipynb ...");
  process.exit(2);
}

/** The artifact files of notebook `prefix` (e.g. "02-") directly in `dir`, sorted. */
function artifacts(dir: string, prefix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith(prefix) && !e.name.includes(".tmp-"))
    .map((e) => e.name)
    .sort();
}

const problems: string[] = [];
let count = 0;
for (const file of files) {
  const prefix = path.basename(file).slice(0, 3);
  for (const kind of ["figures", "data"]) {
    const full = artifacts(path.join(root, kind), prefix);
    const quick = artifacts(path.join(root, "build", "quick", kind), prefix);
    const missing = full.filter((f) => !quick.includes(f));
    const extra = quick.filter((f) => !full.includes(f));
    if (missing.length > 0) problems.push(`${kind}/: the quick run did not write ${missing.join(", ")}`);
    if (extra.length > 0)
      problems.push(`${kind}/: the quick run wrote ${extra.join(", ")}, which the full run has not`);
    count += quick.length;
  }
}
if (problems.length > 0) {
  console.error(`check-outputs: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`check-outputs: the quick run wrote the same ${count} figure and table files as the full run`);
