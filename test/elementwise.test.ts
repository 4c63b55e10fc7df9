import assert from "node:assert/strict";
import { test } from "node:test";
import {
  activationInArena,
  adamInArena,
  arenaBytes,
  columnSumsInArena,
  derivativeInArena,
  descentInArena,
  passArena,
  type PassArena,
} from "../src/linalg/elementwise";
import { batchTraceOf, type BatchTrace, type Floats } from "../src/network";
import { gemm, gemm32, mat } from "../src/linalg/gemm";
import { mlpNetwork } from "../src/training/model";
import { batchLossAndGradient } from "../src/training/gradient";
import { readDataset } from "../src/training/data";

type Kind = "f64" | "f32";
const make = (kind: Kind, length: number): Floats =>
  kind === "f64" ? new Float64Array(length) : new Float32Array(length);

/** Values that exercise every branch and rounding: signed zeros, NaN, infinities, subnormals, big, small. */
const SPECIAL = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  5e-324,
  -5e-324,
  1e-310,
  1e300,
  -1e300,
  1,
  -1,
  3.5e38,
  1e-45,
];
function values(length: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return i % 7 === 3 ? SPECIAL[(i + seed) % SPECIAL.length] : (s / 2147483648 - 0.5) * 4;
  });
}

/** Equal bit for bit (NaN equal to NaN, +0 different from -0). */
function sameBits(got: Floats, want: Floats, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      const show = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));
      assert.fail(`${what}: entry ${i} is ${show(got[i])}, the JS loop gives ${show(want[i])}`);
    }
  }
}

/** An arena with room for the given arrays, and its copies of them. */
function inArena(kind: Kind, ...arrays: Floats[]): Floats[] {
  const arena = passArena(
    arenaBytes(
      arrays.map((a) => a.length),
      kind === "f64" ? 8 : 4,
    ),
  ) as PassArena;
  assert.ok(arena, "WebAssembly SIMD is available here");
  return arrays.map((a) => arena.copyOf(a));
}

const RELU = (z: number): number => (z > 0 ? z : 0);
const STEP = (z: number): number => (z > 0 ? 1 : 0);

