/**
 * Wide networks are kernel machines (notebook 06; Problem Set 4, problem 3; Arora et al. 2019): for every
 * hidden width and seed, a network trained by full-batch gradient descent against the kernel predictions
 * of its own empirical NTK at initialization, with and without its initial function f0, the linear model at
 * the network's stopping step, the same comparison for the network whose output is scaled by a small kappa
 * (Arora et al.'s set-up, where f0 vanishes), and how far the weights and the kernel moved.
 */
import { Matrix } from "ml-matrix";
import { relativeError } from "../kernels/convergence";
import { empiricalNtk } from "../kernels/empirical";
import { checkArchitecture, mlp, type Architecture } from "../layers";
import { network, type Network } from "../network";
import { gradientDescentDynamics } from "../regression/dynamics";
import { kernelRegression } from "../regression/kernel-regression";
import { meanSquare } from "../regression/mean-squared-error";
import { stableLearningRate } from "../training/guard";
import { train, checkProgress, type ProgressStart } from "../training/train";
import {
  checkInRange,
  checkInteger,
  checkNumberList,
  checkOptionKeys,
  checkPositive,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";

/** Training and test data: X (n x d) and Xtest (m x d) as matrices, y (n) and yTest (m) the targets. */
export interface WideNetworkData {
  X: Matrix;
  y: readonly number[];
  Xtest: Matrix;
  yTest: readonly number[];
}

export interface WideNetworkGapOptions {
  /** Hidden widths k (integers >= 1), in the order the runs are made. */
  widths: readonly number[];
  /** Network initializations per width (integers >= 0). */
  seeds: readonly number[];
  /** Train until the training MSE (1/n) sum (f - y)^2 is below this (> 0). */
  targetMse: number;
  /** Step budget per training run (an integer >= 1); a run that misses targetMse is an Error. */
  maxSteps: number;
  /** The learning rate as a fraction in (0, 1) of the stability bound 2 n / lambda_max. */
  rateFraction: number;
  /** Output scale of the kappa-scaled network, in [1e-8, 1]: its output layer's weightStd times kappa. */
  kappa: number;
  /** A progress display such as lab.progress (ticked once per run), or false / left out for none. */
  progress?: ProgressStart | false;
}

/** One trained network (width, seed). Every gap is a mean squared difference on the test points. */
export interface WideNetworkRun {
  width: number;
  seed: number;
  /** Gradient-descent steps to reach the target training MSE. */
  steps: number;
  /** The training MSE at the last step. */
  trainMse: number;
  /** Kernel regression on y - f0 plus f0 (the empirical NTK at initialization) against the trained net. */
  gap: number;
  /** The linear model (gradient descent on the same kernel from f0) at the network's own step count. */
  gapSameStep: number;
  /** Kernel regression on y alone (f0 left out) against the trained net. */
  gapWithoutF0: number;
  /** ||theta_T - theta_0|| / ||theta_0||. */
  weightChange: number;
  /** ||K_T - K_0||_F / ||K_0||_F of the empirical NTK on the training points. */
  kernelChange: number;
  /** rateFraction times the stability bound. */
  learningRate: number;
  /** The trained net's test MSE against yTest. */
  testMseNet: number;
  /** Kernel regression on y alone against the trained kappa-scaled net. */
  gapKappa: number;
}

/**
 * The runs of every (width, seed), widths outer, of a one-output network of `arch` (an mlp architecture) on
 * `data`; the kappa-scaled network has the same weights but its output layer's weightStd times kappa.
 */
export function wideNetworkGaps(
  arch: Architecture,
  data: WideNetworkData,
  options: WideNetworkGapOptions,
): WideNetworkRun[] {
  const who = "wideNetworkGaps";
  checkArchitecture(who, arch);
  const { X, y, Xtest, yTest } = requiredObject(who, "data", data, "{ X, y, Xtest, yTest }");
  const opts = requiredObject(
    who,
    "options",
    options,
    "{ widths, seeds, targetMse, maxSteps, rateFraction, kappa }",
  );
  checkOptionKeys(who, opts, [
    "widths",
    "seeds",
    "targetMse",
    "maxSteps",
    "rateFraction",
    "kappa",
    "progress",
  ]);
  const { widths, seeds, targetMse, maxSteps, rateFraction, kappa, progress = false } = opts;
  const widthList = Array.from(checkNumberList(who, "widths", widths, { min: 1 }));
  widthList.forEach((k, i) => checkInteger(who, `widths[${i}]`, k, 1));
  const seedList = Array.from(checkNumberList(who, "seeds", seeds, { min: 1 }));
  seedList.forEach((s, i) => checkInteger(who, `seeds[${i}]`, s, 0));
  checkPositive(who, "targetMse", targetMse);
  checkInteger(who, "maxSteps", maxSteps, 1);
  checkInRange(who, "rateFraction", rateFraction, 0, 1, { hiInclusive: false });
  // Below 1e-8 the kappa-scaled kernel (kappa^2 times the net's) nears the smallest doubles' range.
  checkInRange(who, "kappa", kappa, 1e-8, 1, { loInclusive: true });
  checkProgress(who, progress);
  for (const [name, value] of [
    ["X", X],
    ["Xtest", Xtest],
  ] as const) {
    if (!(value instanceof Matrix) || value.rows < 1 || value.columns !== (X as Matrix).columns) {
      throw new Error(
        `${who}: data.${name} must be a Matrix of at least one point (a row each)` +
          `${name === "Xtest" ? " with as many columns as data.X" : ""}, got ${describeValue(value)}`,
      );
    }
  }
  checkNumberList(who, "y", y, { length: X.rows, lengthRule: " (one per row of data.X)" });
  checkNumberList(who, "yTest", yTest, { length: Xtest.rows, lengthRule: " (one per row of data.Xtest)" });
  const L = arch.activations.length;
  const weightStd = Array.from(arch.weightStd, (s, l) => (l === L ? s * kappa : s));
  const archKappa = mlp(arch.activations, { weightStd, biasStd: Array.from(arch.biasStd) });
  const n = X.rows;
  const m = Xtest.rows;
  const trainTo = (net: Network, what: string, width: number, seed: number) => {
    const learningRate = rateFraction * stableLearningRate(net, X).maxLearningRate;
    // The trainer's loss is L = (1/(2n)) sum (f - y)^2, half the training MSE.
    const result = train(net, X, y, {
      steps: maxSteps,
      learningRate,
      targetLoss: targetMse / 2,
      progress: false,
    });
    if (result.stopReason === "diverged") {
      throw new Error(
        `${who}: rateFraction must be smaller for the ${what} of width ${width}, seed ${seed}, which ` +
          `diverged at rateFraction = ${rateFraction}: ${result.message}`,
      );
    }
    if (result.stopReason !== "target") {
      throw new Error(
        `${who}: maxSteps must be large enough for the ${what} of width ${width}, seed ${seed} to reach ` +
          `targetMse = ${targetMse}: ${result.message}`,
      );
    }
    return { result, learningRate };
  };
  // Predictions of a trained net and its kernel models differ by far less than 1e154.
  const gapOf = (f: ArrayLike<number>, g: ArrayLike<number>) =>
    meanSquare(who, f, g, { rule: "y must be smaller", advice: "scale y and yTest down" });
  const testInputs = Float64Array.from(Xtest.to1DArray());
  const trainInputs = Float64Array.from(X.to1DArray());
  const bar = progress ? progress(widthList.length * seedList.length, "widths x seeds") : null;
  const runs: WideNetworkRun[] = [];
  for (const width of widthList) {
    for (const seed of seedList) {
      const net = renamed(who, "network", () => network(arch, { inputDim: X.columns, width, seed }));
      const theta0 = Float64Array.from(net.params);
      const f0Train = net.predict(trainInputs, n);
      const f0Test = net.predict(testInputs, m);
      const K = empiricalNtk(net, X);
      const Kt = empiricalNtk(net, Xtest, X);
      const adjusted = kernelRegression(
        K,
        y.map((v, i) => v - f0Train[i]),
      );
      const withF0 = adjusted.predict(Kt).map((v, i) => v + f0Test[i]);
      const withoutF0 = kernelRegression(K, y).predict(Kt);
      const { result, learningRate } = trainTo(net, "network", width, seed);
      const trained = net.predict(testInputs, m);
      const netKappa = network(archKappa, { inputDim: X.columns, width, seed });
      const KKappa = empiricalNtk(netKappa, X);
      const withoutF0Kappa = kernelRegression(KKappa, y).predict(empiricalNtk(netKappa, Xtest, X));
      trainTo(netKappa, "kappa-scaled network", width, seed);
      const sameStep = gradientDescentDynamics(K, y, { eta: learningRate, initial: f0Train }).predict(
        result.steps,
        Kt,
        f0Test,
      );
      runs.push({
        width,
        seed,
        steps: result.steps,
        trainMse: 2 * result.losses[result.losses.length - 1],
        gap: gapOf(withF0, trained),
        gapSameStep: gapOf(sameStep, trained),
        gapWithoutF0: gapOf(withoutF0, trained),
        weightChange: relativeError(net.params, theta0),
        kernelChange: relativeError(empiricalNtk(net, X).to1DArray(), K.to1DArray()),
        learningRate,
        testMseNet: gapOf(trained, yTest),
        gapKappa: gapOf(withoutF0Kappa, netKappa.predict(testInputs, m)),
      });
      bar?.tick();
    }
  }
  bar?.done();
  return runs;
}

/** The mean, smallest and largest of one quantity of the runs of a width, over its seeds. */
export interface WidthSummary {
  width: number;
  mean: number;
  min: number;
  max: number;
}

/** Keys of WideNetworkRun that are measurements, summarized by width. */
export type WideNetworkQuantity = Exclude<keyof WideNetworkRun, "width" | "seed">;

const QUANTITIES: readonly WideNetworkQuantity[] = [
  "steps",
  "trainMse",
  "gap",
  "gapSameStep",
  "gapWithoutF0",
  "weightChange",
  "kernelChange",
  "learningRate",
  "testMseNet",
  "gapKappa",
];

/**
 * For each width of `widths` (in that order), the mean (summed in run order), min and max of runs' `key`
 * over the runs of that width.
 */
export function summarizeByWidth(
  runs: readonly WideNetworkRun[],
  widths: readonly number[],
  key: WideNetworkQuantity,
): WidthSummary[] {
  const who = "summarizeByWidth";
  if (!Array.isArray(runs)) {
    throw new Error(`${who}: runs must be an array of wideNetworkGaps runs, got ${describeValue(runs)}`);
  }
  if (!QUANTITIES.includes(key)) {
    throw new Error(`${who}: key must be one of ${QUANTITIES.join(", ")}, got ${describeValue(key)}`);
  }
  return widths.map((width) => {
    const values = runs.filter((r) => r.width === width).map((r) => r[key]);
    if (values.length === 0) {
      throw new Error(`${who}: widths must be widths of the runs, got ${width}, which no run has`);
    }
    return {
      width,
      mean: values.reduce((a, b) => a + b, 0) / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
    };
  });
}
