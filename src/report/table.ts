/**
 * Tables: a danfojs DataFrame shown as an HTML table and written as CSV.
 */
import type { DataFrame } from "danfojs-node";
import { describeValue } from "../validate";

/** Text escaped for HTML and SVG: &, <, > and the double quote of attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );
}

/** A number as a table shows it: integers whole, others to 4 significant digits, null/NaN as a dash. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "–";
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : value.toPrecision(4);
  }
  return String(value);
}

/** The frame's column names and rows, checked to be a DataFrame's (who: the function the user called). */
export function frameOf(who: string, df: DataFrame): { columns: string[]; rows: unknown[][] } {
  const frame = df as unknown as { columns?: unknown; values?: unknown } | null;
  if (
    frame === null ||
    typeof frame !== "object" ||
    !Array.isArray(frame.columns) ||
    !Array.isArray(frame.values)
  ) {
    throw new Error(
      `${who}: df must be a danfojs DataFrame (with columns and values), got ${describeValue(df)}`,
    );
  }
  return { columns: frame.columns.map(String), rows: frame.values as unknown[][] };
}

/** A caption: a string, or nothing when optional. */
export function checkCaption(who: string, caption: unknown, optional: boolean): void {
  if (typeof caption !== "string" && !(optional && caption === undefined)) {
    throw new Error(
      `${who}: caption must be a string${optional ? " when given" : ""}, got ${describeValue(caption)}`,
    );
  }
}

/** An HTML table of the frame's columns and rows, with an optional caption above it. */
export function tableHtml(df: DataFrame, caption?: string): string {
  checkCaption("tableHtml", caption, true);
  return htmlTable(frameOf("tableHtml", df), caption);
}

/** tableHtml of a checked frame. */
export function htmlTable(
  { columns, rows }: { columns: string[]; rows: unknown[][] },
  caption?: string,
): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(formatCell(v))}</td>`).join("")}</tr>`)
    .join("\n");
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : "";
  return `<table class="ntk-table">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return "";
  const s = typeof value === "number" ? String(value) : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV text of the frame with full float64 precision (String(x) round-trips), empty fields for missing
 * values. Written here rather than with danfojs' toCSV so a missing value is an empty field, not "NaN".
 */
export function tableCsv(df: DataFrame): string {
  return csvTable(frameOf("tableCsv", df));
}

/** tableCsv of a checked frame. */
export function csvTable({ columns, rows }: { columns: string[]; rows: unknown[][] }): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return lines.join("\n") + "\n";
}
