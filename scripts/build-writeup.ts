/**
 * npm run writeup [-- --code=fold|hide|show] [--no-pdf]
 * Rebuilds build/ntk-lab.html (and the PDF) from the notebooks' stored outputs, without rerunning them.
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
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
