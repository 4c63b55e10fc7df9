/**
 * A training run watched as spectral bias (the NTK-study write-up, Experiment 3): train() with checkpoints
 * at which the error of each Fourier component of the fit, how far the weights and the empirical NTK have
 * moved, and the kernel's largest eigenvalue are measured; and the kernel's forecast of how many more
 * gradient-descent steps each component needs, from any state of the network (at initialization: the
 * linearized model; at the end of a run cut by its budget: the prediction of the rest).
 *
 * Inputs: point i of X must sit at position i of the periodic grid (periodicGrid(n) on [-1, 1), or its
 * image (cos pi x, sin pi x) on the circle), so that the discrete Fourier transform of the residual gives
 * every frequency k < n / 2 exactly (componentErrors).
 */
import { Matrix } from "ml-matrix";
import { empiricalNtk } from "../kernels/empirical";
import type { PointsInput } from "../kernels/points";
import type { Network } from "../network";
import { relativeError } from "../kernels/convergence";
import { gradientDescentDynamics } from "../regression/dynamics";
import { times } from "../regression/vectors";
import { componentErrors, logSpacedSteps, stepsToLearn } from "../spectral-bias";
import { eigenvalues } from "../spectrum/eigen";
import { checkSineSeries, periodicGrid, type SineSeries } from "../targets";
import { activationByName } from "../activations";
import {
  checkBoolean,
  checkFinite,
  checkInteger,
  checkNonNegative,
  checkNumberList,
  checkPositive,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";
import { readInputs } from "./data";
import { mlpNetwork } from "./model";
import { train, type TrainOptions, type TrainResult } from "./train";

export interface TrajectoryOptions extends Omit<TrainOptions, "record" | "onRecord"> {
  /** Steps at which to measure (step 0 and the run's last step are always measured). */
  checkpoints: readonly number[];
  /** Measure the empirical NTK (kernelChange, lambdaMax) at every checkpoint; default true. */
  measureKernel?: boolean;
}

/** One measurement along a run. */
export interface Checkpoint {
  step: number;
  loss: number;
  /** componentErrors of the residual f_t(X) - y: one per target frequency. */
  errors: Float64Array;
  /** |theta_t - theta_0| / |theta_0| over all parameters. */
  weightChange: number;
  /** |K_t - K_0|_F / |K_0|_F for the empirical NTK on X (null when not measured). */
  kernelChange: number | null;
  /** Largest eigenvalue of K_t (null when not measured). */
  lambdaMax: number | null;
}

export interface Trajectory {
  checkpoints: Checkpoint[];
  result: TrainResult;
  /** The targets y = target.at(grid). */
  y: Float64Array;
  /** The network's outputs on X before and after the run (after a diverged run: at its last record). */
  initialOutput: Float64Array;
  finalOutput: Float64Array;
  /** The empirical NTK on X before and after the run (at the last record; null when not measured). */
  initialKernel: Matrix | null;
  finalKernel: Matrix | null;
}

/**
 * Trains net in place on (X, target.at(periodic grid)) as train() does, measuring at the checkpoints (see
 * the file comment). Costs one empirical NTK per checkpoint on top of the training (about n x parameters
 * x n multiply-adds each), unless measureKernel is false.
 */
export function trainTrajectory(
  net: Network,
  X: PointsInput,
  target: SineSeries,
  options: TrajectoryOptions,
): Trajectory {
  const who = "trainTrajectory";
  if (options === null || typeof options !== "object") {
    throw new Error(
      `${who}: options must be an object { steps, learningRate, checkpoints, ... }, got ${describeValue(options)}`,
    );
  }
  checkSineSeries(who, "target", target);
  const { checkpoints: wanted, measureKernel = true, ...trainOptions } = options;
  if (!Array.isArray(wanted)) {
    throw new Error(`${who}: checkpoints must be an array of steps, got ${describeValue(wanted)}`);
  }
  wanted.forEach((s, i) => checkInteger(who, `checkpoints[${i}]`, s, 0));
  checkBoolean(who, "measureKernel", measureKernel);
  const inputs = readInputs(who, "X", net, X);
  const n = inputs.length / net.inputDim;
  if (n < 4) throw new Error(`${who}: X must hold at least 4 points (a periodic grid), got ${n}`);
  const y = target.at(periodicGrid(n));
  const theta0 = Float64Array.from(net.params);
  const initialKernel = measureKernel ? empiricalNtk(net, X) : null;
  const K0 = initialKernel?.to1DArray() ?? null;
  const initialOutput = net.predict(inputs, n);
  const checkpoints: Checkpoint[] = [];
  let finalKernel: Matrix | null = null;
  let lastPredictions: Float64Array | null = null;
  const result = renamed(who, "train", () =>
    train(net, X, y, {
      ...trainOptions,
      record: wanted,
      onRecord(record, current) {
        const residual = Array.from(record.predictions, (f, i) => f - y[i]);
        // At step 0 the parameters are those initialKernel was measured at.
        const K = !measureKernel ? null : record.step === 0 ? initialKernel : empiricalNtk(current, X);
        finalKernel = K;
        lastPredictions = record.predictions;
        checkpoints.push({
          step: record.step,
          loss: record.loss,
          errors: componentErrors(residual, target),
          weightChange: relativeError(current.params, theta0),
          kernelChange: K && K0 ? relativeError(K.to1DArray(), K0) : null,
          lambdaMax: K ? eigenvalues(K, { top: 1 })[0] : null,
        });
      },
    }),
  );
  return {
    checkpoints,
    result,
    y,
    initialOutput,
    finalOutput: result.stopReason === "diverged" ? lastPredictions! : net.predict(inputs, n),
    initialKernel,
    finalKernel,
  };
}

export interface ForecastOptions {
  /** Step size of gradient descent (> 0). */
  eta: number;
  /** A component counts as learned once its error stays at or below this (default 0.1). */
  threshold?: number;
  /** How far in steps the forecast looks (default 1e12). */
  horizon?: number;
}

/**
 * The kernel's forecast from a network's state: with K the empirical NTK now and f its outputs on the grid
 * now, the linearized dynamics r_s = (I - eta K / n)^s (f - y) give, for each target frequency, the number
 * of further gradient-descent steps s after which its error stays at or below the threshold (null: not
 * within the horizon). At initialization this is the linearized model's time to learn; at the end of a run
 * cut by its budget, the prediction of the rest (valid while the kernel moves little from K). Directions on
 * which the step is unstable for K (eta lambda_j / n >= 2, the edge of stability) are held at their present
 * size rather than followed to infinity.
 */
export function kernelForecast(
  K: Matrix,
  output: ArrayLike<number>,
  target: SineSeries,
  options: ForecastOptions,
): (number | null)[] {
  const who = "kernelForecast";
  if (options === null || typeof options !== "object") {
    throw new Error(
      `${who}: options must be an object { eta, threshold?, horizon? }, got ${describeValue(options)}`,
    );
  }
  checkSineSeries(who, "target", target);
  const { eta, threshold = 0.1, horizon = 1e12 } = options;
  checkPositive(who, "eta", eta);
  checkPositive(who, "threshold", threshold);
  if (!(horizon >= 1 && Number.isFinite(horizon))) {
    throw new Error(`${who}: horizon must be a finite number of steps >= 1, got ${horizon}`);
  }
  if (!(K instanceof Matrix)) {
    throw new Error(
      `${who}: K must be a Matrix (the n x n kernel on the periodic grid), got ${describeValue(K)}`,
    );
  }
  const n = K.rows;
  checkNumberList(who, "output", output, { length: n, lengthRule: " (one per row of K)" });
  const y = target.at(periodicGrid(n));
  const dynamics = renamed(who, "gradientDescentDynamics", () =>
    gradientDescentDynamics(K, y, { eta, initial: output }),
  );
  // Directions the step cannot follow stably (|1 - eta lambda_j / n| >= 1: a network at the edge of
  // stability, whose nonlinearity keeps them bounded) are held at their present size.
  const held = Array.from(dynamics.eigenvalues, (l) => Math.abs(1 - (eta * l) / n) >= 1);
  const start = dynamics.residualByDirection(0);
  const V = dynamics.eigenvectors;
  const residual = (s: number): Float64Array => {
    const c = dynamics.residualByDirection(s);
    held.forEach((h, j) => {
      if (h) c[j] = start[j];
    });
    return times(V, c);
  };
  return stepsToLearn((s) => componentErrors(residual(s), target), {
    threshold,
    maxSteps: horizon,
    perDecade: 10,
  });
}

/** One run of the Experiment-3 study, as a plain record (JSON-ready: the long runs' tables hold these). */
export interface StudyRunSpec {
  /** Activations of the hidden layers, e.g. ["relu", "sin"]. */
  pair: readonly string[];
  parameterization: "ntk" | "standard" | "default";
  /** Name of the target ("multi-sine", "square wave"), for the record. */
  targetName: string;
  target: SineSeries;
  /** "line": inputs x on the periodic grid of [-1, 1); "circle": (cos pi x, sin pi x). */
  inputs: "line" | "circle";
  n: number;
  width: number;
  biasStd: number;
  seed: number;
  optimizer: "gd" | "adam";
  /** The step size: for "gd" as a fraction of the guard's bound 2n / lambda_max at initialization. */
  rate: { fractionOfBound: number } | { learningRate: number };
  /** At most this many steps; with `cappedByForecast`, fewer when the initial kernel forecasts fewer. */
  maxSteps: number;
  /** Cap the budget at the initial kernel's forecast for the top target frequency (at least minSteps). */
  cappedByForecast?: boolean;
  minSteps?: number;
  targetLoss?: number;
  /** Checkpoints per decade of steps (default 10). */
  perDecade?: number;
}

export interface StudyRunRecord {
  spec: Omit<StudyRunSpec, "target">;
  learningRate: number;
  /** 2n / lambda_max of the empirical NTK at initialization. */
  bound: number;
  budget: number;
  /** Why the budget is what it is. */
  budgetReason: string;
  stepsRun: number;
  stopReason: string;
  message: string;
  seconds: number;
  frequencies: number[];
  checkpoints: {
    step: number;
    loss: number;
    errors: number[];
    weightChange: number;
    kernelChange: number;
    lambdaMax: number;
  }[];
  /** Gradient-descent steps the initial kernel forecasts per frequency (null: not within 1e12). */
  initialForecast: (number | null)[];
  /**
   * Further steps the final kernel forecasts per frequency from where the run stopped, at gradient descent
   * with the run's step (Adam: at the same fraction of the final kernel's bound as the gd runs use, 0.8).
   */
  finalForecast: (number | null)[];
  /** Eigen-directions of the final kernel on which the forecast's step is unstable (held: kernelForecast). */
  finalUnstableDirections: number;
  /** The fitted function at the end on `gridPoints` equally spaced points of [-1, 1]. */
  finalCurve: number[];
}

function checkChoice(who: string, name: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw new Error(
      `${who}: ${name} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${describeValue(value)}`,
    );
  }
}

