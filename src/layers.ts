/**
 * Architectures as compositions of layers, in the manner of Neural Tangents' stax:
 *   serial(dense({ weightStd, biasStd }), relu, dense(...), sin, dense({ weightStd }))
 * alternates dense layers and activations (activations.ts), starting and ending with a dense layer;
 * mlp([relu, sin], options) is the short form of that same architecture. The network it describes (NTK
 * parameterization, Jacot et al. 2018; Arora et al. 2019, as in the 18.408 project report):
 *   h_1 = sigma_w,1 W_1 x + sigma_b,1 b_1,   g_l = sqrt(c_l / d_l) s_l(h_l),   c_l = 1 / E[s_l(z)^2],
 *   h_{l+1} = sigma_w,l+1 W_{l+1} g_l + sigma_b,l+1 b_{l+1},   f = sigma_w,L+1 W_{L+1} g_L  (no output bias),
 * all entries of W and b trainable and drawn N(0, 1), so the effective weights are N(0, weightStd^2)
 * and the biases N(0, biasStd^2). biasStd [1, 0, ..., 0] is x -> (x, 1): Sigma_0 = x.x' + 1.
 *
 * How the kernels run it (kernels/ntk.ts): each layer is a pass over the contiguous arrays of a tile of
 * input pairs, the state (a, b, c, g, h, Theta): the variances of x and of y, their covariance, the
 * precision-carrying gaps g = sqrt(ab) - c and h = sqrt(ab) + c, and the NTK; besides it, a per-point pass
 * carries each point's own variance. An activation maps (a, b, c, g, h) to its dual's expectations; the
 * dense layer after it scales them by weightStd^2 c_s, adds biasStd^2 to c (and to the gaps by a
 * cancellation-free formula) and updates Theta = c + weightStd^2 c_s E[s' s'] Theta.
 *
 * Convolutional networks (kernels/cntk.ts, training/conv-network.ts) are serial(...) too:
 *   serial(conv(), relu, conv(), relu, flatten(), dense())            (CNTK-V, Arora et al. 2019)
 *   serial(conv({ stride: 2 }), relu, conv(), relu, globalAveragePool(), dense(), relu, dense())
 * conv layers alternating with activations, one readout (flatten or globalAveragePool), then dense layers
 * and activations as in an mlp, the last dense layer the output.
 */
import type { Activation } from "./activations";
import { checkInRange, checkOptionKeys, describeValue, optionsObject } from "./validate";

/** A fully connected layer: the affine map W x + b with weights N(0, weightStd^2) and biases N(0, biasStd^2). */
export interface DenseLayer {
  readonly kind: "dense";
  readonly weightStd: number;
  readonly biasStd: number;
}

/** A layer of an architecture: a dense layer or an activation. */
export type Layer = DenseLayer | Activation;

export interface DenseOptions {
  /** Weight scale >= 0 (default 1). */
  weightStd?: number;
  /** Bias scale >= 0 (default 0: no bias). */
  biasStd?: number;
}

/** A dense layer (see DenseLayer); defaults weightStd 1, biasStd 0. */
export function dense(options: DenseOptions = {}): DenseLayer {
  const opts = optionsObject("dense", options);
  checkOptionKeys("dense", opts, ["weightStd", "biasStd"]);
  const weightStd = opts.weightStd ?? 1;
  const biasStd = opts.biasStd ?? 0;
  for (const [name, v] of [
    ["weightStd", weightStd],
    ["biasStd", biasStd],
  ] as const) {
    checkInRange("dense", name, v, 0, Infinity, { loInclusive: true, hiInclusive: false });
  }
  return Object.freeze({ kind: "dense", weightStd, biasStd });
}

/**
 * A 2-D convolution with `size` x `size` filters (q = size^2 taps), NTK parameterization:
 *   h_beta(p) = weightStd / sqrt(q) sum_{alpha, t} W_{beta, alpha, t} g_alpha(stride p + t - pad) + biasStd b_beta,
 * W and b ~ N(0, 1), g the previous layer's features (the input image in the first layer, whose channels
 * are summed as a dense layer sums coordinates; after that g = sqrt(c_s / C) s(h) over C channels), zero
 * outside the image ("same" padding keeps ceil(n / stride) positions, "valid" none outside).
 */
