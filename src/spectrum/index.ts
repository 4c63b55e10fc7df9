/** The spectrum module's public API: eigen solvers, decay fits, per-frequency spectra, the theory's rates. */
export { eigenvalues, eigh, type EigenMethod, type EigenOptions, type Eigensystem } from "./eigen";
export { circulantSpectrum, type CirculantOptions } from "./circulant";
export { decaySlope, type DecaySlope, type DecaySlopeOptions, type SlopeMethod } from "./decay";
export {
  frequencySpectrum,
  circulantFrequencySpectrum,
  aliasedEigenvalues,
  type FrequencySpectrum,
  type FrequencySpectrumOptions,
  type CirculantFrequencySpectrum,
} from "./frequency";
export {
  expectedDecay,
  rankSlopeFromFrequencyExponent,
  type ExpectedDecay,
  type KernelFamily,
} from "./theory";
export { fft } from "./fft";
export { precisionFloor } from "../numeric";
export type { SymmetricInput } from "./symmetric";
export {
  rankByFrequency,
  mercerRanks,
  localExponent,
  resolvedFrequencies,
  rankedDecaySlope,
  precisionRank,
  circleProfile,
  slopeRows,
  type RankedSpectrum,
  type RankOptions,
  type SlopeRow,
} from "./ranked";
export { aliasedEigenvaluesWithTail, type AliasTail, type AliasTailOptions } from "./alias-tail";
export {
  circleMercerSlope,
  frequencyOrderedRanks,
  type CircleMercerSlope,
  type CircleMercerSlopeOptions,
} from "./circle-mercer-slope";
export { signedSpectrum, type SignedSpectrum } from "./signed";
export {
  booleanCubeSpectrum,
  dotProductSeries,
  fractionalVariance,
  yangSalmanNetwork,
  BOOLEAN_CUBE_MAX_D,
  type BooleanCubeOptions,
  type BooleanCubeSpectrum,
  type DotProductSeries,
  type DotProductSeriesOptions,
  type YangSalmanSpec,
} from "./boolean-cube";
export {
  sphereMercer,
  sphereMultiplicity,
  spectrumByRank,
  type SpectrumByRank,
  SPHERE_MAX_D,
  type SphereMercer,
  type SphereMercerOptions,
} from "./sphere";
