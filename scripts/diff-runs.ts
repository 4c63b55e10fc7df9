/**
 * npx tsx scripts/diff-runs.ts BEFORE AFTER [--tolerance [GLOB=]REL ...]
 *
 * Shows whether two runs of the notebooks computed the same numbers. Each side is a folder holding a run's
 * data/ and notebooks/ (the lab's root after `npm run notebooks`, or build/quick after a quick run) or a
 * git revision (its committed files, read with `git show REV:path`). Compared:
 *
 * - data/*.csv cell by cell: numeric cells as float64 values, exactly; others as text;
 * - data/*.json (each table's provenance record) field by field, numbers exactly, except the fields that
 *   name the code's state rather than what was computed (PROVENANCE_MASKED);
 * - notebooks/*.ipynb: the stored outputs of the code cells as one sequence (a stream joined across
 *   cells, so splitting a cell changes nothing; progress displays left out), text (stream, text/plain, text/html, SVG) token by token, each number in it exactly as written, after masking the few values that differ
 *   between two runs of the same code (MASKS); other data (image/png) byte for byte.
 *
 * Exit code 0 iff everything is identical, or differs only by numbers within a --tolerance bound:
 * `--tolerance 1e-15` allows a relative change up to 1e-15 in every file, `--tolerance 'data/02-*.csv=1e-15'`
 * only in the files the pattern names (`*` any characters; the first matching option applies). Changes
 * within a bound are listed apart from the differences. Exit code 1 otherwise, 2 on a usage error.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { NotebookFile, Output } from "./notebook-runner";
import { describeValue } from "../src/validate";

/** One side of the comparison: a run's files, by their path in the lab (data/00-x.csv). */
export interface RunFiles {
  label: string;
  /** The names of the files directly in folder (data or notebooks) whose name ends with extension. */
  list(folder: string, extension: string): string[];
  read(file: string): string;
}

/** The run in folder dir (dir/data/*.csv, dir/notebooks/*.ipynb). */
export function folderRun(dir: string): RunFiles {
  const root = path.resolve(dir);
  if (!["data", "notebooks"].some((f) => fs.existsSync(path.join(root, f)))) {
    throw new Error(
      `folderRun: dir must be a folder holding a run's data/ or notebooks/ (the lab's root, build/quick), got ${describeValue(dir)}`,
    );
  }
  return {
    label: `${dir} (folder)`,
    list(folder, extension) {
      const where = path.join(root, folder);
      if (!fs.existsSync(where)) return [];
      return fs
        .readdirSync(where, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(extension))
        .map((e) => e.name)
        .sort();
    },
    read: (file) => fs.readFileSync(path.join(root, file), "utf8"),
  };
}

/** The files committed at revision rev of the git repository at repo. */
export function revisionRun(repo: string, rev: string): RunFiles {
  const git = (...args: string[]): string =>
    // Notebooks with their SVG outputs run to megabytes; the default buffer is 1 MiB.
    execFileSync("git", args, { cwd: repo, stdio: "pipe", maxBuffer: 1 << 30 }).toString("utf8");
  let commit: string;
  try {
    commit = git("rev-parse", "--verify", "--quiet", `${rev}^{commit}`).trim();
  } catch {
    throw new Error(
      `revisionRun: rev must be a folder or a git revision of ${repo} (HEAD, a branch, a commit), got ${describeValue(rev)}`,
    );
  }
  return {
    label: `${rev} (git revision ${commit.slice(0, 12)})`,
    list(folder, extension) {
      return git("ls-tree", "-z", "--name-only", commit, `${folder}/`)
        .split("\0")
        .map((entry) => entry.slice(folder.length + 1))
        .filter((name) => name.endsWith(extension) && !name.includes("/"))
        .sort();
    },
    read: (file) => git("show", `${commit}:${file}`),
  };
}

/** A folder when one exists at spec, else a revision of the repository at repo. */
export function openRun(spec: string, repo: string): RunFiles {
  return fs.existsSync(spec) && fs.statSync(spec).isDirectory() ? folderRun(spec) : revisionRun(repo, spec);
}

