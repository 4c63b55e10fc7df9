/**
 * A finite convolutional network of a serial(conv(), act, ..., readout, dense(), ...) architecture
 * (layers.ts) in the NTK parameterization, whose infinite-width kernels are kernels/cntk.ts's: every
 * weight and bias N(0, 1), and, with q = size^2 taps and C_l channels,
 *   h_1(p) = ws_1 / sqrt(q) sum_{alpha, t} W_1 x_alpha(s p + t - pad) + bs_1 b_1     (input channels summed)
 *   g_l = sqrt(c_l / C_l) s_l(h_l),   h_{l+1}(p) = ws / sqrt(q) sum_{alpha, t} W g_alpha(s p + t - pad) + bs b,
 * zero outside the image ("same" padding puts floor(total / 2) of it before, layers.ts convTaps); the readout z = g_L / sqrt(P) (flatten, all P positions) or z = mean_p g_L(p)
 * (globalAveragePool); then the head as an mlp (network.ts): u = ws W z + bs b, g = sqrt(c / d) s(u), ...,
 * f = ws W g. With one conv layer and no head this is Problem Set 4, problem 8's f (flatten) and g (global
 * average pooling), up to the constant factor P in f's kernel (the problem's readout sums over positions).
 *
 * forward and gradient work on one image at a time, each conv layer as a matrix product of its weights
 * with the input's patches (im2col), so that the empirical NTK of a few small images at widths of hundreds
 * of channels takes seconds.
 */
import { Matrix } from "ml-matrix";
import { checkConvArchitecture, convGrids, convTaps, type ConvArchitecture } from "../layers";
import { checkMemory } from "../memory";
import { gemm, mat } from "../linalg/gemm";
import { rngFrom, type Rng } from "../random";
import { readImages, type ConvImages } from "../kernels/cntk";
import { checkInteger, checkOptionKeys, describeValue } from "../validate";

export interface ConvNetworkOptions {
  /** The images' size: height, width and channels. */
  height: number;
  width: number;
  channels: number;
  /** Channels of every conv layer and units of every hidden head layer (one number, or one per layer: L + H). */
  channelsPerLayer: number | readonly number[];
  seed?: number;
  rng?: Rng;
}

/** One conv layer's numbers: its input grid and channels, output grid and channels, taps. */
interface ConvShape {
  inRows: number;
  inCols: number;
  inChannels: number;
  rows: number;
  cols: number;
  channels: number;
  size: number;
  rowTaps: Int32Array;
  colTaps: Int32Array;
  /** Offsets of W (channels x inChannels x size x size) and b (channels) in params. */
  w: number;
  b: number;
}

/** One dense layer of the head: fanIn -> fanOut, with offsets of W (fanOut x fanIn) and b in params. */
interface DenseShape {
  fanIn: number;
  fanOut: number;
  w: number;
  b: number;
}

/** What forward keeps for gradient: each layer's pre-activations and features (channel-major, c * P + p). */
interface Trace {
  /** Per conv layer its input's patches, P x (inChannels size^2), zero in the padding. */
  patches: Float64Array[];
  pre: Float64Array[];
  features: Float64Array[];
  readout: Float64Array;
  headPre: Float64Array[];
  headFeatures: Float64Array[];
}

/**
 * Every tap of a conv layer inside the image: f(o, column, at) for output position o, column
 * (alpha size + a) size + b of its patch and the input's index alpha P_in + r cols + c.
 */
function forEachTap(s: ConvShape, f: (o: number, column: number, at: number) => void): void {
  const k = s.size;
  const Pin = s.inRows * s.inCols;
  for (let io = 0; io < s.rows; io++) {
    for (let jo = 0; jo < s.cols; jo++) {
      const o = io * s.cols + jo;
      for (let alpha = 0; alpha < s.inChannels; alpha++) {
        for (let a = 0; a < k; a++) {
          const r = s.rowTaps[io * k + a];
          if (r < 0) continue;
          for (let b = 0; b < k; b++) {
            const c = s.colTaps[jo * k + b];
            if (c >= 0) f(o, (alpha * k + a) * k + b, alpha * Pin + r * s.inCols + c);
          }
        }
      }
    }
  }
}

