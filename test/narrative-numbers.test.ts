/**
 * The notebooks' narrative against their outputs: every number written in a notebook's markdown (outside
 * display math) is, to the digits it shows, a number among that notebook's stored outputs (streams, tables,
 * figure captions; a percentage also as a fraction), or one of the constants listed below (a document's
 * title, a source's claim). Integers are checked too, exactly, except where they name a source: a year
 * after an author, an equation, theorem, section, problem, experiment or notebook number. A rerun that moves a number the text quotes then fails here
 * until the text is updated. The check reads the committed full-size outputs in notebooks/, not a quick run's.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const notebooks = path.resolve(__dirname, "..", "notebooks");

/** Numbers the text may quote that no output prints, by notebook, with why. */
const CONSTANTS: Record<string, Record<string, string>> = {
  "01": { "3.1": "Arora et al. 2019, Theorem 3.1" },
  "03": { "1.75": "the beta search's bounds 2k - 1.75 .. 2k - 0.25, a setting of the notebook's code" },
  "04": { "18.408": "the project report's course number" },
  "05": { "2.31": "c_s of sine, 2 / (1 - e^-2) = 2.313" },
  "06": { "18.408": "the project report's course number" },
  "07": { "18.408": "the project report's course number" },
  "09": { "18.408": "the project report's course number" },
  "10": {
    "18.408": "the project report's course number",
    "64": "Arora et al. 2019: CNTK-V's CIFAR-10 accuracy, 64-66%",
    "66": "Arora et al. 2019: CNTK-V's CIFAR-10 accuracy, 64-66%",
    "70": "Arora et al. 2019: CNTK-GAP's CIFAR-10 accuracy, 70-77%",
    "77": "Arora et al. 2019: CNTK-GAP's CIFAR-10 accuracy, 70-77%",
    "21": "Arora et al. 2019: their deepest CNTK, 21 layers",
  },
};

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }[];
}

const joined = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : (v ?? ""));
const decode = (s: string): string =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/−/g, "-");
const NUMBER = /(?<![\w.^{_\\])-?\d+(?:\.\d+)?(?:e-?\d+)?%?(?!\w|\.\d)/g;
/** Numbers that name a source or a part of the lab rather than a result: removed before the check. */
const REFERENCES = [
  // a year after an author: "Arora et al. 2019", "Bietti & Mairal 2019a", "(Lee et al., 2019)"
  /(?:et al\.|[A-Z][\w'-]+),?\s+\(?(?:19|20)\d\d[a-z]?\b/g,
  // "eq. 16", "theorem 4.4", "section 3", "Experiment 2", "notebook 03", "Problem Set 4, problems 7a and 8"
  /\b(?:eqs?\.|equations?|theorems?|sections?|[Ee]xperiments?|notebooks?|[Pp]roblems?|Problem Set|lemma|figure|table)\s+\d+[a-z]?(?:\.\d+)?(?:(?:,| and| to|–|-)\s*\d+[a-z]?)*/g,
  // a heading's section number: "## 2 · Their spectra"
  /^#+\s+\d+(?:\.\d+)?\s+·/gm,
];

for (const file of fs
  .readdirSync(notebooks)
  .filter((f) => f.endsWith(".ipynb"))
  .sort()) {
  test(`every number the narrative of ${file} quotes is among its outputs or listed constants`, () => {
    const cells = (JSON.parse(fs.readFileSync(path.join(notebooks, file), "utf8")) as { cells: Cell[] })
      .cells;
    const outputs = decode(
      cells
        .flatMap((c) => c.outputs ?? [])
        .map(
          (o) =>
            joined(o.text) +
            Object.entries(o.data ?? {})
              // A figure's PNG copy is base64: its letters and digits are no printed numbers.
              .filter(([mime]) => mime !== "image/png")
              .map(([, value]) => joined(value))
              .join(" "),
        )
        .join(" "),
    );
    const constants = CONSTANTS[file.slice(0, 2)] ?? {};
    // Every number printed in the outputs, as magnitudes, sorted: the text may quote |x| with its own sign.
    const printed = Float64Array.from(
      [...outputs.matchAll(/\d+(?:\.\d+)?(?:e-?\d+)?/g)].map(([v]) => Number(v)),
    ).sort();
    /** Whether some printed number lies in [lo, hi]. */
    const within = (lo: number, hi: number): boolean => {
      let a = 0;
      let b = printed.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (printed[mid] < lo) a = mid + 1;
        else b = mid;
      }
      return a < printed.length && printed[a] <= hi;
    };
    const missing: string[] = [];
    cells.forEach((cell, i) => {
      if (cell.cell_type !== "markdown") return;
      const text = REFERENCES.reduce(
        (t, pattern) => t.replace(pattern, " "),
        decode(joined(cell.source)).replace(/\$\$[\s\S]*?\$\$/g, ""),
      );
      for (const [quoted] of text.matchAll(NUMBER)) {
        if (quoted in constants) continue;
        const percent = quoted.endsWith("%");
        const digits = quoted.replace(/%$/, "").replace(/^-/, "");
        const value = Number(digits);
        // Half a unit of the last digit shown is the rounding the text may have applied.
        const half = 0.5 * 10 ** -(digits.split(".")[1]?.length ?? 0);
        const found =
          within(value - half, value + half) ||
          (percent && within((value - half) / 100, (value + half) / 100));
        if (!found) missing.push(`cell ${i}: ${quoted}`);
      }
    });
    assert.deepEqual(missing, []);
  });
}
