import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import { Rng } from "../src/random";
import { gaussianProcessPosterior, gradientDescentDynamics, kernelRegression } from "../src/regression/index";

// Degenerate and extreme inputs, by class: flat or plain arrays, NaN / Infinity, empty, ragged, wrong
// dimension, singular or constant matrices, unstable steps, huge times, extreme magnitudes.

function laplace(a: number[], b: number[]): Matrix {
  return new Matrix(a.map((x) => b.map((z) => Math.exp(-Math.abs(x - z)))));
}
const rng = new Rng(11);
const X = Array.from({ length: 10 }, () => rng.uniformIn(-2, 2));
const Xt = Array.from({ length: 4 }, () => rng.uniformIn(-2, 2));
const y = X.map((x) => Math.sin(3 * x) + x);
const K = laplace(X, X);
const Kt = laplace(Xt, X);
const Kss = laplace(Xt, Xt);
// Rank 2 (x x'^T + 1 on 1-D points): its smallest eigenvalues are rounding, some of them negative.
const low = new Matrix(X.map((a) => X.map((b) => a * b + 1)));
const lowCross = new Matrix(Xt.map((a) => X.map((b) => a * b + 1)));

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
function withEntry(M: Matrix, i: number, j: number, v: number): Matrix {
  const out = M.clone();
  out.set(i, j, v);
  return out;
}
const noNaN = (v: ArrayLike<number>): void => assert.ok(!Array.from(v).some(Number.isNaN), `NaN in ${v}`);