for (const kind of ["f64", "f32"] as const) {
  test(`the activation pass gives the JS loop's bits: relu and identity, with and without bias, odd and even widths (${kind})`, () => {
    for (const [n, w] of [
      [3, 7],
      [4, 8],
      [1, 1],
      [5, 2],
    ]) {
      for (const form of ["relu", "identity"] as const) {
        for (const bias of [true, false]) {
          const h0 = make(kind, n * w);
          h0.set(values(n * w, n + w));
          const b0 = make(kind, w);
          b0.set(values(w, 7 * w));
          const [bs, scale] = [0.37, Math.sqrt(2 / 500)];
          const [h, b, g] = inArena(kind, h0, b0, make(kind, n * w));
          assert.ok(activationInArena(form, h, bias ? b : null, g, n, w, bs, scale));
          const wantH = h0.slice();
          const wantG = make(kind, n * w);
          const s = form === "relu" ? RELU : (z: number) => z;
          for (let i = 0; i < n; i++) {
            for (let r = 0; r < w; r++) {
              if (bias) wantH[i * w + r] += bs * b0[r];
              wantG[i * w + r] = scale * s(wantH[i * w + r]);
            }
          }
          const what = `${form} ${bias ? "with" : "without"} bias, ${n} x ${w}`;
          sameBits(h, wantH, `${what}: h`);
          sameBits(g, wantG, `${what}: g`);
        }
      }
    }
  });

  test(`the derivative, column-sum and update passes give the JS loops' bits (${kind})`, () => {
    for (const length of [1, 2, 9, 64, 1001]) {
      const [h0, d0, g0, p0] = [1, 2, 3, 4].map((seed) => {
        const a = make(kind, length);
        a.set(values(length, seed * length));
        return a;
      });
      for (const form of ["relu", "identity"] as const) {
        const [d, h] = inArena(kind, d0, h0);
        const scale = 0.061;
        assert.ok(derivativeInArena(form, d, h, scale));
        const want = d0.slice();
        const ds = form === "relu" ? STEP : () => 1;
        for (let k = 0; k < length; k++) want[k] *= scale * ds(h0[k]);
        sameBits(d, want, `derivative ${form}, length ${length}`);
      }
      for (const w of [1, 3, length].filter((x) => length % x === 0)) {
        const n = length / w;
        const out0 = make(kind, w);
        out0.set(values(w, 99));
        const [d, out] = inArena(kind, d0, out0);
        assert.ok(columnSumsInArena(d, out, n, w, 0.7));
        const want = out0.slice();
        for (let i = 0; i < n; i++) for (let r = 0; r < w; r++) want[r] += 0.7 * d0[i * w + r];
        sameBits(out, want, `column sums ${n} x ${w}`);
      }
      const [p, g] = inArena(kind, p0, g0);
      assert.ok(descentInArena(p, g, 0.013));
      const want = p0.slice();
      for (let k = 0; k < length; k++) want[k] -= 0.013 * g0[k];
      sameBits(p, want, `descent, length ${length}`);

      const m10 = make(kind, length);
      m10.set(values(length, 5).map((x) => x / 10));
      const m20 = make(kind, length);
      m20.set(values(length, 6).map((x) => x * x));
      const [pa, ga, m1, m2] = inArena(kind, p0, g0, m10, m20);
      const [beta1, beta2, c1, c2, eta, eps] = [0.9, 0.999, 1 - 0.9 ** 3, 1 - 0.999 ** 3, 1e-3, 1e-8];
      assert.ok(adamInArena(pa, ga, m1, m2, beta1, beta2, c1, c2, eta, eps));
      const [wp, w1, w2] = [p0.slice(), m10.slice(), m20.slice()];
      for (let k = 0; k < length; k++) {
        const gk = g0[k];
        w1[k] = beta1 * w1[k] + (1 - beta1) * gk;
        w2[k] = beta2 * w2[k] + (1 - beta2) * gk * gk;
        wp[k] -= (eta * (w1[k] / c1)) / (Math.sqrt(w2[k] / c2) + eps);
      }
      sameBits(m1, w1, `adam m1, length ${length}`);
      sameBits(m2, w2, `adam m2, length ${length}`);
      sameBits(pa, wp, `adam p, length ${length}`);
    }
  });
}

test("the passes refuse (return false, touch nothing) arrays outside one arena or of mixed types", () => {
  const plain = new Float64Array([1, -2, 3]);
  const [inside] = inArena("f64", new Float64Array([4, -5, 6]));
  const [other] = inArena("f64", new Float64Array([7, 8, 9]));
  const [floats] = inArena("f32", new Float32Array([1, 2, 3]));
  assert.equal(descentInArena(plain, inside, 1), false);
  assert.equal(descentInArena(inside, other, 1), false);
  assert.equal(descentInArena(inside, floats, 1), false);
  assert.equal(derivativeInArena("relu", inside, plain, 1), false);
  assert.deepEqual([...plain, ...inside, ...other], [1, -2, 3, 4, -5, 6, 7, 8, 9]);
});

test("an arena refuses an array it has no room for, naming passArena and the sizes", () => {
  const arena = passArena(64 * 1024) as PassArena;
  const left = arena.bytes - 64000;
  arena.zerosLike(new Float64Array(0), 8000);
  assert.throws(
    () => arena.zerosLike(new Float64Array(0), left / 8 + 1),
    new RegExp(
      `^Error: passArena: an array of ${left / 8 + 1} elements does not fit: ${left} of ${arena.bytes} bytes are left`,
    ),
  );
  assert.throws(() => passArena(-1), /passArena: bytes must be an integer >= 0, got -1/);
});

