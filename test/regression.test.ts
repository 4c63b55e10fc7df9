import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix, solve } from "ml-matrix";
import { Rng } from "../src/random";
import { gaussianProcessPosterior, gradientDescentDynamics, kernelRegression } from "../src/regression/index";

// A Laplace kernel matrix on random 1-D points: positive definite, well enough conditioned for a direct solve.
function laplace(a: number[], b: number[]): Matrix {
  return new Matrix(a.map((x) => b.map((z) => Math.exp(-Math.abs(x - z)))));
}
const rng = new Rng(4);
const X = Array.from({ length: 12 }, () => rng.uniformIn(-2, 2));
const Xt = Array.from({ length: 7 }, () => rng.uniformIn(-2, 2));
const y = X.map((x) => Math.sin(3 * x) + x);
const K = laplace(X, X);
const Kt = laplace(Xt, X);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("kernelRegression", () => {
  it("matches a direct LU solve and interpolates the training data", () => {
    const model = kernelRegression(K, y);
    const direct = solve(K, Matrix.columnVector(y)).getColumn(0);
    assert.ok(maxAbsDiff(model.alpha, direct) < 1e-10 * Math.max(...direct.map(Math.abs)));
    assert.ok(model.trainMse < 1e-20);
    const predicted = model.predict(Kt);
    assert.ok(maxAbsDiff(predicted, Kt.mmul(Matrix.columnVector(direct)).getColumn(0)) < 1e-10);
  });

  it("adds the ridge to the diagonal", () => {
    const model = kernelRegression(K, y, { ridge: 0.5 });
    const direct = solve(K.clone().add(Matrix.eye(12).mul(0.5)), Matrix.columnVector(y)).getColumn(0);
    assert.ok(maxAbsDiff(model.alpha, direct) < 1e-12);
    assert.ok(model.trainMse > 1e-4, "a ridge no longer interpolates");
  });

  it("refuses a singular system, naming both remedies, and solves it in least-squares mode", () => {
    // Rank 2: K = x x'^T + 1 on 1-D inputs, like the bias-free ReLU NTK's linear part.
    const low = new Matrix(X.map((a) => X.map((b) => a * b + 1)));
    assert.throws(() => kernelRegression(low, y), /singular or indefinite.*ridge > 0.*mode: "lstsq"/);
    const model = kernelRegression(low, y, { mode: "lstsq" });
    assert.equal(model.rank, 2);
    // The minimum-norm least-squares fit is the best line through the data: its residual is orthogonal
    // to both columns of [x, 1].
    const residual = model.trainPredictions.map((f, i) => f - y[i]);
    assert.ok(Math.abs(residual.reduce((s, r) => s + r, 0)) < 1e-10);
    assert.ok(Math.abs(residual.reduce((s, r, i) => s + r * X[i], 0)) < 1e-10);
    assert.ok(model.trainMse > 0.01, "a line cannot fit sin(3x) + x");
  });

  it("rejects bad input, naming the parameter", () => {
    assert.throws(() => kernelRegression(K, y.slice(1)), /y must have length 12/);
    assert.throws(
      () =>
        kernelRegression(
          K,
          y.map((v, i) => (i === 3 ? NaN : v)),
        ),
      /y\[3\] must be finite, got NaN/,
    );
    assert.throws(() => kernelRegression(K, y, { ridge: -1 }), /ridge must be a finite number >= 0, got -1/);
    assert.throws(
      () => kernelRegression(new Matrix(2, 3), [1, 2]),
      /K must be a non-empty square matrix, got 2 x 3/,
    );
    assert.throws(() => kernelRegression(K, y).predict(new Matrix(3, 5)), /must be m x 12/);
  });
});

