/**
 * The largest stable learning rate on the boolean cube (the 18.408 project report, section 3; Yang & Salman
 * 2019), checked three ways on one set of sampled cube points:
 *  - the bound 2n / lambda_max of the analytic NTK matrix on the n points (the lab's loss
 *    L = (1/(2n)) sum_i (f(x_i) - y_i)^2; the report's "1 / lambda_max" is the bound for L = sum_i (f - y)^2,
 *    without the 1/n and the 1/2, whose gradient is twice that of (1/2) sum_i; for (1/2) sum_i it is the rate
 *    that removes the top eigen-direction in one step, half the largest stable one) and its limit as n grows,
 *    2 / max_k mu_k, from the cube's eigenvalues (K / n's top eigenvalue tends to the largest mu_k);
 *  - the linearized model (gradient descent on the analytic kernel, f_0 = 0) at multiples of the bound: the
 *    residual along the top eigenvector is multiplied by 1 - eta lambda_max / n at each step, so the loss
 *    falls below the bound and grows above it;
 *  - a finite network of the same architecture at the same rates, which need not follow the linearized model
 *    above the bound: its kernel can move, and the loss may spike and come back down (the catapult of
 *    Lewkowycz et al. 2020) rather than diverge.
 * Target: y = 1 + chi_{0,1}(x) = 1 + x_0 x_1 in the cube's +-1 coordinates (a constant, on the top eigenvector
 * when mu_0 is the largest eigenvalue, and a degree-2 parity).
 */
import type { Architecture } from "../layers";
import { checkArchitecture } from "../layers";
import { ntk } from "../kernels/ntk";
import { network } from "../network";
import { cubePoints } from "../inputs";
import { gradientDescentDynamics } from "../regression/dynamics";
import { booleanCubeSpectrum, type BooleanCubeSpectrum } from "../spectrum/boolean-cube";
import { stableLearningRate } from "../training/guard";
import { checkProgress, train, type ProgressStart } from "../training/train";
import { checkMemory } from "../memory";
import {
  checkInteger,
  checkNumberList,
  checkOptionKeys,
  checkPositive,
  checkDistinct,
  renamed,
  requiredObject,
} from "../validate";

export interface CubeLearningRateOptions {
  /** Cube dimension (integer 1..1000). */
  d: number;
  /** Number of sampled cube points (integer >= 2). */
  n: number;
  /** Seed of the points; the network's seed is seed + 1. */
  seed: number;
  /** Learning rates as multiples of the analytic bound 2n / lambda_max (distinct, > 0). */
  multiples: readonly number[];
  /** Gradient-descent steps of every run (integer >= 1). */
  steps: number;
  /** Hidden width of the finite network (integer >= 1). */
  width: number;
  /** Stop a network run when its loss exceeds this factor times the initial loss (default 1e6). */
  divergenceFactor?: number;
  /** Progress for the network runs (e.g. lab.progress), or false (default). */
  progress?: ProgressStart | false;
}

export interface LinearizedRun {
  multiple: number;
  learningRate: number;
  /** The loss (1/(2n)) |f_t - y|^2 after t = 0 .. steps updates. */
  loss: Float64Array;
  outcome: "converges" | "diverges";
}

export interface CubeNetworkRun {
  multiple: number;
  learningRate: number;
  /** The training loss after t updates, t = 0 .. steps taken (fewer when the run diverged). */
  loss: Float64Array;
  /** The largest loss of the run and the step where it occurred. */
  peak: number;
  peakStep: number;
  /** "converged" (never above its initial loss), "spiked, then recovered" (above it, ending below), "diverged". */
  outcome: "converged" | "spiked, then recovered" | "diverged";
  /**
   * lambda_max of the empirical NTK after the run (null for a diverged run). A run that recovered above the
   * bound ends with learningRate * finalLambdaMax / n < 2: the kernel moved until the rate became stable.
   */
  finalLambdaMax: number | null;
}

export interface CubeLearningRate {
  d: number;
  n: number;
  /** The cube's eigenvalues of the architecture's NTK (booleanCubeSpectrum). */
  spectrum: BooleanCubeSpectrum;
  /** The degree of the largest mu_k, and 2 / mu_k: the bound's limit as n grows. */
  topDegree: number;
  limit: number;
  /** lambda_max of the analytic NTK on the n points, and 2n / lambda_max. */
  lambdaMax: number;
  bound: number;
  linearized: LinearizedRun[];
  /** The finite network: its width, its empirical NTK's lambda_max and bound at initialization, its runs. */
  network: { width: number; lambdaMax: number; bound: number; runs: CubeNetworkRun[] };
}

