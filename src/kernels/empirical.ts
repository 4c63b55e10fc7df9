/**
 * The empirical NTK of a finite network, K(x, y)_{ab} = <df_a(x)/dparams, df_b(y)/dparams> (the 18.408 project report).
 * Every weight gradient is an outer product weightScale_l delta_l g_{l-1}^T (network.ts), so layer l
 * contributes weightScale_l^2 (delta_l^a(x) . delta_l^b(y)) (g_{l-1}(x) . g_{l-1}(y)) plus
 * biasScale_l^2 delta_l^a(x) . delta_l^b(y): the Jacobian (n outputs x millions of parameters for
 * wide nets) is never formed. The trainers' learning-rate guard uses the same assembly.
 */
import { Matrix } from "ml-matrix";
import { gemm, mat } from "../linalg/gemm";
import { checkNetwork, type Network } from "../network";
import { fewerPointsAdvice, readPair, type PointsInput } from "./points";
import { checkMemory, gemmWorkBytes } from "../memory";

/**
 * Upper bound of the peak memory (bytes) of empiricalNtkArray for n and m points (symmetric: Y = X) and c
 * outputs, with hidden widths w_l (W = sum_l w_l): the batched forward traces, n (2 W + c) per set, the
 * deltas of each output, c n (W + c) per set, the L + 1 layer Gram matrices and the product buffer,
 * (L + 2) n m, the result c^2 n m, and the largest GEMM work space of those products; all times 8.
 */
export function empiricalNtkBytes(net: Network, n: number, m: number, symmetric: boolean): number {
  const c = net.outputs;
  const sizes = [net.inputDim, ...net.widths, c];
  const W = net.widths.reduce((sum, w) => sum + w, 0);
  const points = symmetric ? n : n + m;
  // The n x m products over each layer size; the forward and backward products of each layer.
  let gemm = 0;
  for (let l = 0; l < sizes.length; l++) {
    gemm = Math.max(gemm, gemmWorkBytes(n, m, sizes[l]));
    if (l > 0) gemm = Math.max(gemm, gemmWorkBytes(Math.max(n, m), sizes[l], sizes[l - 1]));
  }
  const traces = points * (2 * W + c + c * (W + c));
  return 8 * (traces + (net.widths.length + 2) * n * m + c * c * n * m) + gemm;
}

/**
 * The empirical NTK as a row-major (n c) x (m c) array, from the points X (n x inputDim, row-major) and Y
 * (m x inputDim; omitted = X). Each layer's term is assembled from batched passes with matrix products:
 * K_ab = sum_l (Delta_l^a(X) Delta_l^b(Y)^T) o (weightScale_l^2 G_{l-1}(X) G_{l-1}(Y)^T + biasScale_l^2),
 * o the entrywise product, so the cost is a few GEMMs rather than one dot product per entry and layer.
 */
export function empiricalNtkArray(
  net: Network,
  X: Float64Array,
  n: number,
  Y?: Float64Array,
  m?: number,
): Float64Array {
  const c = net.outputs;
  const L = net.widths.length;
  const tx = net.forwardBatch(X, n);
  const ty = Y && m !== undefined ? net.forwardBatch(Y, m) : tx;
  const mm = ty.n;
  const layerInput = (trace: typeof tx, l: number) => (l === 0 ? trace.input : trace.features[l - 1]);
  // Per layer the n x m Gram of the layer inputs (with the bias term), shared by all output pairs.
  const grams: Float64Array[] = [];
  for (let l = 0; l <= L; l++) {
    const gx = layerInput(tx, l);
    const fanIn = gx.length / n;
    const G = new Float64Array(n * mm);
    gemm(mat(n, fanIn, gx), mat(mm, fanIn, layerInput(ty, l)), mat(n, mm, G), { transB: true });
    const ws2 = net.weightScale[l] ** 2;
    const bs2 = l < L ? net.biasScale[l] ** 2 : 0;
    for (let k = 0; k < G.length; k++) G[k] = ws2 * G[k] + bs2;
    grams.push(G);
  }
  const deltasFor = (trace: typeof tx): Float64Array[][] =>
    Array.from({ length: c }, (_, a) => {
      const seeds = new Float64Array(trace.n * c);
      for (let i = 0; i < trace.n; i++) seeds[i * c + a] = 1;
      return net.deltasBatch(trace, seeds);
    });
  const dx = deltasFor(tx);
  const dy = ty === tx ? dx : deltasFor(ty);
  const cols = mm * c;
  const K = new Float64Array(n * c * cols);
  const dd = new Float64Array(n * mm);
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      for (let l = 0; l <= L; l++) {
        const width = dx[a][l].length / n;
        gemm(mat(n, width, dx[a][l]), mat(mm, width, dy[b][l]), mat(n, mm, dd), { transB: true });
        const G = grams[l];
        for (let i = 0; i < n; i++) {
          const row = (a * n + i) * cols + b * mm;
          for (let j = 0; j < mm; j++) K[row + j] += dd[i * mm + j] * G[i * mm + j];
        }
      }
    }
  }
  return K;
}

