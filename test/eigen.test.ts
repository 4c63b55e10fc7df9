import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";
import { circulantSpectrum, eigenvalues, eigh, fft } from "../src/spectrum";
import { midpoint, symmetricArray } from "../src/spectrum/symmetric";
import { Rng } from "../src/random";
import { circleMatrix, gridMatrix, reluNtk, laplace } from "./circle-kernels";
import {
  denseEigensystem,
  ritzValuesAndTails,
  tridiagonalize,
  tridiagonalizePlain,
  tridiagonalQL,
} from "../src/spectrum/dense";

const EPS = Number.EPSILON;

function randomSymmetric(n: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      K.set(i, j, v);
      K.set(j, i, v);
    }
  }
  return K;
}

/** |a - b| <= 1e-10 |b| + 10 n eps lambda_1, the agreement the issue asks of all three paths. */
function assertAgree(a: Float64Array, b: Float64Array, n: number, label: string): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  const scale = Math.max(Math.abs(b[0]), Math.abs(b[b.length - 1]));
  for (let i = 0; i < a.length; i++) {
    const bound = 1e-10 * Math.abs(b[i]) + 10 * n * EPS * scale;
    assert.ok(
      Math.abs(a[i] - b[i]) <= bound,
      `${label}: eigenvalue ${i}: ${a[i]} vs ${b[i]} (bound ${bound})`,
    );
  }
}

/** Checks A V = V D, V^T V = I and descending order for an eigensystem of K. */
function assertEigensystem(K: Matrix, values: Float64Array, V: Matrix, label: string): void {
  const n = K.rows;
  const k = values.length;
  const scale = Math.max(...Array.from(values, Math.abs));
  const residual = K.mmul(V).sub(V.mmul(Matrix.diag(Array.from(values))));
  assert.ok(residual.abs().max() <= 100 * n * EPS * scale, `${label}: A V = V D`);
  const gram = V.transpose().mmul(V).sub(Matrix.eye(k));
  assert.ok(gram.abs().max() <= 100 * n * EPS, `${label}: V^T V = I`);
  for (let i = 1; i < k; i++) assert.ok(values[i] <= values[i - 1], `${label}: descending at ${i}`);
}

test("dense eigh of a random symmetric matrix satisfies A V = V D, V^T V = I and keeps the trace", () => {
  // 60: one block of the back-transform's reflectors; 200: three blocks and a partial one.
  for (const n of [1, 2, 3, 17, 60, 200]) {
    const K = randomSymmetric(n, n);
    const { values, vectors } = eigh(K);
    assertEigensystem(K, values, vectors, `n=${n}`);
    const sum = values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - K.trace()) <= 100 * n * EPS * Math.max(1, Math.abs(values[0])), `trace n=${n}`);
    assertAgree(eigenvalues(K), values, n, `eigenvalues vs eigh n=${n}`);
  }
});

test("dense, top-k and circulant paths agree on an equally spaced circle (double eigenvalues)", () => {
  for (const [kernel, n] of [
    [reluNtk, 200],
    [laplace, 129],
  ] as const) {
    const K = gridMatrix(kernel, n);
    const dense = eigenvalues(K, { method: "dense" });
    assertAgree(eigenvalues(K, { method: "circulant" }), dense, n, `circulant n=${n}`);
    assertAgree(eigenvalues(K, { top: 40 }), dense.slice(0, 40), n, `topk n=${n}`);
    assertAgree(
      eigenvalues(K, { top: 10, method: "circulant" }),
      dense.slice(0, 10),
      n,
      `circulant top n=${n}`,
    );
  }
});

test("top-k eigh on random circle points matches the dense path and its vectors are eigenvectors", () => {
  const rng = new Rng(7);
  const n = 300;
  const K = circleMatrix(
    reluNtk,
    Float64Array.from({ length: n }, () => 2 * Math.PI * rng.uniform()),
  );
  const dense = eigh(K);
  const top = eigh(K, { top: 50 });
  assertAgree(top.values, dense.values.slice(0, 50), n, "topk values");
  assertEigensystem(K, top.values, top.vectors, "topk vectors");
  assertEigensystem(K, dense.values, dense.vectors, "dense vectors");
  const again = eigh(K, { top: 50, seed: 1 });
  assert.deepEqual(again.values, top.values, "seeded: deterministic");
});