/** The checks of a spec's fields that `part` reads: its inputs, its network too, or everything a run needs. */
function checkSpec(who: string, spec: StudyRunSpec, part: "inputs" | "network" | "run"): void {
  requiredObject(
    who,
    "spec",
    spec,
    "{ pair, parameterization, target, inputs, n, width, biasStd, seed, optimizer, rate, maxSteps }",
  );
  checkChoice(who, "spec.inputs", spec.inputs, ["line", "circle"]);
  checkInteger(who, "spec.n", spec.n, 4);
  if (part === "inputs") return;
  if (!Array.isArray(spec.pair) || spec.pair.length < 1) {
    throw new Error(
      `${who}: spec.pair must be a non-empty array of activation names, one per hidden layer, got ${describeValue(spec.pair)}`,
    );
  }
  spec.pair.forEach((a, i) => activationByName(a, who, `spec.pair[${i}]`));
  checkChoice(who, "spec.parameterization", spec.parameterization, ["ntk", "standard", "default"]);
  checkInteger(who, "spec.width", spec.width, 1);
  checkFinite(who, "spec.biasStd", spec.biasStd);
  checkNonNegative(who, "spec.biasStd", spec.biasStd);
  checkInteger(who, "spec.seed", spec.seed, 0, 2 ** 53);
  checkSineSeries(who, "spec.target", spec.target);
  if (part === "network") return;
  checkChoice(who, "spec.optimizer", spec.optimizer, ["gd", "adam"]);
  requiredObject(who, "spec.rate", spec.rate, "{ fractionOfBound } or { learningRate }");
  if ("fractionOfBound" in spec.rate)
    checkPositive(who, "spec.rate.fractionOfBound", spec.rate.fractionOfBound);
  else checkPositive(who, "spec.rate.learningRate", spec.rate.learningRate);
  checkInteger(who, "spec.maxSteps", spec.maxSteps, 1);
  if (spec.minSteps !== undefined) checkInteger(who, "spec.minSteps", spec.minSteps, 1);
  if (spec.perDecade !== undefined) checkInteger(who, "spec.perDecade", spec.perDecade, 1);
  if (spec.cappedByForecast !== undefined) checkBoolean(who, "spec.cappedByForecast", spec.cappedByForecast);
  if (spec.targetLoss !== undefined) {
    checkFinite(who, "spec.targetLoss", spec.targetLoss);
    checkNonNegative(who, "spec.targetLoss", spec.targetLoss);
  }
}

