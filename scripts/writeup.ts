/**
 * The course write-up: a front page (what the lab is; per notebook its question, key figure and finding, as
 * the notebook wrote them to data/<nn>-finding.json; how to reproduce it; provenance), then every notebook in
 * numeric order, as one self-contained HTML document under build/ (narrative with math rendered by KaTeX at
 * build time, KaTeX's fonts inlined, so it needs no network), figures and tables inline, code folded, shown
 * or left out; and a PDF printed by Chromium when the machine has it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import katex from "katex";
import { marked } from "marked";
import { writeFileAtomic } from "../src/report/files";
import { escapeHtml } from "../src/report/table";
import type { Finding } from "../src/report/notebook";
import { cellSource, listNotebooks, type NotebookFile, type Output } from "./notebook-runner";

export type CodeMode = "fold" | "hide" | "show";

/**
 * Markdown to HTML with $...$ and $$...$$ rendered by KaTeX. The math is cut out before marked runs (so
 * marked cannot read its underscores and asterisks as emphasis) and put back, rendered, afterwards.
 */
export function markdownToHtml(markdown: string): string {
  const rendered: string[] = [];
  const protect = (tex: string, displayMode: boolean): string => {
    rendered.push(katex.renderToString(tex, { displayMode, throwOnError: true, output: "html" }));
    return `KATEXPLACEHOLDER${rendered.length - 1}END`;
  };
  const cut = markdown
    .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => protect(tex, true))
    .replace(/(?<![\\$])\$([^$\n]+?)\$/g, (_, tex: string) => protect(tex, false));
  const html = marked.parse(cut, { async: false }) as string;
  return html.replace(/KATEXPLACEHOLDER(\d+)END/g, (_, i: string) => rendered[Number(i)]);
}

function joined(value: string | string[]): string {
  return Array.isArray(value) ? value.join("") : value;
}

