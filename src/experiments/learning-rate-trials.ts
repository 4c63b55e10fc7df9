/**
 * Which learning rates a network survives (notebook 05's ReLU^k test of the write-up's "gradient problem"):
 * fresh copies of one network trained by full-batch gradient descent at multiples of its guard's bound
 * 2n / lambda_max (the empirical NTK at initialization) and at fixed rates, each run ending trained (its
 * budget reached) or diverged (train's rule: the loss above 100 x its initial value or not finite).
 */
import type { PointsInput } from "../kernels/points";
import type { Network } from "../network";
import type { TargetsLike } from "../training/data";
import { stableLearningRate } from "../training/guard";
import { train } from "../training/train";
import {
  checkInteger,
  checkNumberList,
  checkPositive,
  describeValue,
  renamed,
  requiredObject,
} from "../validate";

export interface LearningRateTrial {
  /** lambda_max of the empirical NTK at initialization and the guard's bound 2n / lambda_max. */
  lambdaMax: number;
  bound: number;
  learningRate: number;
  /** "<m> x bound" or "fixed <rate>". */
  rate: string;
  /** learningRate > bound. */
  above: boolean;
  /** "trained", or "diverged at step <t>". */
  outcome: string;
  /** Updates applied (a diverged run counts the one that blew up). */
  steps: number;
  /** The training loss at initialization and at the last step recorded. */
  initialLoss: number;
  finalLoss: number;
}

/**
 * One trial per rate: first the multiples of the bound in the order given, then the fixed rates. make()
 * must build the same network every call (a fixed seed); each trial trains a fresh one on (X, y) for
 * options.steps steps. Costs one empirical NTK and (multiples + fixed) x steps training steps.
 */
export function learningRateTrials(
  make: () => Network,
  X: PointsInput,
  y: TargetsLike,
  options: { multiples: readonly number[]; fixed: readonly number[]; steps: number },
): LearningRateTrial[] {
  const who = "learningRateTrials";
  if (typeof make !== "function") {
    throw new Error(
      `${who}: make must be a function () => Network (a fresh network each call), got ${describeValue(make)}`,
    );
  }
  requiredObject(who, "options", options, "{ multiples, fixed, steps }");
  const multiples = Array.from(checkNumberList(who, "multiples", options.multiples));
  multiples.forEach((m, i) => checkPositive(who, `multiples[${i}]`, m));
  const fixed = Array.from(checkNumberList(who, "fixed", options.fixed));
  fixed.forEach((r, i) => checkPositive(who, `fixed[${i}]`, r));
  checkInteger(who, "steps", options.steps, 1);
  const guard = renamed(who, "stableLearningRate", () => stableLearningRate(make(), X));
  const rates = [
    ...multiples.map((m) => ({ learningRate: m * guard.maxLearningRate, rate: `${m} x bound` })),
    ...fixed.map((r) => ({ learningRate: r, rate: `fixed ${r}` })),
  ];
  return rates.map(({ learningRate, rate }) => {
    const r = renamed(who, "train", () =>
      train(make(), X, y, {
        steps: options.steps,
        learningRate,
        learningRateCheck: "off",
        warn: () => undefined,
      }),
    );
    return {
      lambdaMax: guard.lambdaMax,
      bound: guard.maxLearningRate,
      learningRate,
      rate,
      above: learningRate > guard.maxLearningRate,
      outcome: r.stopReason === "diverged" ? `diverged at step ${r.steps}` : "trained",
      steps: r.steps,
      initialLoss: r.losses[0],
      finalLoss: r.losses[r.losses.length - 1],
    };
  });
}
