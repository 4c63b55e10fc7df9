/**
 * Test helpers for the spectrum tests: closed-form kernels on the unit circle as functions of the angle
 * theta in [0, pi] between the two points, and their matrices on circle angles. Kept independent of
 * src/kernels on purpose, so the spectrum tests pin the eigen solvers against formulas written out here.
 *
 * Arc-cosine kernels (Cho & Saul 2009): for unit vectors, E[relu(w.x)^k relu(w.y)^k] = J_k(theta) / (2 pi)
 * with J_0 = pi - theta, J_1 = sin theta + (pi - theta) cos theta,
 * J_2 = 3 sin theta cos theta + (pi - theta)(1 + 2 cos^2 theta).
 * Two-layer NTK (Arora et al. 2019, in the conventions of src/kernels/ntk.ts): Theta = Sigma0 dSigma + Sigma with
 * Sigma = c J_k / (2 pi), dSigma = c k^2 J_{k-1} / (2 pi), c = 2 / (2k - 1)!!.
 */
import { Matrix } from "ml-matrix";

const PI = Math.PI;
const J0 = (t: number): number => PI - t;
const J1 = (t: number): number => Math.sin(t) + (PI - t) * Math.cos(t);
const J2 = (t: number): number => 3 * Math.sin(t) * Math.cos(t) + (PI - t) * (1 + 2 * Math.cos(t) ** 2);

/** Two-layer ReLU NTK without bias (relu_ntk_L1 in kernels.json): kappa(1) = 2. */
export const reluNtk = (t: number): number => (Math.cos(t) * J0(t)) / PI + J1(t) / PI;

/** Two-layer ReLU^2 NTK without bias (c = 2/3): Theta = u (4 / (3 pi)) J_1 + J_2 / (3 pi). */
export const relu2Ntk = (t: number): number => (Math.cos(t) * 4 * J1(t)) / (3 * PI) + J2(t) / (3 * PI);

/**
 * Two-layer ReLU NTK with first-layer bias, x -> (x, 1): |x~|^2 = 2, Sigma0 = cos t + 1, and the angle
 * between the lifted points t~ = 2 atan2(|x - y|, |x + y|_lifted) = 2 atan2(sin(t/2), sqrt(1 + cos^2(t/2))),
 * accurate near t = 0 where arccos((1 + cos t) / 2) would lose half the digits.
 */
export const reluNtkBias = (t: number): number => {
  const lifted = 2 * Math.atan2(Math.sin(t / 2), Math.sqrt(1 + Math.cos(t / 2) ** 2));
  return ((Math.cos(t) + 1) * J0(lifted)) / PI + (2 * J1(lifted)) / PI;
};

/** |x - y| for unit vectors at angle t. */
const distance = (t: number): number => 2 * Math.sin(t / 2);
export const laplace = (t: number): number => Math.exp(-distance(t));
export const pseudoLaplace =
  (alpha: number) =>
  (t: number): number =>
    Math.exp(-(distance(t) ** alpha));
export const gaussian = (t: number): number => Math.exp(-(distance(t) ** 2) / 2);
/** exp(-r^alpha) r^beta: zero on the diagonal, indefinite for beta > 0. */
export const extended =
  (alpha: number, beta: number) =>
  (t: number): number =>
    Math.exp(-(distance(t) ** alpha)) * distance(t) ** beta;

/** Kernel matrix on circle points with the given angles; the angle between t_i and t_j folded into [0, pi]. */
export function circleMatrix(kernel: (t: number) => number, angles: ArrayLike<number>): Matrix {
  const n = angles.length;
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let d = Math.abs(angles[i] - angles[j]) % (2 * PI);
      if (d > PI) d = 2 * PI - d;
      const v = kernel(d);
      K.set(i, j, v);
      K.set(j, i, v);
    }
  }
  return K;
}

/** The kernel matrix on n equally spaced points t_m = 2 pi m / n, exactly circulant. */
export function gridMatrix(kernel: (t: number) => number, n: number): Matrix {
  const row = new Float64Array(n);
  for (let m = 0; m < n; m++) row[m] = kernel((2 * PI * Math.min(m, n - m)) / n);
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, row[(j - i + n) % n]);
  return K;
}
