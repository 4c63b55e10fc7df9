/**
 * Kernel regression, gradient-descent dynamics in the kernel's eigenbasis, Gaussian-process posteriors, the
 * distribution of trained infinitely wide networks, and recursive feature machines.
 */
export {
  kernelRegression,
  multiOutputKernelRegression,
  type KernelRegression,
  type KernelRegressionOptions,
  type MultiOutputKernelRegression,
  type RegressionMode,
} from "./kernel-regression";
export { meanSquaredError } from "./mean-squared-error";
export { gradientDescentDynamics, type DynamicsOptions, type KernelDynamics } from "./dynamics";
export { gaussianProcessPosterior, type GaussianProcessPosterior } from "./gaussian-process";
export { trainedEnsemble, type TrainedEnsemble } from "./trained-ensemble";
export { residualLeft, type ResidualLeft } from "./residual-left";
export { standardDeviationBand, type StandardDeviationBand } from "./band";
export {
  averageGradientOuterProduct,
  laplaceMahalanobisGradients,
  laplaceMahalanobisKernel,
  rfm,
  type AgopOptions,
  type LaplaceMahalanobisOptions,
  type MahalanobisInput,
  type OutputsInput,
  type Rfm,
  type RfmOptions,
  type RfmPredictor,
} from "./rfm";
export {
  eigenPro,
  type EigenPro,
  type EigenProEpoch,
  type EigenProModel,
  type EigenProOptions,
  type EigenProTargets,
  type ImagesBlockKernel,
  type PointsBlockKernel,
} from "./eigenpro";
