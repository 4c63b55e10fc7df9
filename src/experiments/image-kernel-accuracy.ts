/**
 * NTK and NNGP regression on images by depth (notebook 08; Problem Set 4, problem 6): for each seed, a
 * seeded train / test split of the images of the chosen classes, one-hot targets, the kernels of every depth
 * of a fully connected network in one pass (kernelsByDepth), kernel regression with a ridge relative to the
 * kernel's scale, and the test accuracy of the largest output; then the accuracies summarized over seeds.
 */
import type { Matrix } from "ml-matrix";
import { kernelsByDepth } from "../kernels/ntk";
import { imagePoints, oneHot, selectClasses, splitImages, type ImageSet } from "../images/image-set";
import { checkArchitecture, type Architecture } from "../layers";
import { multiOutputKernelRegression } from "../regression/kernel-regression";
import { checkProgress, type ProgressStart } from "../training/train";
import {
  checkDistinct,
  checkInteger,
  checkNonNegative,
  checkNumberList,
  checkOptionKeys,
  describeValue,
  renamed,
  requiredObject,
  checkSeeds,
} from "../validate";

export type ImageKernel = "ntk" | "nngp";

export interface ImageKernelOptions {
  /** The classes to tell apart: at least 2 distinct labels in 0..9. */
  classes: readonly number[];
  /** Training and test images per seed (integers >= 1; train + test at most the images of these classes). */
  train: number;
  test: number;
  /** One split per seed (integers >= 0). */
  seeds: readonly number[];
  /** Ridge relative to the mean diagonal of the training kernel: (K + ridge mean(K_ii) I) alpha = Y; >= 0. */
  ridge: number;
  /** Depths (hidden layers) to evaluate, each in 1 .. L of arch; default every one. */
  depths?: readonly number[];
  /** The kernels; default both, ["ntk", "nngp"]. */
  kernels?: readonly ImageKernel[];
  /** imagePoints' preprocessing: "centred-unit" (default: inputs on the unit sphere) or "raw". */
  preprocess?: "centred-unit" | "raw";
  /** A progress display such as lab.progress (ticked per seed and kernel), or false / left out for none. */
  progress?: ProgressStart | false;
}

/** One kernel at one depth on one split. */
export interface ImageKernelRun {
  seed: number;
  kernel: ImageKernel;
  depth: number;
  /** Fraction of test images whose largest output is their class. */
  accuracy: number;
  train: number;
  test: number;
}

/**
 * The test accuracy of NTK and NNGP regression with the kernels of `arch` (an mlp architecture; its depth L
 * is the largest depth) cut after each of options.depths hidden layers, on `set` (an ImageSet, e.g.
 * loadMnistDigits() or its downsample2x), for every seed; runs ordered seed, kernel, depth.
 */
export function imageKernelAccuracy(
  arch: Architecture,
  set: ImageSet,
  options: ImageKernelOptions,
): ImageKernelRun[] {
  const who = "imageKernelAccuracy";
  checkArchitecture(who, arch);
  const opts = requiredObject(who, "options", options, "{ classes, train, test, seeds, ridge }");
  checkOptionKeys(who, opts, [
    "classes",
    "train",
    "test",
    "seeds",
    "ridge",
    "depths",
    "kernels",
    "preprocess",
    "progress",
  ]);
  const L = arch.activations.length;
  const { classes, train, test, seeds, ridge, preprocess } = opts;
  checkClasses(who, classes);
  checkInteger(who, "train", train, 1);
  checkInteger(who, "test", test, 1);
  const seedList = checkSeeds(who, seeds, " (one split each)");
  checkNonNegative(who, "ridge", ridge);
  const depths = Array.from(
    checkNumberList(who, "depths", opts.depths ?? Array.from({ length: L }, (_, l) => l + 1), { min: 1 }),
  );
  depths.forEach((d, i) => checkInteger(who, `depths[${i}]`, d, 1, L));
  checkDistinct(who, "depths", depths);
  const kernels = opts.kernels ?? (["ntk", "nngp"] as const);
  if (!Array.isArray(kernels) || kernels.length === 0 || kernels.some((k) => k !== "ntk" && k !== "nngp")) {
    throw new Error(
      `${who}: kernels must be a non-empty array of "ntk" and "nngp", got ${describeValue(kernels)}`,
    );
  }
  checkDistinct(who, "kernels", kernels);
  const progress = checkProgress(who, opts.progress ?? false);
  const chosen = classImages(who, set, classes, { train, test });
  const bar = progress ? progress(seedList.length * kernels.length, "kernel regression on images") : null;
  const runs: ImageKernelRun[] = [];
  for (const seed of seedList) {
    const split = renamed(who, "splitImages", () => splitImages(chosen, { train, test, seed }));
    const X = renamed(who, "imagePoints", () => imagePoints(split.train, { preprocess }));
    const Xtest = renamed(who, "imagePoints", () => imagePoints(split.test, { preprocess }));
    const Y = oneHot(split.train.labels, classes);
    for (const kernel of kernels) {
      const trainKernels = kernelsByDepth(arch, X, undefined, { get: kernel });
      const testKernels = kernelsByDepth(arch, Xtest, X, { get: kernel });
      for (const depth of depths) {
        const accuracy = testAccuracy(
          who,
          trainKernels[depth - 1],
          Y,
          testKernels[depth - 1],
          split.test.labels,
          classes,
          ridge,
        );
        runs.push({ seed, kernel, depth, accuracy, train, test });
      }
      bar?.tick();
    }
  }
  bar?.done();
  return runs;
}

