/**
 * The notebook side of the lab: one call at the top of each notebook names it and records its
 * parameters; figures and tables then go inline into the notebook and to figures/ and data/ with their
 * provenance, whether the notebook runs in JupyterLab or under scripts/run-notebooks.ts.
 */
import type * as Plot from "@observablehq/plot";
import type { DataFrame } from "danfojs-node";
import * as path from "path";
import { compose, rasterize, svgWidth, withMetadata, type FigureText } from "./figure";
import { displayFigure, inKernel, kernelDisplay } from "./display";
import { projectRoot, removeStaleTemporaries, writeFileAtomic } from "./files";
import { cacheAllowed, memo, retainSource, sourceVersion, type MemoContext } from "./memo";
import { reportInterrupts } from "./interrupt";
import { committedRunNotices } from "./run-record";
import { progress, type Progress } from "./progress";
import { provenance } from "./provenance";
import { outputRoot } from "./quick";
import { checkCaption, csvTable, escapeHtml, frameOf, htmlTable } from "./table";
import { checkBoolean, describeValue } from "../validate";

export interface Notebook {
  /** e.g. "02-spectral-decay"; figures are named "02-<name>". */
  readonly id: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /**
   * Shows the chart inline and writes figures/<nn>-<name>.svg, .png and .json (provenance). Returns
   * nothing, so a figure call at the end of a cell does not also print a value.
   */
  figure(name: string, options: Plot.PlotOptions, text: FigureText): void;
  /** Shows the frame inline as an HTML table and writes data/<nn>-<name>.csv and .json (provenance). */
  table(name: string, df: DataFrame, caption: string): void;
  /** A progress display for a loop of `total` steps. */
  progress(total: number, label: string): Progress;
  /**
   * The notebook's finding in a sentence, computed from its outputs, and the name of the figure that shows
   * it (drawn earlier in the same run): shown inline and written to data/<nn>-finding.json (with
   * provenance), which the course write-up's front page reads.
   */
  finding(sentence: string, figure: string): void;
  /**
   * compute()'s value, reused when a rerun in the same JupyterLab kernel asks for the same name and inputs
   * with the same src/ (memo.ts): a tweak recomputes only what depends on the changed parameter. inputs:
   * everything compute() depends on besides src/; npm run notebooks always computes.
   */
  memo<T>(name: string, inputs: unknown, compute: () => T): T;
}

export interface NotebookOptions {
  /** false: compute every lab.memo value even in a kernel (also NTK_LAB_CACHE=0). Default true. */
  cache?: boolean;
}

