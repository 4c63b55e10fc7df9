/**
 * The layer engine (src/kernels/ntk.ts over layers.ts, on its JS engine) against the per-pair recursion it
 * replaced (test/oracle/per-pair-ntk.ts): the same bits for every entry, and serial() as the long form of mlp().
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import { activation, cos, erf, identity, relu, reluPower, sin, type Activation } from "../src/activations";
import { dense, describeArchitecture, mlp, serial, type Architecture } from "../src/layers";
import { kernelsByDepth, nngp, ntk } from "../src/kernels/ntk";
import { onAnalyticEngine } from "./analytic-engine";
import { circlePoints, spherePoints } from "../src/inputs";
import * as oracle from "./oracle/per-pair-ntk";

/** Every entry the same float64 (Object.is: -0 and NaN too). */
function assertSameBits(actual: Matrix, expected: Matrix, what: string): void {
  assert.equal(actual.rows, expected.rows, what);
  assert.equal(actual.columns, expected.columns, what);
  for (let i = 0; i < actual.rows; i++) {
    for (let j = 0; j < actual.columns; j++) {
      const [a, e] = [actual.get(i, j), expected.get(i, j)];
      if (!Object.is(a, e)) assert.fail(`${what} [${i}][${j}]: ${a} vs the oracle's ${e}`);
    }
  }
}

const softplus = activation({
  name: "softplus",
  fn: (z) => Math.log1p(Math.exp(z)),
  derivative: (z) => 1 / (1 + Math.exp(-z)),
});

const architectures: [string, Architecture][] = [
  ["relu", mlp([relu])],
  ["relu + bias", mlp([relu], { biasStd: 1 })],
  ["relu^2, relu^3 + bias", mlp([reluPower(2), reluPower(3)], { biasStd: [0.5, 0.2] })],
  ["sin, relu + bias", mlp([sin, relu], { biasStd: 1 })],
  ["cos, erf, sin", mlp([cos, erf, sin], { weightStd: [1.3, 0.8, 1.1, 2] })],
  ["erf x4 + bias", mlp([erf, erf, erf, erf], { biasStd: 0.1 })],
  ["identity, relu", mlp([identity, relu], { biasStd: [0, 2] })],
  ["relu x8", mlp(new Array<Activation>(8).fill(relu), { biasStd: 0.3 })],
  ["softplus (quadrature), relu", mlp([softplus, relu], { biasStd: 0.5 })],
];

function inputs(): [string, number[][] | Matrix, (number[][] | Matrix)?][] {
  const circle = circlePoints(37, { random: true, seed: 5 });
  const sphere = spherePoints(23, 5, { seed: 3 });
  const awkward = [
    [1, 0],
    [1, 1e-9],
    [-1, 1e-12],
    [0, 0],
    [3e-160, -2e-160],
    [1e100, 3],
    [0.6, 0.8],
    [-0.6, -0.8],
  ];
  return [
    ["37 random circle points", circle],
    ["circle against awkward points", circle, awkward],
    ["awkward points", awkward],
    ["23 points of S^4 against 9 others", sphere, spherePoints(9, 5, { seed: 8 })],
    ["700 circle points (tiles across rows)", circlePoints(700)],
  ];
}

describe("the layer engine", () => {
  // The JS engine, whose bits these tests fix (the compiled code is checked against it in ntk-simd.test.ts).
  onAnalyticEngine("js");
  it("gives the per-pair recursion's bits for every entry of the NTK and the NNGP", () => {
    for (const [name, arch] of architectures) {
      for (const [where, X, Y] of inputs()) {
        if (name.startsWith("softplus") && where.startsWith("700")) continue; // quadrature: slow, same code path
        for (const [kernel, reference] of [
          [ntk, oracle.ntk],
          [nngp, oracle.nngp],
        ] as const) {
          const what = `${kernel.name} ${name} on ${where}`;
          let expected: Matrix;
          try {
            expected = reference(arch, X, Y);
          } catch (error) {
            // Beyond float64 (1e100 through powers of ReLU): the same Error.
            assert.throws(() => kernel(arch, X, Y), { message: (error as Error).message }, what);
            continue;
          }
          assertSameBits(kernel(arch, X, Y), expected, what);
        }
      }
    }
  });

  it("reads a custom dual that writes no gaps as NaN gaps (subtracted), not as the previous layer's", () => {
    // relu's value and derivative only: the engine must subtract for the gaps, as the Dual contract says.
    const valuesOnly = activation({
      name: "relu, values only",
      fn: relu.fn,
      derivative: relu.derivative,
      dual: (io, count) => {
        const full = { ...io, gap: new Float64Array(count), cogap: new Float64Array(count) };
        relu.dual(full, count, true);
      },
    });
    const withNaN = activation({
      name: "relu, NaN gaps",
      fn: relu.fn,
      derivative: relu.derivative,
      dual: (io, count) => {
        relu.dual(io, count, true);
        io.gap.fill(NaN, 0, count);
        io.cogap.fill(NaN, 0, count);
      },
    });
    const X = [
      [1, 0],
      [0, 1],
      [0.6, 0.8],
    ];
    assertSameBits(ntk(mlp([valuesOnly, relu]), X), ntk(mlp([withNaN, relu]), X), "a dual without gaps");
    const close = ntk(mlp([valuesOnly, relu]), X).to1DArray();
    const exact = ntk(mlp([relu, relu]), X).to1DArray();
    close.forEach((v, k) =>
      assert.ok(Math.abs(v - exact[k]) < 1e-12 * exact[0], `entry ${k}: ${v} vs ${exact[k]}`),
    );
  });

  it("throws the per-pair recursion's Error where a layer overflows", () => {
    const arch = mlp(new Array<Activation>(8).fill(reluPower(3)));
    const X = [
      [1e30, 0],
      [0, 1],
    ];
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        return (error as Error).message;
      }
      return "no Error";
    };
    assert.match(
      message(() => ntk(arch, X)),
      /ntk: /,
    );
    assert.equal(
      message(() => ntk(arch, X)),
      message(() => oracle.ntk(arch, X)),
    );
  });
});

