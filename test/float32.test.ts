import assert from "node:assert/strict";
import { test } from "node:test";
import { readDataset } from "../src/training/data";
import { batchLossAndGradient } from "../src/training/gradient";
import { mlpNetwork, train } from "../src/training/index";
import { lossAndGradientReference } from "./network-oracle";

const n = 24;
const X = Array.from({ length: n }, (_, i) => -1 + (2 * i) / n);
const y = X.map((x) => Math.sin(3 * x) + 0.5 * Math.cos(7 * x));

/** max |a - b| / max |b|. */
function gap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

test("the float32 gradient matches the point-by-point float64 reference to float32 accuracy", () => {
  for (const parameterization of ["ntk", "standard", "default"] as const) {
    for (const activations of [
      ["relu", "sin"],
      ["sin", "relu"],
    ]) {
      // Width 200: the hidden products are large enough for gemm32's packed float32 path.
      const net = mlpNetwork({ activations, width: 200, biasStd: 1, seed: 11, parameterization });
      const data = readDataset("test", net, X, y);
      const P = Float32Array.from(net.params);
      const views = net.viewsOf(P);
      const run = { n, X: Float32Array.from(data.X), Y: data.Y };
      const got = batchLossAndGradient(net, run, new Float32Array(P.length), undefined, undefined, views);
      const want = lossAndGradientReference(net, X, y);
      const where = `${parameterization} ${activations.join("+")}`;
      assert.ok(
        gap(got.gradient, want.gradient) < 2e-5,
        `${where}: gradient off by ${gap(got.gradient, want.gradient)}`,
      );
      assert.ok(Math.abs(got.loss / want.loss - 1) < 1e-5, `${where}: loss ${got.loss} against ${want.loss}`);
    }
  }
});

test("a float32 run stays within float32 rounding of the float64 run over 200 steps, for gradient descent and Adam", () => {
  for (const optimizer of ["gd", "adam"] as const) {
    const learningRate = optimizer === "gd" ? 0.05 : 1e-3;
    const a = mlpNetwork({
      activations: ["relu", "sin"],
      width: 128,
      biasStd: 1,
      seed: 4,
      parameterization: "default",
    });
    const b = mlpNetwork({
      activations: ["relu", "sin"],
      width: 128,
      biasStd: 1,
      seed: 4,
      parameterization: "default",
    });
    const options = { steps: 200, learningRate, optimizer, learningRateCheck: "off" } as const;
    const r64 = train(a, X, y, options);
    const r32 = train(b, X, y, { ...options, precision: "float32" });
    assert.equal(r32.precision, "float32");
    assert.equal(r64.precision, "float64");
    assert.ok(r32.losses[200] < 0.5 * r32.losses[0], `${optimizer}: the float32 run trains`);
    // Relative distance of the loss curves and of the parameters after 200 steps.
    const losses = gap(r32.losses, r64.losses);
    const params = gap(b.params, a.params);
    assert.ok(losses < 1e-4, `${optimizer}: losses differ by ${losses}`);
    assert.ok(params < 1e-4, `${optimizer}: parameters differ by ${params}`);
    // net.params holds the float32 parameters, every one a float32 value.
    assert.ok(b.params.every((v) => Math.fround(v) === v));
  }
});

test("float32 records and onRecord see the float32 parameters of their step", () => {
  const net = mlpNetwork({ activations: ["sin", "sin"], width: 64, seed: 2 });
  const run = train(net, X, y, {
    steps: 30,
    learningRate: 0.1,
    learningRateCheck: "off",
    precision: "float32",
    record: [10],
    onRecord(record, current) {
      assert.ok(current.params.every((v) => Math.fround(v) === v));
      assert.ok(gap(record.predictions, current.predict(X, n)) < 1e-5, `step ${record.step}`);
    },
  });
  assert.deepEqual(
    run.records.map((r) => r.step),
    [10, 30],
  );
  assert.throws(
    () => train(net, X, y, { steps: 1, learningRate: 0.1, precision: "float16" as never }),
    /train: precision must be "float64" or "float32", got "float16"/,
  );
});