/** The patches of a layer's input g (channel-major): P x (inChannels size^2), zero in the padding. */
function patchesOf(s: ConvShape, g: Float64Array): Float64Array {
  const width = s.inChannels * s.size * s.size;
  const patches = new Float64Array(s.rows * s.cols * width);
  forEachTap(s, (o, column, at) => (patches[o * width + column] = g[at]));
  return patches;
}

export class ConvNetwork {
  readonly architecture: ConvArchitecture;
  readonly params: Float64Array;
  /** The images' size the network reads. */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  private readonly convShapes: ConvShape[];
  private readonly denseShapes: DenseShape[];

  constructor(arch: ConvArchitecture, options: ConvNetworkOptions, who = "ConvNetwork") {
    checkConvArchitecture(who, arch);
    if (options === null || typeof options !== "object") {
      throw new Error(
        `${who}: options must be an object { height, width, channels, channelsPerLayer, seed }, got ${describeValue(options)}`,
      );
    }
    const { height, width, channels } = options;
    checkInteger(who, "height", height, 1);
    checkInteger(who, "width", width, 1);
    checkInteger(who, "channels", channels, 1);
    const L = arch.convs.length;
    const H = arch.headActivations.length;
    checkOptionKeys(who, options, ["height", "width", "channels", "channelsPerLayer", "seed", "rng"]);
    const given = options.channelsPerLayer;
    const sizes = typeof given === "number" ? new Array<number>(L + H).fill(given) : given;
    if (!Array.isArray(sizes) || sizes.length !== L + H) {
      throw new Error(
        `${who}: channelsPerLayer must be a number or ${L + H} numbers (${L} conv layers, ${H} hidden head layers), got ${describeValue(given)}`,
      );
    }
    sizes.forEach((s, l) =>
      checkInteger(who, typeof given === "number" ? "channelsPerLayer" : `channelsPerLayer[${l}]`, s, 1),
    );
    const grids = convGrids(who, arch, height, width);
    let offset = 0;
    let inRows = height;
    let inCols = width;
    let inChannels = channels;
    this.convShapes = arch.convs.map((layer, l) => {
      const [rows, cols] = grids[l];
      const shape: ConvShape = {
        inRows,
        inCols,
        inChannels,
        rows,
        cols,
        channels: sizes[l],
        size: layer.size,
        rowTaps: convTaps(layer, inRows),
        colTaps: convTaps(layer, inCols),
        w: offset,
        b: offset + sizes[l] * inChannels * layer.size ** 2,
      };
      offset = shape.b + sizes[l];
      [inRows, inCols, inChannels] = [rows, cols, sizes[l]];
      return shape;
    });
    let fanIn = arch.readout === "flatten" ? inChannels * inRows * inCols : inChannels;
    this.denseShapes = [];
    for (let m = 0; m <= H; m++) {
      const fanOut = m < H ? sizes[L + m] : 1;
      this.denseShapes.push({ fanIn, fanOut, w: offset, b: offset + fanIn * fanOut });
      offset += fanIn * fanOut + (m < H ? fanOut : 0);
      fanIn = fanOut;
    }
    checkMemory(who, 8 * offset, "lower channelsPerLayer");
    const rng = rngFrom(options, who);
    this.architecture = arch;
    [this.height, this.width, this.channels] = [height, width, channels];
    this.params = new Float64Array(offset);
    for (let k = 0; k < offset; k++) this.params[k] = rng.normal();
  }

  /** The number of trainable parameters. */
  get size(): number {
    return this.params.length;
  }

