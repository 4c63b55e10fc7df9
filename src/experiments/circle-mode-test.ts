/**
 * The clean test of notebook 05 on the circle: with inputs equally spaced on the circle the analytic NTK's
 * matrix is circulant, its eigenvectors are the Fourier modes and lambda_k its eigenvalue for frequency k
 * (circulantSpectrum), so in the kernel regime each frequency's relative error follows
 * e_k(t) = e_k(0) |1 - eta lambda_k / n|^t with nothing fitted. Given a studyRun record of such a run, the
 * measured and predicted error of every frequency at every checkpoint t >= 1, and for each frequency the
 * first checkpoint at which the measurement is off the prediction by more than a fraction `offBy` while the
 * prediction is still at least `minPredicted` (below it the comparison means little).
 */
import type { StudyRunRecord } from "../training/trajectory";
import { checkNumberList, checkPositive, describeValue, requiredObject } from "../validate";

/** One frequency at one checkpoint. */
export interface CircleModePoint {
  k: number;
  step: number;
  /** |K_t - K_0|_F / |K_0|_F of the empirical NTK at that checkpoint. */
  kernelChange: number;
  measured: number;
  predicted: number;
}

/** Where one frequency leaves its prediction (all null when it never does within the run). */
export interface CircleModeDeparture {
  k: number;
  step: number | null;
  kernelChange: number | null;
  /** measured / predicted there. */
  ratio: number | null;
}

/**
 * The test for one run (see the file comment). lambda: the circulant spectrum of the analytic NTK on the
 * run's n inputs (lambda[k] for every target frequency k); options.offBy > 0, options.minPredicted > 0
 * (default 0.01). Points come checkpoint by checkpoint, frequencies in the record's order within each.
 */
export function circleModeTest(
  record: StudyRunRecord,
  lambda: ArrayLike<number>,
  options: { offBy: number; minPredicted?: number },
): { points: CircleModePoint[]; departures: CircleModeDeparture[] } {
  const who = "circleModeTest";
  if (
    record === null ||
    typeof record !== "object" ||
    !Array.isArray(record.checkpoints) ||
    record.checkpoints.length < 1
  ) {
    throw new Error(
      `${who}: record must be a studyRun record with checkpoints, got ${describeValue(record)}`,
    );
  }
  const spectrum = checkNumberList(who, "lambda", lambda);
  const top = Math.max(...record.frequencies);
  if (spectrum.length <= top) {
    throw new Error(
      `${who}: lambda must hold an eigenvalue for every frequency up to ${top}, got ${spectrum.length} values`,
    );
  }
  requiredObject(who, "options", options, "{ offBy, minPredicted? }");
  const { offBy, minPredicted = 0.01 } = options;
  checkPositive(who, "offBy", offBy);
  checkPositive(who, "minPredicted", minPredicted);
  const n = record.spec.n;
  const e0 = record.checkpoints[0].errors;
  const points = record.checkpoints
    .filter((c) => c.step >= 1)
    .flatMap((c) =>
      record.frequencies.map((k, i) => ({
        k,
        step: c.step,
        kernelChange: c.kernelChange,
        measured: c.errors[i],
        predicted: e0[i] * Math.abs(1 - (record.learningRate * spectrum[k]) / n) ** c.step,
      })),
    );
  const departures = record.frequencies.map((k) => {
    const off = points.find(
      (p) => p.k === k && p.predicted >= minPredicted && Math.abs(p.measured / p.predicted - 1) > offBy,
    );
    return {
      k,
      step: off?.step ?? null,
      kernelChange: off?.kernelChange ?? null,
      ratio: off ? off.measured / off.predicted : null,
    };
  });
  return { points, departures };
}
