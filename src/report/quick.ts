/**
 * Quick mode (NTK_LAB_QUICK=1): CI runs every notebook at small sizes. A notebook's parameter cell reads
 * the variable as `const quick = process.env.NTK_LAB_QUICK === "1";` and uses it only to pick sizes
 * (`n: quick ? 64 : 200`); no other cell looks at it. Quick runs write the same figures and tables, to
 * build/quick/ instead of the committed figures/ and data/, so a quick run never overwrites full results.
 */
import * as path from "path";

const QUICK_VARIABLE = "NTK_LAB_QUICK";

/** True when NTK_LAB_QUICK is "1"; unset, "" or "0" is the full run; anything else is an Error. */
export function quickMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[QUICK_VARIABLE];
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new Error(
    `quickMode: the environment variable ${QUICK_VARIABLE} must be "1" (quick sizes) or "0" / unset (full sizes), got ${JSON.stringify(value)}`,
  );
}

/**
 * The folder under which figures/ and data/ are written: NTK_LAB_OUTPUT when set (tests use a temporary
 * folder), else build/quick in quick mode, else build/lab for an interactive run (a notebook run in
 * JupyterLab, whose parameters may have been tweaked: it must not rewrite the committed outputs), else the
 * lab's root (`npm run notebooks`, which sets NTK_LAB_RUNNER=1, and plain scripts).
 */
export function outputRoot(root: string, env: NodeJS.ProcessEnv = process.env, interactive = false): string {
  const explicit = env.NTK_LAB_OUTPUT;
  if (explicit !== undefined && explicit !== "") return path.resolve(explicit);
  if (quickMode(env)) return path.join(root, "build", "quick");
  return interactive && env.NTK_LAB_RUNNER !== "1" ? path.join(root, "build", "lab") : root;
}
