/**
 * Test by class, not by example: every runtime export of src/index.ts has a row in this table saying which
 * of its arguments are point sets, matrices, vectors, numbers with a rule, option objects, callbacks or
 * objects; test/argument-classes.ts turns each kind into its classes of bad or awkward values (flat lists,
 * NaN / Infinity, empty, ragged, wrong dimension, degenerate matrices, extreme magnitudes, wrong types)
 * and the expectation for each: an Error naming the function, the parameter, the value and what is
 * allowed, or a checked right answer. Results are scanned for NaN and infinities.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { Matrix } from "ml-matrix";
import * as lab from "../src/index";
import {
  casesFor,
  checkError,
  close,
  entries,
  finite,
  integer,
  nonNegative,
  positive,
  range,
  runCase,
  type Case,
  type NothingRow,
  type Param,
  type Row,
  withValue,
} from "./argument-classes";
import { cifarFolder, fashionFolder, removeFixtureFolders } from "./image-files";

const output = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-classes-"));
process.env.NTK_LAB_OUTPUT = output;
// The image loaders read small fixture files; with the variables set, options left out read them too.
const fashionDir = fashionFolder();
const cifarDir = cifarFolder(1);
process.env.NTK_LAB_FASHION_MNIST = fashionDir;
process.env.NTK_LAB_CIFAR10 = cifarDir;
after(removeFixtureFolders);

// ---- valid arguments (small: the whole table runs in seconds) -------------------------------------------

const X1 = (): number[][] => [[0.5], [-0.3], [1]];
const Y1 = (): number[][] => [[0.2], [-0.7]];
const reluArch = () => lab.mlp([lab.relu]);
/** A symmetric positive definite 3 x 3 kernel matrix. */
const K3 = () =>
  new Matrix([
    [2, 0.5, 0.1],
    [0.5, 2, 0.3],
    [0.1, 0.3, 2],
  ]);
const y3 = () => [1, -0.5, 0.25];
const cross = () =>
  new Matrix([
    [0.4, 0.2, 0.1],
    [0.1, 0.3, 0.5],
  ]);
const test2 = () =>
  new Matrix([
    [2, 0.2],
    [0.2, 2],
  ]);
const net1 = () => lab.mlpNetwork({ activations: ["relu"], width: 3, seed: 1 });
const quiet = () => undefined;
const seed = integer(0, 2 ** 53);
const spectrum8 = () => lab.frequencySpectrum((u) => Math.exp(u), { maxFrequency: 8 });
const ranked = () => lab.rankByFrequency(Array.from({ length: 11 }, (_, j) => 1 / (j + 1) ** 2));
const decay10 = () => Array.from({ length: 10 }, (_, i) => 1 / (i + 1) ** 2);
/** The Laplace kernel on 8 equally spaced circle points, per frequency, and its Mercer coefficients. */
const circulant8 = () => lab.circulantFrequencySpectrum(lab.laplace({ sigma: 1 })(lab.circlePoints(8)));
const laplaceSpectrum = (maxFrequency: number) =>
  lab.frequencySpectrum(lab.circleProfile(lab.laplace({ sigma: 1 })), { maxFrequency, argument: "angle" });
const sq = (x: number) => (x - 0.3) ** 2;
const matOf = (rows: number, cols: number) =>
  lab.mat(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, (_, i) => (i % 5) / 4 - 0.3),
  );
const fakeFrame = () => ({
  columns: ["rank", "value"],
  values: [
    [1, 0.5],
    [2, 0.25],
  ],
});
const figureOptions = () => ({ marks: [], width: 200, height: 100 });

/** Points of dimension 2 and a symmetric positive definite 2 x 2 Mahalanobis matrix (recursive feature machines). */
const X2 = (): number[][] => [
  [0.5, -0.2],
  [-0.3, 0.4],
  [1, 0.1],
];
const Y2 = (): number[][] => [
  [0.2, 0.3],
  [-0.7, 0.1],
];
const M2 = () =>
  new Matrix([
    [2, 0.3],
    [0.3, 1],
  ]);
/** options.M and options.bandwidth of the Laplace-Mahalanobis functions, the options at argument `at`. */
const mahalanobisParams = (at: number): Param[] => [
  { at: [at, "M"], name: "M", kind: "matrix", shape: "symmetric", rows: "accepted", optional: true },
  { at: [at, "bandwidth"], name: "bandwidth", ...positive(), optional: true },
];
/** Points params of a kernel taking (X, Y?). */
const pointPair: Param[] = [
  { at: [0], name: "X", kind: "points" },
  { at: [1], name: "Y", kind: "points", optional: true, sameDimensionAs: "X" },
];
const shift = (params: Param[], by: number): Param[] =>
  params.map((p) => ({ ...p, at: [p.at[0] + by, ...p.at.slice(1)] as unknown as Param["at"] }));
const archParam: Param = { at: [0], name: ["arch", "architecture"], kind: "object" };
const monteCarloParams = (minSamples: number): Param[] => [
  archParam,
  ...shift(pointPair, 1),
  { at: [3], name: "options", kind: "options" },
  { at: [3, "samples"], name: "samples", ...integer(minSamples) },
  { at: [3, "seed"], name: "seed", ...seed },
  { at: [3, "method"], name: "method", kind: "choice", values: ["features", "entrywise"], optional: true },
];
const symmetricK: Param = {
  at: [0],
  name: "K",
  kind: "matrix",
  shape: "symmetric",
  rows: "accepted",
  resizable: true,
};
const eigenOptions: Param[] = [
  { at: [1], name: "options", kind: "options", optional: true },
  { at: [1, "top"], name: "top", ...integer(1, 3), optional: true },
  {
    at: [1, "method"],
    name: "method",
    kind: "choice",
    values: ["dense", "topk", "circulant"],
    optional: true,
  },
  { at: [1, "symmetryTolerance"], name: "symmetryTolerance", ...nonNegative(), optional: true },
  { at: [1, "blockSize"], name: "blockSize", ...integer(1), optional: true },
  { at: [1, "seed"], name: "seed", ...seed, optional: true },
];
/** Eigenvalues of a constant matrix c J_n: n c once, then zeros (to n eps n c). */
const constantSpectrum = (values: ArrayLike<number>, K: number[][]): void => {
  const n = K.length;
  const c = K[0][0];
  const sorted = Array.from(values).sort((a, b) => b - a);
  close(sorted, [n * c, ...new Array<number>(sorted.length - 1).fill(0)], { tol: 1e-12, absolute: n * 1e-3 });
};
/** 40 x 40 symmetric matrix Q D Q (Q a Householder reflection) with eigenvalue 2 twenty times. */
const repeated = () => {
  const n = 40;
  const D = Array.from({ length: n }, (_, i) => (i < 20 ? 2 : 1 / (i - 18)));
  const v = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const vv = v.reduce((s, x) => s + x * x, 0);
  const Q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q(i, k) * D[k] * Q(k, j);
      return s;
    }),
  );
};
const multiplicityCase = (exportName: string, pick: (r: unknown) => ArrayLike<number>): Case => ({
  class: "degenerate matrices",
  label: "an eigenvalue of multiplicity 20, top 18: eighteen copies",
  param: "K",
  args: () => [repeated(), { top: 18 }],
  expect: { answer: (r) => close(pick(r), new Array<number>(18).fill(2), { tol: 1e-10, what: exportName }) },
});
const dynamics = (eta: number) => lab.gradientDescentDynamics(Matrix.eye(3).mul(5), [1, 2, 3], { eta });
/** Four 2 x 2 grey images, none constant, labels 0, 1, 0, 1. */
const tinySet = (): lab.ImageSet => ({
  n: 4,
  height: 2,
  width: 2,
  channels: 1,
  pixels: Float64Array.from({ length: 16 }, (_, j) => ((j % 4) * (1 + Math.floor(j / 4))) / 16),
  labels: Int32Array.from([0, 1, 0, 1]),
  source: "four test images",
});
const imageSetParam: Param = { at: [0], name: "set", kind: "object" };
/** One 3 x 3 ReLU conv layer, flatten, the output layer: the smallest convolutional architecture. */
const convArch = () => lab.serial(lab.conv(), lab.relu, lab.flatten(), lab.dense());
/** An ImageSet's sizes and a few values: a whole set would be scanned pixel by pixel. */
const imageSummary = (r: unknown) => {
  const s = r as lab.ImageSet;
  return [s.n, s.height, s.width, s.channels, s.pixels[0], s.pixels[s.pixels.length - 1], s.labels[s.n - 1]];
};
const classesParam = (at: number): Param => ({
  at: [at],
  name: "classes",
  kind: "bad",
  values: [[], [10], [-1], [0.5], [0, 0], null, 5, "0"],
});
const loaderRows = (name: "loadFashionMnist" | "loadCifar10", dir: string): Row => ({
  export: name,
  args: () => [{ dir, split: "test" }],
  inspect: imageSummary,
  params: [
    { at: [0], name: "options", kind: "options", optional: true },
    { at: [0, "dir"], name: "dir", kind: "bad", values: [5, "", null, ["a"]] },
    { at: [0, "split"], name: "split", kind: "choice", values: ["train", "test"], optional: true },
  ],
  extra: [
    {
      class: "bad value",
      label: "dir a folder without the files",
      param: "dir",
      args: () => [{ dir: output }],
      expect: { throws: [output, "NTK_LAB_"] },
    },
  ],
});
const sineSeries = () => lab.multiSine([1, 3], { amplitudes: [1, 0.5] });

// ---- the table ---------------------------------------------------------------------------------------------

