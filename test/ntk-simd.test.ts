/**
 * The compiled SIMD recursion (src/kernels/ntk-simd.ts) against the JS engine of ntk.ts (whose bits the
 * per-pair oracle fixes, test/layers.test.ts): a few ulps of each entry's scale everywhere, a few ulps
 * relative for nearly parallel and antipodal pairs, the JS engine's own bits where the compiled code does
 * not apply, the same bits on one and two threads.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Matrix } from "ml-matrix";
import { activation, cos, erf, identity, relu, reluPower, sin, type Activation } from "../src/activations";
import { mlp, type Architecture } from "../src/layers";
import {
  analyticKernel,
  kernelsByDepth,
  lastAnalyticEngine,
  nngp,
  ntk,
  setAnalyticEngine,
} from "../src/kernels/ntk";
import { networkKernel } from "../src/kernels/kernel";
import { circlePoints, spherePoints } from "../src/inputs";
import { onAnalyticEngine } from "./analytic-engine";
import { gemmBackend, setGemmBackend } from "../src/linalg/gemm";
import { lastTileThreads, tilePoolReady } from "../src/linalg/tile-pool";

const EPS = 2 ** -52;

/** K on the JS engine. */
function onJs<T>(f: () => T): T {
  const previous = setAnalyticEngine("js");
  try {
    return f();
  } finally {
    setAnalyticEngine(previous);
  }
}

/** f's result, which must have come from the compiled code. */
function compiled<T>(f: () => T, what: string): T {
  const out = f();
  assert.equal(lastAnalyticEngine(), "simd", `${what}: the compiled code did not run`);
  return out;
}

const supported: [string, Architecture][] = [
  ["relu", mlp([relu])],
  ["relu + bias", mlp([relu], { biasStd: 1 })],
  ["relu x3", mlp([relu, relu, relu])],
  ["relu x8 + bias", mlp(new Array<Activation>(8).fill(relu), { biasStd: 0.3 })],
  ["relu x30", mlp(new Array<Activation>(30).fill(relu))],
  ["erf x4 + bias", mlp([erf, erf, erf, erf], { biasStd: 0.1 })],
  ["identity, relu", mlp([identity, relu], { biasStd: [0, 2] })],
  ["relu, cos + bias", mlp([relu, cos], { biasStd: 1 })],
  ["sin", mlp([sin])],
  ["cos, weightStd 3", mlp([cos], { weightStd: [3, 1] })],
  ["relu, erf, sin", mlp([relu, erf, sin], { weightStd: [1.3, 0.8, 1.1, 2], biasStd: [0.2, 0.5, 0] })],
  ["sin, relu + bias", mlp([sin, relu], { biasStd: 1 })],
  ["cos, erf, sin", mlp([cos, erf, sin], { weightStd: [1.3, 0.8, 1.1, 2] })],
  ["sin x4", mlp([sin, sin, sin, sin])],
];

/** Nearly parallel and antipodal pairs, and pairs one ulp apart. */
const near = [
  [1, 0],
  [1, 1e-9],
  [1 + EPS, 0],
  [-1, 1e-12],
  [0.6, 0.8],
  [-0.6, -0.8],
  [0.6, 0.8 + EPS],
];
/** Norms from 1e-40 to 1e40 (in the compiled code's range except for sine and cosine layers, past 300). */
const extreme = [...near, [1e40, 3], [1e-40, 2e-40], [-1e-40, -2e-40]];

const inputs: [string, Matrix | number[][], (Matrix | number[][])?][] = [
  ["37 random circle points", circlePoints(37, { random: true, seed: 5 })],
  ["23 points of S^4 against 9", spherePoints(23, 5, { seed: 3 }), spherePoints(9, 5, { seed: 8 })],
  ["near pairs", near],
  ["circle against near pairs", circlePoints(37, { random: true, seed: 5 }), near],
  ["extreme norms", extreme],
  ["301 circle points (tiles, an odd row length)", circlePoints(301, { random: true, seed: 1 })],
];

/** Largest |a - e| / sqrt(K(x,x) K(y,y)) and, over entries above 1e-3 of that scale, |a - e| / |e|, in ulps. */
function errors(a: Matrix, e: Matrix, kx: Matrix, ky: Matrix): { scale: number; relative: number } {
  let scale = 0;
  let relative = 0;
  for (let i = 0; i < e.rows; i++) {
    for (let j = 0; j < e.columns; j++) {
      const s = Math.sqrt(kx.get(i, i) * ky.get(j, j));
      const d = Math.abs(a.get(i, j) - e.get(i, j));
      scale = Math.max(scale, d / s / EPS);
      if (Math.abs(e.get(i, j)) > 1e-3 * s) relative = Math.max(relative, d / Math.abs(e.get(i, j)) / EPS);
    }
  }
  return { scale, relative };
}

