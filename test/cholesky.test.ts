import assert from "node:assert/strict";
import { test } from "node:test";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { choleskyInPlace, choleskySolveInPlace } from "../src/linalg/cholesky";
import { gemmReady, setGemmBackend } from "../src/linalg/gemm";
import { Rng } from "../src/random";

/** A well-conditioned SPD matrix B B^T / d + shift I, row-major. */
function spd(n: number, seed: number, shift = 0.5): Float64Array {
  const rng = new Rng(seed);
  const d = n + 3;
  const B = Float64Array.from({ length: n * d }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[i * d + k] * B[j * d + k];
      a[i * n + j] = a[j * n + i] = s / d + (i === j ? shift : 0);
    }
  }
  return a;
}

// Orders around the leaves (32 rows for solves, 64 for factors) and odd splits at several levels.
const ORDERS = [1, 2, 31, 33, 64, 65, 97, 200, 515];

test("the blocked factor equals the textbook Cholesky (ml-matrix) and U^T U reproduces A", () => {
  for (const n of ORDERS) {
    const a = spd(n, n);
    const u = a.slice();
    assert.equal(choleskyInPlace(u, n), -1);
    const L = new CholeskyDecomposition(
      new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))),
    ).lowerTriangularMatrix;
    let worst = 0;
    let worstProduct = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        worst = Math.max(worst, Math.abs(u[i * n + j] - L.get(j, i)));
        let s = 0;
        for (let k = 0; k <= i; k++) s += u[k * n + i] * u[k * n + j];
        worstProduct = Math.max(worstProduct, Math.abs(s - a[i * n + j]));
      }
    }
    assert.ok(worst < 1e-12, `n = ${n}: |U - L^T| = ${worst}`);
    assert.ok(worstProduct < 1e-12, `n = ${n}: |U^T U - A| = ${worstProduct}`);
  }
});

test("the strict lower triangle is left as it was", () => {
  const n = 150;
  const a = spd(n, 3);
  const u = a.slice();
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) u[i * n + j] = -7;
  choleskyInPlace(u, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(u[i * n + j], -7);
});

test("solves with one and many right-hand sides leave residuals at rounding", () => {
  for (const n of ORDERS) {
    for (const cols of [1, 3, 40]) {
      const a = spd(n, 100 + n);
      const u = a.slice();
      choleskyInPlace(u, n);
      const rng = new Rng(cols);
      const b = Float64Array.from({ length: n * cols }, () => rng.normal());
      const x = b.slice();
      choleskySolveInPlace(u, n, x, cols);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < cols; c++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a[i * n + k] * x[k * cols + c];
          worst = Math.max(worst, Math.abs(s - b[i * cols + c]));
        }
      }
      assert.ok(worst < 1e-11, `n = ${n}, ${cols} columns: residual ${worst}`);
    }
  }
});

test("an indefinite or singular matrix is reported at its first bad pivot", () => {
  const n = 300;
  const a = spd(n, 9);
  // Row 210 made a copy of row 209 (and the column alike): singular at pivot 210, up to rounding.
  const singular = a.slice();
  for (let k = 0; k < n; k++) {
    singular[210 * n + k] = singular[209 * n + k];
    singular[k * n + 210] = singular[k * n + 209];
  }
  singular[210 * n + 210] = singular[209 * n + 209];
  const u = singular.slice();
  const bad = choleskyInPlace(u, n);
  // Exactly singular in exact arithmetic: the pivot is zero or rounding noise of either sign.
  assert.ok(bad === 210 || (bad === -1 && u[210 * n + 210] ** 2 < 1e-20), `bad pivot ${bad}`);
  const indefinite = a.slice();
  indefinite[150 * n + 150] = -1;
  assert.equal(choleskyInPlace(indefinite, n), 150);
  assert.equal(choleskyInPlace(new Float64Array([0]), 1), 0);
  assert.equal(choleskyInPlace(new Float64Array([NaN]), 1), 0);
});

test("one and two gemm threads give the same factor and solution bit for bit", async () => {
  const n = 700;
  const a = spd(n, 5);
  const runs: Float64Array[] = [];
  for (const threads of [1, 2]) {
    setGemmBackend({ threads });
    await gemmReady();
    const u = a.slice();
    choleskyInPlace(u, n);
    const x = Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(i));
    choleskySolveInPlace(u, n, x, 2);
    runs.push(Float64Array.from([...u, ...x]));
  }
  setGemmBackend({ threads: 2 });
  assert.deepEqual(runs[0], runs[1]);
});
