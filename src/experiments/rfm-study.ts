/**
 * Recursive feature machines on images (notebook 12; Problem Set 4, problem 9; Radhakrishnan, Beaglehole,
 * Pandit & Belkin 2024): one seeded train / test split of the images of the chosen classes (the split
 * imageKernelAccuracy draws), one-hot targets, rfm with and without centering, and after every fit its test
 * accuracy; what each learned M looks like (its diagonal, its top eigenvalues, the top eigenvectors of the
 * last); and, on the same split, the accuracy of the kernels the lab already has (the NTK, the CNTK) for
 * comparison. Fit 0 of every rfm is plain Laplace kernel regression (M = I): the baseline the iterations
 * start from. Everything returned is plain data (numbers, booleans, typed arrays), so lab.memo can keep it.
 */
import { performance } from "perf_hooks";
import type { Matrix } from "ml-matrix";
import { relu } from "../activations";
import {
  downsample2x,
  imagePoints,
  oneHot,
  preprocessImages,
  splitImages,
  type ImageSet,
} from "../images/image-set";
import { cntk } from "../kernels/cntk";
import { ntk } from "../kernels/ntk";
import { mlp } from "../layers";
import { rfm } from "../regression/rfm";
import { eigenvalues, eigh } from "../spectrum/eigen";
import {
  checkBoolean,
  checkDistinct,
  checkInteger,
  checkNonNegative,
  checkOptionKeys,
  checkPositive,
  checkProgress,
  describeValue,
  renamed,
  requiredObject,
  type ProgressStart,
} from "../validate";
import { IMAGE_KERNEL_NAMES, convNet, type ImageKernelName } from "./cntk-accuracy";
import { checkClasses, classAccuracy, classImages, testAccuracy } from "./image-kernel-accuracy";

export interface RfmStudyOptions {
  /** The classes to tell apart: at least 2 distinct labels in 0..9. */
  classes: readonly number[];
  /** Training and test images of the split (integers >= 1; train + test at most the images of these classes). */
  train: number;
  test: number;
  /** The split's seed (an integer >= 0). */
  seed: number;
  /** Updates of M (rfm's iterations, an integer >= 0): iterations + 1 fits per centering. */
  iterations: number;
  /** The Laplace kernel's bandwidth L > 0. */
  bandwidth: number;
  /** rfm's ridge >= 0 (absolute: K_M has 1 on its diagonal). */
  ridge: number;
  /** The rfm runs, one per entry: without (false) and with (true) centering; default [false, true]. */
  centerings?: readonly boolean[];
  /** Learn a diagonal M (rfm's diagonal; default false). */
  diagonal?: boolean;
  /** rfm's agopPoints (default 20000: every training point at these sizes). */
  agopPoints?: number;
  /** Top eigenvectors kept of each run's last M (an integer >= 0, at most the pixels; default 4, or the pixels if fewer). */
  eigenvectors?: number;
  /** Top eigenvalues kept of every learned M (an integer >= 1, at most the pixels; default 50, or the pixels if fewer). */
  spectrum?: number;
  /** imagePoints' preprocessing: "raw" (default, pixels in [0, 1] as the authors') or "centred-unit". */
  preprocess?: "raw" | "centred-unit";
  /** A progress display such as lab.progress (one tick per fit), or false / left out for none. */
  progress?: ProgressStart | false;
}

/** One fit of one rfm run. */
export interface RfmStudyFit {
  centering: boolean;
  /** 0: plain Laplace kernel regression (M = I); t: the fit after t updates of M. */
  iteration: number;
  /** Fraction of test images whose largest output is their class. */
  accuracy: number;
  /** Mean over test images and classes of (f_c(x) - y_c)^2, y the one-hot target. */
  testMse: number;
  /** Seconds since the previous fit's evaluation (the AGOP, the solve and the test predictions). */
  seconds: number;
  train: number;
  test: number;
}

