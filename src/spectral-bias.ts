/**
 * Spectral bias measured during training (the NTK-study write-up, Experiment 3): the error of each Fourier component
 * of a fit, and how many gradient-descent steps a component needs before its error stays small.
 *
 * In the kernel regime the residual r_t = f_t(X) - y after t steps is (I - eta K / n)^t r_0
 * (regression/dynamics.ts); its Fourier component k mixes the eigen-directions of K that carry frequency
 * k. componentErrors reads the relative error per target frequency off any residual (a trained network's
 * or the kernel's prediction), and stepsToLearn scans a log-spaced time grid for the first step after
 * which each error stays below a threshold.
 */
import { fourierComponents } from "./fourier";
import { checkSineSeries, type SineSeries } from "./targets";
import {
  checkFinite,
  checkInteger,
  checkNumberList,
  checkPositive,
  describeValue,
  optionsObject,
} from "./validate";

/**
 * For each frequency k of the target: |c_k(residual)| / |c_k(target)|, the size of the frequency-k
 * part of f - y relative to the target's own frequency-k part (1 before the fit has learned anything of
 * it, when f_0 has no such part; 0 once learned). residual holds f(x_m) - y(x_m) on the periodic grid of
 * n points over one period starting at from (periodicGrid(n) for the default [-1, 1)).
 */
export function componentErrors(
  residual: ArrayLike<number>,
  target: SineSeries,
  options: { from?: number } = {},
): Float64Array {
  const who = "componentErrors";
  checkSineSeries(who, "target", target);
  const values = checkNumberList(who, "residual", residual);
  const n = values.length;
  const top = Math.max(...target.frequencies);
  if (!(2 * top < n)) {
    throw new Error(
      `${who}: residual must have more than 2 x the target's top frequency ${top} samples (Nyquist), got ${n}`,
    );
  }
  const from = optionsObject(who, options).from ?? -1;
  checkFinite(who, "from", from);
  checkPositive(who, "target.period", target.period);
  // Checked above: fourierComponents has nothing left to refuse.
  const c = fourierComponents(values, { from, period: target.period });
  return Float64Array.from(target.frequencies, (k, i) => {
    const size = Math.abs(target.amplitudes[i]);
    if (!(size > 0)) throw new Error(`${who}: target amplitude of frequency ${k} must be nonzero`);
    return c.amplitude[k] / size;
  });
}

/**
 * Integer steps 0, then about perDecade per decade up to maxStep (included), without repeats: the times at
 * which to look at a long training run on a log axis.
 */
export function logSpacedSteps(maxStep: number, perDecade = 10): number[] {
  const who = "logSpacedSteps";
  checkInteger(who, "maxStep", maxStep, 0);
  checkInteger(who, "perDecade", perDecade, 1);
  const out = new Set<number>([0]);
  if (maxStep >= 1) {
    const decades = Math.log10(maxStep);
    const count = Math.ceil(decades * perDecade);
    for (let i = 0; i <= count; i++) out.add(Math.min(maxStep, Math.round(10 ** (i / perDecade))));
    out.add(maxStep);
  }
  return [...out].sort((a, b) => a - b);
}

export interface StepsToLearnOptions {
  /** An error counts as learned once it stays at or below this (default 0.1). */
  threshold?: number;
  /** The last step examined (default 1e12). */
  maxSteps?: number;
  /** Grid points per decade of steps (default 20). */
  perDecade?: number;
  /** An explicit grid of steps, ascending (e.g. the checkpoints of a training run); replaces the log grid. */
  steps?: readonly number[];
}

/**
 * For each component: the first step t of a log grid (1, 10^(1/perDecade), ..., maxSteps), or of the
 * given steps, from which on errorsAt(t)[component] stays <= threshold to the grid's end, or null when it
 * never does. errorsAt(t)
 * gives the errors of all components at step t (for the kernel model, componentErrors of
 * dynamics.residual(t)); the grid resolution bounds the answer's precision (a factor 10^(1/perDecade)).
 */
export function stepsToLearn(
  errorsAt: (t: number) => ArrayLike<number>,
  options: StepsToLearnOptions = {},
): (number | null)[] {
  const who = "stepsToLearn";
  if (typeof errorsAt !== "function") {
    throw new Error(`${who}: errorsAt must be a function of the step t, got ${describeValue(errorsAt)}`);
  }
  options = optionsObject(who, options);
  const threshold = options.threshold ?? 0.1;
  const maxSteps = options.maxSteps ?? 1e12;
  const perDecade = options.perDecade ?? 20;
  checkPositive(who, "threshold", threshold);
  checkPositive(who, "maxSteps", maxSteps);
  if (!(maxSteps >= 1)) throw new Error(`${who}: maxSteps must be >= 1, got ${maxSteps}`);
  checkInteger(who, "perDecade", perDecade, 1);
  const count = Math.ceil(Math.log10(maxSteps) * perDecade);
  if (options.steps !== undefined) {
    const s = options.steps;
    if (!Array.isArray(s) || s.length < 1)
      throw new Error(`${who}: steps must be a non-empty array of steps, got ${describeValue(s)}`);
    s.forEach((t, i) => {
      if (!(Number.isFinite(t) && t >= 0 && (i === 0 || t > s[i - 1]))) {
        throw new Error(`${who}: steps must be finite, >= 0 and strictly ascending, got steps[${i}] = ${t}`);
      }
    });
  }
  const grid = options.steps
    ? [...options.steps]
    : [
        ...new Set(
          Array.from({ length: count + 1 }, (_, i) => Math.min(maxSteps, Math.round(10 ** (i / perDecade)))),
        ),
      ];
  let learned: (number | null)[] | null = null;
  // Walk backwards: a component is learned from the earliest grid step after which no later step exceeds.
  for (let g = grid.length - 1; g >= 0; g--) {
    const errors = checkNumberList(who, `errorsAt(${grid[g]})`, errorsAt(grid[g]));
    if (learned === null) learned = new Array<number | null>(errors.length).fill(null);
    if (errors.length !== learned.length) {
      throw new Error(`${who}: errorsAt must return the same number of errors at every step`);
    }
    for (let c = 0; c < errors.length; c++) {
      const ok = errors[c] <= threshold;
      const stillOk = g === grid.length - 1 ? ok : learned[c] === grid[g + 1] && ok;
      if (stillOk) learned[c] = grid[g];
    }
  }
  return learned ?? [];
}
