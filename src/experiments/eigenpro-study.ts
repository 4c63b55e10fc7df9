/**
 * EigenPro against plain kernel gradient descent on images (notebook 11; Problem Set 4, problem 7b; Ma &
 * Belkin 2019): for one kernel and a train / validation / test split, eigenPro with its defaults (the
 * paper's q, batch and step) and with q = 0 and batchSize = n (plain gradient descent on K alpha = Y, step
 * about 2 / lambda_1), recording after every epoch the validation and test accuracy (from the cross kernels
 * K(validation, train), K(test, train), computed once), the training MSE and the epoch's wall time; the
 * epoch of best validation accuracy (early stopping) against the last; and the exact interpolant
 * (multiOutputKernelRegression on K(train, train), ridge 0), the point both iterations converge to.
 * eigenProByDepth does this for the CNTK of every depth on Gram matrices computed once (cntkByDepth over
 * the split's images), through the precomputed-matrix route of eigenPro (1-D points holding indices).
 * Everything returned is plain data (numbers, strings, arrays, null), so lab.memo can keep it.
 */
import { performance } from "perf_hooks";
import { Matrix } from "ml-matrix";
import { oneHot, preprocessImages, splitImages, type ImageSet } from "../images/image-set";
import { cntkByDepth } from "../kernels/cntk";
import { readPoints, type PointsInput } from "../kernels/points";
import { eigenPro, kernelBlock, type EigenPro, type EigenProOptions } from "../regression/eigenpro";
import type { ConvImages } from "../kernels/cntk";
import { multiOutputKernelRegression } from "../regression/kernel-regression";
import {
  checkBoolean,
  checkDistinct,
  checkFunction,
  checkInteger,
  checkOptionKeys,
  checkProgress,
  describeValue,
  renamed,
  requiredObject,
  type ProgressStart,
} from "../validate";
import { checkDepths, convNet } from "./cntk-accuracy";
import { classAccuracy, classImages } from "./image-kernel-accuracy";

/** EigenPro with its defaults, or plain full-batch kernel gradient descent (q = 0, batchSize = n). */
export type EigenProMethod = "EigenPro" | "GD";

export const EIGENPRO_METHODS: readonly EigenProMethod[] = ["EigenPro", "GD"];

/** The split: points (or images) the kernel takes, and their labels. */
export interface EigenProStudySplit<P> {
  train: P;
  validation: P;
  test: P;
  trainLabels: Int32Array;
  validationLabels: Int32Array;
  testLabels: Int32Array;
}

export interface EigenProStudyOptions {
  /** The classes (one-hot targets, one column each; at least 2 distinct labels in 0..9). */
  classes: readonly number[];
  /** Epochs of every run (an integer >= 1). */
  epochs: number;
  /** eigenPro's seed (subsample and batch order). */
  seed: number;
  /** The runs; default both, ["EigenPro", "GD"]. */
  methods?: readonly EigenProMethod[];
  /** eigenPro's Nystrom subsample size s (default the module's, min(n, 2000)). */
  subsampleSize?: number;
  /**
   * Compute K(train, train): the exact interpolant, and the training MSE of every epoch's final alpha
   * (default true; n x n numbers, so false for large n: the MSE is then eigenPro's running one).
   */
  exact?: boolean;
  progress?: ProgressStart | false;
}

export interface EigenProStudyEpoch {
  epoch: number;
  /** Wall time of the epoch's steps. */
  seconds: number;
  /** Mean squared residual of alpha after the epoch (exact: true), or eigenPro's running mean over it. */
  trainMse: number;
  validation: number;
  test: number;
}

export interface EigenProStudyRun {
  method: EigenProMethod;
  q: number;
  batchSize: number;
  stepSize: number;
  subsampleSize: number;
  criticalBatchSize: number;
  /** Wall time of the Nystrom subsample's kernel and eigensystem. */
  setupSeconds: number;
  /** Mean wall time of an epoch. */
  epochSeconds: number;
  epochs: EigenProStudyEpoch[];
  /** The first epoch of the best validation accuracy (early stopping), and its accuracies. */
  bestEpoch: number;
  bestValidation: number;
  bestTest: number;
  /** The last epoch's accuracies. */
  finalValidation: number;
  finalTest: number;
  /** Top eigenvalues of the subsample's K_SS / s (eigenPro's lambda_1 .. lambda_{q+1} at least). */
  eigenvalues: number[];
}

