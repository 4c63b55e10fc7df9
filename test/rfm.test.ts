import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import { laplaceKernel } from "../src/kernels/classic";
import { Rng } from "../src/random";
import { kernelRegression } from "../src/regression/kernel-regression";
import {
  averageGradientOuterProduct,
  laplaceMahalanobisGradients,
  laplaceMahalanobisKernel,
  rfm,
} from "../src/regression/rfm";
import { eigenvalues } from "../src/spectrum/eigen";

const rng = new Rng(11);
const points = (n: number, d: number): number[][] =>
  Array.from({ length: n }, () => Array.from(rng.normals(d)));

/** A positive definite d x d matrix A A^T / d + 0.1 I (far from the identity). */
function randomMetric(d: number): Matrix {
  const A = new Matrix(points(d, d));
  return A.mmul(A.transpose()).div(d).add(Matrix.eye(d).mul(0.1));
}

/** exp(-sqrt((x - z)^T M (x - z)) / L) from the difference. */
function directKernel(x: number[], z: number[], M: Matrix, L: number): number {
  const v = x.map((xi, k) => xi - z[k]);
  let s = 0;
  for (let k = 0; k < v.length; k++) for (let l = 0; l < v.length; l++) s += v[k] * M.get(k, l) * v[l];
  return Math.exp(-Math.sqrt(Math.max(0, s)) / L);
}

function maxAbsDiff(a: Matrix, b: Matrix): number {
  assert.deepEqual([a.rows, a.columns], [b.rows, b.columns]);
  let m = 0;
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.columns; j++) m = Math.max(m, Math.abs(a.get(i, j) - b.get(i, j)));
  return m;
}

const maxAbs = (a: Matrix): number => Math.max(...a.to1DArray().map(Math.abs));

/** (1/m) sum_j sum_c g g^T, centered: each output's mean gradient subtracted first. */
function outerProductMean(gradients: Matrix[], centering: boolean): Matrix {
  const m = gradients[0].rows;
  const d = gradients[0].columns;
  const A = new Matrix(d, d);
  for (const G of gradients) {
    const mean = G.mean("column");
    for (let j = 0; j < m; j++) {
      const g = G.getRow(j).map((v, k) => v - (centering ? mean[k] : 0));
      for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) A.set(k, l, A.get(k, l) + (g[k] * g[l]) / m);
    }
  }
  return A;
}