describe("the compiled SIMD kernels", () => {
  // The compiled code at any size (auto leaves small matrices to the JS engine).
  onAnalyticEngine("simd");
  it("agree with the JS engine within 64 ulps of each entry's scale sqrt(K(x,x) K(y,y)), and within 64 ulps relative among near pairs and extreme norms", () => {
    for (const [name, arch] of supported) {
      for (const [where, X, Y] of inputs) {
        if (where === "extreme norms" && arch.activations.some((a) => a === sin || a === cos)) continue;
        for (const kernel of [ntk, nngp]) {
          const what = `${kernel.name} ${name} on ${where}`;
          const e = onJs(() => kernel(arch, X, Y));
          const kx = onJs(() => kernel(arch, X));
          const ky = Y ? onJs(() => kernel(arch, Y)) : kx;
          const a = compiled(() => kernel(arch, X, Y), what);
          const { scale, relative } = errors(a, e, kx, ky);
          assert.ok(scale <= 64, `${what}: ${scale.toFixed(1)} ulps of the scale`);
          if (where === "near pairs" || where === "extreme norms")
            assert.ok(relative <= 64, `${what}: ${relative.toFixed(1)} ulps relative`);
        }
      }
    }
  });

  it("give the JS engine's own bits where they do not apply: other activations, extreme norms, past 48 ReLU or 8 sine layers", () => {
    const softplus = activation({
      name: "softplus",
      fn: (z) => Math.log1p(Math.exp(z)),
      derivative: (z) => 1 / (1 + Math.exp(-z)),
    });
    const X = circlePoints(9, { random: true, seed: 2 });
    const cases: [string, Architecture, Matrix | number[][]][] = [
      ["relu^2", mlp([reluPower(2)]), X],
      ["softplus (quadrature)", mlp([softplus]), X],
      [
        "a zero point",
        mlp([relu]),
        [
          [0, 0],
          [1, 0],
        ],
      ],
      [
        "a norm of 1e100",
        mlp([relu]),
        [
          [1e100, 3],
          [1, 0],
        ],
      ],
      [
        "a norm of 3e-160",
        mlp([relu]),
        [
          [3e-160, -2e-160],
          [1, 0],
        ],
      ],
      ["a sine layer's variance past 300", mlp([sin], { weightStd: [30, 1] }), X],
      ["49 ReLU layers", mlp(new Array<Activation>(49).fill(relu)), X],
      ["9 sine layers", mlp(new Array<Activation>(9).fill(sin)), X],
    ];
    for (const [what, arch, P] of cases) {
      const e = onJs(() => ntk(arch, P));
      const a = ntk(arch, P);
      assert.equal(lastAnalyticEngine(), "js", what);
      assert.deepEqual(a.to2DArray(), e.to2DArray(), what);
    }
  });

  it("recompute on the JS engine, and throw its Error, where an entry is not finite", () => {
    const arch = mlp([relu, relu], { weightStd: [1, 1, 1e160] });
    const X = circlePoints(4);
    let expected = "no Error";
    try {
      onJs(() => ntk(arch, X));
    } catch (error) {
      expected = (error as Error).message;
    }
    assert.match(expected, /ntk: .*overflows float64/);
    assert.throws(() => ntk(arch, X), { message: expected });
  });

  it("give the diagonal with the matrix's bits, and each depth of kernelsByDepth with the cut network's", () => {
    const X = circlePoints(41, { random: true, seed: 4 });
    for (const [name, arch] of supported) {
      const K = compiled(() => ntk(arch, X), name);
      const diagonal = networkKernel(arch).diagonal(X);
      assert.equal(lastAnalyticEngine(), "simd", `${name} diagonal`);
      diagonal.forEach((v: number, i: number) =>
        assert.ok(Object.is(v, K.get(i, i)), `${name} diagonal [${i}]`),
      );
      const L = arch.activations.length;
      const all = compiled(() => kernelsByDepth(arch, X), `${name} by depth`);
      for (let l = 1; l <= L; l++) {
        const cut = mlp(arch.activations.slice(0, l), {
          weightStd: [...arch.weightStd.subarray(0, l), arch.weightStd[L]],
          biasStd: [...arch.biasStd.subarray(0, l)],
        });
        assert.deepEqual(all[l - 1].to2DArray(), ntk(cut, X).to2DArray(), `${name} cut after layer ${l}`);
      }
    }
  });

  it("leave an earlier result alone: small kernels share one memory (their rows copied out), large ones have their own", () => {
    const arch = mlp([relu, relu]);
    for (const n of [50, 3000]) {
      const first = ntk(arch, circlePoints(n, { random: true, seed: 1 }));
      const copy = first.getRow(n - 1);
      ntk(arch, circlePoints(n, { random: true, seed: 2 }));
      assert.deepEqual(first.getRow(n - 1), copy, `n = ${n}`);
      assert.equal(first.get(0, n - 1), first.get(n - 1, 0), `n = ${n}: mirrored`);
    }
  });

  it("keep a ReLU after erf exact on the diagonal and for nearly parallel pairs, on both engines (erf's gaps)", () => {
    // mpmath at 40 digits from the closed forms (Williams 1997 for erf, the arc-cosine kernel for ReLU, the
    // sine dual): before erf had gaps, both engines were 5e-9 off on the diagonal and 3e-9 at this angle.
    const cases: [string, Architecture, number[][], number, number, number][] = [
      [
        "K(x, x), erf -> relu -> sin, weightStd 1.3 first",
        mlp([erf, relu, sin], { weightStd: [1.3, 1, 1, 1] }),
        [[0.6, 0.8]],
        0,
        0,
        6.1914949395949696,
      ],
      [
        "K at an angle of 1e-7, erf -> relu",
        mlp([erf, relu]),
        [
          [1, 0],
          [Math.cos(1e-7), Math.sin(1e-7)],
        ],
        0,
        1,
        3.2256999253508577,
      ],
    ];
    for (const [what, arch, P, i, j, exact] of cases) {
      for (const [engine, K] of [
        ["js", onJs(() => ntk(arch, P))],
        ["simd", compiled(() => ntk(arch, P), what)],
      ] as const) {
        const error = Math.abs(K.get(i, j) - exact) / exact;
        assert.ok(
          error <= 4 * EPS,
          `${what} on ${engine}: ${K.get(i, j)} vs ${exact} (${error.toExponential(2)})`,
        );
      }
    }
  });

  it("refuse an engine that is not auto, simd or js, naming it", () => {
    assert.throws(
      () => setAnalyticEngine("fast" as never),
      /setAnalyticEngine: engine must be "auto", "simd" or "js", got "fast"/,
    );
  });

  it("leave small matrices to the JS engine on auto (compiling costs more than they do), large ones compiled", () => {
    const arch = mlp([relu, relu]);
    const previous = setAnalyticEngine("auto");
    try {
      ntk(arch, circlePoints(300));
      assert.equal(lastAnalyticEngine(), "js", "45150 pairs");
      ntk(arch, circlePoints(400));
      assert.equal(lastAnalyticEngine(), "simd", "80200 pairs");
      ntk(arch, circlePoints(200), circlePoints(400));
      assert.equal(lastAnalyticEngine(), "simd", "K(X, Y) of 80000 pairs");
      networkKernel(arch).diagonal(circlePoints(400));
      assert.equal(lastAnalyticEngine(), "simd", "the diagonal of a compiled K(X, X)");
    } finally {
      setAnalyticEngine(previous);
    }
  });
});

