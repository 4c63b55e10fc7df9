/**
 * Tuning one parameter of a kernel family so that its decay slope on the circle matches a target slope
 * (notebook 03: the beta of exp(-r^alpha) r^beta and the nu of a Matern kernel against the ReLU^k NTK).
 *
 * The slope is the n -> infinity one (circleMercerSlope: Mercer coefficients in frequency order) over a
 * fixed rank window from..to. A parameter whose window is not fully resolved (the coefficients vanish
 * before rank `to`, or the fit has no slope) gets the mismatch `penalty` instead of (s - target)^2, so the
 * search walks away from it. The search is minimizeScalar (a downhill bracket search from `bracket`, then
 * Brent's method inside `bounds`) with an absolute tolerance in the parameter and no relative one.
 */
import type { Kernel } from "../kernels/kernel";
import { minimizeScalar } from "../optimize";
import { circleMercerSlope } from "../spectrum/circle-mercer-slope";
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkOptionKeys,
  checkPositive,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";

export interface CircleWindowOptions {
  /** First rank of the window, 1-based. */
  from: number;
  /** Last rank: the window must be resolved up to it. */
  to: number;
  /** Highest frequency of the quadrature (a_0..a_maxFrequency, ranks up to 2 maxFrequency + 1). */
  maxFrequency: number;
  /** Fit |a_j|, for indefinite kernels (default false). */
  magnitude?: boolean;
}

const WINDOW_KEYS = ["from", "to", "maxFrequency", "magnitude"] as const;

function checkWindow(who: string, options: CircleWindowOptions, allowed: readonly string[]): void {
  const {
    from,
    to,
    maxFrequency,
    magnitude = false,
  } = requiredObject(who, "options", options, "{ from, to, maxFrequency }");
  checkOptionKeys(who, options, allowed);
  checkInteger(who, "from", from, 1);
  checkInteger(who, "to", to, from + 1);
  checkInteger(who, "maxFrequency", maxFrequency, 0);
  checkBoolean(who, "magnitude", magnitude);
}

/**
 * The least-squares Mercer slope of `kernel` on the circle over ranks from..to (of |a_j| with magnitude),
 * or null when the window is not resolved through rank `to` (circleMercerSlope shortened it, or its
 * decaySlope found values at the floor).
 */
export function circleWindowSlope(kernel: Kernel, options: CircleWindowOptions): number | null {
  const who = "circleWindowSlope";
  checkFunction(who, "kernel", kernel, "a kernel of the lab (X, Y) -> Matrix, such as matern({ nu: 1.5 })");
  checkWindow(who, options, WINDOW_KEYS);
  return windowSlope(who, kernel, options);
}

function windowSlope(who: string, kernel: Kernel, options: CircleWindowOptions): number | null {
  const { from, to, maxFrequency, magnitude = false } = options;
  const m = renamed(who, "circleMercerSlope", () =>
    circleMercerSlope(kernel, { from, to, maxFrequency, magnitude }),
  );
  return m.to === to && m.fit !== null ? m.fit.slope : null;
}

export interface MatchDecaySlopeOptions extends CircleWindowOptions {
  /** The slope to match. */
  target: number;
  /** Two starting points of the downhill bracket search, [x0, x1]. */
  bracket: readonly [number, number];
  /** The parameter stays in [lower, upper]. */
  bounds: readonly [number, number];
  /** Absolute tolerance in the parameter (> 0). */
  tolerance: number;
  /** Mismatch of a parameter whose window is not resolved (default 100: never near an optimum). */
  penalty?: number;
}

export interface MatchedDecaySlope {
  /** The parameter found. */
  parameter: number;
  /** The family's window slope there (null if even the best parameter is not resolved). */
  slope: number | null;
  /** |slope - target| at the parameter found (sqrt of the minimized mismatch; sqrt(penalty) if not resolved). */
  mismatch: number;
  /** Slope evaluations of the search, bracket search included (the final `slope` is one more). */
  evaluations: number;
  /** minimizeScalar met its tolerance. */
  converged: boolean;
}

/**
 * The parameter x of family(x) (a kernel of the lab for each x: (beta) => extendedLaplace({ alpha: 1,
 * beta })) whose circle window slope (circleWindowSlope with from, to, maxFrequency, magnitude) is closest
 * to options.target, minimizing (slope(x) - target)^2 by minimizeScalar from options.bracket inside
 * options.bounds to an absolute tolerance options.tolerance in x.
 */
export function matchDecaySlope(
  family: (x: number) => Kernel,
  options: MatchDecaySlopeOptions,
): MatchedDecaySlope {
  const who = "matchDecaySlope";
  checkFunction(who, "family", family, "a function of one number returning a kernel of the lab");
  const keys = [...WINDOW_KEYS, "target", "bracket", "bounds", "tolerance", "penalty"];
  checkWindow(who, options, keys);
  const { target, bracket, bounds, tolerance, penalty = 100 } = options;
  if (typeof target !== "number" || !Number.isFinite(target)) {
    throw new Error(`${who}: target must be a finite number (a slope), got ${describeValue(target)}`);
  }
  checkPositive(who, "tolerance", tolerance);
  checkPositive(who, "penalty", penalty);
  const kernelAt = (x: number): Kernel => {
    const k: unknown = family(x);
    if (typeof k !== "function") {
      throw new Error(`${who}: family must return a kernel of the lab, got ${describeValue(k)} at x = ${x}`);
    }
    return k as Kernel;
  };
  const slopeAt = (x: number): number | null => windowSlope(who, kernelAt(x), options);
  const mismatch = (x: number): number => {
    const s = slopeAt(x);
    return s === null ? penalty : (s - target) ** 2;
  };
  const result = renamed(who, "minimizeScalar", () =>
    minimizeScalar(mismatch, { bracket, bounds, absoluteTolerance: tolerance, relativeTolerance: 0 }),
  );
  return {
    parameter: result.x,
    slope: slopeAt(result.x),
    mismatch: Math.sqrt(result.fx),
    evaluations: result.evaluations,
    converged: result.converged,
  };
}
