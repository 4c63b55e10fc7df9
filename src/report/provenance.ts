/**
 * Provenance recorded beside every figure and table: what produced it (notebook, parameters, seeds), from
 * which code (git commit, whether the tree had uncommitted changes) and with which packages.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Provenance {
  notebook: string;
  artifact: string;
  parameters: Record<string, unknown>;
  gitCommit: string | null;
  gitDirty: boolean | null;
  node: string;
  packages: Record<string, string>;
}

const TRACKED_PACKAGES = [
  "tslab",
  "@observablehq/plot",
  "ml-matrix",
  "ml-regression",
  "danfojs-node",
  "@resvg/resvg-js",
  "linkedom",
];

let cachedCode: Omit<Provenance, "notebook" | "artifact" | "parameters"> | null = null;

/** The code-side provenance, computed once per process (git and package.json reads are not free). */
function codeProvenance(root: string): Omit<Provenance, "notebook" | "artifact" | "parameters"> {
  if (cachedCode) return cachedCode;
  let gitCommit: string | null = null;
  let gitDirty: boolean | null = null;
  try {
    gitCommit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, stdio: "pipe" }).toString().trim();
    const status = execFileSync("git", ["status", "--porcelain", "--", "src", "notebooks"], {
      cwd: root,
      stdio: "pipe",
    });
    gitDirty = status.toString().trim().length > 0;
  } catch {
    // Not a git checkout (an unpacked archive, say): the commit is unknown, which the record says.
  }
  const packages: Record<string, string> = {};
  for (const name of TRACKED_PACKAGES) {
    const manifest = path.join(root, "node_modules", name, "package.json");
    if (fs.existsSync(manifest)) {
      packages[name] = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
    }
  }
  cachedCode = { gitCommit, gitDirty, node: process.version, packages };
  return cachedCode;
}

export function provenance(
  root: string,
  notebook: string,
  artifact: string,
  parameters: Record<string, unknown>,
): Provenance {
  return { notebook, artifact, parameters, ...codeProvenance(root) };
}
