/**
 * The error function to full double precision, for the erf activation (JavaScript has no Math.erf).
 *
 * erf(x) = (2/sqrt(pi)) e^{-x^2} sum_{n>=0} 2^n x^{2n+1} / (1*3*...*(2n+1)) (Abramowitz & Stegun 7.1.6):
 * every term is positive, so the sum has no cancellation at any x; at |x| >= 6, 1 - |erf(x)| < 3e-17.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** d/dx erf(x) = (2 / sqrt(pi)) e^{-x^2}. */
export function erfDerivative(x: number): number {
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
}
