/** Small image data files in the formats the loaders read (IDX, CIFAR-10 binary), written for tests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";

const folders: string[] = [];

/** A new temporary folder, removed by removeFixtureFolders. */
export function fixtureFolder(kind: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ntk-lab-${kind}-`));
  folders.push(dir);
  return dir;
}

/** Removes every folder fixtureFolder made (a test file's after hook). */
export function removeFixtureFolders(): void {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** An IDX file of unsigned bytes: the magic number, the sizes, then the data; gzipped when the name ends .gz. */
export function writeIdx(
  file: string,
  magic: number,
  sizes: readonly number[],
  data: ArrayLike<number>,
): void {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header.writeUInt32BE(magic, 0);
  sizes.forEach((s, k) => header.writeUInt32BE(s, 4 + 4 * k));
  const bytes = Buffer.concat([header, Buffer.from(Array.from(data))]);
  fs.writeFileSync(file, file.endsWith(".gz") ? zlib.gzipSync(bytes) : bytes);
}

/** Pixel byte k of image i in the fixtures: distinct enough to catch a wrong order. */
export const fixtureByte = (i: number, k: number): number => (7 * i + 3 * k) % 256;

/**
 * A folder with Fashion-MNIST's four files: `train` and `test` images of 2 x 3 pixels (gzipped unless
 * plain), labels i % 10.
 */
export function fashionFolder({ train = 3, test = 2, plain = false } = {}): string {
  const dir = fixtureFolder("fashion");
  const gz = plain ? "" : ".gz";
  for (const [prefix, n] of [
    ["train", train],
    ["t10k", test],
  ] as const) {
    const pixels = Array.from({ length: n * 6 }, (_, j) => fixtureByte(Math.floor(j / 6), j % 6));
    writeIdx(path.join(dir, `${prefix}-images-idx3-ubyte${gz}`), 0x803, [n, 2, 3], pixels);
    writeIdx(
      path.join(dir, `${prefix}-labels-idx1-ubyte${gz}`),
      0x801,
      [n],
      Array.from({ length: n }, (_, i) => i % 10),
    );
  }
  return dir;
}

/** CIFAR-10 records: label (i + 1) % 10, then the planes, byte k of the 3072 being fixtureByte(i, k). */
export function cifarRecords(n: number, first = 0): Buffer {
  const bytes = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    bytes[i * 3073] = (first + i + 1) % 10;
    for (let k = 0; k < 3072; k++) bytes[i * 3073 + 1 + k] = fixtureByte(first + i, k);
  }
  return bytes;
}

/** A folder with CIFAR-10's six batches, `perBatch` records each (numbered on across the batches). */
export function cifarFolder(perBatch = 2): string {
  const dir = fixtureFolder("cifar");
  const names = [
    "data_batch_1",
    "data_batch_2",
    "data_batch_3",
    "data_batch_4",
    "data_batch_5",
    "test_batch",
  ];
  names.forEach((name, b) =>
    fs.writeFileSync(path.join(dir, `${name}.bin`), cifarRecords(perBatch, b * perBatch)),
  );
  return dir;
}
