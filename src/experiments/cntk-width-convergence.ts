/**
 * The finite convolutional network's empirical NTK against the analytic CNTK as the width grows (the
 * convolutional-NTK issue; Arora et al. 2019, theorem 3.1 for the fully connected case): for each width and
 * seed the relative Frobenius error of empiricalCntk against cntk on the same images, and the least-squares
 * slope of the mean error against the width on log-log axes (theory: -1/2, the fluctuation of a sum over
 * width-many independent channels).
 */
import { cntk, type ConvImages } from "../kernels/cntk";
import { logLogSlope, relativeError, type LogLogFit } from "../kernels/convergence";
import { checkConvArchitecture, type ConvArchitecture } from "../layers";
import { convNetwork, empiricalCntk } from "../training/conv-network";
import type { ProgressStart } from "../training/train";
import {
  checkDistinct,
  checkInteger,
  checkNumberList,
  checkOptionKeys,
  checkProgress,
  renamed,
  requiredObject,
  checkSeeds,
} from "../validate";

export interface WidthError {
  width: number;
  seed: number;
  /** ||empirical - analytic||_F / ||analytic||_F */
  error: number;
}

export interface CntkWidthConvergence {
  errors: WidthError[];
  /** Per width, the mean error over the seeds. */
  meanErrors: { width: number; mean: number }[];
  /** The mean error against the width: slope (theory -0.5) and its standard error (plain data: no predict). */
  fit: Omit<LogLogFit, "predict">;
}

/**
 * errors for every width (channels of every layer) and seed, on the images X; widths at least 3 distinct
 * integers >= 1, seeds at least 1.
 */
export function cntkWidthConvergence(
  arch: ConvArchitecture,
  X: ConvImages,
  options: { widths: readonly number[]; seeds: readonly number[]; progress?: ProgressStart | false },
): CntkWidthConvergence {
  const who = "cntkWidthConvergence";
  checkConvArchitecture(who, arch);
  const opts = requiredObject(who, "options", options, "{ widths, seeds, progress? }");
  checkOptionKeys(who, opts, ["widths", "seeds", "progress"]);
  const progress = checkProgress(who, opts.progress ?? false);
  const widths = Array.from(checkNumberList(who, "widths", options.widths, { min: 3 }));
  widths.forEach((w, i) => checkInteger(who, `widths[${i}]`, w, 1));
  checkDistinct(who, "widths", widths);
  const seeds = checkSeeds(who, options.seeds);
  const analytic = renamed(who, "cntk", () => cntk(arch, X));
  const bar = progress ? progress(widths.length * seeds.length, "finite networks") : null;
  const errors: WidthError[] = [];
  for (const width of widths) {
    for (const seed of seeds) {
      const net = convNetwork(arch, {
        height: X.height,
        width: X.width,
        channels: X.channels,
        channelsPerLayer: width,
        seed,
      });
      errors.push({ width, seed, error: relativeError(empiricalCntk(net, X), analytic) });
      bar?.tick();
    }
  }
  bar?.done();
  const meanErrors = widths.map((width) => {
    const mine = errors.filter((e) => e.width === width);
    return { width, mean: mine.reduce((s, e) => s + e.error, 0) / mine.length };
  });
  const { predict: _, ...fit } = logLogSlope(
    meanErrors.map((m) => m.width),
    meanErrors.map((m) => m.mean),
  );
  return { errors, meanErrors, fit };
}
