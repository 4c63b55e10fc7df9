/**
 * One kernel type for the whole lab. A Kernel is a function (X, Y?) => Matrix (n x m for X n x d and Y
 * m x d, one point per row; Y omitted: the symmetric K(X, X)) that carries its name and parameters (for
 * legends and provenance) and a diagonal(X) => Float64Array of K(x_i, x_i), computed without the n x n
 * matrix: in closed form where there is one, and for Monte Carlo and empirical kernels by the per-point
 * computation, with the same bits as the matrix's diagonal. Factories make them:
 *   networkKernel(arch, { get: "ntk" })                 the analytic NTK or NNGP (kernels/ntk.ts)
 *   monteCarloKernel(arch, { get, samples, seed })      their Monte Carlo estimates (montecarlo.ts)
 *   empiricalKernel(net)                                the empirical NTK of a finite network (empirical.ts)
 *   laplace({ sigma }), gaussian({ sigma }), gammaExponential({ alpha, sigma }),
 *   extendedLaplace({ alpha, beta }), matern({ nu, lengthScale })     the comparison kernels
 * Every factory checks its parameters when called (its Errors name it), and a kernel called on X with
 * NaN, Infinity, ragged rows, or a Y of another dimension throws.
 */
import type { Matrix } from "ml-matrix";
import { checkArchitecture, describeArchitecture, type Architecture } from "../layers";
import { checkNetwork, type Network } from "../network";
import { checkOptionKeys, describeValue, optionsObject, requiredObject } from "../validate";
import { analyticDiagonal, analyticKernel, checkOutput, type Output } from "./ntk";
import {
  checkSamplesAndMethod,
  monteCarloDiagonal,
  monteCarloMatrix,
  monteCarloWithError,
} from "./montecarlo";
import type { MonteCarloOptions, MonteCarloResult } from "./montecarlo";
import { empiricalDiagonal, empiricalMatrix } from "./empirical";
import {
  extendedLaplaceKernelAs,
  gammaExponentialKernelAs,
  gaussianKernelAs,
  laplaceKernelAs,
  type ExtendedLaplaceOptions,
  type GammaExponentialOptions,
  type SigmaOptions,
} from "./classic";
import { maternKernelAs, type MaternOptions } from "./matern";
import { readPoints, type PointsInput } from "./points";

/** A kernel: K(X, Y?) as a Matrix, with its name, parameters and diagonal (see the top of this file). */
export interface Kernel {
  (X: PointsInput, Y?: PointsInput): Matrix;
  /** For legends: "ntk of dense(1, 0) -> relu -> dense(1)", "laplace(sigma = 1)", or the name given. */
  readonly name: string;
  /** The parameters it was made with, for provenance (numbers, strings and the architecture in words). */
  readonly parameters: Readonly<Record<string, number | string>>;
  /** K(x_i, x_i) for the points of X (n values; n c for an empirical kernel of c outputs). */
  diagonal(X: PointsInput): Float64Array;
}

/** The name a factory's options may give a kernel (for legends); default the kernel in words. */
export interface NamedOptions {
  name?: string;
}

function makeKernel<E extends object = object>(
  name: string,
  parameters: Record<string, number | string>,
  matrix: (X: PointsInput, Y?: PointsInput) => Matrix,
  diagonal: (X: PointsInput) => Float64Array,
  extra?: E,
): Kernel & E {
  const kernel = (X: PointsInput, Y?: PointsInput): Matrix => matrix(X, Y);
  Object.defineProperty(kernel, "name", { value: name });
  return Object.freeze(
    Object.assign(kernel, { parameters: Object.freeze({ ...parameters }), diagonal }, extra),
  ) as Kernel & E;
}

/**
 * A private copy of an architecture for a kernel to keep: its scales are Float64Arrays, which freezing
 * cannot make read-only, and a kernel must stay the function its name and parameters describe.
 */
function snapshot(arch: Architecture): Architecture {
  return Object.freeze({
    layers: arch.layers,
    activations: arch.activations,
    weightStd: Float64Array.from(arch.weightStd),
    biasStd: Float64Array.from(arch.biasStd),
  });
}