export interface ConvLayer {
  readonly kind: "conv";
  readonly size: number;
  readonly stride: number;
  readonly padding: "same" | "valid";
  readonly weightStd: number;
  readonly biasStd: number;
}

export interface ConvOptions {
  /** Filter side, an odd integer in 1..15 (default 3). */
  size?: number;
  /** Step between output positions, an integer in 1..4 (default 1; problem 7a suggests 2 in the first layer). */
  stride?: number;
  /** "same" (default: zero padding, ceil(n / stride) outputs per axis) or "valid" (no padding). */
  padding?: "same" | "valid";
  /** Weight scale >= 0 (default 1). */
  weightStd?: number;
  /** Bias scale >= 0 (default 0). */
  biasStd?: number;
}

/** A convolution layer (see ConvLayer); defaults size 3, stride 1, "same" padding, weightStd 1, biasStd 0. */
export function conv(options: ConvOptions = {}): ConvLayer {
  const who = "conv";
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["size", "stride", "padding", "weightStd", "biasStd"]);
  const { size = 3, stride = 1, padding = "same", weightStd = 1, biasStd = 0 } = opts;
  if (!(Number.isInteger(size) && size >= 1 && size <= 15 && size % 2 === 1)) {
    throw new Error(`${who}: size must be an odd integer in 1..15, got ${describeValue(size)}`);
  }
  if (!(Number.isInteger(stride) && stride >= 1 && stride <= 4)) {
    throw new Error(`${who}: stride must be an integer in 1..4, got ${describeValue(stride)}`);
  }
  if (padding !== "same" && padding !== "valid") {
    throw new Error(`${who}: padding must be "same" or "valid", got ${describeValue(padding)}`);
  }
  for (const [name, v] of [
    ["weightStd", weightStd],
    ["biasStd", biasStd],
  ] as const) {
    checkInRange(who, name, v, 0, Infinity, { loInclusive: true, hiInclusive: false });
  }
  return Object.freeze({ kind: "conv", size, stride, padding, weightStd, biasStd });
}

/**
 * The readouts between the convolutions and the dense layers. flatten: the features g_beta(p) of every
 * position, over sqrt(P) (P positions), so that the next dense layer's kernel is the mean over positions
 * p of the per-position kernel (CNTK-V: pairs (p, p) of the two images only). globalAveragePool: each
 * channel averaged over the positions (CNTK-GAP: the mean over all pairs (p, p')).
 */
export interface ReadoutLayer {
  readonly kind: "flatten" | "globalAveragePool";
}

/** The flatten readout (ReadoutLayer). */
export function flatten(): ReadoutLayer {
  return FLATTEN;
}

/** The global-average-pooling readout (ReadoutLayer). */
export function globalAveragePool(): ReadoutLayer {
  return POOL;
}

const FLATTEN: ReadoutLayer = Object.freeze({ kind: "flatten" });
const POOL: ReadoutLayer = Object.freeze({ kind: "globalAveragePool" });

/** A layer of a convolutional architecture. */
export type ConvNetLayer = ConvLayer | ReadoutLayer | DenseLayer | Activation;

/**
 * A convolutional network: L conv layers, each followed by its activation, the readout, then the head, an
 * mlp-like stack of H + 1 dense layers with H activations between them (the last dense layer the output).
 */
export interface ConvArchitecture {
  readonly kind: "convolutional";
  readonly layers: readonly ConvNetLayer[];
  readonly convs: readonly ConvLayer[];
  /** One per conv layer: L = convs.length. */
  readonly activations: readonly Activation[];
  readonly readout: "flatten" | "globalAveragePool";
  /** The head's H activations. */
  readonly headActivations: readonly Activation[];
  /** The head's H + 1 weight scales (the last is the output layer's). */
  readonly headWeightStd: Float64Array;
  /** The head's H + 1 bias scales (the last, the output layer's, is 0). */
  readonly headBiasStd: Float64Array;
}

