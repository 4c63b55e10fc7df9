/**
 * Full-batch training of a Network on L = (1/(2n)) sum_i |f(x_i) - y_i|^2: gradient descent
 * (p <- p - eta grad L) or Adam (Kingma & Ba 2015, with bias correction). Every step is one batched
 * forward and backward pass (network.ts, matrix products by linalg/gemm.ts). The network's parameters
 * are updated in place.
 *
 * Records: the loss at every step (losses[t] = loss after t updates) and, at chosen steps, the
 * predictions on the training inputs (and on extra evaluation points). Stops on a target loss or the step
 * budget. The learning-rate guard computes the bound 2 n / lambda_max of the empirical NTK (guard.ts) and
 * warns above it; a run whose loss turns NaN or grows past `divergenceFactor` times its initial value
 * stops with a message saying so (and the bound) instead of filling the records with NaN. Between the bound
 * and a few times it, ReLU networks often survive after a loss spike (the "catapult" phase, Lewkowycz et al.
 * 2020: the spike shrinks the kernel until the rate is stable): the warning still holds, the kernel regime
 * does not.
 */
import { batchTraceOf, zerosLike, type BatchTrace, type Floats, type Network } from "../network";
import { checkInRange, checkInteger, checkPositive, checkProgress, describeValue } from "../validate";
import { readDataset, readInputs, type TargetsLike } from "./data";
import type { PointsInput } from "../kernels/points";
import { batchLossAndGradient, finiteLoss, squaredLoss } from "./gradient";
import { boundFor, guardBytes } from "./guard";
import { checkMemory, gemmWorkBytes } from "../memory";
import { adamInArena, arenaBytes, descentInArena, passArena } from "../linalg/elementwise";

export interface AdamOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

// The progress option's type and check live in validate.ts, so that kernels can take one too.
export { checkProgress, type ProgressStart } from "../validate";
import type { ProgressStart } from "../validate";

export interface TrainOptions {
  /** Step budget: at most this many updates (an integer >= 0). */
  steps: number;
  /** eta > 0. */
  learningRate: number;
  /** "gd" (default) or "adam". */
  optimizer?: "gd" | "adam";
  /**
   * "float64" (default) or "float32": the steps on a float32 copy of the parameters, every stored value (the
   * passes' arrays, gradient, Adam's moments, the parameters) rounded to float32, the products on gemm32
   * (twice the SIMD lanes); elementwise operations computed in float64 and rounded when stored, the loss
   * summed in float64. The network's float64 parameters receive the float32 ones at every record and at
   * the end.
   */
  precision?: "float64" | "float32";
  adam?: AdamOptions;
  /** Stop as soon as the loss is <= targetLoss. */
  targetLoss?: number;
  /**
   * Steps at which to record predictions: a list of steps, or { every: k } (0, k, 2k, ...). Default:
   * step 0 only. The last step of the run is always recorded.
   */
  record?: readonly number[] | { every: number };
  /** Extra points whose predictions are recorded too (e.g. a fine grid for plotting the fitted function). */
  evalPoints?: PointsInput;
  /**
   * "warn" (default for gd): compute 2 n / lambda_max of the empirical NTK at initialization and warn when
   * learningRate is above it; "error": throw instead; "off": skip (default for adam, where it does not apply).
   */
  learningRateCheck?: "warn" | "error" | "off";
  /** Stop when the loss exceeds this factor times the initial loss (default 100) or is not finite. */
  divergenceFactor?: number;
  /**
   * Progress display: a function starting one for `steps` steps labelled "training" (e.g. `lab.progress`,
   * or `(steps) => lab.progress(steps, "my label")`), or false / left out for none.
   */
  progress?: ProgressStart | false;
  /** Where warnings go; default console.warn. */
  warn?: (message: string) => void;
  /**
   * Called with every record as it is made, while net holds that step's parameters (e.g. to measure the
   * empirical NTK along the run without splitting it into several calls, which would restart Adam's moments).
   */
  onRecord?: (record: TrainRecord, net: Network) => void;
}

