/**
 * How a Monte Carlo kernel agrees with the analytic one it estimates (notebook 04, section 1): entrywise,
 * in units of its own standard errors, in the Frobenius norm and in the spectral norm (which bounds how far
 * any eigenvalue moved, by Weyl's inequality); and a check that a kernel's diagonal is constant.
 */
import { relativeError } from "../kernels/convergence";
import { checkedKernel } from "../regression/vectors";
import { eigenvalues } from "../spectrum/eigen";
import type { SymmetricInput } from "../spectrum/symmetric";
import { renamed } from "../validate";

export interface MonteCarloAgreement {
  /** max_ij |E_ij - K_ij| / max_i K_ii: the largest entry error over the kernel's largest K(x, x). */
  maxRelative: number;
  /** sqrt(mean_ij ((E_ij - K_ij) / SE_ij)^2): about 1 when the standard errors are right. */
  rmsStandardized: number;
  /** ||E - K||_F / ||K||_F (relativeError). */
  frobeniusRelative: number;
  /** ||E - K||_2 = max |eigenvalue of E - K|: no eigenvalue of E is farther from K's (Weyl). */
  spectralError: number;
}

/**
 * The Monte Carlo estimate E (n x n, symmetric) with its per-entry standard errors SE (n x n, entries > 0)
 * against the reference kernel K (n x n, symmetric, with a positive diagonal).
 */
export function monteCarloAgreement(
  estimate: SymmetricInput,
  stdError: SymmetricInput,
  reference: SymmetricInput,
): MonteCarloAgreement {
  const who = "monteCarloAgreement";
  const E = checkedKernel(who, "estimate", estimate);
  const SE = checkedKernel(who, "stdError", stdError);
  const K = checkedKernel(who, "reference", reference);
  const n = K.rows;
  for (const [name, M] of [
    ["estimate", E],
    ["stdError", SE],
  ] as const) {
    if (M.rows !== n) {
      throw new Error(`${who}: ${name} must be ${n} x ${n} (as reference), got ${M.rows} x ${M.rows}`);
    }
  }
  let largestDiagonal = 0;
  for (let i = 0; i < n; i++) largestDiagonal = Math.max(largestDiagonal, K.get(i, i));
  if (!(largestDiagonal > 0)) {
    throw new Error(`${who}: reference must have a positive diagonal entry (a kernel's K(x, x)), got none`);
  }
  let maxAbs = 0;
  let z2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const e = E.get(i, j) - K.get(i, j);
      const s = SE.get(i, j);
      if (!(s > 0)) {
        throw new Error(`${who}: stdError must be > 0 in every entry, got stdError[${i}][${j}] = ${s}`);
      }
      maxAbs = Math.max(maxAbs, Math.abs(e));
      z2 += (e / s) ** 2;
    }
  }
  const rmsStandardized = Math.sqrt(z2 / (n * n));
  if (!Number.isFinite(rmsStandardized)) {
    throw new Error(
      `${who}: stdError must not be far smaller than estimate - reference: the squared ratios overflow`,
    );
  }
  const difference = E.clone().sub(K);
  const spectrum = renamed(who, "eigenvalues", () => eigenvalues(difference));
  return {
    maxRelative: maxAbs / largestDiagonal,
    rmsStandardized,
    frobeniusRelative: renamed(who, "relativeError", () => relativeError(E, K)),
    spectralError: Math.max(Math.abs(spectrum[0]), Math.abs(spectrum[n - 1])),
  };
}

/**
 * max_i |K_ii - K_00| / K_00 for a kernel matrix K (n x n, symmetric, K_00 > 0): 0 up to rounding for a
 * rotation-invariant kernel on equally spaced circle points, whose diagonal is one value.
 */
export function diagonalSpread(K: SymmetricInput): number {
  const who = "diagonalSpread";
  const M = checkedKernel(who, "K", K);
  const first = M.get(0, 0);
  if (!(first > 0)) throw new Error(`${who}: K must have K[0][0] > 0 (a kernel's K(x, x)), got ${first}`);
  let spread = 0;
  for (let i = 1; i < M.rows; i++) spread = Math.max(spread, Math.abs(M.get(i, i) - first) / first);
  return spread;
}