function outputHtml(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="stream ${output.name}">${escapeHtml(joined(output.text))}</pre>`;
    case "error":
      return `<pre class="error">${escapeHtml(output.traceback.join("\n"))}</pre>`;
    case "display_data": {
      const data = output.data;
      if (data["image/svg+xml"]) return `<div class="figure">${joined(data["image/svg+xml"])}</div>`;
      if (data["text/html"]) return `<div class="html-output">${joined(data["text/html"])}</div>`;
      if (data["image/png"])
        return `<div class="figure"><img src="data:image/png;base64,${joined(data["image/png"])}"></div>`;
      if (data["text/plain"]) return `<pre class="stream">${escapeHtml(joined(data["text/plain"]))}</pre>`;
      return "";
    }
  }
}

/** KaTeX's stylesheet with its woff2 fonts inlined as data URLs (the other formats dropped). */
function katexCss(): string {
  const dist = path.dirname(require.resolve("katex/dist/katex.min.css"));
  const css = fs.readFileSync(path.join(dist, "katex.min.css"), "utf8");
  return css.replace(
    /src:url\(fonts\/([^)]+?\.woff2)\) format\("woff2"\)(,url\([^)]*\) format\("[^"]*"\))*/g,
    (_, font: string) => {
      const data = fs.readFileSync(path.join(dist, "fonts", font)).toString("base64");
      return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
    },
  );
}

const STYLE = `
body { font-family: "DejaVu Serif", Georgia, serif; max-width: 820px; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
h1, h2, h3 { font-family: "DejaVu Sans", sans-serif; line-height: 1.2; }
section.notebook { border-top: 2px solid #ddd; margin-top: 3em; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 0.8em; background: #f6f6f6; padding: 0.5em; }
pre.error { background: #fee; color: #900; }
details summary { cursor: pointer; color: #666; font-size: 0.85em; }
.figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; overflow: hidden; }
/* A mark drawn past the plot (a line to a far-off point) must not widen the page: the page scrolled sideways. */
.figure svg { overflow: hidden; }
.figure svg, .figure img { max-width: 100%; height: auto; }
.html-output { overflow-x: auto; }
p.mismatch { background: #c00; color: white; font-weight: bold; padding: 0.5em; }
table.ntk-table { border-collapse: collapse; font-size: 0.8em; margin: 1em 0; font-family: "DejaVu Sans", sans-serif; break-inside: avoid; }
table.ntk-table caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: 0.3em; }
table.ntk-table th, table.ntk-table td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
/* A table as wide as the page at most: long column names (camelCase, no spaces) break anywhere, numbers never. */
table.ntk-table th { overflow-wrap: anywhere; }
table.ntk-table td { white-space: nowrap; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: 0.2em 1em 0.6em; margin: 1em 0; break-inside: avoid; }
.card img.key { max-width: 100%; height: auto; }
.card p.finding { background: #f3f6fb; padding: 0.4em 0.6em; }
@page { size: A4; margin: 14mm; }
@media print { details { display: none; } body { max-width: none; margin: 0; } section.notebook { break-before: page; border: none; } table.ntk-table { font-size: 0.7em; } }
`;

/**
 * The figures of a stored notebook that are not the files of the same name in `figures` (the committed run):
 * a notebook saved in JupyterLab after a run with other parameters, or outputs and files from different
 * runs. Each figure output names its file (metadata "ntk-lab".figure); the file's SVG is compared without
 * the provenance record it carries.
 */
export function mismatchedFigures(file: string, figures: string): string[] {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
  const problems: string[] = [];
  for (const output of notebook.cells.flatMap((c) => c.outputs ?? [])) {
    if (output.output_type !== "display_data") continue;
    const name = (output.metadata["ntk-lab"] as { figure?: unknown } | undefined)?.figure;
    if (typeof name !== "string") continue;
    const stored = path.join(figures, `${name}.svg`);
    if (!fs.existsSync(stored)) {
      problems.push(`${name}: no ${path.basename(figures)}/${name}.svg`);
      continue;
    }
    const committed = fs.readFileSync(stored, "utf8").replace(/<metadata>[\s\S]*?<\/metadata>/, "");
    if (committed !== joined(output.data["image/svg+xml"])) {
      problems.push(`${name}: differs from ${path.basename(figures)}/${name}.svg`);
    }
  }
  return problems;
}

function notebookHtml(file: string, code: CodeMode, mismatched: string[]): string {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
  const parts: string[] = [];
  if (mismatched.length > 0) {
    parts.push(
      `<p class="mismatch">NOT THE COMMITTED RUN: these figures differ from the files of the run the text was written for (${escapeHtml(mismatched.join("; "))}).</p>`,
    );
  }
  for (const cell of notebook.cells) {
    const source = cellSource(cell);
    if (cell.cell_type === "markdown") parts.push(markdownToHtml(source));
    if (cell.cell_type !== "code") continue;
    if (code === "show") parts.push(`<pre class="code"><code>${escapeHtml(source)}</code></pre>`);
    if (code === "fold") {
      parts.push(
        `<details><summary>code</summary><pre class="code"><code>${escapeHtml(source)}</code></pre></details>`,
      );
    }
    for (const output of cell.outputs ?? []) parts.push(outputHtml(output));
  }
  const id = path.basename(file, ".ipynb");
  return `<section class="notebook" id="${id}">\n${parts.join("\n")}\n</section>`;
}

/** The notebook's title (its first heading) and its first paragraph after it, both as HTML. */
function opening(file: string): { title: string; question: string } {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile;
  const first = notebook.cells.find((c) => c.cell_type === "markdown");
  const paragraphs = (first ? cellSource(first) : "").split(/\n\s*\n/).filter((p) => p.trim());
  const heading = paragraphs.findIndex((p) => /^#\s/.test(p));
  const title = heading >= 0 ? paragraphs[heading].replace(/^#\s+/, "") : path.basename(file, ".ipynb");
  // The paragraph that states the notebook's question, else the first one after the title.
  const rest = paragraphs.slice(heading + 1);
  const question = rest.find((p) => /^\*\*(Question|The question|This notebook)/.test(p)) ?? rest[0] ?? "";
  return {
    title: markdownToHtml(title).replace(/^<p>|<\/p>\s*$/g, ""),
    question: markdownToHtml(question),
  };
}

/**
 * The front page: what the lab is, a card per notebook (its question, key figure and finding), the commands
 * that reproduce it, and where the numbers come from. `outputs` holds the run's figures/ and data/.
 */
function frontPage(files: string[], outputs: string): string {
  const findings = files.map((f) => {
    const file = path.join(outputs, "data", `${path.basename(f).slice(0, 2)}-finding.json`);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Finding) : null;
  });
  const cards = files.map((f, i) => {
    const id = path.basename(f, ".ipynb");
    const { title, question } = opening(f);
    const found = findings[i];
    const png = found ? path.join(outputs, "figures", `${found.figure}.png`) : null;
    const figure =
      png && fs.existsSync(png)
        ? `<img class="key" alt="${escapeHtml(found!.figure)}" src="data:image/png;base64,${fs.readFileSync(png).toString("base64")}">`
        : "";
    const sentence = found
      ? `<p class="finding"><strong>Finding.</strong> ${escapeHtml(found.finding)}</p>`
      : "";
    return `<div class="card"><h3><a href="#${id}">${title}</a></h3>\n${question}\n${figure}\n${sentence}</div>`;
  });
  const commits = [...new Set(findings.flatMap((f) => (f ? [f.provenance.gitCommit ?? "unknown"] : [])))];
  const dirty = findings.some((f) => f?.provenance.gitDirty);
  const any = findings.find((f) => f !== null);
  const packages = any
    ? Object.entries(any.provenance.packages)
        .map(([name, version]) => `${escapeHtml(name)} ${escapeHtml(version)}`)
        .join(", ")
    : "";
  return `<h1>ntk-lab: the Neural Tangent Kernel and the spectral bias of neural networks</h1>
<p>A notebook laboratory in TypeScript for the Neural Tangent Kernel (NTK) and the spectral bias of neural
networks: why wide networks trained by gradient descent learn the low frequencies of a target first. It
reproduces the NTK-study write-up's three experiments and the course material around them (the 18.408 project
report, Problem Set 4): closed-form kernels checked against quadrature, Monte Carlo and finite networks, their
eigen-decay against theory, trained networks against kernel regression. Every number and figure below was
computed by the lab's <code>src/</code> when the notebooks last ran.</p>
<h2>The notebooks</h2>
${cards.join("\n")}
<h2>Reproduce it</h2>
<pre>npm ci              # install
npm run notebooks   # run every notebook and build this write-up (build/ntk-lab.html, .pdf)
npm test            # the test suite</pre>
<h2>Provenance</h2>
<p>Built ${escapeHtml(new Date().toISOString().slice(0, 10))} from notebooks run at commit${commits.length > 1 ? "s" : ""}
${commits.map((c) => `<code>${escapeHtml(c.slice(0, 12))}</code>`).join(", ") || "unknown"}${dirty ? " (with uncommitted changes)" : ""},
Node ${escapeHtml(any?.provenance.node ?? process.version)}; ${packages}.</p>
`;
}

function findChromium(): string | null {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("which", [name], { stdio: "pipe" }).toString().trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Prints the HTML to PDF with headless Chromium; returns the PDF's path, or null (with the reason printed). */
function printPdf(html: string, pdf: string): string | null {
  const chromium = findChromium();
  if (!chromium) {
    console.log("write-up: PDF skipped: no Chromium on this machine (Debian: apt-get install chromium)");
    return null;
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-chromium-"));
  const tmp = `${pdf}.tmp-${process.pid}.pdf`;
  try {
    execFileSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--no-pdf-header-footer",
        `--print-to-pdf=${tmp}`,
        `file://${html}`,
      ],
      { stdio: "pipe", timeout: 120_000 },
    );
    fs.renameSync(tmp, pdf);
    return pdf;
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Writes <build>/ntk-lab.html (and .pdf) from the executed notebooks in `notebooks` (default: the lab's
 * notebooks/ and build/; quick runs pass build/quick/notebooks and build/quick).
 */
export async function buildWriteup(
  root: string,
  {
    code = "fold" as CodeMode,
    pdf = true,
    notebooks = path.join(root, "notebooks"),
    build = path.join(root, "build"),
    allowMismatch = false,
  } = {},
): Promise<{
  html: string;
  pdf: string | null;
}> {
  const files = listNotebooks(notebooks);
  const figures = path.join(path.dirname(notebooks), "figures");
  const mismatches = files.map((f) => mismatchedFigures(f, figures));
  const bad = files.filter((_, i) => mismatches[i].length > 0);
  if (bad.length > 0 && !allowMismatch) {
    throw new Error(
      `buildWriteup: ${bad.map((f) => path.basename(f)).join(", ")} ${bad.length > 1 ? "hold" : "holds"} figures that are not the ones in ${path.relative(root, figures) || "."}/ ` +
        `(${mismatches.flat().slice(0, 3).join("; ")}${mismatches.flat().length > 3 ? "; ..." : ""}): the notebook was saved from a run with other parameters, or its outputs and files come from different runs. ` +
        `Rerun it (npm run notebooks -- ${bad.map((f) => path.basename(f).slice(0, 2)).join(" ")}), or build with --allow-mismatch to mark those notebooks in the write-up`,
    );
  }
  const body = files.map((f, i) => notebookHtml(f, code, mismatches[i])).join("\n");
  const document = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ntk-lab: the course write-up</title>
<style>${katexCss()}</style><style>${STYLE}</style></head>
<body>
${frontPage(files, path.dirname(notebooks))}
${body}
</body></html>
`;
  const html = path.join(build, "ntk-lab.html");
  writeFileAtomic(html, document);
  console.log(`write-up: ${path.relative(root, html)} (${files.length} notebooks, code ${code})`);
  const printed = pdf ? printPdf(html, path.join(build, "ntk-lab.pdf")) : null;
  if (printed) console.log(`write-up: ${path.relative(root, printed)}`);
  return { html, pdf: printed };
}
