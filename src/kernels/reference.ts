/**
 * The lab's kernels under the names of the independent reference values (data/reference/kernels.json,
 * 40-digit arithmetic), and a check of the lab against them. Names:
 *   relu_ntk_L{L}[_bias]   ReLU, L hidden layers; _bias = first-layer bias N(0, 1), i.e. x -> (x, 1)
 *   relu{k}_ntk_L1[_bias]  max(0, z)^k, one hidden layer
 *   {sin|cos|erf}_ntk_L1   one hidden layer
 *   {relu|sin}_{relu|sin}_ntk   two hidden layers, first then second activation
 *   laplacian_s{S}, gaussian_s{S}, pseudo_laplacian_a{A} (sigma 1), extended_a{A}_b{B}
 * Network names have an NTK ("ntk_or_kernel" table) and an NNGP ("nngp" table); comparison kernels have
 * one value ("ntk_or_kernel").
 */
import { Matrix } from "ml-matrix";
import { activationByName, relu, reluPower } from "../activations";
import { mlp, type Architecture } from "../layers";
import {
  extendedLaplaceKernelAs,
  gammaExponentialKernelAs,
  gaussianKernelAs,
  laplaceKernelAs,
} from "./classic";
import { analyticKernel } from "./ntk";
import type { PointsInput } from "./points";
import { checkNumberList, describeValue } from "../validate";

/** One pair of kernels.json: two points and the reference values at that pair, by name. */
export interface ReferencePair {
  name: string;
  note?: string;
  x: number[];
  y: number[];
  ntk_or_kernel: Record<string, number>;
  nngp: Record<string, number>;
}

export type ReferenceKind = "ntk" | "nngp" | "kernel";

export interface ReferenceKernel {
  name: string;
  /** A short group label for tables, e.g. "ReLU, depth 1-3". */
  family: string;
  /** The architecture for network kernels; null for comparison kernels. */
  architecture: Architecture | null;
  /**
   * The kernel matrix: kind "ntk"/"nngp" for network names, "kernel" for comparison kernels. Its Errors
   * start with referenceKernel("name").evaluate.
   */
  evaluate(kind: ReferenceKind, X: PointsInput, Y?: PointsInput): Matrix;
}

/** The name evaluate's Errors start with: what the user called. */
const evaluateName = (name: string): string => `referenceKernel(${JSON.stringify(name)}).evaluate`;

function networkReference(name: string, family: string, arch: Architecture): ReferenceKernel {
  const who = evaluateName(name);
  return {
    name,
    family,
    architecture: arch,
    evaluate(kind, X, Y) {
      if (kind === "ntk" || kind === "nngp") return analyticKernel(who, kind, arch, X, Y);
      throw new Error(
        `${who}: kind must be "ntk" or "nngp" for a network kernel, got ${describeValue(kind)}`,
      );
    },
  };
}

function comparisonReference(
  name: string,
  family: string,
  f: (who: string, X: PointsInput, Y?: PointsInput) => Matrix,
): ReferenceKernel {
  const who = evaluateName(name);
  return {
    name,
    family,
    architecture: null,
    evaluate(kind, X, Y) {
      if (kind !== "kernel") {
        throw new Error(`${who}: kind must be "kernel" for a comparison kernel, got ${describeValue(kind)}`);
      }
      return f(who, X, Y);
    },
  };
}

/** The lab kernel a reference name denotes, or null for a name it does not know. */
export function referenceKernel(name: string): ReferenceKernel | null {
  if (typeof name !== "string") {
    throw new Error(
      `referenceKernel: name must be a string (a name of kernels.json), got ${describeValue(name)}`,
    );
  }
  let m = /^relu_ntk_L(\d)(_bias)?$/.exec(name);
  if (m) {
    const L = Number(m[1]);
    const bias = Array.from({ length: L }, (_, l) => (m && m[2] && l === 0 ? 1 : 0));
    return networkReference(name, "ReLU, depth 1-3", mlp(new Array(L).fill(relu), { biasStd: bias }));
  }
  m = /^relu(\d)_ntk_L1(_bias)?$/.exec(name);
  if (m) {
    return networkReference(
      name,
      "ReLU^k, k = 1-5",
      mlp([reluPower(Number(m[1]))], { biasStd: m[2] ? 1 : 0 }),
    );
  }
  m = /^(sin|cos|erf)_ntk_L1$/.exec(name);
  if (m) return networkReference(name, "sin, cos, erf", mlp([activationByName(m[1])]));
  m = /^(relu|sin)_(relu|sin)_ntk$/.exec(name);
  if (m)
    return networkReference(
      name,
      "relu/sin mixed, depth 2",
      mlp([activationByName(m[1]), activationByName(m[2])]),
    );
  m = /^laplacian_s([\d.]+)$/.exec(name);
  if (m) {
    const sigma = Number(m[1]);
    return comparisonReference(name, "Laplace", (who, X, Y) => laplaceKernelAs(who, X, Y, { sigma }));
  }
  m = /^gaussian_s([\d.]+)$/.exec(name);
  if (m) {
    const sigma = Number(m[1]);
    return comparisonReference(name, "Gaussian", (who, X, Y) => gaussianKernelAs(who, X, Y, { sigma }));
  }
  m = /^pseudo_laplacian_a([\d.]+)$/.exec(name);
  if (m) {
    const alpha = Number(m[1]);
    return comparisonReference(name, "gamma-exponential", (who, X, Y) =>
      gammaExponentialKernelAs(who, X, Y, { alpha }),
    );
  }
  m = /^extended_a([\d.]+)_b([\d.]+)$/.exec(name);
  if (m) {
    const alpha = Number(m[1]);
    const beta = Number(m[2]);
    return comparisonReference(name, "extended Laplace", (who, X, Y) =>
      extendedLaplaceKernelAs(who, X, Y, { alpha, beta }),
    );
  }
  return null;
}

