import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { referenceFile } from "./referenceKernels";

const README = join(__dirname, "..", "data", "reference", "README.md");
const SHA256 = "365b0256aa33bf0fe317dbd2d96408e70d50b33a900618047f5ace6e54011eea";

test("the reference values in data/reference/kernels.json are the ones handed over, byte for byte", () => {
  const digest = createHash("sha256").update(readFileSync(referenceFile)).digest("hex");
  assert.equal(digest, SHA256);
});

test("data/reference/README.md records the same checksum and the origin of the values", () => {
  const readme = readFileSync(README, "utf8");
  assert.ok(readme.includes(`${SHA256}  kernels.json`), "README's checksum line");
  assert.match(readme, /40-digit arithmetic with mpmath/);
});
