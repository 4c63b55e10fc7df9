import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { eigenvalues, eigh, fft } from "../src/spectrum";
import { Rng } from "../src/random";
import { circleMatrix, gridMatrix, reluNtk, laplace } from "./circle-kernels";
import {
  denseEigensystem,
  ritzValuesAndTails,
  tridiagonalize,
  tridiagonalizePlain,
  tridiagonalQL,
} from "../src/spectrum/dense";

const EPS = Number.EPSILON;

function randomSymmetric(n: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      K.set(i, j, v);
      K.set(j, i, v);
    }
  }
  return K;
}

/** |a - b| <= 1e-10 |b| + 10 n eps lambda_1, the agreement the issue asks of all three paths. */
function assertAgree(a: Float64Array, b: Float64Array, n: number, label: string): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  const scale = Math.max(Math.abs(b[0]), Math.abs(b[b.length - 1]));
  for (let i = 0; i < a.length; i++) {
    const bound = 1e-10 * Math.abs(b[i]) + 10 * n * EPS * scale;
    assert.ok(
      Math.abs(a[i] - b[i]) <= bound,
      `${label}: eigenvalue ${i}: ${a[i]} vs ${b[i]} (bound ${bound})`,
    );
  }
}

/** Checks A V = V D, V^T V = I and descending order for an eigensystem of K. */
function assertEigensystem(K: Matrix, values: Float64Array, V: Matrix, label: string): void {
  const n = K.rows;
  const k = values.length;
  const scale = Math.max(...Array.from(values, Math.abs));
  const residual = K.mmul(V).sub(V.mmul(Matrix.diag(Array.from(values))));
  assert.ok(residual.abs().max() <= 100 * n * EPS * scale, `${label}: A V = V D`);
  const gram = V.transpose().mmul(V).sub(Matrix.eye(k));
  assert.ok(gram.abs().max() <= 100 * n * EPS, `${label}: V^T V = I`);
  for (let i = 1; i < k; i++) assert.ok(values[i] <= values[i - 1], `${label}: descending at ${i}`);
}

test("dense eigh of a random symmetric matrix satisfies A V = V D, V^T V = I and keeps the trace", () => {
  for (const n of [1, 2, 3, 17, 60]) {
    const K = randomSymmetric(n, n);
    const { values, vectors } = eigh(K);
    assertEigensystem(K, values, vectors, `n=${n}`);
    const sum = values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - K.trace()) <= 100 * n * EPS * Math.max(1, Math.abs(values[0])), `trace n=${n}`);
    assertAgree(eigenvalues(K), values, n, `eigenvalues vs eigh n=${n}`);
  }
});

test("dense, top-k and circulant paths agree on an equally spaced circle (double eigenvalues)", () => {
  for (const [kernel, n] of [
    [reluNtk, 200],
    [laplace, 129],
  ] as const) {
    const K = gridMatrix(kernel, n);
    const dense = eigenvalues(K, { method: "dense" });
    assertAgree(eigenvalues(K, { method: "circulant" }), dense, n, `circulant n=${n}`);
    assertAgree(eigenvalues(K, { top: 40 }), dense.slice(0, 40), n, `topk n=${n}`);
    assertAgree(
      eigenvalues(K, { top: 10, method: "circulant" }),
      dense.slice(0, 10),
      n,
      `circulant top n=${n}`,
    );
  }
});

test("top-k eigh on random circle points matches the dense path and its vectors are eigenvectors", () => {
  const rng = new Rng(7);
  const n = 300;
  const K = circleMatrix(
    reluNtk,
    Float64Array.from({ length: n }, () => 2 * Math.PI * rng.uniform()),
  );
  const dense = eigh(K);
  const top = eigh(K, { top: 50 });
  assertAgree(top.values, dense.values.slice(0, 50), n, "topk values");
  assertEigensystem(K, top.values, top.vectors, "topk vectors");
  assertEigensystem(K, dense.values, dense.vectors, "dense vectors");
  const again = eigh(K, { top: 50, seed: 1 });
  assert.deepEqual(again.values, top.values, "seeded: deterministic");
});

test("top-k finds every eigenvalue of a low-rank matrix, zeros included", () => {
  const n = 50;
  const rng = new Rng(3);
  const B = new Matrix(n, 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) B.set(i, j, rng.normal());
  const K = B.mmul(B.transpose());
  const top = eigenvalues(K, { top: 8 });
  assertAgree(top, eigenvalues(K).slice(0, 8), n, "rank 3");
  for (let i = 3; i < 8; i++) assert.ok(Math.abs(top[i]) <= 100 * n * EPS * top[0]);
});

