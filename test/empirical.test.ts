import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix } from "ml-matrix";
import { erf, relu, sin } from "../src/activations";
import { circlePoints } from "../src/inputs";
import { mlp } from "../src/layers";
import { empiricalNtk } from "../src/kernels/empirical";
import { ntk } from "../src/kernels/ntk";
import { network } from "../src/network";
import { backward, traceOf } from "./network-oracle";

const X = circlePoints(5, { random: true, seed: 12 });

test("empiricalNtk equals J J^T from the network's full parameter gradients, output-major blocks", () => {
  const arch = mlp([sin, relu], { weightStd: [1, 1.3, 0.9], biasStd: [0.4, 0.6] });
  const net = network(arch, { inputDim: 2, width: [6, 5], outputs: 3, seed: 7 });
  const Y = circlePoints(4, { random: true, seed: 13 }).mul(0.5);
  const K = empiricalNtk(net, X, Y);
  assert.equal(K.rows, 5 * 3);
  assert.equal(K.columns, 4 * 3);
  const jacobian = (P: Matrix) =>
    Array.from({ length: 3 }, (_, a) =>
      Array.from({ length: P.rows }, (_, i) => {
        const grad = new Float64Array(net.parameterCount);
        const seed = [0, 0, 0];
        seed[a] = 1;
        backward(net, traceOf(net, P.getRow(i)), seed, grad);
        return grad;
      }),
    );
  const JX = jacobian(X);
  const JY = jacobian(Y);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 4; j++) {
          let dot = 0;
          for (let p = 0; p < net.parameterCount; p++) dot += JX[a][i][p] * JY[b][j][p];
          assert.ok(
            Math.abs(K.get(a * 5 + i, b * 4 + j) - dot) < 1e-12 * (1 + Math.abs(dot)),
            `block (${a},${b}) entry (${i},${j})`,
          );
        }
      }
    }
  }
  const sym = empiricalNtk(net, X);
  assert.ok(sym.isSymmetric());
});

/** Mean over seeds of the largest relative deviation of the empirical NTK from the analytic one. */
function meanError(width: number, seeds: number[]): number {
  const arch = mlp([relu, relu]);
  const K = ntk(arch, X);
  const scale = K.abs().max();
  let total = 0;
  for (const seed of seeds) {
    const net = network(arch, { inputDim: 2, width, seed });
    total += empiricalNtk(net, X).sub(K).abs().max() / scale;
  }
  return total / seeds.length;
}

test("the empirical NTK approaches the analytic NTK as width grows, error ~ width^-1/2 (the 18.408 project report)", () => {
  const seeds = [1, 2, 3, 4, 5, 6];
  const widths = [64, 256, 1024];
  const errors = widths.map((w) => meanError(w, seeds));
  const slope = Math.log(errors[2] / errors[0]) / Math.log(widths[2] / widths[0]);
  assert.ok(slope > -0.75 && slope < -0.3, `errors ${errors}, slope ${slope}`);
  assert.ok(errors[2] < 0.15, `error at width 1024: ${errors[2]}`);
});

test("off-diagonal output blocks shrink as width grows (Problem Set 4, problem 2)", () => {
  const arch = mlp([erf]);
  const offDiagonal = (width: number) => {
    const net = network(arch, { inputDim: 2, width, outputs: 2, seed: 5 });
    const K = empiricalNtk(net, X);
    const n = X.rows;
    return (
      K.subMatrix(0, n - 1, n, 2 * n - 1)
        .abs()
        .max() /
      K.subMatrix(0, n - 1, 0, n - 1)
        .abs()
        .max()
    );
  };
  const narrow = offDiagonal(16);
  const wide = offDiagonal(4096);
  assert.ok(wide < narrow / 5 && wide < 0.05, `off-diagonal ${narrow} -> ${wide}`);
});

test("bad input throws naming the parameter", () => {
  const net = network(mlp([relu]), { inputDim: 2, width: 4, seed: 1 });
  assert.throws(
    () => empiricalNtk(net, [[1, 2, 3]]),
    /empiricalNtk: X must have net.inputDim = 2 coordinates per row, got 3/,
  );
  assert.throws(() => empiricalNtk(net, [[1, NaN]]), /X\[0\]\[1\] must be finite, got NaN/);
  assert.throws(() => empiricalNtk(net, X, [[1, 2, 3]]), /Y must have the dimension of X/);
});
