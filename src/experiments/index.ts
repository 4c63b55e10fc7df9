/** Drivers the notebooks share: studies that combine the kernel, spectrum and training modules. */
export { circleKernelShape } from "./circle-kernel-shape";
export type { CircleCurvePoint, CircleKernelShape } from "./circle-kernel-shape";
export { monteCarloConvergence } from "./monte-carlo-convergence";
export type {
  MonteCarloConvergence,
  MonteCarloErrorRun,
  MonteCarloErrorSummary,
} from "./monte-carlo-convergence";
export { kernelRegimeRun, kernelRegimeRunEnd, linearizedGap } from "./kernel-regime-run";
export type {
  KernelRegimeRun,
  KernelRegimeRunEnd,
  KernelRegimeRunOptions,
  LinearizedGapOptions,
} from "./kernel-regime-run";
export { highestBy, longRunGroups, lowestBy, upperMedian } from "./run-summaries";
export type { LongRunGroup, LongRunRow } from "./run-summaries";
export { circleModeTest } from "./circle-mode-test";
export type { CircleModeDeparture, CircleModePoint } from "./circle-mode-test";
export { learningRateTrials } from "./learning-rate-trials";
export type { LearningRateTrial } from "./learning-rate-trials";
