import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aliasedEigenvalues,
  aliasedEigenvaluesWithTail,
  circleAngles,
  circlePoints,
  circleProfile,
  circulantFrequencySpectrum,
  decadeTicks,
  decaySlope,
  findSlope,
  frequencySpectrum,
  gridAliasing,
  matrixAgainstQuadrature,
  matrixDecaySlopes,
  mercerDecaySlopes,
  mercerRanks,
  mlp,
  networkKernel,
  precisionRank,
  rankByFrequency,
  rankedDecaySlope,
  referenceLine,
  relu,
  resolvedFrequencies,
  slopeRows,
  spectrumAboveFloor,
  laplace,
  localExponents,
  mercerWindowSlopes,
} from "../src/index";

const biasFreeRelu = networkKernel(mlp([relu]));
const reluWithBias = networkKernel(mlp([relu], { biasStd: 1 }));
const spectrumOf = (kernel: typeof biasFreeRelu, maxFrequency: number) =>
  frequencySpectrum(circleProfile(kernel), { maxFrequency, argument: "angle" });

test("matrixDecaySlopes and mercerDecaySlopes are decaySlope and rankedDecaySlope by least squares, then endpoints", () => {
  const values = Float64Array.from({ length: 40 }, (_, i) => (i + 1) ** -2 * (1 + 0.1 * Math.sin(i)));
  values.sort().reverse();
  const fits = matrixDecaySlopes(values, { from: 5, to: 30, n: 50 });
  assert.deepEqual(fits, [
    decaySlope(values, { from: 5, to: 30, method: "lsq", n: 50 }),
    decaySlope(values, { from: 5, to: 30, method: "endpoints", n: 50 }),
  ]);
  const ranked = rankByFrequency(Array.from({ length: 30 }, (_, j) => (j + 1) ** -3));
  assert.deepEqual(mercerDecaySlopes(ranked, { from: 3, to: 20 }), [
    rankedDecaySlope(ranked, { from: 3, to: 20, method: "lsq" }),
    rankedDecaySlope(ranked, { from: 3, to: 20, method: "endpoints" }),
  ]);
  // A pure power law i^-2 has slope -2 by both methods.
  const power = Float64Array.from({ length: 20 }, (_, i) => (i + 1) ** -2);
  for (const fit of matrixDecaySlopes(power, { from: 2, to: 20, n: 20 })) {
    assert.ok(Math.abs(fit.slope! + 2) < 1e-12, `${fit.method}: ${fit.slope}`);
  }
  assert.throws(
    () => matrixDecaySlopes(power, { from: 2, to: 30, n: 20 }),
    /^Error: matrixDecaySlopes: window from=2, to=30 must be integers/,
  );
});

test("findSlope returns the slope of the matching row, lsq unless told, and names what it did not find", () => {
  const power = Float64Array.from({ length: 20 }, (_, i) => (i + 1) ** -2);
  const rows = [
    ...slopeRows(
      { kernel: "k", inputs: "grid", n: 20, theory: -2 },
      matrixDecaySlopes(power, { from: 2, to: 20, n: 20 }),
    ),
    ...slopeRows({ kernel: "k", inputs: "Mercer", n: null, theory: -2 }, [
      decaySlope([1, 0.5, 1e-30], { from: 1, to: 3, n: 3 }),
    ]),
  ];
  assert.equal(findSlope(rows, { kernel: "k", inputs: "grid", n: 20 }), -2);
  assert.equal(findSlope(rows, { kernel: "k", inputs: "grid", n: 20, method: "endpoints" }), -2);
  assert.equal(findSlope(rows, { kernel: "k", inputs: "Mercer", n: null }), null);
  assert.throws(
    () => findSlope(rows, { kernel: "k", inputs: "grid", n: 200 }),
    /^Error: findSlope: rows must hold a row with kernel "k", inputs "grid", n 200 and method "lsq"; none of the 3 rows does/,
  );
});