test("a network's forward trace and gradient are the same bits with the step's arrays in an arena", () => {
  for (const precision of ["f64", "f32"] as const) {
    for (const activations of [
      ["relu", "relu"],
      ["relu", "sin"],
      ["identity", "relu"],
    ]) {
      const net = mlpNetwork({ activations, width: 33, biasStd: 0.5, seed: 4, parameterization: "standard" });
      const n = 17;
      const Xs = Array.from({ length: n }, (_, i) => -1 + (2 * i) / n);
      const data = readDataset(
        "test",
        net,
        Xs,
        Xs.map((x) => Math.cos(2 * x)),
      );
      const like = make(precision, 0);
      const arena = passArena(1 << 20) as PassArena;
      const run = (where: "arena" | "plain") => {
        const alloc = (length: number): Floats =>
          where === "arena" ? arena.zerosLike(like, length) : make(precision, length);
        const P = alloc(net.parameterCount);
        P.set(net.params);
        const views = net.viewsOf(P);
        const X = alloc(data.X.length);
        X.set(data.X);
        const trace: BatchTrace<Floats> = {
          n,
          input: X,
          preActivations: net.widths.map((w) => alloc(n * w)),
          features: net.widths.map((w) => alloc(n * w)),
          output: alloc(n),
        };
        const deltas = net.widths.map((w) => alloc(n * w));
        const t = batchTraceOf<Floats>(net, X, n, trace, views);
        assert.equal(t.features[0], trace.features[0], "the trace's arrays are reused");
        const grad = alloc(net.parameterCount);
        batchLossAndGradient<Floats>(net, { n, X, Y: data.Y }, grad, t, deltas, views);
        return { t, grad };
      };
      const a = run("arena");
      const p = run("plain");
      const what = `${activations.join("+")} ${precision}`;
      for (let l = 0; l < net.widths.length; l++) {
        sameBits(a.t.preActivations[l], p.t.preActivations[l], `${what}: preActivations[${l}]`);
        sameBits(a.t.features[l], p.t.features[l], `${what}: features[${l}]`);
      }
      sameBits(a.grad, p.grad, `${what}: gradient`);
    }
  }
});

test("a released arena is taken again by the next call of its size or less, and its arrays come back zeroed", () => {
  const first = passArena(1 << 20) as PassArena;
  const a = first.zerosLike(new Float64Array(0), 100);
  a.fill(7);
  first.release();
  const again = passArena(1000) as PassArena;
  assert.equal(again, first);
  const b = again.zerosLike(new Float64Array(0), 100);
  assert.equal(b.buffer, a.buffer);
  assert.ok(b.every((x) => x === 0));
  const other = passArena(1000) as PassArena;
  assert.notEqual(other, first, "an arena in use is not handed out twice");
  again.release();
  assert.notEqual(passArena(2 << 20), first, "a larger request does not take a smaller spare");
});

for (const kind of ["f64", "f32"] as const) {
  test(`gemm's small products give the same bits on arrays in an arena: outer products, matrix-vector, one row, odd sizes, alpha and beta (${kind})`, () => {
    const shapes: [number, number, number][] = [
      [7, 9, 1],
      [20, 33, 1],
      [9, 1, 13],
      [1, 11, 6],
      [3, 5, 7],
      [13, 2, 21],
      [2, 1, 1],
      [30, 30, 30],
    ];
    for (const [M, N, K] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [
            [1, 0],
            [0.3, 0],
            [1, 1],
            [-1.7, 0.25],
          ]) {
            const a0 = make(kind, M * K);
            a0.set(values(M * K, M + 3 * K));
            const b0 = make(kind, K * N);
            b0.set(values(K * N, N + 5 * K));
            const c0 = make(kind, M * N);
            c0.set(values(M * N, 11).map((x) => (Number.isFinite(x) ? x : 2)));
            const [a, b, c] = inArena(kind, a0, b0, c0);
            const cPlain = c0.slice();
            const product = (x: Floats, y: Floats, z: Floats): void => {
              const options = { transA, transB, alpha, beta };
              const [ar, ac] = transA ? [K, M] : [M, K];
              const [br, bc] = transB ? [N, K] : [K, N];
              if (kind === "f64") {
                gemm(
                  mat(ar, ac, x as Float64Array),
                  mat(br, bc, y as Float64Array),
                  mat(M, N, z as Float64Array),
                  options,
                );
              } else {
                const m = (rows: number, cols: number, data: Floats) => ({
                  rows,
                  cols,
                  data: data as Float32Array,
                });
                gemm32(m(ar, ac, x), m(br, bc, y), m(M, N, z), options);
              }
            };
            product(a, b, c);
            product(a0, b0, cPlain);
            sameBits(
              c,
              cPlain,
              `${M} x ${N} x ${K}, transA ${transA}, transB ${transB}, alpha ${alpha}, beta ${beta}`,
            );
          }
        }
      }
    }
  });
}
