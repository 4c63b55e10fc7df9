/**
 * The summary a study draws for a group of repeated measurements (one training-set size of a learning
 * curve, its errors over random training sets): their mean and a band between two quantiles.
 */
import { checkInRange, checkNumberList, describeValue } from "../validate";

export interface SampleSummary {
  /** How many values were summarized. */
  count: number;
  /** Their mean, summed in ascending order of the values. */
  mean: number;
  /** The quantiles at band[0] and band[1] (see sampleSummary). */
  low: number;
  high: number;
}

/**
 * The mean of `values` (n >= 1 finite numbers, any order; not modified) and the quantiles at
 * band = [qLow, qHigh] (0 <= qLow <= qHigh <= 1): the q-quantile is the value of rank round(q (n - 1))
 * in ascending order (0-based; rank 0 the smallest), one of the values, never an interpolation. With
 * band [0.1, 0.9] and 20 values: the 3rd smallest and the 3rd largest. The mean is summed over the
 * sorted values, smallest first.
 */
export function sampleSummary(values: ArrayLike<number>, band: readonly [number, number]): SampleSummary {
  const who = "sampleSummary";
  const sorted = Array.from(checkNumberList(who, "values", values, { min: 1 })).sort((a, b) => a - b);
  if (!Array.isArray(band) || band.length !== 2) {
    const shown = Array.isArray(band)
      ? `[${band.map((v) => describeValue(v)).join(", ")}]`
      : describeValue(band);
    throw new Error(`${who}: band must be a pair [qLow, qHigh] of quantiles in [0, 1], got ${shown}`);
  }
  checkInRange(who, "band[0]", band[0], 0, 1, { loInclusive: true });
  checkInRange(who, "band[1]", band[1], 0, 1, { loInclusive: true });
  if (band[0] > band[1]) {
    throw new Error(`${who}: band must have band[0] <= band[1], got [${band[0]}, ${band[1]}]`);
  }
  const at = (q: number): number => sorted[Math.round(q * (sorted.length - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / sorted.length;
  if (!Number.isFinite(mean)) {
    throw new Error(
      `${who}: values must have a finite sum (their magnitudes below about 1e308 / n), got ${sum}`,
    );
  }
  return { count: sorted.length, mean, low: at(band[0]), high: at(band[1]) };
}