/**
 * The empirical NTK of net on X (n x inputDim) and Y (m x inputDim; omitted = X). With c outputs the
 * result is (n c) x (m c) in output-major blocks: entry (a n + i, b m + j) is <df_a(x_i), df_b(y_j)>.
 * For wide nets the off-diagonal blocks (a != b) shrink to 0 (Problem Set 4, problem 2) and each diagonal
 * block approaches ntk(net.architecture, X, Y). Peak memory: empiricalNtkBytes plus the returned Matrix,
 * 8 c^2 n m, checked before anything is allocated.
 */
export function empiricalNtk(net: Network, X: PointsInput, Y?: PointsInput): Matrix {
  return empiricalMatrix("empiricalNtk", net, X, Y);
}

/** empiricalNtk with its Errors named for `who`. */
export function empiricalMatrix(who: string, net: Network, X: PointsInput, Y?: PointsInput): Matrix {
  checkNetwork(who, net);
  const { x, y, symmetric } = readPair(who, X, Y);
  if (x.d !== net.inputDim) {
    throw new Error(`${who}: X must have net.inputDim = ${net.inputDim} coordinates per row, got ${x.d}`);
  }
  const c = net.outputs;
  checkMemory(
    who,
    empiricalNtkBytes(net, x.n, y.n, symmetric) + 8 * c * c * x.n * y.n,
    `${fewerPointsAdvice(x, y, symmetric)} or the network's outputs (${c})`,
  );
  const K = symmetric
    ? empiricalNtkArray(net, x.data, x.n)
    : empiricalNtkArray(net, x.data, x.n, y.data, y.n);
  const cols = y.n * net.outputs;
  // Rows as views of K: ml-matrix copies each into its own Float64Array (no arrays of numbers on the heap).
  return new Matrix(
    Array.from({ length: x.n * net.outputs }, (_, i) => K.subarray(i * cols, (i + 1) * cols)),
  );
}

/**
 * The diagonal of empiricalNtk(net, X), entry a n + i = |df_a(x_i)/dparams|^2, from the batched passes of
 * X alone (no n x n matrix): per layer the squared norms of the deltas and of the layer inputs, summed in
 * the order the GEMM of empiricalNtkArray sums them (over units from the first), so the bits are the
 * matrix's diagonal.
 */
export function empiricalDiagonal(who: string, net: Network, X: PointsInput): Float64Array {
  checkNetwork(who, net);
  const { x } = readPair(who, X);
  if (x.d !== net.inputDim) {
    throw new Error(`${who}: X must have net.inputDim = ${net.inputDim} coordinates per row, got ${x.d}`);
  }
  const { n } = x;
  const c = net.outputs;
  const L = net.widths.length;
  const W = net.widths.reduce((sum, w) => sum + w, 0);
  checkMemory(who, 8 * n * (2 * W + c + c * (W + c) + c + 1), `lower n (X has ${n} points)`);
  const trace = net.forwardBatch(x.data, n);
  const squaredNorms = (A: Float64Array, width: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let r = 0; r < width; r++) s += A[i * width + r] * A[i * width + r];
      out[i] = s;
    }
    return out;
  };
  const inputs: Float64Array[] = [];
  for (let l = 0; l <= L; l++) {
    const g = l === 0 ? trace.input : trace.features[l - 1];
    const G = squaredNorms(g, g.length / n);
    const ws2 = net.weightScale[l] ** 2;
    const bs2 = l < L ? net.biasScale[l] ** 2 : 0;
    for (let i = 0; i < n; i++) G[i] = ws2 * G[i] + bs2;
    inputs.push(G);
  }
  const diagonal = new Float64Array(n * c);
  for (let a = 0; a < c; a++) {
    const seeds = new Float64Array(n * c);
    for (let i = 0; i < n; i++) seeds[i * c + a] = 1;
    const deltas = net.deltasBatch(trace, seeds);
    for (let l = 0; l <= L; l++) {
      const dd = squaredNorms(deltas[l], deltas[l].length / n);
      for (let i = 0; i < n; i++) diagonal[a * n + i] += dd[i] * inputs[l][i];
    }
  }
  return diagonal;
}