test("spectrumAboveFloor keeps the ranks before the float64 floor, as the notebook's loop did, divided by lambda_1 or a scale", () => {
  const values = [4, 2, 1, 0.5, 1e-15, 1e-14, -1e-16];
  const byHand: { rank: number; value: number }[] = [];
  const last = (precisionRank(values, 10) ?? values.length + 1) - 1;
  for (let i = 0; i < last; i++) byHand.push({ rank: i + 1, value: values[i] / values[0] });
  const got = spectrumAboveFloor(values, { n: 10 });
  assert.deepEqual(got.points, byHand);
  assert.equal(got.floorRank, 5);
  assert.deepEqual(got.points.at(-1), { rank: 4, value: 0.125 });
  const scaled = spectrumAboveFloor([3, 2, 1], { divideBy: 2 });
  assert.equal(scaled.floorRank, null);
  assert.deepEqual(
    scaled.points.map((p) => p.value),
    [1.5, 1, 0.5],
  );
  assert.throws(
    () => spectrumAboveFloor([1, 0.5], { divideBy: 0 }),
    /^Error: spectrumAboveFloor: divideBy must be a finite number other than 0, got 0/,
  );
  assert.throws(
    () => spectrumAboveFloor([1, 0.5], { n: 1 }),
    /spectrumAboveFloor: n must be an integer >= 2, got 1/,
  );
});

test("referenceLine is the power law through the anchor, factor times above it", () => {
  const line = referenceLine({ x: 30, y: 1e-3 }, -2, [30, 100], { factor: 4 });
  assert.deepEqual(
    line.map((p) => p.x),
    [30, 100],
  );
  assert.equal(line[0].value, 4e-3);
  assert.ok(Math.abs(line[1].value - 4e-3 * (30 / 100) ** 2) < 1e-18);
  const slope = Math.log(line[1].value / line[0].value) / Math.log(100 / 30);
  assert.ok(Math.abs(slope + 2) < 1e-12, `slope ${slope}`);
  assert.deepEqual(referenceLine({ x: 2, y: 3 }, 1, [4]), [{ x: 4, value: 6 }]);
  assert.throws(
    () => referenceLine({ x: 0, y: 1 }, -2, [1]),
    /^Error: referenceLine: anchor.x must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => referenceLine({ x: 1, y: 1 }, -2, [1, -3]),
    /referenceLine: xs\[1\] must be > 0, got -3/,
  );
});

test("resolvedFrequencies lists the positive coefficients whose error estimate is within relativeError of them", () => {
  const spectrum = spectrumOf(biasFreeRelu, 40);
  const byHand: number[] = [];
  for (let j = 1; j <= 40; j++) {
    const a = spectrum.coefficient[j];
    if (a > 0 && spectrum.error[j] <= 0.1 * a) byHand.push(j);
  }
  assert.deepEqual(resolvedFrequencies(spectrum, { relativeError: 0.1, minFrequency: 1 }), byHand);
  // The bias-free ReLU NTK: every even frequency resolved, the odd ones j >= 3 vanish.
  assert.deepEqual(
    byHand.filter((j) => j <= 12),
    [1, 2, 4, 6, 8, 10, 12],
  );
  assert.deepEqual(resolvedFrequencies(spectrum, { maxFrequency: 2 }), [0, 1, 2]);
  assert.throws(
    () => resolvedFrequencies(spectrum, { maxFrequency: 41 }),
    /^Error: resolvedFrequencies: maxFrequency must be an integer in \[0, 40\], got 41/,
  );
});

