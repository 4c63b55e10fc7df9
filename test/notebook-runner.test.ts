import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { runNotebook, type NotebookFile } from "../scripts/notebook-runner";

const root = path.resolve(__dirname, "..");
// The run folder lives inside the lab (tslab compiles only .ts files under the kernel's working folder,
// and startNotebook finds the lab from there); figures and tables go to it too, not to figures/.
const work = path.join(root, "test", ".tmp-runner");

function copyFixture(name: string): string {
  const target = path.join(work, name);
  fs.copyFileSync(path.join(root, "test", "fixtures", name), target);
  return target;
}

describe("the notebook runner", () => {
  before(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    fs.symlinkSync(path.join(root, "src"), path.join(work, "src"));
    process.env.NTK_LAB_OUTPUT = work;
  });
  after(() => {
    delete process.env.NTK_LAB_OUTPUT;
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("runs a small notebook, stores its outputs and writes its figure and table", async () => {
    const file = copyFixture("98-fixture.ipynb");
    const result = await runNotebook(file);
    assert.equal(result.failure, undefined);
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
    const outputs = notebook.cells.flatMap((c) => c.outputs ?? []);
    assert.ok(
      outputs.every((o) => o.output_type !== "error"),
      "no cell errored",
    );
    assert.ok(outputs.some((o) => o.output_type === "stream" && o.text.join("").includes("points: 8")));
    const svg = outputs.find((o) => o.output_type === "display_data" && "image/svg+xml" in o.data);
    assert.ok(svg, "the figure is shown inline");
    assert.deepEqual(
      notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count),
      [1, 2],
    );
    for (const f of [
      "figures/98-circle.svg",
      "figures/98-circle.png",
      "figures/98-circle.json",
      "data/98-circle.csv",
    ]) {
      assert.ok(fs.statSync(path.join(work, f)).size > 0, `${f} written`);
    }
    const png = fs.readFileSync(path.join(work, "figures/98-circle.png"));
    assert.equal(png.subarray(1, 4).toString("ascii"), "PNG");
    const csv = fs.readFileSync(path.join(work, "data/98-circle.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 9);
    assert.equal(csv[0], "x1,x2");
    const provenance = JSON.parse(fs.readFileSync(path.join(work, "figures/98-circle.json"), "utf8"));
    assert.deepEqual(provenance.parameters, { n: 8 });
    assert.equal(provenance.notebook, "98-fixture");
  });

  it("stops at a failing cell, names it and keeps the error in the notebook", async () => {
    const file = copyFixture("97-failing.ipynb");
    const result = await runNotebook(file);
    assert.ok(result.failure);
    assert.equal(result.failure.cell, 2);
    assert.match(result.failure.error, /circlePoints: n must be an integer >= 1, got 0/);
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
    const [first, second, third] = notebook.cells;
    assert.ok(first.outputs?.some((o) => o.output_type === "stream"));
    assert.equal(second.outputs?.at(-1)?.output_type, "error");
    assert.deepEqual(third.outputs, []);
  });
});
