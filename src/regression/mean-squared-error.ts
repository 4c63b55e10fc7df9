/**
 * The mean squared error (1/n) sum_i (f_i - y_i)^2 of predictions f against targets y, kept finite where the
 * squares overflow but the mean does not: shared by kernelRegression's training error and the notebooks'
 * gaps between predictions.
 */
import { checkNumberList } from "../validate";

/**
 * (1/n) sum (f_i - y_i)^2 for f and y of the same length n >= 1, every entry finite; when the squares'
 * sum overflows, again with the residuals scaled by their largest magnitude, and an Error (naming f and
 * y) only when the mean itself exceeds the largest double.
 */
export function meanSquaredError(f: ArrayLike<number>, y: ArrayLike<number>): number {
  const who = "meanSquaredError";
  const predictions = checkNumberList(who, "f", f, { min: 1 });
  const targets = checkNumberList(who, "y", y, { length: predictions.length, lengthRule: " (as many as f)" });
  return meanSquare(who, predictions, targets, {
    rule: "f and y must be closer",
    advice: "scale both down (the error scales with their square)",
  });
}

/** What an overflowing mean tells the caller: the rule broken ("y must be smaller") and how to mend it. */
export interface MeanSquareRefusal {
  rule: string;
  advice: string;
}

/**
 * meanSquaredError on checked arrays of equal length >= 1; a mean beyond the largest double is an Error
 * in the caller's name saying refusal.rule and refusal.advice.
 */
export function meanSquare(
  who: string,
  f: ArrayLike<number>,
  y: ArrayLike<number>,
  refusal: MeanSquareRefusal,
): number {
  const n = y.length;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (f[i] - y[i]) ** 2;
  if (Number.isFinite(sq)) return sq / n;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(f[i] - y[i]));
  let scaled = 0;
  for (let i = 0; i < n; i++) scaled += ((f[i] - y[i]) / scale) ** 2;
  const mse = (scaled / n) * scale * scale;
  if (!Number.isFinite(mse)) {
    throw new Error(
      `${who}: ${refusal.rule}: the mean squared error exceeds the largest double (about 1.8e308; ` +
        `the largest residual is ${scale.toExponential(2)}); ${refusal.advice}`,
    );
  }
  return mse;
}
