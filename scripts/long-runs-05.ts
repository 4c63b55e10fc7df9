/**
 * The long training runs that notebook 05's verdicts on the NTK-study write-up's Experiment 3 rest on: width
 * 500 (the study's), two seeds, gradient descent at 0.8 x the guard's bound for up to 1e5 steps (fewer where
 * the initial kernel forecasts that the top frequency is learned sooner), Adam at the rate a short sweep
 * picks, both stopped early at a training loss of 1e-6. Every run is studyRun() of src/training, the same
 * function the notebook's own short runs call.
 *
 * Usage:
 *   tsx scripts/long-runs-05.ts --part 1/2     runs every second job (start 1/2 and 2/2 on the two cores)
 *   tsx scripts/long-runs-05.ts --merge        writes data/long-runs/05-records.json from the finished jobs
 *                                              (--partial: from those finished so far, marked incomplete)
 *   tsx scripts/long-runs-05.ts --list         prints the jobs and their budgets
 * Each finished job is written atomically to build/long-runs-05/<job>.json; a rerun skips jobs whose file
 * holds the same spec. One GEMM thread per process: two processes use both cores with the least overhead.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { setGemmBackend } from "../src/linalg/gemm";
import { writeFileAtomic, projectRoot } from "../src/report";
import { multiSine, squareWaveSeries } from "../src/targets";
import { studyBudget, studyRun, sweepAdamRate, type StudyRunSpec } from "../src/training/trajectory";

const root = projectRoot();
const partsDir = path.join(root, "build", "long-runs-05");
const outFile = path.join(root, "data", "long-runs", "05-records.json");

/** The study's claims and the runs each needs. */
export const LONG_RUNS = {
  n: 64,
  width: 500,
  biasStd: 1,
  seeds: [1, 2],
  pairs: [
    ["relu", "relu"],
    ["relu", "sin"],
    ["sin", "relu"],
    ["sin", "sin"],
  ],
  claims: [
    { claim: "default", parameterization: "default", target: "multi-sine" },
    { claim: "ntk-init", parameterization: "standard", target: "square wave" },
  ],
  gdSteps: 100000,
  gdMinSteps: 1000,
  rateFraction: 0.8,
  adamSteps: 10000,
  adamRates: [1e-4, 3e-4, 1e-3, 3e-3],
  adamSweepSteps: 1000,
  targetLoss: 1e-6,
} as const;

const TARGETS = { "multi-sine": multiSine([1, 2, 4, 8]), "square wave": squareWaveSeries(9) };

interface Job {
  id: string;
  claim: string;
  spec: StudyRunSpec;
  /** Steps the job will run at most (its sweep included): for balancing the parts. */
  cost: number;
}

function jobs(): Job[] {
  const c = LONG_RUNS;
  const out: Job[] = [];
  for (const claim of c.claims) {
    for (const pair of c.pairs) {
      for (const seed of c.seeds) {
        for (const optimizer of ["gd", "adam"] as const) {
          const spec: StudyRunSpec = {
            pair,
            parameterization: claim.parameterization,
            targetName: claim.target,
            target: TARGETS[claim.target],
            inputs: "line",
            n: c.n,
            width: c.width,
            biasStd: c.biasStd,
            seed,
            optimizer,
            rate: optimizer === "gd" ? { fractionOfBound: c.rateFraction } : { learningRate: NaN },
            maxSteps: optimizer === "gd" ? c.gdSteps : c.adamSteps,
            cappedByForecast: optimizer === "gd",
            minSteps: c.gdMinSteps,
            targetLoss: c.targetLoss,
          };
          const id = `${claim.claim}-${pair.join("+")}-seed${seed}-${optimizer}`;
          out.push({
            id,
            claim: claim.claim,
            spec,
            cost: optimizer === "gd" ? studyBudget(spec).budget : c.adamSteps + 4000,
          });
        }
      }
    }
  }
  return out;
}

/** Jobs split into k parts of about equal cost (largest first, each to the lightest part). */
function parts(all: Job[], k: number): Job[][] {
  const bins: { cost: number; jobs: Job[] }[] = Array.from({ length: k }, () => ({ cost: 0, jobs: [] }));
  for (const job of [...all].sort((a, b) => b.cost - a.cost || a.id.localeCompare(b.id))) {
    const bin = bins.reduce((a, b) => (b.cost < a.cost ? b : a));
    bin.jobs.push(job);
    bin.cost += job.cost;
  }
  return bins.map((b) => b.jobs);
}