/** The network of a spec (mlpNetwork with the spec's activations, width, bias, seed and parameterization). */
export function studyNetwork(spec: StudyRunSpec): Network {
  checkSpec("studyNetwork", spec, "network");
  return build(spec);
}

function build(spec: StudyRunSpec): Network {
  return mlpNetwork({
    activations: spec.pair,
    width: spec.width,
    inputDim: spec.inputs === "circle" ? 2 : 1,
    biasStd: spec.biasStd,
    seed: spec.seed,
    parameterization: spec.parameterization,
  });
}

/** The training inputs of a spec: the periodic grid on [-1, 1), as numbers or as points on the circle. */
export function studyInputs(spec: Pick<StudyRunSpec, "inputs" | "n">): number[][] {
  checkSpec("studyInputs", spec as StudyRunSpec, "inputs");
  return inputsOf(spec);
}

function inputsOf(spec: Pick<StudyRunSpec, "inputs" | "n">): number[][] {
  const xs = periodicGrid(spec.n);
  return Array.from(xs, (x) =>
    spec.inputs === "circle" ? [Math.cos(Math.PI * x), Math.sin(Math.PI * x)] : [x],
  );
}

/**
 * Runs one spec (see StudyRunSpec). Costs the training (budget steps) plus one empirical NTK per checkpoint
 * (perDecade per decade of steps) and two kernel forecasts.
 */
