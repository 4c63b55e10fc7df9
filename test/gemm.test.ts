import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import {
  gemm,
  gemm32,
  gemm32Reference,
  gemmBackend,
  gemmReady,
  gemmReference,
  mat,
  setGemmBackend,
  setGemmWorkSpaceLimit,
  type Mat,
  type Mat32,
} from "../src/linalg/gemm";
import { Rng } from "../src/random";

function random(rows: number, cols: number, rng: Rng): Mat {
  return mat(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

// Shapes that hit every path: small loops, ragged tiles, several k blocks (K > 256), several m blocks (M > 256).
const shapes: [number, number, number][] = [
  [3, 5, 7],
  [37, 45, 61],
  [261, 70, 530],
  [64, 301, 9],
];
const transposes: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

function operands(M: number, N: number, K: number, transA: boolean, transB: boolean, seed: number) {
  const rng = new Rng(seed);
  return {
    A: transA ? random(K, M, rng) : random(M, K, rng),
    B: transB ? random(N, K, rng) : random(K, N, rng),
    rng,
  };
}

test("gemm equals the textbook triple loop bit for bit (alpha 1, beta 0) for every shape and transpose", () => {
  for (const [M, N, K] of shapes) {
    for (const [transA, transB] of transposes) {
      const { A, B } = operands(M, N, K, transA, transB, M + N + K);
      const fast = gemm(A, B, mat(M, N), { transA, transB });
      const ref = gemmReference(A, B, mat(M, N), { transA, transB });
      assert.deepEqual(fast.data, ref.data, `${M}x${N}x${K} transA ${transA} transB ${transB}`);
    }
  }
});

test("alpha and beta: C <- alpha op(A) op(B) + beta C, and beta = 0 ignores NaN in C", () => {
  for (const [M, N, K] of shapes) {
    const { A, B, rng } = operands(M, N, K, true, false, 5);
    const C0 = random(M, N, rng);
    const fast = gemm(A, B, mat(M, N, Float64Array.from(C0.data)), { transA: true, alpha: -0.7, beta: 1.3 });
    const ref = gemmReference(A, B, mat(M, N, Float64Array.from(C0.data)), {
      transA: true,
      alpha: -0.7,
      beta: 1.3,
    });
    for (let i = 0; i < fast.data.length; i++) {
      assert.ok(Math.abs(fast.data[i] - ref.data[i]) <= 1e-12 * (1 + Math.abs(ref.data[i])));
    }
    const nan = mat(M, N, new Float64Array(M * N).fill(NaN));
    gemm(A, B, nan, { transA: true });
    assert.ok(nan.data.every(Number.isFinite));
  }
  const empty = mat(2, 3, new Float64Array(6).fill(2));
  gemm(mat(2, 0), mat(0, 3), empty, { beta: 0.5 });
  assert.deepEqual([...empty.data], [1, 1, 1, 1, 1, 1]);
});

test("the JS micro-kernel, WebAssembly on one thread and on two threads give identical results", async () => {
  const { A, B } = operands(300, 290, 520, false, true, 9);
  const results: Float64Array[] = [];
  const used: string[] = [];
  for (const [backend, threads] of [
    ["js", 1],
    ["wasm", 1],
    ["wasm", 2],
  ] as const) {
    setGemmBackend({ backend, threads });
    const ready = await gemmReady();
    used.push(`${gemmBackend().backend}/${ready}`);
    results.push(gemm(A, B, mat(300, 290), { transB: true }).data);
  }
  setGemmBackend({ backend: "auto", threads: 2 });
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
  assert.deepEqual(used, ["js/1", "wasm/1", "wasm/2"]);
});

test("upper computes the upper triangle exactly and leaves the entries below the diagonal untouched", async () => {
  for (const threads of [1, 2]) {
    setGemmBackend({ threads });
    await gemmReady();
    for (const [n, k] of [
      [5, 3],
      [263, 300],
      [300, 40],
    ]) {
      const rng = new Rng(n + k);
      const A = random(n, k, rng);
      const ref = gemmReference(A, A, mat(n, n), { transB: true });
      const C = mat(n, n, new Float64Array(n * n).fill(-5));
      gemm(A, A, C, { transB: true, upper: true });
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) assert.equal(C.data[i * n + j], j >= i ? ref.data[i * n + j] : -5);
      }
    }
  }
  setGemmBackend({ threads: 2 });
  assert.throws(
    () => gemm(mat(2, 3), mat(3, 4), mat(2, 4), { upper: true }),
    /upper needs a square C, got 2 x 4/,
  );
});

