/**
 * Input points for the experiments, one point per row of an ml-matrix Matrix.
 */
import { Matrix } from "ml-matrix";
import { rngFrom, type Rng } from "./random";
import { checkBoolean, checkFinite, checkInteger, optionsObject } from "./validate";

type CircleOptions = { random?: boolean; seed?: number; rng?: Rng; repeatEndpoint?: boolean };

/**
 * n points on the unit circle, x_i = (cos t_i, sin t_i).
 * Equally spaced by default: t_i = 2 pi i / n for i = 0..n-1, with no repeated endpoint (a duplicated
 * point t = 2 pi would make the kernel matrix singular and break its circulant structure; linspace(0, 2 pi, n), a common
 * choice, repeats it: the NTK-study write-up does not say how its points were placed). With random: true the angles are uniform on
 * [0, 2 pi) from the seed or generator. With repeatEndpoint: true they are linspace(0, 2 pi, n),
 * t_i = 2 pi i / (n - 1) for i = 0..n-1, the last point the first again (n >= 2; not with random).
 */
export function circlePoints(n: number, options: CircleOptions = {}): Matrix {
  const angles = anglesFor("circlePoints", n, options);
  const X = new Matrix(n, 2);
  for (let i = 0; i < n; i++) {
    X.set(i, 0, Math.cos(angles[i]));
    X.set(i, 1, Math.sin(angles[i]));
  }
  return X;
}

/** The angles t_i of circlePoints with the same arguments. */
export function circleAngles(n: number, options: CircleOptions = {}): Float64Array {
  return anglesFor("circleAngles", n, options);
}

function anglesFor(who: string, n: number, given: CircleOptions | undefined): Float64Array {
  checkInteger(who, "n", n, 1);
  const options = optionsObject(who, given);
  const t = new Float64Array(n);
  const { repeatEndpoint = false } = options;
  checkBoolean(who, "repeatEndpoint", repeatEndpoint);
  if (repeatEndpoint) {
    if (options.random) {
      throw new Error(
        `${who}: repeatEndpoint must be false with random: true (it places the points equally spaced), got true`,
      );
    }
    if (n < 2) {
      throw new Error(
        `${who}: n must be >= 2 with repeatEndpoint (a first and a repeated last point), got ${n}`,
      );
    }
    for (let i = 0; i < n; i++) t[i] = (2 * Math.PI * i) / (n - 1);
  } else if (options.random) {
    const rng = rngFrom(options, who);
    for (let i = 0; i < n; i++) t[i] = 2 * Math.PI * rng.uniform();
  } else {
    for (let i = 0; i < n; i++) t[i] = (2 * Math.PI * i) / n;
  }
  return t;
}

/** n equally spaced points on the segment [from, to], both ends included, as an n x 1 Matrix. */
export function segmentPoints(n: number, options: { from?: number; to?: number } = {}): Matrix {
  checkInteger("segmentPoints", "n", n, 1);
  const { from = -1, to = 1 } = optionsObject("segmentPoints", options);
  checkFinite("segmentPoints", "from", from);
  checkFinite("segmentPoints", "to", to);
  if (!(to > from))
    throw new Error(`segmentPoints: to must be greater than from, got from=${from}, to=${to}`);
  if (n === 1) return new Matrix([[(from + to) / 2]]);
  const X = new Matrix(n, 1);
  for (let i = 0; i < n; i++) X.set(i, 0, from + ((to - from) * i) / (n - 1));
  return X;
}

/** n points drawn uniformly on the unit sphere S^{d-1} in R^d (normalized Gaussian vectors). */
export function spherePoints(n: number, d: number, options: { seed?: number; rng?: Rng }): Matrix {
  checkInteger("spherePoints", "n", n, 1);
  checkInteger("spherePoints", "d", d, 2);
  const rng = rngFrom(options, "spherePoints");
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    let norm2 = 0;
    const row = new Float64Array(d);
    // A zero vector has probability zero but is redrawn rather than divided by.
    while (norm2 === 0) {
      norm2 = 0;
      for (let j = 0; j < d; j++) {
        row[j] = rng.normal();
        norm2 += row[j] * row[j];
      }
    }
    const inv = 1 / Math.sqrt(norm2);
    for (let j = 0; j < d; j++) X.set(i, j, row[j] * inv);
  }
  return X;
}

/**
 * n points drawn uniformly (independently, with replacement) from the boolean cube {-1, 1}^d, scaled to the
 * unit sphere: each coordinate is +-1 / sqrt(d). Yang & Salman 2019's cube points have |x|^2 = d; these are
 * those divided by sqrt(d), the inputs booleanCubeSpectrum's eigenvalues belong to.
 */
export function cubePoints(n: number, d: number, options: { seed?: number; rng?: Rng }): Matrix {
  checkInteger("cubePoints", "n", n, 1);
  checkInteger("cubePoints", "d", d, 1);
  const rng = rngFrom(options, "cubePoints");
  const scale = 1 / Math.sqrt(d);
  const X = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X.set(i, j, rng.uniform() < 0.5 ? -scale : scale);
  }
  return X;
}
