import assert from "node:assert/strict";
import { test } from "node:test";
import {
  empiricalNtk,
  gradientDescentDynamics,
  mlp,
  network,
  networkAgainstDynamics,
  ntk,
  relativeError,
  relu,
  train,
} from "../src/index";

const arch = mlp([relu], { biasStd: 1 });
const xTrain = [-1.1, -0.2, 0.5, 1.3];
const yTrain = xTrain.map((x) => x + Math.sin(3 * x));
const grid = [-2, -1, 0, 0.8, 2];
const kernelPoints = [...xTrain, 2];

test("it is notebook 07's old training-and-comparison loop, run by hand: same curves, gaps and kernel drift", () => {
  const steps = [0, 5, 30];
  const result = networkAgainstDynamics(
    arch,
    { xTrain, yTrain, grid },
    { width: 64, seed: 3, eta: 0.5, steps, kernelPoints },
  );
  // The notebook's cell before the move, with its names.
  const net = network(arch, { inputDim: 1, width: 64, seed: 3 });
  const f0Train = net.predict(Float64Array.from(xTrain), xTrain.length);
  const f0Grid = net.predict(Float64Array.from(grid), grid.length);
  const kernelLimit = ntk(arch, kernelPoints).to1DArray();
  const kernelAtStart = empiricalNtk(net, kernelPoints).to1DArray();
  const run = train(net, xTrain, yTrain, { steps: 30, learningRate: 0.5, record: steps, evalPoints: grid });
  const dyn = gradientDescentDynamics(ntk(arch, xTrain), yTrain, { eta: 0.5, initial: f0Train });
  const gridCross = ntk(arch, grid, xTrain);
  const records = run.records.filter((r) => steps.includes(r.step));
  assert.equal(result.comparisons.length, records.length);
  records.forEach((record, k) => {
    const c = result.comparisons[k];
    const kernelCurve = dyn.predict(record.step, gridCross, f0Grid);
    const netCurve = record.evalPredictions as Float64Array;
    const gapAt = netCurve.map((v, i) => Math.abs(v - kernelCurve[i]));
    const worst = gapAt.indexOf(Math.max(...gapAt));
    assert.equal(c.step, record.step);
    assert.deepEqual(c.network, netCurve);
    assert.deepEqual(c.kernel, kernelCurve);
    assert.equal(c.gap, gapAt[worst]);
    assert.equal(c.where, worst);
    assert.equal(c.scale, Math.max(...netCurve.map(Math.abs)));
  });
  const kernelAtEnd = empiricalNtk(net, kernelPoints).to1DArray();
  assert.equal(result.kernelOff, relativeError(kernelAtStart, kernelLimit));
  assert.equal(result.kernelMoved, relativeError(kernelAtEnd, kernelAtStart));
  assert.equal(result.message, run.message);
});

test("at step 0 the kernel dynamics are the network's own f0: the gap is exactly 0", () => {
  const { comparisons } = networkAgainstDynamics(
    arch,
    { xTrain, yTrain, grid },
    { width: 32, seed: 1, eta: 0.5, steps: [0, 10], kernelPoints },
  );
  assert.equal(comparisons[0].step, 0);
  assert.equal(comparisons[0].gap, 0);
  assert.ok(comparisons[1].gap > 0);
});

test("a wider network stays closer to the kernel dynamics and its kernel moves less", () => {
  const run = (width: number) =>
    networkAgainstDynamics(
      arch,
      { xTrain, yTrain, grid },
      { width, seed: 5, eta: 0.5, steps: [200], kernelPoints },
    );
  const narrow = run(16);
  const wide = run(4096);
  assert.ok(
    wide.comparisons[0].gap < narrow.comparisons[0].gap,
    `${wide.comparisons[0].gap} vs ${narrow.comparisons[0].gap}`,
  );
  assert.ok(wide.kernelMoved < narrow.kernelMoved);
  assert.ok(wide.kernelOff < narrow.kernelOff);
});
