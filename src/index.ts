/**
 * ntk-lab's public API: everything a notebook or a user imports, listed by name (d3's flat explicit
 * index). The table in README.md ("Kernels and layers") says what the kernel factories and layers take.
 */
// seeded random numbers
export { Rng, rngFrom, type RandomSource } from "./random";
// input points
export { circleAngles, circlePoints, segmentPoints, spherePoints } from "./inputs";
// activations, layers, kernels and the finite network
export {
  ACTIVATION_NAMES,
  DEFAULT_QUADRATURE_POINTS,
  MATERN_MAX_NU,
  Network,
  activation,
  activationByName,
  besselK,
  checkReferenceValues,
  cos,
  dense,
  describeArchitecture,
  dualAt,
  empiricalKernel,
  empiricalNtk,
  erf,
  erfFunction,
  extendedLaplace,
  extendedLaplaceKernel,
  gammaExponential,
  gammaExponentialKernel,
  gaussHermite,
  gaussLegendre,
  gaussian,
  gaussianKernel,
  identity,
  kernelsByDepth,
  laplace,
  largestDifference,
  laplaceKernel,
  logLogSlope,
  matern,
  maternCorrelation,
  maternExpectedDecay,
  maternKernel,
  mlp,
  monteCarloKernel,
  monteCarloNngp,
  monteCarloNngpWithError,
  monteCarloNtk,
  monteCarloNtkWithError,
  network,
  networkKernel,
  nngp,
  ntk,
  outputBlock,
  quadratureDual,
  referenceKernel,
  relativeError,
  relu,
  reluPower,
  rootMeanSquare,
  serial,
  sin,
  type Activation,
  type Architecture,
  type DenseLayer,
  type DenseOptions,
  type Dual,
  type DualArrays,
  type ErrorNorm,
  type ExtendedLaplaceOptions,
  type GammaExponentialOptions,
  type Kernel,
  type LargestDifference,
  type Layer,
  type LogLogFit,
  type MaternDecay,
  type MaternOptions,
  type MlpOptions,
  type MonteCarloKernel,
  type MonteCarloKernelOptions,
  type MonteCarloOptions,
  type MonteCarloResult,
  type NamedOptions,
  type NetworkKernelOptions,
  type NetworkOptions,
  type Parameterization,
  type PointsInput,
  type QuadratureRule,
  type ReferenceCheck,
  type ReferenceKernel,
  type ReferenceKind,
  type ReferencePair,
  type SigmaOptions,
} from "./kernels/index";
// notebooks: figures, tables, progress, files
export {
  composeFigure,
  formatCell,
  fractionText,
  inKernel,
  progress,
  projectRoot,
  rasterize,
  startNotebook,
  tableCsv,
  tableHtml,
  writeFileAtomic,
  type FigureText,
  type Notebook,
  type Progress,
} from "./report/index";
// spectra, eigen-decay fits and their theory
export {
  aliasedEigenvalues,
  aliasedEigenvaluesWithTail,
  circleProfile,
  circulantFrequencySpectrum,
  circulantSpectrum,
  decaySlope,
  eigenvalues,
  eigh,
  expectedDecay,
  fft,
  frequencySpectrum,
  localExponent,
  mercerRanks,
  precisionFloor,
  precisionRank,
  rankByFrequency,
  rankSlopeFromFrequencyExponent,
  rankedDecaySlope,
  slopeRows,
  type AliasTail,
  type AliasTailOptions,
  type CirculantFrequencySpectrum,
  type CirculantOptions,
  type DecaySlope,
  type DecaySlopeOptions,
  type EigenMethod,
  type EigenOptions,
  type Eigensystem,
  type ExpectedDecay,
  type FrequencySpectrum,
  type FrequencySpectrumOptions,
  type KernelFamily,
  type RankOptions,
  type RankedSpectrum,
  type SlopeMethod,
  type SlopeRow,
  type SymmetricInput,
} from "./spectrum/index";
// kernel regression, Gaussian processes, gradient-descent dynamics
export {
  gaussianProcessPosterior,
  gradientDescentDynamics,
  kernelRegression,
  meanSquaredError,
  residualLeft,
  standardDeviationBand,
  trainedEnsemble,
  type DynamicsOptions,
  type GaussianProcessPosterior,
  type KernelDynamics,
  type KernelRegression,
  type KernelRegressionOptions,
  type RegressionMode,
  type ResidualLeft,
  type StandardDeviationBand,
  type TrainedEnsemble,
} from "./regression/index";
// matrix products
export {
  gemm,
  gemmBackend,
  gemmReady,
  gemmReference,
  mat,
  setGemmBackend,
  type GemmOptions,
  type Mat,
} from "./linalg/index";
// training finite networks
export {
  kernelForecast,
  lossAndGradient,
  mlpNetwork,
  mseLoss,
  stableLearningRate,
  studyInputs,
  studyNetwork,
  studyRun,
  sweepAdamRate,
  train,
  trainTrajectory,
  type AdamOptions,
  type Checkpoint,
  type ForecastOptions,
  type StudyRunRecord,
  type StudyRunSpec,
  type Trajectory,
  type TrajectoryOptions,
  type BatchTrace,
  type LossAndGradient,
  type MlpNetworkOptions,
  type ProgressStart,
  type StabilityBound,
  type StopReason,
  type TargetsLike,
  type TrainOptions,
  type TrainRecord,
  type TrainResult,
} from "./training/index";
// scalar minimization
export {
  DEFAULT_RELATIVE_TOLERANCE,
  bracketMinimum,
  brentMinimize,
  goldenSectionMinimize,
  minimizeScalar,
  type Bracket,
  type BracketOptions,
  type MinimizeMethod,
  type MinimizeOptions,
  type MinimizeResult,
  type MinimizeScalarOptions,
} from "./optimize";
// target functions
export { multiSine, periodicGrid, squareWaveSeries, type SineSeries } from "./targets";
// Fourier components of predictions
export { fourierComponents, type FourierComponents } from "./fourier";
// spectral bias: errors per frequency, steps to learn
export { componentErrors, logSpacedSteps, stepsToLearn, type StepsToLearnOptions } from "./spectral-bias";
// memory budget
export { checkMemory, memoryBudget, type MemoryBudget } from "./memory";
// image data sets
export {
  downsample2x,
  imagePoints,
  loadCifar10,
  loadFashionMnist,
  loadMnistDigits,
  oneHot,
  selectClasses,
  splitImages,
  type ImageSet,
} from "./images/index";
// experiments: drivers the notebooks share
export {
  circleKernelShape,
  gaussianProcessStudy,
  learningCurve,
  monteCarloConvergence,
  networkAgainstDynamics,
  sampleSummary,
  type CircleCurvePoint,
  type CircleKernelShape,
  type DynamicsComparison,
  type GaussianProcessData,
  type GaussianProcessStudy,
  type GaussianProcessStudyOptions,
  type LearningCurveOptions,
  type LearningCurvePoint,
  type MonteCarloConvergence,
  type MonteCarloErrorRun,
  type MonteCarloErrorSummary,
  type NetworkAgainstDynamics,
  type NetworkAgainstDynamicsData,
  type NetworkAgainstDynamicsOptions,
  type SampleSummary,
  summarizeByWidth,
  wideNetworkGaps,
  type WideNetworkData,
  type WideNetworkGapOptions,
  type WideNetworkQuantity,
  type WideNetworkRun,
  type WidthSummary,
} from "./experiments/index";

/**
 * tslab evaluates each file of src/ as a child module of its executor, and Node lists a module's children
 * forever, so without this every earlier instance of src/ would stay reachable after a rerun of the import
 * cell (1.5-1.8 MB of heap each). The current instance of a file is the last child of that name; earlier
 * ones are dropped from the list. Outside tslab (plain Node, tsx) the executor is not loaded: nothing to do.
 */
function releaseEarlierInstances(): void {
  let executorModule: NodeJS.Module | undefined;
  try {
    executorModule = require.cache[require.resolve("tslab/dist/executor")];
  } catch {
    return;
  }
  if (!executorModule) return;
  const children = executorModule.children;
  const latest = new Map<string, NodeJS.Module>();
  for (const child of children) if (child.filename.startsWith(__dirname)) latest.set(child.filename, child);
  const kept = children.filter(
    (child) => !child.filename.startsWith(__dirname) || latest.get(child.filename) === child,
  );
  children.splice(0, children.length, ...kept);
}
releaseEarlierInstances();
