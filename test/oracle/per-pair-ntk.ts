/**
 * The test oracle of the layer engine (src/kernels/ntk.ts): the analytic NTK and NNGP as the lab computed
 * them before kernels became layers over arrays, one pair at a time through a scalar recursion (the row
 * filler below) with the scalar duals of scalar-duals.ts. The engine must give the same bits.
 * Only the activations of the lab (relu, relu^k, sin, cos, erf, identity, and fn/derivative activations
 * integrated by the default quadrature) have scalar duals here.
 */
import { Matrix } from "ml-matrix";
import { checkArchitecture, type Architecture } from "../../src/layers";
import { MIN_NORMAL, scaledNorm } from "../../src/numeric";
import { assembleRows, type RowFiller } from "../../src/kernels/assemble";
import { checkKernelMemory, readPair, type Points, type PointsInput } from "../../src/kernels/points";
import { DEFAULT_QUADRATURE_POINTS, rootOfProduct, type Activation } from "../../src/activations";
import { layerFault, perLayerText, type Output } from "../../src/kernels/ntk";
import * as scalar from "./scalar-duals";

type Dual = scalar.Dual;

/** The scalar dual of one of the lab's activations, found by name. */
function scalarDual(act: Activation): Dual {
  const known: Record<string, Dual> = {
    relu: scalar.reluPowerDual(1),
    sin: scalar.sinDual,
    cos: scalar.cosDual,
    erf: scalar.erfDual,
    identity: scalar.identityDual,
  };
  const power = /^relu\^(\d+)$/.exec(act.name);
  if (power) return scalar.reluPowerDual(Number(power[1]));
  return known[act.name] ?? scalar.quadratureDual(act.fn, act.derivative, DEFAULT_QUADRATURE_POINTS);
}

/**
 * The per-point quantities of the recursion for one set of points: the augmented input x -> (ws_1 x, bs_1)
 * as a unit vector and its norm, and per hidden layer l the variances Sigma_{l-1}(x, x) (variance) and
 * E[s_l(u)^2] (second moment).
 */
interface Prepared {
  readonly unit: Float64Array; // n x (d + 1), row-major
  readonly norm: Float64Array;
  readonly variance: Float64Array[];
  readonly secondMoment: Float64Array[];
}

function prepare(who: string, name: string, arch: Architecture, p: Points): Prepared {
  const { n, d, data } = p;
  const L = arch.activations.length;
  const ws = arch.weightStd[0];
  const bs = arch.biasStd[0];
  const unit = new Float64Array(n * (d + 1));
  const norm = new Float64Array(n);
  const variance: Float64Array[] = [];
  const secondMoment: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    variance.push(new Float64Array(n));
    secondMoment.push(new Float64Array(n));
  }
  const out = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    let s2 = bs * bs;
    for (let k = 0; k < d; k++) s2 += (ws * data[i * d + k]) ** 2;
    if (s2 === Infinity) {
      throw new Error(
        `${who}: ${name}[${i}]'s input variance weightStd[0]^2 |${name}[${i}]|^2 + biasStd[0]^2 overflows float64 (weightStd[0] = ${ws}, largest coordinate ${Math.max(...data.subarray(i * d, i * d + d).map(Math.abs))}); weightStd[0] |x| must stay below about 1e154`,
      );
    }
    // A sum of squares below the normal range keeps few bits: the norm then comes from scaled coordinates.
    const r =
      s2 >= MIN_NORMAL || s2 === 0
        ? Math.sqrt(s2)
        : scaledNorm(d + 1, (k) => (k === 0 ? bs : ws * data[i * d + k - 1]));
    norm[i] = r;
    // A zero augmented vector (x = 0 without bias) keeps a zero unit vector: g = h = c = 0 for its pairs.
    const inv = r > 0 ? 1 / r : 0;
    for (let k = 0; k < d; k++) unit[i * (d + 1) + k] = ws * data[i * d + k] * inv;
    unit[i * (d + 1) + d] = bs * inv;
    let q = s2;
    for (let l = 0; l < L; l++) {
      variance[l][i] = q;
      scalarDual(arch.activations[l])(q, q, q, 0, 2 * q, out);
      secondMoment[l][i] = out[0];
      const alpha = arch.weightStd[l + 1] ** 2 * arch.activations[l].scale;
      const beta = l + 1 < L ? arch.biasStd[l + 1] ** 2 : 0;
      q = alpha * out[0] + beta;
      if (!(q < Infinity)) throw layerFault(who, arch, l, q, q, q, out, `${name}[${i}]`, r);
    }
  }
  return { unit, norm, variance, secondMoment };
}

