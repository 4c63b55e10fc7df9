/**
 * Eigenvalues and eigenvectors of symmetric (kernel) matrices: the public entry points.
 *
 * Three paths, each chosen only by name:
 * - "dense": the whole spectrum (Householder tridiagonalization + implicit QL, ./dense.ts);
 * - "topk": the k largest by block Lanczos with full reorthogonalization (./lanczos.ts);
 * - "circulant": the DFT of the first row (./circulant.ts), for equally spaced circle points only. It is
 *   never picked automatically, so that the general paths stay exercised on circle inputs too.
 * Default: "dense" without `top`, "topk" with it.
 */
import { Matrix } from "ml-matrix";
import { circulantSpectrum, type CirculantOptions } from "./circulant";
import { denseEigensystem, denseEigenvalues } from "./dense";
import { topEigensystem } from "./lanczos";
import { symmetricArray, type SymmetricInput, DEFAULT_SYMMETRY_TOLERANCE } from "./symmetric";
import { checkInteger } from "../validate";

export type EigenMethod = "dense" | "topk" | "circulant";
const METHODS: readonly EigenMethod[] = ["dense", "topk", "circulant"];

export interface EigenOptions {
  /** Return only the k largest eigenvalues (1 <= k <= n). */
  top?: number;
  /** Solver; default "dense", or "topk" when top is given. */
  method?: EigenMethod;
  /** Allowed max |K_ij - K_ji| relative to max |K_ij| (default 1e-10). */
  symmetryTolerance?: number;
  /** topk: Lanczos block size, at least the largest eigenvalue multiplicity (default 4). */
  blockSize?: number;
  /** topk: seed of the random starting block (default 1). */
  seed?: number;
  /** circulant: relative tolerance of the circulant-structure check (default 1e-10). */
  circulantTolerance?: number;
}

export interface Eigensystem {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** n x k matrix whose column c is the unit eigenvector of values[c]. */
  vectors: Matrix;
}

/** Eigenvalues of the symmetric matrix K, descending (the first `top` when given). */
export function eigenvalues(K: SymmetricInput, options: EigenOptions = {}): Float64Array {
  const who = "eigenvalues";
  const { method, top } = resolve(who, K, options);
  if (method === "circulant") {
    const circulantOptions: CirculantOptions = { tolerance: options.circulantTolerance };
    return sortDescending(circulantSpectrum(K, circulantOptions)).slice(0, top);
  }
  const { n, a } = symmetricArray(who, K, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  if (method === "topk") return topEigensystem(a, n, top, false, options).values;
  return sortDescending(denseEigenvalues(a, n)).slice(0, top);
}

/** Eigenvalues (descending) with unit eigenvectors, all of them or the first `top`; "dense" or "topk". */
export function eigh(K: SymmetricInput, options: EigenOptions = {}): Eigensystem {
  const who = "eigh";
  const { method, top } = resolve(who, K, options);
  if (method === "circulant") {
    throw new Error(
      `eigh: method must be "dense" or "topk" (the circulant path gives eigenvalues only), got "circulant"`,
    );
  }
  const { n, a } = symmetricArray(who, K, options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE);
  if (method === "topk") {
    const { values, vectorRows } = topEigensystem(a, n, top, true, options);
    return {
      values,
      vectors: columnsFromRows(
        vectorRows as Float64Array,
        top,
        n,
        Int32Array.from(values, (_, i) => i),
      ),
    };
  }
  const { values, vectorRows } = denseEigensystem(a, n);
  const order = descendingOrder(values).subarray(0, top);
  return {
    values: Float64Array.from(order, (i) => values[i]),
    vectors: columnsFromRows(vectorRows, top, n, order),
  };
}

function resolve(
  who: string,
  K: SymmetricInput,
  options: EigenOptions,
): { method: EigenMethod; top: number } {
  const n = K instanceof Matrix ? K.rows : Array.isArray(K) ? K.length : 0;
  const { top, method = top === undefined ? "dense" : "topk" } = options;
  if (!METHODS.includes(method)) {
    throw new Error(
      `${who}: method must be one of ${METHODS.map((m) => `"${m}"`).join(", ")}, got ${String(method)}`,
    );
  }
  if (top !== undefined && n > 0) checkInteger(who, "top", top, 1, n);
  if (options.blockSize !== undefined) checkInteger(who, "blockSize", options.blockSize, 1);
  if (options.seed !== undefined) checkInteger(who, "seed", options.seed, 0, 2 ** 53);
  return { method, top: top ?? n };
}

function descendingOrder(values: Float64Array): Int32Array {
  return Int32Array.from(values, (_, i) => i).sort((x, y) => values[y] - values[x]);
}

function sortDescending(values: Float64Array): Float64Array {
  return values.slice().sort().reverse();
}

/** n x k Matrix with column c = row order[c] of the row-major array `rows` (row length n). */
function columnsFromRows(rows: Float64Array, k: number, n: number, order: ArrayLike<number>): Matrix {
  const V = new Matrix(n, k);
  for (let c = 0; c < k; c++) {
    const ro = order[c] * n;
    for (let i = 0; i < n; i++) V.set(i, c, rows[ro + i]);
  }
  return V;
}
