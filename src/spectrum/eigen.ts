/**
 * Eigenvalues and eigenvectors of symmetric (kernel) matrices: the public entry points.
 *
 * Three paths, each chosen only by name:
 * - "dense": the whole spectrum (Householder tridiagonalization + implicit QL, ./dense.ts);
 * - "topk": the k largest by block Lanczos with full reorthogonalization (./lanczos.ts), or by the dense
 *   path when an eigenvalue's multiplicity would need a Krylov basis of more than a third of n;
 * - "circulant": the DFT of the first row (./circulant.ts), for equally spaced circle points only. It is
 *   never picked automatically, so that the general paths stay exercised on circle inputs too.
 * Default: "dense" without `top`, "topk" with it.
 */
import { Matrix } from "ml-matrix";
import { circulantEigenvalues } from "./circulant";
import { denseEigensystem, denseEigenvalues } from "./dense";
import { topEigensystem } from "./lanczos";
import {
  descendingOrder,
  rangeExponent,
  scaleByPowerOfTwo,
  symmetricArray,
  unscaledEigenvalues,
  type SymmetricInput,
  DEFAULT_SYMMETRY_TOLERANCE,
} from "./symmetric";
import { checkInteger, checkNonNegative, optionsObject } from "../validate";
import { checkMemory, gemmWorkBytes, matrixOrder } from "../memory";

export type EigenMethod = "dense" | "topk" | "circulant";
const METHODS: readonly EigenMethod[] = ["dense", "topk", "circulant"];