describe("gradientDescentDynamics with any t and any step", () => {
  const K5 = Matrix.eye(3).mul(5);
  const y3 = [1, 2, 3];

  it("refuses a fractional number of steps, naming t, and takes any real time in gradient flow", () => {
    const dyn = gradientDescentDynamics(K5, y3, { eta: 1 }); // factor 1 - 5/3 < 0 per step
    assert.throws(
      () => dyn.residual(1.5),
      /^Error: gradientDescentDynamics\.residual: t must be an integer >= 0, got 1\.5$/,
    );
    assert.throws(
      () => dyn.residualByDirection(0.5),
      /residualByDirection: t must be an integer >= 0, got 0\.5/,
    );
    assert.throws(() => dyn.predict(2.5, K5), /predict: t must be an integer >= 0, got 2\.5/);
    assert.throws(() => dyn.residual(Infinity), /t must be an integer >= 0, got Infinity/);
    assert.throws(() => dyn.flowResidual(NaN), /flowResidual: time must be a finite number >= 0, got NaN/);
    assert.throws(
      () => dyn.flowPredict(-0.5, K5),
      /flowPredict: time must be a finite number >= 0, got -0\.5/,
    );
    const flow = dyn.flowResidual(1.5);
    y3.forEach((v, i) => assert.ok(Math.abs(flow[i] + v * Math.exp((-5 * 1.5) / 3)) < 1e-15));
  });

  it("gives the growing residual of an unstable step with its sign, Infinity past the double range, never NaN", () => {
    const dyn = gradientDescentDynamics(K5, y3, { eta: 2 }); // factor 1 - 10/3 = -7/3 per step
    assert.equal(dyn.stable, false);
    for (const t of [1, 2, 3, 10, 101]) {
      const exact = y3.map((v) => -v * (-7 / 3) ** t);
      assert.ok(relativeError(dyn.residual(t), exact) < 1e-13, `t = ${t}`);
      assert.ok(
        relativeError(
          dyn.predict(t, K5),
          exact.map((r, i) => r + y3[i]),
        ) < 1e-13,
        `t = ${t}`,
      );
    }
    // (7/3)^837 = 9.92e307: y_1 times it fits in a double, y_2 and y_3 times it do not.
    const r837 = dyn.residual(837);
    assert.ok(Math.abs(r837[0] / Math.exp(837 * Math.log(7 / 3)) - 1) < 1e-12);
    assert.deepEqual(Array.from(r837.subarray(1)), [Infinity, Infinity]);
    for (const [t, sign] of [
      [838, -1],
      [1e6 + 1, 1],
      [1e300, -1],
    ]) {
      for (const v of [dyn.residual(t), dyn.residualByDirection(t), dyn.predict(t, K5, [5, 5, 5])]) {
        assert.deepEqual(Array.from(v), [sign * Infinity, sign * Infinity, sign * Infinity], `t = ${t}`);
      }
    }
  });

  it("matches explicit steps up to the overflow and keeps stable directions finite after it", () => {
    // Eigenvalues 10 and 1e-3 along rotated axes; eta = 0.5 makes the first factor 1 - 2.5 = -1.5.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const M = new Matrix([
      [10 * c * c + 1e-3 * s * s, (10 - 1e-3) * c * s],
      [(10 - 1e-3) * c * s, 10 * s * s + 1e-3 * c * c],
    ]);
    const targets = [1, -1];
    const dyn = gradientDescentDynamics(M, targets, { eta: 0.5 });
    let f = [0, 0];
    for (let t = 1; t <= 1501; t++) {
      const r = f.map((v, i) => v - targets[i]);
      f = f.map((v, i) => v - (0.5 / 2) * (M.get(i, 0) * r[0] + M.get(i, 1) * r[1]));
      if (t % 250 === 1) {
        const explicit = f.map((v, i) => v - targets[i]);
        assert.ok(relativeError(dyn.residual(t), explicit) < 1e-10, `t = ${t}`);
        assert.ok(relativeError(dyn.predict(t, M), f) < 1e-10, `t = ${t}`);
      }
    }
    // The explicit steps overflow inside K r from t = 1751 on; the last finite residual is 1.37e308.
    assert.ok(Math.abs(dyn.residual(1751)[0] / 1.365758779609835e308 - 1) < 1e-12);
    assert.deepEqual(Array.from(dyn.residual(1e4)), [-Infinity, -Infinity]);
    for (const t of [1752, 1753, 1e4, 1e4 + 1]) {
      const byDirection = dyn.residualByDirection(t);
      [dyn.residual(t), byDirection, dyn.predict(t, M)].forEach(noNaN);
      assert.ok(!Number.isFinite(byDirection[0]) && Number.isFinite(byDirection[1]), `t = ${t}`);
      const r0 = dyn.residualByDirection(0)[1];
      assert.ok(Math.abs(byDirection[1] - r0 * (1 - (0.5 * dyn.eigenvalues[1]) / 2) ** t) < 1e-15);
    }
  });

  it("at t = 0 gives the initial residual and the initial test outputs", () => {
    const f0 = X.map((x) => 0.2 * x);
    const dyn = gradientDescentDynamics(K, y, { eta: 3, initial: f0 });
    assert.ok(
      relativeError(
        dyn.residual(0),
        f0.map((f, i) => f - y[i]),
      ) < 1e-14,
    );
    assert.deepEqual(Array.from(dyn.predict(0, Kt, [1, 2, 3, 4])), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(dyn.flowPredict(0, Kt)), [0, 0, 0, 0]);
  });

  it("at eta = 2n / lambda_max keeps the top direction's amplitude, alternating its sign", () => {
    const dyn = gradientDescentDynamics(K, y, { eta: 1 });
    const edge = gradientDescentDynamics(K, y, { eta: dyn.maxStableEta });
    assert.equal(edge.stable, false);
    const r0 = edge.residualByDirection(0)[0];
    for (const t of [1, 2, 1e4, 1e4 + 1]) {
      const top = edge.residualByDirection(t)[0];
      assert.ok(Math.abs(top / (r0 * (-1) ** t) - 1) < 1e-9, `t = ${t}: ${top} vs ${r0}`);
    }
    [edge.residual(1e300), edge.predict(1e300, Kt)].forEach(noNaN);
  });

  it("leaves the residual along zero eigenvalues unchanged at any t, tending to least-squares regression", () => {
    const zero = gradientDescentDynamics(new Matrix(3, 3), y3, { eta: 1 });
    assert.equal(zero.maxStableEta, Infinity);
    assert.equal(zero.stable, true);
    assert.deepEqual(Array.from(zero.residual(1e300)), [-1, -2, -3]);
    assert.deepEqual(Array.from(zero.predict(1e300, Matrix.eye(3), [7, 8, 9])), [7, 8, 9]);
    // Rounding gives `low` tiny eigenvalues of both signs; they count as zero.
    const dyn = gradientDescentDynamics(low, y, { eta: 0.1 });
    assert.ok(dyn.eigenvalues[X.length - 1] < 0, "the test wants a negative rounding eigenvalue");
    const lstsq = kernelRegression(low, y, { mode: "lstsq" });
    const finalResidual = lstsq.trainPredictions.map((f, i) => f - y[i]);
    for (const t of [1e6, 1e20, 1e300]) {
      assert.ok(relativeError(dyn.residual(t), finalResidual) < 1e-10, `t = ${t}`);
      assert.ok(relativeError(dyn.predict(t, lowCross), lstsq.predict(lowCross)) < 1e-10, `t = ${t}`);
      assert.ok(relativeError(dyn.flowPredict(t, lowCross), lstsq.predict(lowCross)) < 1e-10, `t = ${t}`);
    }
  });

  it("refuses an indefinite K, whose dynamics diverge at every step", () => {
    const indefinite = new Matrix([
      [1, 2],
      [2, 1],
    ]);
    assert.throws(
      () => gradientDescentDynamics(indefinite, [1, 2], { eta: 0.1 }),
      /gradientDescentDynamics: K must be positive semidefinite \(a kernel matrix\), got smallest eigenvalue -(1|0\.9999\d*),/,
    );
  });

  it("names its options when they are missing or not an object", () => {
    const call = gradientDescentDynamics as (...args: unknown[]) => unknown;
    assert.throws(
      () => call(K, y),
      /gradientDescentDynamics: options must be an object \{ eta, initial\? \}.*got undefined/,
    );
    assert.throws(() => call(K, y, 0.1), /options must be an object .*got 0\.1/);
    assert.throws(
      () => call(K, y, {}),
      /gradientDescentDynamics: eta must be a finite number > 0, got undefined/,
    );
    assert.throws(() => call(K, y, { eta: NaN }), /eta must be a finite number > 0, got NaN/);
    assert.throws(() => call(K, y, { eta: 1, initial: [1] }), /initial must have length 10/);
  });
});

