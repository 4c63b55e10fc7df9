import assert from "node:assert/strict";
import { test } from "node:test";
import { decayKernels, expectedDecay, reluPowerFamily, reluPowerName } from "../src/index";
import { gaussian, laplace, reluNtk, reluNtkBias } from "./circle-kernels";

/** k((1, 0), (cos t, sin t)) of a kernel of the lab at a few angles in [0, pi]. */
const ANGLES = [0, 0.1, 0.7, 1.5, 2.4, Math.PI];
const onCircle = (kernel: (X: number[][], Y: number[][]) => { get(i: number, j: number): number }) =>
  ANGLES.map((t) => kernel([[1, 0]], [[Math.cos(t), Math.sin(t)]]).get(0, 0));

test("reluPowerName writes the power as a superscript up to 9 and as ^k beyond, with no power for k = 1", () => {
  assert.equal(reluPowerName(1), "ReLU NTK");
  assert.equal(reluPowerName(2), "ReLU² NTK");
  assert.equal(reluPowerName(5), "ReLU⁵ NTK");
  assert.equal(reluPowerName(9), "ReLU⁹ NTK");
  assert.equal(reluPowerName(10), "ReLU^10 NTK");
  assert.throws(() => reluPowerName(0), /^Error: reluPowerName: k must be an integer in \[1, 150\], got 0/);
});

test("reluPowerFamily gives the theory's ReLU NTK for k = 1 and the ReLU^k NTK above, with rank slope -2k", () => {
  assert.deepEqual(reluPowerFamily(1), { family: "reluNtk" });
  assert.deepEqual(reluPowerFamily(3), { family: "reluPowerNtk", k: 3 });
  for (const k of [1, 2, 3, 4]) assert.equal(expectedDecay(reluPowerFamily(k)).rankSlope, -2 * k);
  assert.throws(() => reluPowerFamily(1.5), /reluPowerFamily: k must be an integer in \[1, 150\], got 1.5/);
});

test("decayKernels lists the study's kernels in order, named as in the tables, the circle's with the bias-free one first", () => {
  const { segment, biasFree, circle } = decayKernels({ powers: [1, 2, 3] });
  assert.deepEqual(
    segment.map((c) => c.name),
    [
      "ReLU NTK + bias",
      "ReLU² NTK + bias",
      "ReLU³ NTK + bias",
      "sin NTK + bias",
      "cos NTK + bias",
      "Laplace",
      "Gaussian",
    ],
  );
  assert.deepEqual(
    segment.map((c) => c.family.family),
    ["reluNtk", "reluPowerNtk", "reluPowerNtk", "sinNtk", "cosNtk", "laplace", "gaussian"],
  );
  assert.equal(biasFree.name, "ReLU NTK, no bias");
  assert.deepEqual(biasFree.family, { family: "reluNtk" });
  assert.deepEqual(circle, [biasFree, ...segment]);
  for (const c of circle) assert.equal(c.kernel.name, c.name);
});

test("its ReLU NTKs with and without bias, Laplace and Gaussian kernels match their closed forms on the circle", () => {
  const { segment, biasFree } = decayKernels({ powers: [1] });
  const byName = new Map(segment.map((c) => [c.name, c.kernel]));
  const cases: [
    string,
    (X: number[][], Y: number[][]) => { get(i: number, j: number): number },
    (t: number) => number,
  ][] = [
    ["no bias", biasFree.kernel, reluNtk],
    ["bias", byName.get("ReLU NTK + bias")!, reluNtkBias],
    ["Laplace", byName.get("Laplace")!, laplace],
    ["Gaussian", byName.get("Gaussian")!, gaussian],
  ];
  for (const [label, kernel, closed] of cases) {
    const got = onCircle(kernel);
    ANGLES.forEach((t, i) => {
      const want = closed(t);
      assert.ok(
        Math.abs(got[i] - want) <= 1e-12 * Math.abs(want) + 1e-15,
        `${label} at t = ${t}: ${got[i]} vs ${want}`,
      );
    });
  }
});

test("decayKernels refuses a missing, repeated or out-of-range power, naming it", () => {
  assert.throws(() => decayKernels({ powers: [] }), /^Error: decayKernels: powers must be a non-empty list/);
  assert.throws(
    () => decayKernels({ powers: [1, 2, 1] }),
    /decayKernels: powers must be distinct \(one kernel each\), got powers\[2\] = 1 again/,
  );
  assert.throws(
    () => decayKernels({ powers: [2, 151] }),
    /decayKernels: powers\[1\] must be an integer in \[1, 150\], got 151/,
  );
  assert.throws(
    () => decayKernels(null as unknown as { powers: number[] }),
    /decayKernels: options must be an object \{ powers \}, got null/,
  );
});
