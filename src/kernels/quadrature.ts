/**
 * Gauss quadrature rules from the Golub-Welsch algorithm (Golub & Welsch 1969): the nodes are the
 * eigenvalues of the Jacobi matrix of the orthogonal polynomials, the weights the squared first
 * components of its normalized eigenvectors times the total mass of the weight function.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { checkInteger } from "../validate";

/** Nodes and weights of an n-point rule, nodes ascending. */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

function golubWelsch(n: number, offDiagonal: (k: number) => number, mass: number): QuadratureRule {
  const J = new Matrix(n, n);
  for (let k = 1; k < n; k++) {
    const beta = offDiagonal(k);
    J.set(k - 1, k, beta);
    J.set(k, k - 1, beta);
  }
  const evd = new EigenvalueDecomposition(J, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  order.forEach((col, i) => {
    nodes[i] = values[col];
    weights[i] = mass * vectors.get(0, col) ** 2;
  });
  return { nodes, weights };
}

const hermiteCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();

/**
 * Probabilists' Gauss-Hermite rule: sum_i w_i f(z_i) approximates E[f(z)], z ~ N(0, 1), exactly for
 * polynomials of degree < 2n. Jacobi matrix of the monic Hermite polynomials He_k: off-diagonal sqrt(k).
 */
export function gaussHermite(n: number): QuadratureRule {
  checkInteger("gaussHermite", "n", n, 1);
  let rule = hermiteCache.get(n);
  if (!rule) {
    rule = golubWelsch(n, (k) => Math.sqrt(k), 1);
    hermiteCache.set(n, rule);
  }
  return rule;
}

/** Gauss-Legendre rule on [-1, 1]: sum_i w_i f(x_i) approximates the integral of f. Off-diagonal k / sqrt(4k^2 - 1). */
export function gaussLegendre(n: number): QuadratureRule {
  checkInteger("gaussLegendre", "n", n, 1);
  let rule = legendreCache.get(n);
  if (!rule) {
    rule = golubWelsch(n, (k) => k / Math.sqrt(4 * k * k - 1), 2);
    legendreCache.set(n, rule);
  }
  return rule;
}
