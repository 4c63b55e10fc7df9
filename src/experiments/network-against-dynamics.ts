/**
 * A finite network trained by full-batch gradient descent against the infinite-width kernel dynamics started
 * from the network's own initial function (notebook 07, "An actual wide network"): at each requested step t,
 * the network's curve on a grid beside f0 + the NTK dynamics' correction after t steps of the same size, their
 * largest gap, and how far the network's empirical NTK is from the analytic one at initialization and how
 * far it moves during training.
 */
import { largestDifference, relativeError } from "../kernels/convergence";
import { empiricalNtk } from "../kernels/empirical";
import { ntk } from "../kernels/ntk";
import { readPoints, type PointsInput } from "../kernels/points";
import { checkArchitecture, type Architecture } from "../layers";
import { network } from "../network";
import { gradientDescentDynamics } from "../regression/dynamics";
import { train, checkProgress, type ProgressStart, type StopReason } from "../training/train";
import { checkInteger, checkNumberList, checkPositive, renamed, requiredObject } from "../validate";

export interface NetworkAgainstDynamicsData {
  /** Training inputs (n points: rows of d coordinates, or a list of numbers for d = 1). */
  xTrain: PointsInput;
  /** One target per training point. */
  yTrain: ArrayLike<number>;
  /** The points where the two curves are compared (m of them, d coordinates each). */
  grid: PointsInput;
}

export interface NetworkAgainstDynamicsOptions {
  /** Hidden width of the network (an integer >= 1). */
  width: number;
  /** Seed of its initialization (an integer >= 0). */
  seed: number;
  /** Gradient-descent step size of both (> 0), on the loss (1/(2n)) sum (f(x_i) - y_i)^2. */
  eta: number;
  /** Step counts at which the two are compared (integers >= 0); the network trains to the largest. */
  steps: readonly number[];
  /** Points where the empirical NTK is compared with the analytic one (e.g. the data and part of the grid). */
  kernelPoints: PointsInput;
  /** A progress display such as lab.progress for the training (label "training the wide network"), or false. */
  progress?: ProgressStart | false;
}

/** The two curves on the grid after one step count. */
export interface DynamicsComparison {
  step: number;
  /** The trained network's outputs on the grid. */
  network: Float64Array;
  /** f0 on the grid plus the NTK dynamics' correction after `step` steps. */
  kernel: Float64Array;
  /** max_i |network_i - kernel_i| and the first grid index where it occurs. */
  gap: number;
  where: number;
  /** max_i |network_i|: the scale of the function the gap is measured against. */
  scale: number;
}

export interface NetworkAgainstDynamics {
  /** One per requested step the run recorded, in the order of the run's records (ascending steps). */
  comparisons: DynamicsComparison[];
  /** ||K_emp(0) - Theta||_F / ||Theta||_F on kernelPoints: the finite network's kernel against the limit. */
  kernelOff: number;
  /** ||K_emp(T) - K_emp(0)||_F / ||K_emp(0)||_F: how far training moved it (T: the last step). */
  kernelMoved: number;
  /** The trainer's sentence on how the run ended, and why. */
  message: string;
  stopReason: StopReason;
}

/**
 * network(arch, { inputDim: d, width, seed }) trained by train(net, xTrain, yTrain, { steps: max(steps),
 * learningRate: eta, record: steps, evalPoints: grid }), against gradientDescentDynamics(ntk(arch, xTrain),
 * yTrain, { eta, initial: f0(xTrain) }) predicting on the grid from f0(grid). A run that stops early
 * (diverged) compares only the steps it recorded; message says why.
 */