/** What data/<nn>-finding.json holds. */
export interface Finding {
  notebook: string;
  finding: string;
  /** The key figure's file name without extension, e.g. "02-relu-samples". */
  figure: string;
  provenance: ReturnType<typeof provenance>;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Set once per kernel process (tslab re-evaluates this module when the import cell reruns). */
const SAID = Symbol.for("ntk-lab.output-folder-said");

/** Where an interactive run's files go, said once per kernel process. */
function sayOnce(root: string, outputs: string): void {
  const state = globalThis as { [SAID]?: boolean };
  if (state[SAID]) return;
  state[SAID] = true;
  process.stdout.write(
    `figures and tables of this run go to ${path.relative(root, outputs)}/ (figures/ and data/ hold the committed run of npm run notebooks)\n`,
  );
}

export function startNotebook(
  id: string,
  parameters: Record<string, unknown>,
  options: NotebookOptions | null = {},
): Notebook {
  const match = typeof id === "string" ? /^(\d{2})-[a-z0-9-]+$/.exec(id) : null;
  if (!match)
    throw new Error(`startNotebook: id must look like "02-spectral-decay", got ${describeValue(id)}`);
  if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
    throw new Error(
      `startNotebook: parameters must be an object of the notebook's parameters, got ${describeValue(parameters)}`,
    );
  }
  options ??= {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new Error(
      `startNotebook: options must be an object such as { cache: false }, got ${describeValue(options)}`,
    );
  }
  if (options.cache !== undefined) checkBoolean("startNotebook", "options.cache", options.cache);
  const prefix = match[1];
  const root = projectRoot();
  const interactive = inKernel();
  // npm run notebooks drives tslab's executor too (a kernel to inKernel), but its runs are the committed ones.
  const runner = process.env.NTK_LAB_RUNNER === "1";
  const cache = options.cache !== false && cacheAllowed() && interactive && !runner;
  const memoContext: MemoContext = {
    notebook: id,
    source: cache ? sourceVersion(root) : "",
    enabled: cache,
    say: (line) => process.stdout.write(line + "\n"),
  };
  if (cache) retainSource(memoContext.source);
  if (interactive) {
    // An interrupted cell then shows where its loop stopped, in one line (interrupt.ts).
    reportInterrupts();
    // How long the committed run took, and which parameters differ from it (run-record.ts).
    if (!runner) {
      for (const line of committedRunNotices(root, id, parameters)) process.stdout.write(`${line}\n`);
    }
  }
  const outputs = outputRoot(root, process.env, interactive);
  if (outputs !== root && interactive) sayOnce(root, outputs);
  // Temporary files of an earlier run killed mid-write (files.ts).
  for (const folder of ["figures", "data"]) removeStaleTemporaries(path.join(outputs, folder));
  const artifactName = (kind: string, name: string): string => {
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new Error(
        `${kind}: name must be lower-case letters, digits and dashes, got ${describeValue(name)}`,
      );
    }
    return `${prefix}-${name}`;
  };
  const drawn = new Set<string>();
  const record = (file: string, artifact: string): void =>
    writeFileAtomic(
      `${file}.json`,
      JSON.stringify(provenance(root, id, artifact, parameters), null, 2) + "\n",
    );
  return {
    id,
    parameters: Object.freeze({ ...parameters }),
    figure(name, options, text) {
      const base = artifactName("figure", name);
      const svg = compose("figure", options, text);
      const file = path.join(outputs, "figures", base);
      const stamped = withMetadata(svg, provenance(root, id, base, parameters));
      writeFileAtomic(`${file}.svg`, stamped);
      writeFileAtomic(`${file}.png`, rasterize(svg));
      record(file, base);
      drawn.add(name);
      if (inKernel()) displayFigure(svg, rasterize(svg, 1), svgWidth(svg), base);
      else process.stdout.write(`figure ${base}: ${text.caption}\n`);
    },
    table(name, df, caption) {
      const base = artifactName("table", name);
      const frame = frameOf("table", df);
      checkCaption("table", caption, false);
      const csv = csvTable(frame);
      const file = path.join(outputs, "data", base);
      writeFileAtomic(`${file}.csv`, csv);
      record(file, base);
      const display = kernelDisplay();
      if (display) display.html(htmlTable(frame, caption));
      else process.stdout.write(`table ${base}: ${caption}\n${csv}`);
    },
    progress,
    finding(sentence, figure) {
      if (typeof sentence !== "string" || sentence.trim().length === 0) {
        throw new Error(`finding: sentence must be a non-empty string, got ${describeValue(sentence)}`);
      }
      if (!drawn.has(figure)) {
        throw new Error(
          `finding: figure must name a figure this notebook drew in this run (${[...drawn].join(", ") || "none yet"}), got ${describeValue(figure)}`,
        );
      }
      const base = artifactName("finding", "finding");
      const record: Finding = {
        notebook: id,
        finding: sentence,
        figure: `${prefix}-${figure}`,
        provenance: provenance(root, id, base, parameters),
      };
      writeFileAtomic(path.join(outputs, "data", `${base}.json`), JSON.stringify(record, null, 2) + "\n");
      const display = kernelDisplay();
      if (display) display.html(`<p><strong>Finding.</strong> ${escapeHtml(sentence)}</p>`);
      else process.stdout.write(`finding ${base}: ${sentence}\n`);
    },
    memo: (name, inputs, compute) => memo(memoContext, name, inputs, compute),
  };
}
