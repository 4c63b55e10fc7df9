/**
 * The rule notebook 04 tests on the NTK-study write-up's Experiment 2: in a network with several hidden
 * layers, the roughest activation sets the eigen-decay rate on the circle, in whichever layer it sits. The
 * rule's prediction is the two-layer rate of each activation (src/spectrum/theory's expectedDecay), of which
 * the roughest (the slope closest to 0) wins; smooth activations alone give no power law.
 */
import type { Activation } from "../activations";
import { expectedDecay, type ExpectedDecay } from "../spectrum/theory";
import { describeValue } from "../validate";

const POWER = /^relu\^([1-9]\d*)$/;

/** The expected decay of the two-layer NTK of activation (relu, relu^k, sin, cos or erf) on the circle. */
export function twoLayerDecay(activation: Activation): ExpectedDecay {
  return decayOf("twoLayerDecay", "activation", activation);
}

/** twoLayerDecay, its Error in the caller's name and the parameter's. */
function decayOf(who: string, param: string, activation: Activation): ExpectedDecay {
  const name = activation !== null && typeof activation === "object" ? activation.name : undefined;
  const power = typeof name === "string" ? POWER.exec(name) : null;
  if (name === "relu") return expectedDecay({ family: "reluNtk" });
  if (power) return expectedDecay({ family: "reluPowerNtk", k: Number(power[1]) });
  if (name === "sin") return expectedDecay({ family: "sinNtk" });
  if (name === "cos") return expectedDecay({ family: "cosNtk" });
  if (name === "erf") return expectedDecay({ family: "erfNtk" });
  const got = typeof name === "string" ? `one named ${JSON.stringify(name)}` : describeValue(activation);
  throw new Error(
    `${who}: ${param} must be relu, relu^k, sin, cos or erf (the activations whose two-layer decay ` +
      `the theory gives), got ${got}`,
  );
}

/**
 * The rule's rank slope for a network with these activations (at least one): the largest (least negative)
 * two-layer slope among them, or null when every one is smooth (no power law predicted).
 */
export function roughestActivationSlope(activations: readonly Activation[]): number | null {
  const who = "roughestActivationSlope";
  if (!Array.isArray(activations) || activations.length === 0) {
    throw new Error(
      `${who}: activations must be a non-empty array of Activations, got ${describeValue(activations)}`,
    );
  }
  const slopes = activations
    .map((a, i) => decayOf(who, `activations[${i}]`, a).rankSlope)
    .filter((s): s is number => s !== null);
  return slopes.length > 0 ? Math.max(...slopes) : null;
}