/** classes checked: an array of at least 2 labels (selectClasses checks each label). */
export function checkClasses(who: string, classes: unknown): void {
  if (!Array.isArray(classes) || classes.length < 2) {
    throw new Error(
      `${who}: classes must be an array of at least 2 labels in 0..9, got ${describeValue(classes)}`,
    );
  }
}

/**
 * The images of `classes` in set, in selectClasses' order for seed 0 (the drivers' splits draw from it),
 * refusing fewer images than the counts add up to: counts names them, e.g. { train, test } gives the
 * Error "train + test must be at most the 2000 images of classes 0, 1, got 1500 + 600 = 2100".
 */
export function classImages(
  who: string,
  set: ImageSet,
  classes: readonly number[],
  counts: Record<string, number>,
): ImageSet {
  const chosen = renamed(who, "selectClasses", () => selectClasses(set, classes, { seed: 0 }));
  const values = Object.values(counts);
  const total = values.reduce((a, b) => a + b, 0);
  if (total > chosen.n) {
    const got = values.length > 1 ? `${values.join(" + ")} = ${total}` : String(total);
    throw new Error(
      `${who}: ${Object.keys(counts).join(" + ")} must be at most the ${chosen.n} images of classes ${classes.join(", ")}, got ${got}`,
    );
  }
  return chosen;
}

/**
 * The test accuracy of kernel regression on one-hot targets Y (train x classes) with the training kernel K,
 * a ridge relative to K's mean diagonal, (K + ridge mean(K_ii) I) alpha = Y, and the test kernel Ktest
 * (test x train): the fraction of test images whose largest output is their label (a tie goes to the class
 * listed first).
 */
export function testAccuracy(
  who: string,
  K: Matrix,
  Y: Matrix,
  Ktest: Matrix,
  labels: Int32Array,
  classes: readonly number[],
  ridge: number,
): number {
  let trace = 0;
  for (let i = 0; i < K.rows; i++) trace += K.get(i, i);
  const model = renamed(who, "multiOutputKernelRegression", () =>
    multiOutputKernelRegression(K, Y, { ridge: (ridge * trace) / K.rows }),
  );
  return classAccuracy(who, model.predict(Ktest), labels, classes);
}

/**
 * The share of rows of `outputs` (m x c, one column per class of `classes`) whose largest entry (the first
 * of equal ones) is the column of its label; a row that is not finite is an Error naming `who`.
 */
export function classAccuracy(
  who: string,
  outputs: Matrix,
  labels: Int32Array,
  classes: readonly number[],
): number {
  let correct = 0;
  for (let i = 0; i < outputs.rows; i++) {
    const row = outputs.getRow(i);
    const best = row.indexOf(Math.max(...row));
    if (best < 0)
      throw new Error(`${who}: the prediction for test image ${i} is not finite (${row.join(", ")})`);
    if (classes[best] === labels[i]) correct++;
  }
  return correct / outputs.rows;
}

/** The accuracies of one kernel and depth over the seeds. */
export interface AccuracySummary<K extends string = ImageKernel> {
  kernel: K;
  depth: number;
  seeds: number;
  /** Mean accuracy over the seeds. */
  mean: number;
  /** Sample standard deviation over the seeds (0 for one seed). */
  spread: number;
  min: number;
  max: number;
  /** sqrt(mean (1 - mean) / test): the binomial standard error of one split's accuracy. */
  standardError: number;
}

/**
 * imageKernelAccuracy's runs summarized by kernel, depth and split sizes (runs of other sizes are other
 * groups), in the order they first appear. Each run's accuracy must lie in [0, 1], its test size be an
 * integer >= 1, and a group hold each seed once.
 */
export function summarizeAccuracy<K extends string = ImageKernel>(
  runs: readonly (Omit<ImageKernelRun, "kernel"> & { kernel: K })[],
): AccuracySummary<K>[] {
  const who = "summarizeAccuracy";
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new Error(
      `${who}: runs must be a non-empty array of imageKernelAccuracy runs, got ${describeValue(runs)}`,
    );
  }
  runs.forEach((r: unknown, i) => {
    const run = (r ?? {}) as Partial<ImageKernelRun>;
    if (
      typeof r !== "object" ||
      r === null ||
      !(typeof run.accuracy === "number" && run.accuracy >= 0 && run.accuracy <= 1)
    ) {
      throw new Error(
        `${who}: runs[${i}] must be a run with an accuracy in [0, 1], got ${describeValue(run.accuracy ?? r)}`,
      );
    }
    checkInteger(who, `runs[${i}].test`, run.test as number, 1);
  });
  const keyOf = (r: (typeof runs)[number]) => `${r.kernel} ${r.depth} ${r.train} ${r.test}`;
  checkDistinct(
    who,
    "runs",
    runs.map((r) => `${keyOf(r)} seed ${r.seed}`),
    " (one per kernel, depth, train and test size, and seed)",
  );
  const keys = [...new Set(runs.map(keyOf))];
  return keys.map((key) => {
    const these = runs.filter((r) => keyOf(r) === key);
    const values = these.map((r) => r.accuracy);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const spread =
      values.length > 1
        ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1))
        : 0;
    return {
      kernel: these[0].kernel,
      depth: these[0].depth,
      seeds: values.length,
      mean,
      spread,
      min: Math.min(...values),
      max: Math.max(...values),
      standardError: Math.sqrt((mean * (1 - mean)) / these[0].test),
    };
  });
}
