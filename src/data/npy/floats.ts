import { endianness } from 'node:os';

/** The float types the writers write. */
export type NpyFloat = 'float32' | 'float64';

export type Floats = Float32Array | Float64Array;

/** Whether this machine is little-endian, the order its typed arrays hold their values in. */
export const HOST_LE = endianness() === 'LE';

/** n zeros, or a copy of `from`: a Float32Array for float32, a Float64Array for any other type. */
export function newFloats(dtype: string, n: number, from?: ArrayLike<number>): Floats {
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (from) data.set(from);
  return data;
}