/**
 * Values that differ between two runs of the same code: a rerun of every notebook on unchanged code,
 * diffed against the committed run without masks, differed in exactly these (and the records'
 * gitCommit); its CSVs were byte-identical and no output holds a date. Each match is replaced by «name»
 * on both sides, so the words and every other number around it are still compared. All are wall-clock
 * times: they measure the machine's load, not the lab.
 */
export const MASKS: { name: string; pattern: RegExp }[] = [
  // progress() (src/report/progress.ts) ends its display with the loop's time: "...: 19/19 done in 15.3 s",
  // "...: 24/24 done in 1 min 12 s".
  { name: "progress time", pattern: /(?<=: \d+\/\d+ done in )(?:\d+\.\d|\d+ min \d+)(?= s$)/gm },
  // Notebooks 05 and 06 print how long their training runs took: "24 runs of 1000 steps in 73 s; ...",
  // "36 runs in 10 s".
  { name: "training time", pattern: /(?<=^\d+ runs (?:of \d+ steps )?in )\d+(?= s(?:;|$))/gm },
  // Notebook 05 prints how long its width sweep took: "width sweep: 17 s".
  { name: "sweep time", pattern: /(?<=^width sweep: )\d+(?= s$)/gm },
  // Notebooks 05, 06 and 08 end with their time since the import cell: "time since the import cell ran 92 s".
  { name: "notebook time", pattern: /(?<=^time since the import cell ran )\d+(?= s$)/gm },
  // Notebook 04 sums the time of its 16 pairs: "time for all 16 pairs: Monte Carlo n = 200, m = 1000: 7.7 s;
  // analytic n = 1000: 2.9 s".
  { name: "pair time", pattern: /(?<=^time for all \d+ pairs: .*: )\d+\.\d(?= s(?:;|$))/gm },
];

/**
 * Fields of a data/*.json provenance record (src/report/provenance.ts) that name the state of the
 * checkout, not what was computed: gitCommit differs whenever the commit does (a refactor is checked
 * across commits; the rerun above recorded HEAD, the committed run an older commit), and gitDirty says
 * whether src/ or notebooks/ had uncommitted changes when the run started, which a run started after
 * another one has (that run rewrote the notebooks, with other times in them). The other fields
 * (notebook, artifact, parameters, node and package versions) must match: parameters are the inputs,
 * and a run on another Node or package version is not the same computation.
 */
export const PROVENANCE_MASKED = ["gitCommit", "gitDirty"];

/** A number that changed: where, as written on each side, and |after - before| / max(|before|, |after|). */
export interface NumberChange {
  where: string;
  before: string;
  after: string;
  relative: number;
}

/** What the comparison of one file found. */
export interface FileResult {
  file: string;
  /** Set when the file exists on one side only. */
  onlyIn?: "before" | "after";
  numbers: number;
  identical: number;
  /** Numbers that changed by more than the file's bound (every change, without a bound). */
  differing: NumberChange[];
  withinBound: NumberChange[];
  /** Differences that are not a number's value: words, structure, a number written otherwise. */
  text: string[];
  /** How many values each mask hid (counted on the before side). */
  masked: Record<string, number>;
  /** The relative change bound that applies to this file (0: none). */
  bound: number;
}

function newResult(file: string, bound: number): FileResult {
  return { file, numbers: 0, identical: 0, differing: [], withinBound: [], text: [], masked: {}, bound };
}

/** |a - b| / max(|a|, |b|): 0 for equal values, Infinity when either is not finite (NaN, Infinity). */
function relativeChange(a: number, b: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Compares two numbers as written; the same digits are the same float64 value. */
function compareNumber(r: FileResult, where: string, before: string, after: string): void {
  r.numbers++;
  if (before === after) {
    r.identical++;
    return;
  }
  const relative = relativeChange(Number(before), Number(after));
  if (relative === 0) {
    r.text.push(`${where}: the same value written as ${before} and as ${after}`);
    return;
  }
  (relative <= r.bound ? r.withinBound : r.differing).push({ where, before, after, relative });
}

/**
 * A decimal literal in text: digits with an optional fraction and exponent, not inside a longer run of
 * digits; a - or + before it is its sign unless it follows a word or a bracket (30-100 is a range).
 */
const NUMBER = /(?:(?<![\w)\]])[-+])?(?<!\d)\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** A CSV cell that is a number as String(x) writes one (csvTable in src/report/table.ts). */
const NUMERIC_CELL = /^(?:-?(?:\d+(?:\.\d+)?(?:e[-+]\d+)?|Infinity))$/;