export interface EigenOptions {
  /** Return only the k largest eigenvalues (1 <= k <= n). */
  top?: number;
  /** Solver; default "dense", or "topk" when top is given. */
  method?: EigenMethod;
  /** Allowed max |K_ij - K_ji| relative to max |K_ij| (default 1e-10). */
  symmetryTolerance?: number;
  /**
   * topk: Lanczos block size (default 4). Multiplicities above it are found too (by fresh random
   * directions once the first copies have converged), faster when it is at least the multiplicity.
   */
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

/**
 * Upper bound of the peak memory (bytes) of the eigen solvers on an n x n matrix, the input included:
 * - dense: the input, its row-major copy and the copy in the WebAssembly memory of the tridiagonal
 *   reduction, 8 (3 n^2 + 16 n); with eigenvectors also the rotated identity and the n x k result,
 *   8 (4 n^2 + n k + 16 n);
 * - topk (k wanted, block b = max(blockSize, min(16, k)) <= n): the input, its copy, the GEMM work space
 *   of a block product (gemmWorkBytes: at most gemm's 64 MiB limit and its 1 MiB start, since larger
 *   products run in blocks), the basis and the projected matrix, taking the basis at up to
 *   c = min(n, 2 (k + 4 b)) vectors (capacity doubles as it grows; on kernel matrices it converges well
 *   before): about 8 (2 n^2 + (c + 2 b) n + 4 c^2) + 65 MiB; eigenvectors add the Ritz vectors' work,
 *   8 (3 c^2 + 3 k n + k c). When an eigenvalue's multiplicity sends top-k to the dense solver, the dense
 *   estimate is checked before that runs.
 */
export function eigenBytes(
  n: number,
  k: number,
  method: "dense" | "topk",
  vectors: boolean,
  blockSize = 4,
): number {
  if (method === "dense") return 8 * ((vectors ? 4 : 3) * n * n + (vectors ? n * k : 0) + 16 * n);
  const b = Math.min(n, Math.max(blockSize, Math.min(16, k)));
  const c = Math.min(n, 2 * (k + 4 * b));
  const gemm = Math.max(gemmWorkBytes(b, n, n), gemmWorkBytes(c, b, n), gemmWorkBytes(b, n, c));
  const basis = 8 * (2 * n * n + (c + 2 * b) * n + 4 * c * c + 2 * c * b);
  return basis + gemm + (vectors ? 8 * (3 * c * c + 3 * k * n + k * c) + gemmWorkBytes(k, n, c) : 0);
}

function checkEigenMemory(
  who: string,
  n: number,
  top: number,
  method: "dense" | "topk",
  vectors: boolean,
  options: EigenOptions,
): void {
  const advice = `lower n (K is ${n} x ${n})${method === "topk" ? ` or top (${top})` : ""}`;
  checkMemory(who, eigenBytes(n, top, method, vectors, options.blockSize), advice);
}

/**
 * Eigenvalues of the symmetric matrix K, descending (the first `top` when given); options null or
 * omitted: the defaults. Peak memory (eigenBytes, checked before anything is allocated): about 8 (3 n^2)
 * bytes for the dense solver, and about 8 (2 n^2) + 65 MiB for the top-k one (its input, copy and GEMM
 * work space) while top is small.
 */
export function eigenvalues(K: SymmetricInput, options?: EigenOptions | null): Float64Array {
  const who = "eigenvalues";
  const { method, top, n: size, symmetryTolerance, opts } = resolve(who, K, options);
  if (method === "circulant") {
    const values = circulantEigenvalues(who, K, opts.circulantTolerance, "circulantTolerance");
    return sortDescending(values).slice(0, top);
  }
  checkEigenMemory(who, size, top, method, false, opts);
  const input = solverInput(who, K, symmetryTolerance);
  const { n, a } = input;
  const topk = method === "topk" ? topEigensystem(who, a, n, top, false, opts) : null;
  if (topk === null && method === "topk") checkDenseFallback(who, n, top, false);
  const values = topk !== null ? topk.values : sortDescending(denseEigenvalues(who, a, n)).slice(0, top);
  return unscaledEigenvalues(who, values, input);
}

/**
 * The memory check of the dense solver that top-k falls back to (an eigenvalue repeated too often for
 * its Krylov basis), made before the fallback allocates.
 */
function checkDenseFallback(who: string, n: number, top: number, vectors: boolean): void {
  checkMemory(
    who,
    eigenBytes(n, top, "dense", vectors),
    `lower n (K is ${n} x ${n}; its top eigenvalues repeat too often for the top-k solver, so the ` +
      `dense one is needed)`,
  );
}

/**
 * Eigenvalues (descending) with unit eigenvectors, all of them or the first `top`; "dense" or "topk".
 * Options null or omitted: the defaults. Peak memory (eigenBytes, checked before anything is allocated):
 * about 8 (4 n^2 + n top) bytes dense, about 8 (2 n^2 + 3 n top) + 65 MiB top-k.
 */
export function eigh(K: SymmetricInput, options?: EigenOptions | null): Eigensystem {
  const who = "eigh";
  const { method, top, n: size, symmetryTolerance, opts } = resolve(who, K, options);
  if (method === "circulant") {
    throw new Error(
      `eigh: method must be "dense" or "topk" (the circulant path gives eigenvalues only), got "circulant"`,
    );
  }
  checkEigenMemory(who, size, top, method, true, opts);
  const input = solverInput(who, K, symmetryTolerance);
  const { n, a } = input;
  const topk = method === "topk" ? topEigensystem(who, a, n, top, true, opts) : null;
  if (topk === null && method === "topk") checkDenseFallback(who, n, top, true);
  if (topk !== null) {
    const { values, vectorRows } = topk;
    return {
      values: unscaledEigenvalues(who, values, input),
      vectors: columnsFromRows(
        vectorRows as Float64Array,
        top,
        n,
        Int32Array.from(values, (_, i) => i),
      ),
    };
  }
  const { values, vectorRows } = denseEigensystem(who, a, n);
  const order = descendingOrder(values).subarray(0, top);
  return {
    values: unscaledEigenvalues(
      who,
      Float64Array.from(order, (i) => values[i]),
      input,
    ),
    vectors: columnsFromRows(vectorRows, top, n, order),
  };
}

interface SolverInput {
  n: number;
  /** Row-major copy of 2^e K. */
  a: Float64Array;
  e: number;
  maxAbs: number;
}

/** The checked row-major copy of K, scaled by 2^e into the solvers' safe range (symmetric.ts). */
function solverInput(who: string, K: SymmetricInput, symmetryTolerance: number): SolverInput {
  const { n, a, maxAbs } = symmetricArray(who, K, symmetryTolerance);
  const e = rangeExponent(maxAbs);
  scaleByPowerOfTwo(a, e);
  return { n, a, e, maxAbs };
}

function resolve(
  who: string,
  K: SymmetricInput,
  options: EigenOptions | null | undefined,
): { method: EigenMethod; top: number; n: number; symmetryTolerance: number; opts: EigenOptions } {
  const opts = optionsObject(who, options);
  const n = matrixOrder(K);
  const { top, method = top === undefined ? "dense" : "topk" } = opts;
  if (!METHODS.includes(method)) {
    throw new Error(
      `${who}: method must be one of ${METHODS.map((m) => `"${m}"`).join(", ")}, got ${String(method)}`,
    );
  }
  if (top !== undefined && n > 0) checkInteger(who, "top", top, 1, n);
  if (opts.blockSize !== undefined) checkInteger(who, "blockSize", opts.blockSize, 1);
  if (opts.seed !== undefined) checkInteger(who, "seed", opts.seed, 0, 2 ** 53);
  const symmetryTolerance = opts.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE;
  checkNonNegative(who, "symmetryTolerance", symmetryTolerance);
  return { method, top: top ?? n, n, symmetryTolerance, opts };
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