describe("kernelRegression with degenerate input", () => {
  it("refuses an empty system, naming K", () => {
    assert.throws(
      () => kernelRegression(new Matrix(0, 0), []),
      /kernelRegression: K must be a non-empty square matrix, got 0 x 0/,
    );
    assert.throws(
      () => kernelRegression([], []),
      /K must be a non-empty square Matrix or array of rows, got an array of length 0/,
    );
  });

  it("takes K as an array of rows, and names K and y when they are neither", () => {
    const rows = K.to2DArray();
    const fromRows = kernelRegression(rows, y);
    assert.deepEqual(fromRows.alpha, kernelRegression(K, y).alpha);
    assert.deepEqual(fromRows.predict(Kt.to2DArray()), kernelRegression(K, y).predict(Kt));
    const call = kernelRegression as (...args: unknown[]) => unknown;
    assert.throws(
      () => call(null, y),
      /kernelRegression: K must be a non-empty square Matrix or array of rows, got null/,
    );
    assert.throws(
      () => call([[1, 0], [0]], [1, 2]),
      /K must be square; row 1 has length 1 but there are 2 rows/,
    );
    assert.throws(() => call(K, null), /kernelRegression: y must be an array of 10 finite numbers, got null/);
    assert.throws(() => call(K, undefined), /y must be an array of 10 finite numbers, got undefined/);
    assert.throws(
      () => call(K, Matrix.columnVector(y)),
      /y must be an array of 10 finite numbers, got a 10 x 1 Matrix/,
    );
    assert.throws(() => call(K, ["1", ...y.slice(1)]), /y\[0\] must be finite, got "1"/);
    assert.throws(() => call(K, y, 5), /^Error: kernelRegression: options must be an object, got 5$/);
  });

  it("takes null options as the defaults, as every function of the lab does", () => {
    assert.deepEqual(kernelRegression(K, y, null).alpha, kernelRegression(K, y).alpha);
    const posterior = (options: null | undefined) =>
      gaussianProcessPosterior(K, y, Kt, Matrix.eye(Kt.rows), options).mean;
    assert.deepEqual(posterior(null), posterior(undefined));
  });

  it("refuses a non-symmetric K with the largest asymmetry and the tolerance, and symmetrizes rounding", () => {
    assert.throws(
      () => kernelRegression(withEntry(K, 2, 5, K.get(2, 5) + 0.25), y),
      /^Error: kernelRegression: K must be symmetric; largest asymmetry \|K\[5\]\[2\] - K\[2\]\[5\]\| = 0\.25\d* .*allowed <= 1e-10 \* max\|K\| = 1\.15\d*e-10$/,
    );
    const rounded = withEntry(K, 2, 5, K.get(2, 5) * (1 + 1e-15));
    assert.ok(relativeError(kernelRegression(rounded, y).alpha, kernelRegression(K, y).alpha) < 1e-10);
  });

  it("names the first non-finite entry of K, y and the cross-kernel, and a non-finite ridge", () => {
    assert.throws(
      () => kernelRegression(withEntry(K, 1, 2, Infinity), y),
      /kernelRegression: K\[1\]\[2\] must be finite, got Infinity/,
    );
    assert.throws(
      () =>
        kernelRegression(
          K,
          y.map((v, i) => (i === 4 ? -Infinity : v)),
        ),
      /y\[4\] must be finite, got -Infinity/,
    );
    for (const ridge of [NaN, Infinity, -1e-3])
      assert.throws(
        () => kernelRegression(K, y, { ridge }),
        new RegExp(`ridge must be a finite number >= 0, got ${ridge}`),
      );
    const model = kernelRegression(K, y);
    assert.throws(
      () => model.predict(withEntry(Kt, 2, 7, NaN)),
      /kernelRegression\.predict: crossKernel\[2\]\[7\] must be finite, got NaN/,
    );
    assert.throws(
      () => model.predict(new Matrix(4, 9)),
      /crossKernel must be m x 10 \(one row per test point, one column per training point\), got 4 x 9/,
    );
    assert.throws(
      () => model.predict([[1, 2]]),
      /crossKernel must be m x 10 .*; row 0 is an array of length 2/,
    );
    assert.deepEqual(Array.from(model.predict(new Matrix(0, 10))), []);
  });

  it("refuses singular and constant systems naming both remedies, and solves them in least-squares mode", () => {
    const zero = new Matrix(4, 4);
    const ones = new Matrix(4, 4).fill(1);
    for (const M of [zero, ones])
      assert.throws(
        () => kernelRegression(M, [1, 2, 3, 6]),
        /singular or indefinite.*ridge > 0.*mode: "lstsq"/,
      );
    const flat = kernelRegression(zero, [1, 2, 3, 6], { mode: "lstsq" });
    assert.equal(flat.rank, 0);
    assert.deepEqual(Array.from(flat.alpha), [0, 0, 0, 0]);
    assert.equal(flat.trainMse, (1 + 4 + 9 + 36) / 4);
    const mean = kernelRegression(ones, [1, 2, 3, 6], { mode: "lstsq" });
    assert.equal(mean.rank, 1);
    mean.trainPredictions.forEach((f) => assert.ok(Math.abs(f - 3) < 1e-14));
  });

  it("reports a failed eigendecomposition in its own name", () => {
    // A large constant matrix once defeated the dense solver: either the least-squares answer (the mean)
    // or an Error that names kernelRegression, not the solver's internals.
    const n = 359;
    try {
      const model = kernelRegression(
        new Matrix(n, n).fill(1),
        Array.from({ length: n }, (_, i) => i),
        { mode: "lstsq" },
      );
      assert.equal(model.rank, 1);
      model.trainPredictions.forEach((f) => assert.ok(Math.abs(f - (n - 1) / 2) < 1e-9));
    } catch (error) {
      assert.match(
        String(error),
        /^Error: kernelRegression: the eigendecomposition of the 359 x 359 matrix failed: /,
      );
      assert.doesNotMatch(String(error), /tridiagonalQL|eigh:/);
    }
  });

  it("gives the same predictions for K scaled by 1e300 or 1e-300, and refuses a scale that overflows alpha", () => {
    const base = kernelRegression(K, y);
    for (const scale of [1e300, 1e-300]) {
      const model = kernelRegression(K.clone().mul(scale), y);
      assert.ok(
        relativeError(
          model.alpha.map((a) => a * scale),
          base.alpha,
        ) < 1e-10,
        `scale ${scale}`,
      );
      assert.ok(
        relativeError(model.predict(Kt.clone().mul(scale)), base.predict(Kt)) < 1e-10,
        `scale ${scale}`,
      );
      assert.ok(model.trainMse < 1e-20);
    }
    assert.throws(
      () => kernelRegression(Matrix.eye(3).mul(1e-320), [1, 2, 3]),
      /kernelRegression: the coefficients overflow .*multiply K by a common factor/,
    );
    assert.throws(
      () => kernelRegression(Matrix.eye(3).mul(1e308), [1, 2, 3], { ridge: 1e308 }),
      /ridge must keep K \+ ridge I finite, got ridge = 1e\+308 with K\[0\]\[0\] = 1e\+308/,
    );
  });
});