/** A learned M (fits 1 .. iterations; fit 0's is the identity). */
export interface RfmStudyMetric {
  centering: boolean;
  iteration: number;
  /** M's diagonal, one entry per pixel in the images' row-major order. */
  diagonal: Float64Array;
  /** M's largest eigenvalues, descending (options.spectrum of them). */
  eigenvalues: Float64Array;
  /** M's trace (the sum of all its eigenvalues). */
  trace: number;
}

/** An eigenvector of a run's last M, signed so that its entry of largest magnitude is positive. */
export interface RfmStudyVector {
  centering: boolean;
  /** 1 for the top eigenvector. */
  rank: number;
  eigenvalue: number;
  vector: Float64Array;
}

export interface RfmStudy {
  fits: RfmStudyFit[];
  metrics: RfmStudyMetric[];
  eigenvectors: RfmStudyVector[];
  /** The images' shape: the vectors and diagonals are height x width x channels, row-major. */
  height: number;
  width: number;
  channels: number;
}

export type RfmBaselineKernel = ImageKernelName;

export interface RfmBaselineOptions {
  /** The split, as rfmStudy's: the same classes, sizes and seed give the same images. */
  classes: readonly number[];
  train: number;
  test: number;
  seed: number;
  /** Ridge relative to the mean diagonal of the training kernel, >= 0 (as imageKernelAccuracy's). */
  ridge: number;
  /** Default ["NTK", "CNTK-V"] (CNTK-GAP costs the image's pixels times CNTK-V's work). */
  kernels?: readonly RfmBaselineKernel[];
  /** Hidden layers of the NTK's ReLU network and conv layers of the CNTK's (an integer >= 1; default 1). */
  depth?: number;
  /** How many times the CNTK's images are 2 x 2 averaged first (an integer >= 0; default 1: 28 x 28 to 14 x 14). */
  cntkDownsample?: number;
  /** A progress display such as lab.progress (the CNTK's), or false / left out for none. */
  progress?: ProgressStart | false;
}

export interface RfmBaselineRun {
  kernel: RfmBaselineKernel;
  depth: number;
  accuracy: number;
  /** Seconds for the kernel matrices and the solve. */
  seconds: number;
  /** The size of the images the kernel saw. */
  height: number;
  width: number;
  train: number;
  test: number;
}

/** The split both functions draw: imageKernelAccuracy's (classImages, then splitImages). */
function studySplit(
  who: string,
  set: ImageSet,
  classes: readonly number[],
  train: number,
  test: number,
  seed: number,
): { train: ImageSet; test: ImageSet } {
  checkClasses(who, classes);
  checkInteger(who, "train", train, 1);
  checkInteger(who, "test", test, 1);
  checkInteger(who, "seed", seed, 0, 2 ** 53);
  const chosen = classImages(who, set, classes, { train, test });
  return renamed(who, "splitImages", () => splitImages(chosen, { train, test, seed }));
}

/** A short array by its entries, anything else as describeValue says it. */
const listed = (value: unknown): string =>
  Array.isArray(value) && value.length <= 8
    ? `[${value.map((v) => describeValue(v)).join(", ")}]`
    : describeValue(value);

function meanSquaredError(outputs: Matrix, targets: Matrix): number {
  let sum = 0;
  for (let i = 0; i < outputs.rows; i++) {
    for (let c = 0; c < outputs.columns; c++) sum += (outputs.get(i, c) - targets.get(i, c)) ** 2;
  }
  return sum / (outputs.rows * outputs.columns);
}

/** The vector with its sign chosen so that its entry of largest magnitude is positive (eigenvectors have no sign). */
function signed(v: Float64Array): Float64Array {
  let at = 0;
  for (let k = 1; k < v.length; k++) if (Math.abs(v[k]) > Math.abs(v[at])) at = k;
  return v[at] < 0 ? v.map((x) => -x) : v;
}

/**
 * Recursive feature machines on `set` (an ImageSet, e.g. loadMnistDigits()): for each of
 * options.centerings, rfm on the split's training images (one-hot targets, bandwidth, ridge and iterations
 * as given) and after every fit its test accuracy; then each learned M's diagonal and top eigenvalues and
 * the top eigenvectors of each run's last M. Fits are ordered by centering as listed, then iteration.
 */
