/**
 * Building a trainable MLP from names: `mlpNetwork({ activations: ["relu", "sin"], width: 500, ... })`
 * resolves each activation name, builds the architecture (layers.ts) and the network
 * (network.ts) in one of the three parameterizations, with errors that name the bad parameter.
 */
import { ACTIVATION_NAMES, activationByName, type Activation } from "../activations";
import { mlp } from "../layers";
import { Network, type Parameterization } from "../network";
import type { Rng } from "../random";
import { describeValue, renamed } from "../validate";

export interface MlpNetworkOptions {
  /** One activation (name or Activation object) per hidden layer. */
  activations: readonly (string | Activation)[];
  /** Hidden width: one number or one per hidden layer (integers >= 1). */
  width: number | readonly number[];
  /** Input dimension; default 1. */
  inputDim?: number;
  outputs?: number;
  parameterization?: Parameterization;
  /** sigma_w per layer (L + 1 values) or one number; default 1. */
  weightStd?: number | readonly number[];
  /** sigma_b per hidden layer or one number; default 0 (no bias). */
  biasStd?: number | readonly number[];
  seed?: number;
  rng?: Rng;
}

/** A seeded MLP in the chosen parameterization (see Parameterization in network.ts). */
export function mlpNetwork(options: MlpNetworkOptions): Network {
  const who = "mlpNetwork";
  if (options === null || typeof options !== "object") {
    throw new Error(
      `${who}: options must be an object { activations, width, seed or rng, ... }, got ${describeValue(options)}`,
    );
  }
  if (!Array.isArray(options.activations) || options.activations.length < 1) {
    throw new Error(
      `${who}: activations must be a non-empty array of names (${ACTIVATION_NAMES.join(", ")}) or Activations, one per hidden layer, got ${describeValue(options.activations)}`,
    );
  }
  const acts = options.activations.map((a, l) =>
    typeof a === "string" ? activationByName(a, who, `activations[${l}]`) : a,
  );
  return new Network(
    renamed(who, "mlp", () => mlp(acts, { weightStd: options.weightStd, biasStd: options.biasStd })),
    {
      inputDim: options.inputDim ?? 1,
      width: options.width,
      outputs: options.outputs,
      parameterization: options.parameterization,
      seed: options.seed,
      rng: options.rng,
    },
    who,
  );
}
