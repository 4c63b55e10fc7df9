import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

// tslab loads the lab's .ts files from its own compiled outputs, and its loader maps "./x" only to
// "./x.js", never to "./x/index.js". A directory import works under tsx (the tests, the runner) but
// fails in a real Jupyter kernel, so it is ruled out here, where it is cheap to see.
const root = path.resolve(__dirname, "..");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function relativeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:from|import|require\()\s*["'](\.{1,2}\/[^"']*)["']/g)) found.push(m[1]);
  return found;
}

describe("imports a tslab kernel can load", () => {
  it("src/ never imports a folder, only files", () => {
    const bad: string[] = [];
    for (const file of tsFiles(path.join(root, "src"))) {
      for (const spec of relativeImports(fs.readFileSync(file, "utf8"))) {
        const target = path.resolve(path.dirname(file), spec);
        if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
          bad.push(`${path.relative(root, file)}: "${spec}" (write "${spec}/index")`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it("src/ never declares a local named exports (tslab's CommonJS emit reads exported constants through it)", () => {
    for (const file of tsFiles(path.join(root, "src"))) {
      assert.doesNotMatch(
        fs.readFileSync(file, "utf8"),
        /\b(const|let|var)\s+exports\b/,
        path.relative(root, file),
      );
    }
  });

  it("notebooks import the lab as ./src/index", () => {
    const dir = path.join(root, "notebooks");
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb"))) {
      const code = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"))
        .cells.filter((c: { cell_type: string }) => c.cell_type === "code")
        .map((c: { source: string[] | string }) => (Array.isArray(c.source) ? c.source.join("") : c.source))
        .join("\n");
      assert.doesNotMatch(code, /from\s+["']\.\/src["']/, `${name} imports "./src"; write "./src/index"`);
    }
  });
});