export interface EigenProStudy {
  /** Training, validation and test points. */
  sizes: { train: number; validation: number; test: number };
  runs: EigenProStudyRun[];
  /** The interpolant K alpha = Y, solved exactly (null with exact: false). */
  exact: { validation: number; test: number; seconds: number } | null;
  /** Wall time of the cross kernels (and K(train, train) with exact). */
  kernelSeconds: number;
  /** Whether trainMse is the MSE after each epoch (true) or eigenPro's running one. */
  trainMseAfterEpoch: boolean;
}

function checkLabels(who: string, name: string, labels: unknown, n: number): Int32Array {
  if (!(labels instanceof Int32Array) || labels.length !== n) {
    throw new Error(
      `${who}: split.${name} must be an Int32Array of ${n} labels (one per point), got ${describeValue(labels)}`,
    );
  }
  return labels;
}

/** The number of points (or images) of X, under who's name. */
function countOf(who: string, name: string, X: unknown): number {
  if (X !== null && typeof X === "object" && !(X instanceof Matrix) && "pixels" in X) {
    const n = (X as unknown as { n: unknown }).n;
    if (typeof n === "number" && Number.isInteger(n) && n >= 1) return n;
    throw new Error(`${who}: split.${name} must hold at least one image, got n = ${describeValue(n)}`);
  }
  return readPoints(who, `split.${name}`, X as PointsInput).n;
}

function checkMethods(who: string, methods: unknown): readonly EigenProMethod[] {
  if (
    !Array.isArray(methods) ||
    methods.length === 0 ||
    methods.some((m) => !EIGENPRO_METHODS.includes(m as EigenProMethod))
  ) {
    throw new Error(
      `${who}: methods must be a non-empty array of "EigenPro" and "GD", got ${describeValue(methods)}`,
    );
  }
  checkDistinct(who, "methods", methods);
  return methods as EigenProMethod[];
}

/**
 * EigenPro and plain gradient descent with one kernel on one split (see the top of the file). The kernel is
 * eigenPro's: (A, B) => K(A, B) on points or images; its wall times are eigenPro's on-the-fly ones.
 */
