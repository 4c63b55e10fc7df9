/**
 * The empirical NTK of a finite network, K(x, y)_{ab} = <df_a(x)/dparams, df_b(y)/dparams> (seed 003).
 * Every weight gradient is an outer product weightScale_l delta_l g_{l-1}^T (network.ts), so layer l
 * contributes weightScale_l^2 (delta_l^a(x) . delta_l^b(y)) (g_{l-1}(x) . g_{l-1}(y)) plus
 * biasScale_l^2 delta_l^a(x) . delta_l^b(y): the Jacobian (n outputs x millions of parameters for
 * wide nets) is never formed.
 */
import { Matrix } from "ml-matrix";
import type { Network } from "../network";
import { assembleKernel } from "./assemble";
import { readPair, type Points, type PointsInput } from "./points";

/** Per point: the layer inputs g_{l-1} and, per output a, the deltas delta_l^a. */
interface Sensitivities {
  readonly inputs: Float64Array[][]; // [point][layer]
  readonly deltas: Float64Array[][][]; // [point][output][layer]
}

function sensitivities(net: Network, p: Points): Sensitivities {
  const inputs: Float64Array[][] = [];
  const deltas: Float64Array[][][] = [];
  const seed = new Float64Array(net.outputs);
  for (let i = 0; i < p.n; i++) {
    const trace = net.trace(p.data.subarray(i * p.d, (i + 1) * p.d));
    const layers = net.widths.length + 1;
    inputs.push(Array.from({ length: layers }, (_, l) => net.layerInput(trace, l)));
    const perOutput: Float64Array[][] = [];
    for (let a = 0; a < net.outputs; a++) {
      seed.fill(0);
      seed[a] = 1;
      perOutput.push(net.deltas(trace, seed));
    }
    deltas.push(perOutput);
  }
  return { inputs, deltas };
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) s += u[k] * v[k];
  return s;
}

/**
 * The empirical NTK of net on X (n x inputDim) and Y (m x inputDim; omitted = X). With c outputs the
 * result is (n c) x (m c) in output-major blocks: entry (a n + i, b m + j) is <df_a(x_i), df_b(y_j)>.
 * For wide nets the off-diagonal blocks (a != b) shrink to 0 (seed 004 problem 2) and each diagonal
 * block approaches ntk(net.architecture, X, Y).
 */
export function empiricalNtk(net: Network, X: PointsInput, Y?: PointsInput): Matrix {
  const { x, y, symmetric } = readPair("empiricalNtk", X, Y);
  if (x.d !== net.inputDim) {
    throw new Error(
      `empiricalNtk: X must have net.inputDim = ${net.inputDim} coordinates per row, got ${x.d}`,
    );
  }
  const sx = sensitivities(net, x);
  const sy = symmetric ? sx : sensitivities(net, y);
  const c = net.outputs;
  const L = net.widths.length;
  const ws2 = Float64Array.from(net.weightScale, (w) => w * w);
  const bs2 = Float64Array.from({ length: L + 1 }, (_, l) => (l < L ? net.biasScale[l] ** 2 : 0));
  return assembleKernel(x.n * c, y.n * c, symmetric, (row, col) => {
    const a = Math.floor(row / x.n);
    const i = row - a * x.n;
    const b = Math.floor(col / y.n);
    const j = col - b * y.n;
    const da = sx.deltas[i][a];
    const db = sy.deltas[j][b];
    let k = 0;
    for (let l = 0; l <= L; l++) {
      const dd = dot(da[l], db[l]);
      if (dd === 0) continue;
      k += dd * (ws2[l] * dot(sx.inputs[i][l], sy.inputs[j][l]) + bs2[l]);
    }
    return k;
  });
}