export function networkAgainstDynamics(
  arch: Architecture,
  data: NetworkAgainstDynamicsData,
  options: NetworkAgainstDynamicsOptions,
): NetworkAgainstDynamics {
  const who = "networkAgainstDynamics";
  checkArchitecture(who, arch);
  const { xTrain, yTrain, grid } = requiredObject(who, "data", data, "{ xTrain, yTrain, grid }");
  const fields = "{ width, seed, eta, steps, kernelPoints, progress? }";
  const {
    width,
    seed,
    eta,
    steps,
    kernelPoints,
    progress = false,
  } = requiredObject(who, "options", options, fields);
  checkInteger(who, "width", width, 1);
  checkInteger(who, "seed", seed, 0);
  checkPositive(who, "eta", eta);
  const stepList = Array.from(checkNumberList(who, "steps", steps, { min: 1 }));
  stepList.forEach((t, i) => checkInteger(who, `steps[${i}]`, t, 0));
  checkProgress(who, progress);
  const train0 = readPoints(who, "xTrain", xTrain);
  checkNumberList(who, "yTrain", yTrain, { length: train0.n, lengthRule: " (one per point of xTrain)" });
  const grid0 = readPoints(who, "grid", grid);
  const probe = readPoints(who, "kernelPoints", kernelPoints);
  for (const [name, p] of [
    ["grid", grid0],
    ["kernelPoints", probe],
  ] as const) {
    if (p.d !== train0.d) {
      throw new Error(`${who}: ${name} must have xTrain's ${train0.d} coordinates per point, got ${p.d}`);
    }
  }
  // A foreign Error (the network's forward pass, the trainer's loss) in this function's name, with what caused it.
  const blamed = <T>(cause: string, f: () => T): T => {
    try {
      return f();
    } catch (error) {
      if (!(error instanceof Error) || error.message.startsWith(`${who}: `)) throw error;
      const reason = error.message.replace(/^[\w.]+: /, "");
      throw new Error(`${who}: ${cause}: ${reason}`, { cause: error });
    }
  };
  const net = renamed(who, "network", () => network(arch, { inputDim: train0.d, width, seed }));
  if (net.outputs !== 1) {
    throw new Error(`${who}: arch must have one output (the kernel dynamics are scalar), got ${net.outputs}`);
  }
  const f0Train = blamed("xTrain must keep the network's outputs finite", () =>
    net.predict(train0.data, train0.n),
  );
  const f0Grid = blamed("grid must keep the network's outputs finite", () =>
    net.predict(grid0.data, grid0.n),
  );
  const kernelLimit = ntk(arch, kernelPoints).to1DArray();
  const kernelAtStart = empiricalNtk(net, kernelPoints).to1DArray();
  const run = blamed(`xTrain, yTrain and eta = ${eta} must keep the training finite`, () =>
    train(net, xTrain, yTrain, {
      steps: Math.max(...stepList),
      learningRate: eta,
      record: stepList,
      evalPoints: grid,
      progress: progress ? (total) => progress(total, "training the wide network") : false,
    }),
  );
  const dynamics = renamed(who, "gradientDescentDynamics", () =>
    gradientDescentDynamics(ntk(arch, xTrain), yTrain, { eta, initial: f0Train }),
  );
  const gridCross = ntk(arch, grid, xTrain);
  const comparisons = run.records
    .filter((r) => stepList.includes(r.step))
    .map((record) => {
      const kernel = dynamics.predict(record.step, gridCross, f0Grid);
      const curve = record.evalPredictions as Float64Array;
      const { value, index } = renamed(who, "largestDifference", () => largestDifference(curve, kernel));
      return {
        step: record.step,
        network: curve,
        kernel,
        gap: value,
        where: index,
        scale: Math.max(...curve.map(Math.abs)),
      };
    });
  const kernelAtEnd = blamed(`xTrain, yTrain and eta = ${eta} must keep the trained network finite`, () =>
    empiricalNtk(net, kernelPoints).to1DArray(),
  );
  return {
    comparisons,
    kernelOff: relativeError(kernelAtStart, kernelLimit),
    kernelMoved: relativeError(kernelAtEnd, kernelAtStart),
    message: run.message,
    stopReason: run.stopReason,
  };
}
