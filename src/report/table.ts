/**
 * Tables: a danfojs DataFrame shown as an HTML table and written as CSV.
 */
import type { DataFrame } from "danfojs-node";

function escapeHtml(s: string): string {
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

/** An HTML table of the frame's columns and rows, with an optional caption above it. */
export function tableHtml(df: DataFrame, caption?: string): string {
  const columns = df.columns.map(String);
  const rows = df.values as unknown[][];
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
  const lines = [df.columns.map(csvField).join(",")];
  for (const row of df.values as unknown[][]) lines.push(row.map(csvField).join(","));
  return lines.join("\n") + "\n";
}
