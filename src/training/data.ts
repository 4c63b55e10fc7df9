/**
 * Training data as the trainers read it: inputs X (n x inputDim, row-major) and targets Y (n x outputs),
 * checked against the network with errors that name the parameter and what is allowed.
 */
import { Matrix } from "ml-matrix";
import { checkNetwork, type Network } from "../network";
import { readPoints, type PointsInput } from "../kernels/points";
import { describeValue } from "../validate";

export interface Dataset {
  readonly n: number;
  /** n x inputDim, row-major. */
  readonly X: Float64Array;
  /** n x outputs, row-major. */
  readonly Y: Float64Array;
}

/** Targets: a list of numbers (one output) or rows (one per point, `outputs` numbers each). */
export type TargetsLike = ArrayLike<number> | ArrayLike<ArrayLike<number>> | Matrix;

export function readInputs(who: string, name: string, net: Network, X: PointsInput): Float64Array {
  checkNetwork(who, net);
  if (
    X !== null &&
    typeof X === "object" &&
    !(X instanceof Matrix) &&
    X.length > 0 &&
    typeof X[0] === "number"
  ) {
    const flat = X as ArrayLike<number>;
    if (net.inputDim !== 1) {
      throw new Error(
        `${who}: ${name} is a list of numbers (1-D inputs) but the network has inputDim = ${net.inputDim}; pass rows of ${net.inputDim} coordinates`,
      );
    }
    const data = Float64Array.from(flat);
    data.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`${who}: ${name}[${i}] must be finite, got ${v}`);
    });
    return data;
  }
  const p = readPoints(who, name, X as PointsInput);
  if (p.d !== net.inputDim) {
    throw new Error(
      `${who}: ${name} must have net.inputDim = ${net.inputDim} coordinates per point, got ${p.d}`,
    );
  }
  return p.data;
}

export function readDataset(who: string, net: Network, X: PointsInput, y: TargetsLike): Dataset {
  const data = readInputs(who, "X", net, X);
  const n = data.length / net.inputDim;
  if (y === null || typeof y !== "object") {
    throw new Error(
      `${who}: y must be a list of targets (or rows of ${net.outputs} targets), got ${describeValue(y)}`,
    );
  }
  const rows = y instanceof Matrix ? y.rows : y.length;
  if (rows !== n) {
    throw new Error(
      `${who}: X and y must have the same number of points, got ${n} inputs and ${rows} targets`,
    );
  }
  const c = net.outputs;
  const Y = new Float64Array(n * c);
  // One form for every point: all numbers (one output) or all rows.
  const numbers = !(y instanceof Matrix) && n > 0 && typeof (y as ArrayLike<unknown>)[0] === "number";
  for (let i = 0; i < n; i++) {
    const row = y instanceof Matrix ? y.getRow(i) : (y as ArrayLike<unknown>)[i];
    if ((typeof row === "number") !== numbers) {
      throw new Error(
        `${who}: y[${i}] must be ${numbers ? "a number like y[0]" : "a row like y[0]"}, got ${describeValue(row)}`,
      );
    }
    if (typeof row === "number") {
      if (c !== 1) throw new Error(`${who}: y[${i}] must be a row of outputs = ${c} targets, got a number`);
      Y[i] = row;
    } else {
      const r = row as ArrayLike<number>;
      if (!r || r.length !== c) {
        throw new Error(`${who}: y[${i}] must have outputs = ${c} targets, got ${r ? r.length : String(r)}`);
      }
      for (let a = 0; a < c; a++) Y[i * c + a] = r[a];
    }
    for (let a = 0; a < c; a++) {
      if (!Number.isFinite(Y[i * c + a])) {
        throw new Error(
          `${who}: targets must be finite numbers, got y[${i}]${c > 1 ? `[${a}]` : ""} = ${Y[i * c + a]}`,
        );
      }
    }
  }
  return { n, X: data, Y };
}
