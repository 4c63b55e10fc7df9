/**
 * The larger CNTK accuracy runs notebook 10 shows beside its own small default run: 14 x 14 digits (MNIST
 * 2x2-averaged, as notebook 08) and, where Debian's dataset-fashion-mnist is installed, Fashion-MNIST at
 * the same size; a pool of 400 images, 5 splits of 300 training and 100 test images, depths 1, 2, 3, 5, 7,
 * CNTK-V, CNTK-GAP and the fully connected NTK. Every number is cntkAccuracy() of src/experiments, the
 * function the notebook's own run calls.
 *
 * Usage: tsx scripts/long-runs-10.ts digits|fashion   (15-30 minutes each on one core)
 * Writes data/long-runs/10-cntk-<set>.json atomically, with the commit, the settings and the wall time.
 */
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { cntkAccuracy } from "../src/experiments/cntk-accuracy";
import { downsample2x, loadFashionMnist, loadMnistDigits } from "../src/images";
import { progress, projectRoot, writeFileAtomic } from "../src/report";

export const LONG_RUNS_10 = {
  classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  pool: 400,
  train: 300,
  test: 100,
  seeds: [1, 2, 3, 4, 5],
  depths: [1, 2, 3, 5, 7],
  ridge: 1e-3,
};

const which = process.argv[2];
if (which !== "digits" && which !== "fashion") {
  throw new Error(`long-runs-10: the argument must be digits or fashion, got ${String(which)}`);
}
const root = projectRoot();
const git = (...args: string[]) => execFileSync("git", args, { cwd: root }).toString().trim();
// The code the run starts from (a commit made while it runs is not its code).
const gitCommit = git("rev-parse", "HEAD");
const gitDirty = git("status", "--porcelain", "--", "src").length > 0;
const set = downsample2x(which === "digits" ? loadMnistDigits() : loadFashionMnist());
const start = Date.now();
const result = cntkAccuracy(set, { ...LONG_RUNS_10, progress });
const record = {
  about: `Notebook 10's larger run on ${which === "digits" ? "MNIST digits" : "Fashion-MNIST"} (14 x 14), made by scripts/long-runs-10.ts`,
  command: `tsx scripts/long-runs-10.ts ${which}`,
  source: set.source,
  settings: LONG_RUNS_10,
  gitCommit,
  gitDirty,
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "unknown",
  wallSeconds: (Date.now() - start) / 1000,
  kernelSeconds: result.seconds,
  runs: result.runs,
};
writeFileAtomic(
  path.join(root, "data", "long-runs", `10-cntk-${which}.json`),
  JSON.stringify(record, null, 1) + "\n",
);
console.log(`wrote data/long-runs/10-cntk-${which}.json in ${record.wallSeconds.toFixed(0)} s`);
