export { gemm, gemmReference, mat, setGemmBackend, gemmBackend, gemmReady } from "./gemm";
export type { Mat, GemmOptions } from "./gemm";
