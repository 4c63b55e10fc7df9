/**
 * One kernel type: every factory's Kernel gives the bits of the entry point it stands for, a diagonal with
 * the bits of its matrix's diagonal, its name and parameters, and Errors that name it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Matrix } from "ml-matrix";
import { erf, relu, sin } from "../src/activations";
import { dense, mlp } from "../src/layers";
import { network } from "../src/network";
import { circlePoints, spherePoints } from "../src/inputs";
import { nngp, ntk } from "../src/kernels/ntk";
import { monteCarloNngp, monteCarloNtk, monteCarloNtkWithError } from "../src/kernels/montecarlo";
import { empiricalNtk } from "../src/kernels/empirical";
import {
  extendedLaplaceKernel,
  gammaExponentialKernel,
  gaussianKernel,
  laplaceKernel,
} from "../src/kernels/classic";
import { maternKernel } from "../src/kernels/matern";
import {
  empiricalKernel,
  extendedLaplace,
  gammaExponential,
  gaussian,
  laplace,
  matern,
  monteCarloKernel,
  networkKernel,
  type Kernel,
} from "../src/kernels/kernel";

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let k = 0; k < a.length; k++) {
    if (!Object.is(a[k], b[k])) assert.fail(`${what} [${k}]: ${a[k]} vs ${b[k]}`);
  }
}

const X = circlePoints(9, { random: true, seed: 4 });
const Y = circlePoints(5, { random: true, seed: 6 });
const arch = mlp([relu, erf], { biasStd: 0.3 });
const net = network(mlp([sin]), { inputDim: 2, width: 12, seed: 3 });
const net2 = network(mlp([relu, relu]), { inputDim: 2, width: 7, outputs: 2, seed: 5 });

const cases: [Kernel, (X: Matrix, Y?: Matrix) => Matrix][] = [
  [networkKernel(arch), (A, B) => ntk(arch, A, B)],
  [networkKernel(arch, { get: "nngp" }), (A, B) => nngp(arch, A, B)],
  [
    monteCarloKernel(arch, { samples: 40, seed: 2 }),
    (A, B) => monteCarloNtk(arch, A, B, { samples: 40, seed: 2 }),
  ],
  [
    monteCarloKernel(arch, { get: "nngp", samples: 40, seed: 2, method: "entrywise" }),
    (A, B) => monteCarloNngp(arch, A, B, { samples: 40, seed: 2, method: "entrywise" }),
  ],
  [empiricalKernel(net), (A, B) => empiricalNtk(net, A, B)],
  [empiricalKernel(net2), (A, B) => empiricalNtk(net2, A, B)],
  [laplace({ sigma: 0.7 }), (A, B) => laplaceKernel(A, B, { sigma: 0.7 })],
  [gaussian(), (A, B) => gaussianKernel(A, B)],
  [gammaExponential({ alpha: 1.5 }), (A, B) => gammaExponentialKernel(A, B, { alpha: 1.5 })],
  [extendedLaplace({ alpha: 1, beta: 0.5 }), (A, B) => extendedLaplaceKernel(A, B, { alpha: 1, beta: 0.5 })],
  [extendedLaplace({ alpha: 1, beta: 0 }), (A, B) => extendedLaplaceKernel(A, B, { alpha: 1, beta: 0 })],
  [matern({ nu: 1.5, lengthScale: 0.5 }), (A, B) => maternKernel(A, B, { nu: 1.5, lengthScale: 0.5 })],
];

describe("every Kernel", () => {
  it("gives the bits of the entry point it stands for, on K(X, X) and K(X, Y)", () => {
    for (const [kernel, entry] of cases) {
      sameBits(kernel(X).to1DArray(), entry(X).to1DArray(), `${kernel.name} K(X, X)`);
      sameBits(kernel(X, Y).to1DArray(), entry(X, Y).to1DArray(), `${kernel.name} K(X, Y)`);
    }
  });

  it("has a diagonal with the bits of its matrix's diagonal", () => {
    const Z = spherePoints(40, 2, { seed: 9 });
    for (const [kernel] of cases) {
      const K = kernel(Z);
      sameBits(
        kernel.diagonal(Z),
        Float64Array.from({ length: K.rows }, (_, i) => K.get(i, i)),
        `${kernel.name} diagonal`,
      );
    }
  });

  it("carries its name and parameters", () => {
    assert.equal(
      networkKernel(arch).name,
      "ntk of dense(1, 0.3) -> relu -> dense(1, 0.3) -> erf -> dense(1)",
    );
    assert.deepEqual(networkKernel(arch, { get: "nngp" }).parameters, {
      kernel: "nngp",
      architecture: "dense(1, 0.3) -> relu -> dense(1, 0.3) -> erf -> dense(1)",
    });
    assert.equal(laplace({ sigma: 2 }).name, "laplace(sigma = 2)");
    assert.equal(laplace({ sigma: 2, name: "Laplace, sigma 2" }).name, "Laplace, sigma 2");
    assert.deepEqual(matern({ nu: 2.5 }).parameters, { kernel: "matern", nu: 2.5, lengthScale: 1 });
    assert.deepEqual(monteCarloKernel(arch, { samples: 8, seed: 1 }).parameters.samples, 8);
  });

  it("gives the Monte Carlo standard errors of the entry point", () => {
    const kernel = monteCarloKernel(arch, { samples: 30, seed: 5 });
    const mine = kernel.withError(X, Y);
    const theirs = monteCarloNtkWithError(arch, X, Y, { samples: 30, seed: 5 });
    sameBits(mine.mean.to1DArray(), theirs.mean.to1DArray(), "mean");
    sameBits(mine.stdError.to1DArray(), theirs.stdError.to1DArray(), "stdError");
  });

  it("refuses bad parameters, naming the factory, the parameter and what is allowed", () => {
    assert.throws(() => networkKernel({} as never), /networkKernel: arch must be an Architecture/);
    assert.throws(
      () => networkKernel(arch, { get: "cov" as never }),
      /networkKernel: get must be "ntk" or "nngp", got "cov"/,
    );
    assert.throws(() => networkKernel(arch, { name: "" }), /networkKernel: name must be a non-empty string/);
    assert.throws(
      () => monteCarloKernel(arch, { samples: 0, seed: 1 }),
      /monteCarloKernel: samples must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => monteCarloKernel(arch, { samples: 4 } as never),
      /monteCarloKernel: seed must be an integer .*got undefined/,
    );
    assert.throws(
      () => monteCarloKernel(arch, { samples: 4, seed: 1, method: "fast" as never }),
      /monteCarloKernel: method must be "features" or "entrywise", got fast/,
    );
    assert.throws(() => empiricalKernel({} as never), /empiricalKernel: /);
    assert.throws(() => laplace({ sigma: 0 }), /laplace: sigma must be .*got 0/);
    assert.throws(() => gaussian({ sigma: -1 }), /gaussian: sigma must be .*got -1/);
    assert.throws(
      () => gammaExponential({ alpha: 3 }),
      /gammaExponential: alpha must lie in \(0, 2\], got 3/,
    );
    assert.throws(
      () => extendedLaplace({ alpha: 1, beta: -1 }),
      /extendedLaplace: beta must lie in \[0, Infinity\), got -1/,
    );
    assert.throws(() => matern({ nu: -1 }), /matern: nu must/);
  });

  it("refuses an option it does not know, so that a misspelt one does not leave the default silently", () => {
    assert.throws(
      () => networkKernel(arch, { output: "nngp" } as never),
      /networkKernel: options has no "output"; allowed are get, name/,
    );
    assert.throws(
      () => laplace({ sigm: 2 } as never),
      /laplace: options has no "sigm"; allowed are sigma, name/,
    );
    assert.throws(
      () => monteCarloKernel(arch, { samples: 4, seed: 1, rng: {} } as never),
      /monteCarloKernel: options has no "rng"/,
    );
    assert.throws(() => matern({ nu: 1.5, length: 2 } as never), /matern: options has no "length"/);
    assert.throws(
      () => dense({ weightstd: 2 } as never),
      /dense: options has no "weightstd"; allowed are weightStd, biasStd/,
    );
    assert.throws(
      () => monteCarloKernel(arch, { samples: 4, seed: -1 }),
      /monteCarloKernel: seed must be an integer in \[0, 2\^53\].*got -1/,
    );
  });

  it("keeps the architecture it was made with, when the caller changes the scales afterwards", () => {
    const mutable = mlp([relu], { biasStd: 0.5 });
    const kernel = networkKernel(mutable);
    const mc = monteCarloKernel(mutable, { samples: 16, seed: 3 });
    const before = kernel(X).to1DArray();
    const mcBefore = mc(X).to1DArray();
    mutable.weightStd[0] = 3;
    mutable.biasStd[0] = 2;
    sameBits(kernel(X).to1DArray(), before, "networkKernel after the scales changed");
    sameBits(mc(X).to1DArray(), mcBefore, "monteCarloKernel after the scales changed");
  });

  it("names the empirical kernel's outputs and parameterization", () => {
    const standard = network(mlp([sin]), { inputDim: 2, width: 12, seed: 3, parameterization: "standard" });
    assert.notEqual(empiricalKernel(standard).name, empiricalKernel(net).name);
    assert.equal(empiricalKernel(net2).parameters.outputs, 2);
    assert.equal(empiricalKernel(standard).parameters.parameterization, "standard");
  });

  it("throws on points with NaN, Infinity, ragged rows or a Y of another dimension", () => {
    for (const [kernel] of cases) {
      const who = kernel === cases[0][0] || kernel === cases[1][0] ? "networkKernel" : "";
      assert.throws(() => kernel([[0, NaN]]), /must be finite, got NaN/, kernel.name);
      assert.throws(
        () =>
          kernel([
            [0, 1],
            [Infinity, 0],
          ]),
        /must be finite, got Infinity/,
        kernel.name,
      );
      assert.throws(() => kernel([[0, 1], [1]]), /X\[1\] must be a row of 2 coordinates/, kernel.name);
      assert.throws(() => kernel(X, [[1, 2, 3]]), /(Y must have the dimension of X|inputDim)/, kernel.name);
      assert.throws(() => kernel.diagonal([[NaN, 0]]), /must be finite, got NaN/, kernel.name);
      if (who) assert.throws(() => kernel([[0, NaN]]), new RegExp(`^Error: ${who}: `));
    }
  });
});