export interface ReferenceCheck {
  pair: string;
  name: string;
  family: string;
  kind: ReferenceKind;
  reference: number;
  lab: number;
  /** max(|reference|, sqrt(|K(x,x) K(y,y)|)); 0 only where both vanish (then the error is absolute). */
  scale: number;
  /** |lab - reference| / scale (absolute where scale = 0). */
  relativeError: number;
}

/**
 * The lab's value for every reference value it knows, with the error relative to
 * max(|value|, sqrt(K(x,x) K(y,y))) (some reference values are exactly zero, e.g. the ReLU NTK at
 * antipodal points). Names the lab does not know are skipped; `unknown` lists them.
 */
export function checkReferenceValues(pairs: readonly ReferencePair[]): {
  checks: ReferenceCheck[];
  unknown: string[];
} {
  const who = "checkReferenceValues";
  if (!Array.isArray(pairs) || pairs.length === 0) {
    throw new Error(
      `${who}: pairs must be the (non-empty) "pairs" array of kernels.json, got ${describeValue(pairs)}`,
    );
  }
  pairs.forEach((pair, k) => checkPair(who, `pairs[${k}]`, pair));
  const checks: ReferenceCheck[] = [];
  const unknown = new Set<string>();
  for (const pair of pairs) {
    const tables: [Record<string, number>, "ntk" | "nngp"][] = [
      [pair.ntk_or_kernel, "ntk"],
      [pair.nngp ?? {}, "nngp"],
    ];
    for (const [table, networkKind] of tables) {
      for (const [name, reference] of Object.entries(table)) {
        const kernel = referenceKernel(name);
        if (!kernel) {
          unknown.add(name);
          continue;
        }
        const kind: ReferenceKind = kernel.architecture ? networkKind : "kernel";
        const lab = kernel.evaluate(kind, [pair.x], [pair.y]).get(0, 0);
        const kxx = kernel.evaluate(kind, [pair.x]).get(0, 0);
        const kyy = kernel.evaluate(kind, [pair.y]).get(0, 0);
        const scale = Math.max(Math.abs(reference), Math.sqrt(Math.abs(kxx * kyy)));
        const diff = Math.abs(lab - reference);
        checks.push({
          pair: pair.name,
          name,
          family: kernel.family,
          kind,
          reference,
          lab,
          scale,
          relativeError: scale > 0 ? diff / scale : diff,
        });
      }
    }
  }
  return { checks, unknown: [...unknown] };
}

/** One entry of kernels.json's pairs: a name, two points of one dimension and tables of numbers. */
function checkPair(who: string, at: string, pair: unknown): void {
  const shape = "{ name, x, y, ntk_or_kernel, nngp }";
  if (pair === null || typeof pair !== "object") {
    throw new Error(`${who}: ${at} must be an object ${shape}, got ${describeValue(pair)}`);
  }
  const p = pair as Partial<ReferencePair>;
  if (typeof p.name !== "string") {
    throw new Error(`${who}: ${at}.name must be a string, got ${describeValue(p.name)}`);
  }
  const x = checkNumberList(who, `${at}.x`, p.x, { min: 1 });
  checkNumberList(who, `${at}.y`, p.y, { length: x.length, lengthRule: ` (as many as ${at}.x)` });
  for (const key of ["ntk_or_kernel", "nngp"] as const) {
    const table = p[key];
    if (key === "nngp" && table === undefined) continue;
    if (table === null || typeof table !== "object" || Array.isArray(table)) {
      throw new Error(
        `${who}: ${at}.${key} must be an object of values by name, got ${describeValue(table)}`,
      );
    }
    for (const [name, v] of Object.entries(table)) {
      if (!Number.isFinite(v)) {
        throw new Error(`${who}: ${at}.${key}.${name} must be a finite number, got ${describeValue(v)}`);
      }
    }
  }
}
