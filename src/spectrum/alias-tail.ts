/**
 * The aliasing prediction of circulant eigenvalues with the coefficients beyond the computed ones included.
 *
 * On n equally spaced circle points lambda_j = n sum_{l in Z} a_{|j + l n|} (Poisson summation; see
 * frequency.ts). aliasedEigenvalues sums the alias terms only up to the highest frequency J computed; for a
 * kernel whose coefficients decay like a power, a_m ~ C m^-p, the terms beyond J add about
 * 2 n C sum_{l >= J/n} (l n)^-p, which for p = 2, n = 200, J = 1000 is 4% of lambda_j near the Nyquist
 * frequency (the left-out terms fall only like 1/J). aliasTail adds them from a power-law model: exponent p
 * given (the theory's frequency exponent, expectedDecay(...).frequencyExponent), amplitude C fitted to the
 * last quarter of the computed coefficients, separately for even and odd m, since for the bias-free ReLU^k
 * NTKs one parity vanishes.
 */
import { aliasedEigenvalues } from "./frequency";
import { checkFiniteList } from "./symmetric";
import { checkInteger, checkInRange, requiredObject } from "../validate";

/** Explicit terms are summed up to l n = SPAN J; the rest by the integral of the p-series. */
const SPAN = 1000;

export interface AliasTailOptions {
  /** Exponent p of the power-law tail a_m ~ C m^-p beyond the computed frequencies (p > 1). */
  exponent: number;
}

export interface AliasTail {
  /** The tail's contribution to lambda_j, j = 0..floor(n / 2). */
  tail: Float64Array;
  /** aliasedEigenvalues(coefficient, n) + tail. */
  eigenvalue: Float64Array;
  /** Fitted amplitudes C for even and odd m (0 where that parity's coefficients vanish). */
  amplitude: { even: number; odd: number };
}

/**
 * Circulant eigenvalues lambda_j, j = 0..floor(n / 2), predicted from Mercer coefficients a_0..a_J plus a
 * power-law tail a_m = C_{m mod 2} m^-p for m > J.
 */
export function aliasedEigenvaluesWithTail(
  coefficient: ArrayLike<number>,
  n: number,
  options: AliasTailOptions,
): AliasTail {
  const who = "aliasedEigenvaluesWithTail";
  checkFiniteList(who, "coefficient", coefficient);
  checkInteger(who, "n", n, 1);
  const { exponent } = requiredObject(who, "options", options, "{ exponent }");
  checkInRange(who, "exponent", exponent, 1, Infinity, { loInclusive: false, hiInclusive: false });
  const J = coefficient.length - 1;
  if (J < 8) {
    throw new Error(
      `${who}: coefficient must hold a_0..a_J with J >= 8 (at least 9 values) to fit the tail, ` +
        `got ${coefficient.length} values`,
    );
  }
  const amplitude = {
    even: fitAmplitude(coefficient, exponent, 0),
    odd: fitAmplitude(coefficient, exponent, 1),
  };
  const count = Math.floor(n / 2) + 1;
  const tail = new Float64Array(count);
  const lMax = Math.floor((SPAN * J) / n) + 1;
  for (let j = 0; j < count; j++) {
    // The l-th pair of alias frequencies, l n + j and l n - j (l >= 1; both count, also when equal).
    let sum = 0;
    for (let l = 0; l <= lMax; l++) {
      const plus = l * n + j;
      const minus = l * n - j;
      if (plus > J) sum += term(plus, amplitude, exponent);
      if (l >= 1 && minus > J) sum += term(minus, amplitude, exponent);
    }
    // l > lMax: two terms of about C (l n)^-p each, summed by the midpoint integral of the p-series. On an
    // even grid every alias of j has the parity of j; on an odd one the parities alternate.
    const c =
      n % 2 === 0 ? (j % 2 === 0 ? amplitude.even : amplitude.odd) : (amplitude.even + amplitude.odd) / 2;
    sum += (2 * c * n ** -exponent * (lMax + 0.5) ** (1 - exponent)) / (exponent - 1);
    tail[j] = n * sum;
  }
  const base = aliasedEigenvalues(coefficient, n);
  return { tail, eigenvalue: base.map((v, j) => v + tail[j]), amplitude };
}

function term(m: number, amplitude: { even: number; odd: number }, p: number): number {
  return (m % 2 === 0 ? amplitude.even : amplitude.odd) * m ** -p;
}

/**
 * Mean of a_m m^p over the last quarter of the computed frequencies of the given parity; 0 when those
 * coefficients are negligible next to the other parity's (a vanishing parity).
 */
function fitAmplitude(coefficient: ArrayLike<number>, p: number, parity: 0 | 1): number {
  const J = coefficient.length - 1;
  let sum = 0;
  let count = 0;
  let other = 0;
  for (let m = Math.ceil((3 * J) / 4); m <= J; m++) {
    const scaled = coefficient[m] * m ** p;
    if (m % 2 === parity) {
      sum += scaled;
      count++;
    } else {
      other = Math.max(other, Math.abs(scaled));
    }
  }
  const mean = count > 0 ? sum / count : 0;
  return Math.abs(mean) <= 1e-6 * other ? 0 : mean;
}