const specText = (spec: StudyRunSpec): string => JSON.stringify({ ...spec, target: spec.target.name });

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: root, stdio: "pipe" }).toString().trim();
}

/** The code this process runs: read once at its start (later commits do not change the loaded code). */
const CODE = {
  gitCommit: git(["rev-parse", "HEAD"]),
  gitDirty: git(["status", "--porcelain", "--", "src", "scripts"]).length > 0,
};

function runJob(job: Job): void {
  const file = path.join(partsDir, `${job.id}.json`);
  if (fs.existsSync(file)) {
    const old = JSON.parse(fs.readFileSync(file, "utf8")) as { specText: string };
    if (old.specText === specText(job.spec)) {
      console.log(`${job.id}: done before, skipped`);
      return;
    }
  }
  const started = performance.now();
  let spec = job.spec;
  let sweep: ReturnType<typeof sweepAdamRate> | null = null;
  if (spec.optimizer === "adam") {
    sweep = sweepAdamRate(spec, LONG_RUNS.adamRates, LONG_RUNS.adamSweepSteps);
    spec = { ...spec, rate: { learningRate: sweep.chosen } };
    console.log(
      `${job.id}: Adam sweep ${sweep.rates.map((r, i) => `${r}: ${sweep!.losses[i].toExponential(2)}`).join(", ")} -> ${sweep.chosen}`,
    );
  }
  const record = studyRun(spec);
  const seconds = (performance.now() - started) / 1000;
  const last = record.checkpoints[record.checkpoints.length - 1];
  console.log(
    `${job.id}: ${record.stepsRun} of ${record.budget} steps (${record.stopReason}), loss ${last.loss.toExponential(2)}, ` +
      `errors ${last.errors.map((e) => e.toFixed(3)).join(" ")}, ${seconds.toFixed(0)} s`,
  );
  writeFileAtomic(
    file,
    JSON.stringify({
      id: job.id,
      claim: job.claim,
      specText: specText(job.spec),
      sweep,
      record,
      wallSeconds: seconds,
      precision: "float64",
      threads: 1,
      ...CODE,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      finished: new Date().toISOString(),
    }) + "\n",
  );
}

/** Writes the table; with `partial`, of the jobs finished so far (marked complete: false), for a first look. */
function merge(all: Job[], partial: boolean): void {
  const done = partial ? all.filter((job) => fs.existsSync(path.join(partsDir, `${job.id}.json`))) : all;
  const runs = done.map((job) => {
    const file = path.join(partsDir, `${job.id}.json`);
    if (!fs.existsSync(file)) throw new Error(`long-runs-05 --merge: ${job.id} has not run (no ${file})`);
    const part = JSON.parse(fs.readFileSync(file, "utf8")) as { specText: string };
    if (part.specText !== specText(job.spec))
      throw new Error(`long-runs-05 --merge: ${file} holds another spec`);
    return part;
  });
  const table = {
    about:
      "Notebook 05's long runs (the NTK-study write-up, Experiment 3), made by scripts/long-runs-05.ts; each run records its commit, precision, threads and wall time.",
    command:
      "tsx scripts/long-runs-05.ts --part 1/2 & tsx scripts/long-runs-05.ts --part 2/2; tsx scripts/long-runs-05.ts --merge",
    settings: LONG_RUNS,
    complete: runs.length === all.length,
    runs,
  };
  writeFileAtomic(outFile, JSON.stringify(table, null, 1) + "\n");
  console.log(`wrote ${path.relative(root, outFile)}: ${runs.length} runs`);
}

function main(): void {
  setGemmBackend({ threads: 1 });
  const args = process.argv.slice(2);
  const all = jobs();
  if (args.includes("--list")) {
    for (const j of all) console.log(`${j.id}: ${j.cost} steps`);
    console.log(`total ${all.reduce((s, j) => s + j.cost, 0)} steps`);
    return;
  }
  if (args.includes("--merge")) return merge(all, args.includes("--partial"));
  const partArg = args[args.indexOf("--part") + 1];
  const m = /^(\d+)\/(\d+)$/.exec(partArg ?? "");
  if (!args.includes("--part") || !m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw new Error(`long-runs-05: pass --part i/k (1 <= i <= k), --merge or --list, got ${args.join(" ")}`);
  }
  fs.mkdirSync(partsDir, { recursive: true });
  const mine = parts(all, Number(m[2]))[Number(m[1]) - 1];
  console.log(`part ${partArg}: ${mine.length} jobs, ${mine.reduce((s, j) => s + j.cost, 0)} steps`);
  for (const job of mine) runJob(job);
}

main();
process.exit(0);
