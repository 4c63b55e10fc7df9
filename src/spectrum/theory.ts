/**
 * The theory's eigen-decay rates, as data for reference lines and tables (from the papers named below).
 *
 * On the sphere S^{d-1} a dot-product kernel's eigenvalue for spherical harmonics of degree j decays like
 * j^{-p}; degree j has about j^{d-2} harmonics, so the eigenvalues sorted by rank i decay like
 * i^{-p/(d-1)}. The frequency exponents p:
 * - two-layer and deep ReLU NTK, with or without bias: p = d (Bietti & Mairal 2019, theorem 4.4;
 *   Bietti & Bach 2021 for depth);
 * - two-layer ReLU^k NTK: p = d + 2k - 2 (its derivative part is the arc-cosine kernel of order k - 1,
 *   whose coefficients decay like j^{-(d + 2(k-1))}; Bietti & Mairal 2019, section 4; Vakili et al. 2021);
 * - Laplace exp(-r): p = d (Geifman et al. 2020; Chen & Xu 2021: the same RKHS as the ReLU NTK);
 * - exp(-r^alpha), 0 < alpha < 2: p = d - 1 + alpha (Chen & Xu 2021, theorem 2; alpha = 1 is Laplace);
 * - Gaussian and the NTKs of smooth activations (sin, cos, erf): faster than any power, no p.
 * On the circle (d = 2) the rank slope is -p: -2, -2k, -2, -(1 + alpha).
 */
import { checkInRange, checkInteger, describeValue, optionsObject } from "../validate";

export type KernelFamily =
  | { family: "reluNtk" }
  | { family: "reluPowerNtk"; k: number }
  | { family: "laplace" }
  | { family: "gammaExponential"; alpha: number }
  | { family: "gaussian" }
  | { family: "sinNtk" }
  | { family: "cosNtk" }
  | { family: "erfNtk" };

export interface ExpectedDecay {
  /** Exponent p of the per-frequency decay j^{-p}, or null when the decay is faster than any power. */
  frequencyExponent: number | null;
  /** Expected slope of log lambda_i on log i, -p / (d - 1), or null. */
  rankSlope: number | null;
  /** Sphere dimension parameter: inputs on S^{d-1} in R^d. */
  d: number;
  note: string;
}

const FAMILIES: readonly KernelFamily["family"][] = [
  "reluNtk",
  "reluPowerNtk",
  "laplace",
  "gammaExponential",
  "gaussian",
  "sinNtk",
  "cosNtk",
  "erfNtk",
];

/** The expected decay of a kernel family on S^{d-1} (default d = 2, the circle). */
export function expectedDecay(kernel: KernelFamily, options?: { d?: number } | null): ExpectedDecay {
  const { d = 2 } = optionsObject("expectedDecay", options);
  if (kernel === null || typeof kernel !== "object" || !FAMILIES.includes(kernel.family)) {
    const got =
      kernel !== null && typeof kernel === "object"
        ? `family ${describeValue((kernel as { family?: unknown }).family)}`
        : describeValue(kernel);
    throw new Error(
      `expectedDecay: kernel must be an object { family } with family one of ${FAMILIES.join(", ")} ` +
        `(reluPowerNtk with k, gammaExponential with alpha), got ${got}`,
    );
  }
  checkInteger("expectedDecay", "d", d, 2);
  const p = frequencyExponent(kernel, d);
  if (p === null) {
    return {
      frequencyExponent: null,
      rankSlope: null,
      d,
      note: "faster than any power of the rank: no slope exists",
    };
  }
  return {
    frequencyExponent: p,
    rankSlope: rankSlopeFromFrequencyExponent(p, d),
    d,
    note: `frequency decay j^-${p}`,
  };
}

/** Rank slope -p / (d - 1) on S^{d-1} for a per-frequency decay j^{-p}. */
export function rankSlopeFromFrequencyExponent(p: number, d: number): number {
  checkInRange("rankSlopeFromFrequencyExponent", "p", p, 0, Infinity);
  checkInteger("rankSlopeFromFrequencyExponent", "d", d, 2);
  return -p / (d - 1);
}

function frequencyExponent(kernel: KernelFamily, d: number): number | null {
  switch (kernel.family) {
    case "reluNtk":
    case "laplace":
      return d;
    case "reluPowerNtk":
      checkInteger("expectedDecay", "k", kernel.k, 1);
      return d + 2 * kernel.k - 2;
    case "gammaExponential":
      checkInRange("expectedDecay", "alpha", kernel.alpha, 0, 2, { hiInclusive: false });
      return d - 1 + kernel.alpha;
    case "gaussian":
    case "sinNtk":
    case "cosNtk":
    case "erfNtk":
      return null;
  }
}
