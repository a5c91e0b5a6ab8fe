import { sharedFloats } from '../matrix';
import { InputError, option } from '../errors';
import { seededRandom } from '../random';
import { defaultNames, inMemory, type Dataset } from './dataset';
import type { Chunk } from './source';

export interface SyntheticOptions {
  readonly features: number;
  readonly samples: number;
  readonly seed: number;
  readonly outputs?: number;
}

/**
 * Linearly separable data, the same for a given seed on every run and machine:
 * x is uniform in [−1, 1) (float32, features×samples); each output has a hidden weight vector w
 * and offset c drawn from the seed, and y = (w·x + c >= 0), computed in float64 on the float32 x.
 */
export function synthetic(options: SyntheticOptions): Dataset {
  let whole: Chunk | undefined;
  try {
    syntheticChunks(options, options.samples, (chunk) => (whole = chunk));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const gb = (options.features * options.samples * 4) / 1e9;
    throw new InputError(
      option('dataset'),
      ` synthetic: ${options.features}×${options.samples} float32 values (${gb.toFixed(1)} GB) do not fit in memory; ` +
        'write them to .npy with npm run make-npy and train with ',
      option('chunkSamples'),
    );
  }
  const { featureNames, labelNames } = defaultNames(options.features, options.outputs ?? 1);
  return inMemory(whole!.x, whole!.y, featureNames, labelNames, `synthetic data (seed ${options.seed})`);
}

/**
 * The same samples as {@link synthetic}, made `chunkSamples` at a time (fresh buffers each chunk),
 * so that data larger than memory can be written out.
 */
export function syntheticChunks(options: SyntheticOptions, chunkSamples: number, visit: (chunk: Chunk) => void): void {
  for (const chunk of eachSyntheticChunk(options, chunkSamples)) visit(chunk);
}

/**
 * {@link syntheticChunks} as a generator: the caller takes one chunk at a time (and may yield to
 * the event loop between them, as make-npy does, so that a signal is heard). A chunk's buffers are
 * reused by the next.
 */
export function* eachSyntheticChunk(options: SyntheticOptions, chunkSamples: number): Generator<Chunk> {
  const { features, samples, seed, outputs = 1 } = options;
  const rand = seededRandom(seed);
  const hidden = Array.from({ length: outputs }, () => ({
    w: Float64Array.from({ length: features }, () => rand() * 2 - 1),
    c: (rand() - 0.5) * 0.2,
  }));
  // one pair of buffers for every chunk (a chunk's buffers may be reused by the next): memory stays
  // one chunk's, whatever the size
  const size = Math.min(chunkSamples, samples);
  const [xAll, yAll] = [sharedFloats('float32', features * size), sharedFloats('float32', outputs * size)];
  for (let offset = 0; offset < samples; offset += chunkSamples) {
    const n = Math.min(chunkSamples, samples - offset);
    const x = n === size ? xAll : xAll.subarray(0, features * n);
    for (let j = 0; j < n; j++) {
      for (let f = 0; f < features; f++) x[f * n + j] = rand() * 2 - 1;
    }
    const y = n === size ? yAll : yAll.subarray(0, outputs * n);
    hidden.forEach(({ w, c }, o) => {
      for (let j = 0; j < n; j++) {
        let score = c;
        for (let f = 0; f < features; f++) score += w[f] * x[f * n + j];
        y[o * n + j] = score >= 0 ? 1 : 0;
      }
    });
    yield { x: { rows: features, cols: n, data: x }, y: { rows: outputs, cols: n, data: y }, offset };
  }
}
