/**
 * The kernels of the eigen-decay study (notebook 02), each with the family the theory knows it by
 * (spectrum/theory.ts's expectedDecay), under the name that labels it in every table and legend.
 *
 * Two-layer networks in the NTK parameterization with a first-layer bias (biasStd 1: the first layer sees
 * x -> (x, 1)): the ReLU^k NTKs for the powers asked for, the sin and cos NTKs; the Laplace kernel
 * exp(-|x - y|) and the Gaussian kernel exp(-|x - y|^2 / 2); and the bias-free two-layer ReLU NTK, the
 * kernel of the theory (on the circle only: on a one-dimensional segment it has rank 2).
 */
import { cos, reluPower, relu, sin, RELU_POWER_MAX_K } from "../activations";
import { gaussian, laplace, networkKernel, type Kernel } from "../kernels/kernel";
import { mlp, type Architecture } from "../layers";
import type { KernelFamily } from "../spectrum/theory";
import { checkDistinct, checkInteger, checkNumberList, requiredObject } from "../validate";

/** A kernel of the lab with its theory family and its display name (kernel.name). */
export interface DecayKernel {
  /** The label of tables and legends: "ReLU² NTK + bias", "Laplace", ... */
  name: string;
  kernel: Kernel;
  family: KernelFamily;
}

export interface DecayKernels {
  /**
   * The kernels for the segment and the circle, in this order: "ReLU^k NTK + bias" for each power k,
   * "sin NTK + bias", "cos NTK + bias", "Laplace", "Gaussian".
   */
  segment: DecayKernel[];
  /** "ReLU NTK, no bias": the bias-free two-layer ReLU NTK. */
  biasFree: DecayKernel;
  /** The circle's kernels: [biasFree, ...segment]. */
  circle: DecayKernel[];
}

const SUPERSCRIPT = ["", "", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];

/**
 * The display name of the two-layer ReLU^k NTK, k an integer in [1, 150]: "ReLU NTK" for k = 1, "ReLU² NTK"
 * ... "ReLU⁹ NTK", and "ReLU^10 NTK" from k = 10 on.
 */
export function reluPowerName(k: number): string {
  checkInteger("reluPowerName", "k", k, 1, RELU_POWER_MAX_K);
  return `ReLU${k < SUPERSCRIPT.length ? SUPERSCRIPT[k] : "^" + k} NTK`;
}

/**
 * The theory family of the two-layer ReLU^k NTK, k an integer in [1, 150]: { family: "reluNtk" } for
 * k = 1, { family: "reluPowerNtk", k } above.
 */
export function reluPowerFamily(k: number): KernelFamily {
  checkInteger("reluPowerFamily", "k", k, 1, RELU_POWER_MAX_K);
  return k === 1 ? { family: "reluNtk" } : { family: "reluPowerNtk", k };
}

function decayKernel(kernel: Kernel, family: KernelFamily): DecayKernel {
  return { name: kernel.name, kernel, family };
}

function networkCase(name: string, arch: Architecture, family: KernelFamily): DecayKernel {
  return decayKernel(networkKernel(arch, { name }), family);
}

/**
 * The study's kernels (see the top of this file) for options.powers, the exponents k of the ReLU^k NTKs:
 * distinct integers in [1, 150], at least one.
 */
export function decayKernels(options: { powers: readonly number[] }): DecayKernels {
  const who = "decayKernels";
  const { powers } = requiredObject(who, "options", options, "{ powers }");
  const list = Array.from(checkNumberList(who, "powers", powers, { min: 1 }));
  list.forEach((k, i) => checkInteger(who, `powers[${i}]`, k, 1, RELU_POWER_MAX_K));
  checkDistinct(who, "powers", list, " (one kernel each)");
  const segment = [
    ...list.map((k) =>
      networkCase(`${reluPowerName(k)} + bias`, mlp([reluPower(k)], { biasStd: 1 }), reluPowerFamily(k)),
    ),
    networkCase("sin NTK + bias", mlp([sin], { biasStd: 1 }), { family: "sinNtk" }),
    networkCase("cos NTK + bias", mlp([cos], { biasStd: 1 }), { family: "cosNtk" }),
    decayKernel(laplace({ name: "Laplace" }), { family: "laplace" }),
    decayKernel(gaussian({ name: "Gaussian" }), { family: "gaussian" }),
  ];
  const biasFree = networkCase("ReLU NTK, no bias", mlp([relu]), { family: "reluNtk" });
  return { segment, biasFree, circle: [biasFree, ...segment] };
}