/** A conv layer with the fields conv() checks: odd size 1..15, stride 1..4, a padding, finite scales >= 0. */
function isConv(layer: unknown): layer is ConvLayer {
  const c = layer as Partial<ConvLayer> | null;
  const scale = (v: unknown) => typeof v === "number" && v >= 0 && v < Infinity;
  return (
    c !== null &&
    typeof c === "object" &&
    c.kind === "conv" &&
    Number.isInteger(c.size) &&
    (c.size as number) % 2 === 1 &&
    (c.size as number) >= 1 &&
    (c.size as number) <= 15 &&
    Number.isInteger(c.stride) &&
    (c.stride as number) >= 1 &&
    (c.stride as number) <= 4 &&
    (c.padding === "same" || c.padding === "valid") &&
    scale(c.weightStd) &&
    scale(c.biasStd)
  );
}

function isReadout(layer: unknown): layer is ReadoutLayer {
  const r = layer as Partial<ReadoutLayer> | null;
  return r !== null && typeof r === "object" && (r.kind === "flatten" || r.kind === "globalAveragePool");
}

/** serial(...) for layers that start with a conv layer: checked and gathered into a ConvArchitecture. */
function convArchitecture(layers: readonly ConvNetLayer[]): ConvArchitecture {
  const allowed =
    "conv, activation, ..., conv, activation, readout (flatten() or globalAveragePool()), dense, activation, ..., dense";
  const readoutAt = layers.findIndex(isReadout);
  if (readoutAt < 0) {
    throw new Error(`serial: a convolutional network needs a readout (layers are ${allowed}), got none`);
  }
  const fail = (k: number, want: string): never => {
    throw new Error(
      `serial: layers[${k}] must be ${want} (layers are ${allowed}), got ${describeLayer(layers[k])}`,
    );
  };
  if (readoutAt % 2 !== 0) fail(readoutAt, "an Activation (every conv layer is followed by one)");
  for (let k = 0; k < readoutAt; k++) {
    if (k % 2 === 0 ? !isConv(layers[k]) : !isActivation(layers[k])) {
      fail(k, k % 2 === 0 ? "a conv layer (conv({...}))" : "an Activation (relu, sin, ...)");
    }
  }
  const head = layers.slice(readoutAt + 1);
  if (head.length % 2 === 0) {
    throw new Error(
      `serial: after the readout come dense, activation, ..., dense (an odd number of layers, ending with the output dense layer), got ${head.length}`,
    );
  }
  head.forEach((layer, k) => {
    if (k % 2 === 0 ? !isDense(layer) : !isActivation(layer)) {
      fail(readoutAt + 1 + k, k % 2 === 0 ? "a dense layer (dense({...}))" : "an Activation");
    }
  });
  const output = head[head.length - 1] as DenseLayer;
  if (output.biasStd !== 0) {
    throw new Error(
      `serial: layers[${layers.length - 1}] is the output layer and must have no bias (biasStd 0), got biasStd ${output.biasStd}`,
    );
  }
  const denses = head.filter((_, k) => k % 2 === 0) as DenseLayer[];
  return Object.freeze({
    kind: "convolutional",
    layers: Object.freeze([...layers]),
    convs: Object.freeze(layers.filter((_, k) => k < readoutAt && k % 2 === 0) as ConvLayer[]),
    activations: Object.freeze(layers.filter((_, k) => k < readoutAt && k % 2 === 1) as Activation[]),
    readout: (layers[readoutAt] as ReadoutLayer).kind,
    headActivations: Object.freeze(head.filter((_, k) => k % 2 === 1) as Activation[]),
    headWeightStd: Float64Array.from(denses, (d) => d.weightStd),
    headBiasStd: Float64Array.from(denses, (d) => d.biasStd),
  });
}

/**
 * Throws unless arch has the shape of a ConvArchitecture from serial(conv(...), ...): by shape, not by
 * origin (a notebook's rerun import cell makes a new instance of src/).
 */
export function checkConvArchitecture(who: string, arch: unknown): asserts arch is ConvArchitecture {
  const a = arch as Partial<ConvArchitecture> | null;
  const ok =
    a !== null &&
    typeof a === "object" &&
    a.kind === "convolutional" &&
    Array.isArray(a.convs) &&
    a.convs.length >= 1 &&
    a.convs.every(isConv) &&
    Array.isArray(a.activations) &&
    a.activations.length === a.convs.length &&
    a.activations.every(isActivation) &&
    (a.readout === "flatten" || a.readout === "globalAveragePool") &&
    Array.isArray(a.headActivations) &&
    a.headActivations.every(isActivation) &&
    a.headWeightStd instanceof Float64Array &&
    a.headWeightStd.length === a.headActivations.length + 1 &&
    a.headWeightStd.every((v) => v >= 0 && v < Infinity) &&
    a.headBiasStd instanceof Float64Array &&
    a.headBiasStd.length === a.headActivations.length + 1 &&
    a.headBiasStd.every((v) => v >= 0 && v < Infinity);
  if (!ok) {
    throw new Error(
      `${who}: arch must be a convolutional Architecture from serial(conv(), relu, ..., flatten() or globalAveragePool(), dense()), got ${describeValue(arch)}`,
    );
  }
}

