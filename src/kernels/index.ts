import type { TensorBackend } from '../network/network';
import { cpuKernel } from './cpu/kernels';
import type { FusedKernel } from './kernel';
import { wasmKernel } from './wasm/kernels';

export { toTensor, type FusedKernel, type TensorSums } from './kernel';

/** The fused kernel of a backend, if it has one (tensorflow has none). */
export function kernelFor(backend: TensorBackend): FusedKernel<unknown> | undefined {
  if (backend === 'cpu') return cpuKernel as FusedKernel<unknown>;
  if (backend === 'wasm') return wasmKernel as FusedKernel<unknown>;
  return undefined;
}
