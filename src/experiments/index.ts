/** Drivers the notebooks share: studies that combine the kernel, spectrum and training modules. */
export { circleWindowSlope, matchDecaySlope } from "./matched-decay-slope";
export type { CircleWindowOptions, MatchDecaySlopeOptions, MatchedDecaySlope } from "./matched-decay-slope";
export { circleMatrixSlopes } from "./circle-matrix-slopes";
export type { CircleMatrix, CircleMatrixSlopes, CircleMatrixSlopesOptions } from "./circle-matrix-slopes";
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
export { roughestActivationSlope, twoLayerDecay } from "./activation-pairs";
export { diagonalSpread, monteCarloAgreement } from "./monte-carlo-agreement";
export type { MonteCarloAgreement } from "./monte-carlo-agreement";
export { widthConvergence } from "./width-convergence";
export type { WidthConvergence, WidthErrorRun, WidthErrorSummary } from "./width-convergence";
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
export { imageKernelAccuracy, summarizeAccuracy } from "./image-kernel-accuracy";
export type {
  AccuracySummary,
  ImageKernel,
  ImageKernelOptions,
  ImageKernelRun,
} from "./image-kernel-accuracy";
export { cubeLearningRate } from "./cube-learning-rate";
export type {
  CubeLearningRate,
  CubeLearningRateOptions,
  CubeNetworkRun,
  LinearizedRun,
} from "./cube-learning-rate";
export { rfmBaselines, rfmStudy } from "./rfm-study";
export type {
  RfmBaselineKernel,
  RfmBaselineOptions,
  RfmBaselineRun,
  RfmStudy,
  RfmStudyFit,
  RfmStudyMetric,
  RfmStudyOptions,
  RfmStudyVector,
} from "./rfm-study";
export { EIGENPRO_METHODS, eigenProByDepth, eigenProStudy, precomputedKernel } from "./eigenpro-study";
export type {
  EigenProByDepth,
  EigenProByDepthOptions,
  EigenProMethod,
  EigenProStudy,
  EigenProStudyEpoch,
  EigenProStudyOptions,
  EigenProStudyRun,
  EigenProStudySplit,
} from "./eigenpro-study";