  private forwardTrace(image: Float64Array): Trace {
    const arch = this.architecture;
    const w = this.params;
    // The input channel-major: x[alpha * P + p].
    const s0 = this.convShapes[0];
    const P0 = s0.inRows * s0.inCols;
    const input = new Float64Array(P0 * s0.inChannels);
    for (let p = 0; p < P0; p++)
      for (let a = 0; a < s0.inChannels; a++) input[a * P0 + p] = image[p * s0.inChannels + a];
    const pre: Float64Array[] = [];
    const features: Float64Array[] = [];
    const allPatches: Float64Array[] = [];
    let g = input;
    this.convShapes.forEach((s, l) => {
      const layer = arch.convs[l];
      const act = arch.activations[l];
      const P = s.rows * s.cols;
      const k = s.size;
      const ws = layer.weightStd / k;
      const patches = patchesOf(s, g);
      const h = new Float64Array(s.channels * P);
      gemm(
        mat(s.channels, s.inChannels * k * k, w.subarray(s.w, s.b)),
        mat(P, s.inChannels * k * k, patches),
        mat(s.channels, P, h),
        {
          transB: true,
          alpha: ws,
        },
      );
      for (let beta = 0; beta < s.channels; beta++) {
        const bias = layer.biasStd * w[s.b + beta];
        for (let o = 0; o < P; o++) h[beta * P + o] += bias;
      }
      allPatches.push(patches);
      const scale = Math.sqrt(act.scale / s.channels);
      pre.push(h);
      g = h.map((v) => scale * act.fn(v));
      features.push(g);
    });
    const last = this.convShapes[this.convShapes.length - 1];
    const P = last.rows * last.cols;
    let z: Float64Array;
    if (arch.readout === "flatten") {
      z = g.map((v) => v / Math.sqrt(P));
    } else {
      z = new Float64Array(last.channels);
      for (let c = 0; c < last.channels; c++) {
        let sum = 0;
        for (let p = 0; p < P; p++) sum += g[c * P + p];
        z[c] = sum / P;
      }
    }
    const headPre: Float64Array[] = [];
    const headFeatures: Float64Array[] = [];
    let u = z;
    this.denseShapes.forEach((d, m) => {
      const out = new Float64Array(d.fanOut);
      const ws = arch.headWeightStd[m];
      const bs = arch.headBiasStd[m];
      for (let o = 0; o < d.fanOut; o++) {
        let sum = 0;
        for (let i = 0; i < d.fanIn; i++) sum += w[d.w + o * d.fanIn + i] * u[i];
        out[o] = ws * sum + (m < this.denseShapes.length - 1 ? bs * w[d.b + o] : 0);
      }
      headPre.push(out);
      if (m < arch.headActivations.length) {
        const act = arch.headActivations[m];
        const scale = Math.sqrt(act.scale / d.fanOut);
        u = out.map((v) => scale * act.fn(v));
        headFeatures.push(u);
      }
    });
    return { patches: allPatches, pre, features, readout: z, headPre, headFeatures };
  }

