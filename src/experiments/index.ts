/** Drivers the notebooks share: studies that combine the kernel, spectrum and training modules. */
export { circleKernelShape } from "./circle-kernel-shape";
export type { CircleCurvePoint, CircleKernelShape } from "./circle-kernel-shape";
export { monteCarloConvergence } from "./monte-carlo-convergence";
export type {
  MonteCarloConvergence,
  MonteCarloErrorRun,
  MonteCarloErrorSummary,
} from "./monte-carlo-convergence";
export { decayKernels, reluPowerFamily, reluPowerName } from "./decay-kernels";
export type { DecayKernel, DecayKernels } from "./decay-kernels";
export {
  findSlope,
  gridAliasing,
  localExponents,
  matrixAgainstQuadrature,
  matrixDecaySlopes,
  mercerDecaySlopes,
  mercerWindowSlopes,
  referenceLine,
  spectrumAboveFloor,
} from "./spectral-decay";
export type {
  AliasingRatio,
  GridAliasing,
  MatrixAgainstQuadrature,
  RankPoint,
  RankWindow,
  ResolvedSeries,
  SpectrumAboveFloor,
} from "./spectral-decay";