test("top-k finds every eigenvalue of a low-rank matrix, zeros included", () => {
  const n = 50;
  const rng = new Rng(3);
  const B = new Matrix(n, 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) B.set(i, j, rng.normal());
  const K = B.mmul(B.transpose());
  const top = eigenvalues(K, { top: 8 });
  assertAgree(top, eigenvalues(K).slice(0, 8), n, "rank 3");
  for (let i = 3; i < 8; i++) assert.ok(Math.abs(top[i]) <= 100 * n * EPS * top[0]);
});

test("the circulant path refuses a matrix that is not circulant, naming the worst entry", () => {
  const rng = new Rng(5);
  const K = circleMatrix(
    reluNtk,
    Float64Array.from({ length: 20 }, () => 2 * Math.PI * rng.uniform()),
  );
  assert.throws(
    () => eigenvalues(K, { method: "circulant" }),
    /must be circulant .*largest deviation \|K\[\d+\]\[\d+\]/,
  );
  assert.throws(
    () => eigh(gridMatrix(reluNtk, 8), { method: "circulant" }),
    /eigh: method must be "dense" or "topk"/,
  );
});

test("bad input throws errors that name the parameter and what is allowed", () => {
  const K = randomSymmetric(5, 1);
  assert.throws(() => eigenvalues(new Matrix(3, 4)), /K must be a non-empty square matrix, got 3 x 4/);
  assert.throws(() => eigenvalues([[1, 2], [3]]), /K must be square; row 1 has length 1/);
  const asym = K.clone();
  asym.set(1, 3, asym.get(1, 3) + 0.5);
  assert.throws(() => eigenvalues(asym), /largest asymmetry \|K\[3\]\[1\] - K\[1\]\[3\]\| = 0\.5/);
  const nan = K.clone();
  nan.set(2, 2, NaN);
  assert.throws(() => eigh(nan), /K\[2\]\[2\] must be finite, got NaN/);
  assert.throws(() => eigenvalues(K, { top: 6 }), /top must be an integer in \[1, 5\], got 6/);
  assert.throws(() => eigenvalues(K, { top: 0 }), /top must be an integer in \[1, 5\], got 0/);
  assert.throws(
    () => eigenvalues(K, { method: "qr" as never }),
    /method must be one of "dense", "topk", "circulant", got qr/,
  );
  assert.throws(() => eigenvalues(K, { top: 2, blockSize: 0 }), /blockSize must be an integer >= 1, got 0/);
});

test("fft matches the naive DFT for power-of-two and other lengths (Bluestein)", () => {
  for (const n of [1, 2, 7, 64, 200]) {
    const rng = new Rng(n);
    const x = rng.normals(n);
    const y = rng.normals(n);
    const re = x.slice();
    const im = y.slice();
    fft(re, im);
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < n; m++) {
        const a = (-2 * Math.PI * ((j * m) % n)) / n;
        sr += x[m] * Math.cos(a) - y[m] * Math.sin(a);
        si += x[m] * Math.sin(a) + y[m] * Math.cos(a);
      }
      assert.ok(Math.abs(re[j] - sr) + Math.abs(im[j] - si) <= 1e-12 * n, `n=${n} j=${j}`);
    }
  }
});

test("the WebAssembly tridiagonalization agrees with the plain-JS loops (odd and even sizes)", () => {
  for (const n of [49, 64, 131]) {
    const K = randomSymmetric(n, 100 + n);
    const a = Float64Array.from(K.to1DArray());
    const b = a.slice();
    const fast = tridiagonalize(a, n);
    const plain = tridiagonalizePlain(b, n);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(fast.d[i] - plain.d[i]) <= 1e-12 * n, `n=${n} d[${i}]`);
      assert.ok(Math.abs(fast.off[i] - plain.off[i]) <= 1e-12 * n, `n=${n} off[${i}]`);
    }
    tridiagonalQL(fast.d, fast.off, null, "test");
    tridiagonalQL(plain.d, plain.off, null, "test");
    const sortDesc = (x: Float64Array) => x.slice().sort().reverse();
    assertAgree(sortDesc(fast.d), sortDesc(plain.d), n, `wasm vs js n=${n}`);
  }
});

