/**
 * npm run writeup [-- --code=fold|hide|show] [--no-pdf] [--allow-mismatch]
 * Rebuilds build/ntk-lab.html (and the PDF) from the notebooks' stored outputs, without rerunning them.
 * Refuses a notebook whose figures are not the files in figures/ (saved from a tweaked run in JupyterLab);
 * --allow-mismatch builds it with a red banner instead.
 */
import * as path from "path";
import { buildWriteup, type CodeMode } from "./writeup";

const args = process.argv.slice(2);
const codeArg = args.find((a) => a.startsWith("--code="))?.slice("--code=".length) ?? "fold";
if (!["fold", "hide", "show"].includes(codeArg)) {
  console.error(`build-writeup: --code must be fold, hide or show, got ${codeArg}`);
  process.exit(2);
}
buildWriteup(path.resolve(__dirname, ".."), {
  code: codeArg as CodeMode,
  pdf: !args.includes("--no-pdf"),
  allowMismatch: args.includes("--allow-mismatch"),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
