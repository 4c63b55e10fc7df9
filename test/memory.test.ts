import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Matrix } from "ml-matrix";
import {
  checkMemory,
  circlePoints,
  eigenvalues,
  eigh,
  empiricalNtk,
  gaussianProcessPosterior,
  gradientDescentDynamics,
  kernelRegression,
  laplaceKernel,
  memoryBudget,
  mlp,
  monteCarloNtk,
  network,
  nngp,
  ntk,
  relu,
  train,
} from "../src";
import {
  budgetFrom,
  ENGINE_ALLOWANCE,
  formatBytes,
  gemmWorkBytes,
  matrixOrder,
  parseByteSize,
} from "../src/memory";
import { eigenBytes } from "../src/spectrum/eigen";

const VARIABLE = "NTK_LAB_MEMORY_LIMIT";
const GiB = 2 ** 30;

/** Runs f with NTK_LAB_MEMORY_LIMIT set to value (undefined: unset), restoring it afterwards. */
function withLimit<T>(value: string | undefined, f: () => T): T {
  const saved = process.env[VARIABLE];
  if (value === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = value;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  }
}

/**
 * An n x n ml-matrix Matrix of ones whose rows are one shared Float64Array: the size of a huge kernel
 * matrix for 8 n bytes (every entry reads as 1).
 */
function hugeOnes(n: number): Matrix {
  const M = new Matrix(0, 0);
  Object.assign(M, { data: onesRows(n), rows: n, columns: n });
  return M;
}

/** The rows of the n x n matrix of ones as n references to one row. */
function onesRows(n: number): Float64Array[] {
  const row = new Float64Array(n).fill(1);
  return Array.from({ length: n }, () => row);
}

/**
 * The Error f throws, with the time it took and the growth of rss and ArrayBuffer memory meanwhile,
 * measured at a second call: the first (its Error ignored) loads and compiles the code on the way.
 */
function measureThrow(f: () => unknown): { error: Error; ms: number; rss: number; arrayBuffers: number } {
  try {
    f();
  } catch {
    // the warm-up call's Error is the measured call's
  }
  const before = process.memoryUsage();
  const start = performance.now();
  let error: Error | null = null;
  try {
    f();
  } catch (e) {
    error = e as Error;
  }
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  assert.ok(error instanceof Error, "expected an Error");
  return { error, ms, rss: after.rss - before.rss, arrayBuffers: after.arrayBuffers - before.arrayBuffers };
}