describe("gradientDescentDynamics", () => {
  const n = 12;
  const f0 = X.map((x) => 0.3 * Math.cos(x));
  // 0.4 of the stability bound 2n / lambda_max: the top direction's factor per step is 1 - 0.8 = 0.2.
  const eta = (0.4 * 2 * n) / gradientDescentDynamics(K, y, { eta: 1 }).eigenvalues[0];

  it("matches stepping gradient descent on the kernel model, on training and test points", () => {
    const dyn = gradientDescentDynamics(K, y, { eta, initial: f0 });
    assert.ok(dyn.stable);
    // Explicit steps: f <- f - (eta / n) K (f - y) at the training points, and the test points move by
    // -(eta / n) K(x, X) (f - y), the function-space form of one gradient step on the kernel model.
    let f = Float64Array.from(f0);
    const ft = new Float64Array(Xt.length).fill(0.1);
    for (let t = 1; t <= 40; t++) {
      const r = f.map((v, i) => v - y[i]);
      const Kr = K.mmul(Matrix.columnVector(Array.from(r))).getColumn(0);
      const Ktr = Kt.mmul(Matrix.columnVector(Array.from(r))).getColumn(0);
      f = f.map((v, i) => v - (eta / n) * Kr[i]);
      Ktr.forEach((v, i) => (ft[i] -= (eta / n) * v));
      if (t % 10 === 0) {
        assert.ok(
          maxAbsDiff(
            dyn.residual(t),
            f.map((v, i) => v - y[i]),
          ) < 1e-10,
          `residual at t = ${t}`,
        );
        assert.ok(
          maxAbsDiff(dyn.predict(t, Kt, new Array(Xt.length).fill(0.1)), ft) < 1e-10,
          `test at t = ${t}`,
        );
      }
    }
  });

  it("shrinks the residual along eigenvector j by (1 - eta lambda_j / n) per step", () => {
    const dyn = gradientDescentDynamics(K, y, { eta });
    const r0 = dyn.residualByDirection(0);
    const r5 = dyn.residualByDirection(5);
    for (let j = 0; j < n; j++) {
      const expected = r0[j] * Math.pow(1 - (eta * dyn.eigenvalues[j]) / n, 5);
      assert.ok(Math.abs(r5[j] - expected) < 1e-12);
    }
    // The top direction is learned fastest, the last slowest: the spectral bias.
    assert.ok(Math.abs(r5[0] / r0[0]) < Math.abs(r5[n - 1] / r0[n - 1]));
  });

  it("approaches gradient flow as the step shrinks at fixed time, and kernel regression as time grows", () => {
    const T = 30;
    const flow = gradientDescentDynamics(K, y, { eta: 1 }).flowPredict(T, Kt);
    const fine = gradientDescentDynamics(K, y, { eta: 1e-3 }).predict(T / 1e-3, Kt);
    assert.ok(maxAbsDiff(flow, fine) < 1e-3);
    const late = gradientDescentDynamics(K, y, { eta: 1 }).flowPredict(1e9, Kt);
    assert.ok(maxAbsDiff(late, kernelRegression(K, y).predict(Kt)) < 1e-6);
  });

  it("reports the stability bound 2n / lambda_max and rejects a bad step or time", () => {
    const dyn = gradientDescentDynamics(K, y, { eta: 100 });
    assert.equal(dyn.stable, false);
    assert.ok(Math.abs(dyn.maxStableEta - (2 * n) / dyn.eigenvalues[0]) < 1e-12);
    assert.throws(() => gradientDescentDynamics(K, y, { eta: 0 }), /eta must be a finite number > 0, got 0/);
    assert.throws(() => dyn.residual(-1), /t must be an integer >= 0, got -1/);
    assert.throws(() => dyn.flowResidual(-1), /time must be a finite number >= 0, got -1/);
  });
});

describe("gaussianProcessPosterior", () => {
  const Kss = laplace(Xt, Xt);

  it("has the regression solution as its mean and zero variance at noise-free training points", () => {
    const post = gaussianProcessPosterior(K, y, Kt, Kss);
    assert.ok(maxAbsDiff(post.mean, kernelRegression(K, y).predict(Kt)) < 1e-10);
    const atTrain = gaussianProcessPosterior(K, y, K.subMatrix(0, 2, 0, 11), K.subMatrix(0, 2, 0, 2));
    atTrain.variance.forEach((v) => assert.ok(v < 1e-10));
    post.variance.forEach((v, i) => assert.ok(v >= 0 && v <= Kss.get(i, i) + 1e-12));
  });

  it("draws seeded samples whose spread matches the posterior variance", () => {
    const post = gaussianProcessPosterior(K, y, Kt, Kss, { noise: 0.01 });
    const draws = post.sample(4000, { seed: 2 });
    assert.deepEqual(post.sample(2, { seed: 2 }), draws.slice(0, 2));
    for (let i = 0; i < Xt.length; i++) {
      const values = draws.map((d) => d[i]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      const sd = Math.sqrt(post.variance[i]);
      assert.ok(Math.abs(mean - post.mean[i]) < (5 * sd) / Math.sqrt(4000) + 1e-9, `mean ${i}`);
      assert.ok(Math.abs(variance - post.variance[i]) < 0.15 * post.variance[i] + 1e-12, `variance ${i}`);
    }
  });

  it("refuses a singular prior without noise and names the remedy", () => {
    const low = new Matrix(X.map((a) => X.map((b) => a * b)));
    assert.throws(() => gaussianProcessPosterior(low, y, Kt, Kss), /pass noise > 0/);
  });
});
