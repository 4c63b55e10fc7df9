import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  diffRuns,
  folderRun,
  identical,
  parseTolerance,
  revisionRun,
  type FileResult,
} from "../scripts/diff-runs";

const root = path.resolve(__dirname, "..");
let work: string;

interface Run {
  csv?: string;
  record?: Record<string, unknown>;
  lines?: string[];
}

const CSV = "kernel,n,slope,meaningful\nrelu,200,-2.2468456166485473,true\nlaplace,200,-1.9,false\n";
const RECORD = {
  notebook: "00-x",
  artifact: "00-fit",
  parameters: { n: 200 },
  gitCommit: "a1",
  gitDirty: false,
};
const LINES = ["slope -2.2468456166485473 at n = 200\n", "fits: 3/3 done in 1.2 s\n"];

/** A run folder with data/00-fit.csv, its record and notebooks/00-x.ipynb printing `lines`. */
function writeRun(name: string, { csv = CSV, record = RECORD, lines = LINES }: Run = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  fs.mkdirSync(path.join(dir, "notebooks"), { recursive: true });
  fs.writeFileSync(path.join(dir, "data", "00-fit.csv"), csv);
  fs.writeFileSync(path.join(dir, "data", "00-fit.json"), JSON.stringify(record));
  const notebook = {
    cells: [
      { cell_type: "markdown", source: "# x", metadata: {} },
      {
        cell_type: "code",
        source: "run()",
        metadata: {},
        outputs: [{ output_type: "stream", name: "stdout", text: lines }],
      },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(path.join(dir, "notebooks", "00-x.ipynb"), JSON.stringify(notebook));
  return dir;
}

function diff(a: string, b: string, tolerance: string[] = []): FileResult[] {
  return diffRuns(folderRun(a), folderRun(b), tolerance.map(parseTolerance));
}

function only(results: FileResult[], file: string): FileResult {
  const r = results.find((x) => x.file === file);
  assert.ok(r, `${file} compared`);
  return r;
}

describe("diff-runs", () => {
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "diff-runs-"));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("finds two equal runs identical, and the command exits 0", () => {
    const a = writeRun("same-a");
    const b = writeRun("same-b");
    const results = diff(a, b);
    assert.ok(identical(results));
    assert.deepEqual(
      results.map((r) => r.file),
      ["data/00-fit.csv", "data/00-fit.json", "notebooks/00-x.ipynb"],
    );
    assert.equal(only(results, "data/00-fit.csv").numbers, 4);
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/diff-runs.ts", a, b], { cwd: root });
    assert.equal(run.status, 0, run.stderr.toString());
    assert.match(run.stdout.toString(), /IDENTICAL/);
  });

  it("reports a changed 17th digit in a CSV with its row, column, values and relative change", () => {
    const a = writeRun("csv-a");
    const b = writeRun("csv-b", { csv: CSV.replace("-2.2468456166485473", "-2.2468456166485478") });
    const results = diff(a, b);
    assert.ok(!identical(results));
    const [change] = only(results, "data/00-fit.csv").differing;
    assert.deepEqual(
      { where: change.where, before: change.before, after: change.after },
      { where: 'row 1, column "slope"', before: "-2.2468456166485473", after: "-2.2468456166485478" },
    );
    // The next float64 after 2.2468456166485473, one ulp (2^-51 in [2, 4)) away.
    assert.equal(change.relative, 2 ** -51 / 2.2468456166485478);
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/diff-runs.ts", a, b], { cwd: root });
    assert.equal(run.status, 1);
    assert.match(run.stdout.toString(), /data\/00-fit\.csv: 4 numbers, 1 DIFFER \(max relative 1\.98e-16\)/);
  });

  it("reports a changed 17th digit in a notebook output with its cell, output and line", () => {
    const a = writeRun("nb-a");
    const b = writeRun("nb-b", { lines: ["slope -2.2468456166485478 at n = 200\n", LINES[1]] });
    const [change, ...rest] = only(diff(a, b), "notebooks/00-x.ipynb").differing;
    assert.equal(rest.length, 0);
    assert.match(change.where, /^cell 2, output 1 \(stdout\), line 1: /);
    assert.equal(change.after, "-2.2468456166485478");
    // ...475 parses to the float64 of ...473: the same value, written otherwise, is a text difference.
    const c = writeRun("nb-c", { lines: ["slope -2.2468456166485475 at n = 200\n", LINES[1]] });
    const same = only(diff(a, c), "notebooks/00-x.ipynb");
    assert.equal(same.differing.length, 0);
    assert.match(
      same.text[0],
      /line 1: .*the same value written as -2\.2468456166485473 and as -2\.2468456166485475/,
    );
  });

  it("finds a notebook whose cell was split in two (its loop's progress shown twice) identical, and still sees a changed number after the split", () => {
    const a = writeRun("split-a");
    const b = writeRun("split-b");
    const file = path.join(b, "notebooks", "00-x.ipynb");
    const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
    const [markdown, cell] = notebook.cells;
    const half = (line: string) => ({
      ...cell,
      outputs: [{ output_type: "stream", name: "stdout", text: [line] }],
    });
    notebook.cells = [markdown, half(LINES[0]), half(LINES[1])];
    fs.writeFileSync(file, JSON.stringify(notebook));
    assert.ok(identical([only(diff(a, b), "notebooks/00-x.ipynb")]));
    const progressLine = (text: string) => ({
      output_type: "display_data",
      data: { "text/plain": text },
      metadata: {},
    });
    notebook.cells[1].outputs.push(progressLine("pairs: 8/8 done in 1.2 s"));
    notebook.cells[2].outputs.unshift(progressLine("pairs: 4/4 done in 0.4 s"));
    fs.writeFileSync(file, JSON.stringify(notebook));
    assert.ok(identical([only(diff(a, b), "notebooks/00-x.ipynb")]), "progress displays are left out");
    notebook.cells[2].outputs[1].text = ["fits: 3/3 done in 1.2 s\n", "slope -2.5\n"];
    fs.writeFileSync(file, JSON.stringify(notebook));
    assert.equal(only(diff(a, b), "notebooks/00-x.ipynb").text.length, 1);
  });

  it("ignores a masked time but not a changed word or count beside it", () => {
    const a = writeRun("time-a");
    const b = writeRun("time-b", { lines: [LINES[0], "fits: 3/3 done in 1 min 4 s\n"] });
    const notebook = only(diff(a, b), "notebooks/00-x.ipynb");
    assert.ok(identical([notebook]));
    assert.deepEqual(notebook.masked, { "progress time": 1 });
    const c = writeRun("time-c", { lines: [LINES[0], "fits: 4/4 done in 1.2 s\n"] });
    assert.equal(only(diff(a, c), "notebooks/00-x.ipynb").differing.length, 2);
  });

  it("masks the commit in the provenance record, not the parameters", () => {
    const a = writeRun("rec-a");
    const b = writeRun("rec-b", { record: { ...RECORD, gitCommit: "b2", gitDirty: true } });
    assert.ok(identical(diff(a, b)));
    const c = writeRun("rec-c", { record: { ...RECORD, parameters: { n: 201 } } });
    const [change] = only(diff(a, c), "data/00-fit.json").differing;
    assert.equal(change.where, "record.parameters.n");
  });

  it("lists a change within a --tolerance bound apart, and a file on one side only", () => {
    const a = writeRun("tol-a");
    const b = writeRun("tol-b", { csv: CSV.replace("-2.2468456166485473", "-2.2468456166485478") });
    const csv = only(diff(a, b, ["data/*.csv=1e-15"]), "data/00-fit.csv");
    assert.equal(csv.differing.length, 0);
    assert.equal(csv.withinBound.length, 1);
    assert.ok(identical([csv]));
    assert.equal(only(diff(a, b, ["notebooks/*=1e-15"]), "data/00-fit.csv").differing.length, 1);
    assert.throws(() => parseTolerance("data/*.csv=2"), /parseTolerance: --tolerance must be .* got "data/);
    fs.writeFileSync(path.join(b, "data", "00-extra.csv"), "x\n1\n");
    const extra = only(diff(a, b), "data/00-extra.csv");
    assert.equal(extra.onlyIn, "after");
  });

  it("reads a side from a git revision", () => {
    const repo = writeRun("repo");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: repo,
        stdio: "pipe",
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "run");
    fs.writeFileSync(path.join(repo, "data", "00-fit.csv"), CSV.replace("-1.9", "-1.8"));
    const results = diffRuns(revisionRun(repo, "HEAD"), folderRun(repo));
    assert.deepEqual(
      only(results, "data/00-fit.csv").differing.map((c) => c.where),
      ['row 2, column "slope"'],
    );
    assert.ok(identical(results.filter((r) => r.file !== "data/00-fit.csv")));
    assert.throws(() => revisionRun(repo, "no-such-rev"), /revisionRun: rev must be .* got "no-such-rev"/);
  });
});