  /** image as the passes read it: a Float64Array of height * width * channels finite values. */
  private checkImage(who: string, image: unknown): Float64Array {
    const values = this.height * this.width * this.channels;
    if (!(image instanceof Float64Array) || image.length !== values) {
      throw new Error(
        `${who}: image must be a Float64Array of height * width * channels = ${values} values (pixel-major), got ${describeValue(image)}`,
      );
    }
    const bad = image.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${who}: image[${bad}] must be finite, got ${image[bad]}`);
    return image;
  }

  /** The network's output for one image (height * width * channels values, pixel-major). */
  forward(image: Float64Array): number {
    const trace = this.forwardTrace(this.checkImage("ConvNetwork.forward", image));
    return trace.headPre[trace.headPre.length - 1][0];
  }

  /** d f(image) / d params, in the layout of params. */
  gradient(image: Float64Array): Float64Array {
    const arch = this.architecture;
    const w = this.params;
    const t = this.forwardTrace(this.checkImage("ConvNetwork.gradient", image));
    const grad = new Float64Array(w.length);
    const H = arch.headActivations.length;
    // The head, from the output down: delta = d f / d u_m.
    let delta = Float64Array.of(1);
    for (let m = H; m >= 0; m--) {
      const d = this.denseShapes[m];
      const ws = arch.headWeightStd[m];
      const input = m > 0 ? t.headFeatures[m - 1] : t.readout;
      for (let o = 0; o < d.fanOut; o++) {
        for (let i = 0; i < d.fanIn; i++) grad[d.w + o * d.fanIn + i] = ws * delta[o] * input[i];
        if (m < H) grad[d.b + o] = arch.headBiasStd[m] * delta[o];
      }
      const back = new Float64Array(d.fanIn);
      for (let i = 0; i < d.fanIn; i++) {
        let sum = 0;
        for (let o = 0; o < d.fanOut; o++) sum += w[d.w + o * d.fanIn + i] * delta[o];
        back[i] = ws * sum;
      }
      if (m > 0) {
        const act = arch.headActivations[m - 1];
        const scale = Math.sqrt(act.scale / d.fanIn);
        const u = t.headPre[m - 1];
        delta = back.map((v, i) => v * scale * act.derivative(u[i]));
      } else {
        delta = back;
      }
    }
    // The readout: d f / d g_L.
    const L = this.convShapes.length;
    const last = this.convShapes[L - 1];
    const P = last.rows * last.cols;
    let dg = new Float64Array(last.channels * P);
    for (let c = 0; c < last.channels; c++) {
      for (let p = 0; p < P; p++) {
        dg[c * P + p] = arch.readout === "flatten" ? delta[c * P + p] / Math.sqrt(P) : delta[c] / P;
      }
    }
    for (let l = L - 1; l >= 0; l--) {
      const s = this.convShapes[l];
      const layer = arch.convs[l];
      const act = arch.activations[l];
      const k = s.size;
      const Pl = s.rows * s.cols;
      const Pin = s.inRows * s.inCols;
      const scale = Math.sqrt(act.scale / s.channels);
      const h = t.pre[l];
      const dh = dg.map((v, e) => v * scale * act.derivative(h[e]));
      const ws = layer.weightStd / k;
      const width = s.inChannels * k * k;
      for (let beta = 0; beta < s.channels; beta++) {
        let bias = 0;
        for (let o = 0; o < Pl; o++) bias += dh[beta * Pl + o];
        grad[s.b + beta] = layer.biasStd * bias;
      }
      gemm(
        mat(s.channels, Pl, dh),
        mat(Pl, width, t.patches[l]),
        mat(s.channels, width, grad.subarray(s.w, s.b)),
        { alpha: ws },
      );
      const dPatches = new Float64Array(Pl * width);
      gemm(mat(s.channels, Pl, dh), mat(s.channels, width, w.subarray(s.w, s.b)), mat(Pl, width, dPatches), {
        transA: true,
        alpha: ws,
      });
      const dIn = new Float64Array(s.inChannels * Pin);
      forEachTap(s, (o, column, at) => (dIn[at] += dPatches[o * width + column]));
      dg = dIn;
    }
    return grad;
  }
}

/** A ConvNetwork with NTK-parameterized weights drawn from options.seed (or options.rng). */
export function convNetwork(arch: ConvArchitecture, options: ConvNetworkOptions): ConvNetwork {
  return new ConvNetwork(arch, options, "convNetwork");
}

/**
 * The empirical NTK of the finite network, <d f(x_i) / d params, d f(y_j) / d params>, between the images
 * of X and Y (omitted: X), n x m: the limit of cntk(net.architecture, X, Y) as every width grows.
 */
export function empiricalCntk(net: ConvNetwork, X: ConvImages, Y?: ConvImages): Matrix {
  const who = "empiricalCntk";
  if (!(net instanceof ConvNetwork)) {
    throw new Error(
      `${who}: net must be a ConvNetwork from convNetwork(arch, options), got ${describeValue(net)}`,
    );
  }
  const images = (input: ConvImages, name: string) => {
    const set = readImages(who, name, input);
    if (set.height !== net.height || set.width !== net.width || set.channels !== net.channels) {
      throw new Error(
        `${who}: ${name} must be images of the network's size ${net.height} x ${net.width} x ${net.channels}, got ${set.height} x ${set.width} x ${set.channels}`,
      );
    }
    const size = set.height * set.width * set.channels;
    return Array.from({ length: set.n }, (_, i) => set.pixels.subarray(i * size, (i + 1) * size));
  };
  const symmetric = Y === undefined || Y === X;
  const xs = images(X, "X");
  const ys = symmetric ? xs : images(Y as ConvImages, "Y");
  checkMemory(
    who,
    8 * net.size * (xs.length + (symmetric ? 0 : ys.length)),
    "lower the widths or the number of images",
  );
  const gx = xs.map((image) => net.gradient(image));
  const gy = symmetric ? gx : ys.map((image) => net.gradient(image));
  const K = new Matrix(gx.length, gy.length);
  for (let i = 0; i < gx.length; i++) {
    for (let j = symmetric ? i : 0; j < gy.length; j++) {
      let s = 0;
      const [u, v] = [gx[i], gy[j]];
      for (let k = 0; k < u.length; k++) s += u[k] * v[k];
      K.set(i, j, s);
      if (symmetric) K.set(j, i, s);
    }
  }
  return K;
}
