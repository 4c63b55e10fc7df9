import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import {
  Rng,
  kernelRegression,
  learningCurve,
  mlp,
  networkKernel,
  ntk,
  relu,
  segmentPoints,
} from "../src/index";

const arch = mlp([relu], { biasStd: 1 });
const testPoints = segmentPoints(50).getColumn(0);

test("each point is notebook 07's old inline loop, run by hand: same seeds, same fits, same bits", () => {
  const f = 2;
  const target = (x: number) => Math.sin(Math.PI * f * x);
  const sizes = [3, 7];
  const sets = 5;
  const curve = learningCurve(networkKernel(arch), target, {
    sizes,
    sets,
    seedOf: (size, s) => 1000 * f + 10 * size + s,
    testPoints,
    domain: [-1, 1],
    ridge: 1e-8,
    band: [0.1, 0.9],
  });
  // The notebook's cell before the move, verbatim but for the names.
  const column = (xs: number[]) => new Matrix(xs.map((x) => [x]));
  const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return s / a.length;
  };
  sizes.forEach((size, k) => {
    const errors: number[] = [];
    for (let s = 0; s < sets; s++) {
      const draw = new Rng(1000 * f + 10 * size + s);
      const xs = Array.from({ length: size }, () => draw.uniformIn(-1, 1));
      const fit = kernelRegression(ntk(arch, column(xs)), xs.map(target), { ridge: 1e-8 });
      errors.push(mse(fit.predict(ntk(arch, column(testPoints), column(xs))), testPoints.map(target)));
    }
    assert.deepEqual(curve[k].errors, errors);
    errors.sort((a, b) => a - b);
    const at = (q: number) => errors[Math.round(q * (errors.length - 1))];
    assert.equal(curve[k].size, size);
    assert.equal(curve[k].mean, errors.reduce((a, b) => a + b, 0) / errors.length);
    assert.equal(curve[k].low, at(0.1));
    assert.equal(curve[k].high, at(0.9));
  });
});

test("a target the kernel represents exactly is learned to rounding from a few points", () => {
  // K(x, x') = 1 + x x' spans the lines a + b x: kernel regression with a tiny ridge recovers 3x - 1.
  const linear = (X: unknown, Y?: unknown) => {
    const xs = X as number[];
    const ys = (Y ?? X) as number[];
    return new Matrix(xs.map((x) => ys.map((y) => 1 + x * y)));
  };
  const curve = learningCurve(linear, (x) => 3 * x - 1, {
    sizes: [2, 5],
    sets: 3,
    seedOf: (size, s) => size + 100 * s,
    testPoints,
    ridge: 1e-12,
  });
  for (const point of curve)
    for (const e of point.errors) assert.ok(e < 1e-12, `error ${e} at n = ${point.size}`);
});

test("seedOf is asked for every (size, set) in order and onFit is called once per fit", () => {
  const asked: [number, number][] = [];
  let fits = 0;
  const curve = learningCurve(networkKernel(arch), Math.cos, {
    sizes: [4, 2],
    sets: 3,
    seedOf: (size, s) => {
      asked.push([size, s]);
      return 7 * size + s;
    },
    testPoints: [0, 0.5],
    domain: [0, 2],
    onFit: () => fits++,
  });
  assert.deepEqual(asked, [
    [4, 0],
    [4, 1],
    [4, 2],
    [2, 0],
    [2, 1],
    [2, 2],
  ]);
  assert.equal(fits, 6);
  assert.deepEqual(
    curve.map((p) => p.size),
    [4, 2],
  );
  // The band lies inside the errors' range and holds the mean's neighbours.
  for (const p of curve) {
    assert.ok(Math.min(...p.errors) <= p.low && p.low <= p.high && p.high <= Math.max(...p.errors));
  }
});

test("the training inputs are the seeded Rng's uniform draws on the domain", () => {
  const seen: number[][] = [];
  const recording = (X: unknown, Y?: unknown) => {
    if (Y === undefined) seen.push(Array.from(X as number[]));
    return networkKernel(arch)(X as number[], Y as number[] | undefined);
  };
  learningCurve(recording, (x) => x * x, {
    sizes: [3],
    sets: 2,
    seedOf: (_, s) => 40 + s,
    testPoints,
    domain: [2, 5],
  });
  const draws = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 3 }, () => rng.uniformIn(2, 5));
  };
  assert.deepEqual(seen, [draws(40), draws(41)]);
});

test("a kernel that does not return a finite matrix of the right shape is an Error naming kernel", () => {
  const options = { sizes: [2], sets: 1, seedOf: () => 1, testPoints: [0] };
  assert.throws(
    () => learningCurve(() => new Matrix(1, 1), Math.sin, options),
    /learningCurve: kernel must return a 2 x 2 Matrix .*got 1 x 1/,
  );
  assert.throws(
    () => learningCurve((X) => new Matrix((X as number[]).length, 2).fill(NaN), Math.sin, options),
    /learningCurve: kernel must return finite values, got NaN at \[0\]\[0\]/,
  );
});
