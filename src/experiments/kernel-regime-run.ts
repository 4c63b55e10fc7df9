/**
 * A network trained by full-batch gradient descent beside its linearized model (notebook 05's runs on
 * multi-scale targets): train() in segments between checkpoints, and at every checkpoint the fit's Fourier
 * errors, the same for the kernel dynamics r_t = (I - eta K_0 / n)^t r_0 of the empirical NTK K_0 at
 * initialization (r_0 = f_0(X) - y, the network's own initial output), how far the weights and the
 * empirical NTK have moved, and the current lambda_max. Plus the steps each target frequency needs, for
 * the network (from its checkpoints) and for its linearized model (followed up to a horizon).
 *
 * Inputs: the n points of periodicGrid(n) on [-1, 1) (one input per point), so that componentErrors gives
 * the error of every frequency k < n / 2 exactly. Loss: L = (1 / 2n) sum_i (f(x_i) - y_i)^2. The step is
 * rateFraction times the guard's bound 2n / lambda_max(K_0) (stableLearningRate).
 *
 * linearizedGap is the width sweep's measure on the same footing: ||f_t(X) - f_t^lin(X)|| / ||y|| at each
 * checkpoint, for a network and its linearized model trained side by side.
 */
import { Matrix } from "ml-matrix";
import { relativeError } from "../kernels/convergence";
import { empiricalNtk } from "../kernels/empirical";
import type { Network } from "../network";
import { gradientDescentDynamics } from "../regression/dynamics";
import { componentErrors, stepsToLearn } from "../spectral-bias";
import { eigenvalues } from "../spectrum/eigen";
import { checkSineSeries, periodicGrid, type SineSeries } from "../targets";
import { stableLearningRate } from "../training/guard";
import { squaredLoss } from "../training/gradient";
import { train } from "../training/train";
import {
  checkInRange,
  checkInteger,
  checkNumberList,
  checkPositive,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";

export interface KernelRegimeRunOptions {
  /** Training inputs: periodicGrid(n), n an integer >= 4 (and above twice the target's top frequency). */
  n: number;
  /**
   * The learning rate as this fraction of the guard's bound 2n / lambda_max at initialization, in (0, 1):
   * at 1 and above the linearized model diverges along its top eigenvector.
   */
  rateFraction: number;
  /** Steps at which to measure: integers, strictly ascending, the first 0; the last is the budget. */
  checkpoints: readonly number[];
  /** Checkpoints at which the network is also evaluated on `grid` (default none). */
  curveSteps?: readonly number[];
  /** Points x (one input each) on which the fitted function is drawn at curveSteps (default none). */
  grid?: ArrayLike<number>;
  /** A frequency counts as learned once its relative error stays at or below this (> 0). */
  learnedBelow: number;
  /** How far in steps the linearized model's time to learn is followed (>= 1). */
  horizon: number;
  /** Arithmetic of the training steps (train's precision; default "float64"). */
  precision?: "float64" | "float32";
}

/** One run; maps are keyed by checkpoint step (only the checkpoints reached: a diverged run stops early). */
export interface KernelRegimeRun {
  /** The learning rate used and the guard's bound 2n / lambda_max at initialization. */
  eta: number;
  bound: number;
  /** "budget", or train's message when a segment diverged. */
  stop: string;
  /** The last checkpoint reached. */
  stepsRun: number;
  /** losses[t]: the network's training loss after t updates, t = 0 .. stepsRun (as train() records it). */
  losses: Float64Array;
  /** The linearized model's loss at each checkpoint. */
  kernelLoss: Map<number, number>;
  /** componentErrors of the network's and of the linearized model's residual, one per target frequency. */
  netErrors: Map<number, Float64Array>;
  kernelErrors: Map<number, Float64Array>;
  /** |theta_t - theta_0| / |theta_0| and |K_t - K_0|_F / |K_0|_F. */
  weightChange: Map<number, number>;
  kernelChange: Map<number, number>;
  /** Largest eigenvalue of the empirical NTK K_t. */
  lambdaMax: Map<number, number>;
  /** The network on `grid` at each of curveSteps reached. */
  curves: Map<number, Float64Array>;
  /** Per target frequency: the first checkpoint from which the network's error stays <= learnedBelow. */
  netLearned: (number | null)[];
  /** Per target frequency: the same for the linearized model, up to the horizon (null: not within). */
  kernelLearned: (number | null)[];
}

function checkCheckpoints(who: string, checkpoints: unknown): readonly number[] {
  if (!Array.isArray(checkpoints) || checkpoints.length < 2) {
    throw new Error(
      `${who}: checkpoints must be an array of at least 2 steps (0 and the budget), got ${describeValue(checkpoints)}`,
    );
  }
  checkpoints.forEach((t, i) => checkInteger(who, `checkpoints[${i}]`, t as number, i === 0 ? 0 : 1));
  if (checkpoints[0] !== 0) {
    throw new Error(`${who}: checkpoints must start at step 0, got checkpoints[0] = ${checkpoints[0]}`);
  }
  checkpoints.forEach((t, i) => {
    if (i > 0 && !(t > checkpoints[i - 1])) {
      throw new Error(
        `${who}: checkpoints must be strictly ascending, got checkpoints[${i}] = ${t} after ${checkpoints[i - 1]}`,
      );
    }
  });
  return checkpoints as number[];
}

function checkPrecision(who: string, precision: unknown): "float64" | "float32" {
  if (precision !== "float64" && precision !== "float32") {
    throw new Error(`${who}: precision must be "float64" or "float32", got ${describeValue(precision)}`);
  }
  return precision;
}

function checkRunInputs(who: string, net: Network, target: SineSeries, n: number): void {
  if (net === null || typeof net !== "object" || typeof net.predict !== "function") {
    throw new Error(`${who}: net must be a Network (mlpNetwork), got ${describeValue(net)}`);
  }
  if (net.inputDim !== 1 || net.outputs !== 1) {
    throw new Error(
      `${who}: net must take one input and give one output (x on [-1, 1)), got inputDim ${net.inputDim}, outputs ${net.outputs}`,
    );
  }
  checkSineSeries(who, "target", target);
  checkInteger(who, "n", n, 4);
  const top = Math.max(...target.frequencies);
  if (!(2 * top < n)) {
    throw new Error(`${who}: n must be above twice the target's top frequency ${top}, got ${n}`);
  }
}

/**
 * Trains net in place (see the file comment) and returns what was measured. Costs the training
 * (checkpoints' last value in steps) plus, per checkpoint, one empirical NTK and its top eigenvalue, and
 * the linearized model's time to learn (its eigendecomposition once, then 10 grid steps per decade).
 */
export function kernelRegimeRun(
  net: Network,
  target: SineSeries,
  options: KernelRegimeRunOptions,
): KernelRegimeRun {
  const who = "kernelRegimeRun";
  requiredObject(
    who,
    "options",
    options,
    "{ n, rateFraction, checkpoints, learnedBelow, horizon, curveSteps?, grid?, precision? }",
  );
  const { n, rateFraction, learnedBelow, horizon, curveSteps = [], precision = "float64" } = options;
  checkRunInputs(who, net, target, n);
  checkInRange(who, "rateFraction", rateFraction, 0, 1, { hiInclusive: false });
  const checkpoints = checkCheckpoints(who, options.checkpoints);
  checkPositive(who, "learnedBelow", learnedBelow);
  if (!(horizon >= 1 && Number.isFinite(horizon))) {
    throw new Error(`${who}: horizon must be a finite number of steps >= 1, got ${horizon}`);
  }
  if (!Array.isArray(curveSteps)) {
    throw new Error(`${who}: curveSteps must be an array of steps, got ${describeValue(curveSteps)}`);
  }
  const grid =
    options.grid === undefined
      ? new Float64Array(0)
      : Float64Array.from(checkNumberList(who, "grid", options.grid));
  if (curveSteps.length > 0 && grid.length === 0) {
    throw new Error(`${who}: grid must be a non-empty list of points when curveSteps are given`);
  }
  checkPrecision(who, precision);

  const X = periodicGrid(n);
  const Xcol = new Matrix(Array.from(X, (x) => [x]));
  const y = target.at(X);
  const theta0 = Float64Array.from(net.params);
  const K0 = renamed(who, "empiricalNtk", () => empiricalNtk(net, Xcol));
  const K0flat = K0.to1DArray();
  const f0 = net.predict(X, n);
  const guard = renamed(who, "stableLearningRate", () => stableLearningRate(net, Xcol));
  const eta = rateFraction * guard.maxLearningRate;
  const dyn = renamed(who, "gradientDescentDynamics", () =>
    gradientDescentDynamics(K0, y, { eta, initial: f0 }),
  );
  const run: KernelRegimeRun = {
    eta,
    bound: guard.maxLearningRate,
    stop: "budget",
    stepsRun: 0,
    losses: new Float64Array(0),
    kernelLoss: new Map(),
    netErrors: new Map(),
    kernelErrors: new Map(),
    weightChange: new Map(),
    kernelChange: new Map(),
    lambdaMax: new Map(),
    curves: new Map(),
    netLearned: [],
    kernelLearned: [],
  };
  const losses: number[] = [];
  let done = 0;
  for (const t of checkpoints) {
    if (t > done) {
      const segment = trainSegment(net, Xcol, y, t - done, eta, precision);
      // Each segment's losses[0] is the loss at its start, stored already (at checkpoint 0 or as the
      // previous segment's last).
      losses.push(...Array.from(segment.losses).slice(1));
      if (segment.stopReason === "diverged") {
        run.stop = segment.message;
        break;
      }
      done = t;
    } else if (t === 0) {
      losses.push(squaredLoss(f0, y, n));
    }
    const f = net.predict(X, n);
    run.netErrors.set(
      t,
      componentErrors(
        Array.from(f, (v, i) => v - y[i]),
        target,
      ),
    );
    const rk = dyn.residual(t);
    run.kernelErrors.set(t, componentErrors(rk, target));
    run.kernelLoss.set(t, squaredLoss(rk, new Float64Array(n), n));
    const K = empiricalNtk(net, Xcol);
    run.kernelChange.set(t, relativeError(K.to1DArray(), K0flat));
    run.weightChange.set(t, relativeError(net.params, theta0));
    run.lambdaMax.set(t, eigenvalues(K, { top: 1 })[0]);
    if (curveSteps.includes(t)) run.curves.set(t, net.predict(grid, grid.length));
  }
  run.stepsRun = done;
  run.losses = Float64Array.from(losses);
  const reached = checkpoints.filter((t) => run.netErrors.has(t));
  run.netLearned = stepsToLearn((t) => run.netErrors.get(t)!, { steps: reached, threshold: learnedBelow });
  run.kernelLearned = stepsToLearn((t) => componentErrors(dyn.residual(t), target), {
    threshold: learnedBelow,
    maxSteps: horizon,
    perDecade: 10,
  });
  return run;
}

export interface LinearizedGapOptions {
  /** Training inputs: periodicGrid(n), n an integer >= 4. */
  n: number;
  /**
   * The learning rate as this fraction of the guard's bound 2n / lambda_max at initialization, in (0, 1):
   * at 1 and above the linearized model diverges along its top eigenvector.
   */
  rateFraction: number;
  /** Steps at which to measure: integers >= 1, strictly ascending; the last is the budget. */
  checkpoints: readonly number[];
  /** Arithmetic of the training steps (default "float64"). */
  precision?: "float64" | "float32";
}

/**
 * Trains net in place on (periodicGrid(n), target) by gradient descent and returns, at each checkpoint t,
 * gap = ||f_t(X) - f_t^lin(X)|| / ||y||: the distance between the network's outputs on the training inputs
 * and its linearized model's (kernel dynamics of the empirical NTK at initialization from the same f_0),
 * relative to the target. A diverged segment is an Error naming the step.
 */
export function linearizedGap(
  net: Network,
  target: SineSeries,
  options: LinearizedGapOptions,
): { step: number; gap: number }[] {
  const who = "linearizedGap";
  requiredObject(who, "options", options, "{ n, rateFraction, checkpoints, precision? }");
  const { n, rateFraction, precision = "float64" } = options;
  checkRunInputs(who, net, target, n);
  checkInRange(who, "rateFraction", rateFraction, 0, 1, { hiInclusive: false });
  const checkpoints = options.checkpoints;
  if (!Array.isArray(checkpoints) || checkpoints.length < 1) {
    throw new Error(
      `${who}: checkpoints must be a non-empty array of steps, got ${describeValue(checkpoints)}`,
    );
  }
  checkpoints.forEach((t, i) => {
    checkInteger(who, `checkpoints[${i}]`, t, 1);
    if (i > 0 && !(t > checkpoints[i - 1])) {
      throw new Error(
        `${who}: checkpoints must be strictly ascending, got checkpoints[${i}] = ${t} after ${checkpoints[i - 1]}`,
      );
    }
  });
  checkPrecision(who, precision);
  const X = periodicGrid(n);
  const Xcol = new Matrix(Array.from(X, (x) => [x]));
  const y = target.at(X);
  const yNorm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
  const K0 = renamed(who, "empiricalNtk", () => empiricalNtk(net, Xcol));
  const eta =
    rateFraction * renamed(who, "stableLearningRate", () => stableLearningRate(net, Xcol)).maxLearningRate;
  const dyn = renamed(who, "gradientDescentDynamics", () =>
    gradientDescentDynamics(K0, y, { eta, initial: net.predict(X, n) }),
  );
  const out: { step: number; gap: number }[] = [];
  let done = 0;
  for (const t of checkpoints) {
    const segment = trainSegment(net, Xcol, y, t - done, eta, precision);
    if (segment.stopReason === "diverged") throw new Error(`${who}: ${segment.message}`);
    done = t;
    const f = net.predict(X, n);
    const r = dyn.residual(t); // f_lin(X) - y
    out.push({ step: t, gap: Math.sqrt(f.reduce((s, v, i) => s + (v - y[i] - r[i]) ** 2, 0)) / yNorm });
  }
  return out;
}

/**
 * steps of full-batch gradient descent at the fixed rate eta (the runs pick eta from the stability bound
 * and check it themselves), the stretch of a run between two checkpoints.
 */
function trainSegment(
  net: Network,
  X: Matrix,
  y: ArrayLike<number>,
  steps: number,
  eta: number,
  precision: "float64" | "float32",
) {
  return train(net, X, y, { steps, learningRate: eta, learningRateCheck: "off", progress: false, precision });
}

/** Where a kernelRegimeRun ended: its values at its last checkpoint reached (stepsRun). */
export interface KernelRegimeRunEnd {
  /** The network's last training loss, and its linearized model's at the same step. */
  loss: number;
  kernelLoss: number;
  /** Relative error of each target frequency (network; linearized model); the last is the top one. */
  errors: Float64Array;
  kernelErrors: Float64Array;
  /** Relative error of the top target frequency (network; linearized model). */
  topError: number;
  kernelTopError: number;
  weightChange: number;
  kernelChange: number;
  /** lambda_max(K_end) / lambda_max(K_0). */
  lambdaMaxGrowth: number;
  /** The largest eta lambda_max(K_t) / 2n over the checkpoints: 1 is the stability bound of K_t. */
  peakSharpness: number;
}

/** The end of a run (see KernelRegimeRunEnd); n is the run's number of training inputs. */
export function kernelRegimeRunEnd(run: KernelRegimeRun, n: number): KernelRegimeRunEnd {
  const who = "kernelRegimeRunEnd";
  if (run === null || typeof run !== "object" || !(run.netErrors instanceof Map)) {
    throw new Error(`${who}: run must be a kernelRegimeRun result, got ${describeValue(run)}`);
  }
  checkInteger(who, "n", n, 1);
  const t = run.stepsRun;
  const errors = run.netErrors.get(t)!;
  const kernelErrors = run.kernelErrors.get(t)!;
  return {
    loss: run.losses[run.losses.length - 1],
    kernelLoss: run.kernelLoss.get(t)!,
    errors,
    kernelErrors,
    topError: errors[errors.length - 1],
    kernelTopError: kernelErrors[kernelErrors.length - 1],
    weightChange: run.weightChange.get(t)!,
    kernelChange: run.kernelChange.get(t)!,
    lambdaMaxGrowth: run.lambdaMax.get(t)! / run.lambdaMax.get(0)!,
    peakSharpness: (Math.max(...run.lambdaMax.values()) * run.eta) / (2 * n),
  };
}
