import { join } from 'node:path';
import { InputError } from '../errors';
import type { Io } from './run';

const MAKE_NPY_HELP = `Writes synthetic data (simple-nn train --dataset synthetic) as x.npy and y.npy, chunk by chunk,
so that files larger than memory can be made.

Usage: simple-nn make-npy --out DIR --features N --samples M [--seed S]
       (from the project's folder: npm run make-npy -- …)

  --out DIR        the folder for x.npy (features×samples, float32) and y.npy (1×samples); made if missing
  --features N     rows of x
  --samples M      columns of x and y (32 × 33554432 makes a 4 GiB x.npy)
  --seed S         the data's seed (default 1): the same seed gives the same data as --dataset synthetic
  -h, --help       this text

Then: simple-nn train --x DIR/x.npy --y DIR/y.npy --chunk-samples 65536
`;

/** About how many bytes of x one chunk holds (as convert's chunks). */
const CHUNK_BYTES = 1 << 22;
/** The most features: one sample's float32 values in one chunk. */
const MAX_FEATURES = CHUNK_BYTES / 4;

/**
 * `simple-nn make-npy`: writes synthetic data (src/data/synthetic.ts) as x.npy (features×samples,
 * float32) and y.npy (outputs×samples, float32), chunk by chunk, so files larger than memory can be made.
 */
export async function makeNpy(argv: readonly string[], io: Io): Promise<void> {
  const { parseNumber, parseOptions } = await import('./args');
  const values = parseOptions(argv, {
    out: { type: 'string' },
    features: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(MAKE_NPY_HELP);
    return;
  }
  const { NpyAppender } = await import('../data/npy');
  const { eachSyntheticChunk } = await import('../data/synthetic');
  const { stageStream, writeTogether } = await import('../io/atomic');
  const { checkOutputFolder } = await import('./outputs');
  const { option } = await import('../errors');
  const { checkOption } = await import('../options');
  const whole = (key: 'features' | 'samples' | 'seed', fallback?: number) => {
    const text = (values as Record<string, string | undefined>)[key];
    if (text === undefined) {
      if (fallback === undefined) throw new InputError(option(key), ' is required (see --help)');
      return fallback;
    }
    return checkOption(key, parseNumber(key, text));
  };
  const out = values.out as string | undefined;
  if (!out) throw new InputError('--out DIR, --features N and --samples M are required (see --help)');
  const features = whole('features');
  const samples = whole('samples');
  const seed = whole('seed', 1);
  if (features > MAX_FEATURES) {
    throw new InputError(`--features must be at most ${MAX_FEATURES} (one sample of float32 values must fit in a chunk of memory), got ${features}`);
  }
  // before writing anything: a folder (or a new name) that can be written, x.npy and y.npy in it
  // regular files or new. Then both are staged and renamed into place together once complete: a
  // full disk, a signal or any failure leaves the folder as it was, no temporary file, no new folder.
  checkOutputFolder('--out', out, ['x.npy', 'y.npy']);
  const chunkSamples = Math.max(1, Math.floor(CHUNK_BYTES / (4 * features)));
  const started = Date.now();
  await writeTogether(async () => {
    const x = new NpyAppender(stageStream(join(out, 'x.npy'), { makeFolder: true }), features, 'float32');
    const y = new NpyAppender(stageStream(join(out, 'y.npy'), { makeFolder: true }), 1, 'float32');
    const columns = new Float32Array(features * Math.min(chunkSamples, samples));
    for (const chunk of eachSyntheticChunk({ features, samples, seed }, chunkSamples)) {
      // the chunk is features×n (a sample per column); the file holds sample after sample
      const n = chunk.x.cols;
      const sampleMajor = columns.subarray(0, features * n);
      for (let f = 0; f < features; f++) for (let j = 0; j < n; j++) sampleMajor[j * features + f] = chunk.x.data[f * n + j];
      x.append(sampleMajor);
      y.append(chunk.y.data.subarray(0, n) as Float32Array);
      await new Promise((resolve) => setImmediate(resolve)); // a signal is heard between chunks
    }
    x.finish();
    y.finish();
  });
  const bytes = features * samples * 4;
  const size = bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  io.stderr(`wrote ${join(out, 'x.npy')} (${features}×${samples} float32, ${size}) and y.npy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