test("ritzValuesAndTails gives the eigenvalues and the tail entries of the full eigensystem", () => {
  const n = 70;
  const K = randomSymmetric(n, 9);
  const a = Float64Array.from(K.to1DArray());
  const { values, tails } = ritzValuesAndTails("test", a, n, n, n - 5);
  const full = denseEigensystem("test", a.slice(), n);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(values[i] - full.values[i]) <= 100 * n * EPS * 10, `value ${i}`);
    for (let c = 0; c < 5; c++) {
      const x = tails[i * 5 + c];
      const y = full.vectorRows[i * n + n - 5 + c];
      assert.ok(Math.abs(x - y) <= 1e-10, `tail ${i} ${c}: ${x} vs ${y}`);
    }
  }
});

function constant(n: number, c: number): Matrix {
  return new Matrix(n, n).fill(c);
}

/** Eigenvalues of a known spectrum, compared at |a - b| <= 100 n eps max|lambda| after sorting both. */
function assertSpectrum(values: Float64Array, exact: number[], label: string): void {
  const n = exact.length;
  const sorted = exact.slice().sort((x, y) => y - x);
  const scale = Math.max(...sorted.map(Math.abs));
  assert.equal(values.length, n, `${label}: count`);
  for (let i = 0; i < n; i++) {
    assert.ok(
      Math.abs(values[i] - sorted[i]) <= 100 * n * EPS * scale,
      `${label}: eigenvalue ${i}: ${values[i]} vs ${sorted[i]}`,
    );
  }
}

describe("degenerate matrices", () => {
  test("a constant matrix has eigenvalues n c and n - 1 zeros at every size, 359, 600, 1200, 1500 included", () => {
    const rng = new Rng(11);
    const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 16, 33, 64, 100, 255, 359, 600, 1200, 1500];
    for (let r = 0; r < 3; r++) sizes.push(2 + Math.floor(rng.uniform() * 1000));
    for (const n of sizes) {
      const values = eigenvalues(constant(n, 1));
      assertSpectrum(values, [n, ...new Array<number>(n - 1).fill(0)], `ones n=${n}`);
    }
  });

  test("eigh of degenerate matrices gives the exact spectrum with A V = V D and V^T V = I", () => {
    for (const n of [1, 2, 3, 50, 359]) {
      const h = Math.floor(n / 2);
      const u = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const uu = u.reduce((s, x) => s + x * x, 0);
      const diagonal = Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
      const cases: [string, Matrix, number[] | null][] = [
        ["zero", new Matrix(n, n), new Array<number>(n).fill(0)],
        ["3 I", Matrix.eye(n).mul(3), new Array<number>(n).fill(3)],
        ["-2 ones", constant(n, -2), [-2 * n, ...new Array<number>(n - 1).fill(0)]],
        ["diagonal with repeats", Matrix.diag(diagonal), diagonal],
        [
          "u u^T",
          new Matrix(n, n).apply(function (this: Matrix, i, j) {
            this.set(i, j, u[i] * u[j]);
          }),
          [uu, ...new Array<number>(n - 1).fill(0)],
        ],
        [
          "two constant blocks",
          new Matrix(n, n).apply(function (this: Matrix, i, j) {
            this.set(i, j, i < h === j < h ? 1 : 0);
          }),
          n === 1 ? [1] : [h, n - h, ...new Array<number>(n - 2).fill(0)],
        ],
        [
          "2 on the diagonal blocks, 1 off them",
          new Matrix(n, n).apply(function (this: Matrix, i, j) {
            this.set(i, j, i < h === j < h ? 2 : 1);
          }),
          null,
        ],
      ];
      for (const [name, K, exact] of cases) {
        const label = `${name} n=${n}`;
        const { values, vectors } = eigh(K);
        assertEigensystem(K, values, vectors, label);
        if (exact !== null) assertSpectrum(values, exact, label);
        assertAgree(eigenvalues(K), values, n, `${label}: eigenvalues vs eigh`);
      }
    }
  });

  test("huge, tiny and subnormal entries give the scaled spectrum, and an overflowing one is refused", () => {
    const K = randomSymmetric(60, 4);
    const reference = eigenvalues(K);
    for (const c of [1e300, 1e-300, 2 ** -1040, -1e250]) {
      const values = eigenvalues(K.clone().mul(c));
      const scaled = Float64Array.from(reference, (v) => v * c)
        .sort()
        .reverse();
      // 2^-1040 is subnormal: its entries carry about 30 bits, the spectrum correspondingly fewer.
      const rel = c === 2 ** -1040 ? 1e-6 : 100 * 60 * EPS;
      for (let i = 0; i < 60; i++) {
        assert.ok(Math.abs(values[i] - scaled[i]) <= rel * Math.abs(scaled[0]), `c=${c} i=${i}`);
      }
    }
    for (const [n, c] of [
      [359, 1e-300],
      [600, 1e300],
    ]) {
      const values = eigenvalues(constant(n, c));
      assertSpectrum(values, [n * c, ...new Array<number>(n - 1).fill(0)], `constant ${c} n=${n}`);
    }
    for (const method of ["dense", "topk", "circulant"] as const) {
      assert.throws(
        () => eigenvalues(constant(4, 1e308), { method, top: 1 }),
        /^Error: eigenvalues: an eigenvalue of K exceeds the largest double \(about 1\.8e308; max\|K\| = 1e\+308 with n = 4\); scale K down$/,
      );
    }
  });

  test("top-k and the circulant path handle constant matrices too", () => {
    for (const n of [7, 359]) {
      const top = eigh(constant(n, 1), { top: 3 });
      assertSpectrum(top.values, [n, 0, 0], `topk n=${n}`);
      assertEigensystem(constant(n, 1), top.values, top.vectors, `topk vectors n=${n}`);
      const circulant = eigenvalues(constant(n, 1), { method: "circulant" });
      assertSpectrum(circulant, [n, ...new Array<number>(n - 1).fill(0)], `circulant n=${n}`);
    }
  });
});