export interface TrainRecord {
  step: number;
  loss: number;
  /** Predictions on the training inputs, n x outputs. */
  predictions: Float64Array;
  /** Predictions on evalPoints (when given), m x outputs. */
  evalPredictions?: Float64Array;
}

export type StopReason = "budget" | "target" | "diverged";

export interface TrainResult {
  /** losses[t]: the loss after t updates, t = 0 .. steps (finite values only). */
  losses: Float64Array;
  records: TrainRecord[];
  /** Updates applied (for a diverged run including the one that made the loss blow up). */
  steps: number;
  stopReason: StopReason;
  /** One sentence on why the run stopped. */
  message: string;
  /** The arithmetic the steps used. */
  precision: "float64" | "float32";
  /** lambda_max of the empirical NTK at initialization and 2 n / lambda_max (null when not checked). */
  lambdaMax: number | null;
  maxStableLearningRate: number | null;
  warnings: string[];
  seconds: number;
}

function recordSteps(who: string, record: TrainOptions["record"], steps: number): Set<number> {
  const out = new Set<number>([0]);
  if (record === undefined) return out;
  if (Array.isArray(record)) {
    record.forEach((s, i) => checkInteger(who, `record[${i}]`, s, 0));
    return new Set(record);
  }
  const every = (record as { every: number }).every;
  checkInteger(who, "record.every", every, 1);
  for (let s = 0; s <= steps; s += every) out.add(s);
  return out;
}

/**
 * Upper bound of the training loop's peak memory (bytes) on n points, c outputs and hidden widths w_l
 * (W = sum_l w_l, P parameters, d inputs): the inputs' copy n d, the batched forward trace n (2 W + c) and
 * deltas n (W + c), the parameters' copy and the gradient (and Adam's two moments) 2 P or 4 P, the seeds n c, and the largest
 * GEMM work space of the forward, backward and weight-gradient products; all times 8.
 */
function trainingBytes(net: Network, n: number, adam: boolean): number {
  const c = net.outputs;
  const sizes = [net.inputDim, ...net.widths, c];
  const W = net.widths.reduce((sum, w) => sum + w, 0);
  let gemm = 0;
  for (let l = 1; l < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l - 1], sizes[l]];
    gemm = Math.max(
      gemm,
      gemmWorkBytes(n, fanOut, fanIn),
      gemmWorkBytes(n, fanIn, fanOut),
      gemmWorkBytes(fanOut, fanIn, n),
    );
  }
  return 8 * (n * (3 * W + 3 * c + net.inputDim) + (adam ? 4 : 2) * net.parameterCount) + gemm;
}

/**
 * Trains net in place on (X, y); see the file comment and TrainOptions. Peak memory, checked before
 * anything is allocated: the larger of the learning-rate guard's (guardBytes, about 8 (L + 6) n^2
 * bytes for L hidden layers and one output; none with learningRateCheck "off") and the loop's (trainingBytes, linear in n).
 */