test("products larger than the work-space limit run in blocks of C, bit for bit as in one block", async () => {
  // Limits far below what one block needs (the 4 GiB of WebAssembly memory, scaled down): blocks of rows,
  // of rows and columns, and with the copies of op(A) and op(B) taken per k block.
  const cases: [number, number, number, boolean, boolean][] = [
    [261, 70, 530, false, false],
    [261, 70, 530, true, true],
    [300, 301, 40, false, true],
    [64, 301, 9, true, false],
    [130, 600, 300, false, false],
  ];
  for (const [backend, threads] of [
    ["wasm", 2],
    ["wasm", 1],
    ["js", 1],
  ] as const) {
    setGemmBackend({ backend, threads });
    await gemmReady();
    for (const [M, N, K, transA, transB] of cases) {
      const { A, B, rng } = operands(M, N, K, transA, transB, M * N + K);
      const C0 = random(M, N, rng);
      const plain = gemm(A, B, mat(M, N), { transA, transB }).data;
      const scaled = gemm(A, B, mat(M, N, C0.data.slice()), { transA, transB, alpha: -0.5, beta: 3 }).data;
      // Half and a fifth of what C alone takes, and about twice what the smallest block (4 x 4) needs.
      for (const limit of [4 * M * N, Math.round((8 * M * N) / 5), 30_000]) {
        const previous = setGemmWorkSpaceLimit(limit);
        try {
          const where = `${backend}/${threads} ${M}x${N}x${K} trans ${transA} ${transB} limit ${limit}`;
          assert.deepEqual(gemm(A, B, mat(M, N), { transA, transB }).data, plain, where);
          const C = mat(M, N, C0.data.slice());
          assert.deepEqual(gemm(A, B, C, { transA, transB, alpha: -0.5, beta: 3 }).data, scaled, where);
        } finally {
          setGemmWorkSpaceLimit(previous);
        }
      }
    }
    // The upper triangle of a Gram matrix A A^T in blocks: blocks left of the diagonal are skipped.
    const G = random(263, 300, new Rng(5));
    const full = gemm(G, G, mat(263, 263), { transB: true }).data;
    const previous = setGemmWorkSpaceLimit(60_000);
    try {
      const C = mat(263, 263, new Float64Array(263 * 263).fill(-5));
      gemm(G, G, C, { transB: true, upper: true });
      for (let i = 0; i < 263; i++) {
        for (let j = 0; j < 263; j++) assert.equal(C.data[i * 263 + j], j >= i ? full[i * 263 + j] : -5);
      }
      setGemmWorkSpaceLimit(2000);
      assert.throws(
        () => gemm(G, G, mat(263, 263), { transB: true }),
        /gemm: a 4 x 4 block of C with k blocks of 150 needs \d+ bytes of work space, more than the limit of 2000/,
      );
    } finally {
      setGemmWorkSpaceLimit(previous);
    }
  }
  setGemmBackend({ backend: "auto", threads: 2 });
});

