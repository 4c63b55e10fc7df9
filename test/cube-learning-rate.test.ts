import assert from "node:assert/strict";
import { test } from "node:test";
import { booleanCubeSpectrum, cubeLearningRate, cubePoints, eigenvalues, mlp, ntk, relu } from "../src/index";

const arch = mlp([relu], { biasStd: 1 });
const options = { d: 8, n: 24, seed: 4, multiples: [0.5, 0.9, 1.1], steps: 60, width: 256 };
const run = cubeLearningRate(arch, options);

test("the bound is 2n / lambda_max of the analytic NTK on the seeded cube points, its limit 2 / max mu_k", () => {
  const X = cubePoints(options.n, options.d, { seed: options.seed });
  const lambdaMax = eigenvalues(ntk(arch, X), { top: 1 })[0];
  assert.ok(Math.abs(run.lambdaMax / lambdaMax - 1) < 1e-13, `${run.lambdaMax} ${lambdaMax}`);
  assert.equal(run.bound, (2 * options.n) / run.lambdaMax);
  const mu = booleanCubeSpectrum(arch, options.d).mu;
  assert.equal(run.topDegree, 0);
  assert.ok(mu.every((m) => m <= mu[0]));
  assert.equal(run.limit, 2 / mu[0]);
});

test("lambda_max / n of the sampled cube's NTK approaches the largest cube eigenvalue as n grows", () => {
  const d = 8;
  const mu0 = booleanCubeSpectrum(arch, d).mu[0];
  const gap = (n: number) =>
    Math.abs(eigenvalues(ntk(arch, cubePoints(n, d, { seed: 9 })), { top: 1 })[0] / n - mu0);
  // The excess is about the kernel's diagonal, Phi(1) / n, over the constant's share: it shrinks like 1 / n.
  assert.ok(gap(1024) < gap(64) / 4, `${gap(64)} ${gap(1024)}`);
  assert.ok(gap(1024) < 0.01 * mu0, `${gap(1024)}`);
});

test("the linearized model's loss is gradient descent on the kernel written out, converging below the bound and growing above it", () => {
  const X = cubePoints(options.n, options.d, { seed: options.seed });
  const K = ntk(arch, X).to2DArray();
  const y = Array.from({ length: options.n }, (_, i) => 1 + options.d * X.get(i, 0) * X.get(i, 1));
  for (const lin of run.linearized) {
    // f <- f - (eta / n) K (f - y), from f = 0, loss (1 / 2n) |f - y|^2.
    let f = new Array<number>(options.n).fill(0);
    for (let t = 0; t <= options.steps; t++) {
      const r = f.map((v, i) => v - y[i]);
      const loss = r.reduce((s, v) => s + v * v, 0) / (2 * options.n);
      assert.ok(
        Math.abs(lin.loss[t] / loss - 1) < 1e-9,
        `${lin.multiple} x bound, step ${t}: ${lin.loss[t]} ${loss}`,
      );
      f = f.map((v, i) => v - (lin.learningRate / options.n) * K[i].reduce((s, k, j) => s + k * r[j], 0));
    }
  }
  assert.deepEqual(
    run.linearized.map((l) => [l.multiple, l.learningRate, l.outcome]),
    [
      [0.5, 0.5 * run.bound, "converges"],
      [0.9, 0.9 * run.bound, "converges"],
      [1.1, 1.1 * run.bound, "diverges"],
    ],
  );
});

test("the finite network trains at the same rates; a run that recovers from above the bound ends with a stable kernel", () => {
  assert.equal(run.network.width, options.width);
  // At width 256 the empirical NTK's lambda_max is within a few percent of the analytic one.
  assert.ok(Math.abs(run.network.lambdaMax / run.lambdaMax - 1) < 0.1, `${run.network.lambdaMax}`);
  for (const r of run.network.runs) {
    assert.equal(r.learningRate, r.multiple * run.bound);
    assert.equal(r.peak, Math.max(...r.loss));
    assert.equal(r.loss[r.peakStep], r.peak);
    if (r.outcome !== "diverged") assert.ok(r.loss[r.loss.length - 1] < r.loss[0]);
    else assert.equal(r.finalLambdaMax, null);
    if (r.outcome === "spiked, then recovered") {
      assert.ok(r.peak > r.loss[0]);
      assert.ok((r.learningRate * (r.finalLambdaMax as number)) / options.n < 2, `${r.finalLambdaMax}`);
    }
  }
  assert.equal(run.network.runs[0].outcome, "converged");
});

test("cubeLearningRate refuses repeated multiples and unknown options, naming them", () => {
  assert.throws(
    () => cubeLearningRate(arch, { ...options, multiples: [1, 1] }),
    /^Error: cubeLearningRate: multiples must be distinct/,
  );
  assert.throws(
    () => cubeLearningRate(arch, { ...options, rate: 1 } as typeof options),
    /^Error: cubeLearningRate: .*rate/,
  );
});
