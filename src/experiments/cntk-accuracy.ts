/**
 * CNTK regression on images by depth and readout (notebook 10; Problem Set 4, problems 7a and 8; Arora et
 * al. 2019's CNTK-V and CNTK-GAP): a seeded pool of images of the chosen classes, preprocessed as notebook
 * 08's (centred, unit norm), the Gram matrices of every depth in one pass each (cntkByDepth for the
 * convolutional networks, kernelsByDepth for the fully connected one) over the pool, then per seed a random
 * split of the pool into training and test images and kernel regression on one-hot targets. The seeds'
 * splits share the pool's images (and its kernels, computed once): their spread is that of the split.
 */
import { performance } from "perf_hooks";
import { relu } from "../activations";
import {
  preprocessImages,
  imagePoints,
  oneHot,
  shuffle,
  splitImages,
  type ImageSet,
} from "../images/image-set";
import { cntkByDepth } from "../kernels/cntk";
import { kernelsByDepth } from "../kernels/ntk";
import { conv, dense, flatten, globalAveragePool, mlp, serial, type ConvArchitecture } from "../layers";
import { Rng } from "../random";
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
import { classImages, testAccuracy } from "./image-kernel-accuracy";

/** The kernels compared: the CNTK with flatten (V) or global average pooling (GAP), the fully connected NTK. */
export type ImageKernelName = "CNTK-V" | "CNTK-GAP" | "NTK";

export const IMAGE_KERNEL_NAMES: readonly ImageKernelName[] = ["CNTK-V", "CNTK-GAP", "NTK"];

export interface CntkAccuracyOptions {
  /** The classes to tell apart: at least 2 distinct labels in 0..9. */
  classes: readonly number[];
  /** Images in the pool the kernels are computed on (its Gram matrix: pool x pool per depth). */
  pool: number;
  /** Training and test images per seed's split of the pool (train + test <= pool). */
  train: number;
  test: number;
  seeds: readonly number[];
  /** Depths (conv layers, or hidden layers of the fully connected network), each >= 1. */
  depths: readonly number[];
  /** Ridge relative to the mean diagonal of the training kernel, >= 0. */
  ridge: number;
  /** Default all three. */
  kernels?: readonly ImageKernelName[];
  /** The first conv layer's stride (1, or 2 as problem 7a suggests); default 1. */
  firstStride?: number;
  progress?: ProgressStart | false;
}

export interface CntkAccuracyRun {
  seed: number;
  kernel: ImageKernelName;
  depth: number;
  accuracy: number;
  train: number;
  test: number;
}

export interface CntkAccuracy {
  runs: CntkAccuracyRun[];
  /** Seconds each kernel's Gram matrices (every depth, the whole pool) took. */
  seconds: Record<string, number>;
  /** The pool's images, preprocessed (what the kernels saw). */
  pool: ImageSet;
}

/** A list of distinct network depths, each an integer in [1, 100] (an Error naming `who` otherwise). */
export function checkDepths(who: string, depths: unknown): number[] {
  const list = Array.from(checkNumberList(who, "depths", depths as readonly number[], { min: 1 }));
  list.forEach((d, i) => checkInteger(who, `depths[${i}]`, d, 1, 100));
  checkDistinct(who, "depths", list);
  return list;
}

/** The architecture of `depth` 3 x 3 ReLU conv layers and the readout, as notebook 10 compares them. */
export function convNet(
  depth: number,
  readout: "flatten" | "globalAveragePool",
  firstStride = 1,
): ConvArchitecture {
  const who = "convNet";
  checkInteger(who, "depth", depth, 1, 100);
  if (readout !== "flatten" && readout !== "globalAveragePool") {
    throw new Error(
      `${who}: readout must be "flatten" or "globalAveragePool", got ${describeValue(readout)}`,
    );
  }
  checkInteger(who, "firstStride", firstStride, 1, 4);
  const layers = Array.from({ length: depth }, (_, l) => [
    conv({ stride: l === 0 ? firstStride : 1 }),
    relu,
  ]).flat();
  return serial(...layers, readout === "flatten" ? flatten() : globalAveragePool(), dense());
}

