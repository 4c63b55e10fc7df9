/**
 * What a JupyterLab kernel says about the committed run when a notebook's import cell runs. How long it
 * took: the runner (npm run notebooks) stores the record in the notebook's metadata under "ntk-lab", and a
 * notebook whose Run All takes more than half a minute says how long to expect before its long cells
 * start. Which parameters it had: the provenance of its figures and tables; a run with other values says
 * which, since the narrative's numbers describe the committed run.
 */
import * as fs from "fs";
import * as path from "path";
import { durationText } from "./format";

/** metadata["ntk-lab"].run of a notebook the runner wrote. */
export interface RunRecord {
  /** The whole run, in seconds. */
  seconds: number;
  /** The slowest code cells (1-based cell index among all cells), slowest first. */
  slowest: { cell: number; seconds: number }[];
  /** The machine: its CPU model and core count. */
  cpu: string;
  cores: number;
}

/** A notebook whose Run All takes longer than this many seconds says so when its import cell runs. */
export const LONG_RUN_SECONDS = 30;

/** The record in the notebook file, or null when there is none or it is malformed (never an Error). */
export function readRunRecord(file: string): RunRecord | null {
  let notebook: unknown;
  try {
    notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  const run = (notebook as { metadata?: { "ntk-lab"?: { run?: unknown } } })?.metadata?.["ntk-lab"]?.run;
  const r = run as Partial<RunRecord> | undefined;
  const valid =
    r !== undefined &&
    r !== null &&
    Number.isFinite(r.seconds) &&
    typeof r.cpu === "string" &&
    Number.isInteger(r.cores) &&
    Array.isArray(r.slowest) &&
    r.slowest.every((c) => Number.isInteger(c?.cell) && Number.isFinite(c?.seconds));
  return valid ? (r as RunRecord) : null;
}

/**
 * The sentence a long notebook prints before its long cells: "Run All took 2 min 27 s at the defaults in
 * the committed run (npm run notebooks, <cpu>, 2 cores); the slowest cells: 9 (1 min 5 s), ...". Null for
 * a run shorter than LONG_RUN_SECONDS.
 */
export function runTimeNotice(record: RunRecord): string | null {
  if (record.seconds <= LONG_RUN_SECONDS) return null;
  const cells = record.slowest.map((c) => `${c.cell} (${durationText(c.seconds, 0)})`).join(", ");
  return (
    `Run All took ${durationText(record.seconds, 0)} at the defaults in the committed run (npm run notebooks, ` +
    `${record.cpu}, ${record.cores} ${record.cores === 1 ? "core" : "cores"})${cells ? `; the slowest cells: ${cells}` : ""}. ` +
    `Cells over a few seconds show their progress; Kernel → Interrupt stops one.`
  );
}

/**
 * The parameters of the committed run of notebook `id`: those the provenance of its newest figure or table
 * (in figures/ and data/) records, or null when it has none there. Newest: a file left over from an older
 * run under another name cannot speak for the committed one.
 */
export function committedParameters(root: string, id: string): Record<string, unknown> | null {
  const prefix = `${id.slice(0, 2)}-`;
  let newest: { time: number; parameters: Record<string, unknown> } | null = null;
  for (const folder of ["figures", "data"]) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, folder));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(".json"))) {
      const file = path.join(root, folder, name);
      try {
        const record = JSON.parse(fs.readFileSync(file, "utf8")) as {
          notebook?: unknown;
          parameters?: unknown;
          provenance?: { notebook?: unknown; parameters?: unknown };
        };
        const source = record.provenance ?? record;
        const parameters = source.parameters;
        const time = fs.statSync(file).mtimeMs;
        if (
          source.notebook === id &&
          parameters &&
          typeof parameters === "object" &&
          !Array.isArray(parameters) &&
          (newest === null || time > newest.time)
        ) {
          newest = { time, parameters: parameters as Record<string, unknown> };
        }
      } catch {
        // Not a provenance record: look further.
      }
    }
  }
  return newest?.parameters ?? null;
}

/** "name: value here, committed value" for every parameter whose value differs (or exists on one side only). */
export function parameterChanges(
  current: Record<string, unknown>,
  committed: Record<string, unknown>,
): string[] {
  const shown = (v: unknown): string => (v === undefined ? "absent" : JSON.stringify(v));
  const keys = [...new Set([...Object.keys(current), ...Object.keys(committed)])];
  return keys
    .filter((k) => JSON.stringify(current[k]) !== JSON.stringify(committed[k]))
    .map((k) => `${k}: ${shown(current[k])} here, ${shown(committed[k])} in the committed run`);
}

/**
 * What a kernel prints when notebook `id`'s import cell runs: how long its committed run took (when over
 * LONG_RUN_SECONDS) and which of `parameters` differ from the committed run's. root: the lab's folder.
 */
export function committedRunNotices(root: string, id: string, parameters: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const record = readRunRecord(path.join(root, "notebooks", `${id}.ipynb`));
  const notice = record ? runTimeNotice(record) : null;
  if (notice) lines.push(notice);
  const committed = committedParameters(root, id);
  const changes = committed ? parameterChanges(parameters, committed) : [];
  if (changes.length > 0) {
    lines.push(
      `Parameters changed from the committed run (${changes.join("; ")}): the narrative's numbers describe the committed run, the outputs below this one.`,
    );
  }
  return lines;
}