export function rfmStudy(set: ImageSet, options: RfmStudyOptions): RfmStudy {
  const who = "rfmStudy";
  const opts = requiredObject(
    who,
    "options",
    options,
    "{ classes, train, test, seed, iterations, bandwidth, ridge }",
  );
  checkOptionKeys(who, opts, [
    "classes",
    "train",
    "test",
    "seed",
    "iterations",
    "bandwidth",
    "ridge",
    "centerings",
    "diagonal",
    "agopPoints",
    "eigenvectors",
    "spectrum",
    "preprocess",
    "progress",
  ]);
  const { classes, train, test, seed, iterations, bandwidth, ridge } = opts;
  const split = studySplit(who, set, classes, train, test, seed);
  checkInteger(who, "iterations", iterations, 0);
  checkPositive(who, "bandwidth", bandwidth);
  checkNonNegative(who, "ridge", ridge);
  const centerings = opts.centerings ?? [false, true];
  if (
    !Array.isArray(centerings) ||
    centerings.length === 0 ||
    centerings.some((c) => typeof c !== "boolean")
  ) {
    throw new Error(
      `${who}: centerings must be a non-empty array of booleans (false: no centering, true: centering), got ${listed(centerings)}`,
    );
  }
  checkDistinct(who, "centerings", centerings);
  const diagonal = checkBoolean(who, "diagonal", opts.diagonal ?? false);
  const pixels = set.height * set.width * set.channels;
  const { eigenvectors = Math.min(4, pixels), spectrum = Math.min(50, pixels), agopPoints = 20000 } = opts;
  checkInteger(who, "eigenvectors", eigenvectors, 0, pixels);
  checkInteger(who, "spectrum", spectrum, 1, pixels);
  checkInteger(who, "agopPoints", agopPoints, 1);
  const preprocess = opts.preprocess ?? "raw";
  if (preprocess !== "raw" && preprocess !== "centred-unit") {
    throw new Error(`${who}: preprocess must be "raw" or "centred-unit", got ${describeValue(preprocess)}`);
  }
  const progress = checkProgress(who, opts.progress ?? false);
  const X = renamed(who, "imagePoints", () => imagePoints(split.train, { preprocess }));
  const Xtest = renamed(who, "imagePoints", () => imagePoints(split.test, { preprocess }));
  const Y = oneHot(split.train.labels, classes);
  const Ytest = oneHot(split.test.labels, classes);
  const fits: RfmStudyFit[] = [];
  const metrics: RfmStudyMetric[] = [];
  const vectors: RfmStudyVector[] = [];
  for (const centering of centerings) {
    let last = performance.now();
    const machine = renamed(who, "rfm", () =>
      rfm(X, Y, {
        iterations,
        bandwidth,
        ridge,
        centering,
        diagonal,
        agopPoints,
        progress: progress
          ? (total: number, label: string) =>
              progress(total, `${label}, ${centering ? "centering" : "no centering"}`)
          : false,
        evaluate: (iteration, predictor) => {
          const outputs = predictor.predict(Xtest);
          const now = performance.now();
          fits.push({
            centering,
            iteration,
            accuracy: classAccuracy(who, outputs, split.test.labels, classes),
            testMse: meanSquaredError(outputs, Ytest),
            seconds: (now - last) / 1000,
            train,
            test,
          });
          last = now;
          return null;
        },
      }),
    );
    machine.Ms.forEach((M, iteration) => {
      if (iteration === 0) return;
      const diag = Float64Array.from({ length: pixels }, (_, k) => M.get(k, k));
      metrics.push({
        centering,
        iteration,
        diagonal: diag,
        eigenvalues: renamed(who, "eigenvalues", () => eigenvalues(M, { top: spectrum })),
        trace: diag.reduce((a, b) => a + b, 0),
      });
    });
    if (iterations > 0 && eigenvectors > 0) {
      const system = renamed(who, "eigh", () => eigh(machine.M, { top: eigenvectors }));
      for (let r = 0; r < eigenvectors; r++) {
        vectors.push({
          centering,
          rank: r + 1,
          eigenvalue: system.values[r],
          vector: signed(Float64Array.from(system.vectors.getColumn(r))),
        });
      }
    }
  }
  return {
    fits,
    metrics,
    eigenvectors: vectors,
    height: set.height,
    width: set.width,
    channels: set.channels,
  };
}