export function studyRun(spec: StudyRunSpec, gridPoints = 129): StudyRunRecord {
  const who = "studyRun";
  checkSpec(who, spec, "run");
  checkInteger(who, "gridPoints", gridPoints, 2);
  return withSpecNamed(who, spec, () => runSpec(spec, gridPoints));
}

/**
 * f(), with a failure inside it (a network that overflows, a run that diverges) reported as one of `who`
 * that names the spec's scales, which decide it.
 */
function withSpecNamed<T>(who: string, spec: StudyRunSpec, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof Error) || e.message.startsWith(`${who}: `)) throw e;
    const given = spec.rate as { fractionOfBound?: number; learningRate?: number } | undefined;
    const rate =
      given?.fractionOfBound !== undefined
        ? `spec.rate.fractionOfBound = ${given.fractionOfBound}`
        : `spec.rate.learningRate = ${given?.learningRate}`;
    throw new Error(
      `${who}: ${e.message}; with spec.biasStd = ${spec.biasStd}, spec.width = ${spec.width} and ${rate}: the spec must keep the network and its training finite`,
    );
  }
}

/**
 * The budget a spec's run gets, as studyRun sets it: the cap, or the initial kernel's forecast for the top
 * target frequency where that is shorter (with cappedByForecast). Costs one empirical NTK and one forecast.
 */
export function studyBudget(spec: StudyRunSpec): { budget: number; reason: string } {
  const who = "studyBudget";
  checkSpec(who, spec, "run");
  const { budget, budgetReason } = withSpecNamed(who, spec, () => planRun(spec));
  return { budget, reason: budgetReason };
}