/** The positions of one axis after a conv layer: n inputs, the layer's padding and stride; at least 1. */
export function convOutputSize(layer: ConvLayer, n: number): number {
  return layer.padding === "same"
    ? Math.ceil(n / layer.stride)
    : Math.floor((n - layer.size) / layer.stride) + 1;
}

/**
 * The inputs layer reads along one axis of n positions: for output o and tap t < size, the input index
 * stride o + t - before, or -1 outside (zero padding); "same" puts floor(total / 2) of the padding before
 * (as TensorFlow and Neural Tangents do). Row o of the result is taps [o * size, (o + 1) * size).
 */
export function convTaps(layer: ConvLayer, n: number): Int32Array {
  const out = convOutputSize(layer, n);
  const total = Math.max(0, (out - 1) * layer.stride + layer.size - n);
  const before = layer.padding === "same" ? Math.floor(total / 2) : 0;
  const taps = new Int32Array(out * layer.size);
  for (let o = 0; o < out; o++) {
    for (let t = 0; t < layer.size; t++) {
      const i = o * layer.stride + t - before;
      taps[o * layer.size + t] = i >= 0 && i < n ? i : -1;
    }
  }
  return taps;
}

/**
 * The grid of every conv layer's output for images of height x width: entry l is layer l's (rows, cols);
 * throws (naming who) where "valid" padding leaves no position.
 */
export function convGrids(
  who: string,
  arch: ConvArchitecture,
  height: number,
  width: number,
): [number, number][] {
  const grids: [number, number][] = [];
  let rows = height;
  let cols = width;
  arch.convs.forEach((layer, l) => {
    const r = convOutputSize(layer, rows);
    const c = convOutputSize(layer, cols);
    if (!(r >= 1 && c >= 1)) {
      throw new Error(
        `${who}: conv layer ${l + 1} (size ${layer.size}, stride ${layer.stride}, "${layer.padding}" padding) leaves no position of a ${rows} x ${cols} input; use "same" padding, fewer layers or larger images`,
      );
    }
    rows = r;
    cols = c;
    grids.push([rows, cols]);
  });
  return grids;
}

export interface Architecture {
  /** The layers: dense, activation, dense, ..., activation, dense (2 L + 1 of them). */
  readonly layers: readonly Layer[];
  /** One activation per hidden layer; L = activations.length. */
  readonly activations: readonly Activation[];
  /** L + 1 weight scales: W_1 .. W_L and the output layer. */
  readonly weightStd: Float64Array;
  /** L bias scales, one per hidden layer (the output layer has no bias). */
  readonly biasStd: Float64Array;
}

export interface MlpOptions {
  /** A number for every layer or L + 1 values (W_1 .. W_L, output); default 1. */
  weightStd?: number | readonly number[];
  /** A number for every hidden layer or exactly L values; default 0 (no bias). */
  biasStd?: number | readonly number[];
}

export function mlp(activations: readonly Activation[], options: MlpOptions = {}): Architecture {
  if (!Array.isArray(activations) || activations.length < 1) {
    throw new Error(
      `mlp: activations must be a non-empty array (one per hidden layer), got ${String(activations)}`,
    );
  }
  activations.forEach((act, l) => {
    if (!isActivation(act)) {
      throw new Error(
        `mlp: activations[${l}] must be an Activation (relu, sin, activation({...}), ...), got ${String(act)}`,
      );
    }
  });
  const L = activations.length;
  const opts = optionsObject("mlp", options);
  const weightStd = perLayer("weightStd", opts.weightStd ?? 1, L + 1, "L + 1 (hidden layers and output)");
  const biasStd = perLayer("biasStd", opts.biasStd ?? 0, L, "L (one per hidden layer)");
  const layers: Layer[] = [];
  for (let l = 0; l < L; l++) {
    layers.push(dense({ weightStd: weightStd[l], biasStd: biasStd[l] }), activations[l]);
  }
  layers.push(dense({ weightStd: weightStd[L] }));
  return architecture(layers);
}

