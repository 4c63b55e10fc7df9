/**
 * Summaries over a set of labelled runs, as the notebooks' captions and verdicts quote them: the run with
 * the lowest or highest value (the first one on ties, in the order given), the upper median, and the long
 * runs of notebook 05 grouped by activation pair (mean final loss and top-frequency error over seeds, how
 * many seeds reached the loss target or learned the top frequency).
 */
import { checkNumberList, checkPositive, describeValue } from "../validate";

/** value(item) for every item, refusing a value that is not a number or is NaN (it could never be compared). */
function valuesOf<T>(who: string, items: readonly T[], value: (item: T) => number): number[] {
  if (!Array.isArray(items) || items.length < 1) {
    throw new Error(`${who}: items must be a non-empty array, got ${describeValue(items)}`);
  }
  if (typeof value !== "function") {
    throw new Error(`${who}: value must be a function (item) => number, got ${describeValue(value)}`);
  }
  return items.map((item, i) => {
    const v = value(item);
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new Error(
        `${who}: value must return a number (not NaN) for every item, got ${describeValue(v)} for items[${i}]`,
      );
    }
    return v;
  });
}

/** The index of the first best value: `better(b, a)` says b beats the best so far a. */
function firstBest(values: number[], better: (b: number, a: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (better(values[i], values[best])) best = i;
  return best;
}

/** The item with the smallest value(item); the first such item on ties. */
export function lowestBy<T>(items: readonly T[], value: (item: T) => number): T {
  return items[firstBest(valuesOf("lowestBy", items, value), (b, a) => b < a)];
}

/** The item with the largest value(item); the first such item on ties. */
export function highestBy<T>(items: readonly T[], value: (item: T) => number): T {
  return items[firstBest(valuesOf("highestBy", items, value), (b, a) => b > a)];
}

/**
 * The median of a non-empty list of finite numbers, as one of its values: the middle one of the sorted
 * list, the upper of the two middle ones for an even count (not their mean).
 */
export function upperMedian(values: ArrayLike<number>): number {
  const list = Array.from(checkNumberList("upperMedian", "values", values, { min: 1 }));
  return list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
}

/** One long run as the grouping reads it (a row of notebook 05's long-runs table). */
export interface LongRunRow {
  pair: string;
  finalLoss: number;
  topError: number;
  /** "target" when the run stopped at its loss target ("zero training loss"). */
  stop: string;
}

/** The long runs of one pair. */
export interface LongRunGroup<R extends LongRunRow> {
  pair: string;
  rows: R[];
  /** Means over the rows of finalLoss and topError. */
  loss: number;
  top: number;
  /** Rows that stopped at the loss target; rows whose topError is <= learnedBelow. */
  zero: number;
  learned: number;
}

/**
 * The rows grouped by pair, in the order of `pairs` (pairs without rows left out), then sorted by mean
 * final loss, lowest first (a stable sort: equal means keep the pairs' order).
 */
export function longRunGroups<R extends LongRunRow>(
  rows: readonly R[],
  pairs: readonly string[],
  learnedBelow: number,
): LongRunGroup<R>[] {
  const who = "longRunGroups";
  if (!Array.isArray(rows))
    throw new Error(`${who}: rows must be an array of runs, got ${describeValue(rows)}`);
  if (!Array.isArray(pairs)) {
    throw new Error(`${who}: pairs must be an array of pair names, got ${describeValue(pairs)}`);
  }
  checkPositive(who, "learnedBelow", learnedBelow);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return pairs
    .filter((pair) => rows.some((r) => r.pair === pair))
    .map((pair) => {
      const these = rows.filter((r) => r.pair === pair);
      return {
        pair,
        rows: these,
        loss: mean(these.map((r) => r.finalLoss)),
        top: mean(these.map((r) => r.topError)),
        zero: these.filter((r) => r.stop === "target").length,
        learned: these.filter((r) => r.topError <= learnedBelow).length,
      };
    })
    .sort((a, b) => a.loss - b.loss);
}