export function eigenProStudy<P extends PointsInput | ConvImages>(
  kernel: (A: P, B: P) => Matrix,
  split: EigenProStudySplit<P>,
  options: EigenProStudyOptions,
): EigenProStudy {
  const who = "eigenProStudy";
  checkFunction(who, "kernel", kernel, "a function (A, B) => K(A, B), an |A| x |B| Matrix");
  const fields = "{ train, validation, test, trainLabels, validationLabels, testLabels }";
  requiredObject(who, "split", split, fields);
  for (const key of Object.keys(split)) {
    if (!fields.includes(` ${key},`) && !fields.includes(` ${key} }`)) {
      throw new Error(`${who}: split has no ${JSON.stringify(key)}; allowed are ${fields}`);
    }
  }
  const opts = requiredObject(who, "options", options, "{ classes, epochs, seed }");
  checkOptionKeys(who, opts, ["classes", "epochs", "seed", "methods", "subsampleSize", "exact", "progress"]);
  const n = countOf(who, "train", split.train);
  const nv = countOf(who, "validation", split.validation);
  const nt = countOf(who, "test", split.test);
  const trainLabels = checkLabels(who, "trainLabels", split.trainLabels, n);
  const validationLabels = checkLabels(who, "validationLabels", split.validationLabels, nv);
  const testLabels = checkLabels(who, "testLabels", split.testLabels, nt);
  const { classes, epochs, seed } = opts;
  checkInteger(who, "epochs", epochs, 1);
  checkInteger(who, "seed", seed, 0, 2 ** 53);
  const methods = checkMethods(who, opts.methods ?? EIGENPRO_METHODS);
  if (opts.subsampleSize !== undefined) checkInteger(who, "subsampleSize", opts.subsampleSize, 1, n);
  const exact = checkBoolean(who, "exact", opts.exact ?? true);
  const progress = checkProgress(who, opts.progress ?? false);
  const Y = renamed(who, "oneHot", () => oneHot(trainLabels, classes));

  const kernelStart = performance.now();
  // K(A, train) as a Matrix of finite numbers.
  const block = (name: string, A: P, rows: number): Matrix => {
    const out = new Float64Array(rows * n);
    kernelBlock(who, kernel, A, split.train, rows, n, out, `K(split.${name}, split.train)`);
    return new Matrix(Array.from({ length: rows }, (_, i) => out.subarray(i * n, (i + 1) * n)));
  };
  const Kv = block("validation", split.validation, nv);
  const Kt = block("test", split.test, nt);
  const K = exact ? block("train", split.train, n) : null;
  const kernelSeconds = (performance.now() - kernelStart) / 1000;

  let exactResult: EigenProStudy["exact"] = null;
  if (K !== null) {
    const start = performance.now();
    const model = renamed(who, "multiOutputKernelRegression", () => multiOutputKernelRegression(K, Y));
    exactResult = {
      validation: classAccuracy(who, model.predict(Kv), validationLabels, classes),
      test: classAccuracy(who, model.predict(Kt), testLabels, classes),
      seconds: (performance.now() - start) / 1000,
    };
  }

  const runs: EigenProStudyRun[] = methods.map((method) => {
    const afterEpoch: { trainMse?: number; validation: number; test: number }[] = [];
    // eigenPro's overloads take points or images; P is one of them.
    const run = eigenPro as unknown as (
      k: (A: P, B: P) => Matrix,
      X: P,
      Y: Matrix,
      o: EigenProOptions<P>,
    ) => EigenPro<P>;
    const fit = renamed(who, "eigenPro", () =>
      run(kernel, split.train, Y, {
        epochs,
        seed,
        ...(opts.subsampleSize === undefined ? {} : { subsampleSize: opts.subsampleSize }),
        ...(method === "GD" ? { q: 0, batchSize: n } : {}),
        progress: progress ? (total, label) => progress(total, `${label} (${method})`) : false,
        evaluate: (model) => {
          const alpha = model.alpha;
          const row: { trainMse?: number; validation: number; test: number } = {
            validation: classAccuracy(who, Kv.mmul(alpha), validationLabels, classes),
            test: classAccuracy(who, Kt.mmul(alpha), testLabels, classes),
          };
          if (K !== null) {
            const residual = K.mmul(alpha).sub(Y);
            let squares = 0;
            for (let i = 0; i < residual.rows; i++)
              for (let j = 0; j < residual.columns; j++) squares += residual.get(i, j) ** 2;
            row.trainMse = squares / (residual.rows * residual.columns);
          }
          afterEpoch.push(row);
        },
      }),
    );
    const rows: EigenProStudyEpoch[] = fit.history.map((h, e) => ({
      epoch: h.epoch,
      seconds: h.seconds,
      trainMse: afterEpoch[e].trainMse ?? h.trainMse,
      validation: afterEpoch[e].validation,
      test: afterEpoch[e].test,
    }));
    const best = rows.reduce((a, b) => (b.validation > a.validation ? b : a));
    const last = rows[rows.length - 1];
    return {
      method,
      q: fit.q,
      batchSize: fit.batchSize,
      stepSize: fit.stepSize,
      subsampleSize: fit.subsampleSize,
      criticalBatchSize: fit.criticalBatchSize,
      setupSeconds: fit.setupSeconds,
      epochSeconds: rows.reduce((a, r) => a + r.seconds, 0) / rows.length,
      epochs: rows,
      bestEpoch: best.epoch,
      bestValidation: best.validation,
      bestTest: best.test,
      finalValidation: last.validation,
      finalTest: last.test,
      eigenvalues: Array.from(fit.eigenvalues),
    };
  });
  return {
    sizes: { train: n, validation: nv, test: nt },
    runs,
    exact: exactResult,
    kernelSeconds,
    trainMseAfterEpoch: K !== null,
  };
}

/**
 * A precomputed square kernel matrix G as eigenPro's block kernel of 1-D points holding indices into it:
 * (A, B) => the rows A[i][0], columns B[j][0] of G (the route eigenPro documents).
 */
export function precomputedKernel(G: Matrix): (A: PointsInput, B: PointsInput) => Matrix {
  const who = "precomputedKernel";
  if (!(G instanceof Matrix) || G.rows !== G.columns || G.rows < 1) {
    throw new Error(`${who}: G must be a square Matrix, got ${describeValue(G)}`);
  }
  const indices = (name: string, X: PointsInput): number[] => {
    const { n, d, data } = readPoints(who, name, X);
    if (d !== 1) throw new Error(`${who}: ${name} must be 1-D points (indices into G), got dimension ${d}`);
    return Array.from({ length: n }, (_, i) => {
      const k = data[i];
      if (!(Number.isInteger(k) && k >= 0 && k < G.rows)) {
        throw new Error(`${who}: ${name}[${i}] must be an index 0..${G.rows - 1} of G, got ${k}`);
      }
      return k;
    });
  };
  return (A, B) => G.selection(indices("A", A), indices("B", B));
}