/**
 * The row filler of K(x_i, y_j) for the chosen output; all scratch space is allocated once here, and
 * everything that depends on one point only (norms, layer variances and second moments, their roots) is
 * read from the per-point arrays of prepare(), not recomputed per pair. The last layer's gaps g, h are
 * never read, so it calls the dual's values-only form (activations.ts) and skips their update; every
 * value that is computed is computed by the same operations as before, so the entries do not change.
 */
function rowFiller(
  who: string,
  arch: Architecture,
  px: Prepared,
  py: Prepared,
  d1: number,
  output: Output,
): RowFiller {
  const L = arch.activations.length;
  const acts = arch.activations;
  const duals: Dual[] = acts.map(scalarDual);
  const lastDual = scalar.valuesOnlyDual(duals[L - 1]);
  const alphas = new Float64Array(L);
  const betas = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    alphas[l] = arch.weightStd[l + 1] ** 2 * acts[l].scale;
    betas[l] = l + 1 < L ? arch.biasStd[l + 1] ** 2 : 0;
  }
  // sqrt(alpha_l E[s_l^2]) per point, for the bias update of g (identical to taking it per pair).
  const rootsOf = (p: Prepared) => p.secondMoment.map((m, l) => m.map((e) => Math.sqrt(alphas[l] * e)));
  const rootX = rootsOf(px);
  const rootY = py === px ? rootX : rootsOf(py);
  const varX = px.variance;
  const varY = py.variance;
  const sdX = varX.map((v) => v.map(Math.sqrt));
  const sdY = py === px ? sdX : varY.map((v) => v.map(Math.sqrt));
  const emX = px.secondMoment;
  const emY = py.secondMoment;
  const out = new Float64Array(4);
  const ux = px.unit;
  const uy = py.unit;
  const normX = px.norm;
  const normY = py.norm;
  const nngpOnly = output === "nngp";
  const last = L - 1;
  const fault = (l: number, i: number, j: number, c: number): never => {
    if (!(Math.abs(out[0]) + Math.abs(out[1]) < Infinity)) {
      throw layerFault(who, arch, l, varX[l][i], varY[l][j], c, out, `X[${i}], Y[${j}]`, normX[i]);
    }
    throw new Error(
      `${who}: the ${output === "ntk" ? "NTK" : "NNGP"} entry [${i}][${j}] overflows float64 at depth ${L} (weightStd ${perLayerText(arch.weightStd)}, |(weightStd[0] x, biasStd[0])| = ${normX[i]} and ${normY[j]}); the depth, weightStd or |x| must be lower`,
    );
  };
  return (i, j0, j1, row) => {
    const ni = normX[i];
    const oi = i * d1;
    for (let j = j0; j < j1; j++) {
      let minus = 0;
      let plus = 0;
      const oj = j * d1;
      for (let k = 0; k < d1; k++) {
        const p = ux[oi + k];
        const q = uy[oj + k];
        minus += (p - q) * (p - q);
        plus += (p + q) * (p + q);
      }
      const rr = ni * normY[j];
      let g = (rr * minus) / 2;
      let h = (rr * plus) / 2;
      let c = (h - g) / 2;
      let theta = c;
      for (let l = 0; l < last; l++) {
        duals[l](varX[l][i], varY[l][j], c, g, h, out);
        if (!(Math.abs(out[0]) + Math.abs(out[1]) < Infinity)) fault(l, i, j, c);
        const alpha = alphas[l];
        const beta = betas[l];
        const value = out[0];
        let gap = out[2];
        let cogap = out[3];
        if (gap !== gap || cogap !== cogap || beta > 0) {
          const ex = emX[l][i];
          const ey = emY[l][j];
          const root = rootOfProduct(ex, ey);
          // Subtracted where the dual gives no better value; clamped, since rounding may leave -1e-17 at x = y.
          if (gap !== gap) gap = Math.max(0, root - value);
          if (cogap !== cogap) cogap = Math.max(0, root + value);
          if (beta > 0) {
            // Adding the bias variance beta to a, b and c moves sqrt(AB) - C by
            // sqrt((A0+beta)(B0+beta)) - sqrt(A0 B0) - beta = beta (sqrt A0 - sqrt B0)^2 / (sqrt(AB) + sqrt(A0 B0) + beta),
            // and sqrt(AB) + C by a sum of non-negative terms: neither cancels.
            const a0 = alpha * ex;
            const b0 = alpha * ey;
            const r0 = alpha * root;
            const r1 = rootOfProduct(a0 + beta, b0 + beta);
            const spread = rootX[l][i] - rootY[l][j];
            g = alpha * gap + (beta * spread * spread) / (r1 + r0 + beta);
            h = alpha * cogap + ((beta * (a0 + b0 + beta)) / (r1 + r0) + beta);
          } else {
            g = alpha * gap + 0;
            h = alpha * cogap + 0;
          }
        } else {
          g = alpha * gap + 0;
          h = alpha * cogap + 0;
        }
        // The next layer's state (c, g, h) is tied to its variances: g + h = 2m, m = sqrt(ab). Near c = +-m
        // (a gap below m / 2) c and the other gap come from the small gap; elsewhere from c = alpha * value
        // + beta, where m -+ c cannot cancel. Carried apart, the three drifted: for sin (coth 1 per layer)
        // and erf (1.23) the fixed point c = m repels, so a covariance rounded on its own left the
        // variances (the depth-150 sin NNGP had Infinity on the diagonal), and g + h - 2m grew by the
        // same factor until g and h overflowed. Tied, the diagonal is exact at any depth.
        const m = sdX[l + 1][i] * sdY[l + 1][j];
        if (g < 0.5 * m) {
          c = m - g;
          h = m + c;
        } else if (h < 0.5 * m) {
          c = h - m;
          g = m - c;
        } else {
          c = alpha * value + beta;
          g = m - c;
          h = m + c;
        }
        theta = c + alpha * out[1] * theta;
      }
      lastDual(varX[last][i], varY[last][j], c, g, h, out);
      if (!(Math.abs(out[0]) + Math.abs(out[1]) < Infinity)) fault(last, i, j, c);
      c = alphas[last] * out[0] + betas[last];
      const value = nngpOnly ? c : c + alphas[last] * out[1] * theta;
      if (!(Math.abs(value) < Infinity)) fault(last, i, j, c);
      row[j] = value;
    }
  };
}

