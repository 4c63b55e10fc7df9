import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as Plot from "@observablehq/plot";
import * as dfd from "danfojs-node";
import {
  composeFigure,
  decadeTicks,
  formatCell,
  progress,
  rasterize,
  startNotebook,
  tableCsv,
  tableHtml,
  writeFileAtomic,
} from "../src";
import { markdownToHtml } from "../scripts/writeup";

const data = [1, 2, 3].flatMap((i) => [
  { rank: i, value: 1 / i, kernel: "ReLU NTK" },
  { rank: i, value: Math.exp(-i), kernel: "Gaussian" },
]);

describe("figures", () => {
  it("compose title, legend, chart and caption into one standalone SVG", () => {
    const svg = composeFigure(
      { marks: [Plot.line(data, { x: "rank", y: "value", stroke: "kernel" })], color: { legend: true } },
      { title: "Decay <test>", caption: "What to see: the two lines differ." },
    );
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /Decay &lt;test&gt;/);
    assert.match(svg, />ReLU NTK</);
    assert.match(svg, />Gaussian</);
    assert.match(svg, /What to see: the two lines differ\./);
    const png = rasterize(svg);
    assert.equal(png.subarray(1, 4).toString("ascii"), "PNG");
    // Twice the SVG's size: the width is in the PNG header at byte 16.
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    assert.equal(png.readUInt32BE(16), 2 * width);
  });

  it("wrap a long caption over several lines instead of running off the figure", () => {
    const caption = "word ".repeat(200);
    const svg = composeFigure({ marks: [Plot.dot(data, { x: "rank", y: "value" })] }, { caption });
    const lines = svg.match(/<text[^>]*fill="#333">/g) ?? [];
    assert.ok(lines.length >= 8, `${lines.length} caption lines`);
  });

  it("rasterize line markers (no CSS variables left) and keep ids distinct between figures", () => {
    const options = (k: number): Plot.PlotOptions => ({
      marks: [
        Plot.line(
          data.filter((_, i) => i % 2 === k),
          { x: "rank", y: "value", marker: "circle" },
        ),
      ],
    });
    const a = composeFigure(options(0), { caption: "a" });
    const b = composeFigure(options(1), { caption: "b" });
    assert.doesNotMatch(a, /var\(/);
    assert.equal(rasterize(a).subarray(1, 4).toString("ascii"), "PNG");
    const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(ids(a).length > 0);
    assert.deepEqual(
      ids(a).filter((id) => ids(b).includes(id)),
      [],
    );
    for (const id of ids(a))
      assert.ok(a.includes(`url(#${id})`) || a.includes(`href="#${id}"`), `${id} is used`);
  });

  it("give the same figure the same bytes however many figures the process drew before (Plot counts its markers per process)", () => {
    const options: Plot.PlotOptions = {
      marks: [Plot.line(data, { x: "rank", y: "value", stroke: "kernel", marker: "circle" })],
    };
    const first = composeFigure(options, { caption: "same" });
    for (let i = 0; i < 3; i++) composeFigure(options, { caption: "another" });
    assert.equal(composeFigure(options, { caption: "same" }), first);
  });

  it("label log axes in plain decades (0.001), not SI prefixes (1m), unless a tickFormat is given", () => {
    const points = [1e-6, 1e-3, 1].map((value, rank) => ({ rank: rank + 1, value }));
    const svg = composeFigure(
      { marks: [Plot.dot(points, { x: "rank", y: "value" })], y: { type: "log" } },
      { caption: "log" },
    );
    assert.match(svg, />0\.001</);
    assert.match(svg, />1e-6</);
    assert.doesNotMatch(svg, />1m</);
    assert.doesNotMatch(svg, />100µ</);
    const own = composeFigure(
      { marks: [Plot.dot(points, { x: "rank", y: "value" })], y: { type: "log", tickFormat: ".0e" } },
      { caption: "log" },
    );
    assert.match(own, />1e-3</);
  });

  it("label decadeTicks' powers of ten as decades although 10 ** -5 is not the literal 1e-5", () => {
    const points = [1e-17, 1e-5, 1].map((value, rank) => ({ rank: rank + 1, value }));
    const svg = composeFigure(
      {
        marks: [Plot.dot(points, { x: "rank", y: "value" })],
        y: { type: "log", ticks: decadeTicks(1e-17, 1, 4) },
      },
      { caption: "log" },
    );
    assert.equal(10 ** -5 === 1e-5, false);
    for (const label of ["1e-17", "1e-13", "1e-9", "1e-5", "0.1"])
      assert.match(svg, new RegExp(`>${label}<`));
    assert.doesNotMatch(svg, /9\.9+e-/);
  });

  it("draw a continuous color legend as a gradient, not with a canvas", () => {
    const svg = composeFigure(
      {
        marks: [Plot.dot(data, { x: "rank", y: "value", fill: "value" })],
        color: { legend: true, label: "value" },
      },
      { caption: "c" },
    );
    assert.match(svg, /<linearGradient/);
  });
});