const table: (Row | NothingRow)[] = [
  // random
  {
    export: "Rng",
    args: () => [3],
    call: (s) => new lab.Rng(s as number),
    inspect: (r) => (r as lab.Rng).uniform(),
    params: [{ at: [0], name: "seed", ...seed }],
  },
  {
    export: "Rng",
    label: "Rng.uniformIn",
    who: "Rng.uniformIn",
    args: () => [-2, 3],
    call: (a, b) => new lab.Rng(1).uniformIn(a as number, b as number),
    params: [
      { at: [0], name: "a", ...finite([-1e300]) },
      { at: [1], name: "b", ...finite([1e300]) },
    ],
  },
  {
    export: "Rng",
    label: "Rng.normals",
    who: "Rng.normals",
    args: () => [3, 2],
    call: (n, std) => new lab.Rng(1).normals(n as number, std as number | undefined),
    params: [
      { at: [0], name: "n", ...integer(0) },
      { at: [1], name: "std", ...nonNegative([0, 1e-300]), optional: true },
    ],
  },
  {
    export: "rngFrom",
    who: "myFunction",
    args: () => [{ seed: 3 }, "myFunction"],
    inspect: (r) => (r as lab.Rng).uniform(),
    params: [
      { at: [0], name: ["source", "seed"], kind: "options" },
      { at: [0, "seed"], name: "seed", ...seed },
      { at: [0, "rng"], name: "rng", kind: "object", optional: true },
    ],
  },
  {
    export: "rngFrom",
    label: "rngFrom's who",
    args: () => [{ seed: 3 }, "myFunction"],
    inspect: (r) => (r as lab.Rng).uniform(),
    params: [{ at: [1], name: "who", kind: "bad", values: [5, null, ""] }],
  },
  // inputs
  ...(["circlePoints", "circleAngles"] as const).map((name): Row => ({
    export: name,
    args: () => [4, { random: true, seed: 3 }],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "rng"], name: "rng", kind: "object", optional: true },
      { at: [1, "repeatEndpoint"], name: "repeatEndpoint", kind: "bad", values: ["yes", 1], optional: true },
    ],
    extra: [
      {
        class: "out of range",
        label: "repeatEndpoint with random points",
        param: "repeatEndpoint",
        args: () => [4, { random: true, seed: 3, repeatEndpoint: true }],
        expect: { throws: ["random"] },
      },
      {
        class: "out of range",
        label: "repeatEndpoint with one point",
        param: "repeatEndpoint",
        args: () => [1, { repeatEndpoint: true }],
        expect: { throws: ["1"] },
      },
    ],
  })),
  {
    export: "segmentPoints",
    args: () => [4, { from: -2, to: 3 }],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "from"], name: "from", ...finite(), optional: true },
      { at: [1, "to"], name: "to", ...finite(), optional: true },
    ],
  },
  {
    export: "cubePoints",
    args: () => [4, 3, { seed: 2 }],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1], name: "d", ...integer(1) },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "seed"], name: "seed", ...seed },
    ],
  },
  {
    export: "spherePoints",
    args: () => [4, 3, { seed: 2 }],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1], name: "d", ...integer(2) },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "seed"], name: "seed", ...seed },
    ],
  },
  // kernels
  ...(["ntk", "nngp"] as const).map((name): Row => ({
    export: name,
    args: () => [reluArch(), X1(), Y1()],
    params: [archParam, ...shift(pointPair, 1)],
    extra: [
      ...[
        [1e-150, 1e150],
        [1.2e77, 1],
        [1e-90, 1],
      ].map(([s, t]): Case => ({
        class: "extreme magnitudes",
        label: `ReLU at |x| = ${s} and ${t}: exact (homogeneous of degree 2)`,
        param: "X",
        args: () => [
          reluArch(),
          [
            [s, 0],
            [t, 0],
          ],
        ],
        expect: {
          answer: (r) => {
            // One ReLU layer, weightStd 1: ntk(x, y) = 2 x.y and nngp(x, y) = x.y at angle 0.
            const c = name === "ntk" ? 2 : 1;
            close(entries(r).flat(), [c * s * s, c * s * t, c * s * t, c * t * t], {
              tol: 1e-12,
              absolute: 0,
            });
          },
        },
      })),
      {
        class: "extreme magnitudes",
        label: "deep ReLU (depth 2000, weightStd 2) overflows: an Error, not NaN",
        param: ["arch", "depth", "overflow"],
        args: () => [lab.mlp(new Array(2000).fill(lab.relu), { weightStd: 2 }), X1()],
        expect: { finiteOrRefused: true },
      },
      ...(name === "nngp"
        ? [
            {
              class: "extreme magnitudes",
              label: "depth 150 sine: the diagonal is exactly 1 (or the depth is refused)",
              param: ["arch", "depth"],
              args: () => [
                lab.mlp(new Array(150).fill(lab.sin)),
                lab.circlePoints(40, { random: true, seed: 3 }),
              ],
              expect: {
                finiteOrRefused: true as const,
                answer: (r: unknown) =>
                  close(
                    entries(r).map((row, i) => row[i]),
                    new Array<number>(40).fill(1),
                    { tol: 1e-10 },
                  ),
              },
            },
          ]
        : []),
    ],
  })),
  {
    export: "monteCarloNtk",
    args: () => [reluArch(), X1(), Y1(), { samples: 4, seed: 1 }],
    params: monteCarloParams(1),
  },
  {
    export: "monteCarloNngp",
    args: () => [reluArch(), X1(), Y1(), { samples: 4, seed: 1 }],
    params: monteCarloParams(1),
  },
  {
    export: "monteCarloNtkWithError",
    args: () => [reluArch(), X1(), Y1(), { samples: 4, seed: 1 }],
    params: monteCarloParams(2),
  },
  {
    export: "monteCarloNngpWithError",
    args: () => [reluArch(), X1(), Y1(), { samples: 4, seed: 1 }],
    params: monteCarloParams(2),
  },
  ...(["laplaceKernel", "gaussianKernel"] as const).map((name): Row => ({
    export: name,
    args: () => [X1(), Y1(), { sigma: 0.7 }],
    params: [
      ...pointPair,
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "sigma"], name: "sigma", ...positive(), optional: true },
    ],
  })),
  {
    export: "gammaExponentialKernel",
    args: () => [X1(), Y1(), { alpha: 1.5, sigma: 0.7 }],
    params: [
      ...pointPair,
      { at: [2], name: "options", kind: "options" },
      { at: [2, "alpha"], name: "alpha", ...range(0, 2, { hiIn: true }) },
      { at: [2, "sigma"], name: "sigma", ...positive(), optional: true },
    ],
  },
  {
    export: "extendedLaplaceKernel",
    args: () => [X1(), Y1(), { alpha: 1.5, beta: 0.5 }],
    params: [
      ...pointPair,
      { at: [2], name: "options", kind: "options" },
      { at: [2, "alpha"], name: "alpha", ...range(0, 2, { hiIn: true }) },
      { at: [2, "beta"], name: "beta", ...nonNegative() },
    ],
  },
  {
    export: "maternKernel",
    args: () => [X1(), Y1(), { nu: 1.5, lengthScale: 0.7 }],
    params: [
      ...pointPair,
      { at: [2], name: "options", kind: "options" },
      { at: [2, "nu"], name: "nu", ...range(0, 50, { hiIn: true }) },
      { at: [2, "lengthScale"], name: "lengthScale", ...positive(), optional: true },
    ],
  },
  {
    export: "maternCorrelation",
    args: () => [0.4, { nu: 2.3, lengthScale: 0.7 }],
    params: [
      { at: [0], name: "r", ...nonNegative() },
      { at: [1], name: "options", kind: "options" },
      { at: [1, "nu"], name: "nu", ...range(0, 50, { hiIn: true }) },
      { at: [1, "lengthScale"], name: "lengthScale", ...positive(), optional: true },
    ],
  },
  {
    export: "maternExpectedDecay",
    args: () => [1.5, { d: 3 }],
    params: [
      { at: [0], name: "nu", ...range(0, 50, { hiIn: true }) },
      { at: [1, "d"], name: "d", ...integer(2), optional: true },
    ],
  },
  {
    export: "besselK",
    args: () => [1.5, 0.8],
    params: [
      { at: [0], name: "nu", ...range(-50, 50, { loIn: true, hiIn: true }) },
      { at: [1], name: "x", ...positive() },
    ],
  },
  {
    export: "kernelsByDepth",
    args: () => [lab.mlp([lab.relu, lab.erf]), X1(), Y1(), { get: "ntk" }],
    params: [
      archParam,
      ...shift(pointPair, 1),
      { at: [3], name: "options", kind: "options", optional: true },
      { at: [3, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
    ],
  },
  {
    export: "networkKernel",
    args: () => [reluArch(), { get: "ntk" }, X1(), Y1()],
    call: (arch, options, X, Y) => lab.networkKernel(arch as never, options as never)(X as never, Y as never),
    params: [
      archParam,
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
      ...shift(pointPair, 2),
    ],
  },
  {
    export: "networkKernel",
    label: "diagonal",
    who: "networkKernel diagonal",
    args: () => [reluArch(), X1()],
    call: (arch, X) => lab.networkKernel(arch as never).diagonal(X as never),
    params: [{ at: [1], name: "X", kind: "points" }],
  },
  {
    export: "monteCarloKernel",
    args: () => [reluArch(), { samples: 4, seed: 1 }, X1(), Y1()],
    call: (arch, options, X, Y) =>
      lab.monteCarloKernel(arch as never, options as never)(X as never, Y as never),
    params: [
      archParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "samples"], name: "samples", ...integer(1) },
      { at: [1, "seed"], name: "seed", ...seed },
      {
        at: [1, "method"],
        name: "method",
        kind: "choice",
        values: ["features", "entrywise"],
        optional: true,
      },
      { at: [1, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
      ...shift(pointPair, 2),
    ],
  },
  {
    export: "monteCarloKernel",
    label: "diagonal",
    who: "monteCarloKernel diagonal",
    args: () => [reluArch(), X1()],
    call: (arch, X) => lab.monteCarloKernel(arch as never, { samples: 4, seed: 1 }).diagonal(X as never),
    params: [{ at: [1], name: "X", kind: "points" }],
  },
  {
    export: "empiricalKernel",
    args: () => [net1(), {}, X1(), Y1()],
    call: (net, options, X, Y) => lab.empiricalKernel(net as never, options as never)(X as never, Y as never),
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [2], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
      { at: [3], name: "Y", kind: "points", optional: true, sameDimensionAs: "X" },
    ],
  },
  {
    export: "empiricalKernel",
    label: "diagonal",
    who: "empiricalKernel diagonal",
    args: () => [net1(), X1()],
    call: (net, X) => lab.empiricalKernel(net as never).diagonal(X as never),
    params: [{ at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" }],
  },
  ...(
    [
      ["laplace", { sigma: 0.7 }, [{ at: [0, "sigma"], name: "sigma", ...positive(), optional: true }], true],
      [
        "gaussian",
        { sigma: 0.7 },
        [{ at: [0, "sigma"], name: "sigma", ...positive(), optional: true }],
        true,
      ],
      [
        "gammaExponential",
        { alpha: 1.5, sigma: 0.7 },
        [
          { at: [0, "alpha"], name: "alpha", ...range(0, 2, { hiIn: true }) },
          { at: [0, "sigma"], name: "sigma", ...positive(), optional: true },
        ],
        false,
      ],
      [
        "extendedLaplace",
        { alpha: 1.5, beta: 0.5 },
        [
          { at: [0, "alpha"], name: "alpha", ...range(0, 2, { hiIn: true }) },
          { at: [0, "beta"], name: "beta", ...nonNegative() },
        ],
        false,
      ],
      [
        "matern",
        { nu: 1.5, lengthScale: 0.7 },
        [
          { at: [0, "nu"], name: "nu", ...range(0, 50, { hiIn: true }) },
          { at: [0, "lengthScale"], name: "lengthScale", ...positive(), optional: true },
        ],
        false,
      ],
    ] as const
  ).flatMap(([name, options, params, optional]): Row[] => {
    const factory = (lab as unknown as Record<string, (o: unknown) => lab.Kernel>)[name];
    return [
      {
        export: name,
        args: () => [options, X1(), Y1()],
        call: (o, X, Y) => factory(o)(X as never, Y as never),
        params: [{ at: [0], name: "options", kind: "options", optional }, ...params, ...shift(pointPair, 1)],
      },
      {
        export: name,
        label: "diagonal",
        who: `${name} diagonal`,
        args: () => [options, X1()],
        call: (o, X) => factory(o).diagonal(X as never),
        params: [{ at: [1], name: "X", kind: "points" }],
      },
    ];
  }),
  {
    export: "dense",
    args: () => [{ weightStd: 1.5, biasStd: 0.5 }],
    params: [
      { at: [0], name: "options", kind: "options", optional: true },
      { at: [0, "weightStd"], name: "weightStd", ...nonNegative([0, 1e200]), optional: true },
      { at: [0, "biasStd"], name: "biasStd", ...nonNegative([0, 1e200]), optional: true },
    ],
  },
  {
    export: "serial",
    args: () => [lab.dense({ biasStd: 0.5 }), lab.relu, lab.dense()],
    params: [
      { at: [0], name: "layers[0]", kind: "bad", values: [5, null, lab.relu] },
      { at: [1], name: "layers[1]", kind: "bad", values: [5, null, lab.dense()] },
      { at: [2], name: "layers[2]", kind: "bad", values: [5, lab.dense({ biasStd: 1 })] },
    ],
  },
  {
    export: "describeArchitecture",
    args: () => [reluArch()],
    params: [archParam],
  },
  {
    export: "dualAt",
    args: () => [lab.relu.dual, 1, 1, 0.5, 0.5, 1.5],
    params: [
      { at: [0], name: "dual", kind: "bad", values: [5, null] },
      { at: [1], name: "a", ...nonNegative() },
      { at: [2], name: "b", ...nonNegative() },
      { at: [3], name: "c", ...finite() },
      { at: [4], name: "g", ...nonNegative() },
      { at: [5], name: "h", ...nonNegative() },
    ],
  },
  {
    export: "empiricalNtk",
    args: () => [net1(), X1(), Y1()],
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
      { at: [2], name: "Y", kind: "points", optional: true, sameDimensionAs: "X" },
    ],
  },
  ...(["network", "Network"] as const).map((name): Row => ({
    export: name,
    call: name === "Network" ? (a, o) => new lab.Network(a as never, o as never) : undefined,
    args: () => [reluArch(), { inputDim: 1, width: 3, seed: 1 }],
    inspect: (net) => (net as lab.Network).params,
    params: [
      archParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "inputDim"], name: "inputDim", ...integer(1) },
      { at: [1, "width"], name: "width", ...integer(1) },
      { at: [1, "outputs"], name: "outputs", ...integer(1), optional: true },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "rng"], name: "rng", kind: "object", optional: true },
      {
        at: [1, "parameterization"],
        name: "parameterization",
        kind: "choice",
        values: ["ntk", "standard", "default"],
        optional: true,
      },
    ],
  })),
  {
    export: "Network",
    label: "Network.forward",
    who: "Network.forward",
    args: () => [[0.5, -0.2]],
    call: (x) =>
      lab.mlpNetwork({ activations: ["relu"], width: 3, inputDim: 2, seed: 1 }).forward(x as number[]),
    params: [{ at: [0], name: "x", kind: "vector", length: "fixed" }],
  },
  ...(["predict", "forwardBatch"] as const).map((method): Row => ({
    export: "Network",
    label: `Network.${method}`,
    who: `Network.${method}`,
    args: () => [Float64Array.of(0.5, -0.2, 1, 0.3), 2],
    call: (X, n) =>
      lab
        .mlpNetwork({ activations: ["relu"], width: 3, inputDim: 2, seed: 1 })
        [method](X as Float64Array, n as number),
    params: [
      { at: [0], name: "X", kind: "vector", length: "fixed" },
      { at: [1], name: "n", ...integer(1) },
    ],
  })),
  { export: "gaussHermite", args: () => [5], params: [{ at: [0], name: "n", ...integer(1) }] },
  { export: "gaussLegendre", args: () => [5], params: [{ at: [0], name: "n", ...integer(1) }] },
  {
    export: "erfFunction",
    args: () => [0.5],
    params: [],
    extra: [
      // A scalar primitive like Math.sin (the activation calls it per unit): NaN propagates, the limits hold.
      {
        class: "NaN / Infinity",
        label: "erf(NaN) is NaN, like Math.sin",
        param: "x",
        args: () => [NaN],
        expect: { answer: (r) => assert.ok(Number.isNaN(r)), allowNaN: true },
      },
      {
        class: "NaN / Infinity",
        label: "erf(+-Infinity) = +-1",
        param: "x",
        args: () => [-Infinity],
        expect: { answer: (r) => assert.equal(r, -1) },
      },
      {
        class: "extreme magnitudes",
        label: "erf(1e-300) = 2/sqrt(pi) 1e-300",
        param: "x",
        args: () => [1e-300],
        expect: { answer: (r) => close([r as number], [(2 / Math.sqrt(Math.PI)) * 1e-300]) },
      },
    ],
  },
  {
    export: "largestDifference",
    args: () => [
      [1, 2, 4],
      [0, 3, 1],
    ],
    params: [
      { at: [0], name: "a", kind: "vector", length: "free" },
      { at: [1], name: "b", kind: "vector", length: "fixed" },
    ],
  },
  {
    export: "relativeError",
    args: () => [X1(), [[0.4], [-0.3], [1.1]], { norm: "max" }],
    params: [
      { at: [0], name: "estimate", kind: "points", sameDimensionAs: "reference" },
      { at: [1], name: "reference", kind: "points" },
      { at: [2, "norm"], name: "norm", kind: "choice", values: ["frobenius", "max"], optional: true },
    ],
    extra: [
      {
        class: "extreme magnitudes",
        label: "the relative error is scale-free: both times 1e300 or 1e-300 give the same value",
        param: "reference",
        args: () => [
          [1e300, 2.5e300],
          [1e300, 2e300],
        ],
        expect: { answer: (r) => close([r as number], [lab.relativeError([1, 2.5], [1, 2])]) },
      },
      {
        class: "extreme magnitudes",
        label: "tiny vectors (1e-300): the same relative error",
        param: "reference",
        args: () => [
          [1e-300, 2.5e-300],
          [1e-300, 2e-300],
        ],
        expect: { answer: (r) => close([r as number], [lab.relativeError([1, 2.5], [1, 2])]) },
      },
    ],
  },
  {
    export: "rootMeanSquare",
    args: () => [[0.5, -1, 2]],
    params: [{ at: [0], name: "values", kind: "vector", length: "free" }],
  },
  {
    export: "logLogSlope",
    args: () => [
      [1, 2, 4, 8],
      [1, 0.5, 0.26, 0.124],
    ],
    params: [
      { at: [0], name: "x", kind: "vector", length: "free" },
      { at: [1], name: "y", kind: "vector", length: "fixed" },
    ],
    inspect: (fit) => ({ ...(fit as object), at3: (fit as lab.LogLogFit).predict(3) }),
  },
  {
    export: "outputBlock",
    args: () => [
      new Matrix([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
      ]),
      2,
      1,
      0,
    ],
    params: [
      { at: [0], name: "K", kind: "matrix", shape: "any", rows: "either" },
      { at: [1], name: "outputs", ...integer(1) },
      { at: [2], name: "a", ...integer(0, 1) },
      { at: [3], name: "b", ...integer(0, 1) },
    ],
  },
  {
    export: "referenceKernel",
    args: () => ["relu_ntk_L2"],
    inspect: (k) => (k as lab.ReferenceKernel).evaluate("ntk", X1()),
    params: [{ at: [0], name: "name", kind: "bad", values: [5, null] }],
  },
  {
    export: "referenceKernel",
    label: "referenceKernel(...).evaluate",
    // What the user called: the kernel's evaluate, not the ntk() it delegates to.
    who: 'referenceKernel("relu_ntk_L2").evaluate',
    args: () => ["ntk", X1(), Y1()],
    call: (kind, X, Y) => lab.referenceKernel("relu_ntk_L2")?.evaluate(kind as never, X as never, Y as never),
    params: [
      { at: [0], name: "kind", kind: "choice", values: ["ntk", "nngp"] },
      { at: [1], name: "X", kind: "points" },
      { at: [2], name: "Y", kind: "points", optional: true, sameDimensionAs: "X" },
    ],
  },
  {
    export: "checkReferenceValues",
    args: () => [[{ name: "p", x: [1, 0], y: [0, 1], ntk_or_kernel: { relu_ntk_L1: 0.3 }, nngp: {} }]],
    params: [{ at: [0], name: "pairs", kind: "list" }],
  },
  {
    export: "activation",
    args: () => [
      { name: "tanh", fn: Math.tanh, derivative: (z: number) => 1 - Math.tanh(z) ** 2, quadraturePoints: 8 },
    ],
    inspect: (a) => (a as lab.Activation).scale,
    params: [
      { at: [0], name: "spec", kind: "options" },
      { at: [0, "name"], name: "name", kind: "bad", values: [5, "", null] },
      { at: [0, "fn"], name: "fn", kind: "callback", returns: "number" },
      { at: [0, "derivative"], name: "derivative", kind: "callback", returns: "number" },
      { at: [0, "quadraturePoints"], name: "quadraturePoints", ...integer(1, 1000), optional: true },
    ],
  },
  {
    export: "quadratureDual",
    args: () => [Math.tanh, (z: number) => 1 - Math.tanh(z) ** 2, 8],
    inspect: (dual) => {
      return lab.dualAt(dual as lab.Dual, 1, 1, 0.5, 0.5, 1.5).subarray(0, 2);
    },
    params: [
      { at: [0], name: "fn", kind: "callback", returns: "number" },
      { at: [1], name: "derivative", kind: "callback", returns: "number" },
      { at: [2], name: "points", ...integer(1, 1000) },
    ],
  },
  {
    export: "reluPower",
    args: () => [3],
    inspect: (a) => (a as lab.Activation).scale,
    params: [{ at: [0], name: "k", ...integer(1) }],
    extra: [
      {
        class: "extreme magnitudes",
        label: "reluPower(200) says the largest usable k",
        param: "k",
        args: () => [200],
        expect: { throws: ["200", /\[1, \d+\]|<= ?\d+|at most \d+|largest/] },
      },
    ],
  },
  {
    export: "mlp",
    args: () => [[lab.relu, lab.erf], { weightStd: [1, 2, 1], biasStd: 0.5 }],
    params: [
      { at: [0], name: "activations", kind: "list" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "weightStd"], name: "weightStd", ...nonNegative([0, 1e200]), optional: true },
      { at: [1, "biasStd"], name: "biasStd", ...nonNegative([0, 1e200]), optional: true },
    ],
  },
  {
    export: "relu",
    takes: "nothing checkable",
    why: "a constant Activation; its fn, derivative and dual are scalar primitives the kernel loops call (NaN in, NaN out, like Math.sin)",
  },
  { export: "sin", takes: "nothing checkable", why: "a constant Activation (see relu)" },
  { export: "cos", takes: "nothing checkable", why: "a constant Activation (see relu)" },
  { export: "erf", takes: "nothing checkable", why: "a constant Activation (see relu)" },
  { export: "identity", takes: "nothing checkable", why: "a constant Activation (see relu)" },
  { export: "gelu", takes: "nothing checkable", why: "a constant Activation (see relu)" },
  {
    export: "DEFAULT_QUADRATURE_POINTS",
    takes: "nothing checkable",
    why: "a constant number, not a function",
  },
  { export: "MATERN_MAX_NU", takes: "nothing checkable", why: "a constant number, not a function" },
  {
    export: "DEFAULT_RELATIVE_TOLERANCE",
    takes: "nothing checkable",
    why: "a constant number, not a function",
  },
  { export: "ACTIVATION_NAMES", takes: "nothing checkable", why: "a constant list of names" },
  // memory
  {
    export: "memoryBudget",
    label: "memoryBudget under NTK_LAB_MEMORY_LIMIT",
    args: () => ["512MiB"],
    call: (limit) => {
      const before = process.env.NTK_LAB_MEMORY_LIMIT;
      process.env.NTK_LAB_MEMORY_LIMIT = limit as string;
      try {
        return lab.memoryBudget();
      } finally {
        if (before === undefined) delete process.env.NTK_LAB_MEMORY_LIMIT;
        else process.env.NTK_LAB_MEMORY_LIMIT = before;
      }
    },
    params: [
      {
        at: [0],
        name: "NTK_LAB_MEMORY_LIMIT",
        kind: "bad",
        values: ["abc", "0", "-5GB", "8 parsecs", "1e400"],
      },
    ],
    extra: [
      {
        class: "valid",
        label: "the limit is the variable's size exactly",
        param: "NTK_LAB_MEMORY_LIMIT",
        args: () => ["1.5GiB"],
        expect: { answer: (r) => assert.equal((r as lab.MemoryBudget).bytes, 1.5 * 2 ** 30) },
      },
    ],
  },
  {
    export: "checkMemory",
    who: "myFunction",
    args: () => ["myFunction", 1024, "lower n"],
    params: [
      // A refusal names the estimate as "memory": "myFunction: this call needs about ... of memory".
      { at: [1], name: ["bytesNeeded", "memory"], ...nonNegative([0, 1e200]) },
      { at: [2], name: "advice", kind: "bad", values: [5, null, ""] },
    ],
    extra: [
      {
        class: "extreme magnitudes",
        label: "more than allowed: what is needed, what is allowed and the advice",
        param: "memory",
        args: () => ["myFunction", 2 ** 60, "lower n (X has 50000 points)"],
        expect: { throws: ["1024 PiB", "allowed", "lower n (X has 50000 points)"] },
      },
    ],
  },
  {
    export: "checkMemory",
    label: "checkMemory's who",
    args: () => ["myFunction", 1024, "lower n"],
    params: [{ at: [0], name: "who", kind: "bad", values: [5, null, ""] }],
  },
  // spectrum
  {
    export: "eigenvalues",
    args: () => [K3(), {}],
    params: [symmetricK, ...eigenOptions],
    degenerate: (r, K) => constantSpectrum(r as Float64Array, K),
    extra: [multiplicityCase("eigenvalues", (r) => r as Float64Array)],
  },
  {
    export: "eigenvalues",
    label: "eigenvalues, top-k",
    args: () => [K3(), { top: 2 }],
    params: [symmetricK],
    degenerate: (r, K) => close(r as Float64Array, [K.length * K[0][0], 0], { absolute: K.length * 1e-3 }),
  },
  {
    export: "eigh",
    args: () => [K3(), {}],
    params: [symmetricK, ...eigenOptions],
    inspect: (r) => {
      const { values, vectors } = r as lab.Eigensystem;
      return { values, vectors };
    },
    degenerate: (r, K) => {
      const { values, vectors } = r as { values: Float64Array; vectors: Matrix };
      constantSpectrum(values, K);
      // Each column is a unit eigenvector: |K v - lambda v| <= 1e-12 ||K|| (||K|| = n c).
      const Kv = new Matrix(K).mmul(vectors);
      for (let c = 0; c < values.length; c++) {
        const v = vectors.getColumn(c);
        const residual = Math.max(...Kv.getColumn(c).map((x, i) => Math.abs(x - values[c] * v[i])));
        assert.ok(
          residual <= 1e-12 * K.length * K[0][0],
          `|K v - lambda v| = ${residual} for eigenvalue ${values[c]}`,
        );
        close([Math.hypot(...v)], [1], { what: `|v[${c}]|` });
      }
    },
    extra: [multiplicityCase("eigh", (r) => (r as lab.Eigensystem).values)],
  },
  {
    export: "circulantSpectrum",
    args: () => [
      [
        [2, 1, 0.5],
        [0.5, 2, 1],
        [1, 0.5, 2],
      ].map((r, i, all) => r.map((_, j) => [2, 0.7, 0.7][(j - i + 3) % 3])),
      { tolerance: 1e-9 },
    ],
    params: [
      symmetricK,
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "tolerance"], name: "tolerance", ...nonNegative(), optional: true },
    ],
    degenerate: (r, K) => constantSpectrum(r as Float64Array, K),
  },
  {
    export: "circulantFrequencySpectrum",
    args: () => [
      [
        [2, 0.7, 0.7],
        [0.7, 2, 0.7],
        [0.7, 0.7, 2],
      ],
      {},
    ],
    params: [
      symmetricK,
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "tolerance"], name: "tolerance", ...nonNegative(), optional: true },
    ],
    degenerate: (r, K) => constantSpectrum((r as lab.CirculantFrequencySpectrum).eigenvalue, K),
  },
  {
    export: "decaySlope",
    args: () => [decay10(), { from: 2, to: 8, method: "endpoints", n: 12 }],
    params: [
      { at: [0], name: "eigenvalues", kind: "vector", length: "free" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "from"], name: "from", ...integer(1, 7), optional: true },
      { at: [1, "to"], name: "to", ...integer(3, 10), optional: true },
      { at: [1, "method"], name: "method", kind: "choice", values: ["lsq", "endpoints"], optional: true },
      { at: [1, "n"], name: "n", ...integer(10), optional: true },
    ],
  },
  {
    export: "frequencySpectrum",
    args: () => [(u: number) => Math.exp(u), { maxFrequency: 4, argument: "cosine" }],
    params: [
      { at: [0], name: "kappa", kind: "callback", returns: "number" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "maxFrequency"], name: "maxFrequency", ...integer(0), optional: true },
      { at: [1, "argument"], name: "argument", kind: "choice", values: ["cosine", "angle"], optional: true },
    ],
  },
  {
    export: "booleanCubeSpectrum",
    args: () => [
      lab.mlp([lab.relu], { biasStd: 0.5 }),
      5,
      { get: "ntk", outputBiasStd: 0.5, resolveDegree: 5 },
    ],
    params: [
      archParam,
      { at: [1], name: "d", ...integer(1, lab.BOOLEAN_CUBE_MAX_D) },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
      { at: [2, "outputBiasStd"], name: "outputBiasStd", ...nonNegative([0, 1]), optional: true },
      { at: [2, "terms"], name: "terms", ...integer(2, 4096), optional: true },
      { at: [2, "resolveDegree"], name: "resolveDegree", ...integer(0, 5), optional: true },
    ],
  },
  {
    export: "dotProductSeries",
    args: () => [lab.mlp([lab.erf], { biasStd: 0.5 }), { get: "nngp", outputBiasStd: 0, terms: 8 }],
    params: [
      archParam,
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
      { at: [1, "outputBiasStd"], name: "outputBiasStd", ...nonNegative([0, 1]), optional: true },
      { at: [1, "terms"], name: "terms", ...integer(2, 4096), optional: true },
    ],
  },
  {
    export: "spectrumByRank",
    args: () => [[1, 0.5, 0.25], [1, 3, 5], 6],
    params: [
      { at: [0], name: "values", kind: "vector", length: "free" },
      {
        at: [1],
        name: "multiplicities",
        kind: "bad",
        values: [null, [1, 3], [1, 0, 5], [1, 2.5, 5], [1, NaN, 5]],
      },
      { at: [2], name: "count", ...integer(1, 1e7) },
    ],
  },
  {
    export: "fractionalVariance",
    args: () => [[1, 0.5, 0.25, 0.125], 3],
    params: [
      { at: [0], name: "mu", kind: "vector", length: "free" },
      { at: [1], name: "d", ...integer(1, lab.BOOLEAN_CUBE_MAX_D) },
    ],
  },
  {
    export: "yangSalmanNetwork",
    args: () => [{ activation: lab.relu, hiddenLayers: 2, weightVariance: 2, biasVariance: 2 }],
    params: [
      { at: [0], name: "spec", kind: "options" },
      { at: [0, "hiddenLayers"], name: "hiddenLayers", ...integer(1, 1000) },
      { at: [0, "weightVariance"], name: "weightVariance", ...positive([1e-3, 5]) },
      { at: [0, "biasVariance"], name: "biasVariance", ...nonNegative([0, 5]) },
    ],
  },
  {
    export: "sphereMercer",
    args: () => [(u: number) => Math.exp(u), 3, { maxDegree: 4 }],
    params: [
      { at: [0], name: "kappa", kind: "callback", returns: "number" },
      { at: [1], name: "d", ...integer(2, lab.SPHERE_MAX_D) },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "maxDegree"], name: "maxDegree", ...integer(0, 10000), optional: true },
    ],
  },
  {
    export: "sphereMultiplicity",
    args: () => [3, 2],
    params: [
      { at: [0], name: "d", ...integer(2, lab.SPHERE_MAX_D) },
      { at: [1], name: "l", ...integer(0) },
    ],
  },
  { export: "SPHERE_MAX_D", takes: "nothing checkable", why: "a constant: the largest sphere dimension" },
  { export: "BOOLEAN_CUBE_MAX_D", takes: "nothing checkable", why: "a constant: the largest cube dimension" },
  {
    export: "aliasedEigenvalues",
    args: () => [[1, 0.5, 0.25, 0.125], 5],
    params: [
      { at: [0], name: "coefficient", kind: "vector", length: "free" },
      { at: [1], name: "n", ...integer(1) },
    ],
  },
  {
    export: "aliasedEigenvaluesWithTail",
    args: () => [Array.from({ length: 12 }, (_, m) => 1 / (m + 1) ** 2), 6, { exponent: 2 }],
    params: [
      { at: [0], name: "coefficient", kind: "vector", length: "free" },
      { at: [1], name: "n", ...integer(1) },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "exponent"], name: "exponent", ...range(1, Infinity) },
    ],
  },
  {
    export: "expectedDecay",
    args: () => [{ family: "reluPowerNtk", k: 2 }, { d: 3 }],
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [0, "k"], name: "k", ...integer(1) },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "d"], name: "d", ...integer(2), optional: true },
    ],
  },
  {
    export: "rankSlopeFromFrequencyExponent",
    args: () => [3, 3],
    params: [
      { at: [0], name: "p", ...range(0, Infinity) },
      { at: [1], name: "d", ...integer(2) },
    ],
  },
  {
    export: "fft",
    args: () => [Float64Array.of(1, 2, 3), Float64Array.of(0, 0, 0)],
    params: [],
    extra: [
      // An in-place transform primitive (like gemm): IEEE arithmetic, so a NaN sample spreads to every bin.
      {
        class: "NaN / Infinity",
        label: "a NaN sample makes every bin NaN (IEEE propagation, nothing else changes)",
        param: "re",
        args: () => [Float64Array.of(1, NaN, 3), new Float64Array(3)],
        expect: {
          answer: (r) => assert.ok(Array.from(r as Float64Array).every(Number.isNaN)),
          allowNaN: true,
        },
      },
      {
        class: "wrong dimension",
        label: "im shorter than re",
        param: "im",
        args: () => [new Float64Array(4), new Float64Array(3)],
        expect: { throws: ["4", "3"], name: "im" },
      },
    ],
    call: (re, im) => {
      lab.fft(re as Float64Array, im as Float64Array);
      return re;
    },
  },
  {
    export: "rankByFrequency",
    args: () => [[1, 0.5, 0.25, 0.01], { tolerance: 0.02 }],
    params: [
      { at: [0], name: "value", kind: "vector", length: "free" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "tolerance"], name: "tolerance", ...nonNegative(), optional: true },
    ],
  },
  {
    export: "mercerRanks",
    args: () => [spectrum8(), { relativeError: 0.1 }],
    params: [
      { at: [0], name: "spectrum", kind: "object" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "relativeError"], name: "relativeError", ...range(0, 1), optional: true },
    ],
  },
  {
    export: "localExponent",
    args: () => [spectrum8(), 2, 6, { relativeError: 0.1 }],
    params: [
      { at: [0], name: "spectrum", kind: "object" },
      { at: [1], name: "from", ...integer(1, 8) },
      { at: [2], name: "to", ...integer(3, 8) },
      { at: [3], name: "options", kind: "options", optional: true },
      { at: [3, "relativeError"], name: "relativeError", ...range(0, 1), optional: true },
    ],
  },
  {
    export: "rankedDecaySlope",
    args: () => [ranked(), { from: 2, to: 10 }],
    params: [
      { at: [0], name: "ranked", kind: "object" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "from"], name: "from", ...integer(1, 9), optional: true },
      { at: [1, "to"], name: "to", ...integer(3, 21), optional: true },
      { at: [1, "method"], name: "method", kind: "choice", values: ["lsq", "endpoints"], optional: true },
    ],
  },
  {
    export: "precisionRank",
    args: () => [[1, 0.1, 1e-20], 5],
    params: [
      { at: [0], name: "eigenvalues", kind: "vector", length: "free" },
      { at: [1], name: "n", ...integer(3), optional: true },
    ],
  },
  {
    export: "precisionFloor",
    args: () => [200, 2],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1], name: "scale", ...finite() },
    ],
  },
  {
    export: "circleProfile",
    args: () => [(X: number[][], Y: number[][]) => lab.laplaceKernel(X, Y)],
    inspect: (f) => [0, 1, Math.PI].map((t) => (f as (t: number) => number)(t)),
    params: [{ at: [0], name: "kernel", kind: "callback", returns: "matrix" }],
  },
  {
    export: "monteCarloConvergence",
    args: () => [reluArch(), X1(), { samples: [2, 4, 8], seeds: [1, 2] }],
    params: [
      { at: [0], name: "arch", kind: "object" },
      { at: [1], name: "X", kind: "points" },
      { at: [2], name: "options", kind: "options" },
      {
        at: [2, "samples"],
        name: "samples",
        kind: "bad",
        values: [null, [], [2, 4], [0, 2, 4], [1.5, 2, 4], 3],
      },
      { at: [2, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], 3] },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "meanSquaredError",
    args: () => [
      [1, 2, 4],
      [0, 0, 1],
    ],
    params: [
      { at: [0], name: "f", kind: "vector", length: "free" },
      { at: [1], name: "y", kind: "vector", length: "fixed" },
    ],
  },
  {
    export: "wideNetworkGaps",
    args: () => [
      reluArch(),
      {
        X: new Matrix([
          [1, 0],
          [0, 1],
          [-0.6, 0.8],
        ]),
        y: [0.5, -0.2, 0.1],
        Xtest: new Matrix([[0.6, 0.8]]),
        yTest: [0.3],
      },
      { widths: [64], seeds: [1], targetMse: 0.01, maxSteps: 5000, rateFraction: 0.5, kappa: 0.5 },
    ],
    params: [
      { at: [0], name: "arch", kind: "object" },
      { at: [1], name: "data", kind: "object" },
      { at: [1, "X"], name: "X", kind: "bad", values: [null, [[1, 0]], new Matrix(0, 2)] },
      { at: [1, "Xtest"], name: "Xtest", kind: "bad", values: [null, new Matrix([[1, 0, 0]])] },
      { at: [1, "y"], name: "y", kind: "bad", values: [null, [1, 2], [0.5, NaN, 0.1]] },
      { at: [1, "yTest"], name: "yTest", kind: "bad", values: [null, [], [Infinity]] },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "widths"], name: "widths", kind: "bad", values: [null, [], [0], [1.5], 64] },
      { at: [2, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], 3] },
      { at: [2, "targetMse"], name: "targetMse", ...positive([0.5, 1e200]) },
      { at: [2, "maxSteps"], name: "maxSteps", ...integer(1) },
      { at: [2, "rateFraction"], name: "rateFraction", ...range(0, 1) },
      { at: [2, "kappa"], name: "kappa", ...range(1e-8, 1, { loIn: true, hiIn: true }) },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "summarizeByWidth",
    args: () => [
      [
        { width: 8, seed: 1, gap: 1 },
        { width: 8, seed: 2, gap: 3 },
      ],
      [8],
      "gap",
    ],
    params: [
      { at: [0], name: "runs", kind: "bad", values: [null, 5, "runs"] },
      { at: [1], name: "widths", kind: "bad", values: [[16]] },
      { at: [2], name: "key", kind: "bad", values: ["seed", "gaps", 3] },
    ],
  },
  {
    export: "monteCarloAgreement",
    args: () => [
      [
        [2.1, 0.8],
        [0.8, 4],
      ],
      [
        [0.1, 0.1],
        [0.1, 0.5],
      ],
      [
        [2, 1],
        [1, 4],
      ],
    ],
    params: [
      {
        at: [0],
        name: "estimate",
        kind: "bad",
        values: [
          null,
          [[1]],
          [
            [1, NaN],
            [NaN, 1],
          ],
          [
            [1, 2],
            [0, 1],
          ],
        ],
      },
      {
        at: [1],
        name: "stdError",
        kind: "bad",
        values: [
          null,
          [[1]],
          [
            [0, 0],
            [0, 0],
          ],
          [
            [1, Infinity],
            [Infinity, 1],
          ],
        ],
      },
      {
        at: [2],
        name: "reference",
        kind: "bad",
        values: [
          null,
          [
            [0, 0],
            [0, 0],
          ],
          [
            [-1, 0],
            [0, -1],
          ],
          "K",
        ],
      },
    ],
  },
  {
    export: "diagonalSpread",
    args: () => [K3()],
    params: [
      {
        at: [0],
        name: "K",
        kind: "bad",
        values: [
          null,
          [],
          [
            [0, 1],
            [1, 2],
          ],
          [
            [1, NaN],
            [NaN, 1],
          ],
        ],
      },
    ],
  },
  {
    export: "twoLayerDecay",
    args: () => [lab.reluPower(2)],
    params: [{ at: [0], name: "activation", kind: "bad", values: [null, "relu", 5, { name: "tanh" }] }],
  },
  {
    export: "roughestActivationSlope",
    args: () => [[lab.sin, lab.relu]],
    params: [
      {
        at: [0],
        name: "activations",
        kind: "bad",
        values: [null, [], lab.relu, [lab.relu, { name: "gelu" }]],
      },
    ],
  },
  {
    export: "widthConvergence",
    args: () => [
      reluArch(),
      [
        [1, 0],
        [0, 1],
        [-0.6, 0.8],
      ],
      { widths: [2, 4, 8], seeds: [1, 2], outputs: 2 },
    ],
    params: [
      { at: [0], name: "arch", kind: "object" },
      { at: [1], name: "X", kind: "bad", values: [null, [], [[NaN, 0]], [[0, 0]]] },
      { at: [2], name: "options", kind: "options" },
      {
        at: [2, "widths"],
        name: "widths",
        kind: "bad",
        values: [null, [], [2, 4], [0, 2, 4], [1.5, 2, 4], [2, 4, 2], 3],
      },
      { at: [2, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], 3] },
      { at: [2, "outputs"], name: "outputs", ...integer(2) },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "multiOutputKernelRegression",
    args: () => [
      K3(),
      [
        [1, 0],
        [0, 1],
        [1, 0],
      ],
      { ridge: 0.1 },
    ],
    inspect: (r) => (r as lab.MultiOutputKernelRegression).alpha.to2DArray(),
    params: [
      { at: [1], name: "Y", kind: "bad", values: [null, [[1, 0]], [[1], [NaN], [0]], "Y"] },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "ridge"], name: "ridge", ...nonNegative([0, 1e3]), optional: true },
    ],
  },
  {
    export: "imageKernelAccuracy",
    args: () => [
      lab.mlp([lab.relu, lab.relu]),
      tinySet(),
      { classes: [0, 1], train: 2, test: 2, seeds: [1], ridge: 1e-3 },
    ],
    params: [
      { at: [0], name: "arch", kind: "object" },
      { ...imageSetParam, at: [1] },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [2, "train"], name: "train", ...integer(1, 2) },
      { at: [2, "test"], name: "test", ...integer(1, 2) },
      { at: [2, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], 3] },
      { at: [2, "ridge"], name: "ridge", ...nonNegative([1e-3, 1e3]) },
      { at: [2, "depths"], name: "depths", kind: "bad", values: [[], [0], [3], [1.5], 2], optional: true },
      { at: [2, "kernels"], name: "kernels", kind: "bad", values: [[], ["cntk"], "ntk"], optional: true },
      {
        at: [2, "preprocess"],
        name: "preprocess",
        kind: "choice",
        values: ["centred-unit", "raw"],
        optional: true,
      },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "summarizeAccuracy",
    args: () => [[{ seed: 1, kernel: "ntk", depth: 1, accuracy: 0.5, train: 2, test: 2 }]],
    params: [{ at: [0], name: "runs", kind: "bad", values: [null, [], 5] }],
  },
  {
    export: "circleKernelShape",
    args: () => [lab.laplace({ sigma: 1 }), { angleSteps: 8 }],
    inspect: (s) => {
      const { curve, ...numbers } = s as lab.CircleKernelShape;
      return { ...numbers, values: curve.map((p) => p.value) };
    },
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "options", kind: "options" },
      { at: [1, "angleSteps"], name: "angleSteps", ...integer(2) },
    ],
    extra: [
      {
        class: "out of range",
        label: "an odd angleSteps",
        param: "angleSteps",
        args: () => [lab.laplace({ sigma: 1 }), { angleSteps: 7 }],
        expect: { throws: ["7", "even"] },
      },
    ],
  },
  {
    export: "frequencyOrderedRanks",
    args: () => [spectrum8()],
    params: [{ at: [0], name: "spectrum", kind: "object" }],
  },
  {
    export: "fixedOrDash",
    args: () => [-2.0449, 3],
    params: [
      {
        at: [0],
        name: "value",
        kind: "number",
        ok: (v) => Number.isFinite(v),
        probes: [NaN, Infinity, -Infinity],
        accepted: [1e300, -1e-300],
      },
      { at: [1], name: "digits", ...integer(0, 100), optional: true },
    ],
    extra: [
      {
        class: "valid",
        label: "a dash for a missing value, fixed decimals otherwise",
        param: "",
        args: () => [null],
        expect: {
          answer: (r) =>
            assert.deepEqual([r, lab.fixedOrDash(-2.0449, 3), lab.fixedOrDash(1.5)], ["—", "-2.045", "1.50"]),
        },
      },
    ],
  },
  {
    export: "signedSpectrum",
    args: () => [[3, -2, 1e-20, -1], 6],
    params: [
      { at: [0], name: "eigenvalues", kind: "vector", length: "free" },
      { at: [1], name: "n", ...integer(4), optional: true },
    ],
    extra: [
      {
        class: "valid",
        label: "two positive, two negative, one sign under the floor",
        param: "",
        args: () => [[3, -2, 1e-20, -1, 0.5], 6],
        expect: {
          answer: (r) => {
            const s = r as lab.SignedSpectrum;
            assert.deepEqual([s.positive, s.negative, s.maxMagnitude], [2, 2, 3]);
            assert.deepEqual(Array.from(s.byMagnitude), [3, -2, -1, 0.5, 1e-20]);
            assert.deepEqual(Array.from(s.sign), [1, -1, -1, 1, 0]);
          },
        },
      },
    ],
  },
  {
    export: "circleMercerSlope",
    args: () => [lab.laplace({ sigma: 1 }), { from: 2, to: 12, maxFrequency: 8, minimumSpan: 3 }],
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "from"], name: "from", ...integer(1), optional: true },
      { at: [1, "to"], name: "to", ...integer(3), optional: true },
      { at: [1, "maxFrequency"], name: "maxFrequency", ...integer(0), optional: true },
      { at: [1, "method"], name: "method", kind: "choice", values: ["lsq", "endpoints"], optional: true },
      { at: [1, "magnitude"], name: "magnitude", kind: "bad", values: [1, "yes"], optional: true },
      { at: [1, "minimumSpan"], name: "minimumSpan", ...integer(1), optional: true },
    ],
    extra: [
      {
        class: "out of range",
        label: "an unknown option",
        param: "options",
        args: () => [lab.laplace({ sigma: 1 }), { shorten: true }],
        expect: { throws: ["shorten", "allowed"] },
      },
    ],
  },
  {
    export: "circleWindowSlope",
    args: () => [lab.laplace({ sigma: 1 }), { from: 2, to: 12, maxFrequency: 8 }],
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "options", kind: "options" },
      { at: [1, "from"], name: "from", ...integer(1) },
      { at: [1, "to"], name: "to", ...integer(3) },
      { at: [1, "maxFrequency"], name: "maxFrequency", ...integer(0) },
      { at: [1, "magnitude"], name: "magnitude", kind: "bad", values: [1, "yes"], optional: true },
    ],
  },
  {
    export: "circleMatrixSlopes",
    args: () => [lab.laplace({ sigma: 1 }), [{ n: 12, method: "dense" }], { from: 2, to: 10 }],
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "matrices", kind: "bad", values: [null, 5, [], [5]] },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "from"], name: "from", ...integer(1), optional: true },
      { at: [2, "to"], name: "to", ...integer(3, 12), optional: true },
      { at: [2, "magnitude"], name: "magnitude", kind: "bad", values: [1, "yes"], optional: true },
    ],
    extra: [
      {
        class: "out of range",
        label: "a matrix smaller than the window",
        param: "n",
        args: () => [lab.laplace({ sigma: 1 }), [{ n: 9, method: "dense" }], { from: 2, to: 10 }],
        expect: { throws: ["matrices[0].n", "9", "to = 10"] },
      },
      {
        class: "wrong type",
        label: "a method that is not dense or circulant",
        param: "method",
        args: () => [lab.laplace({ sigma: 1 }), [{ n: 12, method: "topk" }], { from: 2, to: 10 }],
        expect: { throws: ["matrices[0].method", "topk"] },
      },
    ],
  },
  {
    export: "matchDecaySlope",
    args: () => [
      (alpha: number) => lab.gammaExponential({ alpha, sigma: 1 }),
      {
        from: 2,
        to: 12,
        maxFrequency: 8,
        target: -2.5,
        bracket: [1.2, 1.3],
        bounds: [1, 1.99],
        tolerance: 1e-3,
      },
    ],
    params: [
      { at: [0], name: "family", kind: "bad", values: [null, 5] },
      { at: [1], name: "options", kind: "options" },
      { at: [1, "from"], name: "from", ...integer(1) },
      { at: [1, "to"], name: "to", ...integer(3) },
      { at: [1, "maxFrequency"], name: "maxFrequency", ...integer(0) },
      { at: [1, "magnitude"], name: "magnitude", kind: "bad", values: [1, "yes"], optional: true },
      {
        at: [1, "target"],
        name: "target",
        kind: "number",
        ok: (v) => Number.isFinite(v),
        probes: [NaN, Infinity, -Infinity, null],
      },
      { at: [1, "bracket"], name: "bracket", kind: "bad", values: [null, 5, [1.2]] },
      { at: [1, "bounds"], name: "bounds", kind: "bad", values: [null, 5, [1.99, 1]] },
      { at: [1, "tolerance"], name: "tolerance", ...positive() },
      { at: [1, "penalty"], name: "penalty", ...positive(), optional: true },
    ],
    extra: [
      {
        class: "wrong type",
        label: "a family that returns no kernel",
        param: "family",
        args: () => [
          () => 3,
          {
            from: 2,
            to: 12,
            maxFrequency: 8,
            target: -2.5,
            bracket: [1.2, 1.3],
            bounds: [1, 1.99],
            tolerance: 1e-3,
          },
        ],
        expect: { throws: ["family", "3", "x = 1.2"] },
      },
    ],
  },
  {
    export: "decayKernels",
    args: () => [{ powers: [1, 2] }],
    inspect: (r) => {
      const { segment, biasFree, circle } = r as lab.DecayKernels;
      const named = (c: lab.DecayKernel) => ({ name: c.name, family: c.family });
      return { segment: segment.map(named), biasFree: named(biasFree), circle: circle.map(named) };
    },
    params: [
      { at: [0], name: "options", kind: "options" },
      {
        at: [0, "powers"],
        name: "powers",
        kind: "bad",
        values: [null, [], [0], [1.5], [151], [1, 2, 1], ["1"], 3],
      },
    ],
  },
  ...(["reluPowerName", "reluPowerFamily"] as const).map((name): Row => ({
    export: name,
    args: () => [3],
    params: [{ at: [0], name: "k", ...integer(1, 150) }],
  })),
  {
    export: "matrixDecaySlopes",
    args: () => [decay10(), { from: 2, to: 8, n: 12 }],
    params: [
      { at: [0], name: "eigenvalues", kind: "vector", length: "free" },
      { at: [1], name: "window", kind: "options" },
      { at: [1, "from"], name: "from", ...integer(1, 7) },
      { at: [1, "to"], name: "to", ...integer(3, 10) },
      { at: [1, "n"], name: "n", ...integer(10) },
    ],
  },
  {
    export: "mercerDecaySlopes",
    args: () => [ranked(), { from: 2, to: 10 }],
    params: [
      { at: [0], name: "ranked", kind: "object" },
      { at: [1], name: "window", kind: "options" },
      { at: [1, "from"], name: "from", ...integer(1, 9) },
      { at: [1, "to"], name: "to", ...integer(3, 21) },
    ],
  },
  {
    export: "mercerWindowSlopes",
    args: () => [
      ranked(),
      [
        [2, 10],
        [4, 20],
      ],
      { digits: 2 },
    ],
    params: [
      { at: [0], name: "ranked", kind: "object" },
      {
        at: [1],
        name: "windows",
        kind: "bad",
        values: [[], null, 5, [[2]], [[10, 2]], [[0, 4]], [[2, 22]], [[2.5, 10]], [["2", 10]]],
      },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "digits"], name: "digits", ...integer(0, 15), optional: true },
    ],
  },
  {
    export: "localExponents",
    args: () => [
      spectrum8(),
      [
        [1, 2],
        [2, 6],
      ],
      { relativeError: 0.1, digits: 3 },
    ],
    params: [
      { at: [0], name: "spectrum", kind: "object" },
      {
        at: [1],
        name: "pairs",
        kind: "bad",
        values: [[], null, 5, [[2]], [[6, 2]], [[0, 4]], [[2, 9]], [[1.5, 4]]],
      },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "relativeError"], name: "relativeError", ...range(0, 1), optional: true },
      { at: [2, "digits"], name: "digits", ...integer(0, 15), optional: true },
    ],
  },
  {
    export: "findSlope",
    args: () => [
      lab.slopeRows({ kernel: "k", inputs: "grid", n: 10, theory: -2 }, [
        lab.decaySlope(decay10(), { from: 2, to: 8 }),
        lab.decaySlope(decay10(), { from: 2, to: 8, method: "endpoints" }),
      ]),
      { kernel: "k", inputs: "grid", n: 10, method: "endpoints" },
    ],
    params: [
      { at: [0], name: "rows", kind: "list" },
      { at: [1], name: "which", kind: "options" },
      { at: [1, "kernel"], name: ["kernel", "rows"], kind: "bad", values: [5, null, "other"] },
      { at: [1, "inputs"], name: ["inputs", "rows"], kind: "bad", values: [5, undefined, "other"] },
      { at: [1, "n"], name: ["n", "rows"], kind: "bad", values: ["10", undefined, 11] },
      { at: [1, "method"], name: "method", kind: "choice", values: ["lsq", "endpoints"], optional: true },
    ],
  },
  {
    export: "spectrumAboveFloor",
    args: () => [[1, 0.1, 1e-20], { n: 5, divideBy: 2 }],
    params: [
      { at: [0], name: "values", kind: "vector", length: "free" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "n"], name: "n", ...integer(3), optional: true },
      {
        at: [1, "divideBy"],
        name: "divideBy",
        kind: "number",
        ok: (v) => Number.isFinite(v) && v !== 0,
        probes: [NaN, Infinity, -Infinity, null, 0],
        accepted: [-3, 1e-200],
        optional: true,
      },
    ],
  },
  {
    export: "kernelRegimeRun",
    args: () => [
      lab.mlpNetwork({ activations: ["relu", "sin"], width: 3, seed: 1 }),
      lab.multiSine([1, 2]),
      {
        n: 8,
        rateFraction: 0.5,
        checkpoints: [0, 1, 2],
        learnedBelow: 0.5,
        horizon: 100,
        curveSteps: [],
        grid: [0, 0.5],
      },
    ],
    inspect: (r) => {
      const run = r as lab.KernelRegimeRun;
      return [
        run.eta,
        run.bound,
        ...run.losses,
        ...[...run.netErrors.values(), ...run.kernelErrors.values()].flatMap((e) => [...e]),
      ];
    },
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "target", kind: "object" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "n"], name: "n", ...integer(5) },
      { at: [2, "rateFraction"], name: "rateFraction", ...range(0, 1) },
      {
        at: [2, "checkpoints"],
        name: "checkpoints",
        kind: "bad",
        values: [null, 5, [0], [1, 2], [0, 0.5], [0, NaN], [0, 2, 2]],
      },
      { at: [2, "learnedBelow"], name: "learnedBelow", ...positive() },
      { at: [2, "horizon"], name: "horizon", ...range(1, Infinity, { loIn: true }) },
      { at: [2, "curveSteps"], name: "curveSteps", kind: "bad", values: [5, null, "0"], optional: true },
      { at: [2, "grid"], name: "grid", kind: "vector", length: "free", empty: "accepted", optional: true },
      {
        at: [2, "precision"],
        name: "precision",
        kind: "choice",
        values: ["float64", "float32"],
        optional: true,
      },
    ],
  },
  {
    export: "gaussianProcessStudy",
    args: () => [
      lab.networkKernel(lab.mlp([lab.relu], { biasStd: 1 }), { name: "NTK" }),
      {
        xTrain: [[-1], [0.2], [1]],
        yTrain: [0.5, -0.1, 1],
        grid: [[-1.5], [0], [1.5]],
        xTest: [[0.5], [0.7]],
        yTest: [0.3, 0.1],
      },
      { noise: 1e-6, samples: 2, seed: 3 },
    ],
    inspect: (r) => {
      const { posterior, lower, upper, draws, trainMaxStd, testMse } = r as lab.GaussianProcessStudy;
      return { mean: posterior.mean, lower, upper, draws, trainMaxStd, testMse };
    },
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "data", kind: "options" },
      { at: [1, "xTrain"], name: "xTrain", kind: "points" },
      { at: [1, "yTrain"], name: "yTrain", kind: "vector", length: "fixed" },
      { at: [1, "grid"], name: "grid", kind: "points" },
      { at: [1, "xTest"], name: "xTest", kind: "points" },
      { at: [1, "yTest"], name: "yTest", kind: "vector", length: "fixed" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "noise"], name: "noise", ...nonNegative() },
      { at: [2, "samples"], name: "samples", ...integer(0) },
      { at: [2, "width"], name: "width", ...nonNegative(), optional: true },
      { at: [2, "seed"], name: "seed", ...seed },
    ],
  },
  {
    export: "learningCurve",
    args: () => [
      lab.networkKernel(lab.mlp([lab.relu], { biasStd: 1 })),
      (x: number) => Math.sin(Math.PI * x),
      {
        sizes: [2, 3],
        sets: 2,
        seedOf: (n: number, s: number) => 10 * n + s,
        testPoints: [0, 0.5],
        ridge: 1e-8,
      },
    ],
    inspect: (c) => (c as lab.LearningCurvePoint[]).map((p) => [p.mean, p.low, p.high, ...p.errors]),
    params: [
      { at: [0], name: "kernel", kind: "object" },
      { at: [1], name: "target", kind: "callback", returns: "number" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "sizes"], name: "sizes", kind: "bad", values: [null, [], [0], [1.5], 3] },
      { at: [2, "sets"], name: "sets", ...integer(1) },
      { at: [2, "seedOf"], name: "seedOf", kind: "callback", returns: "number" },
      { at: [2, "testPoints"], name: "testPoints", kind: "vector", length: "free" },
      { at: [2, "domain"], name: "domain", kind: "bad", values: [[1, -1], [0], [0, NaN], 5], optional: true },
      { at: [2, "ridge"], name: "ridge", ...nonNegative(), optional: true },
      {
        at: [2, "band"],
        name: ["band", "band[0]", "band[1]"],
        kind: "bad",
        values: [[0.9, 0.1], [-0.1, 0.5], [0, 2], [0.5], 5],
        optional: true,
      },
      { at: [2, "onFit"], name: "onFit", kind: "bad", values: [5, "tick"], optional: true },
    ],
  },
  {
    export: "networkAgainstDynamics",
    args: () => [
      lab.mlp([lab.relu], { biasStd: 1 }),
      { xTrain: [[-1], [0.2], [1]], yTrain: [0.5, -0.1, 1], grid: [[-1.5], [0], [1.5]] },
      { width: 8, seed: 1, eta: 0.5, steps: [0, 3], kernelPoints: [[-1], [1.5]] },
    ],
    inspect: (r) => {
      const { comparisons, kernelOff, kernelMoved } = r as lab.NetworkAgainstDynamics;
      return { kernelOff, kernelMoved, curves: comparisons.map((c) => [...c.network, ...c.kernel, c.gap]) };
    },
    params: [
      { at: [0], name: "arch", kind: "object" },
      { at: [1], name: "data", kind: "options" },
      { at: [1, "xTrain"], name: "xTrain", kind: "points" },
      { at: [1, "yTrain"], name: "yTrain", kind: "vector", length: "fixed" },
      { at: [1, "grid"], name: "grid", kind: "points", sameDimensionAs: "xTrain" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "width"], name: "width", ...integer(1) },
      { at: [2, "seed"], name: "seed", ...seed },
      { at: [2, "eta"], name: "eta", ...positive() },
      { at: [2, "steps"], name: "steps", kind: "bad", values: [null, [], [-1], [1.5], 3] },
      { at: [2, "kernelPoints"], name: "kernelPoints", kind: "points", sameDimensionAs: "xTrain" },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "sampleSummary",
    args: () => [
      [3, 1, 2, 5],
      [0.1, 0.9],
    ],
    params: [
      { at: [0], name: "values", kind: "vector", length: "free" },
      {
        at: [1],
        name: ["band", "band[0]", "band[1]"],
        kind: "bad",
        values: [null, [0.9, 0.1], [-0.1, 0.5], [0, 2], [0.5], 5],
      },
    ],
  },
  {
    export: "referenceLine",
    args: () => [{ x: 30, y: 1e-3 }, -2, [30, 100], { factor: 4 }],
    params: [
      { at: [0], name: "anchor", kind: "object" },
      { at: [0, "x"], name: "anchor.x", ...positive([1e-3, 1e3]) },
      { at: [0, "y"], name: "anchor.y", ...positive([1e-200, 1e200]) },
      { at: [1], name: "slope", ...finite([0, 5]) },
      { at: [2], name: "xs", kind: "vector", length: "free" },
      { at: [3], name: "options", kind: "options", optional: true },
      { at: [3, "factor"], name: "factor", ...finite([1e300, -1e300]), optional: true },
    ],
  },
  {
    export: "resolvedFrequencies",
    args: () => [spectrum8(), { relativeError: 0.1, minFrequency: 1, maxFrequency: 6 }],
    params: [
      { at: [0], name: "spectrum", kind: "object" },
      { at: [1], name: "options", kind: "options", optional: true },
      { at: [1, "relativeError"], name: "relativeError", ...range(0, 1), optional: true },
      { at: [1, "minFrequency"], name: "minFrequency", ...integer(0, 8), optional: true },
      { at: [1, "maxFrequency"], name: "maxFrequency", ...integer(1, 8), optional: true },
    ],
  },
  {
    export: "matrixAgainstQuadrature",
    args: () => [circulant8(), laplaceSpectrum(8), { n: 8, maxFrequency: 6, relativeError: 0.1 }],
    params: [
      { at: [0], name: "matrix", kind: "object" },
      { at: [1], name: "spectrum", kind: "object" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "n"], name: "n", ...integer(8, 9) },
      { at: [2, "maxFrequency"], name: "maxFrequency", ...integer(1, 8) },
      { at: [2, "relativeError"], name: "relativeError", ...range(0, 1) },
    ],
  },
  {
    export: "gridAliasing",
    args: () => [circulant8(), laplaceSpectrum(16), { n: 8, exponent: 2, from: 2, to: 6 }],
    params: [
      { at: [0], name: "matrix", kind: "object" },
      { at: [1], name: "spectrum", kind: "object" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "n"], name: "n", ...integer(8, 9) },
      { at: [2, "exponent"], name: "exponent", ...range(1, Infinity) },
      { at: [2, "from"], name: "from", ...integer(1, 5) },
      { at: [2, "to"], name: "to", ...integer(3, 8) },
    ],
  },
  {
    export: "kernelRegimeRunEnd",
    args: () => [
      lab.kernelRegimeRun(lab.mlpNetwork({ activations: ["relu"], width: 3, seed: 1 }), lab.multiSine([1]), {
        n: 4,
        rateFraction: 0.5,
        checkpoints: [0, 2],
        learnedBelow: 0.5,
        horizon: 10,
      }),
      4,
    ],
    inspect: (e) => {
      const end = e as lab.KernelRegimeRunEnd;
      return [
        end.loss,
        end.kernelLoss,
        ...end.errors,
        end.weightChange,
        end.kernelChange,
        end.lambdaMaxGrowth,
        end.peakSharpness,
      ];
    },
    params: [
      { at: [0], name: "run", kind: "object" },
      { at: [1], name: "n", ...integer(1) },
    ],
  },
  {
    export: "linearizedGap",
    args: () => [
      lab.mlpNetwork({ activations: ["relu"], width: 3, seed: 1 }),
      lab.multiSine([1, 2]),
      { n: 8, rateFraction: 0.5, checkpoints: [1, 3] },
    ],
    inspect: (g) => (g as { step: number; gap: number }[]).flatMap((r) => [r.step, r.gap]),
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "target", kind: "object" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "n"], name: "n", ...integer(5) },
      { at: [2, "rateFraction"], name: "rateFraction", ...range(0, 1) },
      { at: [2, "checkpoints"], name: "checkpoints", kind: "bad", values: [null, 5, [], [0], [2, 1], [1.5]] },
      {
        at: [2, "precision"],
        name: "precision",
        kind: "choice",
        values: ["float64", "float32"],
        optional: true,
      },
    ],
  },
  {
    export: "cubeLearningRate",
    args: () => [
      lab.mlp([lab.relu], { biasStd: 1 }),
      { d: 3, n: 4, seed: 1, multiples: [0.5, 1.5], steps: 2, width: 3 },
    ],
    inspect: (r) => {
      const run = r as lab.CubeLearningRate;
      return [run.bound, run.limit, ...run.linearized.flatMap((l) => Array.from(l.loss)), run.network.bound];
    },
    params: [
      archParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "d"], name: "d", ...integer(1, 1000) },
      { at: [1, "n"], name: "n", ...integer(2) },
      { at: [1, "seed"], name: "seed", ...integer(0, 2 ** 53 - 1) },
      { at: [1, "multiples"], name: "multiples", kind: "bad", values: [null, 5, [NaN], [0], [-1], [1, 1]] },
      { at: [1, "steps"], name: "steps", ...integer(1) },
      { at: [1, "width"], name: "width", ...integer(1) },
      { at: [1, "divergenceFactor"], name: "divergenceFactor", ...positive([1e-200, 1e200]), optional: true },
      { at: [1, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "learningRateTrials",
    args: () => [
      () => lab.mlpNetwork({ activations: ["relu"], width: 3, seed: 1 }),
      X1(),
      [0.2, -0.1, 0.4],
      { multiples: [0.5, 3], fixed: [1e-3], steps: 2 },
    ],
    inspect: (r) =>
      (r as lab.LearningRateTrial[]).flatMap((t) => [t.learningRate, t.bound, t.initialLoss, t.finalLoss]),
    params: [
      { at: [0], name: "make", kind: "bad", values: [null, 5, {}] },
      { at: [1], name: "X", kind: "points" },
      { at: [2], name: "y", kind: "vector", length: "fixed" },
      { at: [3], name: "options", kind: "options" },
      { at: [3, "multiples"], name: "multiples", kind: "bad", values: [null, 5, [NaN], [0], [-1]] },
      { at: [3, "fixed"], name: "fixed", kind: "bad", values: [null, 5, [Infinity], [0]] },
      { at: [3, "steps"], name: "steps", ...integer(1) },
    ],
  },
  {
    export: "circleModeTest",
    args: () => [
      {
        spec: { n: 8 },
        learningRate: 0.5,
        frequencies: [1, 2],
        checkpoints: [0, 1, 4].map((step) => ({
          step,
          loss: 1,
          errors: [0.9 * 0.8 ** step, 0.5 * 0.9 ** step],
          weightChange: 0,
          kernelChange: step / 10,
          lambdaMax: 4,
        })),
      },
      [4, 3, 2],
      { offBy: 0.1 },
    ],
    inspect: (r) => {
      const t = r as { points: lab.CircleModePoint[]; departures: lab.CircleModeDeparture[] };
      return [
        ...t.points.flatMap((p) => [p.measured, p.predicted]),
        ...t.departures.map((d) => d.ratio ?? 0),
      ];
    },
    allowInfinity: true,
    params: [
      { at: [0], name: "record", kind: "object" },
      { at: [1], name: "lambda", kind: "vector", length: "free" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "offBy"], name: "offBy", ...positive() },
      { at: [2, "minPredicted"], name: "minPredicted", ...positive(), optional: true },
    ],
  },
  ...(["lowestBy", "highestBy"] as const).map((name): Row => ({
    export: name,
    args: () => [[{ v: 2 }, { v: 1 }, { v: 3 }], (item: { v: number }) => item.v],
    params: [
      { at: [0], name: "items", kind: "bad", values: [[], null, 5] },
      { at: [1], name: "value", kind: "callback", returns: "number" },
    ],
  })),
  {
    export: "upperMedian",
    args: () => [[3, 1, 2, 5]],
    params: [{ at: [0], name: "values", kind: "vector", length: "free" }],
  },
  {
    export: "longRunGroups",
    args: () => [
      [
        { pair: "relu+relu", finalLoss: 0.2, topError: 0.5, stop: "budget" },
        { pair: "sin+sin", finalLoss: 1e-7, topError: 0.01, stop: "target" },
      ],
      ["relu+relu", "sin+sin"],
      0.1,
    ],
    params: [
      { at: [0], name: "rows", kind: "bad", values: [null, 5] },
      { at: [1], name: "pairs", kind: "bad", values: [null, 5] },
      { at: [2], name: "learnedBelow", ...positive() },
    ],
  },
  {
    export: "fractionText",
    args: () => [3.2e-5, 1e-16, 1],
    params: [
      { at: [0], name: "value", kind: "bad", values: [-1, NaN, "0.1", null] },
      { at: [1], name: "floor", ...positive() },
      { at: [2], name: "digits", ...integer(0, 20), optional: true },
    ],
  },
  {
    export: "slopeRows",
    args: () => [
      { kernel: "k", inputs: "circle", n: 10, theory: -2 },
      [lab.decaySlope(decay10(), { from: 2, to: 8 })],
      { digits: 2 },
    ],
    params: [
      { at: [0], name: "label", kind: "object" },
      { at: [1], name: "fits", kind: "list" },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "digits"], name: "digits", ...integer(0, 15), optional: true },
    ],
  },
  // regression
  {
    export: "kernelRegression",
    args: () => [K3(), y3(), { ridge: 0.1 }],
    params: [
      { at: [0], name: ["K", "kernel matrix"], kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [1], name: "y", kind: "vector", length: "fixed" },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "ridge"], name: "ridge", ...nonNegative(), optional: true },
      { at: [2, "mode"], name: "mode", kind: "choice", values: ["solve", "lstsq"], optional: true },
    ],
    extra: [
      {
        class: "extreme magnitudes",
        label: "residuals of 1e154 on K = I, ridge 1: the squares' sum overflows, the mean 1e308 does not",
        param: "y",
        args: () => [Matrix.eye(4), new Array<number>(4).fill(2e154), { ridge: 1 }],
        expect: {
          answer: (r) => close([(r as lab.KernelRegression).trainMse], [1e308], { tol: 1e-15 }),
        },
      },
    ],
  },
  {
    export: "kernelRegression",
    label: "kernelRegression, least squares",
    args: () => [K3(), y3(), { mode: "lstsq" }],
    params: [{ at: [0], name: ["K", "kernel matrix"], kind: "matrix", shape: "symmetric", rows: "either" }],
    // The minimum-norm least-squares fit: the mean of y for a constant K, nothing for a zero K.
    degenerate: (r, K) => {
      const mean = y3().reduce((s, v) => s + v, 0) / 3;
      close(
        (r as lab.KernelRegression).trainPredictions,
        new Array<number>(3).fill(K[0][0] === 0 ? 0 : mean),
        { tol: 1e-12 },
      );
    },
    extra: [
      {
        class: "degenerate matrices",
        label: "a constant 359 x 359 K: least squares predicts the mean of y",
        param: "K",
        args: () => [
          new Matrix(359, 359).fill(1),
          Array.from({ length: 359 }, (_, i) => i % 3),
          { mode: "lstsq" },
        ],
        expect: {
          answer: (r) =>
            close((r as lab.KernelRegression).trainPredictions, new Array<number>(359).fill(358 / 359), {
              tol: 1e-9,
            }),
        },
      },
      {
        class: "empty",
        label: "an empty K and y",
        param: "K",
        args: () => [new Matrix(0, 0), []],
        expect: { throws: [/\b0\b|empty/], name: ["K", "y"] },
      },
    ],
  },
  {
    export: "kernelRegression",
    label: "kernelRegression(...).predict",
    args: () => [cross()],
    call: (Kx) => lab.kernelRegression(K3(), y3()).predict(Kx as Matrix),
    params: [{ at: [0], name: "crossKernel", kind: "matrix", shape: "any", rows: "either" }],
  },
  // EigenPro 2 (its results without the wall times, which differ between runs)
  {
    export: "eigenPro",
    args: () => [lab.laplace({ sigma: 1 }), X1(), y3(), { epochs: 2, seed: 1 }],
    inspect: (r) => {
      const { alpha, q, batchSize, stepSize, eigenvalues, history } = r as lab.EigenPro<lab.PointsInput>;
      return {
        alpha: alpha.to2DArray(),
        q,
        batchSize,
        stepSize,
        eigenvalues,
        mse: history.map((h) => h.trainMse),
      };
    },
    params: [
      { at: [0], name: "kernel", kind: "callback", returns: "matrix" },
      { at: [1], name: "X", kind: "points" },
      { at: [2], name: "Y", kind: "vector", length: "fixed" },
      { at: [3], name: "options", kind: "options" },
      { at: [3, "epochs"], name: "epochs", ...integer(1) },
      { at: [3, "seed"], name: "seed", ...seed },
      { at: [3, "subsampleSize"], name: "subsampleSize", ...integer(1, 3), optional: true },
      { at: [3, "q"], name: "q", ...integer(0, 2), optional: true },
      { at: [3, "batchSize"], name: "batchSize", ...integer(1, 3), optional: true },
      { at: [3, "stepSize"], name: "stepSize", ...positive(), optional: true },
      { at: [3, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
      { at: [3, "evaluate"], name: "evaluate", kind: "bad", values: [5, "f"], optional: true },
    ],
  },
  {
    export: "eigenPro",
    label: "eigenPro(...).predict",
    who: "eigenPro.predict",
    args: () => [Y1()],
    call: (P) =>
      lab.eigenPro(lab.laplace({ sigma: 1 }), X1(), y3(), { epochs: 1, seed: 1 }).predict(P as number[][]),
    inspect: (m) => (m as Matrix).to2DArray(),
    params: [{ at: [0], name: "X", kind: "points", sameDimensionAs: "X" }],
  },
  // the EigenPro study of notebook 11 (its results without the wall times, which differ between runs)
  { export: "EIGENPRO_METHODS", takes: "nothing checkable", why: "a constant list of names" },
  {
    export: "eigenProStudy",
    args: () => [
      lab.laplace({ sigma: 1 }),
      {
        train: X1(),
        validation: [[0.2], [0.9]],
        test: [[-0.1]],
        trainLabels: Int32Array.from([0, 1, 0]),
        validationLabels: Int32Array.from([1, 0]),
        testLabels: Int32Array.from([0]),
      },
      { classes: [0, 1], epochs: 2, seed: 1 },
    ],
    inspect: (r) => {
      const { runs, exact, sizes } = r as lab.EigenProStudy;
      return {
        sizes,
        exact: exact && [exact.validation, exact.test],
        runs: runs.map((run) => [
          run.q,
          run.batchSize,
          run.stepSize,
          run.bestEpoch,
          ...run.epochs.flatMap((e) => [e.trainMse, e.validation, e.test]),
        ]),
      };
    },
    params: [
      { at: [0], name: "kernel", kind: "callback", returns: "matrix" },
      { at: [1], name: "split", kind: "object" },
      { at: [1, "train"], name: "split.train", kind: "bad", values: [null, 5, []] },
      {
        at: [1, "trainLabels"],
        name: "trainLabels",
        kind: "bad",
        values: [null, [0, 1, 0], Int32Array.from([0, 1])],
      },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [2, "epochs"], name: "epochs", ...integer(1) },
      { at: [2, "seed"], name: "seed", ...seed },
      {
        at: [2, "methods"],
        name: "methods",
        kind: "bad",
        values: [[], ["SGD"], "GD", ["GD", "GD"]],
        optional: true,
      },
      { at: [2, "subsampleSize"], name: "subsampleSize", ...integer(1, 3), optional: true },
      { at: [2, "exact"], name: "exact", kind: "bad", values: [5, "yes"], optional: true },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "eigenProByDepth",
    // Four distinct 2 x 2 images (tinySet's are multiples of one image: one point after preprocessing).
    args: () => [
      { ...tinySet(), pixels: Float64Array.from({ length: 16 }, (_, j) => (j % 5 === 0 ? 1 : (j % 3) / 4)) },
      { classes: [0, 1], train: 2, validation: 1, test: 1, splitSeed: 1, depths: [1], epochs: 1, seed: 1 },
    ],
    inspect: (r) =>
      (r as lab.EigenProByDepth).studies.map(({ depth, study }) => [
        depth,
        study.exact && study.exact.test,
        ...study.runs.map((run) => run.finalTest),
      ]),
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [1, "train"], name: "train", ...integer(1, 2) },
      { at: [1, "validation"], name: "validation", ...integer(1, 1) },
      { at: [1, "test"], name: "test", ...integer(1, 1) },
      { at: [1, "splitSeed"], name: "splitSeed", ...seed },
      { at: [1, "depths"], name: "depths", kind: "bad", values: [null, [], [0], [1.5], [1, 1], 2] },
      { at: [1, "readout"], name: "readout", kind: "bad", values: ["pool", 5], optional: true },
      { at: [1, "epochs"], name: "epochs", ...integer(1) },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "precomputedKernel",
    args: () => [K3()],
    call: (G) => lab.precomputedKernel(G as Matrix)([[0], [2]], [[1]]),
    params: [{ at: [0], name: "G", kind: "bad", values: [null, 5, new Matrix(2, 3)] }],
  },
  {
    export: "precomputedKernel",
    label: "precomputedKernel(G)(A, B)",
    who: "precomputedKernel",
    args: () => [[[0], [2]]],
    call: (A) => lab.precomputedKernel(K3())(A as number[][], [[1]]),
    params: [{ at: [0], name: "A", kind: "bad", values: [[[0.5]], [[3]], [[0, 1]], null] }],
  },
  // recursive feature machines
  {
    export: "laplaceMahalanobisKernel",
    args: () => [X2(), Y2(), { M: M2(), bandwidth: 0.7 }],
    params: [
      ...pointPair,
      { at: [2], name: "options", kind: "options", optional: true },
      ...mahalanobisParams(2),
    ],
  },
  {
    export: "laplaceMahalanobisKernel",
    label: "laplaceMahalanobisKernel, M as its diagonal",
    args: () => [X2(), Y2(), { M: [2, 0.5] }],
    params: [{ at: [2, "M"], name: "M", kind: "vector", length: "fixed" }],
  },
  ...(["laplaceMahalanobisGradients", "averageGradientOuterProduct"] as const).map((name): Row => ({
    export: name,
    args: () => [X2(), [0.5, -1, 0.25], Y2(), { M: M2(), bandwidth: 0.7 }],
    inspect: (r) => (Array.isArray(r) ? r.map((g: Matrix) => g.to2DArray()) : r),
    params: [
      { at: [0], name: "X", kind: "points" },
      { at: [1], name: "alpha", kind: "vector", length: "fixed" },
      { at: [2], name: "points", kind: "points", sameDimensionAs: "X" },
      { at: [3], name: "options", kind: "options", optional: true },
      ...mahalanobisParams(3),
      ...(name === "averageGradientOuterProduct"
        ? ([
            { at: [3, "centering"], name: "centering", kind: "bad", values: [1, "yes"], optional: true },
            { at: [3, "diagonal"], name: "diagonal", kind: "bad", values: [1, "yes"], optional: true },
          ] as const)
        : []),
    ],
  })),
  {
    export: "rfm",
    args: () => [X2().concat([[0.1, -0.9]]), [0.3, -0.2, 0.8, 0.1], { iterations: 2 }],
    params: [
      { at: [0], name: "X", kind: "points" },
      { at: [1], name: "Y", kind: "vector", length: "fixed" },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "iterations"], name: "iterations", ...integer(0), optional: true },
      { at: [2, "bandwidth"], name: "bandwidth", ...positive(), optional: true },
      { at: [2, "ridge"], name: "ridge", ...nonNegative(), optional: true },
      { at: [2, "centering"], name: "centering", kind: "bad", values: [1, "yes"], optional: true },
      { at: [2, "diagonal"], name: "diagonal", kind: "bad", values: [1, "yes"], optional: true },
      { at: [2, "agopPoints"], name: "agopPoints", ...integer(1), optional: true },
      { at: [2, "seed"], name: "seed", ...seed, optional: true },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
      { at: [2, "evaluate"], name: "evaluate", kind: "bad", values: [5, "f"], optional: true },
    ],
  },
  {
    export: "rfm",
    label: "rfm(...).predict",
    who: "rfm.predict",
    args: () => [Y2()],
    call: (P) => lab.rfm(X2().concat([[0.1, -0.9]]), [0.3, -0.2, 0.8, 0.1]).predict(P as number[][]),
    params: [{ at: [0], name: "points", kind: "points", sameDimensionAs: "X" }],
  },
  {
    export: "standardDeviationBand",
    args: () => [[1, -2, 0], [4, 0, 0.25], 2],
    inspect: (b) => {
      const { lower, upper } = b as lab.StandardDeviationBand;
      return { lower, upper };
    },
    params: [
      { at: [0], name: "mean", kind: "vector", length: "free" },
      { at: [1], name: "variance", kind: "vector", length: "fixed" },
      { at: [2], name: "width", ...nonNegative() },
    ],
    extra: [
      {
        class: "out of range",
        label: "a negative variance",
        param: "variance",
        args: () => [[1, 2], [1, -0.5], 2],
        expect: { throws: ["-0.5", "[1]"] },
      },
    ],
  },
  {
    export: "residualLeft",
    args: () => [lab.gradientDescentDynamics(K3(), y3(), { eta: 0.5 }), [0, 3, 10]],
    inspect: (r) => (r as lab.ResidualLeft[]).map((l) => Array.from(l.remaining)),
    params: [
      { at: [0], name: "dynamics", kind: "object" },
      { at: [1], name: "steps", kind: "bad", values: [null, [], [-1], [1.5], [NaN], 3] },
    ],
  },
  {
    export: "gradientDescentDynamics",
    args: () => [K3(), y3(), { eta: 0.5, initial: [0.1, 0, -0.1] }],
    inspect: (d) => {
      const { eigenvalues, maxStableEta, stable } = d as lab.KernelDynamics;
      return { eigenvalues, maxStableEta, stable, residual: (d as lab.KernelDynamics).residual(3) };
    },
    allowInfinity: true,
    params: [
      { at: [0], name: "K", kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [1], name: "y", kind: "vector", length: "fixed" },
      { at: [2], name: "options", kind: "options" },
      { at: [2, "eta"], name: "eta", ...positive() },
      { at: [2, "initial"], name: "initial", kind: "vector", length: "fixed", optional: true },
    ],
  },
  ...(["residual", "residualByDirection"] as const).map((method): Row => ({
    export: "gradientDescentDynamics",
    label: `gradientDescentDynamics(...).${method}`,
    args: () => [2],
    call: (t) => dynamics(1)[method](t as number),
    allowInfinity: true,
    params: [{ at: [0], name: "t", ...integer(0) }],
  })),
  {
    export: "gradientDescentDynamics",
    label: "gradientDescentDynamics(...).residual on 5 I",
    args: () => [1, 2],
    call: (eta, t) => dynamics(eta as number).residual(t as number),
    allowInfinity: true,
    params: [],
    extra: [
      {
        class: "extreme magnitudes",
        label: "eta = 1 (a negative factor 1 - 5/3): residual(2) = (1 - 5/3)^2 (-y), exact",
        param: "t",
        args: () => [1, 2],
        expect: {
          answer: (r) =>
            close(
              r as Float64Array,
              [1, 2, 3].map((v) => (-v * 4) / 9),
            ),
        },
      },
      {
        class: "extreme magnitudes",
        label: "an unstable eta = 10 grows the residual to Infinity at t = 1000, never NaN",
        param: "t",
        args: () => [10, 1000],
        expect: {
          answer: (r) =>
            assert.ok(
              Array.from(r as Float64Array).every((v) => !Number.isNaN(v) && Math.abs(v) > 1e300),
              `residual ${r}`,
            ),
        },
      },
    ],
  },
  {
    export: "gradientDescentDynamics",
    label: "gradientDescentDynamics(...).flowResidual",
    args: () => [1.5],
    call: (t) => dynamics(1).flowResidual(t as number),
    params: [{ at: [0], name: "time", ...nonNegative() }],
  },
  {
    export: "gradientDescentDynamics",
    label: "gradientDescentDynamics(...).predict",
    args: () => [2, cross(), [0.1, 0.2]],
    call: (t, Kx, f0) => dynamics(0.2).predict(t as number, Kx as Matrix, f0 as number[]),
    params: [
      { at: [0], name: "t", ...integer(0) },
      { at: [1], name: "crossKernel", kind: "matrix", shape: "any", rows: "either" },
      { at: [2], name: "initialTest", kind: "vector", length: "fixed", optional: true },
    ],
  },
  {
    export: "gradientDescentDynamics",
    label: "gradientDescentDynamics(...).flowPredict",
    args: () => [1.5, cross(), [0.1, 0.2]],
    call: (t, Kx, f0) => dynamics(0.2).flowPredict(t as number, Kx as Matrix, f0 as number[]),
    params: [
      { at: [0], name: "time", ...nonNegative() },
      { at: [1], name: "crossKernel", kind: "matrix", shape: "any", rows: "either" },
      { at: [2], name: "initialTest", kind: "vector", length: "fixed", optional: true },
    ],
  },
  {
    export: "gaussianProcessPosterior",
    args: () => [K3(), y3(), cross(), test2(), { noise: 0.1 }],
    inspect: (p) => {
      const { mean, variance, covariance } = p as lab.GaussianProcessPosterior;
      return { mean, variance, covariance };
    },
    params: [
      { at: [0], name: ["K", "kernel matrix"], kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [1], name: "y", kind: "vector", length: "fixed" },
      { at: [2], name: "crossKernel", kind: "matrix", shape: "any", rows: "either" },
      { at: [3], name: "testKernel", kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [4], name: "options", kind: "options", optional: true },
      { at: [4, "noise"], name: "noise", ...nonNegative(), optional: true },
    ],
  },
  {
    export: "trainedEnsemble",
    args: () => [K3(), K3(), y3(), cross(), cross(), test2(), { ridge: 0.1 }],
    inspect: (p) => {
      const { mean, variance, covariance } = p as lab.TrainedEnsemble;
      return { mean, variance, covariance };
    },
    params: [
      { at: [0], name: ["ntk", "kernel matrix"], kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [2], name: "y", kind: "vector", length: "fixed" },
      { at: [3], name: "ntkCross", kind: "matrix", shape: "any", rows: "either" },
      { at: [4], name: "nngpCross", kind: "matrix", shape: "any", rows: "either" },
      { at: [5], name: "nngpTest", kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [6], name: "options", kind: "options", optional: true },
      { at: [6, "ridge"], name: "ridge", ...nonNegative(), optional: true },
    ],
  },
  {
    export: "gaussianProcessPosterior",
    label: "gaussianProcessPosterior(...).sample",
    who: "gaussianProcessPosterior.sample",
    args: () => [2, { seed: 4 }],
    call: (count, source) =>
      lab.gaussianProcessPosterior(K3(), y3(), cross(), test2()).sample(count as number, source as never),
    params: [
      { at: [0], name: "count", ...integer(1) },
      { at: [1], name: ["source", "seed"], kind: "options" },
      { at: [1, "seed"], name: "seed", ...seed },
    ],
  },
  // linalg
  ...(["gemm", "gemmReference"] as const).map((name): Row => ({
    export: name,
    args: () => [matOf(2, 3), matOf(3, 2), matOf(2, 2), { alpha: 0.5, beta: 2 }],
    inspect: (C) => (C as lab.Mat).data,
    params: [
      { at: [0], name: "A", kind: "mat" },
      { at: [1], name: "B", kind: "mat" },
      { at: [2], name: "C", kind: "mat" },
      { at: [3, "alpha"], name: "alpha", ...finite(), optional: true },
      { at: [3, "beta"], name: "beta", ...finite(), optional: true },
    ],
    extra: [
      {
        class: "NaN / Infinity",
        label: "a NaN in row 0 of A makes row 0 of C NaN, the other row exact (IEEE, like BLAS)",
        param: "A",
        args: () => {
          const A = matOf(2, 3);
          A.data[1] = NaN;
          return [A, matOf(3, 2), matOf(2, 2)];
        },
        expect: {
          allowNaN: true,
          answer: (C) => {
            const ref = lab.gemmReference(matOf(2, 3), matOf(3, 2), matOf(2, 2)).data;
            const c = C as Float64Array;
            assert.ok(Number.isNaN(c[0]) && Number.isNaN(c[1]));
            assert.deepEqual([c[2], c[3]], [ref[2], ref[3]]);
          },
        },
      },
    ],
  })),
  {
    export: "mat",
    args: () => [2, 3, new Float64Array(6)],
    params: [
      { at: [0], name: "rows", ...integer(0) },
      { at: [1], name: "cols", ...integer(0) },
      { at: [2], name: "data", kind: "bad", values: [[1, 2, 3, 4, 5, 6], new Float64Array(5), "abcdef"] },
    ],
  },
  {
    export: "setGemmBackend",
    args: () => [{}],
    params: [
      { at: [0], name: "options", kind: "options" },
      { at: [0, "backend"], name: "backend", kind: "choice", values: ["wasm", "js", "auto"], optional: true },
      { at: [0, "threads"], name: "threads", ...integer(1), optional: true },
    ],
  },
  { export: "gemmBackend", takes: "nothing checkable", why: "takes no argument" },
  {
    export: "setAnalyticEngine",
    args: () => ["auto"],
    params: [{ at: [0], name: "engine", kind: "choice", values: ["auto", "simd", "js"] }],
  },
  { export: "lastAnalyticEngine", takes: "nothing checkable", why: "takes no argument" },
  {
    export: "gemmReady",
    takes: "nothing checkable",
    why: "async; its only argument bounds how long it polls for workers",
  },
  // report
  {
    export: "startNotebook",
    args: () => ["98-classes", { n: 3 }],
    inspect: (nb) => (nb as lab.Notebook).parameters,
    params: [
      { at: [0], name: "id", kind: "bad", values: [5, null, "notebook", "2-x"] },
      { at: [1], name: "parameters", kind: "bad", values: [null, 5, "abc"] },
      { at: [2], name: "options", kind: "options", optional: true },
      { at: [2, "cache"], name: "cache", kind: "bad", values: [1, "no", null], optional: true },
    ],
  },
  {
    export: "startNotebook",
    label: "startNotebook(...).memo",
    who: "memo",
    args: () => ["a value", { n: 3 }, () => 1],
    call: (name, inputs, compute) =>
      lab.startNotebook("98-classes", {}).memo(name as string, inputs, compute as () => number),
    params: [
      { at: [0], name: "name", kind: "bad", values: [5, null, "", " "] },
      { at: [1], name: "inputs", kind: "bad", values: [new Date(0), undefined] },
      { at: [1, "n"], name: "inputs.n", kind: "bad", values: [new Map(), [new Set()]] },
      { at: [2], name: "compute", kind: "bad", values: [5, null, "f"] },
    ],
  },
  {
    export: "startNotebook",
    label: "startNotebook(...).figure",
    who: "figure",
    args: () => ["classes", figureOptions(), { caption: "c" }],
    call: (name, options, text) =>
      lab.startNotebook("98-classes", {}).figure(name as string, options as never, text as never),
    params: [
      { at: [0], name: "name", kind: "bad", values: [5, null, "Bad Name"] },
      { at: [1], name: "options", kind: "bad", values: [null, 5] },
      { at: [2], name: "text", kind: "object" },
      { at: [2, "caption"], name: "caption", kind: "bad", values: [5, null, undefined] },
    ],
  },
  {
    export: "startNotebook",
    label: "startNotebook(...).finding",
    who: "finding",
    args: () => ["A sentence.", "classes"],
    call: (sentence, figure) => {
      const nb = lab.startNotebook("98-classes", {});
      nb.figure("classes", figureOptions(), { caption: "c" });
      nb.finding(sentence as string, figure as string);
    },
    params: [
      { at: [0], name: "sentence", kind: "bad", values: [5, null, "", "  "] },
      { at: [1], name: "figure", kind: "bad", values: [5, null, "not-drawn"] },
    ],
  },
  {
    export: "startNotebook",
    label: "startNotebook(...).table",
    who: "table",
    args: () => ["classes", fakeFrame(), "a caption"],
    call: (name, df, caption) =>
      lab.startNotebook("98-classes", {}).table(name as string, df as never, caption as string),
    params: [
      { at: [0], name: "name", kind: "bad", values: [5, null, "Bad Name"] },
      { at: [1], name: "df", kind: "object" },
    ],
  },
  {
    export: "composeFigure",
    args: () => [figureOptions(), { title: "t", caption: "c" }],
    params: [
      { at: [0], name: "options", kind: "bad", values: [null, 5] },
      { at: [1], name: "text", kind: "object" },
      { at: [1, "caption"], name: "caption", kind: "bad", values: [5, null, undefined] },
      { at: [1, "title"], name: "title", kind: "bad", values: [5, null] },
    ],
  },
  {
    export: "decadeTicks",
    args: () => [1e-7, 10, 2],
    params: [
      { at: [0], name: "lo", ...positive() },
      { at: [1], name: "hi", ...positive() },
      { at: [2], name: "step", ...integer(1), optional: true },
    ],
  },
  {
    export: "decadesWithin",
    args: () => [[0.05, 3, 42]],
    params: [{ at: [0], name: "values", kind: "vector", length: "free" }],
  },
  {
    export: "rasterize",
    args: () => [lab.composeFigure(figureOptions(), { caption: "c" })],
    inspect: (png) => (png as Buffer).length > 0,
    params: [{ at: [0], name: "svg", kind: "bad", values: [5, null, "", "not an svg"] }],
  },
  {
    export: "tableHtml",
    args: () => [fakeFrame(), "a caption"],
    params: [
      { at: [0], name: "df", kind: "object" },
      { at: [1], name: "caption", kind: "bad", values: [5] },
    ],
  },
  { export: "tableCsv", args: () => [fakeFrame()], params: [{ at: [0], name: "df", kind: "object" }] },
  {
    export: "formatCell",
    takes: "nothing checkable",
    why: "formats any value for a table: NaN, null and undefined show as a dash by design, anything else as text",
  },
  {
    export: "progress",
    args: () => [3, "loop"],
    params: [
      { at: [0], name: "total", ...integer(1) },
      { at: [1], name: "label", kind: "bad", values: [5, null, undefined] },
    ],
  },
  { export: "inKernel", takes: "nothing checkable", why: "takes no argument" },
  {
    export: "projectRoot",
    args: () => [process.cwd()],
    params: [{ at: [0], name: "start", kind: "bad", values: [5, null] }],
  },
  {
    export: "writeFileAtomic",
    args: () => [path.join(output, "a.txt"), "text"],
    params: [
      { at: [0], name: "file", kind: "bad", values: [5, null, ""] },
      { at: [1], name: "data", kind: "bad", values: [5, null, {}] },
    ],
  },
  // training
  {
    export: "train",
    args: () => [
      net1(),
      X1(),
      [0.2, -0.1, 0.4],
      { steps: 2, learningRate: 0.1, record: { every: 1 }, evalPoints: [[0], [0.25]], warn: quiet },
    ],
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
      { at: [2], name: "y", kind: "vector", length: "fixed" },
      { at: [3], name: "options", kind: "options" },
      { at: [3, "steps"], name: "steps", ...integer(0) },
      { at: [3, "learningRate"], name: "learningRate", ...positive() },
      { at: [3, "optimizer"], name: "optimizer", kind: "choice", values: ["gd", "adam"], optional: true },
      {
        at: [3, "learningRateCheck"],
        name: "learningRateCheck",
        kind: "choice",
        values: ["warn", "error", "off"],
        optional: true,
      },
      { at: [3, "divergenceFactor"], name: "divergenceFactor", ...range(1, Infinity), optional: true },
      { at: [3, "targetLoss"], name: "targetLoss", ...nonNegative(), optional: true },
      { at: [3, "progress"], name: "progress", kind: "bad", values: [true, "training", 5], optional: true },
      { at: [3, "record", "every"], name: "record.every", ...integer(1) },
      {
        at: [3, "evalPoints"],
        name: "evalPoints",
        kind: "points",
        optional: true,
        sameDimensionAs: "net.inputDim",
      },
    ],
  },
  {
    export: "train",
    label: "train with adam",
    args: () => [
      net1(),
      X1(),
      [0.2, -0.1, 0.4],
      { steps: 2, learningRate: 0.1, optimizer: "adam", adam: { beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } },
    ],
    params: [
      { at: [3, "adam", "beta1"], name: "adam.beta1", ...range(0, 1, { loIn: true }), optional: true },
      { at: [3, "adam", "beta2"], name: "adam.beta2", ...range(0, 1, { loIn: true }), optional: true },
      { at: [3, "adam", "epsilon"], name: "adam.epsilon", ...positive(), optional: true },
    ],
  },
  {
    export: "lossAndGradient",
    args: () => [net1(), X1(), [0.2, -0.1, 0.4]],
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
      { at: [2], name: "y", kind: "vector", length: "fixed" },
    ],
  },
  {
    export: "stableLearningRate",
    args: () => [net1(), X1()],
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
    ],
  },
  {
    export: "mseLoss",
    args: () => [Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1), 2],
    params: [
      { at: [0], name: "F", kind: "vector", length: "fixed" },
      { at: [1], name: "Y", kind: "vector", length: "fixed" },
      { at: [2], name: "n", ...integer(1, 4) },
    ],
  },
  {
    export: "mlpNetwork",
    args: () => [
      {
        activations: ["relu", "sin"],
        width: 3,
        inputDim: 2,
        outputs: 2,
        weightStd: 1.5,
        biasStd: 0.1,
        seed: 1,
      },
    ],
    inspect: (net) => (net as lab.Network).params,
    params: [
      { at: [0], name: "options", kind: "options" },
      { at: [0, "activations"], name: "activations", kind: "list" },
      { at: [0, "width"], name: "width", ...integer(1) },
      { at: [0, "inputDim"], name: "inputDim", ...integer(1), optional: true },
      { at: [0, "outputs"], name: "outputs", ...integer(1), optional: true },
      {
        at: [0, "parameterization"],
        name: "parameterization",
        kind: "choice",
        values: ["ntk", "standard", "default"],
        optional: true,
      },
      { at: [0, "weightStd"], name: "weightStd", ...nonNegative([0, 1e200]), optional: true },
      { at: [0, "biasStd"], name: "biasStd", ...nonNegative([0, 1e200]), optional: true },
      { at: [0, "seed"], name: "seed", ...seed },
    ],
  },
  {
    export: "activationByName",
    args: () => ["relu3"],
    inspect: (a) => (a as lab.Activation).scale,
    params: [{ at: [0], name: "name", kind: "bad", values: [5, null, "tanh", "relu0"] }],
  },
  // optimize
  // f may return +Infinity (outside its domain, or overflowing): the optimizers report it as f's value.
  {
    export: "bracketMinimum",
    allowInfinity: true,
    args: () => [sq, -1, 0, { lower: -5, upper: 5, maxEvaluations: 50 }],
    params: [
      { at: [0], name: "f", kind: "callback", returns: "number" },
      { at: [1], name: "x0", ...finite([-1e300]) },
      { at: [2], name: "x1", ...finite([1e300]) },
      {
        at: [3, "lower"],
        name: "lower",
        kind: "number",
        ok: (v) => v < Infinity,
        probes: [NaN, Infinity, null],
        optional: true,
      },
      {
        at: [3, "upper"],
        name: "upper",
        kind: "number",
        ok: (v) => v > -Infinity,
        probes: [NaN, -Infinity, null],
        optional: true,
      },
      { at: [3, "maxEvaluations"], name: "maxEvaluations", ...integer(3), optional: true },
    ],
  },
  ...(["brentMinimize", "goldenSectionMinimize"] as const).map((name): Row => ({
    export: name,
    allowInfinity: true,
    args: () => [sq, -1, 2, { absoluteTolerance: 1e-9, relativeTolerance: 1e-8, maxIterations: 100 }],
    params: [
      { at: [0], name: "f", kind: "callback", returns: "number" },
      { at: [1], name: "lower", ...finite([-1e300]) },
      { at: [2], name: "upper", ...finite([1e300]) },
      { at: [3, "absoluteTolerance"], name: "absoluteTolerance", ...positive(), optional: true },
      { at: [3, "relativeTolerance"], name: "relativeTolerance", ...nonNegative(), optional: true },
      { at: [3, "maxIterations"], name: "maxIterations", ...integer(1), optional: true },
    ],
  })),
  {
    export: "minimizeScalar",
    args: () => [sq, { bracket: [-1, 0], method: "golden", maxBracketEvaluations: 50 }],
    params: [
      { at: [0], name: "f", kind: "callback", returns: "number" },
      { at: [1], name: "options", kind: "options" },
      { at: [1, "bracket"], name: "bracket", kind: "bad", values: [5, [1], [1, 2, 3], [NaN, 1], [1, 1]] },
      { at: [1, "method"], name: "method", kind: "choice", values: ["brent", "golden"], optional: true },
      { at: [1, "maxBracketEvaluations"], name: "maxBracketEvaluations", ...integer(3), optional: true },
    ],
  },
  {
    export: "minimizeScalar",
    label: "minimizeScalar on bounds",
    args: () => [sq, { bounds: [-1, 2], absoluteTolerance: 1e-9 }],
    params: [
      { at: [1, "bounds"], name: "bounds", kind: "bad", values: [5, [1], [2, 1], [NaN, 1], [-Infinity, 1]] },
      { at: [1, "absoluteTolerance"], name: "absoluteTolerance", ...positive(), optional: true },
    ],
  },
  // targets, fourier, spectral bias
  {
    export: "multiSine",
    args: () => [[1, 3], { amplitudes: [1, 0.5], period: 2 }],
    inspect: (s) => ({ ...(s as object), values: (s as lab.SineSeries).at([0.1, 0.5, -0.7]) }),
    params: [
      { at: [0], name: "frequencies", kind: "vector", length: "free" },
      { at: [1, "amplitudes"], name: "amplitudes", kind: "vector", length: "fixed", optional: true },
      { at: [1, "period"], name: "period", ...positive(), optional: true },
    ],
  },
  {
    export: "multiSine",
    label: "multiSine(...).at",
    who: "SineSeries.at",
    args: () => [[0.1, 0.5, -0.7]],
    call: (xs) => sineSeries().at(xs as number[]),
    params: [{ at: [0], name: "xs", kind: "vector", length: "free", empty: "accepted" }],
  },
  {
    export: "squareWaveSeries",
    args: () => [5, { period: 2 }],
    inspect: (s) => ({ ...(s as object), values: (s as lab.SineSeries).at([0.1, 0.5, -0.7]) }),
    params: [
      { at: [0], name: "maxHarmonic", ...integer(1) },
      { at: [1, "period"], name: "period", ...positive(), optional: true },
    ],
  },
  {
    export: "periodicGrid",
    args: () => [4, { from: -2, to: 3 }],
    params: [
      { at: [0], name: "n", ...integer(1) },
      { at: [1, "from"], name: "from", ...finite(), optional: true },
      { at: [1, "to"], name: "to", ...finite(), optional: true },
    ],
  },
  {
    export: "fourierComponents",
    args: () => [[1, 0.5, -0.2, 0.3, 0.1, -0.4, 0.2, 0], { from: -1, period: 2 }],
    params: [
      { at: [0], name: "values", kind: "vector", length: "free" },
      { at: [1, "from"], name: "from", ...finite(), optional: true },
      { at: [1, "period"], name: "period", ...positive(), optional: true },
    ],
  },
  {
    export: "componentErrors",
    args: () => [
      Array.from(lab.periodicGrid(8), (x) => 0.5 * Math.sin(Math.PI * x)),
      lab.multiSine([1, 2]),
      { from: -1 },
    ],
    params: [
      { at: [0], name: "residual", kind: "vector", length: "free" },
      { at: [1], name: "target", kind: "object" },
      { at: [2, "from"], name: "from", ...finite(), optional: true },
    ],
  },
  {
    export: "trainTrajectory",
    args: () => [
      lab.mlpNetwork({ activations: ["relu"], width: 3, seed: 1 }),
      Array.from(lab.periodicGrid(8), (x) => [x]),
      lab.multiSine([1, 2]),
      { steps: 3, learningRate: 0.1, checkpoints: [0, 2], measureKernel: true, warn: quiet },
    ],
    inspect: (r) => (r as lab.Trajectory).checkpoints.map((c) => [c.step, c.loss, ...c.errors]),
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "points", sameDimensionAs: "net.inputDim" },
      { at: [2], name: "target", kind: "object" },
      { at: [3], name: "options", kind: "options" },
      { at: [3, "steps"], name: "steps", ...integer(0) },
      { at: [3, "learningRate"], name: "learningRate", ...positive() },
      { at: [3, "checkpoints"], name: "checkpoints", kind: "bad", values: [null, 5, [-1], [0.5], [NaN]] },
      { at: [3, "measureKernel"], name: "measureKernel", kind: "bad", values: [1, "yes"], optional: true },
    ],
  },
  {
    export: "kernelForecast",
    args: () => {
      const x = lab.periodicGrid(8);
      const K = new Matrix(8, 8);
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8; j++) K.set(i, j, 1 + Math.cos(Math.PI * (x[i] - x[j])));
      return [K, new Float64Array(8), lab.multiSine([1]), { eta: 0.5, threshold: 0.1, horizon: 1e6 }];
    },
    params: [
      { at: [0], name: "K", kind: "matrix", shape: "symmetric", rows: "either" },
      { at: [1], name: "output", kind: "vector", length: "fixed" },
      { at: [2], name: "target", kind: "object" },
      { at: [3], name: "options", kind: "options" },
      { at: [3, "eta"], name: "eta", ...positive() },
      { at: [3, "threshold"], name: "threshold", ...positive(), optional: true },
      {
        at: [3, "horizon"],
        name: "horizon",
        kind: "number",
        ok: (v) => Number.isFinite(v) && v >= 1,
        probes: [NaN, Infinity, null, 0, 0.5, -1],
        optional: true,
      },
    ],
  },
  ...(["studyRun", "studyNetwork", "sweepAdamRate"] as const).map((name): Row => ({
    export: name,
    args: () => [
      {
        pair: ["relu"],
        parameterization: "ntk",
        targetName: "multi-sine",
        target: lab.multiSine([1, 2]),
        inputs: "line",
        n: 8,
        width: 3,
        biasStd: 0.5,
        seed: 1,
        optimizer: "gd",
        rate: { fractionOfBound: 0.5 },
        maxSteps: 3,
        perDecade: 2,
      },
      ...(name === "studyRun" ? [5] : name === "sweepAdamRate" ? [[1e-3, 1e-2], 2] : []),
    ],
    inspect: (r) =>
      name === "studyNetwork"
        ? (r as lab.Network).params
        : name === "studyRun"
          ? (r as lab.StudyRunRecord).checkpoints.map((c) => [c.step, c.loss, ...c.errors])
          : r,
    params: [
      { at: [0], name: "spec", kind: "options" },
      { at: [0, "inputs"], name: "spec.inputs", kind: "choice", values: ["line", "circle"] },
      { at: [0, "n"], name: "spec.n", ...integer(4) },
      { at: [0, "pair"], name: "spec.pair", kind: "list" },
      {
        at: [0, "parameterization"],
        name: "spec.parameterization",
        kind: "choice",
        values: ["ntk", "standard", "default"],
      },
      { at: [0, "width"], name: "spec.width", ...integer(1) },
      { at: [0, "biasStd"], name: "spec.biasStd", ...nonNegative() },
      { at: [0, "seed"], name: "spec.seed", ...integer(0, 2 ** 53) },
      { at: [0, "target"], name: "spec.target", kind: "object" },
      ...(name === "studyRun"
        ? ([
            { at: [0, "optimizer"], name: "spec.optimizer", kind: "choice", values: ["gd", "adam"] },
            { at: [0, "rate"], name: "spec.rate", kind: "options" },
            { at: [0, "rate", "fractionOfBound"], name: "spec.rate.fractionOfBound", ...positive() },
            { at: [0, "maxSteps"], name: "spec.maxSteps", ...integer(1) },
            { at: [0, "perDecade"], name: "spec.perDecade", ...integer(1), optional: true },
            { at: [1], name: "gridPoints", ...integer(2), optional: true },
          ] as Param[])
        : name === "sweepAdamRate"
          ? ([
              { at: [1], name: "rates", kind: "bad", values: [null, [], [0], [NaN], 3] },
              { at: [2], name: "steps", ...integer(1) },
            ] as Param[])
          : []),
    ],
  })),
  {
    export: "studyInputs",
    args: () => [{ inputs: "circle", n: 6 }],
    params: [
      { at: [0], name: "spec", kind: "options" },
      { at: [0, "inputs"], name: "spec.inputs", kind: "choice", values: ["line", "circle"] },
      { at: [0, "n"], name: "spec.n", ...integer(4) },
    ],
  },
  {
    export: "logSpacedSteps",
    args: () => [1000, 3],
    params: [
      { at: [0], name: "maxStep", ...integer(0) },
      { at: [1], name: "perDecade", ...integer(1), optional: true },
    ],
  },
  {
    export: "stepsToLearn",
    args: () => [(t: number) => [1 / (1 + t), 2 / (1 + t)], { maxSteps: 1000, perDecade: 4, threshold: 0.1 }],
    params: [
      { at: [0], name: "errorsAt", kind: "callback", returns: "numbers" },
      { at: [1, "threshold"], name: "threshold", ...positive(), optional: true },
      {
        at: [1, "maxSteps"],
        name: "maxSteps",
        kind: "number",
        ok: (v) => Number.isFinite(v) && v >= 1,
        probes: [NaN, Infinity, null, 0, 0.5, -1],
        optional: true,
      },
      { at: [1, "perDecade"], name: "perDecade", ...integer(1), optional: true },
      { at: [1, "steps"], name: "steps", kind: "bad", values: [null, 5, [], [2, 1], [0, NaN]] },
    ],
  },
  // image data sets
  {
    export: "loadMnistDigits",
    args: () => [],
    inspect: imageSummary,
    params: [],
    extra: [
      {
        class: "valid",
        label: "10,000 images of 28 x 28, digits 0 to 9",
        param: "",
        args: () => [],
        expect: { answer: (r) => assert.deepEqual(r, [10000, 28, 28, 1, 0, 0, 9]) },
      },
    ],
  },
  loaderRows("loadFashionMnist", fashionDir),
  loaderRows("loadCifar10", cifarDir),
  {
    export: "selectClasses",
    args: () => [tinySet(), [1, 0], { perClass: 1, seed: 2 }],
    inspect: imageSummary,
    params: [
      imageSetParam,
      classesParam(1),
      { at: [2], name: "options", kind: "options" },
      { at: [2, "perClass"], name: "perClass", ...integer(1), optional: true },
      { at: [2, "seed"], name: "seed", ...seed },
    ],
    extra: [
      {
        class: "out of range",
        label: "perClass more than a class has",
        param: "perClass",
        args: () => [tinySet(), [1, 0], { perClass: 3, seed: 2 }],
        expect: { throws: ["3", "class 1 has 2"] },
      },
    ],
  },
  {
    export: "splitImages",
    args: () => [tinySet(), { train: 2, validation: 1, test: 1, seed: 3 }],
    inspect: (r) => {
      const s = r as { train: lab.ImageSet; validation: lab.ImageSet; test: lab.ImageSet };
      return [imageSummary(s.train), imageSummary(s.validation), imageSummary(s.test)];
    },
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "train"], name: "train", ...integer(0) },
      { at: [1, "validation"], name: "validation", ...integer(0), optional: true },
      { at: [1, "test"], name: "test", ...integer(0) },
      { at: [1, "seed"], name: "seed", ...seed },
    ],
    extra: [
      {
        class: "out of range",
        label: "train + validation + test more than n",
        param: "train",
        args: () => [tinySet(), { train: 3, validation: 1, test: 1, seed: 3 }],
        expect: { throws: ["n = 4", "3 + 1 + 1 = 5"] },
      },
    ],
  },
  // the convolutional NTK
  {
    export: "conv",
    args: () => [{ size: 3, stride: 1, padding: "same", weightStd: 1, biasStd: 0 }],
    params: [
      { at: [0], name: "options", kind: "options", optional: true },
      { at: [0, "size"], name: "size", kind: "bad", values: [2, 0, 17, 1.5, NaN, "3", null], optional: true },
      { at: [0, "stride"], name: "stride", ...integer(1, 4), optional: true },
      { at: [0, "padding"], name: "padding", kind: "choice", values: ["same", "valid"], optional: true },
      { at: [0, "weightStd"], name: "weightStd", ...nonNegative([0, 1e200]), optional: true },
      { at: [0, "biasStd"], name: "biasStd", ...nonNegative([0, 1e200]), optional: true },
    ],
  },
  { export: "flatten", takes: "nothing checkable", why: "takes no arguments" },
  { export: "globalAveragePool", takes: "nothing checkable", why: "takes no arguments" },
  { export: "IMAGE_KERNEL_NAMES", takes: "nothing checkable", why: "a constant list of names" },
  ...(["cntk", "cntkByDepth"] as const).map((name): Row => ({
    export: name,
    args: () => [convArch(), tinySet(), undefined, { get: "ntk" }],
    inspect: (r) => (Array.isArray(r) ? r.map(entries) : entries(r)),
    params: [
      archParam,
      { at: [1], name: "X", kind: "object" },
      { at: [2], name: "Y", kind: "object", optional: true },
      { at: [3], name: "options", kind: "options", optional: true },
      { at: [3, "get"], name: "get", kind: "choice", values: ["ntk", "nngp"], optional: true },
      { at: [3, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  })),
  ...(["convNetwork", "ConvNetwork"] as const).map((name): Row => ({
    export: name,
    call: name === "ConvNetwork" ? (a, o) => new lab.ConvNetwork(a as never, o as never) : undefined,
    args: () => [convArch(), { height: 2, width: 2, channels: 1, channelsPerLayer: 3, seed: 1 }],
    inspect: (net) => (net as lab.ConvNetwork).params,
    params: [
      archParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "height"], name: "height", ...integer(1) },
      { at: [1, "width"], name: "width", ...integer(1) },
      { at: [1, "channels"], name: "channels", ...integer(1) },
      { at: [1, "channelsPerLayer"], name: "channelsPerLayer", ...integer(1) },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "rng"], name: "rng", kind: "object", optional: true },
    ],
  })),
  {
    export: "empiricalCntk",
    args: () => [
      lab.convNetwork(convArch(), { height: 2, width: 2, channels: 1, channelsPerLayer: 3, seed: 1 }),
      tinySet(),
    ],
    inspect: entries,
    params: [
      { at: [0], name: "net", kind: "object" },
      { at: [1], name: "X", kind: "object" },
      { at: [2], name: "Y", kind: "object", optional: true },
    ],
  },
  {
    export: "cntkWidthConvergence",
    args: () => [convArch(), tinySet(), { widths: [2, 3, 4], seeds: [1] }],
    inspect: (r) => (r as lab.CntkWidthConvergence).errors.map((e) => e.error),
    params: [
      archParam,
      { at: [1], name: "X", kind: "object" },
      { at: [2], name: "options", kind: "options" },
      {
        at: [2, "widths"],
        name: "widths",
        kind: "bad",
        values: [null, [2, 3], [0, 2, 3], [2, 2, 3], [1.5, 2, 3], 5],
      },
      { at: [2, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], [1, 1], 3] },
      { at: [2, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "cntkAccuracy",
    args: () => [
      tinySet(),
      { classes: [0, 1], pool: 4, train: 2, test: 2, seeds: [1], depths: [1], ridge: 1e-3 },
    ],
    inspect: (r) => (r as lab.CntkAccuracy).runs.map((run) => run.accuracy),
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [1, "pool"], name: "pool", ...integer(2, 4) },
      { at: [1, "train"], name: "train", ...integer(1, 2) },
      { at: [1, "test"], name: "test", ...integer(1, 2) },
      { at: [1, "seeds"], name: "seeds", kind: "bad", values: [null, [], [-1], [0.5], [1, 1], 3] },
      { at: [1, "depths"], name: "depths", kind: "bad", values: [null, [], [0], [1.5], [1, 1], 2] },
      { at: [1, "ridge"], name: "ridge", ...nonNegative([1e-3, 1e3]) },
      {
        at: [1, "kernels"],
        name: "kernels",
        kind: "bad",
        values: [[], ["cntk"], "NTK", ["NTK", "NTK"]],
        optional: true,
      },
      { at: [1, "firstStride"], name: "firstStride", ...integer(1, 4), optional: true },
      { at: [1, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "rfmStudy",
    args: () => [
      tinySet(),
      { classes: [0, 1], train: 2, test: 2, seed: 1, iterations: 1, bandwidth: 1, ridge: 1e-3 },
    ],
    // Without the wall times, which differ between runs.
    inspect: (r) => {
      const { fits, metrics, eigenvectors } = r as lab.RfmStudy;
      return {
        fits: fits.map(({ accuracy, testMse }) => [accuracy, testMse]),
        metrics: metrics.map((m) => [...m.diagonal, ...m.eigenvalues, m.trace]),
        eigenvectors: eigenvectors.map((v) => [v.eigenvalue, ...v.vector]),
      };
    },
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [1, "train"], name: "train", ...integer(1, 2) },
      { at: [1, "test"], name: "test", ...integer(1, 2) },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "iterations"], name: "iterations", ...integer(0) },
      { at: [1, "bandwidth"], name: "bandwidth", ...positive() },
      { at: [1, "ridge"], name: "ridge", ...nonNegative() },
      {
        at: [1, "centerings"],
        name: "centerings",
        kind: "bad",
        values: [null, [], [1], [true, true], "true"],
        optional: true,
      },
      { at: [1, "diagonal"], name: "diagonal", kind: "bad", values: [1, "yes"], optional: true },
      { at: [1, "agopPoints"], name: "agopPoints", ...integer(1), optional: true },
      { at: [1, "eigenvectors"], name: "eigenvectors", ...integer(0, 4), optional: true },
      { at: [1, "spectrum"], name: "spectrum", ...integer(1, 4), optional: true },
      {
        at: [1, "preprocess"],
        name: "preprocess",
        kind: "choice",
        values: ["raw", "centred-unit"],
        optional: true,
      },
      { at: [1, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "rfmBaselines",
    // 2 x 2 images: the CNTK's without averaging (one pixel would be a constant image).
    args: () => [tinySet(), { classes: [0, 1], train: 2, test: 2, seed: 1, ridge: 1e-3, cntkDownsample: 0 }],
    inspect: (r) => (r as lab.RfmBaselineRun[]).map((run) => [run.kernel, run.accuracy, run.height]),
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options" },
      { at: [1, "classes"], name: "classes", kind: "bad", values: [null, [0], [0, 0], [0, 10], 5] },
      { at: [1, "train"], name: "train", ...integer(1, 2) },
      { at: [1, "test"], name: "test", ...integer(1, 2) },
      { at: [1, "seed"], name: "seed", ...seed },
      { at: [1, "ridge"], name: "ridge", ...nonNegative([1e-3, 1e3]) },
      {
        at: [1, "kernels"],
        name: "kernels",
        kind: "bad",
        values: [[], ["cntk"], "NTK", ["NTK", "NTK"]],
        optional: true,
      },
      { at: [1, "depth"], name: "depth", ...integer(1, 100), optional: true },
      {
        at: [1, "cntkDownsample"],
        name: "cntkDownsample",
        kind: "bad",
        values: [-1, 0.5, 11, "1"],
        optional: true,
      },
      { at: [1, "progress"], name: "progress", kind: "bad", values: [true, "bar", 5], optional: true },
    ],
  },
  {
    export: "convNet",
    args: () => [2, "flatten", 1],
    inspect: (arch) => lab.describeArchitecture(arch as lab.ConvArchitecture),
    params: [
      { at: [0], name: "depth", ...integer(1, 100) },
      { at: [1], name: "readout", kind: "choice", values: ["flatten", "globalAveragePool"] },
      { at: [2], name: "firstStride", ...integer(1, 4), optional: true },
    ],
  },
  {
    export: "preprocessImages",
    args: () => [tinySet(), { preprocess: "centred-unit" }],
    inspect: imageSummary,
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options", optional: true },
      {
        at: [1, "preprocess"],
        name: "preprocess",
        kind: "choice",
        values: ["centred-unit", "raw"],
        optional: true,
      },
    ],
  },
  {
    export: "cropImages",
    args: () => [
      {
        ...tinySet(),
        n: 1,
        height: 4,
        width: 4,
        pixels: Float64Array.from({ length: 16 }, (_, j) => j),
        labels: Int32Array.of(0),
      },
      1,
    ],
    inspect: imageSummary,
    params: [imageSetParam, { at: [1], name: "margin", ...integer(0, 1) }],
  },
  {
    export: "translateImages",
    args: () => [tinySet(), 1, -1],
    inspect: imageSummary,
    params: [
      imageSetParam,
      { at: [1], name: "down", ...integer(-1, 1) },
      { at: [2], name: "right", ...integer(-1, 1) },
    ],
  },
  {
    export: "downsample2x",
    args: () => [tinySet()],
    inspect: imageSummary,
    params: [imageSetParam],
    extra: [
      {
        class: "wrong dimension",
        label: "an image of odd width",
        param: "set",
        args: () => [{ ...tinySet(), height: 4, width: 1 }],
        expect: { throws: ["4 x 1", "even"] },
      },
      {
        class: "valid",
        label: "each image becomes its mean pixel",
        param: "",
        args: () => [tinySet()],
        expect: { answer: (r) => assert.deepEqual(r, [4, 1, 1, 1, 6 / 64, 24 / 64, 1]) },
      },
    ],
  },
  {
    export: "imagePoints",
    args: () => [tinySet(), { preprocess: "centred-unit" }],
    params: [
      imageSetParam,
      { at: [1], name: "options", kind: "options", optional: true },
      {
        at: [1, "preprocess"],
        name: "preprocess",
        kind: "choice",
        values: ["centred-unit", "raw"],
        optional: true,
      },
    ],
    extra: [
      {
        class: "degenerate matrices",
        label: "a constant image",
        param: "set",
        args: () => [{ ...tinySet(), pixels: new Float64Array(16).fill(0.5) }],
        expect: { throws: ["image 0", "0.5", "raw"] },
      },
      {
        class: "valid",
        label: "rows of zero mean and unit norm",
        param: "",
        args: () => [tinySet()],
        expect: {
          answer: (r) => {
            for (const row of entries(r)) {
              close([row.reduce((s, v) => s + v, 0), Math.hypot(...row)], [0, 1], { tol: 1e-15 });
            }
          },
        },
      },
    ],
  },
  {
    export: "oneHot",
    args: () => [Int32Array.from([1, 0, 1]), [0, 1]],
    params: [{ at: [0], name: "labels", kind: "bad", values: [null, 5, [1, 0, 1]] }, classesParam(1)],
    extra: [
      {
        class: "out of range",
        label: "a label not among the classes",
        param: "labels",
        args: () => [Int32Array.from([1, 2]), [0, 1]],
        expect: { throws: ["labels[1]", "2", "0, 1"] },
      },
      {
        class: "valid",
        label: "+1 in the column of the class",
        param: "",
        args: () => [Int32Array.from([1, 0]), [1, 0]],
        expect: {
          answer: (r) =>
            assert.deepEqual(entries(r), [
              [1, 0],
              [0, 1],
            ]),
        },
      },
    ],
  },
];