export function cntkAccuracy(set: ImageSet, options: CntkAccuracyOptions): CntkAccuracy {
  const who = "cntkAccuracy";
  const opts = requiredObject(
    who,
    "options",
    options,
    "{ classes, pool, train, test, seeds, depths, ridge }",
  );
  checkOptionKeys(who, opts, [
    "classes",
    "pool",
    "train",
    "test",
    "seeds",
    "depths",
    "ridge",
    "kernels",
    "firstStride",
    "progress",
  ]);
  const { classes, pool, train, test, ridge } = opts;
  checkInteger(who, "pool", pool, 2);
  checkInteger(who, "train", train, 1);
  checkInteger(who, "test", test, 1);
  if (train + test > pool) {
    throw new Error(
      `${who}: train + test must be at most pool = ${pool}, got ${train} + ${test} = ${train + test}`,
    );
  }
  const seeds = checkSeeds(who, opts.seeds, " (one split each)");
  const depths = checkDepths(who, opts.depths);
  checkNonNegative(who, "ridge", ridge);
  const kernels = opts.kernels ?? IMAGE_KERNEL_NAMES;
  if (
    !Array.isArray(kernels) ||
    kernels.length === 0 ||
    kernels.some((k) => !IMAGE_KERNEL_NAMES.includes(k))
  ) {
    throw new Error(
      `${who}: kernels must be a non-empty array of "CNTK-V", "CNTK-GAP" and "NTK", got ${describeValue(kernels)}`,
    );
  }
  checkDistinct(who, "kernels", kernels);
  const firstStride = opts.firstStride ?? 1;
  checkInteger(who, "firstStride", firstStride, 1, 4);
  const progress = checkProgress(who, opts.progress ?? false);
  const chosen = classImages(who, set, classes, { pool });
  const drawn = renamed(
    who,
    "splitImages",
    () => splitImages(chosen, { train: pool, test: 0, seed: 0 }).train,
  );
  const images = renamed(who, "preprocessImages", () => preprocessImages(drawn));
  const deepest = Math.max(...depths);
  const seconds: Record<string, number> = {};
  const grams = new Map<ImageKernelName, ReturnType<typeof cntkByDepth>>();
  for (const kernel of kernels) {
    const start = performance.now();
    if (kernel === "NTK") {
      grams.set(kernel, kernelsByDepth(mlp(new Array(deepest).fill(relu)), imagePoints(drawn)));
    } else {
      const readout = kernel === "CNTK-V" ? "flatten" : "globalAveragePool";
      grams.set(kernel, cntkByDepth(convNet(deepest, readout, firstStride), images, undefined, { progress }));
    }
    seconds[kernel] = (performance.now() - start) / 1000;
  }
  const runs: CntkAccuracyRun[] = [];
  for (const seed of seeds) {
    const order = Array.from(
      shuffle(
        Int32Array.from({ length: pool }, (_, i) => i),
        new Rng(seed),
      ),
    );
    const trainAt = order.slice(0, train);
    const testAt = order.slice(train, train + test);
    const Y = oneHot(
      Int32Array.from(trainAt, (i) => drawn.labels[i]),
      classes,
    );
    const testLabels = Int32Array.from(testAt, (i) => drawn.labels[i]);
    for (const kernel of kernels) {
      const byDepth = grams.get(kernel)!;
      for (const depth of depths) {
        const K = byDepth[depth - 1];
        const accuracy = testAccuracy(
          who,
          K.selection(trainAt, trainAt),
          Y,
          K.selection(testAt, trainAt),
          testLabels,
          classes,
          ridge,
        );
        runs.push({ seed, kernel, depth, accuracy, train, test });
      }
    }
  }
  return { runs, seconds, pool: images };
}