/** A run before its training: the network, inputs, the rate from the initial kernel, the budget. */
function planRun(spec: StudyRunSpec) {
  const net = build(spec);
  const X = inputsOf(spec);
  const K0 = empiricalNtk(net, X);
  const f0 = net.predict(Float64Array.from(X.flat()), spec.n);
  const bound = (2 * spec.n) / eigenvalues(K0, { top: 1 })[0];
  const learningRate =
    "fractionOfBound" in spec.rate ? spec.rate.fractionOfBound * bound : spec.rate.learningRate;
  checkPositive("studyRun", "the learning rate", learningRate);
  const gdRate = "fractionOfBound" in spec.rate ? learningRate : 0.8 * bound;
  const initialForecast = kernelForecast(K0, f0, spec.target, { eta: gdRate });
  const top = initialForecast[initialForecast.length - 1];
  let budget = spec.maxSteps;
  let budgetReason = `the cap of ${spec.maxSteps} steps`;
  if (spec.cappedByForecast && top !== null && top < spec.maxSteps) {
    budget = Math.max(spec.minSteps ?? 1, top);
    budgetReason = `the initial kernel's forecast for k = ${spec.target.frequencies.at(-1)} (${top} steps)${budget > top ? `, raised to ${budget}` : ""}`;
  }
  return { net, X, bound, learningRate, initialForecast, budget, budgetReason };
}

function runSpec(spec: StudyRunSpec, gridPoints: number): StudyRunRecord {
  const { net, X, bound, learningRate, initialForecast, budget, budgetReason } = planRun(spec);
  const perDecade = spec.perDecade ?? 10;

  const run = trainTrajectory(net, X, spec.target, {
    steps: budget,
    learningRate,
    optimizer: spec.optimizer,
    learningRateCheck: "off",
    targetLoss: spec.targetLoss,
    checkpoints: logSpacedSteps(budget, perDecade),
    warn: () => undefined,
  });
  if (run.result.stopReason === "diverged") throw new Error(run.result.message);
  const K = run.finalKernel!;
  const finalTop = eigenvalues(K, { top: 8 });
  const finalEta = spec.optimizer === "gd" ? learningRate : (0.8 * 2 * spec.n) / finalTop[0];
  const finalForecast = kernelForecast(K, run.finalOutput, spec.target, { eta: finalEta });
  const finalUnstableDirections = finalTop.filter((l) => (finalEta * l) / spec.n >= 2).length;
  const grid = Array.from({ length: gridPoints }, (_, i) => -1 + (2 * i) / (gridPoints - 1));
  const gridX =
    spec.inputs === "circle" ? grid.flatMap((x) => [Math.cos(Math.PI * x), Math.sin(Math.PI * x)]) : grid;
  const { target: _target, ...specRecord } = spec;
  return {
    spec: specRecord,
    learningRate,
    bound,
    budget,
    budgetReason,
    stepsRun: run.result.steps,
    stopReason: run.result.stopReason,
    message: run.result.message,
    seconds: run.result.seconds,
    frequencies: [...spec.target.frequencies],
    checkpoints: run.checkpoints.map((c) => ({
      step: c.step,
      loss: c.loss,
      errors: Array.from(c.errors),
      weightChange: c.weightChange,
      kernelChange: c.kernelChange ?? NaN,
      lambdaMax: c.lambdaMax ?? NaN,
    })),
    initialForecast,
    finalForecast,
    finalUnstableDirections,
    finalCurve: Array.from(net.predict(Float64Array.from(gridX), gridPoints)),
  };
}

/**
 * Adam's learning rate for a spec, from a short sweep on the training loss: each rate trains a fresh network
 * of the spec for `steps` steps; the rate with the lowest final loss wins (a diverged run counts as Infinity).
 */
export function sweepAdamRate(
  spec: StudyRunSpec,
  rates: readonly number[],
  steps: number,
): { rates: number[]; losses: number[]; chosen: number } {
  const who = "sweepAdamRate";
  checkSpec(who, spec, "network");
  if (!Array.isArray(rates) || rates.length < 1) {
    throw new Error(`${who}: rates must be a non-empty array of learning rates, got ${describeValue(rates)}`);
  }
  rates.forEach((r, i) => checkPositive(who, `rates[${i}]`, r));
  checkInteger(who, "steps", steps, 1);
  const X = inputsOf(spec);
  const y = spec.target.at(periodicGrid(spec.n));
  const losses = rates.map((learningRate) => {
    const r = withSpecNamed(who, spec, () =>
      train(build(spec), X, y, { steps, learningRate, optimizer: "adam", warn: () => undefined }),
    );
    return r.stopReason === "diverged" ? Infinity : r.losses[r.losses.length - 1];
  });
  const best = losses.indexOf(Math.min(...losses));
  return { rates: [...rates], losses, chosen: rates[best] };
}