/**
 * A kernel of (X, Y?) is also called with Y left out: the symmetric path (K(X, X), each pair once, the
 * diagonal from each point with itself) is a different code path with its own degenerate cases.
 */
const symmetricRows = table.flatMap((r): Row[] => {
  if ("takes" in r || r.label) return [];
  const y = r.params.find((p) => p.kind === "points" && p.name === "Y");
  if (!y) return [];
  return [
    {
      ...r,
      label: `${r.export}, symmetric (Y left out)`,
      args: () => withValue(r.args(), y.at, undefined),
      params: r.params.filter((p) => p !== y),
      extra: [],
    },
  ];
});
const rows = [...table, ...symmetricRows];

// ---- the tests ---------------------------------------------------------------------------------------------

const isNothing = (r: Row | NothingRow): r is NothingRow => "takes" in r;
const exported = lab as unknown as Record<string, (...args: unknown[]) => unknown>;

test("every export of src/index.ts has an entry in the table", () => {
  const named = new Set(rows.map((r) => r.export));
  const runtime = Object.keys(lab);
  const missing = runtime.filter((name) => !named.has(name));
  const stale = [...named].filter((name) => !(name in lab));
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
});

test("entries that take nothing checkable say why", () => {
  for (const r of rows.filter(isNothing)) assert.ok(r.why.length > 10, r.export);
});