export function train(net: Network, X: PointsInput, y: TargetsLike, options: TrainOptions): TrainResult {
  const who = "train";
  if (!options || typeof options !== "object") {
    throw new Error(
      `${who}: options must be an object { steps, learningRate, ... }, got ${describeValue(options)}`,
    );
  }
  checkInteger(who, "steps", options.steps, 0);
  checkPositive(who, "learningRate", options.learningRate);
  const optimizer = options.optimizer ?? "gd";
  if (optimizer !== "gd" && optimizer !== "adam") {
    throw new Error(`${who}: optimizer must be "gd" or "adam", got ${String(optimizer)}`);
  }
  const check = options.learningRateCheck ?? (optimizer === "gd" ? "warn" : "off");
  if (!["warn", "error", "off"].includes(check)) {
    throw new Error(`${who}: learningRateCheck must be "warn", "error" or "off", got ${String(check)}`);
  }
  const precision = options.precision ?? "float64";
  if (precision !== "float64" && precision !== "float32") {
    throw new Error(`${who}: precision must be "float64" or "float32", got ${describeValue(precision)}`);
  }
  const factor = options.divergenceFactor ?? 100;
  checkInRange(who, "divergenceFactor", factor, 1, Infinity, { hiInclusive: false });
  const targetLoss = options.targetLoss ?? undefined;
  if (targetLoss !== undefined) {
    checkInRange(who, "targetLoss", targetLoss, 0, Infinity, { loInclusive: true, hiInclusive: false });
  }
  const beta1 = options.adam?.beta1 ?? 0.9;
  const beta2 = options.adam?.beta2 ?? 0.999;
  const epsilon = options.adam?.epsilon ?? 1e-8;
  if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`${who}: adam.beta1 must lie in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new Error(`${who}: adam.beta2 must lie in [0, 1), got ${beta2}`);
  checkPositive(who, "adam.epsilon", epsilon);
  const data = readDataset(who, net, X, y);
  checkMemory(
    who,
    Math.max(check === "off" ? 0 : guardBytes(net, data.n), trainingBytes(net, data.n, optimizer === "adam")),
    `lower n (X has ${data.n} points)${check === "off" ? "" : `, or pass learningRateCheck: "off" to skip the stability bound`}`,
  );
  const evalX =
    options.evalPoints === undefined ? null : readInputs(who, "evalPoints", net, options.evalPoints);
  const evalN = evalX ? evalX.length / net.inputDim : 0;
  const toRecord = recordSteps(who, options.record, options.steps);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const startProgress = checkProgress(who, options.progress ?? false);
  const onRecord = options.onRecord;
  if (onRecord !== undefined && typeof onRecord !== "function") {
    throw new Error(
      `${who}: onRecord must be a function (record, net) => void, got ${describeValue(onRecord)}`,
    );
  }
  const eta = options.learningRate;
  const start = performance.now();
  const warnings: string[] = [];

  let lambdaMax: number | null = null;
  let maxRate: number | null = null;
  if (check !== "off") {
    const bound = boundFor(net, data.X, data.n);
    lambdaMax = bound.lambdaMax;
    maxRate = bound.maxLearningRate;
    if (eta >= maxRate) {
      const message = `${who}: learningRate ${eta} is above the kernel-regime stability bound 2n/lambda_max = ${maxRate.toPrecision(
        4,
      )} (n = ${data.n}, lambda_max of the empirical NTK = ${lambdaMax.toPrecision(4)}); gradient descent will likely diverge`;
      if (check === "error") throw new Error(message);
      warnings.push(message);
      warn(message);
    }
  }
  const boundText =
    maxRate === null ? "" : ` (the stability bound 2n/lambda_max is ${maxRate.toPrecision(4)})`;

  // The step's arrays (parameters, gradient, Adam's moments, inputs, forward trace, deltas, seeds) in an arena,
  // where the elementwise passes run in WebAssembly SIMD (linalg/elementwise.ts; without WebAssembly SIMD
  // they are ordinary arrays and the passes JS loops, to the same bits). The parameters the steps update are
  // a copy of net.params (float32: rounded), synced back at the end and at records that read them.
  const single = precision === "float32";
  const n = data.n;
  const like = single ? new Float32Array(0) : new Float64Array(0);
  const count = net.parameterCount;
  const perLayer = net.widths.map((w) => n * w);
  const arena = passArena(
    arenaBytes(
      [
        ...new Array<number>(optimizer === "adam" ? 4 : 2).fill(count),
        ...perLayer,
        ...perLayer,
        ...perLayer,
        n * net.outputs,
        n * net.outputs,
        data.X.length,
      ],
      like.BYTES_PER_ELEMENT,
    ),
  );
  const alloc = (length: number): Floats => (arena ? arena.zerosLike(like, length) : zerosLike(like, length));
  const P = alloc(count);
  P.set(net.params);
  const views = net.viewsOf(P);
  const inputs = alloc(data.X.length);
  inputs.set(data.X);
  const run = { n, X: inputs, Y: data.Y };
  const sync = (): void => net.params.set(P);
  const grad = alloc(count);
  const m1 = optimizer === "adam" ? alloc(count) : null;
  const m2 = optimizer === "adam" ? alloc(count) : null;
  const losses: number[] = [];
  const records: TrainRecord[] = [];
  let stopReason: StopReason = "budget";
  let message = "";
  const bar = startProgress && options.steps >= 1 ? startProgress(options.steps, "training") : null;
  let initial = NaN;
  let t = 0;
  // The forward trace and the deltas of one step, overwritten by the next: steps allocate nothing.
  let trace: BatchTrace<Floats> = {
    n,
    input: run.X,
    preActivations: perLayer.map(alloc),
    features: perLayer.map(alloc),
    output: alloc(n * net.outputs),
  };
  // The deltas of the hidden layers, then the seeds dLoss/df (batchLossAndGradient's reuse).
  const deltas: Floats[] = [...perLayer.map(alloc), alloc(n * net.outputs)];
  for (;;) {
    trace = batchTraceOf<Floats>(net, run.X, n, trace, views);
    const last = t === options.steps;
    // Gradient only when an update follows.
    const { loss, predictions } = last
      ? { loss: squaredLoss(trace.output, data.Y, data.n), predictions: trace.output }
      : batchLossAndGradient<Floats>(net, run, grad, trace, deltas, views);
    // Before any update a non-finite loss is not divergence: the inputs or targets overflow.
    if (t === 0) initial = finiteLoss(who, "X and y", loss);
    if (!Number.isFinite(loss) || loss > factor * initial) {
      stopReason = "diverged";
      message = `${who}: diverged at step ${t}: loss ${loss} ${
        Number.isFinite(loss) ? `> ${factor} x the initial loss ${initial.toPrecision(4)}` : "is not finite"
      } with learningRate ${eta}${boundText}; stopped${t > 0 ? `, records end at step ${t - 1}` : ""}`;
      warnings.push(message);
      warn(message);
      break;
    }
    losses.push(loss);
    const reached = targetLoss !== undefined && loss <= targetLoss;
    if (toRecord.has(t) || last || reached) {
      // net receives the parameters for whoever reads them now: the evaluation points' pass, onRecord.
      if (evalX || onRecord) sync();
      const record: TrainRecord = {
        step: t,
        loss,
        predictions: Float64Array.from(predictions),
        evalPredictions: evalX ? batchTraceOf(net, evalX, evalN).output : undefined,
      };
      records.push(record);
      onRecord?.(record, net);
    }
    if (reached) {
      stopReason = "target";
      message = `${who}: reached the target loss ${targetLoss} at step ${t} (loss ${loss.toPrecision(4)})`;
      break;
    }
    if (last) {
      message = `${who}: ran the budget of ${options.steps} steps; final loss ${loss.toPrecision(4)}`;
      break;
    }
    if (m1 && m2) {
      const c1 = 1 - beta1 ** (t + 1);
      const c2 = 1 - beta2 ** (t + 1);
      const inArena = adamInArena(P, grad, m1, m2, beta1, beta2, c1, c2, eta, epsilon);
      for (let k = 0; !inArena && k < P.length; k++) {
        const g = grad[k];
        m1[k] = beta1 * m1[k] + (1 - beta1) * g;
        m2[k] = beta2 * m2[k] + (1 - beta2) * g * g;
        P[k] -= (eta * (m1[k] / c1)) / (Math.sqrt(m2[k] / c2) + epsilon);
      }
    } else if (!descentInArena(P, grad, eta)) {
      for (let k = 0; k < P.length; k++) P[k] -= eta * grad[k];
    }
    t++;
    if (bar) bar.tick();
  }
  sync();
  arena?.release();
  // An early stop (target, divergence) leaves the display where it stopped; the message says why.
  if (bar && stopReason === "budget") bar.done();
  return {
    losses: Float64Array.from(losses),
    records,
    steps: t,
    stopReason,
    message,
    precision,
    lambdaMax,
    maxStableLearningRate: maxRate,
    warnings,
    seconds: (performance.now() - start) / 1000,
  };
}