describe("the memory budget", () => {
  const machine = { totalMemory: 32 * GiB, cgroupV2: null, cgroupV1: null };

  test("is 75% of the machine's memory without a cgroup limit", () => {
    const budget = budgetFrom(machine);
    assert.equal(budget.bytes, 24 * GiB);
    assert.match(budget.source, /^75% of the machine's 32\.0 GiB, os\.totalmem\(\)$/);
  });

  test("is 75% of a cgroup v2 limit smaller than the machine", () => {
    const budget = budgetFrom({ ...machine, cgroupV2: "8589934592\n" });
    assert.equal(budget.bytes, 6 * GiB);
    assert.match(
      budget.source,
      /^75% of the cgroup memory limit 8\.00 GiB in \/sys\/fs\/cgroup\/memory\.max$/,
    );
  });

  test("reads a cgroup v1 limit, and ignores one larger than the machine", () => {
    const v1 = budgetFrom({ ...machine, cgroupV1: String(4 * GiB) });
    assert.equal(v1.bytes, 3 * GiB);
    assert.match(v1.source, /\/sys\/fs\/cgroup\/memory\/memory\.limit_in_bytes/);
    assert.equal(budgetFrom({ ...machine, cgroupV1: String(64 * GiB) }).bytes, 24 * GiB);
  });

  test('takes "max", v1\'s unlimited 2^63 - 4096 and unreadable text as no limit', () => {
    for (const text of ["max\n", "9223372036854771712\n", "", "garbage"]) {
      assert.equal(budgetFrom({ ...machine, cgroupV2: text, cgroupV1: text }).bytes, 24 * GiB, text);
    }
  });

  test("is 75% of process.constrainedMemory() when that reports a limit (a nested cgroup's)", () => {
    const budget = budgetFrom({ ...machine, constrainedMemory: 8 * GiB, cgroupV2: "max\n" });
    assert.equal(budget.bytes, 6 * GiB);
    assert.match(budget.source, /^75% of the cgroup memory limit 8\.00 GiB process\.constrainedMemory\(\)$/);
    // The smaller of it and a root cgroup file's limit.
    assert.equal(
      budgetFrom({ ...machine, constrainedMemory: 8 * GiB, cgroupV2: String(4 * GiB) }).bytes,
      3 * GiB,
    );
    // Unconstrained: 2^64 (Node 20), 0 or undefined (other versions).
    for (const constrainedMemory of [2 ** 64, 0, undefined]) {
      assert.equal(budgetFrom({ ...machine, constrainedMemory }).bytes, 24 * GiB, String(constrainedMemory));
    }
  });

  test("is exactly NTK_LAB_MEMORY_LIMIT when that is set, and the machine's when it is empty", () => {
    const budget = budgetFrom({ ...machine, cgroupV2: "1000", override: "512MiB" });
    assert.deepEqual(budget, { bytes: 512 * 2 ** 20, source: "NTK_LAB_MEMORY_LIMIT=512MiB" });
    assert.equal(budgetFrom({ ...machine, override: "" }).bytes, 24 * GiB);
  });

  test("follows NTK_LAB_MEMORY_LIMIT at every call", () => {
    assert.equal(withLimit("3GB", memoryBudget).bytes, 3e9);
    assert.match(withLimit(undefined, memoryBudget).source, /^75% of /);
  });
});

describe("memory sizes", () => {
  test("parse bytes and decimal and binary units, case-insensitively", () => {
    assert.equal(parseByteSize("1000000000", VARIABLE), 1e9);
    assert.equal(parseByteSize("8GB", VARIABLE), 8e9);
    assert.equal(parseByteSize("8 gb", VARIABLE), 8e9);
    assert.equal(parseByteSize("512MiB", VARIABLE), 512 * 2 ** 20);
    assert.equal(parseByteSize("2g", VARIABLE), 2 * GiB);
    assert.equal(parseByteSize("1.5GiB", VARIABLE), 1.5 * GiB);
    assert.equal(parseByteSize("100KB", VARIABLE), 1e5);
    assert.equal(parseByteSize("1TiB", VARIABLE), 2 ** 40);
  });

  test("refuse anything else with an Error naming the variable", () => {
    for (const text of ["lots", "-1GB", "0", "8 XB", "GB", "1e400", "8GB of RAM"]) {
      assert.throws(
        () => parseByteSize(text, VARIABLE),
        new RegExp(
          `^Error: NTK_LAB_MEMORY_LIMIT must be a size > 0 in bytes or with a unit .* got "${text}"$`,
        ),
      );
    }
  });

  test("format in binary units with three digits", () => {
    assert.equal(formatBytes(100), "100 bytes");
    assert.equal(formatBytes(1536), "1.50 KiB");
    assert.equal(formatBytes(512 * 2 ** 20), "512 MiB");
    assert.equal(formatBytes(2e10), "18.6 GiB");
  });
});

describe("checkMemory", () => {
  test("passes what fits and refuses what does not, saying what is needed, allowed, why, and what to lower", () => {
    withLimit("1GiB", () => {
      checkMemory("f", GiB - ENGINE_ALLOWANCE, "lower n");
      assert.throws(() => checkMemory("f", GiB - ENGINE_ALLOWANCE + 1, "lower n"), /^Error: f: /);
      assert.throws(
        () => checkMemory("f", 3 * GiB - ENGINE_ALLOWANCE, "lower n (X has 7 points)"),
        (e: Error) =>
          e.message ===
          "f: this call needs about 3.00 GiB of memory, more than the 1.00 GiB allowed " +
            "(NTK_LAB_MEMORY_LIMIT=1GiB); lower n (X has 7 points), or set NTK_LAB_MEMORY_LIMIT " +
            "(e.g. NTK_LAB_MEMORY_LIMIT=32GiB) to allow more",
      );
    });
  });

  test("names the calling function and the variable when the variable is malformed", () => {
    withLimit("eight gigabytes", () => {
      assert.throws(
        () => ntk(mlp([relu]), circlePoints(3)),
        /^Error: ntk: NTK_LAB_MEMORY_LIMIT must be a size > 0 .* got "eight gigabytes"$/,
      );
    });
  });
});

// The n = 50000 kernel alone is 8 n^2 = 18.6 GiB: a budget of 16 GiB (this 24 GB machine's default is
// 17.6 GiB) must refuse every call up front, on any machine.
const N = 50000;

describe("at n = 50000 with a 16 GiB budget, before allocating", () => {
  const X = circlePoints(N);
  const K = hugeOnes(N);
  const rows = onesRows(N);
  const y = new Float64Array(N);
  const arch = mlp([relu]);
  const cases: [string, () => unknown, RegExp][] = [
    ["ntk", () => ntk(arch, X), /^ntk: .*lower n \(X has 50000 points\)/],
    ["nngp", () => nngp(arch, X), /^nngp: .*lower n \(X has 50000 points\)/],
    ["laplaceKernel", () => laplaceKernel(X), /^laplaceKernel: .*lower n \(X has 50000 points\)/],
    [
      "monteCarloNtk",
      () => monteCarloNtk(arch, X, undefined, { samples: 100, seed: 1 }),
      /^monteCarloNtk: .*lower n \(X has 50000 points\) or samples \(100\)/,
    ],
    [
      "empiricalNtk",
      () => empiricalNtk(network(arch, { inputDim: 2, width: 10, seed: 1 }), X),
      /^empiricalNtk: .*lower n \(X has 50000 points\)/,
    ],
    ["eigenvalues", () => eigenvalues(K), /^eigenvalues: .*lower n \(K is 50000 x 50000\), or set/],
    ["eigenvalues of rows", () => eigenvalues(rows), /^eigenvalues: .*K is 50000 x 50000/],
    ["eigenvalues top", () => eigenvalues(K, { top: 10 }), /^eigenvalues: .*or top \(10\)/],
    ["eigh", () => eigh(K), /^eigh: .*lower n \(K is 50000 x 50000\)/],
    ["kernelRegression", () => kernelRegression(K, y), /^kernelRegression: .*lower n \(K is 50000 x 50000\)/],
    [
      "kernelRegression lstsq",
      () => kernelRegression(K, y, { mode: "lstsq" }),
      /^kernelRegression: .*K is 50000 x 50000/,
    ],
    [
      "gaussianProcessPosterior",
      () => gaussianProcessPosterior(K, y, new Matrix(1, N), new Matrix(1, 1)),
      /^gaussianProcessPosterior: .*K is 50000 x 50000/,
    ],
    [
      "gradientDescentDynamics",
      () => gradientDescentDynamics(K, y, { eta: 1 }),
      /^gradientDescentDynamics: .*K is 50000 x 50000/,
    ],
    [
      "train",
      () => train(network(arch, { inputDim: 2, width: 10, seed: 1 }), X, y, { steps: 1, learningRate: 0.1 }),
      /^train: .*lower n \(X has 50000 points\), or pass learningRateCheck: "off"/,
    ],
  ];
  for (const [name, call, message] of cases) {
    test(`${name} throws within a second, having allocated under 100 MB`, () => {
      const { error, ms, rss, arrayBuffers } = withLimit("16GiB", () => measureThrow(call));
      assert.match(error.message, message);
      assert.match(
        error.message,
        /needs about [\d.]+ GiB of memory, more than the 16\.0 GiB allowed \(NTK_LAB_MEMORY_LIMIT=16GiB\)/,
      );
      assert.match(error.message, /or set NTK_LAB_MEMORY_LIMIT/);
      assert.ok(ms < 1000, `${ms} ms`);
      assert.ok(rss < 100e6, `rss grew by ${rss} bytes`);
      assert.ok(arrayBuffers < 100e6, `ArrayBuffers grew by ${arrayBuffers} bytes`);
    });
  }
});

describe("a small NTK_LAB_MEMORY_LIMIT", () => {
  test("refuses ordinary sizes with the message, and the default budget lets them through", () => {
    const X = circlePoints(500);
    const arch = mlp([relu]);
    withLimit("16MiB", () => {
      assert.throws(
        () => ntk(arch, X),
        /^Error: ntk: this call needs about [\d.]+ MiB of memory, more than the 16\.0 MiB allowed \(NTK_LAB_MEMORY_LIMIT=16MiB\); lower n \(X has 500 points\)/,
      );
      assert.throws(
        () => monteCarloNtk(arch, X, undefined, { samples: 50, seed: 1 }),
        /^Error: monteCarloNtk: /,
      );
    });
    withLimit(undefined, () => {
      const K = ntk(arch, X);
      assert.equal(eigenvalues(K, { top: 3 }).length, 3);
      assert.equal(kernelRegression(K, new Float64Array(500), { ridge: 1e-3 }).alpha.length, 500);
    });
  });

  test("refuses n = 20000 top-k and Monte Carlo up front, before the GEMM", () => {
    const X = circlePoints(20000);
    const K = hugeOnes(20000);
    withLimit("5GiB", () => {
      for (const call of [
        () => eigenvalues(K, { top: 10 }),
        () => monteCarloNtk(mlp([relu]), X, undefined, { samples: 100, seed: 1 }),
      ]) {
        const { error, ms, rss } = measureThrow(call);
        assert.match(error.message, /needs about [\d.]+ GiB of memory, more than the 5\.00 GiB allowed/);
        assert.ok(ms < 1000 && rss < 100e6, `${ms} ms, rss +${rss}`);
      }
    });
  });
});

describe("the estimates", () => {
  const MiB = 2 ** 20;

  test("count gemm's work space at most at its limit (64 MiB and the 1 MiB start): products past it run in blocks", () => {
    assert.equal(gemmWorkBytes(16, 20000, 20000), 65 * MiB);
    assert.equal(gemmWorkBytes(10, 10, 10), 8 * (13 * 13 + 256 * 13 + 256 * 256 + 100 + 100));
    // Top-k at n = 20000: the input and its copy (5.96 GiB) and the bounded work space, not 9 GiB.
    const topk = eigenBytes(20000, 10, "topk", false);
    assert.ok(topk > 16 * 20000 ** 2 && topk < 16 * 20000 ** 2 + 100 * MiB, `${formatBytes(topk)}`);
  });

  test("read the order of a square Matrix or array of rows only: anything else is 0", () => {
    assert.equal(matrixOrder(new Matrix(3, 3)), 3);
    assert.equal(matrixOrder([[1, 2], Float64Array.of(3, 4)]), 2);
    for (const K of [new Matrix(60000, 2), [1, 2, 3], [[1], [2]], [null, [1]], [], null, 5, { rows: 4 }]) {
      assert.equal(matrixOrder(K), 0, String(K));
    }
  });
});

describe("a kernel that is not square", () => {
  // Before the fix its length was taken for n, and the memory check refused "K is 60000 x 60000".
  const tall = new Matrix(60000, 2);
  const flat = new Float64Array(60000).fill(1);
  const y = new Float64Array(60000);
  const cases: [string, () => unknown][] = [
    ["eigenvalues", () => eigenvalues(tall)],
    ["eigenvalues", () => eigenvalues(Array.from(flat) as never)],
    ["eigh", () => eigh(tall, { top: 3 })],
    ["kernelRegression", () => kernelRegression(tall, y)],
    ["kernelRegression", () => kernelRegression(Array.from(flat) as never, y)],
    ["gradientDescentDynamics", () => gradientDescentDynamics(Array.from(flat) as never, y, { eta: 1 })],
    [
      "gaussianProcessPosterior",
      () => gaussianProcessPosterior(tall, y, new Matrix(1, 60000), new Matrix(1, 1)),
    ],
  ];
  for (const [who, call] of cases) {
    test(`is refused by ${who} as not square, not for its memory`, () => {
      assert.throws(call, (e: Error) => {
        assert.match(e.message, new RegExp(`^${who}: K must be (a non-empty )?(a )?square`));
        assert.doesNotMatch(e.message, /memory/);
        return true;
      });
    });
  }
});

describe("top-k's dense fallback", () => {
  test("is checked against the budget before it runs (eigenvalue 1 forty times, top 50, n = 2000)", () => {
    const n = 2000;
    const K = Matrix.diag(Array.from({ length: n }, (_, i) => (i < 40 ? 1 : 0.5 * 0.999 ** (i - 40))));
    const topk = eigenBytes(n, 50, "topk", true);
    const dense = eigenBytes(n, 50, "dense", true);
    assert.ok(topk < dense);
    // Enough for top-k, not for the dense solver this matrix sends it to.
    const limit = String(Math.floor((topk + dense) / 2) + ENGINE_ALLOWANCE);
    withLimit(limit, () => {
      assert.throws(
        () => eigh(K, { top: 50 }),
        /^Error: eigh: this call needs about [\d.]+ MiB of memory, .*; lower n \(K is 2000 x 2000; its top eigenvalues repeat too often for the top-k solver, so the dense one is needed\)/,
      );
    });
  });
});
