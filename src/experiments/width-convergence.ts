/**
 * How the empirical NTK of finite networks converges to the analytic NTK as the hidden width grows
 * (notebook 01, section 2; Problem Set 4, problem 2): for every width and seed, the relative error of the
 * empirical NTK of output 1 against the analytic kernel, and the size of the cross kernel between outputs
 * 1 and 2 (which vanishes in the limit); their root mean square over seeds per width; and log-log lines
 * through those (the central limit theorem says slope -1/2).
 */
import { empiricalNtk } from "../kernels/empirical";
import {
  logLogSlope,
  outputBlock,
  relativeError,
  rootMeanSquare,
  type LogLogFit,
} from "../kernels/convergence";
import { ntk } from "../kernels/ntk";
import { readPoints, type PointsInput } from "../kernels/points";
import { checkArchitecture, type Architecture } from "../layers";
import { network } from "../network";
import { checkProgress, type ProgressStart } from "../training/train";
import {
  checkDistinct,
  checkInteger,
  checkNumberList,
  checkOptionKeys,
  renamed,
  requiredObject,
} from "../validate";

/** One finite network against the analytic NTK. */
export interface WidthErrorRun {
  width: number;
  seed: number;
  /** ||K_11 - Theta||_F / ||Theta||_F: output 1's empirical NTK against the analytic one. */
  error: number;
  /** ||K_12||_F / ||Theta||_F: the cross kernel between outputs 1 and 2. */
  offDiagonal: number;
}

/** The runs of one width, summarized over seeds. */
export interface WidthErrorSummary {
  width: number;
  /** Root mean square of the runs' errors. */
  error: number;
  /** Root mean square of the runs' cross-kernel sizes. */
  offDiagonal: number;
}

export interface WidthConvergence {
  /** One per (width, seed), width outer, in the order given. */
  runs: WidthErrorRun[];
  /** One per width, in the order given. */
  byWidth: WidthErrorSummary[];
  /** Least-squares lines of log RMS on log width, of the error and of the cross kernel. */
  fits: { error: LogLogFit; offDiagonal: LogLogFit };
}

/**
 * Networks of `arch` with options.outputs (>= 2) outputs, every width of options.widths (at least 3
 * distinct integers >= 1) and every seed of options.seeds (integers >= 0), their empirical NTKs on the
 * points X (n x d) against the analytic ntk(arch, X). options.progress: a progress display such as
 * lab.progress (ticked once per network, labelled "empirical NTKs"), or false / left out for none.
 */
export function widthConvergence(
  arch: Architecture,
  X: PointsInput,
  options: {
    widths: readonly number[];
    seeds: readonly number[];
    outputs: number;
    progress?: ProgressStart | false;
  },
): WidthConvergence {
  const who = "widthConvergence";
  checkArchitecture(who, arch);
  const opts = requiredObject(who, "options", options, "{ widths, seeds, outputs }");
  checkOptionKeys(who, opts, ["widths", "seeds", "outputs", "progress"]);
  const { widths, seeds, outputs, progress = false } = opts;
  const widthList = Array.from(checkNumberList(who, "widths", widths, { min: 3 }));
  widthList.forEach((w, i) => checkInteger(who, `widths[${i}]`, w, 1));
  checkDistinct(who, "widths", widthList, " (one point of the fit each)");
  const seedList = Array.from(checkNumberList(who, "seeds", seeds, { min: 1 }));
  seedList.forEach((s, i) => checkInteger(who, `seeds[${i}]`, s, 0));
  checkInteger(who, "outputs", outputs, 2);
  checkProgress(who, progress);
  const { d } = readPoints(who, "X", X);
  const limit = renamed(who, "ntk", () => ntk(arch, X));
  const limitNorm = limit.norm();
  if (!(limitNorm > 0 && Number.isFinite(limitNorm))) {
    throw new Error(`${who}: X must give an analytic NTK of finite nonzero norm, got norm ${limitNorm}`);
  }
  const bar = progress ? progress(widthList.length * seedList.length, "empirical NTKs") : null;
  const runs: WidthErrorRun[] = [];
  for (const width of widthList) {
    for (const seed of seedList) {
      const net = network(arch, { inputDim: d, width, outputs, seed });
      const K = empiricalNtk(net, X); // (n outputs) x (n outputs), output-major blocks
      runs.push({
        width,
        seed,
        error: relativeError(outputBlock(K, outputs, 0, 0), limit),
        offDiagonal: outputBlock(K, outputs, 0, 1).norm() / limitNorm,
      });
      bar?.tick();
    }
  }
  bar?.done();
  const byWidth = widthList.map((width) => {
    const these = runs.filter((r) => r.width === width);
    return {
      width,
      error: rootMeanSquare(these.map((r) => r.error)),
      offDiagonal: rootMeanSquare(these.map((r) => r.offDiagonal)),
    };
  });
  const fitOf = (key: "error" | "offDiagonal") =>
    renamed(who, "logLogSlope", () =>
      logLogSlope(
        byWidth.map((r) => r.width),
        byWidth.map((r) => r[key]),
      ),
    );
  return { runs, byWidth, fits: { error: fitOf("error"), offDiagonal: fitOf("offDiagonal") } };
}
