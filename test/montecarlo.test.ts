import assert from "node:assert/strict";
import { test } from "node:test";
import { erf, relu, reluPower, sin } from "../src/activations";
import { circlePoints, spherePoints } from "../src/inputs";
import { mlp } from "../src/layers";
import {
  monteCarloNngp,
  monteCarloNngpWithError,
  monteCarloNtk,
  monteCarloNtkWithError,
} from "../src/kernels/montecarlo";
import { nngp, ntk } from "../src/kernels/ntk";
import { network } from "../src/network";
import { traceOf } from "./network-oracle";

const X = spherePoints(6, 3, { seed: 9 }).mul(1.3);

test("two-layer Monte Carlo NTK and NNGP pass a seeded z-test against the analytic kernels", () => {
  for (const arch of [
    mlp([relu]),
    mlp([erf], { biasStd: 1 }),
    mlp([reluPower(2)], { weightStd: [1, 0.7] }),
  ]) {
    for (const [mc, exact] of [
      [monteCarloNtkWithError, ntk],
      [monteCarloNngpWithError, nngp],
    ] as const) {
      const { mean, stdError } = mc(arch, X, undefined, { samples: 4000, seed: 21 });
      const K = exact(arch, X);
      let sumZ2 = 0;
      let count = 0;
      for (let i = 0; i < X.rows; i++) {
        for (let j = i; j < X.rows; j++) {
          const z = (mean.get(i, j) - K.get(i, j)) / stdError.get(i, j);
          assert.ok(Math.abs(z) < 4.5, `${arch.activations[0].name} (${i},${j}): z = ${z}`);
          sumZ2 += z * z;
          count++;
        }
      }
      // Entries are correlated, so only a loose check that the errors are of the size the standard errors claim.
      assert.ok(sumZ2 / count < 4 && sumZ2 / count > 0.05, `mean z^2 ${sumZ2 / count}`);
    }
  }
});

test("the standard error falls like samples^-1/2", () => {
  const arch = mlp([relu]);
  const se = [500, 8000].map((samples) =>
    monteCarloNtkWithError(arch, X, undefined, { samples, seed: 4 }).stdError.get(0, 1),
  );
  const slope = Math.log(se[1] / se[0]) / Math.log(16);
  assert.ok(Math.abs(slope + 0.5) < 0.1, `slope ${slope}`);
});

test("entry-wise and features forms agree exactly for the same seed, deep and with Y", () => {
  const arch = mlp([relu, sin, erf], { biasStd: [1, 0.2, 0.1] });
  const Y = circlePoints(4, { random: true, seed: 8 }).addColumn([0.5, -0.5, 1, 0]);
  for (const f of [monteCarloNtkWithError, monteCarloNngpWithError]) {
    for (const y of [undefined, Y]) {
      const a = f(arch, X, y, { samples: 300, seed: 17, method: "features" });
      const b = f(arch, X, y, { samples: 300, seed: 17, method: "entrywise" });
      assert.deepEqual(a.mean.to2DArray(), b.mean.to2DArray());
      assert.deepEqual(a.stdError.to2DArray(), b.stdError.to2DArray());
    }
  }
  const c = monteCarloNtk(arch, X, undefined, { samples: 300, seed: 18 });
  assert.notDeepEqual(
    c.to2DArray(),
    monteCarloNtk(arch, X, undefined, { samples: 300, seed: 17 }).to2DArray(),
  );
});

test("deep Monte Carlo converges to the analytic deep kernels as samples grow", () => {
  const arch = mlp([relu, relu, relu]);
  // Mean over three seeds of the largest relative deviation; each layer adds a sampling error ~ sqrt(5 / samples).
  const err = (samples: number, f: typeof monteCarloNtk, g: typeof ntk) => {
    const K = g(arch, X);
    const seeds = [1, 2, 3];
    return (
      seeds.reduce(
        (sum, seed) => sum + f(arch, X, undefined, { samples, seed }).sub(K).abs().max() / K.abs().max(),
        0,
      ) / seeds.length
    );
  };
  for (const [f, g] of [
    [monteCarloNtk, ntk],
    [monteCarloNngp, nngp],
  ] as const) {
    const small = err(50, f, g);
    const large = err(1600, f, g);
    assert.ok(large < 0.2 && large < small / 3, `relative errors ${small} -> ${large}`);
  }
});

