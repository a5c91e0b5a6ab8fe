import { given, InputError, quote } from '../errors';
import { isMatrix, type Matrix } from '../matrix';
import { toMatrix } from '../validate';
import type { BackendChoice } from '../backend';
import { checkSettingsFitFloat32 } from './float32';
import { BACKENDS, isTensorBackend, KERNELS, type Backend, type Kernels, type Network, type NetworkInit, type TensorBackend } from './network';
import { PlainNetwork } from './plain';

/**
 * The article's network on a backend, from its starting W and b. A tfjs backend must be active
 * first (see `useBackend`); `kernels` applies to the tfjs backends only.
 *
 * @example
 * const net = createNetwork('plain', { W: matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });
 */
export function createNetwork(backend: Backend, init: NetworkInit, kernels: Kernels = 'fused'): Network {
  checkInit(backend, init, kernels);
  if (backend === 'plain') return new PlainNetwork(init);
  // computes in a database (the data attached at training): loaded only for it
  if (backend === 'sql') return new (require('../sql/network') as typeof import('../sql/network')).SqlNetwork(init);
  // loaded only for tfjs backends: plain needs no tfjs at all
  const active = (require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core')).engine().backendName as string | undefined;
  if (active !== backend) {
    // a network labelled wasm must compute in WebAssembly, not on whatever tfjs runs
    throw new InputError(`createNetwork: the ${backend} backend is not active (tfjs runs ${active ?? 'no backend yet'}); await useBackend(${quote(backend)}) first (Classifier.create does it)`);
  }
  const { TensorNetwork } = require('./tensor') as typeof import('./tensor');
  return new TensorNetwork(backend, init, kernels);
}

/**
 * Loads and activates a tfjs backend for {@link createNetwork} (`auto`: tensorflow, else wasm,
 * else cpu), and says which and why; one that cannot load is an InputError naming the reason.
 * tfjs is loaded only then.
 */
export async function useBackend(request: TensorBackend | 'auto'): Promise<BackendChoice> {
  return (await import('../backend')).useBackend(request);
}

/** createNetwork's arguments, checked at the call: a backend and kernels by name, a finite W (a Matrix) and b. */
function checkInit(backend: unknown, init: unknown, kernels: unknown): void {
  if (!(BACKENDS as readonly unknown[]).includes(backend)) throw new InputError(`createNetwork: ${typeof backend === 'string' ? quote(backend) : given(backend)} is not a backend; expected ${BACKENDS.join(', ')}`);
  if (!(KERNELS as readonly unknown[]).includes(kernels)) throw new InputError(`createNetwork: ${typeof kernels === 'string' ? quote(kernels) : given(kernels)} is not a choice of kernels; expected ${KERNELS.join(', ')}`);
  if (typeof init !== 'object' || init === null || Array.isArray(init)) throw new InputError(`createNetwork: the start must be { W, b }, got ${init === null ? 'null' : given(init)}`);
  const { W, b } = init as { W?: unknown; b?: unknown };
  if (!isMatrix(W)) throw new InputError(`createNetwork: W must be a Matrix (features×outputs; matrix(rows, cols, data)), got ${W === null ? 'null' : Array.isArray(W) ? given(W) : typeof W === 'object' ? 'another object' : given(W)}`);
  toMatrix('W', W);
  if (typeof b !== 'number' || !Number.isFinite(b)) throw new InputError(`createNetwork: b must be a finite number, got ${given(b)}`);
  // a tfjs backend holds W and b in float32 (Classifier.create checks the same)
  if (isTensorBackend(backend as Backend)) checkSettingsFitFloat32(backend as TensorBackend, 1, W as Matrix, b);
}