/** ntk or nngp (output) with its Errors named for `who` (the function the user called). */
export function oracleKernel(
  who: string,
  output: Output,
  arch: Architecture,
  X: PointsInput,
  Y?: PointsInput,
): Matrix {
  checkArchitecture(who, arch);
  const { x, y, symmetric } = readPair(who, X, Y);
  // Per point: its copy, the unit vector, norm, and per layer variance, second moment and root.
  checkKernelMemory(who, x, y, symmetric, 2 * x.d + 2 + 3 * arch.activations.length);
  const px = prepare(who, "X", arch, x);
  const py = symmetric ? px : prepare(who, "Y", arch, y);
  return assembleRows(x.n, y.n, symmetric, rowFiller(who, arch, px, py, x.d + 1, output));
}

/**
 * The neural tangent kernel Theta_L(x_i, y_j) of the architecture: an n x m Matrix for X (n x d) and
 * Y (m x d), one point per row; Y omitted gives the symmetric K(X, X). Peak memory about
 * 8 (n m + (n + m)(2 d + 2 + 3 L)) bytes for L hidden layers, checked before anything is allocated.
 */
export function ntk(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return oracleKernel("ntk", "ntk", arch, X, Y);
}

/**
 * The NNGP kernel Sigma_L(x_i, y_j), the covariance of the network's output at initialization (n x m).
 * Peak memory as ntk's.
 */
export function nngp(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return oracleKernel("nngp", "nngp", arch, X, Y);
}
