/**
 * A kernel as a prior over functions, as notebook 07 draws and scores it: the Gaussian-process posterior on
 * a grid (mean, a band of standard deviations, seeded samples), how tightly it pins the data (its largest
 * standard deviation at the training points) and the test error of its mean.
 */
import type { Matrix } from "ml-matrix";
import { readPoints, type PointsInput } from "../kernels/points";
import { rngFrom, type RandomSource } from "../random";
import { standardDeviationBand } from "../regression/band";
import { gaussianProcessPosterior, type GaussianProcessPosterior } from "../regression/gaussian-process";
import { kernelRegression } from "../regression/kernel-regression";
import { meanSquaredError } from "../regression/mean-squared-error";
import {
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkNumberList,
  renamed,
  requiredObject,
} from "../validate";

/** The points and values a study conditions on and scores against (one point per row, or 1-D lists). */
export interface GaussianProcessData {
  xTrain: PointsInput;
  /** One value per training point. */
  yTrain: ArrayLike<number>;
  /** The points where the posterior is drawn (m of them). */
  grid: PointsInput;
  xTest: PointsInput;
  /** One value per test point. */
  yTest: ArrayLike<number>;
}

export interface GaussianProcessStudyOptions extends RandomSource {
  /** Observation noise variance (>= 0; with 0 the kernel matrix must be positive definite). */
  noise: number;
  /** Functions drawn from the posterior on the grid (an integer >= 0). */
  samples: number;
  /** Half-width of the band in posterior standard deviations (>= 0; default 2). */
  width?: number;
}

export interface GaussianProcessStudy {
  /** The kernel's name. */
  kernel: string;
  /** The posterior on the grid. */
  posterior: GaussianProcessPosterior;
  /** posterior.mean -+ width sqrt(posterior.variance) on the grid. */
  lower: Float64Array;
  upper: Float64Array;
  /** `samples` draws from the posterior on the grid. */
  draws: Float64Array[];
  /** The largest posterior standard deviation at the training points themselves. */
  trainMaxStd: number;
  /**
   * meanSquaredError of the posterior mean at xTest against yTest: the mean is kernel regression with
   * ridge = noise, which is how it is computed.
   */
  testMse: number;
}

/**
 * The posterior of the prior GP(0, kernel) given yTrain at xTrain with noise variance options.noise:
 * gaussianProcessPosterior(kernel(xTrain), yTrain, kernel(grid, xTrain), kernel(grid), { noise }), its
 * band, options.samples draws from options.rng (or a new Rng(options.seed)), then the posterior at the
 * training points (for trainMaxStd) and kernelRegression with ridge noise scored on the test points.
 * Draws come before anything else, so a shared rng gives the same draws as calling sample() in a loop.
 */
export function gaussianProcessStudy(
  kernel: ((X: PointsInput, Y?: PointsInput) => Matrix) & { readonly name: string },
  data: GaussianProcessData,
  options: GaussianProcessStudyOptions,
): GaussianProcessStudy {
  const who = "gaussianProcessStudy";
  checkFunction(who, "kernel", kernel, "a kernel of the lab (X, Y) -> Matrix, such as networkKernel(arch)");
  const { xTrain, yTrain, grid, xTest, yTest } = requiredObject(
    who,
    "data",
    data,
    "{ xTrain, yTrain, grid, xTest, yTest }",
  );
  const opts = requiredObject(who, "options", options, "{ noise, samples, width?, rng? or seed? }");
  const { noise, samples, width = 2 } = opts;
  checkNonNegative(who, "noise", noise);
  checkInteger(who, "samples", samples, 0);
  checkNonNegative(who, "width", width);
  const nTrain = readPoints(who, "xTrain", xTrain).n;
  checkNumberList(who, "yTrain", yTrain, { length: nTrain, lengthRule: " (one per point of xTrain)" });
  readPoints(who, "grid", grid);
  const nTest = readPoints(who, "xTest", xTest).n;
  checkNumberList(who, "yTest", yTest, { length: nTest, lengthRule: " (one per point of xTest)" });
  // An inner function's Error in the study's name; its y is the study's yTrain.
  const asStudy = <T>(inner: string, f: () => T): T => {
    try {
      return renamed(who, inner, f);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith(`${who}: `)) throw error;
      const reason = error.message.slice(who.length + 2);
      let message = "";
      if (reason.startsWith("y ")) message = `yTrain ${reason.slice(2)}`;
      else if (reason.startsWith("f and y ")) message = `the mean at xTest and yTest ${reason.slice(8)}`;
      else if (reason.includes("singular or indefinite"))
        message = `xTrain must give a positive definite kernel matrix plus noise I: ${reason}`;
      if (message) throw new Error(`${who}: ${message}`, { cause: error });
      throw error;
    }
  };
  const rng = samples > 0 ? rngFrom(opts, who) : null;
  const trainKernel = kernel(xTrain);
  const posterior = asStudy("gaussianProcessPosterior", () =>
    gaussianProcessPosterior(trainKernel, yTrain, kernel(grid, xTrain), kernel(grid), { noise }),
  );
  const { lower, upper } = renamed(who, "standardDeviationBand", () =>
    standardDeviationBand(posterior.mean, posterior.variance, width),
  );
  const draws = rng ? posterior.sample(samples, { rng }) : [];
  const atTrain = asStudy("gaussianProcessPosterior", () =>
    gaussianProcessPosterior(trainKernel, yTrain, trainKernel, trainKernel, { noise }),
  );
  const fit = asStudy("kernelRegression", () => kernelRegression(trainKernel, yTrain, { ridge: noise }));
  return {
    kernel: kernel.name,
    posterior,
    lower,
    upper,
    draws,
    trainMaxStd: Math.sqrt(Math.max(...atTrain.variance)),
    testMse: asStudy("meanSquaredError", () => meanSquaredError(fit.predict(kernel(xTest, xTrain)), yTest)),
  };
}