function excerpt(text: string, at: number, length: number): string {
  const from = Math.max(0, at - 30);
  const to = Math.min(text.length, at + length + 30);
  return JSON.stringify((from > 0 ? "…" : "") + text.slice(from, to) + (to < text.length ? "…" : ""));
}

/** The numbers of a text and the words between them (words.length = numbers.length + 1). */
function tokens(text: string): { words: string[]; numbers: { value: string; at: number }[] } {
  const words: string[] = [];
  const numbers: { value: string; at: number }[] = [];
  let last = 0;
  for (const m of text.matchAll(NUMBER)) {
    const at = m.index ?? 0; // always set by matchAll; typed optional under some TypeScript libs
    words.push(text.slice(last, at));
    numbers.push({ value: m[0], at });
    last = at + m[0].length;
  }
  words.push(text.slice(last));
  return { words, numbers };
}

/** The position of the first character where a and b differ, as "line L, column C" of a. */
function firstDifference(a: string, b: string): { at: number; where: string } {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  const before = a.slice(0, at).split("\n");
  return { at, where: `line ${before.length}, column ${before[before.length - 1].length + 1}` };
}

/** Compares one line (or a whole text) number by number, when the words around the numbers agree. */
function compareTokens(r: FileResult, where: string, before: string, after: string): void {
  const a = tokens(before);
  const b = tokens(after);
  const sameWords = a.words.length === b.words.length && a.words.every((w, i) => w === b.words[i]);
  if (!sameWords) {
    const { at, where: position } = firstDifference(before, after);
    r.text.push(`${where}, ${position}: ${excerpt(before, at, 0)} became ${excerpt(after, at, 0)}`);
    return;
  }
  a.numbers.forEach((n, i) =>
    compareNumber(r, `${where}: ${excerpt(before, n.at, n.value.length)}`, n.value, b.numbers[i].value),
  );
}

/** Replaces every match of MASKS by «name», counting them. */
function applyMasks(text: string, counts?: Record<string, number>): string {
  let masked = text;
  for (const { name, pattern } of MASKS) {
    masked = masked.replace(pattern, () => {
      if (counts) counts[name] = (counts[name] ?? 0) + 1;
      return `«${name}»`;
    });
  }
  return masked;
}

/** Compares two texts after masking, line by line when both have as many lines, else as a whole. */
function compareText(r: FileResult, where: string, before: string, after: string): void {
  const a = applyMasks(before, r.masked);
  const b = applyMasks(after);
  const linesA = a.split("\n");
  const linesB = b.split("\n");
  if (linesA.length !== linesB.length) {
    compareTokens(r, where, a, b);
    return;
  }
  linesA.forEach((line, i) =>
    compareTokens(r, linesA.length > 1 ? `${where}, line ${i + 1}` : where, line, linesB[i]),
  );
}

/** RFC 4180 fields: commas, double quotes around fields holding commas, quotes or newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

function compareCsv(r: FileResult, before: string, after: string): void {
  const a = parseCsv(before);
  const b = parseCsv(after);
  const header = a[0] ?? [];
  if (a.length !== b.length) r.text.push(`${a.length - 1} rows before, ${b.length - 1} after`);
  for (let row = 0; row < Math.min(a.length, b.length); row++) {
    if (a[row].length !== b[row].length) {
      r.text.push(`row ${row}: ${a[row].length} cells before, ${b[row].length} after`);
    }
    for (let col = 0; col < Math.min(a[row].length, b[row].length); col++) {
      const where =
        row === 0 ? `header, column ${col + 1}` : `row ${row}, column ${JSON.stringify(header[col])}`;
      const x = a[row][col];
      const y = b[row][col];
      if (row > 0 && NUMERIC_CELL.test(x) && NUMERIC_CELL.test(y)) compareNumber(r, where, x, y);
      else if (x !== y) r.text.push(`${where}: ${JSON.stringify(x)} became ${JSON.stringify(y)}`);
    }
  }
}

function compareJsonValue(r: FileResult, where: string, a: unknown, b: unknown): void {
  if (typeof a === "number" && typeof b === "number") {
    // JSON.stringify writes the shortest digits that round-trip, as String(x) does.
    compareNumber(r, where, JSON.stringify(a), JSON.stringify(b));
  } else if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    if (Array.isArray(a) !== Array.isArray(b)) {
      r.text.push(`${where}: ${Array.isArray(a) ? "an array" : "an object"} became another kind`);
      return;
    }
    const A = a as Record<string, unknown>;
    const B = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(A), ...Object.keys(B)])) {
      const at = `${where}.${key}`;
      if (!(key in B)) r.text.push(`${at}: only before`);
      else if (!(key in A)) r.text.push(`${at}: only after`);
      else compareJsonValue(r, at, A[key], B[key]);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    r.text.push(`${where}: ${JSON.stringify(a)} became ${JSON.stringify(b)}`);
  }
}

/**
 * The record without PROVENANCE_MASKED, at its top or in a nested provenance object (a notebook's finding),
 * counting what it removed into counts.
 */
