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
  const { mkdirSync } = await import('node:fs');
  const { NpyWriter } = await import('../data/npy');
  const { syntheticChunks } = await import('../data/synthetic');
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
  mkdirSync(out, { recursive: true });
  const xWriter = new NpyWriter(join(out, 'x.npy'), features, samples, 'float32');
  const yWriter = new NpyWriter(join(out, 'y.npy'), 1, samples, 'float32');
  const started = Date.now();
  syntheticChunks({ features, samples, seed }, 1 << 16, ({ x, y }) => {
    xWriter.appendColumns(x);
    yWriter.appendColumns(y);
  });
  xWriter.close();
  yWriter.close();
  const bytes = features * samples * 4;
  const size = bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  io.stderr(`wrote ${join(out, 'x.npy')} (${features}×${samples} float32, ${size}) and y.npy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

