export { train } from "./train";
export type { TrainOptions, TrainResult, TrainRecord, StopReason, AdamOptions, ProgressStart } from "./train";
export { lossAndGradient, mseLoss } from "./gradient";
export type { LossAndGradient } from "./gradient";
export { stableLearningRate } from "./guard";
export type { StabilityBound } from "./guard";
export { mlpNetwork } from "./model";
export type { MlpNetworkOptions } from "./model";
export type { TargetsLike } from "./data";
export type { BatchTrace } from "../network";
export {
  kernelForecast,
  studyInputs,
  studyNetwork,
  studyRun,
  sweepAdamRate,
  trainTrajectory,
} from "./trajectory";
export type {
  Checkpoint,
  ForecastOptions,
  StudyRunRecord,
  StudyRunSpec,
  Trajectory,
  TrajectoryOptions,
} from "./trajectory";
