/** Kernel regression, gradient-descent dynamics in the kernel's eigenbasis, Gaussian-process posteriors. */
export {
  kernelRegression,
  type KernelRegression,
  type KernelRegressionOptions,
  type RegressionMode,
} from "./kernel-regression";
export { gradientDescentDynamics, type DynamicsOptions, type KernelDynamics } from "./dynamics";
export { gaussianProcessPosterior, type GaussianProcessPosterior } from "./gaussian-process";