describe("kernelsByDepth", () => {
  onAnalyticEngine("js");
  it("gives, in one pass, the bits of each cut network's NTK and NNGP", () => {
    const X = circlePoints(30, { random: true, seed: 2 });
    const Y = spherePoints(7, 2, { seed: 5 });
    for (const [name, arch] of architectures.slice(0, 8)) {
      const L = arch.activations.length;
      for (const get of ["ntk", "nngp"] as const) {
        const all = kernelsByDepth(arch, X, Y, { get });
        const sym = kernelsByDepth(arch, X, undefined, { get });
        assert.equal(all.length, L);
        for (let l = 1; l <= L; l++) {
          const cut = mlp(arch.activations.slice(0, l), {
            weightStd: [...arch.weightStd.subarray(0, l), arch.weightStd[L]],
            biasStd: [...arch.biasStd.subarray(0, l)],
          });
          const kernel = get === "ntk" ? ntk : nngp;
          assertSameBits(all[l - 1], kernel(cut, X, Y), `${get} of ${name} cut after layer ${l}, K(X, Y)`);
          assertSameBits(sym[l - 1], kernel(cut, X), `${get} of ${name} cut after layer ${l}, K(X, X)`);
        }
      }
    }
  });

  it("refuses a bad get or an unknown option, naming them", () => {
    assert.throws(
      () => kernelsByDepth(mlp([relu]), [[1, 0]], undefined, { get: "cov" as never }),
      /kernelsByDepth: get must be "ntk" or "nngp", got "cov"/,
    );
    assert.throws(
      () => kernelsByDepth(mlp([relu]), [[1, 0]], undefined, { depth: 2 } as never),
      /kernelsByDepth: options has no "depth"/,
    );
  });
});

describe("serial", () => {
  it("is the long form of mlp: the same architecture and the same kernel bits", () => {
    const long = serial(
      dense({ weightStd: 1.5, biasStd: 0.2 }),
      relu,
      dense({ weightStd: 0.9, biasStd: 1 }),
      sin,
      dense({ weightStd: 2 }),
    );
    const short = mlp([relu, sin], { weightStd: [1.5, 0.9, 2], biasStd: [0.2, 1] });
    assert.deepEqual(long.weightStd, short.weightStd);
    assert.deepEqual(long.biasStd, short.biasStd);
    assert.deepEqual(long.activations, short.activations);
    assert.deepEqual(long.layers, short.layers);
    const X = circlePoints(12, { random: true, seed: 1 });
    assertSameBits(ntk(long, X), ntk(short, X), "serial vs mlp");
    assert.equal(describeArchitecture(long), "dense(1.5, 0.2) -> relu -> dense(0.9, 1) -> sin -> dense(2)");
  });

  it("refuses layers out of order, an output bias and bad dense scales, naming what is allowed", () => {
    assert.throws(
      () => serial(dense(), relu),
      /serial: layers must be dense, activation, dense, .*got 2 layers/,
    );
    assert.throws(
      () => serial(relu, dense(), relu),
      /serial: layers\[0\] must be a dense layer .*got the activation relu/,
    );
    assert.throws(
      () => serial(dense(), dense(), dense()),
      /serial: layers\[1\] must be an Activation .*got dense\(\{ weightStd: 1, biasStd: 0 \}\)/,
    );
    assert.throws(
      () => serial(dense(), relu, dense({ biasStd: 1 })),
      /serial: layers\[2\] is the output layer and must have no bias \(biasStd 0\), got biasStd 1/,
    );
    assert.throws(
      () => serial(dense(), relu, 3 as never),
      /serial: layers\[2\] must be a dense layer .*got 3/,
    );
    assert.throws(() => dense({ weightStd: -1 }), /dense: weightStd must lie in \[0, Infinity\), got -1/);
    assert.throws(() => dense({ biasStd: NaN }), /dense: biasStd must lie in \[0, Infinity\), got NaN/);
    assert.throws(() => dense({ weightStd: Infinity }), /dense: weightStd/);
  });
});
