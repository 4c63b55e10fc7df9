import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  kernelLanguageInfo,
  listNotebooks,
  runNotebook,
  type NotebookFile,
} from "../scripts/notebook-runner";
import { mismatchedFigures } from "../scripts/writeup";
import {
  committedParameters,
  committedRunNotices,
  LONG_RUN_SECONDS,
  readRunRecord,
  runTimeNotice,
} from "../src/report/run-record";

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

  it("stores the language_info the tslab kernel reports, so JupyterLab finds nothing to rewrite on opening", async () => {
    const file = copyFixture("98-fixture.ipynb");
    await runNotebook(file);
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
    assert.deepEqual(notebook.metadata.language_info, kernelLanguageInfo());
    assert.equal(kernelLanguageInfo().name, "typescript");
    for (const committed of listNotebooks(path.join(__dirname, "..", "notebooks"))) {
      const stored = JSON.parse(fs.readFileSync(committed, "utf8")) as NotebookFile;
      assert.deepEqual(stored.metadata.language_info, kernelLanguageInfo(), path.basename(committed));
      const ids = stored.cells.map((c) => c.id);
      assert.ok(
        ids.every((id) => typeof id === "string" && /^[\w-]{1,64}$/.test(id)),
        `${path.basename(committed)}: every cell has an id`,
      );
      assert.equal(new Set(ids).size, ids.length, `${path.basename(committed)}: cell ids are unique`);
    }
  });

  it("lets the write-up refuse a notebook whose figures are not the committed files (a tweaked run saved)", async () => {
    const file = copyFixture("98-fixture.ipynb");
    await runNotebook(file);
    const figures = path.join(work, "figures");
    assert.deepEqual(mismatchedFigures(file, figures), []);
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
    for (const output of notebook.cells.flatMap((c) => c.outputs ?? [])) {
      if (output.output_type === "display_data" && "image/svg+xml" in output.data) {
        output.data["image/svg+xml"] = String(output.data["image/svg+xml"]).replace("</svg>", "<g/></svg>");
      }
    }
    fs.writeFileSync(file, JSON.stringify(notebook));
    assert.deepEqual(mismatchedFigures(file, figures), ["98-circle: differs from figures/98-circle.svg"]);
    assert.deepEqual(mismatchedFigures(file, path.join(work, "elsewhere")), [
      "98-circle: no elsewhere/98-circle.svg",
    ]);
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
    // Its PNG copy, the form JupyterLab shows in an untrusted notebook, at the SVG's width in CSS pixels.
    assert.ok(svg.output_type === "display_data");
    const inline = Buffer.from(String(svg.data["image/png"]), "base64");
    assert.equal(inline.subarray(1, 4).toString("ascii"), "PNG");
    const svgText = String(svg.data["image/svg+xml"]);
    const width = Number(/width="([\d.]+)"/.exec(svgText)?.[1]);
    assert.deepEqual(svg.metadata, { "image/png": { width }, "ntk-lab": { figure: "98-circle" } });
    assert.equal(inline.readUInt32BE(16), width, "drawn at one pixel per CSS pixel");
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
    assert.equal(readRunRecord(file), null, "a failed run leaves no run time");
  });

  it("stores how long the run took, which a kernel reads to announce a long notebook", async () => {
    const file = copyFixture("98-fixture.ipynb");
    const result = await runNotebook(file);
    const record = readRunRecord(file);
    assert.ok(record, "the run's record is in the notebook's metadata");
    assert.ok(record.seconds > 0 && record.seconds <= result.seconds + 0.05, `${record.seconds}`);
    assert.equal(record.cores, os.cpus().length);
    assert.ok(
      record.slowest.every((c) => c.seconds >= 5),
      "only cells of 5 s or more are named",
    );
    // This short fixture says nothing; a long run names its time, machine and slowest cells.
    assert.equal(runTimeNotice(record), null);
    const long = { seconds: 147, slowest: [{ cell: 9, seconds: 65.2 }], cpu: "a CPU", cores: 2 };
    assert.equal(
      runTimeNotice(long),
      "Run All took 2 min 27 s at the defaults in the committed run (npm run notebooks, a CPU, 2 cores); the slowest cells: 9 (1 min 5 s). Cells over a few seconds show their progress; Kernel → Interrupt stops one.",
    );
    assert.equal(runTimeNotice({ ...long, seconds: LONG_RUN_SECONDS }), null);
    assert.equal(readRunRecord(path.join(work, "no-such.ipynb")), null);
  });

  it("tells a tweaked run which parameters differ from the committed run's, and a long notebook its time", () => {
    // A lab of its own: a notebook whose record says 95 s, and a figure's provenance with its parameters.
    const lab = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-notices-"));
    try {
      fs.mkdirSync(path.join(lab, "notebooks"));
      fs.mkdirSync(path.join(lab, "figures"));
      const run = { seconds: 94.7, slowest: [{ cell: 9, seconds: 42.3 }], cpu: "a CPU", cores: 1 };
      fs.writeFileSync(
        path.join(lab, "notebooks", "95-notices.ipynb"),
        JSON.stringify({ cells: [], metadata: { "ntk-lab": { run } } }),
      );
      const committed = { nSmall: 200, powers: [1, 2] };
      fs.writeFileSync(
        path.join(lab, "figures", "95-a.json"),
        JSON.stringify({ notebook: "95-notices", artifact: "95-a", parameters: committed }),
      );
      assert.deepEqual(committedParameters(lab, "95-notices"), committed);
      const time =
        "Run All took 1 min 35 s at the defaults in the committed run (npm run notebooks, a CPU, 1 core); the slowest cells: 9 (42 s). Cells over a few seconds show their progress; Kernel → Interrupt stops one.";
      assert.deepEqual(committedRunNotices(lab, "95-notices", { ...committed }), [time]);
      assert.deepEqual(committedRunNotices(lab, "95-notices", { ...committed, nSmall: 400 }), [
        time,
        "Parameters changed from the committed run (nSmall: 400 here, 200 in the committed run): the narrative's numbers describe the committed run, the outputs below this one.",
      ]);
      assert.equal(committedParameters(lab, "94-none"), null);
    } finally {
      fs.rmSync(lab, { recursive: true, force: true });
    }
    // The committed notebooks: 02's parameters are found in its figures' provenance.
    assert.equal(committedParameters(root, "02-spectral-decay")?.nSmall, 200);
  });
});