function nameOf(who: string, given: unknown, fallback: string): string {
  if (given === undefined) return fallback;
  if (typeof given !== "string" || given.length === 0) {
    throw new Error(`${who}: name must be a non-empty string, got ${describeValue(given)}`);
  }
  return given;
}

export interface NetworkKernelOptions extends NamedOptions {
  /** Which kernel of the recursion: "ntk" (default) or "nngp". */
  get?: Output;
}

/** The analytic NTK or NNGP of an architecture (kernels/ntk.ts); diagonal: the same recursion at (x, x). */
export function networkKernel(arch: Architecture, options: NetworkKernelOptions = {}): Kernel {
  const who = "networkKernel";
  checkArchitecture(who, arch);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["get", "name"]);
  const get = checkOutput(who, opts.get ?? "ntk");
  const words = describeArchitecture(arch);
  arch = snapshot(arch);
  return makeKernel(
    nameOf(who, opts.name, `${get} of ${words}`),
    { kernel: get, architecture: words },
    (X, Y) => analyticKernel(who, get, arch, X, Y),
    (X) => analyticDiagonal(`${who} diagonal`, get, arch, X),
  );
}

export interface MonteCarloKernelOptions extends NamedOptions {
  /** Which kernel: "ntk" (default) or "nngp". */
  get?: Output;
  /** Hidden units drawn per layer (an integer >= 1). */
  samples: number;
  /** The seed of the units: the same network on every call, so the kernel is one fixed function. */
  seed: number;
  method?: MonteCarloOptions["method"];
}

/** The Monte Carlo kernel of a Monte Carlo estimate: also its standard errors (samples >= 2). */
export interface MonteCarloKernel extends Kernel {
  withError(X: PointsInput, Y?: PointsInput): MonteCarloResult;
}

/**
 * The Monte Carlo NTK or NNGP of an architecture from `samples` seeded random units per layer
 * (montecarlo.ts); diagonal from the n x samples features alone.
 */
export function monteCarloKernel(arch: Architecture, options: MonteCarloKernelOptions): MonteCarloKernel {
  const who = "monteCarloKernel";
  checkArchitecture(who, arch);
  const opts = requiredObject(who, "options", options, "{ get?, samples, seed, method?, name? }");
  checkOptionKeys(who, opts, ["get", "samples", "seed", "method", "name"]);
  const get = checkOutput(who, opts.get ?? "ntk");
  checkSamplesAndMethod(who, opts, 1);
  if (!(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= 2 ** 53)) {
    throw new Error(
      `${who}: seed must be an integer in [0, 2^53] (the kernel draws the same units on every call), got ${describeValue(opts.seed)}`,
    );
  }
  const mc: MonteCarloOptions = { samples: opts.samples, seed: opts.seed, method: opts.method };
  const words = describeArchitecture(arch);
  arch = snapshot(arch);
  return makeKernel(
    nameOf(who, opts.name, `Monte Carlo ${get} of ${words} (${opts.samples} samples)`),
    {
      kernel: get,
      architecture: words,
      samples: opts.samples,
      seed: opts.seed,
      method: opts.method ?? "features",
    },
    (X, Y) => monteCarloMatrix(who, get, arch, X, Y, mc),
    (X) => monteCarloDiagonal(`${who} diagonal`, get, arch, X, mc),
    {
      withError: (X: PointsInput, Y?: PointsInput) =>
        monteCarloWithError(`${who} withError`, get, arch, X, Y, mc),
    },
  );
}

/**
 * The empirical NTK of a finite network (empirical.ts): (n c) x (m c) for c outputs; diagonal the n c
 * squared gradient norms. It reads the network's parameters when called (training changes them).
 */
export function empiricalKernel(net: Network, options: NamedOptions = {}): Kernel {
  const who = "empiricalKernel";
  checkNetwork(who, net);
  const opts = optionsObject(who, options);
  checkOptionKeys(who, opts, ["name"]);
  const words = describeArchitecture(net.architecture);
  const setUp = `widths ${net.widths.join(", ")}, ${net.outputs} output${net.outputs === 1 ? "" : "s"}, ${net.parameterization} parameterization`;
  return makeKernel(
    nameOf(who, opts.name, `empirical ntk of ${words} (${setUp})`),
    {
      kernel: "empirical ntk",
      architecture: words,
      widths: net.widths.join(", "),
      outputs: net.outputs,
      parameterization: net.parameterization,
    },
    (X, Y) => empiricalMatrix(who, net, X, Y),
    (X) => empiricalDiagonal(`${who} diagonal`, net, X),
  );
}