test("an engine whose workers a newer evaluation stopped stays on the calling thread, even when asked for threads", async () => {
  // A rerun of a notebook's import cell with changed code closes the shared pool; the old evaluation's
  // functions keep that engine. Its ended workers still read as started: activating them again made the
  // next product wait 60 s for answers that never came.
  setGemmBackend({ backend: "auto", threads: 2 });
  assert.equal(await gemmReady(), 2);
  const shared = (globalThis as unknown as Record<symbol, { engine: { pool: { close(): void } | null } }>)[
    Symbol.for("ntk-lab.gemm")
  ];
  assert.ok(shared.engine?.pool, "a pool of workers to close");
  shared.engine.pool.close();
  setGemmBackend({ threads: 2 });
  const { A, B } = operands(200, 210, 190, false, false, 4);
  const start = Date.now();
  const C = gemm(A, B, mat(200, 210));
  const elapsed = Date.now() - start;
  assert.ok(elapsed < 5000, `the product took ${elapsed} ms`);
  assert.deepEqual(C.data, gemmReference(A, B, mat(200, 210)).data);
  assert.equal(gemmBackend().threads, 1);
  // A backend change starts a new engine with workers again.
  setGemmBackend({ backend: "wasm", threads: 2 });
  assert.equal(await gemmReady(), 2);
  setGemmBackend({ backend: "auto", threads: 2 });
});

test("bad shapes throw naming the dimensions", () => {
  assert.throws(
    () => gemm(mat(2, 3), mat(4, 5), mat(2, 5)),
    /inner dimensions differ: op\(A\) is 2 x 3, op\(B\) is 4 x 5/,
  );
  assert.throws(() => gemm(mat(2, 3), mat(3, 5), mat(5, 2)), /C must be 2 x 5/);
  assert.throws(() => mat(2, 2, new Float64Array(3)), /data must have rows \* cols = 4 entries, got 3/);
  assert.throws(() => setGemmBackend({ threads: 0 }), /threads must be an integer >= 1, got 0/);
});

/**
 * Evaluates src/linalg/<name>.ts as tslab does (TypeScript's CommonJS emit, a new evaluation each call),
 * with `edit` applied to its source and the modules in `required` for its imports.
 */
function load(
  name: string,
  required: Record<string, unknown>,
  edit: (source: string) => string = (source) => source,
): Record<string, unknown> {
  const source = edit(readFileSync(path.join(__dirname, "..", "src", "linalg", `${name}.ts`), "utf8"));
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const exported: Record<string, unknown> = {};
  new Function("exports", "require", js)(exported, (m: string) => required[m] ?? require(m));
  return exported;
}

test("the wasm module builds under tslab's CommonJS emit too", () => {
  // TypeScript's CommonJS output reads exported constants as exports.NAME; a local `const exports` made
  // kernelModuleBytes throw inside tslab (and gemm silently fall back to plain JS) while tsx worked.
  // test/tslab-imports.test.ts rules that name out everywhere in src/; this builds the module as tslab would.
  const wasm = load("wasm", {
    "./wasm-api": load("wasm-api", {}),
    "./wasm-encoding": load("wasm-encoding", {}),
  });
  const bytes = (wasm.kernelModuleBytes as (shared: boolean) => Uint8Array)(true);
  assert.ok(
    (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(
      bytes,
    ),
  );
});

test("a new evaluation of gemm.ts adopts the shared state when nothing changed, and not when its shape's version did", () => {
  // Last: the evaluations below replace the state this file's gemm uses on globalThis.
  const required = {
    "./pool": require("../src/linalg/pool"),
    "./elementwise": require("../src/linalg/elementwise"),
    "./wasm-api": require("../src/linalg/wasm-api"),
    "./wasm": require("../src/linalg/wasm"),
    "../validate": require("../src/validate"),
  };
  const key = Symbol.for("ntk-lab.gemm");
  const shared = (): unknown => (globalThis as unknown as Record<symbol, unknown>)[key];
  load("gemm", required);
  const first = shared();
  load("gemm", required);
  assert.equal(shared(), first, "the same code adopts the state");
  load("gemm", required, (source) => {
    const edited = source.replace(
      /const STATE_VERSION = (\d+);/,
      (_, v) => `const STATE_VERSION = ${+v + 1};`,
    );
    assert.notEqual(edited, source, "gemm.ts declares STATE_VERSION");
    return edited;
  });
  assert.notEqual(shared(), first, "a new state version starts a new state");
});

function random32(rows: number, cols: number, rng: Rng): Mat32 {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => rng.normal()) };
}

