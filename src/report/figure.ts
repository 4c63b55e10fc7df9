/**
 * Figures: an Observable Plot chart composed with its title, legend and caption into one standalone SVG,
 * so the inline output, figures/*.svg and figures/*.png all show the same thing.
 *
 * Plot puts legends and captions in an HTML <figure> around its <svg>, which a PNG rasterizer cannot draw,
 * and its continuous legend needs a canvas, which Node lacks. So the chart is drawn without them and
 * they are added here as SVG marks.
 */
import * as Plot from "@observablehq/plot";
import { Resvg } from "@resvg/resvg-js";
import { createHash } from "crypto";
import { parseHTML } from "linkedom";
import * as path from "path";
import { checkNumberList, checkPositive, describeValue } from "../validate";
import { escapeHtml } from "./table";

export interface FigureText {
  /** Bold line above the chart. */
  title?: string;
  /** What the reader should see in the figure; wrapped below the chart. */
  caption: string;
}

const FONT = "DejaVu Sans, sans-serif";
const TITLE_SIZE = 15;
const TEXT_SIZE = 12;
const PAD = 12;

/** The document Plot draws into: linkedom is a light DOM (a few ms a plot) that serializes to SVG text. */
function plotDocument(): Plot.PlotOptions["document"] {
  return parseHTML("<!doctype html><html><body></body></html>")
    .document as unknown as Plot.PlotOptions["document"];
}

/** Greedy word wrap by an average glyph width (DejaVu Sans is about 0.6 em wide on average). */
function wrap(text: string, width: number, size: number): string[] {
  const perLine = Math.max(10, Math.floor(width / (0.6 * size)));
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

interface ColorScale {
  type: string;
  domain: unknown[];
  range?: string[];
  label?: string;
  apply(value: unknown): string;
}

/** The legend as SVG marks: swatches for categories, a gradient bar for a continuous scale. */
function legendSvg(scale: ColorScale, width: number, top: number): { svg: string; height: number } {
  const parts: string[] = [];
  if (scale.type === "ordinal" || scale.type === "categorical" || scale.type === "threshold") {
    let x = 0;
    let y = 0;
    for (const value of scale.domain) {
      const label = String(value);
      const w = 18 + 0.6 * TEXT_SIZE * label.length + 14;
      if (x > 0 && x + w > width) {
        x = 0;
        y += TEXT_SIZE + 8;
      }
      parts.push(
        `<rect x="${x}" y="${y}" width="12" height="12" fill="${scale.apply(value)}"/>` +
          `<text x="${x + 17}" y="${y + 10}" font-size="${TEXT_SIZE}">${escapeHtml(label)}</text>`,
      );
      x += w;
    }
    return {
      svg: `<g transform="translate(${PAD},${top})">${parts.join("")}</g>`,
      height: y + TEXT_SIZE + 6,
    };
  }
  const [lo, hi] = [Number(scale.domain[0]), Number(scale.domain[scale.domain.length - 1])];
  const stops = Array.from({ length: 17 }, (_, i) => {
    const v = lo + ((hi - lo) * i) / 16;
    return `<stop offset="${(i / 16) * 100}%" stop-color="${scale.apply(v)}"/>`;
  }).join("");
  const label = scale.label
    ? `<text x="0" y="10" font-size="${TEXT_SIZE}">${escapeHtml(scale.label)}</text>`
    : "";
  const svg =
    `<g transform="translate(${PAD},${top})">${label}` +
    `<defs><linearGradient id="legend-ramp">${stops}</linearGradient></defs>` +
    `<rect x="0" y="16" width="240" height="10" fill="url(#legend-ramp)"/>` +
    `<text x="0" y="40" font-size="${TEXT_SIZE - 1}">${lo.toPrecision(3)}</text>` +
    `<text x="240" y="40" font-size="${TEXT_SIZE - 1}" text-anchor="end">${hi.toPrecision(3)}</text></g>`;
  return { svg, height: 46 };
}

/**
 * Draws a Plot chart and returns one standalone SVG document with the title above, then the color legend
 * (when the options ask for one with color.legend), the chart, and the wrapped caption below.
 */
export function composeFigure(options: Plot.PlotOptions, text: FigureText): string {
  return compose("composeFigure", options, text);
}

/**
 * Log-scaled position axes without a tickFormat are labelled in plain decades instead of Plot's default SI
 * prefixes (1m, 100µ, 100a), which read as units on a figure of eigenvalues or errors: 0.001 to 1000 written
 * out, beyond that 1e-16 or 2e+5 (short enough for Plot's default margins). Plot hands a function to d3's log
 * tick format, which still leaves the ticks between decades unlabelled when they are many.
 */
function plainDecades(options: Plot.PlotOptions): Partial<Plot.PlotOptions> {
  const out: Partial<Plot.PlotOptions> = {};
  for (const key of ["x", "y", "fx", "fy"] as const) {
    const scale = options[key] as Plot.ScaleOptions | undefined;
    if (scale && scale.type === "log" && scale.tickFormat === undefined) {
      out[key] = { ...scale, tickFormat: decadeLabel };
    }
  }
  return out;
}

/**
 * Plain decade labels: 0.001 to 1000 written out, beyond that 1e-16 or 2e+5. Rounded to 12 digits first, so a
 * tick an ulp off its decade (decadeTicks' 10 ** -5 is 9.999999999999999e-6) is labelled 1e-5.
 */
function decadeLabel(value: number): string {
  const rounded = Number(value.toPrecision(12));
  const size = Math.abs(rounded);
  if (size >= 1e-3 && size < 1e4) return String(Number(rounded.toPrecision(6)));
  return rounded.toExponential().replace(/\.?0*e/, "e");
}

/**
 * Tick positions for a log axis: the powers of ten 10 ** e (to within an ulp: 10 ** -5 is not the literal
 * 1e-5) for the integers e from ceil(log10 lo) to floor(log10 hi), every step-th from the lowest,
 * ascending. lo and hi finite with 0 < lo <= hi; step a positive integer (default 1). For a Plot scale's
 * `ticks` where the default ticks are too dense; plainDecades above labels them.
 */
export function decadeTicks(lo: number, hi: number, step = 1): number[] {
  const who = "decadeTicks";
  for (const [name, value] of [
    ["lo", lo],
    ["hi", hi],
  ] as const) {
    if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
      throw new Error(`${who}: ${name} must be a finite number > 0, got ${describeValue(value)}`);
    }
  }
  if (!(hi >= lo)) throw new Error(`${who}: hi must be >= lo, got lo = ${lo}, hi = ${hi}`);
  if (!(Number.isInteger(step) && step >= 1)) {
    throw new Error(`${who}: step must be an integer >= 1, got ${describeValue(step)}`);
  }
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e += step) ticks.push(10 ** e);
  return ticks;
}