describe("the Laplace kernel on a Mahalanobis distance", () => {
  const X = points(40, 5);
  const Z = points(17, 5);

  it("with M = I equals laplaceKernel(X, Z, { sigma: L }), for M omitted, given as a matrix or as its diagonal", () => {
    for (const L of [0.7, 3]) {
      const expected = laplaceKernel(X, Z, { sigma: L });
      for (const M of [undefined, Matrix.eye(5), [1, 1, 1, 1, 1]]) {
        assert.ok(maxAbsDiff(laplaceMahalanobisKernel(X, Z, { M, bandwidth: L }), expected) < 1e-14);
      }
      const symmetric = laplaceMahalanobisKernel(X, undefined, { bandwidth: L });
      assert.ok(maxAbsDiff(symmetric, laplaceKernel(X, undefined, { sigma: L })) < 1e-14);
    }
  });

  it("with a full M equals exp(-||x - z||_M / L) from the differences, exactly 1 for equal points and accurate for close ones", () => {
    const M = randomMetric(5);
    const close = X[3].map((v, k) => v + 1e-9 * (k + 1));
    const Y = [...Z, X[2], close];
    const K = laplaceMahalanobisKernel(X, Y, { M, bandwidth: 1.3 });
    for (let i = 0; i < X.length; i++) {
      for (let j = 0; j < Z.length; j++) {
        assert.ok(Math.abs(K.get(i, j) - directKernel(X[i], Y[j], M, 1.3)) < 1e-14);
      }
    }
    assert.equal(K.get(2, Z.length), 1);
    // 1 - K = ||v||_M / L to first order: the expanded square would have lost every digit of it.
    const gap = 1 - directKernel(X[3], close, M, 1.3);
    assert.ok(Math.abs(1 - K.get(3, Z.length + 1) - gap) < 1e-6 * gap);
    const symmetric = laplaceMahalanobisKernel([...X, X[0]], undefined, { M, bandwidth: 1.3 });
    assert.ok(symmetric.isSymmetric());
    for (let i = 0; i <= X.length; i++) assert.equal(symmetric.get(i, i), 1);
    assert.equal(symmetric.get(0, X.length), 1);
  });

  it("with a diagonal M, given as a list, equals the same diagonal as a matrix", () => {
    const diagonal = [2, 0.5, 0, 1, 3];
    const K = laplaceMahalanobisKernel(X, Z, { M: diagonal, bandwidth: 2 });
    assert.ok(
      maxAbsDiff(K, laplaceMahalanobisKernel(X, Z, { M: Matrix.diag(diagonal), bandwidth: 2 })) < 1e-15,
    );
    assert.ok(Math.abs(K.get(4, 6) - directKernel(X[4], Z[6], Matrix.diag(diagonal), 2)) < 1e-14);
  });

  it("is unchanged by scaling the points and the bandwidth by 2^400 or 2^-400, and M by 4^300", () => {
    const M = randomMetric(5);
    const K = laplaceMahalanobisKernel(X, Z, { M, bandwidth: 1.5 });
    for (const s of [2 ** 400, 2 ** -400]) {
      const scaled = (P: number[][]) => P.map((p) => p.map((v) => v * s));
      assert.deepEqual(
        laplaceMahalanobisKernel(scaled(X), scaled(Z), { M, bandwidth: 1.5 * s }).to2DArray(),
        K.to2DArray(),
      );
    }
    const big = laplaceMahalanobisKernel(X, Z, { M: M.clone().mul(4 ** 300), bandwidth: 1.5 * 2 ** 300 });
    assert.deepEqual(big.to2DArray(), K.to2DArray());
  });
});

describe("the gradient of a Laplace-Mahalanobis predictor", () => {
  const d = 4;
  const X = points(30, d);
  const alpha = points(30, 2);
  const M = randomMetric(d);
  const L = 1.7;
  const f = (x: number[]): number[] => {
    const K = laplaceMahalanobisKernel([x], X, { M, bandwidth: L });
    return K.mmul(new Matrix(alpha)).getRow(0);
  };

  it("matches central finite differences at several points, M not the identity", () => {
    const at = points(6, d);
    const G = laplaceMahalanobisGradients(X, alpha, at, { M, bandwidth: L });
    assert.equal(G.length, 2);
    const h = 1e-5;
    for (let j = 0; j < at.length; j++) {
      for (let k = 0; k < d; k++) {
        const plus = f(at[j].map((v, l) => (l === k ? v + h : v)));
        const minus = f(at[j].map((v, l) => (l === k ? v - h : v)));
        for (let c = 0; c < 2; c++) {
          const fd = (plus[c] - minus[c]) / (2 * h);
          assert.ok(
            Math.abs(G[c].get(j, k) - fd) < 1e-7 * (1 + Math.abs(fd)),
            `point ${j}, coordinate ${k}, output ${c}`,
          );
        }
      }
    }
  });

  it("gets no contribution from a center at distance 0 (at a center, as with that center left out)", () => {
    const G = laplaceMahalanobisGradients(X, alpha, [X[5]], { M, bandwidth: L });
    const others = X.filter((_, i) => i !== 5);
    const rest = alpha.filter((_, i) => i !== 5);
    const H = laplaceMahalanobisGradients(others, rest, [X[5]], { M, bandwidth: L });
    for (let c = 0; c < 2; c++) assert.ok(maxAbsDiff(G[c], H[c]) < 1e-14 * (1 + maxAbs(H[c])));
  });

  it("takes a list of coefficients for one output", () => {
    const column = alpha.map((row) => row[1]);
    const G = laplaceMahalanobisGradients(X, column, X.slice(0, 3), { M, bandwidth: L });
    assert.equal(G.length, 1);
    assert.ok(
      maxAbsDiff(G[0], laplaceMahalanobisGradients(X, alpha, X.slice(0, 3), { M, bandwidth: L })[1]) === 0,
    );
  });
});

