/**
 * ntk-lab's public API: everything a notebook or a user imports, re-exported flat.
 */
export * from "./random";
export * from "./inputs";
export * from "./kernels/index";
export * from "./report/index";
export * from "./spectrum/index";
export * from "./regression/index";
export * from "./linalg/index";
export * from "./training/index";
export * from "./optimize";
export * from "./targets";
export * from "./fourier";
export * from "./spectral-bias";
export { checkMemory, memoryBudget, type MemoryBudget } from "./memory";