describe("input checks", () => {
  test("entries that are not finite numbers are refused by position", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const K = randomSymmetric(4, 2);
      K.set(3, 1, bad);
      for (const f of [eigenvalues, eigh]) {
        assert.throws(
          () => f(K),
          new RegExp(`^Error: ${f.name}: K\\[3\\]\\[1\\] must be finite, got ${bad}$`),
        );
      }
    }
    assert.throws(
      () =>
        eigenvalues([
          [1, "2" as never],
          [2, 1],
        ]),
      /^Error: eigenvalues: K\[0\]\[1\] must be a finite number, got "2"$/,
    );
  });

  test("a flat list, an empty list and a ragged list are refused with what K must be", () => {
    assert.throws(
      () => eigenvalues([1, 2, 3] as never),
      /^Error: eigenvalues: K must be a square matrix \(a Matrix or an array of rows\); K\[0\] is 1, not a row$/,
    );
    assert.throws(
      () => eigh([]),
      /^Error: eigh: K must be a non-empty square Matrix or array of rows, got an array of length 0$/,
    );
    assert.throws(() => eigenvalues(new Matrix(0, 0)), /K must be a non-empty square matrix, got 0 x 0/);
    assert.throws(
      () => eigh([[1, 2], [2]]),
      /^Error: eigh: K must be square; row 1 has length 1 but there are 2 rows$/,
    );
  });

  test("symmetryTolerance and circulantTolerance must be finite numbers >= 0", () => {
    const K = randomSymmetric(4, 3);
    for (const bad of [NaN, -1e-3, Infinity]) {
      for (const f of [eigenvalues, eigh]) {
        assert.throws(
          () => f(K, { symmetryTolerance: bad }),
          new RegExp(`^Error: ${f.name}: symmetryTolerance must be a finite number >= 0, got ${bad}$`),
        );
      }
      assert.throws(
        () => eigenvalues(gridMatrix(reluNtk, 8), { method: "circulant", circulantTolerance: bad }),
        new RegExp(`^Error: eigenvalues: circulantTolerance must be a finite number >= 0, got ${bad}$`),
      );
    }
    assert.deepEqual(eigenvalues(K, { symmetryTolerance: 0 }), eigenvalues(K));
  });

  test("errors of the circulant path name eigenvalues, the function the user called", () => {
    assert.throws(
      () => eigenvalues(randomSymmetric(6, 1), { method: "circulant" }),
      /^Error: eigenvalues: K must be circulant/,
    );
  });
});