for (const row of rows) {
  if (isNothing(row)) continue;
  describe(row.label ?? row.export, () => {
    test("accepts its valid arguments and returns nothing non-finite", () => {
      runCase(
        row,
        { class: "valid", label: "valid", param: "", args: row.args, expect: { finiteOrRefused: true } },
        exported[row.export],
      );
      // finiteOrRefused would let a refusal through: the valid call must succeed.
      const result = (row.call ?? exported[row.export])(...row.args());
      if (row.inspect) row.inspect(result);
    });
    const cases = [...row.params.flatMap((p) => casesFor(row, p)), ...(row.extra ?? [])];
    for (const c of cases) {
      test(`${c.class}: ${c.label}`, () => runCase(row, c, exported[row.export]));
    }
  });
}

test("a bad parameter's Error names the function, the parameter, the value and what is allowed", () => {
  // The checker itself must be able to fail.
  assert.throws(() => checkError(new Error("sigma must be > 0, got -1"), "gaussianKernel", "sigma", ["-1"]));
  assert.throws(() => checkError(new Error("gaussianKernel: bad value"), "gaussianKernel", "sigma", []));
  assert.throws(() => checkError(new TypeError("x.map is not a function"), "ntk", "arch", []));
  checkError(
    new Error("gaussianKernel: sigma must be a finite number > 0, got -1"),
    "gaussianKernel",
    "sigma",
    ["-1"],
  );
});