function withoutProvenance(text: string, counts?: Record<string, number>): Record<string, unknown> {
  const record = JSON.parse(text) as Record<string, unknown>;
  const nested = record.provenance;
  const holders = [
    record,
    ...(nested !== null && typeof nested === "object" ? [nested as Record<string, unknown>] : []),
  ];
  for (const holder of holders) {
    for (const key of PROVENANCE_MASKED) {
      if (!(key in holder)) continue;
      if (counts) counts[key] = (counts[key] ?? 0) + 1;
      delete holder[key];
    }
  }
  return record;
}

function compareProvenance(r: FileResult, before: string, after: string): void {
  compareJsonValue(r, "record", withoutProvenance(before, r.masked), withoutProvenance(after));
}

function joined(text: string | string[]): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Data that is text (compared token by token); anything else (base64 PNG, say) is compared whole. */
function isText(mime: string): boolean {
  return mime.startsWith("text/") || mime === "image/svg+xml" || mime.endsWith("json");
}

function compareOutput(r: FileResult, where: string, a: Output, b: Output): void {
  if (a.output_type !== b.output_type) {
    r.text.push(`${where}: a ${a.output_type} output became a ${b.output_type} output`);
    return;
  }
  if (a.output_type === "stream" && b.output_type === "stream") {
    if (a.name !== b.name) r.text.push(`${where}: ${a.name} became ${b.name}`);
    compareText(r, `${where} (${a.name})`, joined(a.text), joined(b.text));
  } else if (a.output_type === "error" && b.output_type === "error") {
    compareText(
      r,
      `${where} (error)`,
      [a.ename, a.evalue, ...a.traceback].join("\n"),
      [b.ename, b.evalue, ...b.traceback].join("\n"),
    );
  } else if ("data" in a && "data" in b) {
    for (const mime of new Set([...Object.keys(a.data), ...Object.keys(b.data)])) {
      const x = a.data[mime];
      const y = b.data[mime];
      if (x === undefined || y === undefined) {
        r.text.push(`${where}: ${mime} only ${x === undefined ? "after" : "before"}`);
      } else if (isText(mime)) {
        compareText(r, `${where} (${mime})`, joined(x), joined(y));
      } else if (joined(x) !== joined(y)) {
        r.text.push(
          `${where} (${mime}): the data differs (${joined(x).length} and ${joined(y).length} characters)`,
        );
      }
    }
  }
}

/** One output of a notebook, named by the number of the code cell that printed it (as run-notebooks counts). */
interface NumberedOutput {
  output: Output;
  cell: number;
}

/**
 * A progress display's final line ("16 pairs: 16/16 done in 2.1 s", src/report/progress.ts): how a loop was
 * shown, not what it computed, and a loop split in two shows two.
 */
function isProgress(output: Output): boolean {
  if (output.output_type !== "display_data") return false;
  const mimes = Object.keys(output.data);
  return (
    mimes.length === 1 &&
    mimes[0] === "text/plain" &&
    /^[^\n]*: \d+\/\d+ done in [^\n]* s$/.test(joined(output.data["text/plain"]))
  );
}