describe("the average gradient outer product", () => {
  // 2100 points in 3-D: the gradients come in two blocks of rows, so centering's shift and sums span blocks.
  const X = points(2100, 3);
  const alpha = points(2100, 2).map((row) => row.map((v) => v / 50));
  const M = randomMetric(3);
  const options = { M, bandwidth: 2 };
  const G = laplaceMahalanobisGradients(X, alpha, X, options);

  it("is symmetric positive semidefinite and the mean outer product of the gradients", () => {
    const A = averageGradientOuterProduct(X, alpha, X, options);
    assert.ok(A.isSymmetric());
    const values = eigenvalues(A);
    assert.ok(values[values.length - 1] >= -1e-14 * values[0]);
    assert.ok(maxAbsDiff(A, outerProductMean(G, false)) < 1e-12 * maxAbs(A));
  });

  it("with centering equals the gradients' covariance", () => {
    const A = averageGradientOuterProduct(X, alpha, X, { ...options, centering: true });
    assert.ok(A.isSymmetric());
    assert.ok(maxAbsDiff(A, outerProductMean(G, true)) < 1e-12 * maxAbs(A));
    assert.ok(eigenvalues(A)[2] >= -1e-14 * eigenvalues(A)[0]);
  });

  it("with diagonal keeps only the diagonal", () => {
    for (const centering of [false, true]) {
      const full = averageGradientOuterProduct(X, alpha, X, { ...options, centering });
      const diagonal = averageGradientOuterProduct(X, alpha, X, { ...options, centering, diagonal: true });
      assert.ok(maxAbsDiff(diagonal, Matrix.diag(full.diag())) < 1e-12 * maxAbs(full));
    }
  });
});

