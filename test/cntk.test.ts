/**
 * The convolutional NTK (src/kernels/cntk.ts) against a direct computation of Arora et al.'s recursion
 * (test/oracle/cntk-direct.ts), against the fully connected NTK where the two are the same network, and its
 * invariants; the finite network's empirical NTK is test/conv-network.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EigenvalueDecomposition } from "ml-matrix";
import { erf, relu } from "../src/activations";
import { conv, dense, flatten, globalAveragePool, mlp, serial, describeArchitecture } from "../src/layers";
import { cntk, cntkByDepth, type ConvImages } from "../src/kernels/cntk";
import { ntk, nngp, setAnalyticEngine } from "../src/kernels/ntk";
import { Rng } from "../src/random";
import { directCntk, type DirectLayer } from "./oracle/cntk-direct";
import { cntkAccuracy } from "../src/experiments/cntk-accuracy";

function randomImages(n: number, height: number, width: number, channels: number, seed: number): ConvImages {
  const rng = new Rng(seed);
  const pixels = new Float64Array(n * height * width * channels);
  for (let k = 0; k < pixels.length; k++) pixels[k] = rng.normal();
  return { n, height, width, channels, pixels };
}

function image(set: ConvImages, i: number) {
  const size = set.height * set.width * set.channels;
  return {
    rows: set.height,
    cols: set.width,
    channels: set.channels,
    pixels: set.pixels.subarray(i * size, (i + 1) * size),
  };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("cntk against the direct recursion on tiny images", () => {
  const cases: [string, DirectLayer[], [number, number]][] = [
    [
      "3 layers of 3x3, same padding",
      [1, 1, 1].map(() => ({ size: 3, stride: 1, padding: "same" as const, weightStd: 1, biasStd: 0 })),
      [4, 4],
    ],
    [
      "stride 2 first, biases, scales",
      [
        { size: 3, stride: 2, padding: "same", weightStd: 1.3, biasStd: 0.5 },
        { size: 3, stride: 1, padding: "same", weightStd: 0.9, biasStd: 0.2 },
      ],
      [5, 4],
    ],
    [
      "valid padding, 1x1 then 3x3",
      [
        { size: 1, stride: 1, padding: "valid", weightStd: 1, biasStd: 0.3 },
        { size: 3, stride: 1, padding: "valid", weightStd: 1.1, biasStd: 0 },
      ],
      [4, 3],
    ],
  ];
  for (const [name, layers, [h, w]] of cases) {
    for (const readout of ["flatten", "globalAveragePool"] as const) {
      it(`agrees to 1e-12 for ${name}, ${readout}`, () => {
        const X = randomImages(3, h, w, 2, 7);
        const parts = layers.flatMap((l) => [conv(l), relu]);
        const arch = serial(
          ...parts,
          readout === "flatten" ? flatten() : globalAveragePool(),
          dense({ weightStd: 1.2 }),
        );
        for (const get of ["ntk", "nngp"] as const) {
          const K = cntk(arch, X, undefined, { get });
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) {
              const want = directCntk(layers, readout, 1.2, image(X, i), image(X, j), get);
              const err = relative(K.get(i, j), want);
              assert.ok(
                err < 1e-12,
                `${get} [${i}][${j}]: ${K.get(i, j)} vs direct ${want} (relative ${err})`,
              );
            }
          }
        }
      });
    }
  }
});

describe("cntk where the network is fully connected", () => {
  it("is the mlp's NTK on 1 x 1 images with 1 x 1 filters, with and without a head", () => {
    const X = randomImages(5, 1, 1, 6, 3);
    const points = Array.from({ length: 5 }, (_, i) => Array.from(X.pixels.subarray(i * 6, i * 6 + 6)));
    const bare = serial(
      conv({ size: 1, biasStd: 0.4 }),
      relu,
      conv({ size: 1, weightStd: 1.5 }),
      erf,
      flatten(),
      dense(),
    );
    const net = mlp([relu, erf], { biasStd: [0.4, 0], weightStd: [1, 1.5, 1] });
    const headed = serial(
      conv({ size: 1, biasStd: 0.4 }),
      relu,
      globalAveragePool(),
      dense({ weightStd: 1.5 }),
      erf,
      dense(),
    );
    for (const [arch, name] of [
      [bare, "conv layers"],
      [headed, "a dense head"],
    ] as const) {
      for (const [get, analytic] of [
        ["ntk", ntk],
        ["nngp", nngp],
      ] as const) {
        const K = cntk(arch, X, undefined, { get });
        const want = analytic(net, points);
        for (let i = 0; i < 5; i++) {
          for (let j = 0; j < 5; j++) {
            const err = relative(K.get(i, j), want.get(i, j));
            assert.ok(err < 1e-13, `${name} ${get} [${i}][${j}]: ${K.get(i, j)} vs ${want.get(i, j)}`);
          }
        }
      }
    }
  });
});

describe("cntk's invariants", () => {
  const arch = serial(
    conv(),
    relu,
    conv({ biasStd: 0.3 }),
    relu,
    globalAveragePool(),
    dense(),
    relu,
    dense(),
  );
  const X = randomImages(6, 5, 5, 1, 11);
  it("is symmetric and positive semidefinite, and K(X, Y) is the block of K(X u Y)", () => {
    const K = cntk(arch, X);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) assert.equal(K.get(i, j), K.get(j, i));
    const values = new EigenvalueDecomposition(K).realEigenvalues;
    assert.ok(Math.min(...values) > -1e-12 * Math.max(...values), `eigenvalues ${values.join(", ")}`);
    const size = 25;
    const first = { ...X, n: 2, pixels: X.pixels.slice(0, 2 * size) };
    const rest = { ...X, n: 4, pixels: X.pixels.slice(2 * size) };
    const block = cntk(arch, first, rest);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        assert.ok(relative(block.get(i, j), K.get(i, j + 2)) < 1e-15, `[${i}][${j}]`);
      }
    }
  });
  it("computes every depth in one pass, each the cut network's kernel to the bit", () => {
    const deep = serial(
      conv({ stride: 2 }),
      relu,
      conv(),
      relu,
      conv(),
      relu,
      flatten(),
      dense({ weightStd: 0.7 }),
    );
    const byDepth = cntkByDepth(deep, X);
    assert.equal(byDepth.length, 3);
    for (let l = 1; l <= 3; l++) {
      const layers = [
        conv({ stride: 2 }),
        relu,
        ...Array.from({ length: l - 1 }, () => [conv(), relu]).flat(),
      ];
      const cut = serial(...layers, flatten(), dense({ weightStd: 0.7 }));
      const K = cntk(cut, X);
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 6; j++) assert.equal(byDepth[l - 1].get(i, j), K.get(i, j));
    }
  });
  it("gives an all-zero image a zero row under ReLU without bias", () => {
    const Z = randomImages(3, 4, 4, 1, 2);
    Z.pixels.fill(0, 0, 16);
    const K = cntk(serial(conv(), relu, conv(), relu, globalAveragePool(), dense()), Z);
    for (let j = 0; j < 3; j++) assert.equal(K.get(0, j), 0);
    assert.ok(K.get(1, 1) > 0);
  });
  it("describes itself in words", () => {
    assert.equal(
      describeArchitecture(serial(conv({ stride: 2 }), relu, globalAveragePool(), dense())),
      "conv3x3/2(1, 0) -> relu -> globalAveragePool -> dense(1)",
    );
  });
});

describe("cntk's errors name the function, the parameter and the value", () => {
  const arch = serial(conv(), relu, flatten(), dense());
  const X = randomImages(2, 4, 4, 1, 1);
  it("refuses bad layers in serial", () => {
    assert.throws(() => serial(conv(), relu, dense()), /serial: a convolutional network needs a readout/);
    assert.throws(() => serial(conv(), flatten(), dense()), /serial: layers\[1\] must be an Activation/);
    assert.throws(
      () => serial(conv(), relu, flatten(), dense({ biasStd: 1 })),
      /output layer and must have no bias/,
    );
    assert.throws(() => conv({ size: 4 }), /conv: size must be an odd integer in 1..15, got 4/);
    assert.throws(() => conv({ stride: 0 }), /conv: stride must be an integer in 1..4, got 0/);
    assert.throws(
      () => conv({ padding: "full" as "same" }),
      /conv: padding must be "same" or "valid", got "full"/,
    );
  });
  it("refuses bad images", () => {
    assert.throws(
      () => cntk(arch, { ...X, pixels: X.pixels.slice(1) }),
      /cntk: X.pixels must be a Float64Array of n \* height \* width \* channels = 32 values/,
    );
    const nan = { ...X, pixels: X.pixels.slice() };
    nan.pixels[20] = NaN;
    assert.throws(() => cntk(arch, nan), /cntk: X.pixels\[20\] \(image 1\) must be finite, got NaN/);
    assert.throws(
      () => cntk(arch, X, randomImages(1, 5, 4, 1, 0)),
      /cntk: Y's images must have X's size 4 x 4 x 1, got 5 x 4 x 1/,
    );
    assert.throws(
      () => cntk(serial(conv({ size: 5, padding: "valid" }), relu, flatten(), dense()), X),
      /cntk: conv layer 1 \(size 5, stride 1, "valid" padding\) leaves no position of a 4 x 4 input/,
    );
    assert.throws(() => cntk(mlp([relu]) as never, X), /cntk: arch must be a convolutional Architecture/);
    assert.throws(
      () => cntk(arch, X, undefined, { get: "both" as "ntk" }),
      /cntk: get must be "ntk" or "nngp", got "both"/,
    );
  });
});

describe("cntkAccuracy", () => {
  it("tells vertical from horizontal bars wherever they sit, pooled, with one run per seed, kernel and depth", () => {
    const rng = new Rng(5);
    const n = 40;
    const side = 8;
    const pixels = new Float64Array(n * side * side);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      const at = Math.floor(rng.uniform() * side);
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          const on = labels[i] === 0 ? c === at : r === at;
          pixels[(i * side + r) * side + c] = (on ? 1 : 0) + 0.05 * rng.normal();
        }
      }
    }
    const set = { n, height: side, width: side, channels: 1, pixels, labels, source: "bars" };
    const { runs, seconds } = cntkAccuracy(set, {
      classes: [0, 1],
      pool: 40,
      train: 30,
      test: 10,
      seeds: [1, 2],
      depths: [1, 2],
      ridge: 1e-3,
    });
    assert.equal(runs.length, 2 * 3 * 2);
    assert.deepEqual(Object.keys(seconds).sort(), ["CNTK-GAP", "CNTK-V", "NTK"]);
    for (const run of runs.filter((r) => r.kernel === "CNTK-GAP" && r.depth === 2)) {
      assert.ok(run.accuracy >= 0.9, `seed ${run.seed}: ${run.accuracy}`);
    }
  });
});

describe("cntk's compiled ReLU layer and convolution (WebAssembly SIMD)", () => {
  const engines = (arch: ReturnType<typeof serial>, X: ConvImages, get: "ntk" | "nngp") => {
    const previous = setAnalyticEngine("js");
    try {
      const js = cntkByDepth(arch, X, undefined, { get });
      setAnalyticEngine("auto");
      return { js, compiled: cntkByDepth(arch, X, undefined, { get }) };
    } finally {
      setAnalyticEngine(previous);
    }
  };
  const cases: [string, ReturnType<typeof serial>, ConvImages][] = [
    [
      "odd P, bias, a head",
      serial(conv({ biasStd: 0.4 }), relu, conv(), relu, globalAveragePool(), dense(), relu, dense()),
      randomImages(4, 5, 5, 2, 8),
    ],
    [
      "flatten, odd P, bias",
      serial(conv({ biasStd: 0.3 }), relu, conv(), relu, flatten(), dense()),
      randomImages(5, 5, 3, 2, 10),
    ],
    [
      "stride 2 first (its convolution in JS), erf between",
      serial(conv({ stride: 2 }), relu, conv(), erf, conv(), relu, globalAveragePool(), dense()),
      randomImages(3, 6, 7, 1, 9),
    ],
  ];
  for (const [name, arch, X] of cases) {
    it(`agrees with the JS engine within 1e-14 relative: ${name}`, () => {
      for (const get of ["ntk", "nngp"] as const) {
        const { js, compiled } = engines(arch, X, get);
        js.forEach((K, l) => {
          for (let i = 0; i < X.n; i++) {
            for (let j = 0; j < X.n; j++) {
              const err = relative(compiled[l].get(i, j), K.get(i, j));
              assert.ok(
                err < 1e-14,
                `${get} depth ${l + 1} [${i}][${j}]: ${compiled[l].get(i, j)} vs ${K.get(i, j)}`,
              );
            }
          }
        });
      }
    });
  }
  it("gives a zero image the JS engine's zeros (the zero-variance limit)", () => {
    const Z = randomImages(3, 4, 4, 1, 2);
    Z.pixels.fill(0, 16, 32);
    const { js, compiled } = engines(
      serial(conv(), relu, conv(), relu, globalAveragePool(), dense()),
      Z,
      "ntk",
    );
    for (let j = 0; j < 3; j++) assert.equal(compiled[1].get(1, j), 0);
    assert.ok(relative(compiled[1].get(0, 2), js[1].get(0, 2)) < 1e-14);
  });
});
