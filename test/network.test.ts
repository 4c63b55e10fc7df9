import assert from "node:assert/strict";
import { test } from "node:test";
import { erf, relu, sin } from "../src/activations";
import { mlp } from "../src/layers";
import { batchTraceOf, network } from "../src/network";
import { Rng } from "../src/random";
import { backward, deltas, traceOf } from "./network-oracle";

test("one hidden relu layer is f = A sqrt(2/k) relu(B x) with A, B read from the flat parameters (Problem Set 4)", () => {
  const k = 7;
  const net = network(mlp([relu]), { inputDim: 3, width: k, seed: 11 });
  const x = [0.4, -1.1, 0.8];
  const B = net.weights[0];
  const A = net.weights[1];
  let f = 0;
  for (let r = 0; r < k; r++) {
    let h = 0;
    for (let c = 0; c < 3; c++) h += B[r * 3 + c] * x[c];
    f += A[r] * Math.sqrt(2 / k) * Math.max(0, h);
  }
  assert.ok(Math.abs(net.forward(x)[0] - f) < 1e-14);
  assert.equal(net.parameterCount, 3 * k + k + k); // B, b (trainable, scaled by biasStd 0), A
  assert.equal(net.parameterization, "ntk");
});

test("backward gives the gradient of every parameter (central finite differences)", () => {
  const net = network(mlp([sin, erf], { weightStd: [1.2, 0.8, 1.5], biasStd: [0.5, 0.3] }), {
    inputDim: 2,
    width: [5, 4],
    outputs: 2,
    seed: 3,
  });
  const x = [0.7, -0.2];
  const seed = [0.6, -1.3];
  const grad = new Float64Array(net.parameterCount);
  backward(net, traceOf(net, x), seed, grad);
  const value = () => {
    const f = net.forward(x);
    return seed[0] * f[0] + seed[1] * f[1];
  };
  const eps = 1e-6;
  for (let p = 0; p < net.parameterCount; p++) {
    const keep = net.params[p];
    net.params[p] = keep + eps;
    const up = value();
    net.params[p] = keep - eps;
    const down = value();
    net.params[p] = keep;
    assert.ok(Math.abs((up - down) / (2 * eps) - grad[p]) < 1e-8, `parameter ${p}`);
  }
});

test("the same seed gives the same network; a different seed a different one", () => {
  const arch = mlp([relu, relu]);
  const a = network(arch, { inputDim: 2, width: 8, seed: 1 });
  const b = network(arch, { inputDim: 2, width: 8, seed: 1 });
  const c = network(arch, { inputDim: 2, width: 8, seed: 2 });
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.params, c.params);
});

test("bad options throw naming parameter, value and allowed range", () => {
  const arch = mlp([relu]);
  assert.throws(
    () => network(arch, { inputDim: 2, width: 0, seed: 1 }),
    /network: width\[0\] must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => network(arch, { inputDim: 0, width: 3, seed: 1 }),
    /inputDim must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => network(arch, { inputDim: 2, width: [3, 3], seed: 1 }),
    /width must be a number or 1 numbers/,
  );
  assert.throws(
    () => network(arch, { inputDim: 2, width: 3, outputs: 1.5, seed: 1 }),
    /outputs must be an integer >= 1, got 1.5/,
  );
  assert.throws(() => network(arch, { inputDim: 2, width: 3 }), /pass a seed/);
  assert.throws(
    () => network(arch, { inputDim: 2, width: 3, seed: 1 }).forward([1]),
    /Network.forward: x must have 2 values \(the network.s inputDim\), got 1/,
  );
});

/** Points of very different norms (0 to 1e150), some with a zero first coordinate. */
function mixedPoints(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const norms = [0, 1e-300, 1e-150, 1e-8, 1, 3, 1e3, 1e150];
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) X[i * d + k] = norms[i % norms.length] * rng.normal();
    if (i % 5 === 2) X[i * d] = 0;
  }
  return X;
}

/** The same float64 (bit for bit; any NaN equals any NaN), or +0 against -0 where zeroSign allows it. */
function same(a: number, b: number, zeroSign: boolean): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || (zeroSign && a === 0 && b === 0);
}

const largest = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const ARCHITECTURES = [relu, erf, sin].flatMap((act) =>
  [1, 2, 3, 4].flatMap((depth) =>
    [0, 0.5].map((biasStd) => mlp(new Array(depth).fill(act), { weightStd: 1.3, biasStd })),
  ),
);
const PARAMETERIZATIONS = ["ntk", "standard", "default"] as const;

