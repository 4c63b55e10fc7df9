/** Test helper: the reference values of data/reference/kernels.json and the architecture each name denotes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Architecture } from "../src/layers";
import { referenceKernel, type ReferencePair } from "../src/kernels/reference";

/** The reference file inside the repository (see data/reference/README.md for its origin). */
export const referenceFile = join(__dirname, "..", "data", "reference", "kernels.json");

const reference = JSON.parse(readFileSync(referenceFile, "utf8")) as {
  pairs: ReferencePair[];
  slopes_circle_n200: Record<string, { lambda1: number; lsq: number; endpoints: number }>;
};

export const referencePairs: ReferencePair[] = reference.pairs;

/** lambda_1 and both decay slopes (ranks 30..100) on 200 equally spaced circle points, by kernel name. */
export const referenceSlopes = reference.slopes_circle_n200;

/** The architecture of a network entry name (relu2_ntk_L1_bias, sin_relu_ntk, ...), or null for comparison kernels. */
export function referenceArchitecture(name: string): Architecture | null {
  return referenceKernel(name)?.architecture ?? null;
}