describe("the compiled SIMD kernels on two threads", () => {
  onAnalyticEngine("simd");
  let threads = 1;
  before(() => {
    threads = gemmBackend().threads;
    setGemmBackend({ threads: 2 });
  });
  after(() => setGemmBackend({ threads }));

  it("give the same bits as on one thread, with both threads taking tiles", async () => {
    assert.equal(await tilePoolReady(), 2, "the worker did not start");
    const X = circlePoints(600, { random: true, seed: 9 });
    const Y = spherePoints(333, 2, { seed: 1 });
    for (const [name, arch] of supported.slice(0, 8)) {
      const two = [ntk(arch, X), nngp(arch, X, Y), ntk(arch, Y)];
      assert.equal(lastTileThreads(), 2, name);
      setGemmBackend({ threads: 1 });
      const one = [ntk(arch, X), nngp(arch, X, Y), ntk(arch, Y)];
      assert.equal(lastTileThreads(), 1, name);
      setGemmBackend({ threads: 2 });
      one.forEach((m, k) => assert.deepEqual(two[k].to2DArray(), m.to2DArray(), `${name}, matrix ${k}`));
    }
  });

  it("take the analytic kernel's Errors with them", () => {
    assert.throws(() => analyticKernel("ntk", "ntk", mlp([relu]), [[Infinity, 0]]), /ntk: /);
  });
});