test("bad Monte Carlo options throw naming the parameter", () => {
  const arch = mlp([relu]);
  assert.throws(
    () => monteCarloNtk(arch, X, undefined, { samples: 0, seed: 1 }),
    /monteCarloNtk: samples must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => monteCarloNngp(arch, X, undefined, { samples: 2.5, seed: 1 }),
    /samples must be an integer >= 1, got 2.5/,
  );
  assert.throws(() => monteCarloNtk(arch, X, undefined, { samples: 10 }), /pass a seed/);
  assert.throws(
    () => monteCarloNtk(arch, X, [[1, 2]], { samples: 10, seed: 1 }),
    /Y must have the dimension of X \(3/,
  );
  assert.throws(
    () => monteCarloNtk(arch, X, undefined, { samples: 10, seed: 1, method: "loop" as never }),
    /method must be "features" or "entrywise", got loop/,
  );
});

test("Monte Carlo kernels are sums over the per-point oracle's features bit for bit (d = 1 with x = 0, 1 to 300 samples)", () => {
  // The kernels' hidden units are network(arch, { width: samples }) with the same seed; their features
  // come from the batched pass, whose zeros may differ in sign from the oracle's (test/network.test.ts):
  // this holds the kernels, which sum from +0, to the per-point numbers.
  const sets = (d: number): number[][][] =>
    [7, 4].map((n, s) =>
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: d }, (_, k) =>
          i === 1 ? 0 : Math.cos(3 * i + 5 * k + s) * 10 ** ((i % 4) - 1),
        ),
      ),
    );
  for (const act of [relu, erf, sin]) {
    for (const depth of [1, 2, 3]) {
      for (const biasStd of [0, 0.4]) {
        const arch = mlp(new Array(depth).fill(act), { weightStd: 1.1, biasStd });
        for (const d of [1, 2, 5]) {
          const [A, B] = sets(d);
          // 300 samples: the batched pass's packed gemm with two k blocks (depth 3 with fewer, for time).
          for (const samples of depth < 3 ? [1, 3, 300] : [1, 3, 40]) {
            const net = network(arch, { inputDim: d, width: samples, seed: 5 });
            const features = [...A, ...B].map((x) => traceOf(net, x));
            const expected = (P: number[][], Q: number[][], offset: number) =>
              [true, false].map((wantNtk) =>
                P.map((x, i) =>
                  Q.map((y, j) => {
                    let s = 0;
                    for (let k = 0; k < d; k++) s += x[k] * y[k];
                    let theta = arch.weightStd[0] * arch.weightStd[0] * s + arch.biasStd[0] * arch.biasStd[0];
                    let sigma = theta;
                    for (let l = 0; l < depth; l++) {
                      const ti = features[i];
                      const tj = features[offset + j];
                      const ds = arch.activations[l].derivative;
                      const scale = net.featureScale[l];
                      let gg = 0;
                      let dd = 0;
                      for (let r = 0; r < samples; r++) {
                        gg += ti.features[l][r] * tj.features[l][r];
                        dd += scale * ds(ti.preActivations[l][r]) * (scale * ds(tj.preActivations[l][r]));
                      }
                      const alpha = arch.weightStd[l + 1] ** 2;
                      sigma = alpha * gg + (l + 1 < depth ? arch.biasStd[l + 1] ** 2 : 0);
                      theta = theta * (alpha * dd) + sigma;
                    }
                    return wantNtk ? theta : sigma;
                  }),
                ),
              );
            const where = `${act.name} L=${depth} bias=${biasStd} d=${d} samples=${samples}`;
            // The features form (the entry-wise one equals it exactly, tested above).
            const options = { samples, seed: 5 };
            const [ntkXX, nngpXX] = expected(A, A, 0);
            assert.deepEqual(monteCarloNtk(arch, A, undefined, options).to2DArray(), ntkXX, where);
            assert.deepEqual(monteCarloNngp(arch, A, undefined, options).to2DArray(), nngpXX, where);
            const [ntkXY, nngpXY] = expected(A, B, A.length);
            assert.deepEqual(monteCarloNtk(arch, A, B, options).to2DArray(), ntkXY, where);
            assert.deepEqual(monteCarloNngp(arch, A, B, options).to2DArray(), nngpXY, where);
          }
        }
      }
    }
  }
});
