/**
 * A direct computation of the CNTK of a ReLU network (Arora et al. 2019, appendix: the recursion over the
 * P x P covariance matrices Sigma(x, x), Sigma(x, y), Sigma(y, y) of every pair of positions), written
 * independently of src/kernels/cntk.ts for tiny images: full 4-index tensors, the patch of every output
 * position found from its coordinates, the ReLU expectations from acos (Cho & Saul 2009), every readout
 * taken from the full tensors. Slow (P^2 pairs times the patch, per layer) and plain.
 */

export interface DirectLayer {
  size: number;
  stride: number;
  padding: "same" | "valid";
  weightStd: number;
  biasStd: number;
}

interface Image {
  rows: number;
  cols: number;
  channels: number;
  /** (row, col, channel) */
  pixels: ArrayLike<number>;
}

/** E[relu(u) relu(v)] and E[relu'(u) relu'(v)] for the covariance [[a, c], [c, b]]. */
function reluPair(a: number, b: number, c: number): [number, number] {
  if (a === 0 || b === 0) return [0, 0.25];
  const rho = Math.max(-1, Math.min(1, c / Math.sqrt(a * b)));
  const theta = Math.acos(rho);
  const value = (Math.sqrt(a * b) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta))) / (2 * Math.PI);
  return [value, (Math.PI - theta) / (2 * Math.PI)];
}

/** The input coordinate of output o and tap t along an axis of n positions, or -1 in the padding. */
function tapCoordinate(layer: DirectLayer, n: number, o: number, t: number): number {
  const out =
    layer.padding === "same" ? Math.ceil(n / layer.stride) : Math.floor((n - layer.size) / layer.stride) + 1;
  const before =
    layer.padding === "same" ? Math.floor(Math.max(0, (out - 1) * layer.stride + layer.size - n) / 2) : 0;
  const i = o * layer.stride + t - before;
  return i >= 0 && i < n ? i : -1;
}

type Tensor = number[][]; // [p][p'] over positions p = row * cols + col

/** K(x, y) of serial(conv(layers[0]), relu, ..., readout, dense({ weightStd: outputStd })). */
export function directCntk(
  layers: DirectLayer[],
  readout: "flatten" | "globalAveragePool",
  outputStd: number,
  x: Image,
  y: Image,
  get: "ntk" | "nngp",
): number {
  let rows = x.rows;
  let cols = x.cols;
  const P0 = rows * cols;
  const dot = (u: Image, v: Image, p: number, q: number): number => {
    let s = 0;
    for (let k = 0; k < u.channels; k++) s += u.pixels[p * u.channels + k] * v.pixels[q * v.channels + k];
    return s;
  };
  const full = (u: Image, v: Image): Tensor =>
    Array.from({ length: P0 }, (_, p) => Array.from({ length: P0 }, (_, q) => dot(u, v, p, q)));
  // K (after the activation; the input at the start) and KT = K + Kdot Theta for the three image pairs.
  type Three = { xx: Tensor; xy: Tensor; yy: Tensor };
  let K: Three = { xx: full(x, x), xy: full(x, y), yy: full(y, y) };
  let KT: Three | null = null;
  for (const layer of layers) {
    const outRows =
      layer.padding === "same"
        ? Math.ceil(rows / layer.stride)
        : Math.floor((rows - layer.size) / layer.stride) + 1;
    const outCols =
      layer.padding === "same"
        ? Math.ceil(cols / layer.stride)
        : Math.floor((cols - layer.size) / layer.stride) + 1;
    const P = outRows * outCols;
    const q = layer.size * layer.size;
    const conv = (T: Tensor): Tensor =>
      Array.from({ length: P }, (_, p) =>
        Array.from({ length: P }, (_, p2) => {
          const [i, j] = [Math.floor(p / outCols), p % outCols];
          const [i2, j2] = [Math.floor(p2 / outCols), p2 % outCols];
          let s = 0;
          for (let a = 0; a < layer.size; a++) {
            for (let b = 0; b < layer.size; b++) {
              const r = tapCoordinate(layer, rows, i, a);
              const c = tapCoordinate(layer, cols, j, b);
              const r2 = tapCoordinate(layer, rows, i2, a);
              const c2 = tapCoordinate(layer, cols, j2, b);
              if (r < 0 || c < 0 || r2 < 0 || c2 < 0) continue;
              s += T[r * cols + c][r2 * cols + c2];
            }
          }
          return (layer.weightStd ** 2 / q) * s + layer.biasStd ** 2;
        }),
      );
    const sigma = { xx: conv(K.xx), xy: conv(K.xy), yy: conv(K.yy) };
    const theta: Three = KT ? { xx: conv(KT.xx), xy: conv(KT.xy), yy: conv(KT.yy) } : sigma;
    const next = (key: keyof Three, left: Tensor, right: Tensor): number[][][] =>
      sigma[key].map((row, p) =>
        row.map((c, p2) => {
          const [k, kd] = reluPair(left[p][p], right[p2][p2], c);
          return [2 * k, 2 * k + 2 * kd * theta[key][p][p2]];
        }),
      );
    const xx = next("xx", sigma.xx, sigma.xx);
    const xy = next("xy", sigma.xx, sigma.yy);
    const yy = next("yy", sigma.yy, sigma.yy);
    const part = (t: number[][][], w: 0 | 1) => t.map((row) => row.map((pair) => pair[w]));
    K = { xx: part(xx, 0), xy: part(xy, 0), yy: part(yy, 0) };
    KT = { xx: part(xx, 1), xy: part(xy, 1), yy: part(yy, 1) };
    rows = outRows;
    cols = outCols;
  }
  const T = get === "ntk" ? KT!.xy : K.xy;
  const P = rows * cols;
  let s = 0;
  for (let p = 0; p < P; p++) {
    if (readout === "flatten") s += T[p][p];
    else for (let p2 = 0; p2 < P; p2++) s += T[p][p2];
  }
  return (outputStd ** 2 * s) / (readout === "flatten" ? P : P * P);
}