/**
 * Every output of the notebook's code cells in order but progress displays, with a stream printed on across consecutive outputs
 * (within a cell or from one cell into the next) joined into one: a cell split in two, or a print moved to
 * the following cell, leaves the sequence as it was, so the comparison sees only what was computed.
 */
function outputSequence(text: string): NumberedOutput[] {
  const sequence: NumberedOutput[] = [];
  (JSON.parse(text) as NotebookFile).cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    for (const output of cell.outputs ?? []) {
      if (isProgress(output)) continue;
      const last = sequence[sequence.length - 1]?.output;
      if (last?.output_type === "stream" && output.output_type === "stream" && last.name === output.name) {
        last.text = [joined(last.text) + joined(output.text)];
      } else {
        sequence.push({ output: { ...output }, cell: i + 1 });
      }
    }
  });
  return sequence;
}

function compareNotebook(r: FileResult, before: string, after: string): void {
  // Outputs are paired by their place in the whole notebook's sequence and named by the cell that printed
  // them in the before notebook; a cell whose source changed, or that was split, is compared by its outputs.
  const a = outputSequence(before);
  const b = outputSequence(after);
  if (a.length !== b.length) r.text.push(`${a.length} outputs before, ${b.length} after`);
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    compareOutput(r, `cell ${a[k].cell}, output ${k + 1}`, a[k].output, b[k].output);
  }
}

/** What one run wrote and how each kind is compared. */
const KINDS: { folder: string; extension: string; compare(r: FileResult, a: string, b: string): void }[] = [
  { folder: "data", extension: ".csv", compare: compareCsv },
  { folder: "data", extension: ".json", compare: compareProvenance },
  { folder: "notebooks", extension: ".ipynb", compare: compareNotebook },
];

/** A --tolerance option: files whose path matches get the bound. */
export interface Tolerance {
  pattern: string;
  bound: number;
}

/** Parses "REL" (every file) or "GLOB=REL"; `*` in GLOB matches any characters. */
export function parseTolerance(text: string): Tolerance {
  const eq = text.lastIndexOf("=");
  const pattern = eq < 0 ? "*" : text.slice(0, eq);
  const bound = Number(text.slice(eq + 1));
  if (pattern === "" || !(Number.isFinite(bound) && bound > 0 && bound < 1)) {
    throw new Error(
      `parseTolerance: --tolerance must be REL or GLOB=REL with 0 < REL < 1 (a relative change, e.g. 1e-15, or data/02-*.csv=1e-15), got ${describeValue(text)}`,
    );
  }
  return { pattern, bound };
}

function boundFor(file: string, tolerances: Tolerance[]): number {
  for (const { pattern, bound } of tolerances) {
    const glob = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    if (new RegExp(`^${glob}$`).test(file)) return bound;
  }
  return 0;
}

/** Compares every file of the two runs; one result per file, in the order data, notebooks. */
export function diffRuns(before: RunFiles, after: RunFiles, tolerances: Tolerance[] = []): FileResult[] {
  const results: FileResult[] = [];
  for (const { folder, extension, compare } of KINDS) {
    const a = before.list(folder, extension);
    const b = after.list(folder, extension);
    for (const name of [...new Set([...a, ...b])].sort()) {
      const file = `${folder}/${name}`;
      const r = newResult(file, boundFor(file, tolerances));
      if (!b.includes(name)) r.onlyIn = "before";
      else if (!a.includes(name)) r.onlyIn = "after";
      else compare(r, before.read(file), after.read(file));
      results.push(r);
    }
  }
  return results;
}

/** True when nothing differs beyond a bound. */
export function identical(results: FileResult[]): boolean {
  return results.every((r) => !r.onlyIn && r.differing.length === 0 && r.text.length === 0);
}

/** How many changes per file are listed: DIFF_RUNS_LISTED, a whole number or "all" (default 20). */
const LISTED = listedCount(process.env.DIFF_RUNS_LISTED);

function listedCount(value: string | undefined): number {
  if (value === undefined || value === "") return 20;
  if (value === "all") return Infinity;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(
      `diff-runs: DIFF_RUNS_LISTED must be a whole number >= 0 or "all", got ${JSON.stringify(value)}`,
    );
  }
  return count;
}

function maxRelative(changes: NumberChange[]): string {
  return Math.max(...changes.map((c) => c.relative)).toExponential(2);
}

