import assert from "node:assert/strict";
import { test } from "node:test";
import { erf, relu, sin } from "../src/activations";
import { mlp } from "../src/layers";
import { network } from "../src/network";

test("one hidden relu layer is f = A sqrt(2/k) relu(B x) with A, B read from the flat parameters (seed 004)", () => {
  const k = 7;
  const net = network(mlp([relu]), { inputDim: 3, width: k, seed: 11 });
  const x = [0.4, -1.1, 0.8];
  const B = net.weights[0];
  const A = net.weights[1];
  let f = 0;
  for (let r = 0; r < k; r++) {
    let h = 0;
    for (let c = 0; c < 3; c++) h += B[r * 3 + c] * x[c];
    f += A[r] * Math.sqrt(2 / k) * Math.max(0, h);
  }
  assert.ok(Math.abs(net.forward(x)[0] - f) < 1e-14);
  assert.equal(net.parameterCount, 3 * k + k + k); // B, b (trainable, scaled by biasStd 0), A
  assert.equal(net.parameterization, "ntk");
});

test("backward gives the gradient of every parameter (central finite differences)", () => {
  const net = network(mlp([sin, erf], { weightStd: [1.2, 0.8, 1.5], biasStd: [0.5, 0.3] }), {
    inputDim: 2,
    width: [5, 4],
    outputs: 2,
    seed: 3,
  });
  const x = [0.7, -0.2];
  const seed = [0.6, -1.3];
  const grad = new Float64Array(net.parameterCount);
  net.backward(net.trace(x), seed, grad);
  const value = () => {
    const f = net.forward(x);
    return seed[0] * f[0] + seed[1] * f[1];
  };
  const eps = 1e-6;
  for (let p = 0; p < net.parameterCount; p++) {
    const keep = net.params[p];
    net.params[p] = keep + eps;
    const up = value();
    net.params[p] = keep - eps;
    const down = value();
    net.params[p] = keep;
    assert.ok(Math.abs((up - down) / (2 * eps) - grad[p]) < 1e-8, `parameter ${p}`);
  }
});

test("the same seed gives the same network; a different seed a different one", () => {
  const arch = mlp([relu, relu]);
  const a = network(arch, { inputDim: 2, width: 8, seed: 1 });
  const b = network(arch, { inputDim: 2, width: 8, seed: 1 });
  const c = network(arch, { inputDim: 2, width: 8, seed: 2 });
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.params, c.params);
});

test("bad options throw naming parameter, value and allowed range", () => {
  const arch = mlp([relu]);
  assert.throws(
    () => network(arch, { inputDim: 2, width: 0, seed: 1 }),
    /network: width\[0\] must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => network(arch, { inputDim: 0, width: 3, seed: 1 }),
    /inputDim must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => network(arch, { inputDim: 2, width: [3, 3], seed: 1 }),
    /width must be a number or 1 numbers/,
  );
  assert.throws(
    () => network(arch, { inputDim: 2, width: 3, outputs: 1.5, seed: 1 }),
    /outputs must be an integer >= 1, got 1.5/,
  );
  assert.throws(() => network(arch, { inputDim: 2, width: 3 }), /pass a seed/);
  assert.throws(
    () => network(arch, { inputDim: 2, width: 3, seed: 1 }).forward([1]),
    /Network.forward: x must have 2 values \(the network.s inputDim\), got 1/,
  );
});
