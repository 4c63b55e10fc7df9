import assert from "node:assert/strict";
import { test } from "node:test";
import {
  circleMatrixSlopes,
  circlePoints,
  decaySlope,
  eigenvalues,
  extendedLaplace,
  extendedLaplaceKernel,
  laplace,
  laplaceKernel,
} from "../src/index";

test("each entry is the old inline computation: eigenvalues of the kernel on n circle points, decaySlope lsq and endpoints", () => {
  const [dense, circ] = circleMatrixSlopes(laplace({ sigma: 1 }), [
    { n: 200, method: "dense" },
    { n: 400, method: "circulant" },
  ]);
  const small = eigenvalues(laplaceKernel(circlePoints(200), undefined, { sigma: 1 }));
  assert.deepEqual(Array.from(dense.eigenvalues), Array.from(small));
  assert.deepEqual(dense.lsq, decaySlope(small, { from: 30, to: 100, n: 200 }));
  assert.deepEqual(dense.endpoints, decaySlope(small, { from: 30, to: 100, method: "endpoints" }));
  const large = eigenvalues(laplaceKernel(circlePoints(400), undefined, { sigma: 1 }), {
    method: "circulant",
  });
  assert.deepEqual(Array.from(circ.eigenvalues), Array.from(large));
  assert.deepEqual(circ.lsq, decaySlope(large, { from: 30, to: 100 }));
  assert.equal(circ.n, 400);
  assert.equal(circ.method, "circulant");
});

test("the dense and the circulant eigenvalues of one matrix agree, and the Laplace slope flattens by aliasing at small n", () => {
  const [dense, circ] = circleMatrixSlopes(laplace({ sigma: 1 }), [
    { n: 256, method: "dense" },
    { n: 256, method: "circulant" },
  ]);
  for (let i = 0; i < 100; i++) {
    assert.ok(
      Math.abs(dense.eigenvalues[i] - circ.eigenvalues[i]) < 1e-11 * dense.eigenvalues[0],
      `rank ${i + 1}`,
    );
  }
  const [wide] = circleMatrixSlopes(laplace({ sigma: 1 }), [{ n: 2000, method: "circulant" }]);
  // Theory -2 for the Laplace kernel; aliasing makes the n = 256 window flatter than the n = 2000 one.
  assert.ok((wide.lsq.slope as number) < -1.95 && (wide.lsq.slope as number) > -2.2, `${wide.lsq.slope}`);
  assert.ok((dense.lsq.slope as number) > (wide.lsq.slope as number));
});

test("magnitude fits |lambda| of an indefinite kernel, as decaySlope with magnitude does", () => {
  const [m] = circleMatrixSlopes(extendedLaplace({ alpha: 1, beta: 1 }), [{ n: 300, method: "circulant" }], {
    magnitude: true,
  });
  const ev = eigenvalues(extendedLaplaceKernel(circlePoints(300), undefined, { alpha: 1, beta: 1 }), {
    method: "circulant",
  });
  assert.deepEqual(m.lsq, decaySlope(ev, { from: 30, to: 100, magnitude: true }));
  assert.ok(ev[ev.length - 1] < 0, "the kernel has negative eigenvalues");
});

test("it refuses bad matrices and options, naming itself, the parameter and the value", () => {
  const k = laplace({ sigma: 1 });
  assert.throws(() => circleMatrixSlopes(k, []), /circleMatrixSlopes: matrices must be a non-empty array/);
  assert.throws(
    () => circleMatrixSlopes(k, [{ n: 50, method: "dense" }]),
    /circleMatrixSlopes: matrices\[0\].n must be an integer >= to = 100 \(the window.s last rank\), got 50/,
  );
  assert.throws(
    () => circleMatrixSlopes(k, [{ n: 200, method: "topk" as never }]),
    /circleMatrixSlopes: matrices\[0\].method must be "dense" or "circulant", got "topk"/,
  );
  assert.throws(
    () => circleMatrixSlopes(k, [{ n: 200, method: "dense" }], { window: 3 } as never),
    /options has no "window"/,
  );
  assert.throws(
    () => circleMatrixSlopes(5 as never, [{ n: 200, method: "dense" }]),
    /^Error: circleMatrixSlopes: kernel must be/,
  );
});
