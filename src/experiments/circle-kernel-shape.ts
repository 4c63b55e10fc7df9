/**
 * The shape of a kernel on the unit circle, as notebook 01 draws and tabulates it: K(theta) =
 * k((1, 0), (cos theta, sin theta)) divided by K(0), on a grid over [-pi, pi], and the numbers that say
 * whether it has a corner at theta = 0 (a nonzero one-sided slope, an exponent p = 1 in
 * 1 - K/K(0) ~ theta^p) or a smooth maximum (slope 0, p = 2).
 */
import { logLogSlope } from "../kernels/convergence";
import type { Kernel } from "../kernels/kernel";
import { circleProfile } from "../spectrum/ranked";
import { checkFunction, checkInteger, describeValue, requiredObject } from "../validate";

/** One point of a kernel's curve K(theta) / K(0), labelled by the kernel's name (for a Plot line). */
export interface CircleCurvePoint {
  kernel: string;
  /** theta in radians, in [-pi, pi]. */
  angle: number;
  /** K(theta) / K(0). */
  value: number;
}

export interface CircleKernelShape {
  /** The kernel's name. */
  kernel: string;
  /** K(0) = k(x, x) at x = (1, 0). */
  K0: number;
  /** K(pi/2) / K(0). */
  atHalfPi: number;
  /** K(pi) / K(0). */
  atPi: number;
  /** The smallest K(theta) / K(0) on the grid. */
  minimum: number;
  /** One-sided slope d/dtheta K/K(0) at 0+ (Richardson extrapolation of difference quotients, h = 1e-5). */
  slopeAt0: number;
  /** One-sided slope at pi- (same method). */
  slopeAtPi: number;
  /** p in 1 - K(theta)/K(0) ~ theta^p, a log-log least-squares fit on 9 angles from 1e-4 to 1e-2. */
  exponentAt0: number;
  /** K(theta) / K(0) at theta = -pi + 2 pi i / angleSteps, i = 0..angleSteps (angleSteps + 1 points). */
  curve: CircleCurvePoint[];
}

/** The step of the one-sided difference quotients (and twice it, for the Richardson extrapolation). */
const SLOPE_STEP = 1e-5;
/** The angles of the exponent fit: 1e-4 10^(i/4), i = 0..8 (1e-4 to 1e-2, four per decade). */
const SMALL_ANGLES = Array.from({ length: 9 }, (_, i) => 1e-4 * Math.pow(10, i / 4));

/**
 * The shape numbers and the curve of `kernel` (any kernel of the lab on 2-D points: networkKernel,
 * laplace, gaussian, ...) on the unit circle, with x = (1, 0) and x' = (cos theta, sin theta), every value
 * divided by K(0). angleSteps is the number of grid steps on [-pi, pi]: an even integer >= 2, so that
 * theta = 0 is on the grid. Throws when K(0) is not > 0 or a value is not finite.
 */
export function circleKernelShape(kernel: Kernel, options: { angleSteps: number }): CircleKernelShape {
  const who = "circleKernelShape";
  checkFunction(who, "kernel", kernel, "a kernel of the lab (X, Y) -> Matrix, such as networkKernel(...)");
  const { angleSteps } = requiredObject(who, "options", options, "{ angleSteps }");
  checkInteger(who, "angleSteps", angleSteps, 2);
  if (angleSteps % 2 !== 0) {
    throw new Error(`${who}: angleSteps must be even (so that theta = 0 is on the grid), got ${angleSteps}`);
  }
  const name = kernel.name;
  const profile = circleProfile(kernel);
  const k0 = profile(0);
  if (!(k0 > 0)) {
    throw new Error(`${who}: kernel must have K(0) = k(x, x) > 0 at x = (1, 0), got ${describeValue(k0)}`);
  }
  const at = (t: number) => profile(t) / k0;
  const angles = Array.from({ length: angleSteps + 1 }, (_, i) => -Math.PI + (2 * Math.PI * i) / angleSteps);
  const row = kernel(
    [[1, 0]],
    angles.map((t) => [Math.cos(t), Math.sin(t)]),
  ).getRow(0);
  const values = row.map((v) => v / k0);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `${who}: kernel must return finite values; at angle ${angles[bad]} K/K(0) is ${values[bad]}`,
    );
  }
  const quotient0 = (d: number) => (at(d) - 1) / d;
  const quotientPi = (d: number) => (at(Math.PI) - at(Math.PI - d)) / d;
  const drop = SMALL_ANGLES.map((t) => 1 - at(t));
  const rising = drop.findIndex((v) => !(v > 0));
  if (rising >= 0) {
    throw new Error(
      `${who}: kernel must fall below K(0) near theta = 0 (1 - K/K(0) > 0 for the exponent fit), ` +
        `got ${drop[rising]} at theta = ${SMALL_ANGLES[rising]}`,
    );
  }
  const fit = logLogSlope(SMALL_ANGLES, drop);
  return {
    kernel: name,
    K0: k0,
    atHalfPi: at(Math.PI / 2),
    atPi: at(Math.PI),
    minimum: Math.min(...values),
    slopeAt0: 2 * quotient0(SLOPE_STEP) - quotient0(2 * SLOPE_STEP),
    slopeAtPi: 2 * quotientPi(SLOPE_STEP) - quotientPi(2 * SLOPE_STEP),
    exponentAt0: fit.slope,
    curve: values.map((value, i) => ({ kernel: name, angle: angles[i], value })),
  };
}
