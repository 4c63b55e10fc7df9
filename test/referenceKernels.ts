/** Test helper: the reference values of ../shared/reference/kernels.json and the architecture each name denotes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { relu, reluPower, sin, cos, erf, type Activation } from "../src/activations";
import { mlp, type Architecture } from "../src/kernels/architecture";

export interface ReferencePair {
  name: string;
  x: number[];
  y: number[];
  ntk_or_kernel: Record<string, number>;
  nngp: Record<string, number>;
}

export const referencePairs: ReferencePair[] = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "shared", "reference", "kernels.json"), "utf8"),
).pairs;

const named: Record<string, Activation> = { relu, sin, cos, erf };

/** The architecture of a network entry name (relu2_ntk_L1_bias, sin_relu_ntk, ...), or null for comparison kernels. */
export function referenceArchitecture(name: string): Architecture | null {
  let m = name.match(/^relu(\d)?_ntk_L(\d)(_bias)?$/);
  if (m) {
    const acts = new Array<Activation>(Number(m[2])).fill(reluPower(m[1] ? Number(m[1]) : 1));
    return mlp(acts, { biasStd: acts.map((_, l) => (m && m[3] && l === 0 ? 1 : 0)) });
  }
  m = name.match(/^(sin|cos|erf)_ntk_L1$/);
  if (m) return mlp([named[m[1]]]);
  m = name.match(/^(relu|sin)_(relu|sin)_ntk$/);
  if (m) return mlp([named[m[1]], named[m[2]]]);
  return null;
}
