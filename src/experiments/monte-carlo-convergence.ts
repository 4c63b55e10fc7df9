/**
 * How the Monte Carlo NTK converges to the analytic one as the number of sampled hidden units m grows
 * (notebook 01, section 1): the relative Frobenius error of every (m, seed) run, what the run's own
 * standard errors predict for it, their root mean square over seeds per m, and a log-log line through
 * those RMS errors (the central limit theorem says slope -1/2).
 */
import { logLogSlope, relativeError, rootMeanSquare, type LogLogFit } from "../kernels/convergence";
import { monteCarloNtkWithError } from "../kernels/montecarlo";
import { ntk } from "../kernels/ntk";
import type { PointsInput } from "../kernels/points";
import type { Architecture } from "../layers";
import { checkProgress, type ProgressStart } from "../training/train";
import { checkDistinct, checkInteger, checkNumberList, renamed, requiredObject } from "../validate";

/** One Monte Carlo kernel against the analytic NTK. */
export interface MonteCarloErrorRun {
  /** Hidden units sampled, m. */
  samples: number;
  seed: number;
  /** ||K_mc - Theta||_F / ||Theta||_F. */
  error: number;
  /** ||stdError||_F / ||Theta||_F: the RMS error the run's per-entry standard errors imply. */
  predicted: number;
}

/** The runs of one sample count, summarized over seeds. */
export interface MonteCarloErrorSummary {
  samples: number;
  /** Root mean square of the runs' errors. */
  rms: number;
  /** Root mean square of the runs' predicted errors. */
  predicted: number;
}

export interface MonteCarloConvergence {
  /** One per (samples, seed), samples outer, in the order given. */
  runs: MonteCarloErrorRun[];
  /** One per sample count, in the order given. */
  bySamples: MonteCarloErrorSummary[];
  /** Least-squares line of log rms on log samples. */
  fit: LogLogFit;
}

/**
 * The Monte Carlo NTK of `arch` on the points X (n x d), monteCarloNtkWithError with every sample count of
 * options.samples (at least 3 distinct positive integers) and every seed of options.seeds (integers >= 0),
 * against the analytic ntk(arch, X). options.progress: a progress display such as lab.progress (ticked
 * once per run, labelled "Monte Carlo NTK"), or false / left out for none.
 */
export function monteCarloConvergence(
  arch: Architecture,
  X: PointsInput,
  options: { samples: readonly number[]; seeds: readonly number[]; progress?: ProgressStart | false },
): MonteCarloConvergence {
  const who = "monteCarloConvergence";
  const { samples, seeds, progress = false } = requiredObject(who, "options", options, "{ samples, seeds }");
  const sampleList = Array.from(checkNumberList(who, "samples", samples, { min: 3 }));
  sampleList.forEach((m, i) => checkInteger(who, `samples[${i}]`, m, 1));
  checkDistinct(who, "samples", sampleList, " (one point of the fit each)");
  const seedList = Array.from(checkNumberList(who, "seeds", seeds, { min: 1 }));
  seedList.forEach((s, i) => checkInteger(who, `seeds[${i}]`, s, 0));
  checkProgress(who, progress);
  const exact = renamed(who, "ntk", () => ntk(arch, X));
  const exactNorm = exact.norm();
  const bar = progress ? progress(sampleList.length * seedList.length, "Monte Carlo NTK") : null;
  const runs: MonteCarloErrorRun[] = [];
  for (const m of sampleList) {
    for (const seed of seedList) {
      const { mean, stdError } = renamed(who, "monteCarloNtkWithError", () =>
        monteCarloNtkWithError(arch, X, undefined, { samples: m, seed }),
      );
      const run = {
        samples: m,
        seed,
        error: relativeError(mean, exact),
        predicted: stdError.norm() / exactNorm,
      };
      if (!Number.isFinite(run.predicted)) {
        throw new Error(
          `${who}: X must give a kernel whose standard errors have a finite norm relative to it ` +
            `(points within about 1e75 of the origin and not all at it), got ${run.predicted} at m = ${m}`,
        );
      }
      runs.push(run);
      bar?.tick();
    }
  }
  bar?.done();
  const bySamples = sampleList.map((m) => {
    const these = runs.filter((r) => r.samples === m);
    return {
      samples: m,
      rms: rootMeanSquare(these.map((r) => r.error)),
      predicted: rootMeanSquare(these.map((r) => r.predicted)),
    };
  });
  const fit = renamed(who, "logLogSlope", () =>
    logLogSlope(
      bySamples.map((r) => r.samples),
      bySamples.map((r) => r.rms),
    ),
  );
  return { runs, bySamples, fit };
}
