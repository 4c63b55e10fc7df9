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
