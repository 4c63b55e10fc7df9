/**
 * The fast paths of the kernel matrices (assemble.ts, the duals called without their gaps): they must
 * give exactly the entries of the plain computation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { cos, erf, identity, relu, reluPower, sin, type DualArrays } from "../src/activations";
import { assembleKernel, assembleRows } from "../src/kernels/assemble";
import { laplaceKernel, mlp, nngp, ntk } from "../src/kernels/index";

test("assembleRows fills and mirrors every entry (sizes across the 64-row blocks)", () => {
  for (const [n, m] of [
    [1, 1],
    [63, 63],
    [64, 64],
    [130, 130],
    [70, 5],
  ]) {
    const f = (i: number, j: number) => Math.sin(i * 1.3 + j * 0.7) + (i === j ? 3 : 0);
    const symmetric = n === m;
    const sym = (i: number, j: number) => f(Math.min(i, j), Math.max(i, j));
    const K = assembleRows(n, m, symmetric, (i, j0, j1, row) => {
      for (let j = j0; j < j1; j++) row[j] = symmetric ? sym(i, j) : f(i, j);
    });
    assert.ok(K instanceof Matrix);
    assert.equal(K.rows, n);
    assert.equal(K.columns, m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++)
        assert.equal(K.get(i, j), symmetric ? sym(i, j) : f(i, j), `${n} x ${m} at (${i}, ${j})`);
    }
    const E = assembleKernel(n, m, symmetric, symmetric ? sym : f);
    assert.deepEqual(E.to2DArray(), K.to2DArray());
  }
});

test("every dual gives the same E[s(u)s(v)] and E[s'(u)s'(v)] without its gaps (a last layer's call) as with them", () => {
  const a: number[] = [];
  const b: number[] = [];
  const g: number[] = [];
  const h: number[] = [];
  for (const va of [0, 0.3, 1, 2.5, 400]) {
    for (const vb of [0, 0.7, 1, 4, 300]) {
      for (const t of [
        0,
        1e-9,
        0.2,
        0.45,
        0.5,
        0.55,
        1,
        Math.PI / 2,
        2.7,
        Math.PI - 0.4,
        Math.PI - 1e-9,
        Math.PI,
      ]) {
        const m = Math.sqrt(va * vb);
        a.push(va);
        b.push(vb);
        g.push(2 * m * Math.sin(t / 2) ** 2);
        h.push(2 * m * Math.cos(t / 2) ** 2);
      }
    }
  }
  const count = a.length;
  const arrays = (): DualArrays => ({
    a: Float64Array.from(a),
    b: Float64Array.from(b),
    c: Float64Array.from(g, (ge, e) => (h[e] - ge) / 2),
    g: Float64Array.from(g),
    h: Float64Array.from(h),
    value: new Float64Array(count),
    derivative: new Float64Array(count),
    gap: new Float64Array(count).fill(-1),
    cogap: new Float64Array(count).fill(-1),
  });
  for (const act of [relu, reluPower(2), reluPower(3), sin, cos, erf, identity]) {
    const full = arrays();
    const values = arrays();
    act.dual(full, count, true);
    act.dual(values, count, false);
    for (let e = 0; e < count; e++) {
      assert.ok(
        Object.is(values.value[e], full.value[e]) && Object.is(values.derivative[e], full.derivative[e]),
        `${act.name} at a=${a[e]} b=${b[e]} g=${g[e]} h=${h[e]}`,
      );
      assert.ok(full.gap[e] !== -1 && full.cogap[e] !== -1, `${act.name} wrote its gaps at entry ${e}`);
    }
  }
});

test("symmetric and general assembly agree exactly (ntk, nngp with bias, Laplace)", () => {
  const X: number[][] = [];
  for (let i = 0; i < 150; i++) X.push([Math.cos(i * 0.37) * (1 + (i % 3)), Math.sin(i * 0.37), (i % 5) - 2]);
  X.push([-X[0][0], -X[0][1], -X[0][2]], [X[1][0] * (1 + 1e-12), X[1][1], X[1][2]]);
  const copy = X.map((r) => [...r]);
  const arch = mlp([relu, sin, relu], { biasStd: [0.5, 0.2, 0.1] });
  assert.deepEqual(ntk(arch, X).to2DArray(), ntk(arch, X, copy).to2DArray());
  assert.deepEqual(nngp(arch, X).to2DArray(), nngp(arch, X, copy).to2DArray());
  assert.deepEqual(laplaceKernel(X).to2DArray(), laplaceKernel(X, copy).to2DArray());
});
