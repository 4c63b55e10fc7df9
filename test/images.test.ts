import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import {
  cropImages,
  downsample2x,
  imagePoints,
  preprocessImages,
  translateImages,
  loadCifar10,
  loadFashionMnist,
  loadMnistDigits,
  oneHot,
  selectClasses,
  splitImages,
  type ImageSet,
} from "../src";
import {
  cifarFolder,
  cifarRecords,
  fashionFolder,
  fixtureByte,
  fixtureFolder,
  removeFixtureFolders,
  writeIdx,
} from "./image-files";

after(removeFixtureFolders);

/** A set of n images h x w x c with pixel values from f(image, k) and the given labels. */
function setOf(
  labels: number[],
  h: number,
  w: number,
  c: number,
  f: (i: number, k: number) => number,
): ImageSet {
  const size = h * w * c;
  return {
    n: labels.length,
    height: h,
    width: w,
    channels: c,
    pixels: Float64Array.from({ length: labels.length * size }, (_, j) => f(Math.floor(j / size), j % size)),
    labels: Int32Array.from(labels),
    source: "test images",
  };
}

/** Image i's pixels as an array. */
const imageOf = (set: ImageSet, i: number): number[] => {
  const size = set.height * set.width * set.channels;
  return Array.from(set.pixels.subarray(i * size, (i + 1) * size));
};