/**
 * A comparison kernel of the distance, k(0) on the diagonal. The options are checked now, by computing the
 * kernel of one point with the factory's name.
 */
function distanceFactory<O extends object>(
  who: string,
  options: O,
  words: string,
  entry: (who: string, X: PointsInput, Y: PointsInput | undefined, options: O) => Matrix,
  atZero: number,
  name: unknown,
): Kernel {
  entry(who, [[0]], undefined, options);
  return makeKernel(
    nameOf(who, name, `${who}(${words})`),
    { kernel: who, ...(options as Record<string, number>) },
    (X, Y) => entry(who, X, Y, options),
    (X) => new Float64Array(readPoints(`${who} diagonal`, "X", X).n).fill(atZero),
  );
}

const inWords = (options: object): string =>
  Object.entries(options)
    .filter(([key]) => key !== "name")
    .map(([key, value]) => `${key} = ${String(value)}`)
    .join(", ");

/** The Laplace kernel exp(-|x - y| / sigma) (classic.ts); 1 on the diagonal. */
export function laplace(options: SigmaOptions & NamedOptions = {}): Kernel {
  const opts = optionsObject("laplace", options);
  checkOptionKeys("laplace", opts, ["sigma", "name"]);
  const { name, ...rest } = opts;
  const o = { sigma: rest.sigma ?? 1 };
  return distanceFactory("laplace", o, inWords(o), laplaceKernelAs, 1, name);
}

/** The Gaussian kernel exp(-|x - y|^2 / (2 sigma^2)) (classic.ts); 1 on the diagonal. */
export function gaussian(options: SigmaOptions & NamedOptions = {}): Kernel {
  const opts = optionsObject("gaussian", options);
  checkOptionKeys("gaussian", opts, ["sigma", "name"]);
  const { name, ...rest } = opts;
  const o = { sigma: rest.sigma ?? 1 };
  return distanceFactory("gaussian", o, inWords(o), gaussianKernelAs, 1, name);
}

/** The gamma-exponential kernel exp(-|x - y|^alpha / sigma) (classic.ts); 1 on the diagonal. */
export function gammaExponential(options: GammaExponentialOptions & NamedOptions): Kernel {
  const opts = requiredObject("gammaExponential", "options", options, "{ alpha, sigma?, name? }");
  checkOptionKeys("gammaExponential", opts, ["alpha", "sigma", "name"]);
  const { name, ...rest } = opts;
  const o = { alpha: rest.alpha, sigma: rest.sigma ?? 1 };
  return distanceFactory("gammaExponential", o, inWords(o), gammaExponentialKernelAs, 1, name);
}

/**
 * The extended kernel exp(-|x - y|^alpha) |x - y|^beta (classic.ts); 0 on the diagonal for beta > 0,
 * 1 for beta = 0.
 */
export function extendedLaplace(options: ExtendedLaplaceOptions & NamedOptions): Kernel {
  const opts = requiredObject("extendedLaplace", "options", options, "{ alpha, beta, name? }");
  checkOptionKeys("extendedLaplace", opts, ["alpha", "beta", "name"]);
  const { name, ...rest } = opts;
  const o = { alpha: rest.alpha, beta: rest.beta };
  return distanceFactory(
    "extendedLaplace",
    o,
    inWords(o),
    extendedLaplaceKernelAs,
    o.beta === 0 ? 1 : 0,
    name,
  );
}

/** The Matern kernel k_nu(|x - y|) (matern.ts); 1 on the diagonal. */
export function matern(options: MaternOptions & NamedOptions): Kernel {
  const opts = requiredObject("matern", "options", options, "{ nu, lengthScale?, name? }");
  checkOptionKeys("matern", opts, ["nu", "lengthScale", "name"]);
  const { name, ...rest } = opts;
  const o = { nu: rest.nu, lengthScale: rest.lengthScale ?? 1 };
  return distanceFactory("matern", o, inWords(o), maternKernelAs, 1, name);
}
