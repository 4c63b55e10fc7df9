/**
 * The shape of src/'s imports: no file imports itself through others (a cycle makes the order in which
 * tslab evaluates the files matter), and the trainers do not import the report layer (they take a
 * progress callback).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const src = path.resolve(__dirname, "..", "src");

/** Every .ts file under src/ with the src/ files it imports (runtime and type imports alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts")) {
        const text = fs.readFileSync(file, "utf8");
        const targets = [...text.matchAll(/(?:import|export)[^;]*?from\s+"(\.[^"]+)"/g)].map((m) =>
          path.relative(src, path.resolve(path.dirname(file), m[1]) + ".ts"),
        );
        graph.set(path.relative(src, file), targets);
      }
    }
  };
  walk(src);
  return graph;
}

/** The cycles of a graph, each as "a -> b -> a". */
function cyclesOf(graph: Map<string, string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

test("src/ has no import cycle between files", () => {
  assert.deepEqual(cyclesOf(importGraph()), []);
});

test("src/ has no import cycle between its parts (a folder or a file of src/, e.g. kernels, activations, network)", () => {
  const part = (file: string): string => file.split(path.sep)[0].replace(/\.ts$/, "");
  const parts = new Map<string, string[]>();
  for (const [file, targets] of importGraph()) {
    const from = part(file);
    const to = targets.map(part).filter((t) => t !== from);
    parts.set(from, [...new Set([...(parts.get(from) ?? []), ...to])]);
  }
  assert.deepEqual(cyclesOf(parts), []);
});

test("the trainers do not import the report layer", () => {
  const graph = importGraph();
  const offending = [...graph]
    .filter(([file]) => file.startsWith("training/"))
    .flatMap(([file, targets]) =>
      targets.filter((t) => t.startsWith("report/")).map((t) => `${file} -> ${t}`),
    );
  assert.deepEqual(offending, []);
});
