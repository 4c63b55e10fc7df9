/**
 * A fully connected architecture: one activation per hidden layer and per-layer initialization scales.
 * The network it describes (NTK parameterization, Jacot et al. 2018; Arora et al. 2019 / seed 003):
 *   h_1 = sigma_w,1 W_1 x + sigma_b,1 b_1,   g_l = sqrt(c_l / d_l) s_l(h_l),   c_l = 1 / E[s_l(z)^2],
 *   h_{l+1} = sigma_w,l+1 W_{l+1} g_l + sigma_b,l+1 b_{l+1},   f = sigma_w,L+1 W_{L+1} g_L  (no output bias),
 * all entries of W and b trainable and drawn N(0, 1), so the effective weights are N(0, weightStd^2)
 * and the biases N(0, biasStd^2). biasStd [1, 0, ..., 0] is x -> (x, 1): Sigma_0 = x.x' + 1.
 */
import type { Activation } from "../activations";
import { checkInRange, describeValue, optionsObject } from "../validate";

export interface Architecture {
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
  return Object.freeze({
    activations: Object.freeze([...activations]),
    weightStd: perLayer("weightStd", opts.weightStd ?? 1, L + 1, "L + 1 (hidden layers and output)"),
    biasStd: perLayer("biasStd", opts.biasStd ?? 0, L, "L (one per hidden layer)"),
  });
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
