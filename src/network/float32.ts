import type { SampleSource } from '../data/source';
import { InputError, option } from '../errors';
import type { Matrix } from '../matrix';
import type { TensorBackend } from './network';

/** float32's largest finite value. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether `v` is still a finite number once rounded to float32 (|v| below about 3.4028235e38). */
export function fitsFloat32(v: number): boolean {
  return Number.isFinite(Math.fround(v));
}

/** Why a value cannot go to a float32 backend, said after where it is. */
function tooLarge(value: number, backend: TensorBackend, orElse = ''): (string | ReturnType<typeof option>)[] {
  return [
    `: ${value} does not fit float32, in which the ${backend} backend computes (its largest value is 3.4028235e38); use `,
    option('backend'),
    ` plain (float64)${orElse}`,
  ];
}

/** The learning rate, initial W and b must fit float32 on a tfjs backend; named as options, or (`fromModel`) as a saved model's values. */
export function checkSettingsFitFloat32(backend: TensorBackend, a: number, W: Matrix | undefined, b: number, fromModel = false): void {
  const named = (key: 'learningRate' | 'bias' | 'weights') => (fromModel ? `the model's ${key === 'learningRate' ? 'training.learningRate' : key}` : option(key));
  if (!fitsFloat32(a)) throw new InputError(named('learningRate'), ...tooLarge(a, backend));
  if (!fitsFloat32(b)) throw new InputError(named('bias'), ...tooLarge(b, backend));
  const i = W ? W.data.findIndex((w) => !fitsFloat32(w)) : -1;
  if (i >= 0) throw new InputError(named('weights'), `[${Math.floor(i / W!.cols)}][${i % W!.cols}]`, ...tooLarge(W!.data[i], backend));
}

/**
 * Every value of x must fit float32 on a tfjs backend: the first that does not is an
 * {@link InputError} naming its cell where the data came from (file, line and column for a CSV).
 * float32 data always fits, so only float64 data is read (one pass, chunk by chunk).
 */
export function checkDataFitsFloat32(data: SampleSource, backend: TensorBackend): void {
  if (data.dtype === 'float32') return;
  data.forEachChunk(data.inMemory ? undefined : 1 << 16, ({ x, offset }) => {
    if (x.data instanceof Float32Array) return;
    const i = x.data.findIndex((v) => !fitsFloat32(v));
    if (i < 0) return;
    const [row, sample] = [Math.floor(i / x.cols), (i % x.cols) + offset];
    const where = data.cellName?.(row, sample) ?? `x[${row}][${sample}]`;
    throw new InputError(where, ...tooLarge(x.data[i], backend, ', or scale the features'));
  });
}
