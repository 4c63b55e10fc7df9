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
 * Not built yet, but designed for: a convolution is the same state over pairs of positions (p, p') of two images, and its layers are
 * passes of the same kind. A 3x3 convolution averages a covariance over a patch: c'(p, p') =
 * mean_k c(p + k, p' + k), and a'(p) = mean_k a(p + k) for the variances. Its gap keeps its digits as a sum
 * of non-negative terms:
 *   g'(p, p') = sqrt(a' b') - c' = mean_k g_k + [sqrt(a' b') - mean_k sqrt(a_k b_k)],
 * where g_k is the incoming gap at (p + k, p' + k), and the bracket is >= 0 by Cauchy-Schwarz and computed
 * as (a' b' - (mean_k sqrt(a_k b_k))^2) / (sqrt(a' b') + mean_k sqrt(a_k b_k)), whose numerator is by
 * Lagrange's identity (1 / 2 K^2) sum_{k, k'} (sqrt(a_k b_k') - sqrt(a_k' b_k))^2, again non-negative terms;
 * likewise h'(p, p') = sqrt(a' b') + c' = mean_k h_k + [the same bracket]. Flatten and global average
 * pooling are readouts of the same kind (a mean of
 * c and Theta over position pairs; the gaps are not needed after the last layer).
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
export function serial(...layers: Layer[]): Architecture {
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
  return architecture(layers);
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

export function describeArchitecture(arch: Architecture): string {
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