test("matrixAgainstQuadrature matches the notebook's old loops, and the matrix agrees with a_j at low frequencies", () => {
  const n = 128;
  const kernel = laplace({ sigma: 1 });
  const matrix = circulantFrequencySpectrum(kernel(circlePoints(n)));
  const spectrum = spectrumOf(kernel, 200);
  const got = matrixAgainstQuadrature(matrix, spectrum, { n, maxFrequency: 200, relativeError: 0.1 });
  // The loops of the notebook's cell, run by hand.
  let top = 0;
  for (const v of spectrum.coefficient) top = Math.max(top, v);
  const matrixPoints: [number, number][] = [];
  for (let j = 1; j <= Math.min(200, n / 2); j++) {
    if (matrix.coefficient[j] > matrix.tolerance / n) matrixPoints.push([j, matrix.coefficient[j] / top]);
  }
  const quadraturePoints: [number, number][] = [];
  for (let j = 1; j <= 200; j++) {
    const a = spectrum.coefficient[j];
    if (a > 0 && spectrum.error[j] <= 0.1 * a) quadraturePoints.push([j, a / top]);
  }
  const errors = Array.from(spectrum.error).sort((x, y) => x - y);
  assert.equal(got.top, top);
  assert.deepEqual(
    got.matrix.frequency.map((j, i) => [j, got.matrix.value[i]]),
    matrixPoints,
  );
  assert.deepEqual(
    got.quadrature.frequency.map((j, i) => [j, got.quadrature.value[i]]),
    quadraturePoints,
  );
  assert.equal(got.matrix.reach, matrixPoints.at(-1)![0]);
  assert.equal(got.quadrature.reach, quadraturePoints.at(-1)![0]);
  assert.equal(got.matrixFloor, matrix.tolerance / n / top);
  assert.equal(got.quadratureError, errors[errors.length >> 1] / top);
  // lambda_j / n = a_j + a_(n-j) + ...: within a few percent of a_j for j << n / 2 (Laplace: a_j ~ j^-2).
  for (let j = 1; j <= 8; j++) {
    const ratio = got.matrix.value[j - 1] / got.quadrature.value[j - 1];
    assert.ok(ratio > 1 && ratio < 1.03, `j = ${j}: ${ratio}`);
  }
  assert.throws(
    () => matrixAgainstQuadrature(matrix, spectrum, { n: 100, maxFrequency: 200, relativeError: 0.1 }),
    /^Error: matrixAgainstQuadrature: n must be the size of the matrix whose spectrum is given \(65 frequencies: n = 128 or 129\), got 100/,
  );
});

test("gridAliasing matches the notebook's old loop and finds the Poisson sum equal to the matrix eigenvalues", () => {
  const n = 40;
  const spectrum = spectrumOf(biasFreeRelu, 400);
  const matrix = circulantFrequencySpectrum(biasFreeRelu(circlePoints(n)));
  const got = gridAliasing(matrix, spectrum, { n, exponent: 2, from: 3, to: 12 });
  // The notebook's loop, run by hand.
  const a = spectrum.coefficient;
  const opts = { multiplicity: matrix.multiplicity, tolerance: matrix.tolerance };
  const lsq = (values: ArrayLike<number>) => {
    const fit = rankedDecaySlope(rankByFrequency(values, opts), { from: 3, to: 12 });
    return fit.slope === null ? null : Math.round(fit.slope * 1000) / 1000;
  };
  const byRank = rankByFrequency(matrix.eigenvalue, opts);
  const predicted = aliasedEigenvaluesWithTail(a, n, { exponent: 2 }).eigenvalue;
  const truncated = aliasedEigenvalues(a, n);
  let worst = 0;
  let worstTruncated = 0;
  for (let j = 0; j < matrix.eigenvalue.length; j++) {
    if (matrix.vanishing[j]) continue;
    worst = Math.max(worst, Math.abs(predicted[j] - matrix.eigenvalue[j]) / matrix.eigenvalue[j]);
    worstTruncated = Math.max(
      worstTruncated,
      Math.abs(truncated[j] - matrix.eigenvalue[j]) / matrix.eigenvalue[j],
    );
  }
  assert.equal(got.nyquist, 20);
  assert.equal(got.frequencyAtFrom, byRank.frequency[2]);
  assert.equal(got.frequencyAtTo, byRank.frequency[11]);
  assert.equal(got.matrix, lsq(matrix.eigenvalue));
  assert.equal(got.aliasingPrediction, lsq(predicted));
  assert.equal(got.withoutAliasing, lsq(Array.from(matrix.frequency, (j) => n * a[j])));
  assert.equal(got.maxRelativeDifference, Number(worst.toPrecision(2)));
  assert.equal(got.withoutTail, Number(worstTruncated.toPrecision(2)));
  // The Poisson sum with its tail is the matrix to a few digits; the odd frequencies j >= 3 vanish.
  assert.ok(got.maxRelativeDifference < 1e-3, `max relative difference ${got.maxRelativeDifference}`);
  assert.ok(got.withoutTail > got.maxRelativeDifference);
  assert.deepEqual(
    got.ratios.map((r) => r.frequency),
    [1, ...Array.from({ length: 10 }, (_, i) => 2 * i + 2)],
  );
  assert.equal(got.noise.length, 9);
  for (const r of got.ratios) {
    assert.ok(Math.abs(r.aliasing - r.matrix) <= 1e-3 * r.matrix, `j = ${r.frequency}`);
    assert.ok(r.matrix > 1 - 1e-12, `aliasing only adds: j = ${r.frequency}, ratio ${r.matrix}`);
  }
  assert.equal(
    got.windowMaxRatio,
    Math.max(...got.ratios.filter((r) => r.frequency <= got.frequencyAtTo).map((r) => r.matrix)),
  );
  // Without aliasing the slope is steeper than on the grid: aliasing flattens the decay.
  assert.ok(got.withoutAliasing! < got.matrix!, `${got.withoutAliasing} vs ${got.matrix}`);
});

