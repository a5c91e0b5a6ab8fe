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
import { InputError } from '../src/errors';
import { checkCount } from '../src/validate';

async function makeNpy(argv: readonly string[], io: Io): Promise<void> {
  const values = parseOptions(argv, {
    out: { type: 'string' },
    features: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
  });
  const whole = (name: string, fallback?: number) => {
    const text = (values as Record<string, string | undefined>)[name];
    if (text === undefined) {
      if (fallback === undefined) throw new InputError(`--${name} is required`);
      return fallback;
    }
    return checkCount(`--${name}`, parseNumber(`--${name}`, text));
  };
  const out = values.out as string | undefined;
  if (!out) throw new InputError('--out DIR is required');
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
  const gib = (features * samples * 4) / 2 ** 30;
  io.stderr(`wrote ${join(out, 'x.npy')} (${features}×${samples} float32, ${gib.toFixed(2)} GiB) and y.npy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

runScript(makeNpy);