describe("top-k with repeated eigenvalues", () => {
  /** A diagonal matrix: eigenvalue 1 repeated `multiplicity` times, then a geometric tail. */
  function repeated(n: number, multiplicity: number, ratio: number): number[] {
    return Array.from({ length: n }, (_, i) => (i < multiplicity ? 1 : 0.5 * ratio ** (i - multiplicity)));
  }

  test("top-k finds every copy of an eigenvalue repeated more often than the block size", () => {
    // Slowly decaying tails, where the Krylov basis never becomes dependent (a fast tail soon turns into
    // rounding noise whose dependent vectors are replaced by random ones, which hid the defect): 16
    // copies of 17, 20 or 40 came back, then the tail. n = 300: the dense fallback answers; n = 800: fresh
    // random directions; n = 600, 40 copies among the top 50 (32 came back).
    for (const [n, ratio, multiplicities, tops] of [
      [300, 0.99, [1, 17, 20, 40], [18, 50]],
      [800, 0.95, [1, 17, 20, 40], [18, 50]],
      [600, 0.99, [40], [50]],
    ] as const) {
      for (const multiplicity of multiplicities) {
        const spectrum = repeated(n, multiplicity, ratio);
        const K = Matrix.diag(spectrum);
        for (const top of tops) {
          const label = `n=${n} multiplicity ${multiplicity} top ${top}`;
          assertSpectrum(eigenvalues(K, { top }), spectrum.slice(0, top), label);
        }
      }
    }
    for (const [n, ratio] of [
      [300, 0.99],
      [800, 0.95],
    ]) {
      const spectrum = repeated(n, 20, ratio);
      const K = Matrix.diag(spectrum);
      for (const blockSize of [4, 32]) {
        const { values, vectors } = eigh(K, { top: 18, blockSize });
        assertSpectrum(values, spectrum.slice(0, 18), `eigh n=${n} blockSize ${blockSize}`);
        assertEigensystem(K, values, vectors, `eigh vectors n=${n} blockSize ${blockSize}`);
      }
    }
  });

  test("top-k finds repeated eigenvalues below the largest one and repeated negative ones", () => {
    const n = 300;
    const middle = Array.from({ length: n }, (_, i) => (i === 0 ? 2 : i <= 30 ? 0.7 : 0.5 * 0.99 ** i));
    assertSpectrum(
      eigenvalues(Matrix.diag(middle), { top: 40, blockSize: 1 }),
      middle.slice(0, 40),
      "middle",
    );
    const negative = Array.from({ length: n }, (_, i) => (i < 25 ? -0.5 : -1 + 0.5 * 0.99 ** i));
    const sorted = negative.slice().sort((x, y) => y - x);
    assertSpectrum(eigenvalues(Matrix.diag(negative), { top: 30 }), sorted.slice(0, 30), "negative");
  });
});

describe("symmetrizing", () => {
  test("halves the sum once, so that subnormal entries keep their mean (5e-324 / 2 alone rounds to 0)", () => {
    const t = 5e-324;
    assert.deepEqual(
      Array.from(
        eigenvalues([
          [t, t],
          [t, t],
        ]),
      ),
      [1e-323, 0],
    );
    assert.deepEqual(
      Array.from(
        circulantSpectrum([
          [t, t],
          [t, t],
        ]),
      ),
      [1e-323, 0],
    );
    assert.equal(midpoint(t, 3 * t), 2 * t);
    assert.equal(midpoint(1e308, 1.5e308), 1.25e308);
    assert.equal(midpoint(-1.7e308, -1.7e308), -1.7e308);
    assert.equal(midpoint(0.1, 0.2), (0.1 + 0.2) / 2);
  });

  test("leaves an exactly symmetric matrix unchanged bit for bit, and averages rounding asymmetry", () => {
    const rng = new Rng(4);
    const n = 30;
    const K = Array.from({ length: n }, () => new Array<number>(n));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = i === j ? -0 : rng.normal() * 10 ** Math.round(20 * rng.normal());
        K[i][j] = v;
        K[j][i] = v;
      }
    }
    const { a } = symmetricArray("test", K);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) assert.ok(Object.is(a[i * n + j], K[i][j]), `K[${i}][${j}]`);
    }
    const x = 0.1 + 0.2;
    const { a: b } = symmetricArray("test", [
      [1, x],
      [0.3, 1],
    ]);
    assert.equal(b[1], (x + 0.3) / 2);
    assert.equal(b[2], b[1]);
  });
});
