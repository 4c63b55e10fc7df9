/**
 * The analytic NTK and NNGP of a fully connected network of any depth: the layer recursion of Arora et
 * al. (2019) as written in seed 003, with per-layer weight and bias scales (architecture.ts):
 *   Sigma_0(x, x') = ws_1^2 x.x' + bs_1^2,                         Theta_0 = Sigma_0,
 *   Lambda_h = [[Sigma_{h-1}(x,x), Sigma_{h-1}(x,x')], [., Sigma_{h-1}(x',x')]],  (u, v) ~ N(0, Lambda_h),
 *   Sigma_h = ws_{h+1}^2 c_h E[s_h(u) s_h(v)] + bs_{h+1}^2,    dSigma_h = ws_{h+1}^2 c_h E[s_h'(u) s_h'(v)],
 *   Theta_h = Theta_{h-1} dSigma_h + Sigma_h,                      ntk = Theta_L, nngp = Sigma_L
 * (bs_{L+1} = 0: no output bias). With unit weight scales and no bias this is exactly Arora et al.'s
 * Theta^(L), the convention of ../shared/reference/kernels.json.
 *
 * Precision (DESIGN.md): along with each covariance c the recursion carries g = sqrt(ab) - c and
 * h = sqrt(ab) + c, computed without cancellation: from the inputs as |x||y| |x^ -+ y^|^2 / 2, and from
 * layer to layer by the duals (activations.ts) and the bias update below. The duals that depend on the
 * angle read it as 2 atan2(sqrt g, sqrt h), so nearly parallel and nearly antipodal pairs keep their
 * digits through every layer.
 */
import { Matrix } from "ml-matrix";
import type { Architecture } from "./architecture";
import { valuesOnlyDual, type Dual } from "../activations";
import { assembleRows, type RowFiller } from "./assemble";
import { checkKernelMemory, readPair, type Points, type PointsInput } from "./points";

/** Which kernel of the recursion to return. */
type Output = "ntk" | "nngp";

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

function prepare(arch: Architecture, p: Points): Prepared {
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
    const r = Math.sqrt(s2);
    norm[i] = r;
    // A zero augmented vector (x = 0 without bias) keeps a zero unit vector: g = h = c = 0 for its pairs.
    const inv = r > 0 ? 1 / r : 0;
    for (let k = 0; k < d; k++) unit[i * (d + 1) + k] = ws * data[i * d + k] * inv;
    unit[i * (d + 1) + d] = bs * inv;
    let q = s2;
    for (let l = 0; l < L; l++) {
      variance[l][i] = q;
      arch.activations[l].dual(q, q, q, 0, 2 * q, out);
      secondMoment[l][i] = out[0];
      const alpha = arch.weightStd[l + 1] ** 2 * arch.activations[l].scale;
      const beta = l + 1 < L ? arch.biasStd[l + 1] ** 2 : 0;
      q = alpha * out[0] + beta;
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
function rowFiller(arch: Architecture, px: Prepared, py: Prepared, d1: number, output: Output): RowFiller {
  const L = arch.activations.length;
  const acts = arch.activations;
  const duals: Dual[] = acts.map((act) => act.dual);
  const lastDual = valuesOnlyDual(acts[L - 1].dual);
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
  const emX = px.secondMoment;
  const emY = py.secondMoment;
  const out = new Float64Array(4);
  const ux = px.unit;
  const uy = py.unit;
  const normX = px.norm;
  const normY = py.norm;
  const nngpOnly = output === "nngp";
  const last = L - 1;
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
        const alpha = alphas[l];
        const beta = betas[l];
        const value = out[0];
        let gap = out[2];
        let cogap = out[3];
        if (gap !== gap || cogap !== cogap || beta > 0) {
          const ex = emX[l][i];
          const ey = emY[l][j];
          const root = Math.sqrt(ex * ey);
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
            const r1 = Math.sqrt((a0 + beta) * (b0 + beta));
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
        c = alpha * value + beta;
        theta = c + alpha * out[1] * theta;
      }
      lastDual(varX[last][i], varY[last][j], c, g, h, out);
      c = alphas[last] * out[0] + betas[last];
      row[j] = nngpOnly ? c : c + alphas[last] * out[1] * theta;
    }
  };
}

function kernel(who: string, output: Output, arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  const { x, y, symmetric } = readPair(who, X, Y);
  // Per point: its copy, the unit vector, norm, and per layer variance, second moment and root.
  checkKernelMemory(who, x, y, symmetric, 2 * x.d + 2 + 3 * arch.activations.length);
  const px = prepare(arch, x);
  const py = symmetric ? px : prepare(arch, y);
  return assembleRows(x.n, y.n, symmetric, rowFiller(arch, px, py, x.d + 1, output));
}

/**
 * The neural tangent kernel Theta_L(x_i, y_j) of the architecture: an n x m Matrix for X (n x d) and
 * Y (m x d), one point per row; Y omitted gives the symmetric K(X, X). Peak memory about
 * 8 (n m + (n + m)(2 d + 2 + 3 L)) bytes for L hidden layers, checked before anything is allocated.
 */
export function ntk(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return kernel("ntk", "ntk", arch, X, Y);
}

/**
 * The NNGP kernel Sigma_L(x_i, y_j), the covariance of the network's output at initialization (n x m).
 * Peak memory as ntk's.
 */
export function nngp(arch: Architecture, X: PointsInput, Y?: PointsInput): Matrix {
  return kernel("nngp", "nngp", arch, X, Y);
}
