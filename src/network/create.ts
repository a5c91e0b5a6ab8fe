import type { Backend, Kernels, Network, NetworkInit } from './network';
import { PlainNetwork } from './plain';

/**
 * The article's network on a backend, from its starting W and b. A tfjs backend must be active
 * first (see `useBackend`); `kernels` applies to the tfjs backends only.
 *
 * @example
 * const net = createNetwork('plain', { W: matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });
 */
export function createNetwork(backend: Backend, init: NetworkInit, kernels: Kernels = 'fused'): Network {
  if (backend === 'plain') return new PlainNetwork(init);
  // computes in a database (the data attached at training): loaded only for it
  if (backend === 'sql') return new (require('../sql/network') as typeof import('../sql/network')).SqlNetwork(init);
  // loaded only for tfjs backends: plain needs no tfjs at all
  const { TensorNetwork } = require('./tensor') as typeof import('./tensor');
  return new TensorNetwork(backend, init, kernels);
}