test("the circulant path refuses a matrix that is not circulant, naming the worst entry", () => {
  const rng = new Rng(5);
  const K = circleMatrix(
    reluNtk,
    Float64Array.from({ length: 20 }, () => 2 * Math.PI * rng.uniform()),
  );
  assert.throws(
    () => eigenvalues(K, { method: "circulant" }),
    /must be circulant .*largest deviation \|K\[\d+\]\[\d+\]/,
  );
  assert.throws(
    () => eigh(gridMatrix(reluNtk, 8), { method: "circulant" }),
    /eigh: method must be "dense" or "topk"/,
  );
});

test("bad input throws errors that name the parameter and what is allowed", () => {
  const K = randomSymmetric(5, 1);
  assert.throws(() => eigenvalues(new Matrix(3, 4)), /K must be a non-empty square matrix, got 3 x 4/);
  assert.throws(() => eigenvalues([[1, 2], [3]]), /K must be square; row 1 has length 1/);
  const asym = K.clone();
  asym.set(1, 3, asym.get(1, 3) + 0.5);
  assert.throws(() => eigenvalues(asym), /largest asymmetry \|K\[3\]\[1\] - K\[1\]\[3\]\| = 0\.5/);
  const nan = K.clone();
  nan.set(2, 2, NaN);
  assert.throws(() => eigh(nan), /K\[2\]\[2\] must be finite, got NaN/);
  assert.throws(() => eigenvalues(K, { top: 6 }), /top must be an integer in \[1, 5\], got 6/);
  assert.throws(() => eigenvalues(K, { top: 0 }), /top must be an integer in \[1, 5\], got 0/);
  assert.throws(
    () => eigenvalues(K, { method: "qr" as never }),
    /method must be one of "dense", "topk", "circulant", got qr/,
  );
  assert.throws(() => eigenvalues(K, { top: 2, blockSize: 0 }), /blockSize must be an integer >= 1, got 0/);
});

test("fft matches the naive DFT for power-of-two and other lengths (Bluestein)", () => {
  for (const n of [1, 2, 7, 64, 200]) {
    const rng = new Rng(n);
    const x = rng.normals(n);
    const y = rng.normals(n);
    const re = x.slice();
    const im = y.slice();
    fft(re, im);
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < n; m++) {
        const a = (-2 * Math.PI * ((j * m) % n)) / n;
        sr += x[m] * Math.cos(a) - y[m] * Math.sin(a);
        si += x[m] * Math.sin(a) + y[m] * Math.cos(a);
      }
      assert.ok(Math.abs(re[j] - sr) + Math.abs(im[j] - si) <= 1e-12 * n, `n=${n} j=${j}`);
    }
  }
});

test("the WebAssembly tridiagonalization agrees with the plain-JS loops (odd and even sizes)", () => {
  for (const n of [49, 64, 131]) {
    const K = randomSymmetric(n, 100 + n);
    const a = Float64Array.from(K.to1DArray());
    const b = a.slice();
    const fast = tridiagonalize(a, n);
    const plain = tridiagonalizePlain(b, n);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(fast.d[i] - plain.d[i]) <= 1e-12 * n, `n=${n} d[${i}]`);
      assert.ok(Math.abs(fast.off[i] - plain.off[i]) <= 1e-12 * n, `n=${n} off[${i}]`);
    }
    tridiagonalQL(fast.d, fast.off, null);
    tridiagonalQL(plain.d, plain.off, null);
    const sortDesc = (x: Float64Array) => x.slice().sort().reverse();
    assertAgree(sortDesc(fast.d), sortDesc(plain.d), n, `wasm vs js n=${n}`);
  }
});

test("ritzValuesAndTails gives the eigenvalues and the tail entries of the full eigensystem", () => {
  const n = 70;
  const K = randomSymmetric(n, 9);
  const a = Float64Array.from(K.to1DArray());
  const { values, tails } = ritzValuesAndTails(a, n, n, n - 5);
  const full = denseEigensystem(a.slice(), n);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(values[i] - full.values[i]) <= 100 * n * EPS * 10, `value ${i}`);
    for (let c = 0; c < 5; c++) {
      const x = tails[i * 5 + c];
      const y = full.vectorRows[i * n + n - 5 + c];
      assert.ok(Math.abs(x - y) <= 1e-10, `tail ${i} ${c}: ${x} vs ${y}`);
    }
  }
});
