/**
 * A fully connected architecture: one activation per hidden layer and per-layer initialization scales.
 * The network it describes (NTK parameterization, Jacot et al. 2018; Arora et al. 2019 / seed 003):
 *   h_1 = sigma_w,1 W_1 x + sigma_b,1 b_1,   g_l = sqrt(c_l / d_l) s_l(h_l),   c_l = 1 / E[s_l(z)^2],
 *   h_{l+1} = sigma_w,l+1 W_{l+1} g_l + sigma_b,l+1 b_{l+1},   f = sigma_w,L+1 W_{L+1} g_L  (no output bias),
 * all entries of W and b trainable and drawn N(0, 1), so the effective weights are N(0, weightStd^2)
 * and the biases N(0, biasStd^2). biasStd [1, 0, ..., 0] is x -> (x, 1): Sigma_0 = x.x' + 1.
 */
import type { Activation } from "../activations";
import { checkInRange, optionsObject } from "../validate";
import { describeValue } from "./points";

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
    if (!act || typeof act.dual !== "function" || typeof act.fn !== "function") {
      throw new Error(
        `mlp: activations[${l}] must be an Activation (relu, sin, activation({...}), ...), got ${String(act)}`,
      );
    }
  });
  const L = activations.length;
  const opts = optionsObject("mlp", options);
  const arch: Architecture = Object.freeze({
    activations: Object.freeze([...activations]),
    weightStd: perLayer("weightStd", opts.weightStd ?? 1, L + 1, "L + 1 (hidden layers and output)"),
    biasStd: perLayer("biasStd", opts.biasStd ?? 0, L, "L (one per hidden layer)"),
  });
  made.add(arch);
  return arch;
}

/** The architectures mlp() has made: the only ones whose per-layer arrays are known to be checked. */
const made = new WeakSet<object>();

/** Throws unless arch is an Architecture made by mlp(...), naming the function and what it got. */
export function checkArchitecture(who: string, arch: unknown): asserts arch is Architecture {
  if (typeof arch !== "object" || arch === null || !made.has(arch)) {
    throw new Error(
      `${who}: arch must be an Architecture from mlp([...activations], options), got ${describeValue(arch)}`,
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
