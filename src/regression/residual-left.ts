/**
 * How much of the training residual gradient descent on a kernel model has left along each eigenvector
 * (notebook 07's spectral-bias figure): after t steps, |v_j^T r_t| / |v_j^T r_0| for every eigen-direction
 * j of K, which the dynamics make (1 - eta lambda_j / n)^t in magnitude.
 */
import { checkInteger, checkNumberList, describeValue } from "../validate";
import type { KernelDynamics } from "./dynamics";

export interface ResidualLeft {
  /** The step count t. */
  step: number;
  /**
   * |v_j^T r_t| / |v_j^T r_0| (dimensionless), entry j - 1 for direction j = 1..n by decreasing eigenvalue;
   * 0 along a direction where the initial residual is exactly 0 (nothing to fit there, and nothing moves).
   */
  remaining: Float64Array;
}

/**
 * The fraction of the initial training residual left along each eigenvector of the kernel after each step
 * count of `steps` (integers >= 0, in the order given), from gradientDescentDynamics(K, y, { eta }):
 * Math.abs(dynamics.residualByDirection(t)[j] / dynamics.residualByDirection(0)[j]). Above the stable step
 * a fraction exceeds 1 and may overflow to Infinity.
 */
export function residualLeft(dynamics: KernelDynamics, steps: readonly number[]): ResidualLeft[] {
  const who = "residualLeft";
  const method = (dynamics as Partial<KernelDynamics> | null)?.residualByDirection;
  if (typeof method !== "function") {
    throw new Error(
      `${who}: dynamics must be the result of gradientDescentDynamics (with residualByDirection), ` +
        `got ${describeValue(dynamics)}`,
    );
  }
  const stepList = Array.from(checkNumberList(who, "steps", steps, { min: 1 }));
  stepList.forEach((t, i) => checkInteger(who, `steps[${i}]`, t, 0));
  const r0 = dynamics.residualByDirection(0);
  return stepList.map((step) => ({
    step,
    remaining: dynamics.residualByDirection(step).map((r, j) => (r0[j] === 0 ? 0 : Math.abs(r / r0[j]))),
  }));
}
