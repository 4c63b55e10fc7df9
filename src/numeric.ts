/**
 * Floating-point limits, the resolution floor of a matrix spectrum, and the one scaled norm the lab uses
 * where a plain sum of squares underflows (keeping fewer than 53 bits, or 0) or overflows.
 */
import { checkFinite, checkInteger } from "./validate";

/** The smallest normal float64, 2^-1022: a sum of squares or a product below it keeps fewer than 53 bits. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * n eps scale: the float64 resolution of the eigenvalues of an n x n symmetric matrix whose largest
 * |eigenvalue| is `scale` (or of its Cholesky pivots, with scale its largest diagonal entry). A
 * backward-stable eigensolver returns the exact spectrum of K + E with ||E|| about n eps ||K|| (Golub &
 * Van Loan 8.1.2, 8.3), so an eigenvalue at or below the floor is rounding noise, not a property of K:
 * it may come out negative, and a decay slope or a division through it measures the arithmetic. Scale 1
 * gives the floor of the ratios lambda_i / lambda_1.
 */
export function precisionFloor(n: number, scale: number): number {
  checkInteger("precisionFloor", "n", n, 1);
  checkFinite("precisionFloor", "scale", scale);
  return n * Number.EPSILON * scale;
}

/**
 * The Euclidean norm of the `count` numbers component(0), ..., component(count - 1), each divided by the
 * largest |component(k)| before squaring, so that neither tiny nor huge components lose digits; 0 when all
 * are 0. With `divisor` the root is of the sum of squares over divisor (count: the root mean square, which
 * then cannot overflow). For the cases where the plain sum of squares is not a normal finite number: it
 * costs two passes.
 */
export function scaledNorm(count: number, component: (k: number) => number, divisor = 1): number {
  let big = 0;
  for (let k = 0; k < count; k++) big = Math.max(big, Math.abs(component(k)));
  if (big === 0) return 0;
  let sum = 0;
  for (let k = 0; k < count; k++) sum += (component(k) / big) ** 2;
  return big * Math.sqrt(sum / divisor);
}