/**
 * The accuracy of kernel regression with the lab's NTK (a fully connected ReLU network of options.depth
 * hidden layers, on the images centred and scaled to unit norm) and CNTK (options.depth 3 x 3 ReLU conv
 * layers with flatten or global average pooling, on the images 2 x 2 averaged options.cntkDownsample
 * times, centred, unit norm) on rfmStudy's split: one-hot targets, a ridge relative to the mean diagonal,
 * the class of the largest output. Runs in the order of options.kernels.
 */
export function rfmBaselines(set: ImageSet, options: RfmBaselineOptions): RfmBaselineRun[] {
  const who = "rfmBaselines";
  const opts = requiredObject(who, "options", options, "{ classes, train, test, seed, ridge }");
  checkOptionKeys(who, opts, [
    "classes",
    "train",
    "test",
    "seed",
    "ridge",
    "kernels",
    "depth",
    "cntkDownsample",
    "progress",
  ]);
  const { classes, train, test, seed, ridge } = opts;
  const split = studySplit(who, set, classes, train, test, seed);
  checkNonNegative(who, "ridge", ridge);
  const kernels = opts.kernels ?? (["NTK", "CNTK-V"] as const);
  if (
    !Array.isArray(kernels) ||
    kernels.length === 0 ||
    kernels.some((k) => !IMAGE_KERNEL_NAMES.includes(k))
  ) {
    throw new Error(
      `${who}: kernels must be a non-empty array of "NTK", "CNTK-V" and "CNTK-GAP", got ${listed(kernels)}`,
    );
  }
  checkDistinct(who, "kernels", kernels);
  const { depth = 1, cntkDownsample = 1 } = opts;
  checkInteger(who, "depth", depth, 1, 100);
  checkInteger(who, "cntkDownsample", cntkDownsample, 0, 10);
  const progress = checkProgress(who, opts.progress ?? false);
  const Y = oneHot(split.train.labels, classes);
  const runs: RfmBaselineRun[] = [];
  for (const kernel of kernels) {
    const start = performance.now();
    let K: Matrix;
    let Ktest: Matrix;
    let shape: ImageSet;
    if (kernel === "NTK") {
      const arch = mlp(new Array(depth).fill(relu));
      const X = imagePoints(split.train);
      K = ntk(arch, X);
      Ktest = ntk(arch, imagePoints(split.test), X);
      shape = split.train;
    } else {
      let trainImages = split.train;
      let testImages = split.test;
      for (let k = 0; k < cntkDownsample; k++) {
        if (trainImages.height < 2 || trainImages.width < 2) {
          throw new Error(
            `${who}: cntkDownsample = ${cntkDownsample} halves the ${set.height} x ${set.width} images below one pixel`,
          );
        }
        trainImages = downsample2x(trainImages);
        testImages = downsample2x(testImages);
      }
      const arch = convNet(depth, kernel === "CNTK-V" ? "flatten" : "globalAveragePool");
      const Xtrain = renamed(who, "preprocessImages", () => preprocessImages(trainImages));
      const Xtest = renamed(who, "preprocessImages", () => preprocessImages(testImages));
      K = cntk(arch, Xtrain, undefined, { progress });
      Ktest = cntk(arch, Xtest, Xtrain, { progress });
      shape = trainImages;
    }
    const accuracy = testAccuracy(who, K, Y, Ktest, split.test.labels, classes, ridge);
    runs.push({
      kernel,
      depth,
      accuracy,
      seconds: (performance.now() - start) / 1000,
      height: shape.height,
      width: shape.width,
      train,
      test,
    });
  }
  return runs;
}
