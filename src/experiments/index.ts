/** Drivers the notebooks share: studies that combine the kernel, spectrum and training modules. */
export { circleKernelShape } from "./circle-kernel-shape";
export type { CircleCurvePoint, CircleKernelShape } from "./circle-kernel-shape";
export { monteCarloConvergence } from "./monte-carlo-convergence";
export type {
  MonteCarloConvergence,
  MonteCarloErrorRun,
  MonteCarloErrorSummary,
} from "./monte-carlo-convergence";
export { summarizeByWidth, wideNetworkGaps } from "./wide-network-gap";
export type {
  WideNetworkData,
  WideNetworkGapOptions,
  WideNetworkQuantity,
  WideNetworkRun,
  WidthSummary,
} from "./wide-network-gap";
export { learningCurve } from "./learning-curve";
export type { LearningCurveOptions, LearningCurvePoint } from "./learning-curve";
export { sampleSummary } from "./summary";
export type { SampleSummary } from "./summary";
export { gaussianProcessStudy } from "./gaussian-process-study";
export type {
  GaussianProcessData,
  GaussianProcessStudy,
  GaussianProcessStudyOptions,
} from "./gaussian-process-study";
export { networkAgainstDynamics } from "./network-against-dynamics";
export type {
  DynamicsComparison,
  NetworkAgainstDynamics,
  NetworkAgainstDynamicsData,
  NetworkAgainstDynamicsOptions,
} from "./network-against-dynamics";