/**
 * The architecture of a list of layers: dense, activation, dense, ..., activation, dense, where the last
 * dense layer (the output) has no bias. serial(dense(), relu, dense()) is mlp([relu]).
 */
export function serial(...layers: Layer[]): Architecture;
export function serial(...layers: ConvNetLayer[]): ConvArchitecture;
export function serial(...layers: ConvNetLayer[]): Architecture | ConvArchitecture {
  if (isConv(layers[0])) return convArchitecture(layers);
  const allowed =
    "dense, activation, dense, ..., activation, dense (a dense layer first and last, one activation between two dense layers)";
  if (layers.length < 3 || layers.length % 2 === 0) {
    throw new Error(
      `serial: layers must be ${allowed}, got ${layers.length} layer${layers.length === 1 ? "" : "s"}`,
    );
  }
  layers.forEach((layer, k) => {
    const want =
      k % 2 === 0
        ? "a dense layer (dense({ weightStd, biasStd }))"
        : "an Activation (relu, sin, activation({...}), ...)";
    const ok = k % 2 === 0 ? isDense(layer) : isActivation(layer);
    if (!ok) {
      throw new Error(
        `serial: layers[${k}] must be ${want} (layers are ${allowed}), got ${describeLayer(layer)}`,
      );
    }
  });
  const output = layers[layers.length - 1] as DenseLayer;
  if (output.biasStd !== 0) {
    throw new Error(
      `serial: layers[${layers.length - 1}] is the output layer and must have no bias (biasStd 0), got biasStd ${output.biasStd}`,
    );
  }
  return architecture(layers as Layer[]);
}

/** The Architecture of checked layers (dense, activation, ..., dense). */
function architecture(layers: readonly Layer[]): Architecture {
  const denses = layers.filter((_, k) => k % 2 === 0) as DenseLayer[];
  return Object.freeze({
    layers: Object.freeze([...layers]),
    activations: Object.freeze(layers.filter((_, k) => k % 2 === 1) as Activation[]),
    weightStd: Float64Array.from(denses, (layer) => layer.weightStd),
    biasStd: Float64Array.from(denses.slice(0, -1), (layer) => layer.biasStd),
  });
}

function isDense(layer: unknown): layer is DenseLayer {
  const d = layer as Partial<DenseLayer> | null;
  return (
    d !== null &&
    typeof d === "object" &&
    d.kind === "dense" &&
    typeof d.weightStd === "number" &&
    d.weightStd >= 0 &&
    d.weightStd < Infinity &&
    typeof d.biasStd === "number" &&
    d.biasStd >= 0 &&
    d.biasStd < Infinity
  );
}

function describeLayer(layer: unknown): string {
  if (isDense(layer)) return `dense({ weightStd: ${layer.weightStd}, biasStd: ${layer.biasStd} })`;
  if (isConv(layer)) return `conv({ size: ${layer.size}, stride: ${layer.stride} })`;
  if (isReadout(layer)) return `${layer.kind}()`;
  if (isActivation(layer)) return `the activation ${layer.name}`;
  return describeValue(layer);
}

/**
 * The architecture in words, for legends and provenance: "dense(1, 0.1) -> relu -> dense(1)", each
 * dense layer as (weightStd, biasStd), the output's as (weightStd).
 */
/**
 * The scales of the recursion's dense layers (kernels/ntk.ts): alpha_l = weightStd[l + 1]^2 c_s(l) and
 * beta_l = biasStd[l + 1]^2 (0 for the output layer) after hidden layer l, and readout_l =
 * weightStd[L]^2 c_s(l), the output layer's scale after layer l (the network cut there, kernelsByDepth).
 */
export function layerScales(arch: Architecture): {
  alphas: Float64Array;
  betas: Float64Array;
  readouts: Float64Array;
} {
  const L = arch.activations.length;
  const alphas = new Float64Array(L);
  const betas = new Float64Array(L);
  const readouts = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const scale = arch.activations[l].scale;
    alphas[l] = arch.weightStd[l + 1] ** 2 * scale;
    betas[l] = l + 1 < L ? arch.biasStd[l + 1] ** 2 : 0;
    readouts[l] = arch.weightStd[L] ** 2 * scale;
  }
  return { alphas, betas, readouts };
}

