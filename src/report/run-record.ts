/**
 * How long a notebook's committed run took. The runner (npm run notebooks) stores the record in the
 * notebook's metadata under "ntk-lab"; a JupyterLab kernel reads it when the import cell runs and, for a
 * notebook whose Run All takes more than half a minute, says how long to expect before the long cells
 * start.
 */
import * as fs from "fs";

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

function duration(s: number): string {
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * The sentence a long notebook prints before its long cells: "Run All took 2 min 27 s at the defaults in
 * the committed run (npm run notebooks, <cpu>, 2 cores); the slowest cells: 9 (1 min 5 s), ...". Null for
 * a run shorter than LONG_RUN_SECONDS.
 */
export function runTimeNotice(record: RunRecord): string | null {
  if (record.seconds <= LONG_RUN_SECONDS) return null;
  const cells = record.slowest.map((c) => `${c.cell} (${duration(c.seconds)})`).join(", ");
  return (
    `Run All took ${duration(record.seconds)} at the defaults in the committed run (npm run notebooks, ` +
    `${record.cpu}, ${record.cores} cores)${cells ? `; the slowest cells: ${cells}` : ""}. ` +
    `Cells over a few seconds show their progress; Kernel → Interrupt stops one.`
  );
}