/** Asserts that f throws an Error whose message holds every piece. */
function throwsWith(f: () => unknown, ...pieces: (string | RegExp)[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Error);
    for (const p of pieces) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `"${p}" not in: ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe("MNIST digits", () => {
  test("load as 10,000 images of 28 x 28 with the package's per-class counts, class 0 first", () => {
    const set = loadMnistDigits();
    assert.deepEqual([set.n, set.height, set.width, set.channels], [10000, 28, 28, 1]);
    assert.equal(set.pixels.length, 10000 * 784);
    const counts = new Array<number>(10).fill(0);
    set.labels.forEach((l) => counts[l]++);
    assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (let i = 1; i < set.n; i++) assert.ok(set.labels[i] >= set.labels[i - 1], "sorted by class");
    assert.match(set.source, /mnist 1\.1\.0/);
    assert.match(set.source, /training set/);
  });

  test("have pixels in [0, 1] reaching both ends", () => {
    const { pixels } = loadMnistDigits();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of pixels) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.deepEqual([lo, hi], [0, 1]);
  });

  test("a second load gives the same data in fresh arrays", () => {
    const a = loadMnistDigits();
    a.pixels[0] = 42;
    a.labels[0] = 9;
    const b = loadMnistDigits();
    assert.notEqual(a.pixels, b.pixels);
    assert.equal(b.pixels[0], 0);
    assert.equal(b.labels[0], 0);
    assert.deepEqual(imageOf(b, 5000), imageOf(loadMnistDigits(), 5000));
  });
});

describe("Fashion-MNIST from IDX files", () => {
  test("gzipped or plain files load with pixels byte / 255 and their labels", () => {
    for (const plain of [false, true]) {
      const dir = fashionFolder({ train: 3, test: 2, plain });
      const train = loadFashionMnist({ dir });
      assert.deepEqual([train.n, train.height, train.width, train.channels], [3, 2, 3, 1]);
      assert.deepEqual(Array.from(train.labels), [0, 1, 2]);
      assert.deepEqual(
        imageOf(train, 2),
        Array.from({ length: 6 }, (_, k) => fixtureByte(2, k) / 255),
      );
      const test = loadFashionMnist({ dir, split: "test" });
      assert.equal(test.n, 2);
      assert.match(test.source, /test split/);
    }
  });

  test("the folder also comes from NTK_LAB_FASHION_MNIST", () => {
    const dir = fashionFolder();
    process.env.NTK_LAB_FASHION_MNIST = dir;
    try {
      assert.equal(loadFashionMnist().n, 3);
    } finally {
      delete process.env.NTK_LAB_FASHION_MNIST;
    }
  });

  test("missing files: an Error naming the folder, the files and how to get them", () => {
    const dir = fixtureFolder("empty");
    throwsWith(
      () => loadFashionMnist({ dir }),
      /^loadFashionMnist: /,
      dir,
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
      "apt-get install dataset-fashion-mnist",
      "options.dir",
      "NTK_LAB_FASHION_MNIST",
    );
    if (!fs.existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
      throwsWith(() => loadFashionMnist(), "/usr/share/datasets/fashion-mnist/", "the default folder");
    }
  });

  const broken = (name: string, write: (file: string) => void): string => {
    const dir = fashionFolder({ plain: !name.endsWith(".gz") });
    const file = path.join(dir, name);
    fs.rmSync(file);
    write(file);
    return file;
  };

  test("a wrong magic number: an Error with the file, offset 0 and the magic numbers", () => {
    const file = broken("train-images-idx3-ubyte.gz", (f) =>
      writeIdx(f, 0x801, [3, 2, 3], new Array(18).fill(0)),
    );
    throwsWith(
      () => loadFashionMnist({ dir: path.dirname(file) }),
      /^loadFashionMnist: /,
      file,
      "byte offset 0",
      "0x00000801",
      "0x00000803",
    );
  });

  test("a truncated file: an Error with the file, the offset where it ends and the reason", () => {
    const file = broken("train-images-idx3-ubyte.gz", (f) =>
      writeIdx(f, 0x803, [3, 2, 3], new Array(17).fill(0)),
    );
    throwsWith(() => loadFashionMnist({ dir: path.dirname(file) }), file, "byte offset 33", "truncated");
    const header = broken("train-labels-idx1-ubyte", (f) => fs.writeFileSync(f, Buffer.from([0, 0, 8])));
    throwsWith(() => loadFashionMnist({ dir: path.dirname(header) }), header, "byte offset 3", "truncated");
  });

  test("a wrong size: extra bytes, or images and labels that do not pair up", () => {
    const file = broken("train-images-idx3-ubyte.gz", (f) =>
      writeIdx(f, 0x803, [3, 2, 3], new Array(19).fill(0)),
    );
    throwsWith(() => loadFashionMnist({ dir: path.dirname(file) }), file, "byte offset 34", "1 bytes after");
    const count = broken("train-images-idx3-ubyte.gz", (f) =>
      writeIdx(f, 0x803, [2, 2, 3], new Array(12).fill(0)),
    );
    throwsWith(
      () => loadFashionMnist({ dir: path.dirname(count) }),
      count,
      "byte offset 4",
      "2 images",
      "3 labels",
    );
  });

  test("a label out of 0..9: an Error with the file and the label's offset", () => {
    const file = broken("train-labels-idx1-ubyte.gz", (f) => writeIdx(f, 0x801, [3], [0, 10, 2]));
    throwsWith(() => loadFashionMnist({ dir: path.dirname(file) }), file, "byte offset 9", "label 10");
  });

  test("a file that is not gzip: an Error with the file", () => {
    const file = broken("train-labels-idx1-ubyte.gz", (f) => fs.writeFileSync(f, "not gzip"));
    throwsWith(() => loadFashionMnist({ dir: path.dirname(file) }), file, "byte offset 0", "gzip");
  });

  test("bad options: Errors naming the option and what is allowed", () => {
    throwsWith(() => loadFashionMnist({ split: "val" as "test" }), "split", '"val"', "train");
    throwsWith(() => loadFashionMnist({ dir: 5 as unknown as string }), "dir", "5", "must");
    throwsWith(() => loadFashionMnist({ folder: "x" } as object), "folder", "allowed");
  });
});

describe("CIFAR-10 from binary batches", () => {
  test("the five train batches and the test batch load, planes turned pixel-major", () => {
    const dir = cifarFolder(2);
    const train = loadCifar10({ dir });
    assert.deepEqual([train.n, train.height, train.width, train.channels], [10, 32, 32, 3]);
    assert.deepEqual(Array.from(train.labels), [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    // Image 7, pixel (row 3, column 5), channel green: byte 1024 + 3 * 32 + 5 of its planes.
    assert.equal(train.pixels[7 * 3072 + (3 * 32 + 5) * 3 + 1], fixtureByte(7, 1024 + 3 * 32 + 5) / 255);
    assert.equal(train.pixels[7 * 3072 + 2], fixtureByte(7, 2048) / 255);
    const test = loadCifar10({ dir, split: "test" });
    assert.equal(test.n, 2);
    assert.deepEqual(Array.from(test.labels), [1, 2]);
    assert.equal(test.pixels[0], fixtureByte(10, 0) / 255);
  });

  test("missing files or no folder: an Error saying where the files go", () => {
    const dir = cifarFolder(1);
    fs.rmSync(path.join(dir, "data_batch_4.bin"));
    throwsWith(
      () => loadCifar10({ dir }),
      /^loadCifar10: /,
      dir,
      "data_batch_4.bin",
      "options.dir",
      "NTK_LAB_CIFAR10",
    );
    const saved = process.env.NTK_LAB_CIFAR10;
    delete process.env.NTK_LAB_CIFAR10;
    try {
      throwsWith(() => loadCifar10(), "no CIFAR-10 folder", "NTK_LAB_CIFAR10", "cifar-10-binary.tar.gz");
    } finally {
      if (saved !== undefined) process.env.NTK_LAB_CIFAR10 = saved;
    }
  });

  test("a truncated batch or a bad label: an Error with the file, the offset and the reason", () => {
    const dir = cifarFolder(2);
    const file = path.join(dir, "data_batch_2.bin");
    fs.writeFileSync(file, cifarRecords(2).subarray(0, 3073 + 100));
    throwsWith(() => loadCifar10({ dir }), /^loadCifar10: /, file, "byte offset 3073", "truncated");
    fs.writeFileSync(file, Buffer.alloc(0));
    throwsWith(() => loadCifar10({ dir }), file, "byte offset 0", "empty");
    const records = cifarRecords(2);
    records[3073] = 11;
    fs.writeFileSync(file, records);
    throwsWith(() => loadCifar10({ dir }), file, "byte offset 3073", "label 11");
  });
});

describe("selection and splits", () => {
  const labels = Array.from({ length: 40 }, (_, i) => i % 4);
  const set = setOf(labels, 2, 2, 1, (i, k) => i * 10 + k);
  const ids = (s: ImageSet): number[] => Array.from({ length: s.n }, (_, i) => s.pixels[i * 4] / 10);

  test("selectClasses keeps perClass of each listed class, in class order, seeded and reproducible", () => {
    const a = selectClasses(set, [3, 1], { perClass: 4, seed: 5 });
    assert.equal(a.n, 8);
    assert.deepEqual(Array.from(a.labels), [3, 3, 3, 3, 1, 1, 1, 1]);
    for (const i of ids(a)) assert.ok(labels[i] === 3 || labels[i] === 1);
    assert.equal(new Set(ids(a)).size, 8, "no image twice");
    assert.deepEqual(ids(selectClasses(set, [3, 1], { perClass: 4, seed: 5 })), ids(a));
    assert.notDeepEqual(ids(selectClasses(set, [3, 1], { perClass: 4, seed: 6 })), ids(a));
    assert.deepEqual(imageOf(a, 0), imageOf(set, ids(a)[0]));
    assert.equal(selectClasses(set, [0], { seed: 1 }).n, 10);
  });

  test("selectClasses refuses bad classes, too large a perClass and a missing seed", () => {
    throwsWith(() => selectClasses(set, [], { seed: 1 }), "selectClasses: classes", "non-empty");
    throwsWith(() => selectClasses(set, [1, 10], { seed: 1 }), "classes[1]", "10", "0..9");
    throwsWith(() => selectClasses(set, [1, 1], { seed: 1 }), "classes[1]", "repeats");
    throwsWith(() => selectClasses(set, [2], { perClass: 11, seed: 1 }), "perClass = 11", "class 2 has 10");
    throwsWith(() => selectClasses(set, [2], {} as { seed: number }), "seed", "undefined");
  });

  test("splitImages gives disjoint train, validation and test sets, seeded and reproducible", () => {
    const s = splitImages(set, { train: 20, validation: 5, test: 10, seed: 3 });
    assert.deepEqual([s.train.n, s.validation.n, s.test.n], [20, 5, 10]);
    const all = [...ids(s.train), ...ids(s.validation), ...ids(s.test)];
    assert.equal(new Set(all).size, 35, "disjoint");
    assert.deepEqual(
      ids(splitImages(set, { train: 20, validation: 5, test: 10, seed: 3 }).test),
      ids(s.test),
    );
    assert.notDeepEqual(ids(splitImages(set, { train: 20, test: 10, seed: 4 }).train), ids(s.train));
    assert.equal(splitImages(set, { train: 30, test: 10, seed: 1 }).validation.n, 0);
    for (const part of [s.train, s.test]) {
      for (let i = 0; i < part.n; i++) assert.equal(part.labels[i], labels[ids(part)[i]]);
    }
  });

  test("splitImages refuses sizes that exceed n", () => {
    throwsWith(
      () => splitImages(set, { train: 30, validation: 5, test: 10, seed: 1 }),
      "n = 40",
      "30 + 5 + 10 = 45",
    );
    throwsWith(() => splitImages(set, { train: -1, test: 1, seed: 1 }), "train", "-1");
  });
});

describe("preprocessing", () => {
  test("downsample2x averages each 2 x 2 block of a known 4 x 4 image, per channel", () => {
    const set = setOf([7], 4, 4, 2, (_, k) => (k % 2 === 0 ? Math.floor(k / 2) : 100 * Math.floor(k / 2)));
    const small = downsample2x(set);
    assert.deepEqual([small.n, small.height, small.width, small.channels], [1, 2, 2, 2]);
    // Channel 0 holds 0..15 row-major: blocks (0, 1, 4, 5), (2, 3, 6, 7), (8, 9, 12, 13), (10, 11, 14, 15).
    assert.deepEqual(imageOf(small, 0), [2.5, 250, 4.5, 450, 10.5, 1050, 12.5, 1250]);
    assert.deepEqual(Array.from(small.labels), [7]);
    throwsWith(() => downsample2x(setOf([0], 3, 4, 1, () => 0)), "downsample2x", "even", "3 x 4");
  });

  test("imagePoints centred-unit gives rows of zero mean and unit norm; raw keeps the pixels", () => {
    const set = setOf([0, 1, 2], 2, 3, 1, (i, k) => (i + 1) * k * k + i);
    const X = imagePoints(set);
    assert.deepEqual([X.rows, X.columns], [3, 6]);
    for (let i = 0; i < 3; i++) {
      const row = X.getRow(i);
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0)) < 1e-15);
      assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-15);
    }
    assert.deepEqual(imagePoints(set, { preprocess: "raw" }).getRow(1), imageOf(set, 1));
    throwsWith(
      () => imagePoints(setOf([0, 1], 1, 2, 1, (i, k) => (i === 1 ? 0.5 : k))),
      "image 1",
      "constant",
      "raw",
    );
    throwsWith(
      () => imagePoints(set, { preprocess: "unit" as "raw" }),
      "preprocess",
      '"unit"',
      "centred-unit",
    );
  });

  test("cropImages cuts the border and translateImages moves the pixels, zeros entering", () => {
    const set = setOf([3], 4, 4, 1, (_, k) => k + 1);
    assert.deepEqual(imageOf(cropImages(set, 1), 0), [6, 7, 10, 11]);
    throwsWith(() => cropImages(set, 2), "cropImages: margin", "4 x 4", "got 2");
    const moved = translateImages(set, 1, -1);
    // Row r, column c of the result is the input's row r - 1, column c + 1; the top row and right column are 0.
    assert.deepEqual(imageOf(moved, 0), [0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0]);
    assert.deepEqual(imageOf(translateImages(set, 0, 0), 0), imageOf(set, 0));
    throwsWith(() => translateImages(set, 4, 0), "translateImages: down", "4");
  });

  test("preprocessImages is imagePoints as images: the same numbers, the ImageSet's shape", () => {
    const set = setOf([0, 1], 2, 3, 1, (i, k) => (i + 2) * k * k - i);
    const images = preprocessImages(set);
    const X = imagePoints(set);
    assert.deepEqual([images.n, images.height, images.width, images.channels], [2, 2, 3, 1]);
    for (let i = 0; i < 2; i++) assert.deepEqual(imageOf(images, i), X.getRow(i));
    assert.deepEqual(imageOf(preprocessImages(set, { preprocess: "raw" }), 1), imageOf(set, 1));
  });

  test("oneHot puts +1 in the column of each label's class", () => {
    assert.deepEqual(oneHot(Int32Array.from([5, 3, 3]), [3, 5]).to2DArray(), [
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    throwsWith(() => oneHot(Int32Array.from([5, 4]), [3, 5]), "oneHot: labels[1]", "4", "3, 5");
    throwsWith(() => oneHot([1] as unknown as Int32Array, [1]), "labels", "Int32Array");
  });

  test("a set that is not an ImageSet: an Error naming it", () => {
    throwsWith(() => downsample2x({} as ImageSet), "downsample2x: set.n", "must");
    const bad = { ...setOf([0], 2, 2, 1, () => 0), labels: Int32Array.from([12]) };
    throwsWith(() => imagePoints(bad), "set.labels[0]", "12", "0..9");
  });
});
