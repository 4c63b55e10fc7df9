/**
 * Sources are cited by title (the NTK-study write-up, the notes on functional gradient descent and RKHS, the
 * notes on NTK papers, the 18.408 project report, Problem Set 4) and papers by author and year: a reader of the
 * lab has none of the workplace's seed files or design notes, so no text of the repository names them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "..");
const FOLDERS = ["src", "scripts", "bench", "test", "notebooks", "figures", "data"];
const FILE_NAME = /\bseeds? ?0{2}[0-4]\b|\bDESIGN\.md\b|machine-notes\.md/i;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : files(file);
    return /\.(ts|ipynb|md|svg|json|csv|py|sh)$/.test(entry.name) ? [file] : [];
  });
}

test("no text of the repository cites a source by its seed file or the design notes by file name", () => {
  const found: string[] = [];
  for (const file of [...FOLDERS.flatMap((f) => files(path.join(root, f))), path.join(root, "README.md")]) {
    if (file === __filename) continue;
    fs.readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const m = FILE_NAME.exec(line);
        if (m) found.push(`${path.relative(root, file)}:${i + 1}: ${m[0]}`);
      });
  }
  assert.deepEqual(found, []);
});
