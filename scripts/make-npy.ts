/**
 * Writes synthetic data (src/data/synthetic.ts) as x.npy (features×samples, float32) and
 * y.npy (outputs×samples, float32), chunk by chunk, so files larger than memory can be made:
 *
 *   npm run make-npy -- --out DIR --features 32 --samples 33554432 [--seed 1]   # a 4 GiB x.npy
 *
 * Then: npm run train -- --x DIR/x.npy --y DIR/y.npy --chunk-samples 65536
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseNumber, parseOptions } from '../src/cli/args';
import { runScript, type Io } from '../src/cli/run';
import { NpyWriter } from '../src/data/npy';
import { syntheticChunks } from '../src/data/synthetic';
import { InputError, option } from '../src/errors';
import { checkOption } from '../src/options';

const HELP = `Writes synthetic data (npm run train -- --dataset synthetic) as x.npy and y.npy, chunk by chunk,
so that files larger than memory can be made.

Usage: npm run make-npy -- --out DIR --features N --samples M [--seed S]

  --out DIR        the folder for x.npy (features×samples, float32) and y.npy (1×samples); made if missing
  --features N     rows of x
  --samples M      columns of x and y (32 × 33554432 makes a 4 GiB x.npy)
  --seed S         the data's seed (default 1): the same seed gives the same data as --dataset synthetic
  -h, --help       this text

Then: npm run train -- --x DIR/x.npy --y DIR/y.npy --chunk-samples 65536
`;

async function makeNpy(argv: readonly string[], io: Io): Promise<void> {
  const values = parseOptions(argv, {
    out: { type: 'string' },
    features: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(HELP);
    return;
  }
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

runScript(makeNpy);
