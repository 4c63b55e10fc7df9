/** The kernel library: analytic, Monte Carlo, empirical and comparison kernels, and the finite MLP. */
export {
  ACTIVATION_NAMES,
  activation,
  activationByName,
  cos,
  dualAt,
  erf,
  gelu,
  identity,
  quadratureDual,
  relu,
  reluPower,
  sin,
  DEFAULT_QUADRATURE_POINTS,
} from "../activations";
export type { Activation, Dual, DualArrays } from "../activations";
export { dense, describeArchitecture, mlp, serial } from "../layers";
export type { Architecture, DenseLayer, DenseOptions, Layer, MlpOptions } from "../layers";
export { kernelsByDepth, lastAnalyticEngine, ntk, nngp, setAnalyticEngine } from "./ntk";
export { monteCarloNtk, monteCarloNngp, monteCarloNtkWithError, monteCarloNngpWithError } from "./montecarlo";
export type { MonteCarloOptions, MonteCarloResult } from "./montecarlo";
export { laplaceKernel, gaussianKernel, gammaExponentialKernel, extendedLaplaceKernel } from "./classic";
export type { SigmaOptions, GammaExponentialOptions, ExtendedLaplaceOptions } from "./classic";
export { empiricalNtk } from "./empirical";
export {
  empiricalKernel,
  extendedLaplace,
  gammaExponential,
  gaussian,
  laplace,
  matern,
  monteCarloKernel,
  networkKernel,
} from "./kernel";
export type {
  Kernel,
  MonteCarloKernel,
  MonteCarloKernelOptions,
  NamedOptions,
  NetworkKernelOptions,
} from "./kernel";
export { network, Network } from "../network";
export type { NetworkOptions, Parameterization } from "../network";
export { gaussHermite, gaussLegendre } from "../special/quadrature";
export type { QuadratureRule } from "../special/quadrature";
export { erf as erfFunction } from "../special/erf";
export type { PointsInput } from "./points";
export { relativeError, rootMeanSquare, logLogSlope, outputBlock } from "./convergence";
export type { ErrorNorm, LogLogFit } from "./convergence";
export { largestDifference, type LargestDifference } from "./convergence";
export { referenceKernel, checkReferenceValues } from "./reference";
export type { ReferencePair, ReferenceKind, ReferenceKernel, ReferenceCheck } from "./reference";
export { maternKernel, maternCorrelation, maternExpectedDecay, besselK, MATERN_MAX_NU } from "./matern";
export type { MaternOptions, MaternDecay } from "./matern";
