/** The band a figure draws around a Gaussian process's mean: mean -+ width standard deviations. */
import { checkNonNegative, checkNumberList } from "../validate";

export interface StandardDeviationBand {
  /** mean_i - width sqrt(variance_i), in the units of the mean. */
  lower: Float64Array;
  /** mean_i + width sqrt(variance_i). */
  upper: Float64Array;
}

/**
 * mean -+ width sqrt(variance) pointwise, for a posterior's (or the trained networks') mean and variance at
 * m >= 1 points (finite, variance >= 0) and a width >= 0 in standard deviations (2: about 95% of a Gaussian).
 */
export function standardDeviationBand(
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  width: number,
): StandardDeviationBand {
  const who = "standardDeviationBand";
  const mu = checkNumberList(who, "mean", mean, { min: 1 });
  const v = checkNumberList(who, "variance", variance, {
    length: mu.length,
    lengthRule: " (as many as mean)",
  });
  const negative = v.findIndex((x) => x < 0);
  if (negative >= 0)
    throw new Error(`${who}: variance must be >= 0, got variance[${negative}] = ${v[negative]}`);
  checkNonNegative(who, "width", width);
  const lower = new Float64Array(mu.length);
  const upper = new Float64Array(mu.length);
  for (let i = 0; i < mu.length; i++) {
    const sd = Math.sqrt(v[i]);
    lower[i] = mu[i] - width * sd;
    upper[i] = mu[i] + width * sd;
    if (!Number.isFinite(lower[i]) || !Number.isFinite(upper[i])) {
      throw new Error(
        `${who}: width must keep the band finite, got width = ${width} with mean[${i}] = ${mu[i]}, variance[${i}] = ${v[i]}`,
      );
    }
  }
  return { lower, upper };
}
