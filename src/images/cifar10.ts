/**
 * CIFAR-10 (Krizhevsky 2009): 32 x 32 colour images of ten classes, in the "binary version" batches
 * (data_batch_1.bin .. data_batch_5.bin, 50,000 images to train; test_batch.bin, 10,000 to test). Each
 * record is one label byte, then the red, the green and the blue plane, each 32 x 32 row-major.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkMemory } from "../memory";
import { checkOptionKeys, optionsObject } from "../validate";
import { CLASS_COUNT, checkSplit, dataFolder, fileError, type ImageSet } from "./image-set";

const WHO = "loadCifar10";
export const CIFAR10_VARIABLE = "NTK_LAB_CIFAR10";
const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const FILES = {
  train: ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
  test: ["test_batch.bin"],
} as const;
const HOW_TO_GET =
  "download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, " +
  `unpack it and pass the folder holding the .bin files as options.dir or in the environment variable ${CIFAR10_VARIABLE}`;

/** CIFAR-10's train (default) or test split, pixels scaled to [0, 1], channels red, green, blue. */
export function loadCifar10(options?: { dir?: string; split?: "train" | "test" }): ImageSet {
  const opts = optionsObject(WHO, options);
  checkOptionKeys(WHO, opts, ["dir", "split"]);
  const split = checkSplit(WHO, opts.split);
  const names: readonly string[] = FILES[split];
  const where = dataFolder(WHO, opts.dir, CIFAR10_VARIABLE);
  if (where === null) {
    throw new Error(
      `${WHO}: no CIFAR-10 folder given: options.dir or ${CIFAR10_VARIABLE} must name the folder holding ${names.join(", ")}; ${HOW_TO_GET}`,
    );
  }
  const { folder, from } = where;
  const files = names.map((name) => path.join(folder, name));
  const missing = names.filter((_, k) => !fs.existsSync(files[k]));
  if (missing.length > 0) {
    throw new Error(
      `${WHO}: the CIFAR-10 ${split} batches must be in ${folder} (${from}): expected ${names.join(", ")}, missing ${missing.join(", ")}; ${HOW_TO_GET}`,
    );
  }
  const sizes = files.map((file) => fs.statSync(file).size);
  const total = sizes.reduce((a, b) => a + Math.floor(b / RECORD), 0);
  checkMemory(
    WHO,
    8 * total * 3 * PLANE + Math.max(...sizes),
    split === "train" ? `use split: "test" (10,000 images)` : "free memory",
  );
  const pixels = new Float64Array(total * 3 * PLANE);
  const labels = new Int32Array(total);
  let image = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      const whole = Math.floor(bytes.length / RECORD);
      throw fileError(
        WHO,
        file,
        whole * RECORD,
        bytes.length === 0
          ? `an empty file; expected records of ${RECORD} bytes`
          : `truncated: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records (record ${whole} is cut short)`,
      );
    }
    for (let at = 0; at < bytes.length; at += RECORD, image++) {
      const label = bytes[at];
      if (label >= CLASS_COUNT) {
        throw fileError(WHO, file, at, `label ${label} of record ${at / RECORD} is not a class in 0..9`);
      }
      labels[image] = label;
      // Planes (channel, row, column) to pixel-major (row, column, channel).
      const out = image * 3 * PLANE;
      for (let channel = 0; channel < 3; channel++) {
        const plane = at + 1 + channel * PLANE;
        for (let p = 0; p < PLANE; p++) pixels[out + 3 * p + channel] = bytes[plane + p] / 255;
      }
    }
  }
  return {
    n: total,
    height: SIDE,
    width: SIDE,
    channels: 3,
    pixels,
    labels,
    source: `CIFAR-10 (${split} split, ${total} images, from ${folder})`,
  };
}
