/**
 * The signs of an indefinite kernel matrix's eigenvalues, resolved against the float64 floor (notebook 03:
 * exp(-r^alpha) r^beta, whose matrix has trace 0 and so negative eigenvalues).
 *
 * An eigenvalue is counted positive when it exceeds n eps max|lambda| and negative when it is below
 * -n eps max|lambda|; in between its sign is rounding (the backward error of a symmetric eigensolver, as in
 * decaySlope's floor, with the largest magnitude in place of lambda_1).
 */
import { precisionFloor } from "../numeric";
import { checkInteger } from "../validate";
import { checkFiniteList } from "./symmetric";

export interface SignedSpectrum {
  /** Eigenvalues above the floor. */
  positive: number;
  /** Eigenvalues below minus the floor. */
  negative: number;
  /** max |lambda_i|. */
  maxMagnitude: number;
  /** n eps max |lambda_i|. */
  floor: number;
  /** The eigenvalues sorted by decreasing magnitude (a stable sort: ties keep their order). */
  byMagnitude: Float64Array;
  /** sign[i]: +1 if byMagnitude[i] > floor, -1 if < -floor, 0 if its sign is not resolved. */
  sign: Int8Array;
}

/**
 * The signs of `eigenvalues` (any order) of an n x n matrix (n defaults to the number given; pass the
 * matrix size for a subset) against the floor n eps max|lambda|.
 */
export function signedSpectrum(
  eigenvalues: ArrayLike<number>,
  n: number = eigenvalues.length,
): SignedSpectrum {
  const who = "signedSpectrum";
  checkFiniteList(who, "eigenvalues", eigenvalues);
  if (eigenvalues.length === 0) throw new Error(`${who}: eigenvalues must not be empty`);
  checkInteger(who, "n", n, eigenvalues.length);
  const values = Array.from(eigenvalues);
  const maxMagnitude = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const floor = precisionFloor(n, maxMagnitude);
  const byMagnitude = Float64Array.from(values.slice().sort((x, y) => Math.abs(y) - Math.abs(x)));
  const sign = Int8Array.from(byMagnitude, (v) => (v > floor ? 1 : v < -floor ? -1 : 0));
  return {
    positive: values.filter((v) => v > floor).length,
    negative: values.filter((v) => v < -floor).length,
    maxMagnitude,
    floor,
    byMagnitude,
    sign,
  };
}