test("gridAliasing with a first-layer bias: every frequency present, the ratio largest at the Nyquist frequency", () => {
  const n = 40;
  const got = gridAliasing(
    circulantFrequencySpectrum(reluWithBias(circlePoints(n))),
    spectrumOf(reluWithBias, 400),
    {
      n,
      exponent: 2,
      from: 3,
      to: 12,
    },
  );
  assert.equal(got.noise.length, 0);
  assert.equal(got.ratios.length, n / 2);
  const nyquist = got.ratios.find((r) => r.frequency === n / 2)!.matrix;
  assert.equal(nyquist, Math.max(...got.ratios.map((r) => r.matrix)));
  // For a_j ~ C j^-2 the Nyquist ratio tends to pi^2 / 4; the kernel's lower-order terms move it a little.
  assert.ok(Math.abs(nyquist - Math.PI ** 2 / 4) < 0.2, `Nyquist ratio ${nyquist}`);
  assert.throws(
    () =>
      gridAliasing(circulantFrequencySpectrum(reluWithBias(circlePoints(n))), spectrumOf(reluWithBias, 10), {
        n,
        exponent: 2,
        from: 3,
        to: 12,
      }),
    /^Error: gridAliasing: spectrum must reach the Nyquist frequency floor\(n \/ 2\) = 20, got frequencies up to 10/,
  );
});