test("the batched forward pass is the per-point oracle's bit for bit: relu, erf, sin, bias, depth 1-4, widths 1-300, d = 1, 2, 5", () => {
  // gemm sums each entry over k from 0 like the oracle's dot loop; only its K = 1 product (x w, not 0 + x w)
  // can give -0 for +0, so a zero's sign may differ where a layer's fan-in is 1.
  const n = 24;
  for (const arch of ARCHITECTURES) {
    const L = arch.activations.length;
    // Width 300 (gemm's packed path, two k blocks) at depth 1-2 only, to keep the plain oracle quick.
    for (const width of L > 2 ? [1, 3, 4, 37] : [1, 3, 4, 37, 300]) {
      for (const d of [1, 2, 5]) {
        for (const parameterization of PARAMETERIZATIONS) {
          const outputs = width % 2 === 0 ? 2 : 1;
          const net = network(arch, { inputDim: d, width, outputs, seed: width + d, parameterization });
          const sizes = [d, ...net.widths, outputs];
          const X = mixedPoints(n, d, width);
          const batch = batchTraceOf(net, X, n);
          const where = `${arch.activations[0].name} L=${L} bias=${arch.biasStd[0]} width=${width} d=${d} ${parameterization}`;
          for (let i = 0; i < n; i++) {
            const x = X.subarray(i * d, (i + 1) * d);
            const t = traceOf(net, x);
            // Point i's row of b (row 0 of forward()'s single point) against the oracle's a.
            const check = (a: Float64Array, b: Float64Array, l: number, what: string, row = i) => {
              const w = sizes[l + 1];
              for (let r = 0; r < w; r++) {
                if (!same(a[r], b[row * w + r], sizes[l] === 1))
                  assert.fail(`${where}: ${what} point ${i} unit ${r}`);
              }
            };
            for (let l = 0; l < L; l++) {
              check(t.preActivations[l], batch.preActivations[l], l, `h_${l + 1}`);
              check(t.features[l], batch.features[l], l, `g_${l + 1}`);
            }
            check(t.output, batch.output, L, "output");
            if (i === 3) check(t.output, net.forward(x), L, "forward()", 0);
          }
        }
      }
    }
  }
});

test("the batched backward pass is the oracle's bit for bit with weightScale 1, within 1e-13 otherwise", () => {
  // With weightScale = 1 both sum the same products in the same order (zeros up to sign where gemm's K,
  // a fan-out, is 1). Otherwise deltasBatch scales the sum over units once, the oracle each term, and
  // backwardBatch scales the sum over points once, the oracle each point's term: rounding apart. Measured
  // on these nets: deltas within 4.8e-15 of their point's and layer's largest, gradients within 3.2e-15 of
  // the largest; with width 300 at depth 3-4 and 24 points too, 4.4e-14 and 1.0e-14.
  const n = 12;
  let worstDelta = 0;
  let worstGradient = 0;
  for (const arch of ARCHITECTURES) {
    const L = arch.activations.length;
    for (const width of L > 2 ? [1, 4, 37] : [1, 4, 37, 300]) {
      for (const d of [1, 2, 5]) {
        for (const parameterization of PARAMETERIZATIONS) {
          const outputs = width % 2 === 0 ? 2 : 1;
          const net = network(arch, { inputDim: d, width, outputs, seed: width + d, parameterization });
          const exact = net.weightScale.every((s) => s === 1);
          const sizes = [d, ...net.widths, outputs];
          const X = mixedPoints(n, d, width).map((v) => Math.min(1e3, Math.max(-1e3, v)));
          const rng = new Rng(width + 7 * d);
          const seeds = Float64Array.from({ length: n * outputs }, () => rng.normal());
          const batch = batchTraceOf(net, X, n);
          const batchDeltas = net.deltasBatch(batch, seeds);
          const batchGradient = new Float64Array(net.parameterCount);
          net.backwardBatch(batch, seeds, batchGradient);
          const gradient = new Float64Array(net.parameterCount);
          const where = `${arch.activations[0].name} L=${L} bias=${arch.biasStd[0]} width=${width} d=${d} ${parameterization}`;
          for (let i = 0; i < n; i++) {
            const t = traceOf(net, X.subarray(i * d, (i + 1) * d));
            const seed = seeds.subarray(i * outputs, (i + 1) * outputs);
            const oracle = deltas(net, t, seed);
            for (let l = 0; l <= L; l++) {
              const w = sizes[l + 1];
              const scale = largest(oracle[l]);
              for (let r = 0; r < w; r++) {
                const a = oracle[l][r];
                const b = batchDeltas[l][i * w + r];
                if (!exact) worstDelta = Math.max(worstDelta, Math.abs(a - b) / (scale || 1));
                else if (!same(a, b, sizes[l + 2] === 1))
                  assert.fail(`${where}: delta_${l + 1} point ${i} unit ${r}`);
              }
            }
            backward(net, t, seed, gradient);
          }
          const scale = largest(gradient);
          for (let p = 0; p < gradient.length; p++) {
            if (!exact)
              worstGradient = Math.max(
                worstGradient,
                Math.abs(gradient[p] - batchGradient[p]) / (scale || 1),
              );
            else if (!same(gradient[p], batchGradient[p], false)) assert.fail(`${where}: gradient ${p}`);
          }
        }
      }
    }
  }
  assert.ok(worstDelta < 1e-13, `deltas: ${worstDelta}`);
  assert.ok(worstGradient < 1e-13, `gradients: ${worstGradient}`);
});