test("gemm32 equals the float32 triple loop bit for bit on one and two threads, in one block and in blocks", async () => {
  // Shapes past the small-product loops: ragged 4 x 8 tiles, several k blocks, several m blocks, the
  // trainer's shapes; alpha and beta exact in float32.
  const cases: [number, number, number][] = [
    [37, 45, 130],
    [261, 70, 530],
    [64, 500, 500],
    [500, 500, 64],
    [13, 901, 129],
  ];
  for (const threads of [1, 2]) {
    setGemmBackend({ threads });
    await gemmReady();
    for (const [M, N, K] of cases) {
      for (const [transA, transB] of transposes) {
        const rng = new Rng(M + N + K);
        const A = transA ? random32(K, M, rng) : random32(M, K, rng);
        const B = transB ? random32(N, K, rng) : random32(K, N, rng);
        const C0 = random32(M, N, rng);
        for (const [alpha, beta] of [
          [1, 0],
          [-1.5, 1],
        ]) {
          const where = `${threads} threads ${M}x${N}x${K} trans ${transA} ${transB} alpha ${alpha} beta ${beta}`;
          const want = gemm32Reference(
            A,
            B,
            { rows: M, cols: N, data: C0.data.slice() },
            { transA, transB, alpha, beta },
          );
          const got = gemm32(
            A,
            B,
            { rows: M, cols: N, data: C0.data.slice() },
            { transA, transB, alpha, beta },
          );
          assert.deepEqual(got.data, want.data, where);
          const previous = setGemmWorkSpaceLimit(30_000);
          try {
            const blocked = gemm32(
              A,
              B,
              { rows: M, cols: N, data: C0.data.slice() },
              { transA, transB, alpha, beta },
            );
            assert.deepEqual(blocked.data, want.data, `${where}, in blocks`);
          } finally {
            setGemmWorkSpaceLimit(previous);
          }
        }
      }
    }
  }
  setGemmBackend({ backend: "auto", threads: 2 });
});

test("gemm32's small products and its JS fallback stay within float32 rounding of the float64 product", () => {
  for (const backend of ["js", "auto"] as const) {
    setGemmBackend({ backend });
    for (const [M, N, K] of [
      [3, 5, 7],
      [64, 1, 500],
      [1, 500, 64],
      [40, 40, 40],
    ]) {
      const rng = new Rng(M * N * K);
      const A = random32(M, K, rng);
      const B = random32(K, N, rng);
      const exact = gemmReference(
        mat(M, K, Float64Array.from(A.data)),
        mat(K, N, Float64Array.from(B.data)),
        mat(M, N),
      );
      const got = gemm32(A, B, { rows: M, cols: N, data: new Float32Array(M * N) });
      const scale = Math.sqrt(K) * 4;
      got.data.forEach((v, i) =>
        assert.ok(Math.abs(v - exact.data[i]) <= 1e-6 * scale * K, `${backend} ${M}x${N}x${K} entry ${i}`),
      );
    }
  }
  setGemmBackend({ backend: "auto", threads: 2 });
});

test("gemm32 refuses double operands and the upper option, naming them", () => {
  const A = { rows: 2, cols: 2, data: new Float32Array(4) };
  assert.throws(
    () => gemm32(A, mat(2, 2) as unknown as Mat32, A),
    /gemm32: B must be a Mat32 \{ rows, cols, data: Float32Array of rows \* cols \}, got/,
  );
  assert.throws(() => gemm32(A, A, A, { upper: true } as never), /gemm32: upper is not supported/);
});
