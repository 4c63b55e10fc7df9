import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { cellSource, listNotebooks, type NotebookFile } from "../scripts/notebook-runner";
import { outputRoot, quickMode } from "../src/report/quick";

const root = path.resolve(__dirname, "..");
const QUICK_LINE = 'const quick = process.env.NTK_LAB_QUICK === "1";';

test("quickMode is on for NTK_LAB_QUICK=1, off when unset, empty or 0, and refuses anything else", () => {
  assert.equal(quickMode({ NTK_LAB_QUICK: "1" }), true);
  for (const off of [{}, { NTK_LAB_QUICK: "" }, { NTK_LAB_QUICK: "0" }]) assert.equal(quickMode(off), false);
  assert.throws(
    () => quickMode({ NTK_LAB_QUICK: "yes" }),
    /quickMode: the environment variable NTK_LAB_QUICK must be "1" .* got "yes"/,
  );
});

test("quick runs write under build/quick, full runs into the lab, NTK_LAB_OUTPUT overrides both", () => {
  assert.equal(outputRoot("/lab", {}), "/lab");
  assert.equal(outputRoot("/lab", { NTK_LAB_QUICK: "1" }), path.join("/lab", "build", "quick"));
  assert.equal(outputRoot("/lab", { NTK_LAB_QUICK: "1", NTK_LAB_OUTPUT: "/tmp/x" }), "/tmp/x");
});

test("an interactive run (JupyterLab) writes under build/lab, never over the committed run of npm run notebooks", () => {
  assert.equal(outputRoot("/lab", {}, true), path.join("/lab", "build", "lab"));
  assert.equal(outputRoot("/lab", { NTK_LAB_RUNNER: "1" }, true), "/lab");
  assert.equal(outputRoot("/lab", { NTK_LAB_QUICK: "1" }, true), path.join("/lab", "build", "quick"));
  assert.equal(outputRoot("/lab", { NTK_LAB_OUTPUT: "/tmp/x" }, true), "/tmp/x");
});

test("every notebook reads quick mode in its parameter cell only, and only to choose sizes", () => {
  const notebooks = listNotebooks(path.join(root, "notebooks"));
  assert.ok(notebooks.length >= 8);
  for (const file of notebooks) {
    const name = path.basename(file);
    const code = (JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile).cells
      .filter((c) => c.cell_type === "code")
      .map(cellSource);
    const [parameters, ...rest] = code;
    assert.ok(parameters.startsWith("// Parameters"), `${name}: the first code cell holds the parameters`);
    assert.ok(
      parameters.includes(QUICK_LINE),
      `${name}: the parameter cell reads NTK_LAB_QUICK as ${QUICK_LINE}`,
    );
    // Outside the declaration, quick appears only as "key: quick ? small : full," entries of params.
    const uses = parameters
      .split("\n")
      .filter((line) => /\bquick\b/.test(line.replace(/\/\/.*$/, "")) && !line.includes(QUICK_LINE));
    assert.ok(uses.length > 0, `${name}: quick mode changes at least one size`);
    for (const line of uses)
      assert.match(line, /^ {2}\w+: quick \? [^?]+ : [^?]+,( \/\/.*)?$/, `${name}: ${line}`);
    rest.forEach((source, i) => {
      assert.doesNotMatch(
        source,
        /\bquick\b|NTK_LAB_QUICK/,
        `${name}: code cell ${i + 2} must not look at quick mode`,
      );
    });
  }
});
