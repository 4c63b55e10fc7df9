import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Matrix } from "ml-matrix";
import {
  activation,
  empiricalNtk,
  erf,
  extendedLaplaceKernel,
  gammaExponentialKernel,
  gaussianKernel,
  laplaceKernel,
  maternCorrelation,
  maternKernel,
  mlp,
  monteCarloNngp,
  monteCarloNtk,
  network,
  nngp,
  ntk,
  relativeError,
  relu,
  reluPower,
  sin,
} from "../src/index";

const close = (a: number, b: number, rel: number, label: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${label}: ${a} vs ${b}`);

describe("flat lists of numbers are points of dimension 1", () => {
  const flat = [1, 2, 3];
  const rows = [[1], [2], [3]];
  const Y = [0.5, -1];
  const cases: [string, (X: any, Y?: any) => Matrix][] = [
    ["ntk", (X, Y) => ntk(mlp([relu]), X, Y)],
    ["nngp", (X, Y) => nngp(mlp([sin, relu]), X, Y)],
    ["laplaceKernel", (X, Y) => laplaceKernel(X, Y)],
    ["gaussianKernel", (X, Y) => gaussianKernel(X, Y)],
    ["gammaExponentialKernel", (X, Y) => gammaExponentialKernel(X, Y, { alpha: 0.5 })],
    ["extendedLaplaceKernel", (X, Y) => extendedLaplaceKernel(X, Y, { alpha: 1, beta: 1 })],
    ["maternKernel", (X, Y) => maternKernel(X, Y, { nu: 1.5 })],
    ["monteCarloNtk", (X, Y) => monteCarloNtk(mlp([relu]), X, Y, { samples: 16, seed: 1 })],
    ["monteCarloNngp", (X, Y) => monteCarloNngp(mlp([relu]), X, Y, { samples: 16, seed: 1 })],
    ["empiricalNtk", (X, Y) => empiricalNtk(network(mlp([relu]), { inputDim: 1, width: 8, seed: 1 }), X, Y)],
  ];
  for (const [name, f] of cases) {
    test(`${name}([1, 2, 3]) is ${name}([[1], [2], [3]]), also as Y`, () => {
      assert.deepEqual(f(flat).to2DArray(), f(rows).to2DArray());
      assert.deepEqual(f(flat, Y).to2DArray(), f(rows, [[0.5], [-1]]).to2DArray());
      assert.deepEqual(f(Float64Array.from(flat)).to2DArray(), f(rows).to2DArray());
    });
  }
  test("relativeError reads two flat lists as columns", () => {
    assert.equal(relativeError([1, 2], [1, 4]), Math.sqrt(4 / 17));
  });
});

describe("malformed points throw naming the parameter, the value and what is allowed", () => {
  const X = [
    [1, 0],
    [0, 1],
  ];
  const cases: [string, unknown, RegExp][] = [
    [
      "a mixed list",
      [1, [2]],
      /laplaceKernel: X\[1\] must be a number like X\[0\] \(X is a list of 1-D points\), got an array of length 1/,
    ],
    [
      "rows of different lengths",
      [[1, 2], [3]],
      /laplaceKernel: X\[1\] must be a row of 2 coordinates like X\[0\], got 1/,
    ],
    [
      "a row that is not an array",
      [[1, 2], 3],
      /laplaceKernel: X\[1\] must be a row of 2 coordinates like X\[0\], got 3/,
    ],
    ["empty rows", [[], []], /laplaceKernel: X\[0\] must hold at least one coordinate, got an empty row/],
    [
      "a first row that is not an array",
      [null, [1]],
      /laplaceKernel: X\[0\] must be a row of coordinates .*, got null/,
    ],
    ["an empty list", [], /laplaceKernel: X must hold at least one point of dimension >= 1, got 0 x 0/],
    ["a non-number coordinate", [[1, null]], /laplaceKernel: X\[0\]\[1\] must be a number, got null/],
    ["NaN in a flat list", [1, NaN], /laplaceKernel: X\[1\] must be finite, got NaN/],
    [
      "a string",
      "abc",
      /laplaceKernel: X must be a Matrix, an array of rows .* or a list of numbers \(1-D points\), got "abc"/,
    ],
    ["null", null, /laplaceKernel: X must be a Matrix, .*, got null/],
  ];
  for (const [what, value, message] of cases) {
    test(`laplaceKernel rejects ${what}`, () => assert.throws(() => laplaceKernel(value as any), message));
  }
  test("Y of another dimension is named", () =>
    assert.throws(
      () => ntk(mlp([relu]), X, [1, 2]),
      /ntk: Y must have the dimension of X \(2 coordinates per row\), got 1/,
    ));
});

describe("the architecture argument is checked", () => {
  const X = [[1, 0]];
  const message = (who: string) =>
    new RegExp(
      `^Error: ${who}: arch must be an Architecture from mlp\\(\\[\\.\\.\\.activations\\], options\\), got an object$`,
    );
  const cases: [string, () => unknown][] = [
    ["ntk", () => ntk({} as any, X)],
    ["nngp", () => nngp({} as any, X)],
    ["monteCarloNtk", () => monteCarloNtk({} as any, X, undefined, { samples: 4 })],
    ["monteCarloNngp", () => monteCarloNngp({} as any, X, undefined, { samples: 4 })],
  ];
  for (const [who, f] of cases) test(`${who}({}, X) names arch`, () => assert.throws(f, message(who)));
  test("empiricalNtk({}, X) names net", () =>
    assert.throws(
      () => empiricalNtk({} as any, X),
      /^Error: empiricalNtk: net must be a Network \(from network\(arch, \{ inputDim, width \}\) or mlpNetwork\), got an object$/,
    ));
  // What a rerun of a notebook's import cell leaves: architectures not made by this instance's mlp.
  test("an object of the Architecture's shape is accepted by ntk, nngp and monteCarloNtk", () => {
    const made = mlp([relu, erf], { weightStd: [1, 2, 1], biasStd: 0.5 });
    const copy = {
      layers: made.layers,
      activations: [relu, erf],
      weightStd: Float64Array.of(1, 2, 1),
      biasStd: Float64Array.of(0.5, 0.5),
    };
    const Z = [
      [1, 0],
      [0.6, 0.8],
    ];
    assert.deepEqual(ntk(copy, Z).to2DArray(), ntk(made, Z).to2DArray());
    assert.deepEqual(nngp(copy, Z).to2DArray(), nngp(made, Z).to2DArray());
    const options = { samples: 8, seed: 2 };
    assert.deepEqual(
      monteCarloNtk(copy, Z, undefined, options).to2DArray(),
      monteCarloNtk(made, Z, undefined, options).to2DArray(),
    );
  });
  const shaped = (changes: object) => ({
    activations: [relu],
    weightStd: Float64Array.of(1, 1),
    biasStd: Float64Array.of(0),
    ...changes,
  });
  const broken: [object, string][] = [
    [shaped({ activations: [{ fn: Math.sin }] }), "an object whose activations\\[0\\] is not an Activation"],
    [shaped({ weightStd: [1, 1] }), "an object whose weightStd is not a Float64Array of 2 scales"],
    [shaped({ biasStd: Float64Array.of(0, 0) }), "an object whose biasStd is not a Float64Array of 1 scales"],
    [shaped({ weightStd: Float64Array.of(1, NaN) }), "an object with weightStd\\[1\\] = NaN"],
    [shaped({ biasStd: Float64Array.of(-1) }), "an object with biasStd\\[0\\] = -1"],
  ];
  for (const [arch, got] of broken) {
    test(`ntk refuses an architecture-like object, got ${got.replace(/\\/g, "")}`, () =>
      assert.throws(
        () => ntk(arch as any, X),
        new RegExp(
          `^Error: ntk: arch must be an Architecture from mlp\\(\\[\\.\\.\\.activations\\], options\\), got ${got}$`,
        ),
      ));
  }
  test("network() checks arch as ntk does", () =>
    assert.throws(
      () =>
        network(shaped({ weightStd: Float64Array.of(1, NaN) }) as any, { inputDim: 2, width: 3, seed: 1 }),
      /^Error: network: arch must be an Architecture from mlp\(\[\.\.\.activations\], options\), got an object with weightStd\[1\] = NaN$/,
    ));
});

describe("reluPower", () => {
  test("reluPower(200) says the largest usable k and why", () =>
    assert.throws(
      () => reluPower(200),
      /^Error: reluPower: k must be an integer in \[1, 150\], got 200 \(past k = 150, E\[max\(0, z\)\^\(2k\)\] = \(2k - 1\)!!\/2 exceeds float64\)$/,
    ));
  // J_k(theta) at phi = pi - theta from a 600-digit evaluation of J_n = (2n-1) cos J_{n-1} + (n-1)^2 sin^2 J_{n-2}.
  const reference: [number, number, number][] = [
    [30, 0.9, 8046493553325336629.701697],
    [120, 1.5, 1.105660895905978731758317e194],
    [150, 1.2, 2.264145203306054043302386e232],
  ];
  for (const [k, phi, J] of reference) {
    test(`relu^${k} at an obtuse angle (phi = ${phi}) is right to 1e-13`, () => {
      let df = 1;
      for (let i = 3; i <= 2 * k - 1; i += 2) df *= i;
      const K = nngp(mlp([reluPower(k)]), [[1, 0]], [[-Math.cos(phi), Math.sin(phi)]]).get(0, 0);
      close(K, J / (Math.PI * df), 1e-13, `k = ${k}`);
    });
  }
});

describe("extreme magnitudes", () => {
  test("the ReLU NTK of |x| = 1e-150 and 1e150 is [[2e-300, 2], [2, 2e300]]", () => {
    const K = ntk(mlp([relu]), [
      [1e-150, 0],
      [1e150, 0],
    ]);
    close(K.get(0, 0), 2e-300, 1e-15, "small");
    close(K.get(0, 1), 2, 1e-15, "cross");
    close(K.get(1, 1), 2e300, 1e-15, "large");
  });
  for (const r of [1.2e77, 1e-90, 1e-154, 1e120]) {
    test(`the ReLU NTK and relu^3 NNGP at |x| = ${r} are right`, () => {
      close(ntk(mlp([relu]), [[r, 0]]).get(0, 0), 2 * r * r, 1e-15, "ntk");
      close(nngp(mlp([relu, relu]), [[0, r]]).get(0, 0), r * r, 1e-15, "nngp");
    });
  }
  test("a ReLU kernel that overflows float64 throws naming the layer, the depth and weightStd", () => {
    assert.throws(
      () => ntk(mlp(Array(2000).fill(relu), { weightStd: 2 }), [[1, 0]]),
      /^Error: ntk: the kernel overflows float64 at layer 511 of depth 2000 \(activation relu, weightStd = 2 in every layer, biasStd = 0 in every layer, X\[0\] with \|\(weightStd\[0\] x, biasStd\[0\]\)\| = 2\); the depth, weightStd or \|x\| must be lower$/,
    );
    assert.throws(
      () => nngp(mlp([reluPower(3)]), [[1e60, 0]]),
      /nngp: the kernel overflows float64 at layer 1 of depth 1/,
    );
  });
  test("an input whose variance overflows throws naming X[i] and weightStd[0]", () =>
    assert.throws(
      () =>
        ntk(mlp([erf]), [
          [1, 0],
          [1e200, 0],
        ]),
      /ntk: X\[1\]'s input variance weightStd\[0\]\^2 \|X\[1\]\|\^2 \+ biasStd\[0\]\^2 overflows float64 \(weightStd\[0\] = 1, largest coordinate 1e\+200\)/,
    ));
  test("the sin NTK overflowing with depth (coth 1 per layer) throws instead of Infinity", () =>
    assert.throws(
      () => ntk(mlp(Array(2700).fill(sin)), [[1, 0]]),
      /ntk: the NTK entry \[0\]\[0\] overflows float64 at depth 2700/,
    ));
  test("erf of a huge but finite variance has the right arcsine limit", () => {
    const K = nngp(mlp([erf]), [
      [1e100, 0],
      [0, 1e100],
    ]);
    close(K.get(0, 0) * (2 / Math.PI) * Math.asin(2 / 3), 1, 1e-14, "diagonal");
    assert.ok(Math.abs(K.get(0, 1)) < 1e-15);
  });
});

describe("classic kernels at extreme scales", () => {
  const X = [
    [0, 0],
    [1, 0],
  ];
  for (const sigma of [1e-320, 1e-200, 1e200]) {
    test(`gaussianKernel with sigma = ${sigma} has 1 on the diagonal`, () => {
      const far = sigma < 1;
      assert.deepEqual(gaussianKernel(X, undefined, { sigma }).to2DArray(), [
        [1, far ? 0 : 1],
        [far ? 0 : 1, 1],
      ]);
    });
    test(`maternKernel with lengthScale = ${sigma} has 1 on the diagonal`, () => {
      for (const nu of [0.5, 2.5, 1, 7.3]) {
        const K = maternKernel(X, undefined, { nu, lengthScale: sigma }).to2DArray();
        assert.equal(K[0][0], 1);
        assert.equal(K[0][1], sigma < 1 ? 0 : 1);
      }
    });
  }
  test("maternKernel with nu = 49.5 past z = 745 is the normal number e^-z poly(z), not 0 or NaN", () => {
    const K = maternKernel([0], [800 / Math.sqrt(99), 1e7, 1e160], { nu: 49.5 }).to2DArray()[0];
    // 2^{1-nu} / Gamma(nu) z^nu K_nu(z) at z = 800 by mpmath (besselk, 30 digits).
    close(K[0], 1.09753210713668976975026947459e-281, 1e-13, "z = 800");
    assert.deepEqual(K.slice(1), [0, 0]);
  });
  test("extendedLaplaceKernel far away is 0, not 0 * Infinity", () =>
    assert.deepEqual(extendedLaplaceKernel([0], [1e153], { alpha: 0.5, beta: 3 }).to2DArray(), [[0]]));
  test("a distance that overflows float64 throws naming X[i] and Y[j]", () =>
    assert.throws(
      () => laplaceKernel([1e308], [-1e308], { sigma: 1e308 }),
      /^Error: laplaceKernel: the distance \|X\[0\] - Y\[0\]\| overflows float64 \(coordinates up to 1e\+308 and 1e\+308\); points must lie within about 1\.7e308 of each other$/,
    ));
});

describe("distances whose square underflows or overflows float64", () => {
  const e = Math.exp;
  // Exact values: r / sigma is exactly 1, 3 or 5 below, so each entry is exp of an exact number.
  const cases: [string, () => number[][], number][] = [
    [
      "gaussianKernel, 1e-200 apart, sigma 1e-200",
      () => gaussianKernel([[0], [1e-200]], undefined, { sigma: 1e-200 }).to2DArray(),
      e(-0.5),
    ],
    [
      "gaussianKernel, 1e-160 apart, sigma 1e-160",
      () => gaussianKernel([[0], [1e-160]], undefined, { sigma: 1e-160 }).to2DArray(),
      e(-0.5),
    ],
    [
      "laplaceKernel, 3e-160 apart, sigma 1e-160",
      () => laplaceKernel([[0], [3e-160]], undefined, { sigma: 1e-160 }).to2DArray(),
      e(-3e-160 / 1e-160),
    ],
    [
      "laplaceKernel in 2-D, 5e-200 apart, sigma 1e-200",
      () =>
        laplaceKernel(
          [
            [0, 0],
            [3e-200, 4e-200],
          ],
          undefined,
          { sigma: 1e-200 },
        ).to2DArray(),
      e(-5),
    ],
    [
      "laplaceKernel in 3-D, 3e-200 apart, sigma 1e-200",
      () =>
        laplaceKernel(
          [
            [0, 0, 0],
            [1e-200, 2e-200, 2e-200],
          ],
          undefined,
          { sigma: 1e-200 },
        ).to2DArray(),
      e(-3),
    ],
    [
      "laplaceKernel, 1e200 apart, sigma 1e200",
      () => laplaceKernel([[0], [1e200]], undefined, { sigma: 1e200 }).to2DArray(),
      e(-1),
    ],
    [
      "gaussianKernel, 1e300 apart, sigma 1e300",
      () =>
        gaussianKernel(
          [
            [0, 0],
            [6e299, 8e299],
          ],
          undefined,
          { sigma: 1e300 },
        ).to2DArray(),
      e(-0.5),
    ],
    [
      "maternKernel nu 1/2, 1e-200 apart, lengthScale 1e-200",
      () => maternKernel([[0], [1e-200]], undefined, { nu: 0.5, lengthScale: 1e-200 }).to2DArray(),
      e(-1),
    ],
    [
      "maternKernel nu 3/2, 1e-200 apart, lengthScale 1e-200",
      () => maternKernel([[0], [1e-200]], undefined, { nu: 1.5, lengthScale: 1e-200 }).to2DArray(),
      (1 + Math.sqrt(3)) * e(-Math.sqrt(3)),
    ],
    [
      "maternKernel nu 1/2, 1e-320 apart, lengthScale 1e-320",
      () => maternKernel([[0], [1e-320]], undefined, { nu: 0.5, lengthScale: 1e-320 }).to2DArray(),
      e(-1),
    ],
    [
      "maternKernel nu 1/2, 1e200 apart, lengthScale 1e200",
      () => maternKernel([[0], [1e200]], undefined, { nu: 0.5, lengthScale: 1e200 }).to2DArray(),
      e(-1),
    ],
    [
      "gammaExponentialKernel alpha 1, 1e-200 apart, sigma 1e-200",
      () => gammaExponentialKernel([[0], [1e-200]], undefined, { alpha: 1, sigma: 1e-200 }).to2DArray(),
      e(-1),
    ],
    [
      "gammaExponentialKernel alpha 2, 2^-535 apart, sigma 2^-1070",
      () =>
        gammaExponentialKernel([[0], [2 ** -535]], undefined, { alpha: 2, sigma: 2 ** -1070 }).to2DArray(),
      e(-1),
    ],
    [
      "gammaExponentialKernel alpha 2, 2^600 apart, sigma 2^1000",
      () => gammaExponentialKernel([[0], [2 ** 600]], undefined, { alpha: 2, sigma: 2 ** 1000 }).to2DArray(),
      e(-(2 ** 200)),
    ],
    [
      "gammaExponentialKernel alpha 1.5, 2^-700 apart, sigma 2^-1050",
      () =>
        gammaExponentialKernel([[0], [2 ** -700]], undefined, { alpha: 1.5, sigma: 2 ** -1050 }).to2DArray(),
      e(-1),
    ],
    [
      "extendedLaplaceKernel alpha 1, beta 1/2, 1e-200 apart",
      () => extendedLaplaceKernel([[0], [1e-200]], undefined, { alpha: 1, beta: 0.5 }).to2DArray(),
      1e-100,
    ],
  ];
  for (const [label, K, exact] of cases) {
    test(`${label}: the exact value off the diagonal`, () => {
      const k = K();
      close(k[0][1], exact, 4e-16, label);
      close(k[1][0], exact, 4e-16, label);
    });
  }
  test("on the diagonal of such points the kernels are exactly 1 (0 for extendedLaplaceKernel with beta > 0)", () => {
    const X = [[0], [1e-200]];
    assert.deepEqual(laplaceKernel(X, undefined, { sigma: 1e-200 }).diag(), [1, 1]);
    assert.deepEqual(maternKernel(X, undefined, { nu: 1, lengthScale: 1e-200 }).diag(), [1, 1]);
    assert.deepEqual(extendedLaplaceKernel(X, undefined, { alpha: 1, beta: 0.5 }).diag(), [0, 0]);
  });
  test("maternKernel with nu = 1 at tiny scales equals the unit-scale correlation", () =>
    close(
      maternKernel([[0], [1e-200]], undefined, { nu: 1, lengthScale: 1e-200 }).get(0, 1),
      maternCorrelation(1, { nu: 1 }),
      1e-14,
      "nu = 1",
    ));
  test("laplace and gaussian far beyond sqrt(largest double) are 0, not an Error", () => {
    assert.deepEqual(laplaceKernel([0], [1e160]).to2DArray(), [[0]]);
    assert.deepEqual(gaussianKernel([[0, 0]], [[1e300, 1e300]]).to2DArray(), [[0]]);
  });
});

describe("activations that produce NaN", () => {
  test("activation() rejects a derivative that returns NaN, naming it and the input", () =>
    assert.throws(
      () => activation({ name: "bad", fn: Math.tanh, derivative: () => NaN }),
      /^Error: activation bad: derivative\(-14\.886186143339398\) must be finite, got NaN$/,
    ));
  const late = activation({
    name: "late",
    fn: Math.tanh,
    derivative: (z) => (Math.abs(z) > 20 ? NaN : 1 - Math.tanh(z) ** 2),
  });
  test("a kernel whose activation turns NaN at a larger variance names the activation, layer and input", () =>
    assert.throws(
      () => ntk(mlp([late]), [[30, 0]]),
      /^Error: ntk: activation late \(layer 1 of 1\) gave E\[s\(u\) s\(v\)\] = [0-9.]+, E\[s'\(u\) s'\(v\)\] = NaN at variances 900, 900 and covariance 900: derivative\(-?[0-9.]+\) must be finite, got NaN$/,
    ));
  test("the Monte Carlo kernel names the activation and the pre-activation", () =>
    assert.throws(
      () => monteCarloNtk(mlp([late]), [[30, 0]], undefined, { samples: 64, seed: 1 }),
      /monteCarloNtk: activation late \(layer 1\) gave fn = -?[0-9.]+, derivative = NaN at the pre-activation -?[0-9.]+ of input point 0 \(X, then Y\): they must be finite/,
    ));
});