/**
 * decadeTicks over the range of the positive ones of values (Plot draws explicit ticks even outside the
 * data, so ticks beyond the range would only show empty decades). values: finite numbers, at least one
 * of them > 0; those <= 0 are ignored (a log axis cannot show them). Empty when no power of ten lies in
 * the range.
 */
export function decadesWithin(values: ArrayLike<number>): number[] {
  const list = checkNumberList("decadesWithin", "values", values, { min: 1 });
  const positive = Array.from(list).filter((v) => v > 0);
  if (positive.length === 0) {
    throw new Error(
      `decadesWithin: values must hold at least one number > 0, got ${list.length} values, none > 0`,
    );
  }
  return decadeTicks(Math.min(...positive), Math.max(...positive));
}

/** composeFigure for the function `who` the user called (a notebook's figure, say). */
export function compose(who: string, options: Plot.PlotOptions, text: FigureText): string {
  if (options === null || typeof options !== "object") {
    throw new Error(
      `${who}: options must be Plot options (an object with marks, ...), got ${describeValue(options)}`,
    );
  }
  if (text === null || typeof text !== "object" || typeof text.caption !== "string") {
    const got =
      text !== null && typeof text === "object"
        ? `caption ${describeValue(text.caption)}`
        : describeValue(text);
    throw new Error(`${who}: text must be { caption: a string, title?: a string }, got ${got}`);
  }
  if (text.title !== undefined && typeof text.title !== "string") {
    throw new Error(`${who}: text.title must be a string when given, got ${describeValue(text.title)}`);
  }
  const color = options.color as (Plot.ScaleOptions & { legend?: boolean }) | undefined;
  const chart = Plot.plot({
    ...options,
    ...plainDecades(options),
    title: undefined,
    subtitle: undefined,
    caption: undefined,
    color: color ? { ...color, legend: false } : undefined,
    document: plotDocument(),
  });
  if (chart.tagName.toLowerCase() !== "svg") {
    throw new Error("composeFigure: pass title, caption and legends to the figure, not as Plot marks");
  }
  const width = Number(chart.getAttribute("width"));
  const height = Number(chart.getAttribute("height"));
  let y = PAD;
  const parts: string[] = [];
  if (text.title) {
    for (const line of wrap(text.title, width - 2 * PAD, TITLE_SIZE)) {
      y += TITLE_SIZE;
      parts.push(
        `<text x="${PAD}" y="${y}" font-size="${TITLE_SIZE}" font-weight="bold">${escapeHtml(line)}</text>`,
      );
      y += 4;
    }
    y += 6;
  }
  if (color?.legend) {
    const scale = chart.scale("color") as ColorScale | undefined;
    if (scale) {
      const legend = legendSvg(
        { ...scale, label: scale.label ?? color.label ?? undefined },
        width - 2 * PAD,
        y,
      );
      parts.push(legend.svg);
      y += legend.height + 6;
    }
  }
  chart.setAttribute("x", "0");
  chart.setAttribute("y", String(y));
  parts.push(chart.outerHTML);
  y += height + 8;
  for (const line of wrap(text.caption, width - 2 * PAD, TEXT_SIZE)) {
    y += TEXT_SIZE + 3;
    parts.push(`<text x="${PAD}" y="${y}" font-size="${TEXT_SIZE}" fill="#333">${escapeHtml(line)}</text>`);
  }
  const total = Math.ceil(y + PAD);
  return standalone(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" ` +
      `font-family="${FONT}" text-anchor="start">` +
      `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`,
  );
}