test("decadeTicks gives the powers of ten between lo and hi, every step-th from the lowest", () => {
  // 10 ** e, as the notebook computed its ticks: 10 ** -5 is 1e-5 to within an ulp, not the literal.
  const near = (got: number[], want: number[]) => {
    assert.equal(got.length, want.length, `${got} vs ${want}`);
    got.forEach((t, i) => assert.ok(Math.abs(t - want[i]) <= 2e-16 * want[i], `${t} vs ${want[i]}`));
  };
  near(decadeTicks(1e-7, 10), [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  near(decadeTicks(1e-12, 1, 2), [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
  near(decadeTicks(1e-15, 1, 5), [1e-15, 1e-10, 1e-5, 1]);
  assert.deepEqual(decadeTicks(2, 9), []);
  assert.deepEqual(decadeTicks(0.5, 3000), [1, 10, 100, 1000]);
  assert.throws(() => decadeTicks(0, 1), /^Error: decadeTicks: lo must be a finite number > 0, got 0/);
  assert.throws(() => decadeTicks(1, 0.1), /decadeTicks: hi must be >= lo, got lo = 1, hi = 0.1/);
  assert.throws(() => decadeTicks(1, 10, 0.5), /decadeTicks: step must be an integer >= 1, got 0.5/);
});

test("circlePoints with repeatEndpoint places linspace(0, 2 pi, n): the last point is the first again", () => {
  const n = 9;
  const X = circlePoints(n, { repeatEndpoint: true });
  // The notebook's old linspacePoints, by hand.
  const byHand = Array.from({ length: n }, (_, i) => [
    Math.cos((2 * Math.PI * i) / (n - 1)),
    Math.sin((2 * Math.PI * i) / (n - 1)),
  ]);
  assert.deepEqual(X.to2DArray(), byHand);
  assert.equal(circleAngles(n, { repeatEndpoint: true })[n - 1], 2 * Math.PI);
  assert.ok(Math.abs(X.get(n - 1, 0) - X.get(0, 0)) < 1e-15 && Math.abs(X.get(n - 1, 1)) < 1e-15);
  assert.throws(
    () => circlePoints(1, { repeatEndpoint: true }),
    /^Error: circlePoints: n must be >= 2 with repeatEndpoint/,
  );
  assert.throws(
    () => circlePoints(5, { repeatEndpoint: true, random: true, seed: 1 }),
    /circlePoints: repeatEndpoint must be false with random: true \(it places the points equally spaced\), got true/,
  );
  assert.throws(
    () => circleAngles(5, { repeatEndpoint: "yes" as unknown as boolean }),
    /circleAngles: repeatEndpoint must be true or false, got "yes"/,
  );
});

test("mercerWindowSlopes is rankedDecaySlope's least-squares slope of each window rounded, null where unresolved", () => {
  const ranked = mercerRanks(spectrumOf(biasFreeRelu, 200), { relativeError: 0.1 });
  const windows = [
    [10, 40],
    [40, 150],
    [150, 400],
  ];
  const byHand = windows.map(([from, to]) => {
    const fit = rankedDecaySlope(ranked, { from, to });
    return fit.slope === null ? null : Math.round(fit.slope * 1000) / 1000;
  });
  assert.deepEqual(mercerWindowSlopes(ranked, windows), byHand);
  assert.equal(byHand[2], null, "frequencies beyond 200 are not computed: the last window is unresolved");
  assert.ok(Math.abs(byHand[1]! + 2) < 0.1, `slope ${byHand[1]}`);
  assert.deepEqual(mercerWindowSlopes(ranked, [[10, 40]], { digits: 1 }), [Math.round(byHand[0]! * 10) / 10]);
  assert.throws(
    () => mercerWindowSlopes(ranked, [[10, 40], [5]]),
    /^Error: mercerWindowSlopes: windows\[1\] must be a pair \[from, to\], got an array of length 1/,
  );
  assert.throws(
    () => mercerWindowSlopes(ranked, [[40, 10]]),
    /mercerWindowSlopes: windows\[0\]: to must be an integer > from \(40\), got 10/,
  );
});

test("localExponents of the Poisson kernel, a_j = r^j, are (to - from) log r / log(to / from)", () => {
  const r = 0.5;
  const spectrum = frequencySpectrum((u) => (1 - r * r) / (1 - 2 * r * u + r * r), { maxFrequency: 20 });
  const pairs = [
    [1, 2],
    [2, 4],
    [3, 9],
  ];
  const exact = pairs.map(
    ([from, to]) => Math.round((((to - from) * Math.log(r)) / Math.log(to / from)) * 100) / 100,
  );
  assert.deepEqual(localExponents(spectrum, pairs), exact);
  assert.deepEqual(exact.slice(0, 2), [-1, -2]);
  assert.deepEqual(localExponents(spectrum, [[2, 4]], { digits: 4 }), [-2]);
  // a_j = 2^-j falls below the quadrature's error near j = 50: unresolved there, null.
  const wide = frequencySpectrum((u) => (1 - r * r) / (1 - 2 * r * u + r * r), { maxFrequency: 80 });
  assert.deepEqual(localExponents(wide, [[2, 80]]), [null]);
  assert.throws(
    () => localExponents(spectrum, [[2, 40]]),
    /^Error: localExponents: pairs\[0\]: to must be an integer in \[3, 20\], got 40/,
  );
});
