/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28 x 28 grey images of ten kinds of clothing in MNIST's IDX
 * format, 60,000 to train and 10,000 to test. The files are read from a folder (Debian's
 * dataset-fashion-mnist installs them), gzipped as distributed or already unpacked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checkMemory } from "../memory";
import { checkOptionKeys, optionsObject } from "../validate";
import { CLASS_COUNT, checkSplit, dataFolder, fileError, type ImageSet } from "./image-set";

const WHO = "loadFashionMnist";
export const FASHION_MNIST_VARIABLE = "NTK_LAB_FASHION_MNIST";
export const FASHION_MNIST_DEFAULT_DIR = "/usr/share/datasets/fashion-mnist/";
const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;
/** IDX magic numbers: two zero bytes, the type 0x08 (unsigned byte), the number of dimensions. */
const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/** Fashion-MNIST's train (default) or test split, pixels scaled to [0, 1]. */
export function loadFashionMnist(options?: { dir?: string; split?: "train" | "test" }): ImageSet {
  const opts = optionsObject(WHO, options);
  checkOptionKeys(WHO, opts, ["dir", "split"]);
  const split = checkSplit(WHO, opts.split);
  const { folder, from } = dataFolder(WHO, opts.dir, FASHION_MNIST_VARIABLE) ?? {
    folder: FASHION_MNIST_DEFAULT_DIR,
    from: "the default folder",
  };
  const names = FILES[split];
  const imagesFile = findFile(folder, names.images);
  const labelsFile = findFile(folder, names.labels);
  if (imagesFile === null || labelsFile === null) {
    throw new Error(
      `${WHO}: the Fashion-MNIST ${split} files must be in ${folder} (${from}): expected ${names.images}.gz ` +
        `and ${names.labels}.gz (or the same without .gz); install them with ` +
        `\`apt-get install dataset-fashion-mnist\` (into ${FASHION_MNIST_DEFAULT_DIR}), or pass the folder ` +
        `holding them as options.dir or in the environment variable ${FASHION_MNIST_VARIABLE}`,
    );
  }
  const labelBytes = readIdx(labelsFile, LABELS_MAGIC, 1);
  const labels = new Int32Array(labelBytes.count);
  labelBytes.data.forEach((label, i) => {
    if (label >= CLASS_COUNT) {
      throw fileError(
        WHO,
        labelsFile,
        labelBytes.start + i,
        `label ${label} of image ${i} is not a class in 0..9`,
      );
    }
    labels[i] = label;
  });
  const images = readIdx(imagesFile, IMAGES_MAGIC, 3, labelBytes.count);
  const [height, width] = images.sizes;
  const pixels = new Float64Array(images.data.length);
  images.data.forEach((byte, i) => (pixels[i] = byte / 255));
  return {
    n: images.count,
    height,
    width,
    channels: 1,
    pixels,
    labels,
    source: `Fashion-MNIST (${split} split, ${images.count} images, from ${path.dirname(imagesFile)})`,
  };
}

/** The file as distributed (.gz) or unpacked, or null when neither is there. */
function findFile(folder: string, name: string): string | null {
  for (const candidate of [`${name}.gz`, name]) {
    const file = path.join(folder, candidate);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/**
 * An IDX file of unsigned bytes with `dimensions` dimensions: its count (the first dimension), the other
 * sizes and its data. Offsets in errors are into the unpacked bytes. With `count`, the first dimension
 * must equal it (images and labels must pair up).
 */
function readIdx(
  file: string,
  magic: number,
  dimensions: number,
  count?: number,
): { count: number; sizes: number[]; start: number; data: Uint8Array } {
  let bytes: Buffer = fs.readFileSync(file);
  if (file.endsWith(".gz")) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw fileError(WHO, file, 0, `not a gzip file (${(e as Error).message}); expected a gzipped IDX file`);
    }
  }
  const start = 4 + 4 * dimensions;
  if (bytes.length < start) {
    throw fileError(
      WHO,
      file,
      bytes.length,
      `truncated: the IDX header needs ${start} bytes, the file has ${bytes.length}`,
    );
  }
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    throw fileError(
      WHO,
      file,
      0,
      `magic number 0x${found.toString(16).padStart(8, "0")}, expected 0x${magic.toString(16).padStart(8, "0")} (IDX, unsigned bytes, ${dimensions} dimension${dimensions > 1 ? "s" : ""})`,
    );
  }
  const shape = Array.from({ length: dimensions }, (_, k) => bytes.readUInt32BE(4 + 4 * k));
  if (count !== undefined && shape[0] !== count) {
    throw fileError(
      WHO,
      file,
      4,
      `${shape[0]} images, but the labels file has ${count} labels; expected as many images as labels`,
    );
  }
  shape.slice(1).forEach((size, k) => {
    if (size === 0) throw fileError(WHO, file, 8 + 4 * k, `an image size of 0; expected at least 1 pixel`);
  });
  const values = shape.reduce((a, b) => a * b, 1);
  const end = start + values;
  if (bytes.length < end) {
    throw fileError(
      WHO,
      file,
      bytes.length,
      `truncated: the header promises ${values} bytes of data (to offset ${end}), the file ends here`,
    );
  }
  if (bytes.length > end) {
    throw fileError(
      WHO,
      file,
      end,
      `${bytes.length - end} bytes after the data the header declares (${shape.join(" x ")}); expected the file to end here`,
    );
  }
  // Checked after the size, so that a header promising more than the file holds reads as truncated.
  checkMemory(
    WHO,
    bytes.length + (dimensions > 1 ? 8 * values : 4 * values),
    `use split: "test" (10,000 images)`,
  );
  return { count: shape[0], sizes: shape.slice(1), start, data: bytes.subarray(start, end) };
}