function listChanges(lines: string[], changes: NumberChange[]): void {
  for (const c of changes.slice(0, LISTED)) {
    lines.push(`    ${c.where}: ${c.before} -> ${c.after} (relative ${c.relative.toExponential(2)})`);
  }
  if (changes.length > LISTED) lines.push(`    ... and ${changes.length - LISTED} more`);
}

/** The report: a line per file, the differences, then the summary. */
export function report(before: RunFiles, after: RunFiles, results: FileResult[]): string {
  const lines = [`diff-runs: before = ${before.label}, after = ${after.label}`];
  const masked: Record<string, number> = {};
  for (const r of results) {
    for (const [name, n] of Object.entries(r.masked)) masked[name] = (masked[name] ?? 0) + n;
    if (r.onlyIn) {
      lines.push(`${r.file}: only ${r.onlyIn}`);
      continue;
    }
    const parts = [`${r.numbers} numbers`];
    if (r.differing.length > 0)
      parts.push(`${r.differing.length} DIFFER (max relative ${maxRelative(r.differing)})`);
    if (r.withinBound.length > 0) {
      parts.push(
        `${r.withinBound.length} within bound ${r.bound} (max relative ${maxRelative(r.withinBound)})`,
      );
    }
    if (r.text.length > 0) parts.push(`${r.text.length} text differences`);
    const hidden = Object.entries(r.masked).map(([name, n]) => `${n} ${name}`);
    if (hidden.length > 0) parts.push(`masked: ${hidden.join(", ")}`);
    const same = r.differing.length === 0 && r.withinBound.length === 0 && r.text.length === 0;
    lines.push(`${r.file}: ${parts.join(", ")}${same ? ", identical" : ""}`);
    listChanges(lines, r.differing);
    if (r.withinBound.length > 0) lines.push(`  within bound ${r.bound}:`);
    listChanges(lines, r.withinBound);
    for (const t of r.text.slice(0, LISTED)) lines.push(`    ${t}`);
    if (r.text.length > LISTED) lines.push(`    ... and ${r.text.length - LISTED} more`);
  }
  const sum = (f: (r: FileResult) => number): number => results.reduce((s, r) => s + f(r), 0);
  const compared = results.filter((r) => !r.onlyIn);
  const kinds = KINDS.map(({ folder, extension }) => {
    const n = compared.filter((r) => r.file.startsWith(`${folder}/`) && r.file.endsWith(extension)).length;
    return `${n} ${extension.slice(1)}`;
  });
  const oneSide = results.length - compared.length;
  const hidden = Object.entries(masked).map(([name, n]) => `${n} ${name}`);
  lines.push(
    `summary: ${compared.length} files compared (${kinds.join(", ")})${oneSide > 0 ? `, ${oneSide} on one side only` : ""}; ` +
      `${sum((r) => r.numbers)} numbers: ${sum((r) => r.identical)} identical, ${sum((r) => r.differing.length)} differing, ` +
      `${sum((r) => r.withinBound.length)} within bound; ${sum((r) => r.text.length)} text differences` +
      (hidden.length > 0 ? `; masked: ${hidden.join(", ")}` : ""),
  );
  lines.push(identical(results) ? "IDENTICAL" : "DIFFERENT");
  return lines.join("\n");
}

function main(): void {
  const args = process.argv.slice(2);
  const sides: string[] = [];
  const tolerances: Tolerance[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tolerance") tolerances.push(parseTolerance(args[++i] ?? ""));
    else if (args[i].startsWith("--tolerance=")) tolerances.push(parseTolerance(args[i].slice(12)));
    else sides.push(args[i]);
  }
  if (sides.length !== 2) {
    throw new Error(
      `diff-runs: give two runs, BEFORE and AFTER (each a folder or a git revision), got ${sides.length}: usage: npx tsx scripts/diff-runs.ts BEFORE AFTER [--tolerance [GLOB=]REL]`,
    );
  }
  const repo = path.resolve(__dirname, "..");
  const before = openRun(sides[0], repo);
  const after = openRun(sides[1], repo);
  const results = diffRuns(before, after, tolerances);
  console.log(report(before, after, results));
  process.exitCode = identical(results) ? 0 : 1;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  }
}
