/** Test helper: the reference values of ../shared/reference/kernels.json and the architecture each name denotes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Architecture } from "../src/kernels/architecture";
import { referenceKernel, type ReferencePair } from "../src/kernels/reference";

export const referencePairs: ReferencePair[] = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "shared", "reference", "kernels.json"), "utf8"),
).pairs;

/** The architecture of a network entry name (relu2_ntk_L1_bias, sin_relu_ntk, ...), or null for comparison kernels. */
export function referenceArchitecture(name: string): Architecture | null {
  return referenceKernel(name)?.architecture ?? null;
}