/**
 * The bound, its limit, and the linearized model and a finite network at multiples of the bound (module
 * comment). Costs the n x n NTK and its eigendecomposition, the network's empirical NTK at initialization
 * and multiples.length x steps training steps of a width-`width` network on n points, with its empirical NTK
 * again after each run that did not diverge.
 */
export function cubeLearningRate(arch: Architecture, options: CubeLearningRateOptions): CubeLearningRate {
  const who = "cubeLearningRate";
  checkArchitecture(who, arch);
  requiredObject(who, "options", options, "{ d, n, seed, multiples, steps, width }");
  checkOptionKeys(who, options, [
    "d",
    "n",
    "seed",
    "multiples",
    "steps",
    "width",
    "divergenceFactor",
    "progress",
  ]);
  const { d, n, seed, steps, width, divergenceFactor = 1e6, progress = false } = options;
  checkInteger(who, "d", d, 1, 1000);
  checkInteger(who, "n", n, 2);
  checkInteger(who, "seed", seed, 0, 2 ** 53 - 1); // seed + 1 seeds the network
  checkInteger(who, "steps", steps, 1);
  checkInteger(who, "width", width, 1);
  checkPositive(who, "divergenceFactor", divergenceFactor);
  const multiples = Array.from(checkNumberList(who, "multiples", options.multiples));
  multiples.forEach((m, i) => checkPositive(who, `multiples[${i}]`, m));
  checkDistinct(who, "multiples", multiples);
  const start = checkProgress(who, progress);
  checkMemory(who, 8 * (8 * n * n + n * d) + 8 * n * width * arch.activations.length * 6, `lower n (${n})`);

  const spectrum = renamed(who, "booleanCubeSpectrum", () =>
    booleanCubeSpectrum(arch, d, { resolveDegree: 2 }),
  );
  let topDegree = 0;
  spectrum.mu.forEach((m, k) => {
    if (m > spectrum.mu[topDegree]) topDegree = k;
  });
  const X = cubePoints(n, d, { seed });
  const y = Array.from({ length: n }, (_, i) => 1 + d * X.get(i, 0) * X.get(i, Math.min(1, d - 1)));
  const K = ntk(arch, X);
  const halfMean = (r: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i] * r[i];
    return s / (2 * n);
  };
  // The bound from one eigendecomposition; each rate's dynamics then scale the same directions.
  const base = gradientDescentDynamics(K, y, { eta: 1 });
  const lambdaMax = base.eigenvalues[0];
  const bound = base.maxStableEta;
  const linearized: LinearizedRun[] = multiples.map((multiple) => {
    const learningRate = multiple * bound;
    const dyn = gradientDescentDynamics(K, y, { eta: learningRate });
    const loss = Float64Array.from({ length: steps + 1 }, (_, t) => halfMean(dyn.residual(t)));
    return { multiple, learningRate, loss, outcome: loss[steps] < loss[0] ? "converges" : "diverges" };
  });

  const make = () => network(arch, { inputDim: d, width, seed: seed + 1 });
  const guard = renamed(who, "stableLearningRate", () => stableLearningRate(make(), X));
  const runs: CubeNetworkRun[] = multiples.map((multiple, i) => {
    const learningRate = multiple * bound;
    const net = make();
    const r = renamed(who, "train", () =>
      train(net, X, y, {
        steps,
        learningRate,
        learningRateCheck: "off",
        divergenceFactor,
        warn: () => undefined,
        progress: start
          ? (total) => start(total, `network at ${multiple} x bound (${i + 1}/${multiples.length})`)
          : false,
      }),
    );
    const loss = r.losses;
    let peakStep = 0;
    loss.forEach((v, t) => {
      if (v > loss[peakStep]) peakStep = t;
    });
    const outcome =
      r.stopReason === "diverged" || !(loss[loss.length - 1] < loss[0])
        ? "diverged"
        : peakStep > 0
          ? "spiked, then recovered"
          : "converged";
    const finalLambdaMax =
      outcome === "diverged"
        ? null
        : renamed(who, "stableLearningRate", () => stableLearningRate(net, X)).lambdaMax;
    return { multiple, learningRate, loss, peak: loss[peakStep], peakStep, outcome, finalLambdaMax };
  });
  return {
    d,
    n,
    spectrum,
    topDegree,
    limit: 2 / spectrum.mu[topDegree],
    lambdaMax,
    bound,
    linearized,
    network: { width, lambdaMax: guard.lambdaMax, bound: guard.maxLearningRate, runs },
  };
}
