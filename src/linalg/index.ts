export {
  gemm,
  gemm32,
  gemm32Reference,
  gemmReference,
  mat,
  setGemmBackend,
  gemmBackend,
  gemmReady,
} from "./gemm";
export type { Mat, Mat32, GemmOptions } from "./gemm";