export interface EigenProByDepthOptions extends Omit<EigenProStudyOptions, "classes"> {
  /** The classes; images of others are left out. */
  classes: readonly number[];
  /** Training, validation and test images of the split (a seeded draw from the set's images of these classes). */
  train: number;
  validation: number;
  test: number;
  /** The split's seed. */
  splitSeed: number;
  /** CNTK depths (conv layers, each >= 1). */
  depths: readonly number[];
  /** The readout (default "flatten": Arora et al.'s CNTK-V). */
  readout?: "flatten" | "globalAveragePool";
}

export interface EigenProByDepth {
  /** One study per depth, in the order of depths. */
  studies: { depth: number; study: EigenProStudy }[];
  /** Wall time of the Gram matrices of every depth over the split's images (one cntkByDepth pass). */
  gramSeconds: number;
  /** Images of the split, and their size. */
  images: number;
  height: number;
  width: number;
}

/**
 * eigenProStudy for the CNTK of every depth: a seeded train / validation / test split of the set's images
 * of the classes, preprocessed (centred, unit norm), the CNTK Gram matrices of all depths over the split's
 * images in one pass, and per depth the study on the precomputed matrix (the kernel's wall time is then
 * gramSeconds, not the epochs').
 */
export function eigenProByDepth(set: ImageSet, options: EigenProByDepthOptions): EigenProByDepth {
  const who = "eigenProByDepth";
  const opts = requiredObject(
    who,
    "options",
    options,
    "{ classes, train, validation, test, splitSeed, depths, epochs, seed }",
  );
  checkOptionKeys(who, opts, [
    "classes",
    "train",
    "validation",
    "test",
    "splitSeed",
    "depths",
    "readout",
    "epochs",
    "seed",
    "methods",
    "subsampleSize",
    "exact",
    "progress",
  ]);
  const { classes, train, validation, test, splitSeed } = opts;
  checkInteger(who, "train", train, 1);
  checkInteger(who, "validation", validation, 1);
  checkInteger(who, "test", test, 1);
  checkInteger(who, "splitSeed", splitSeed, 0, 2 ** 53);
  const depths = checkDepths(who, opts.depths);
  const readout = opts.readout ?? "flatten";
  if (readout !== "flatten" && readout !== "globalAveragePool") {
    throw new Error(
      `${who}: readout must be "flatten" or "globalAveragePool", got ${describeValue(readout)}`,
    );
  }
  const progress = checkProgress(who, opts.progress ?? false);
  const chosen = classImages(who, set, classes, { train, validation, test });
  const total = train + validation + test;
  const drawn = renamed(
    who,
    "splitImages",
    () => splitImages(chosen, { train: total, test: 0, seed: splitSeed }).train,
  );
  const images = renamed(who, "preprocessImages", () => preprocessImages(drawn));
  const start = performance.now();
  const grams = cntkByDepth(convNet(Math.max(...depths), readout), images, undefined, { progress });
  const gramSeconds = (performance.now() - start) / 1000;
  const at = (from: number, count: number) => Array.from({ length: count }, (_, i) => [from + i]);
  const labels = (from: number, count: number) => drawn.labels.slice(from, from + count);
  const split: EigenProStudySplit<PointsInput> = {
    train: at(0, train),
    validation: at(train, validation),
    test: at(train + validation, test),
    trainLabels: labels(0, train),
    validationLabels: labels(train, validation),
    testLabels: labels(train + validation, test),
  };
  const studyOptions: EigenProStudyOptions = {
    classes,
    epochs: opts.epochs,
    seed: opts.seed,
    ...(opts.methods === undefined ? {} : { methods: opts.methods }),
    ...(opts.subsampleSize === undefined ? {} : { subsampleSize: opts.subsampleSize }),
    ...(opts.exact === undefined ? {} : { exact: opts.exact }),
    progress,
  };
  const studies = depths.map((depth) => ({
    depth,
    study: renamed(who, "eigenProStudy", () =>
      eigenProStudy(precomputedKernel(grams[depth - 1]), split, studyOptions),
    ),
  }));
  return { studies, gramSeconds, images: total, height: set.height, width: set.width };
}