export function describeArchitecture(arch: Architecture | ConvArchitecture): string {
  if ((arch as Partial<ConvArchitecture> | null)?.kind === "convolutional") {
    const c = arch as ConvArchitecture;
    checkConvArchitecture("describeArchitecture", c);
    const parts: string[] = [];
    c.convs.forEach((layer, l) => {
      const stride = layer.stride > 1 ? `/${layer.stride}` : "";
      const valid = layer.padding === "valid" ? " valid" : "";
      parts.push(
        `conv${layer.size}x${layer.size}${stride}${valid}(${layer.weightStd}, ${layer.biasStd})`,
        c.activations[l].name,
      );
    });
    parts.push(c.readout);
    c.headActivations.forEach((act, m) =>
      parts.push(`dense(${c.headWeightStd[m]}, ${c.headBiasStd[m]})`, act.name),
    );
    parts.push(`dense(${c.headWeightStd[c.headActivations.length]})`);
    return parts.join(" -> ");
  }
  checkArchitecture("describeArchitecture", arch);
  const L = arch.activations.length;
  const parts: string[] = [];
  for (let l = 0; l < L; l++) {
    parts.push(`dense(${arch.weightStd[l]}, ${arch.biasStd[l]})`, arch.activations[l].name);
  }
  parts.push(`dense(${arch.weightStd[L]})`);
  return parts.join(" -> ");
}

/** What the kernels call on an activation: fn, derivative and dual, and its finite scale c_s > 0. */
function isActivation(act: unknown): act is Activation {
  const a = act as Partial<Activation> | null;
  return (
    a !== null &&
    typeof a === "object" &&
    typeof a.fn === "function" &&
    typeof a.derivative === "function" &&
    typeof a.dual === "function" &&
    typeof a.scale === "number" &&
    Number.isFinite(a.scale) &&
    a.scale > 0
  );
}

/** What is wrong with a per-layer array of an architecture ("" if nothing): count scales, finite and >= 0. */
function perLayerProblem(name: string, values: unknown, count: number): string {
  if (!(values instanceof Float64Array) || values.length !== count) {
    return `whose ${name} is not a Float64Array of ${count} scales`;
  }
  const l = values.findIndex((v) => !(v >= 0 && v < Infinity));
  return l < 0 ? "" : `with ${name}[${l}] = ${values[l]}`;
}

/**
 * Throws unless arch has the shape of an Architecture from mlp(...): a non-empty array of activations,
 * L + 1 weight scales and L bias scales (Float64Arrays of finite numbers >= 0). By shape, not by origin,
 * so that an architecture keeps working after a notebook's import cell is rerun (a new instance of src/).
 */
export function checkArchitecture(who: string, arch: unknown): asserts arch is Architecture {
  const a = arch as Partial<Architecture> | null;
  let problem = "";
  if (a === null || typeof a !== "object" || !Array.isArray(a.activations) || a.activations.length < 1) {
    problem = describeValue(arch);
  } else {
    const L = a.activations.length;
    const l = a.activations.findIndex((act) => !isActivation(act));
    const inner =
      l >= 0
        ? `whose activations[${l}] is not an Activation`
        : perLayerProblem("weightStd", a.weightStd, L + 1) || perLayerProblem("biasStd", a.biasStd, L);
    problem = inner && `an object ${inner}`;
  }
  if (problem) {
    throw new Error(
      `${who}: arch must be an Architecture from mlp([...activations], options), got ${problem}`,
    );
  }
}

function perLayer(
  name: string,
  value: number | readonly number[],
  count: number,
  what: string,
): Float64Array {
  const values = typeof value === "number" ? new Array<number>(count).fill(value) : value;
  if (!Array.isArray(values) || values.length !== count) {
    throw new Error(
      `mlp: ${name} must be a number or an array of ${count} = ${what} numbers, got ${String(value)}`,
    );
  }
  values.forEach((v, l) =>
    checkInRange("mlp", `${name}[${l}]`, v, 0, Infinity, { loInclusive: true, hiInclusive: false }),
  );
  return Float64Array.from(values);
}