/**
 * Makes a standalone SVG safe to inline beside others, to rasterize, and the same bytes however many figures
 * the process drew before: every id is renumbered in order of appearance (Plot numbers its markers with one
 * counter per process, so "plot-marker-15" in a full run was "plot-marker-1" when the notebook ran alone)
 * and gets a prefix derived from the figure's content, so two figures in one HTML page never resolve each
 * other's url(#id); and CSS variables, which resvg cannot resolve (it panics on Plot's marker stroke
 * var(--plot-background)), are replaced by their value.
 */
function standalone(svg: string): string {
  const renamed = new Map<string, string>();
  for (const [, id] of svg.matchAll(/\bid="([^"]+)"/g)) {
    if (!renamed.has(id)) renamed.set(id, `${id.replace(/-?\d+$/, "")}-${renamed.size + 1}`);
  }
  const numbered = withIds(svg, (id) => renamed.get(id) ?? id);
  const prefix = `f${createHash("sha1").update(numbered).digest("hex").slice(0, 8)}-`;
  return withIds(numbered, (id) => prefix + id).replace(/var\(--plot-background\)/g, "white");
}

/** The SVG with every id, and every url(#id) and href="#id" that refers to one, mapped by `to`. */
function withIds(svg: string, to: (id: string) => string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${to(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${to(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${to(id)}"`);
}

/** Adds a <metadata> element (JSON provenance) as the first child of a standalone SVG. */
export function withMetadata(svg: string, metadata: unknown): string {
  const json = escapeHtml(JSON.stringify(metadata));
  return svg.replace(/^(<svg[^>]*>)/, `$1<metadata>${json}</metadata>`);
}

/** The width attribute of a standalone SVG's root element (CSS pixels). */
export function svgWidth(svg: string): number {
  const width = /^\s*<svg\b[^>]*?\swidth="([\d.]+)"/.exec(svg);
  if (!width) throw new Error("svgWidth: svg must be a standalone SVG whose root has a width attribute");
  return Number(width[1]);
}

/**
 * PNG of a standalone SVG at `zoom` times its size (default 2, the files in figures/; 1 for the copy a
 * notebook output carries). Fonts come from the dejavu-fonts-ttf package, not the system, so text renders
 * the same on a machine with no fonts installed.
 */
export function rasterize(svg: string, zoom = 2): Buffer {
  if (typeof svg !== "string" || !/^\s*<svg[\s>]/.test(svg)) {
    throw new Error(
      `rasterize: svg must be a standalone SVG document (a string starting with <svg), got ${describeValue(typeof svg === "string" && svg.length > 40 ? `${svg.slice(0, 40)}...` : svg)}`,
    );
  }
  if (!(typeof zoom === "number" && zoom >= 0.25 && zoom <= 8)) {
    throw new Error(`rasterize: zoom must be a number in [0.25, 8], got ${describeValue(zoom)}`);
  }
  const fontDir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    background: "white",
    font: {
      loadSystemFonts: false,
      fontFiles: ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) =>
        path.join(fontDir, f),
      ),
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return resvg.render().asPng();
}