describe("gaussianProcessPosterior with degenerate input", () => {
  it("refuses a non-symmetric test kernel, naming testKernel", () => {
    assert.throws(
      () => gaussianProcessPosterior(K, y, Kt, withEntry(Kss, 0, 3, Kss.get(0, 3) + 0.1)),
      /^Error: gaussianProcessPosterior: testKernel must be symmetric; largest asymmetry \|testKernel\[3\]\[0\] - testKernel\[0\]\[3\]\| = 0\.1/,
    );
    assert.throws(
      () => gaussianProcessPosterior(withEntry(K, 0, 1, 0), y, Kt, Kss),
      /gaussianProcessPosterior: K must be symmetric/,
    );
  });

  it("names non-finite entries, wrong shapes and a bad noise", () => {
    assert.throws(
      () => gaussianProcessPosterior(K, y, Kt, withEntry(Kss, 1, 1, NaN)),
      /testKernel\[1\]\[1\] must be finite, got NaN/,
    );
    assert.throws(
      () => gaussianProcessPosterior(K, y, withEntry(Kt, 3, 0, Infinity), Kss),
      /crossKernel\[3\]\[0\] must be finite, got Infinity/,
    );
    assert.throws(
      () => gaussianProcessPosterior(K, y, Kt.subMatrix(0, 2, 0, 9), Kss),
      /crossKernel must be 4 x 10 \(one row per test point, one column per training point\), got 3 x 10/,
    );
    assert.throws(
      () => gaussianProcessPosterior(K, y, Kt, new Matrix(0, 0)),
      /testKernel must be a non-empty square matrix, got 0 x 0/,
    );
    assert.throws(() => gaussianProcessPosterior(K, y.slice(1), Kt, Kss), /y must have length 10/);
    for (const noise of [NaN, -1, Infinity])
      assert.throws(
        () => gaussianProcessPosterior(K, y, Kt, Kss, { noise }),
        new RegExp(`noise must be a finite number >= 0, got ${noise}`),
      );
  });

  it("takes arrays of rows, and scales its variance with kernels of extreme magnitude", () => {
    const base = gaussianProcessPosterior(K, y, Kt, Kss, { noise: 0.01 });
    const rows = gaussianProcessPosterior(K.to2DArray(), y, Kt.to2DArray(), Kss.to2DArray(), { noise: 0.01 });
    assert.deepEqual(rows.mean, base.mean);
    for (const scale of [1e300, 1e-300]) {
      const post = gaussianProcessPosterior(
        K.clone().mul(scale),
        y,
        Kt.clone().mul(scale),
        Kss.clone().mul(scale),
        {
          noise: 0.01 * scale,
        },
      );
      assert.ok(relativeError(post.mean, base.mean) < 1e-10);
      assert.ok(
        relativeError(
          post.variance.map((v) => v / scale),
          base.variance,
        ) < 1e-10,
      );
      post.sample(2, { seed: 1 }).forEach(noNaN);
    }
  });

  it("names the sampler's count and random source", () => {
    const post = gaussianProcessPosterior(K, y, Kt, Kss, { noise: 0.01 });
    const sample = post.sample as (...args: unknown[]) => unknown;
    assert.throws(
      () => sample(0, { seed: 1 }),
      /gaussianProcessPosterior\.sample: count must be an integer >= 1, got 0/,
    );
    assert.throws(() => sample(2), /gaussianProcessPosterior\.sample: pass a seed/);
  });
});