describe("rfm", () => {
  // A target of coordinates 0 and 1 only, in 10 dimensions (the authors' low-rank examples).
  const d = 10;
  const X = points(500, d);
  const test = points(1000, d);
  const target = (x: number[]): number => x[0] * x[1];
  const y = X.map(target);
  const yTest = test.map(target);
  const relativeError = (p: Matrix): number =>
    yTest.reduce((s, v, j) => s + (p.get(j, 0) - v) ** 2, 0) / yTest.reduce((s, v) => s + v * v, 0);
  const plain = (() => {
    const fit = kernelRegression(laplaceKernel(X), y, { ridge: 1e-3 });
    const p = fit.predict(laplaceKernel(test, X));
    return relativeError(new Matrix([Array.from(p)]).transpose());
  })();

  for (const centering of [false, true]) {
    it(`learns an M concentrated on coordinates 0 and 1 and beats the plain Laplace kernel (centering ${centering})`, () => {
      const model = rfm(X, y, {
        iterations: 3,
        centering,
        evaluate: (_, fit) => relativeError(fit.predict(test)),
      });
      assert.equal(model.Ms.length, 4);
      assert.deepEqual(model.Ms[0].to2DArray(), Matrix.eye(d).to2DArray());
      assert.equal(model.M, model.Ms[3]);
      assert.ok(model.M.isSymmetric());
      assert.equal(Math.max(...model.M.diag()), 1);
      const values = eigenvalues(model.M);
      assert.ok(values[d - 1] >= -1e-12);
      const diagonal = model.M.diag();
      const trace = diagonal.reduce((s, v) => s + v, 0);
      assert.ok(
        (diagonal[0] + diagonal[1]) / trace > 0.95,
        `share of coordinates 0 and 1: ${diagonal[0] + diagonal[1]} of ${trace}`,
      );
      // Fit 0 is plain Laplace kernel regression.
      assert.ok(Math.abs(model.evaluations[0] - plain) < 1e-9);
      const last = model.evaluations[3];
      assert.ok(last < plain / 4, `relative test error ${last} against the plain Laplace kernel's ${plain}`);
      assert.ok(Math.abs(relativeError(model.predict(test)) - last) === 0);
    });
  }

  it("with diagonal learns a diagonal M on the same coordinates", () => {
    const model = rfm(X, y, { iterations: 3, diagonal: true });
    const M = model.M;
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) if (k !== l) assert.equal(M.get(k, l), 0);
    const diagonal = M.diag();
    assert.ok((diagonal[0] + diagonal[1]) / diagonal.reduce((s, v) => s + v, 0) > 0.95);
    assert.ok(relativeError(model.predict(test)) < plain / 4);
  });

  it("fits (K_M + ridge I) alpha = Y: at the training points the predictions are Y - ridge alpha", () => {
    const Y = X.slice(0, 120).map((x) => [x[0] > 0 ? 1 : 0, x[0] > 0 ? 0 : 1]);
    const model = rfm(X.slice(0, 120), Y, { iterations: 2, ridge: 0.01 });
    const p = model.predict(X.slice(0, 120));
    const expected = new Matrix(Y).sub(model.alpha.clone().mul(0.01));
    assert.ok(maxAbsDiff(p, expected) < 1e-10);
  });

  it("averages the AGOP over a seeded subsample of agopPoints training points", () => {
    const a = rfm(X, y, { iterations: 1, agopPoints: 100, seed: 3 });
    const b = rfm(X, y, { iterations: 1, agopPoints: 100, seed: 3 });
    const c = rfm(X, y, { iterations: 1, agopPoints: 100, seed: 4 });
    assert.equal(a.agopIndices.length, 100);
    assert.ok(a.agopIndices.every((v, i) => i === 0 || v > a.agopIndices[i - 1]));
    assert.deepEqual(a.M.to2DArray(), b.M.to2DArray());
    assert.notDeepEqual(Array.from(a.agopIndices), Array.from(c.agopIndices));
    assert.deepEqual(
      rfm(X, y, { iterations: 1, agopPoints: 600 }).agopIndices,
      Int32Array.from({ length: 500 }, (_, i) => i),
    );
  });

  it("ticks its progress once per fit", () => {
    const events: string[] = [];
    const progress = (total: number, label: string) => {
      events.push(`start ${total} ${label}`);
      return { tick: () => events.push("tick"), done: () => events.push("done") };
    };
    rfm(X.slice(0, 50), y.slice(0, 50), { iterations: 2, progress });
    assert.deepEqual(events, ["start 3 rfm", "tick", "tick", "tick", "done"]);
  });

  it("refuses bad parameters, naming them", () => {
    const small = X.slice(0, 20);
    const ys = y.slice(0, 20);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ iterations: -1 }, /^rfm: iterations must be an integer >= 0, got -1/],
      [{ iterations: 1.5 }, /^rfm: iterations must be .*1\.5/],
      [{ bandwidth: 0 }, /^rfm: bandwidth must be a finite number > 0, got 0/],
      [{ bandwidth: NaN }, /^rfm: bandwidth must .*NaN/],
      [{ ridge: -1 }, /^rfm: ridge must be a finite number >= 0, got -1/],
      [{ centering: "yes" }, /^rfm: centering must be true or false, got "yes"/],
      [{ diagonal: 1 }, /^rfm: diagonal must be true or false, got 1/],
      [{ agopPoints: 0 }, /^rfm: agopPoints must be an integer >= 1, got 0/],
      [{ seed: -1 }, /^rfm: seed must be an integer in \[0, 9007199254740992\], got -1/],
      [{ progress: true }, /^rfm: progress must be false or a function/],
      [{ evaluate: 5 }, /^rfm: evaluate must be a function/],
      [{ iteration: 2 }, /^rfm: options has no "iteration"; allowed are iterations, /],
    ];
    for (const [options, message] of cases) assert.throws(() => rfm(small, ys, options), { message });
    assert.throws(() => rfm(small, ys.slice(1)), {
      message: /^rfm: Y must be an n x c Matrix .*n = 20.*got 19/,
    });
    assert.throws(() => rfm(small, [...ys.slice(1), NaN]), {
      message: /^rfm: Y\[19\] must be finite, got NaN/,
    });
    assert.throws(() => rfm(small, ys, 5 as never), { message: /^rfm: options must be an object, got 5/ });
    assert.throws(() => rfm(small, ys).predict([[1, 2]]), {
      message: /^rfm\.predict: points must have the dimension of X \(10/,
    });
  });

  it("refuses a bad M, bandwidth or point set in the kernel, its gradients and the AGOP, naming them", () => {
    const P = points(4, 2);
    const alpha = [1, 2, 3, 4];
    for (const [M, message] of [
      [
        [
          [1, 0.5],
          [0, 1],
        ],
        /M must be symmetric/,
      ],
      [Matrix.eye(3), /M must be 2 x 2 \(the points' dimension\), got 3 x 3/],
      [[1, -1], /M\[1\] must be a finite number >= 0/],
      [[1, 2, 3], /M must be .*got a list of 3 numbers/],
      [Matrix.diag([1, -2]), /M must be positive semidefinite; its diagonal entry M\[1\]\[1\] = -2/],
      ["I", /M must be a symmetric positive semidefinite 2 x 2 Matrix .*got "I"/],
    ] as const) {
      assert.throws(() => laplaceMahalanobisKernel(P, P, { M: M as never }), {
        message: new RegExp(`^laplaceMahalanobisKernel: ${message.source}`),
      });
      assert.throws(() => laplaceMahalanobisGradients(P, alpha, P, { M: M as never }), {
        message: new RegExp(`^laplaceMahalanobisGradients: ${message.source}`),
      });
      assert.throws(() => averageGradientOuterProduct(P, alpha, P, { M: M as never }), {
        message: new RegExp(`^averageGradientOuterProduct: ${message.source}`),
      });
    }
    assert.throws(() => laplaceMahalanobisKernel(P, P, { bandwidth: -1 }), {
      message: /^laplaceMahalanobisKernel: bandwidth must be a finite number > 0, got -1/,
    });
    assert.throws(() => laplaceMahalanobisKernel(P, [[1, 2, 3]]), {
      message: /^laplaceMahalanobisKernel: Y must have the dimension of X \(2/,
    });
    assert.throws(() => laplaceMahalanobisGradients(P, alpha, [[1]]), {
      message: /^laplaceMahalanobisGradients: points must have the dimension of X \(2/,
    });
    assert.throws(() => laplaceMahalanobisGradients(P, [1, 2], P), {
      message: /^laplaceMahalanobisGradients: alpha must be .*n = 4.*got 2/,
    });
    assert.throws(() => averageGradientOuterProduct(P, alpha, P, { centering: 1 as never }), {
      message: /^averageGradientOuterProduct: centering must be true or false, got 1/,
    });
  });

  it("refuses a zero target, whose fit has no gradients to learn from, and fits a constant one", () => {
    const small = X.slice(0, 60);
    assert.throws(() => rfm(small, new Array<number>(60).fill(0)), {
      message: /^rfm: the AGOP of fit 0 over its 60 AGOP points is 0 .*Y must not be zero/,
    });
    const model = rfm(small, new Array<number>(60).fill(2), { iterations: 2 });
    const M = model.M.to1DArray();
    assert.ok(M.every(Number.isFinite));
    assert.ok(model.M.isSymmetric());
    const p = model.predict(small).to1DArray();
    assert.ok(
      p.every((v) => Math.abs(v - 2) < 0.05),
      `predictions ${Math.min(...p)} .. ${Math.max(...p)}`,
    );
  });

  it("refuses points so far apart that K_M = I, naming X and the bandwidth", () => {
    assert.throws(
      () =>
        rfm(
          points(5, 2).map((p) => p.map((v) => v * 1e6)),
          [1, 2, 3, 4, 5],
        ),
      {
        message:
          /^rfm: the AGOP of fit 0 .*the points of X must lie within a few hundred bandwidths \(bandwidth = 1\)/,
      },
    );
  });
});
