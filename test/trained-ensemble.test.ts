import assert from "node:assert/strict";
import { test } from "node:test";
import { inverse, Matrix } from "ml-matrix";
import { relu } from "../src/activations";
import { mlp } from "../src/layers";
import { networkKernel } from "../src/kernels/kernel";
import { Rng } from "../src/random";
import { gaussianProcessPosterior } from "../src/regression/gaussian-process";
import { trainedEnsemble } from "../src/regression/trained-ensemble";

const arch = mlp([relu], { biasStd: 1 });
const ntk = networkKernel(arch, { get: "ntk" });
const nngp = networkKernel(arch, { get: "nngp" });
const column = (xs: number[]) => new Matrix(xs.map((x) => [x]));
const xTrain = [-1.3, -0.4, 0.2, 0.9, 1.6];
const yTrain = xTrain.map((x) => Math.sin(3 * x));
const xTest = [-2.5, -0.8, 0, 0.5, 2.2];
const X = column(xTrain);
const Xt = column(xTest);

const ensemble = () => trainedEnsemble(ntk(X), nngp(X), yTrain, ntk(Xt, X), nngp(Xt, X), nngp(Xt));

test("with the NTK equal to the NNGP kernel, the trained networks' distribution is the NNGP posterior", () => {
  const got = trainedEnsemble(nngp(X), nngp(X), yTrain, nngp(Xt, X), nngp(Xt, X), nngp(Xt));
  const want = gaussianProcessPosterior(nngp(X), yTrain, nngp(Xt, X), nngp(Xt));
  for (let i = 0; i < xTest.length; i++) {
    assert.ok(Math.abs(got.mean[i] - want.mean[i]) <= 1e-10 * (1 + Math.abs(want.mean[i])), `mean ${i}`);
    for (let j = 0; j < xTest.length; j++) {
      const scale = Math.sqrt(want.covariance.get(i, i) * want.covariance.get(j, j)) + 1e-12;
      assert.ok(
        Math.abs(got.covariance.get(i, j) - want.covariance.get(i, j)) <= 1e-8 * scale + 1e-12,
        `cov ${i} ${j}`,
      );
    }
  }
});

test("its mean is NTK regression and its covariance that of f0 + Theta(x, X) Theta^-1 (y - f0(X)) over sampled f0 (Monte Carlo)", () => {
  const got = ensemble();
  // Sample f0 ~ GP(0, K) jointly on the training and test points and map each through the trained function.
  const all = column([...xTrain, ...xTest]);
  const joint = nngp(all);
  const n = xTrain.length;
  const m = xTest.length;
  const chol = joint.clone();
  // Cholesky of the joint NNGP matrix (positive definite: distinct points, bias).
  const L = new Matrix(n + m, n + m);
  for (let i = 0; i < n + m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = chol.get(i, j);
      for (let k = 0; k < j; k++) s -= L.get(i, k) * L.get(j, k);
      L.set(i, j, i === j ? Math.sqrt(s) : s / L.get(j, j));
    }
  }
  const A = ntk(Xt, X).mmul(inverse(ntk(X))); // m x n
  const rng = new Rng(5);
  const draws = 40000;
  const sums = new Float64Array(m);
  const products = new Float64Array(m * m);
  for (let d = 0; d < draws; d++) {
    const z = Array.from({ length: n + m }, () => rng.normal());
    const f0 = Array.from({ length: n + m }, (_, i) => {
      let s = 0;
      for (let k = 0; k <= i; k++) s += L.get(i, k) * z[k];
      return s;
    });
    const f = Array.from({ length: m }, (_, i) => {
      let s = f0[n + i];
      for (let k = 0; k < n; k++) s += A.get(i, k) * (yTrain[k] - f0[k]);
      return s;
    });
    for (let i = 0; i < m; i++) {
      sums[i] += f[i];
      for (let j = 0; j < m; j++) products[i * m + j] += f[i] * f[j];
    }
  }
  for (let i = 0; i < m; i++) {
    const mean = sums[i] / draws;
    const sd = Math.sqrt(got.variance[i]);
    assert.ok(
      Math.abs(mean - got.mean[i]) < (5 * sd) / Math.sqrt(draws) + 1e-9,
      `mean ${i}: ${mean} vs ${got.mean[i]}`,
    );
    for (let j = 0; j < m; j++) {
      const cov = products[i * m + j] / draws - (sums[i] / draws) * (sums[j] / draws);
      const scale = Math.sqrt(got.variance[i] * got.variance[j]);
      // Standard error of a sample covariance: about scale * sqrt(2 / draws).
      assert.ok(
        Math.abs(cov - got.covariance.get(i, j)) < 6 * scale * Math.sqrt(2 / draws) + 1e-9,
        `cov ${i} ${j}: ${cov} vs ${got.covariance.get(i, j)}`,
      );
    }
  }
});

test("at noise-free training points the trained networks all pass through the data: zero variance, the targets as mean", () => {
  const got = trainedEnsemble(ntk(X), nngp(X), yTrain, ntk(X), nngp(X), nngp(X));
  for (let i = 0; i < xTrain.length; i++) {
    assert.ok(Math.abs(got.mean[i] - yTrain[i]) < 1e-9, `mean ${i}`);
    assert.ok(got.variance[i] < 1e-9 * nngp(X).get(i, i), `variance ${i} = ${got.variance[i]}`);
  }
});

test("its spread differs from the NTK-prior posterior's (they are different objects)", () => {
  const got = ensemble();
  const ntkPosterior = gaussianProcessPosterior(ntk(X), yTrain, ntk(Xt, X), ntk(Xt));
  const ratio = Math.max(...xTest.map((_, i) => got.variance[i] / ntkPosterior.variance[i]));
  assert.ok(Math.abs(ratio - 1) > 0.05, `largest variance ratio ${ratio}`);
});

test("trainedEnsemble names the parameter it refuses", () => {
  assert.throws(
    () => trainedEnsemble(ntk(X), nngp(column([0, 1])), yTrain, ntk(Xt, X), nngp(Xt, X), nngp(Xt)),
    /^Error: trainedEnsemble: nngp must be 5 x 5 like ntk/,
  );
  assert.throws(
    () => trainedEnsemble(ntk(X), nngp(X), yTrain, ntk(Xt, X), nngp(Xt, X), nngp(Xt), { ridge: -1 }),
    /^Error: trainedEnsemble: ridge must be/,
  );
});