describe("tables", () => {
  const df = new dfd.DataFrame([
    { kernel: "a,b", slope: -1.4502650857131154, n: 200 },
    { kernel: "<c>", slope: NaN, n: 2000 },
  ]);

  it("write CSV at full precision with an empty field for a missing value", () => {
    assert.equal(tableCsv(df), 'kernel,slope,n\n"a,b",-1.4502650857131154,200\n<c>,,2000\n');
  });

  it("show an escaped HTML table with rounded numbers and a caption", () => {
    const html = tableHtml(df, "Slopes");
    assert.match(html, /<caption>Slopes<\/caption>/);
    assert.match(html, /<td>-1.450<\/td>/);
    assert.match(html, /<td>&lt;c&gt;<\/td>/);
    assert.match(html, /<td>–<\/td>/);
  });

  it("format numbers for reading", () => {
    assert.equal(formatCell(3), "3");
    assert.equal(formatCell(1.23456e-7), "1.235e-7");
    assert.equal(formatCell(null), "–");
  });
});

describe("files", () => {
  it("are written atomically, leaving no temporary file behind", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    const file = path.join(dir, "a", "b.txt");
    writeFileAtomic(file, "one");
    writeFileAtomic(file, "two");
    assert.equal(fs.readFileSync(file, "utf8"), "two");
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["b.txt"]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("startNotebook", () => {
  it("writes a figure as SVG with provenance metadata, PNG and a sidecar JSON", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    process.env.NTK_LAB_OUTPUT = dir;
    try {
      const lab = startNotebook("05-test", { width: 10, seed: 3 });
      lab.figure("dots", { marks: [Plot.dot(data, { x: "rank", y: "value" })] }, { caption: "c" });
      assert.deepEqual(fs.readdirSync(path.join(dir, "figures")).sort(), [
        "05-dots.json",
        "05-dots.png",
        "05-dots.svg",
      ]);
      const svg = fs.readFileSync(path.join(dir, "figures/05-dots.svg"), "utf8");
      assert.match(svg, /<metadata>\{&quot;notebook&quot;:&quot;05-test&quot;/);
      const record = JSON.parse(fs.readFileSync(path.join(dir, "figures/05-dots.json"), "utf8"));
      assert.deepEqual(record.parameters, { width: 10, seed: 3 });
      assert.match(record.packages["@observablehq/plot"], /^\d+\.\d+\.\d+/);
      assert.ok(record.node.startsWith("v"));
    } finally {
      delete process.env.NTK_LAB_OUTPUT;
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("writes the notebook's finding with its key figure and provenance, and only for a figure it drew", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    process.env.NTK_LAB_OUTPUT = dir;
    try {
      const lab = startNotebook("05-test", { width: 10 });
      assert.throws(
        () => lab.finding("Too early.", "dots"),
        /finding: figure must name a figure this notebook drew in this run \(none yet\), got "dots"/,
      );
      lab.figure("dots", { marks: [Plot.dot(data, { x: "rank", y: "value" })] }, { caption: "c" });
      lab.finding("The dots fall.", "dots");
      const record = JSON.parse(fs.readFileSync(path.join(dir, "data/05-finding.json"), "utf8"));
      assert.equal(record.finding, "The dots fall.");
      assert.equal(record.figure, "05-dots");
      assert.deepEqual(record.provenance.parameters, { width: 10 });
    } finally {
      delete process.env.NTK_LAB_OUTPUT;
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("rejects an id or a figure name it could not file", () => {
    assert.throws(
      () => startNotebook("spectral", {}),
      /id must look like "02-spectral-decay", got "spectral"/,
    );
    const lab = startNotebook("05-test", {});
    assert.throws(() => lab.figure("Bad Name", { marks: [] }, { caption: "c" }), /name must be lower-case/);
  });
});

describe("progress", () => {
  it("prints one line with the total time when not in a kernel", () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => (lines.push(s), true)) as typeof process.stdout.write;
    try {
      const p = progress(3, "training");
      p.tick();
      p.tick(2);
      p.done();
    } finally {
      process.stdout.write = write;
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^training: 3\/3 done in \d+\.\d s\n$/);
    assert.throws(() => progress(0, "x"), /total must be an integer >= 1, got 0/);
  });
});

describe("the write-up's markdown", () => {
  it("renders inline and display math with KaTeX and leaves underscores in math alone", () => {
    const html = markdownToHtml("The kernel $\\Theta_{h}$ and\n\n$$\\lambda_i \\sim i^{-2}$$\n\n*emphasis*");
    assert.match(html, /class="katex"/);
    assert.match(html, /class="katex-display"/);
    assert.match(html, /<em>emphasis<\/em>/);
    assert.doesNotMatch(html, /\$/);
  });
});
