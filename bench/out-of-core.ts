/**
 * Out of core: training on a .npy read chunk by chunk, with chunk screening (the default) and
 * without (`--kernels unscreened`), and the bytes the process read from the files per iteration,
 * as the kernel counts them (`rchar` of /proc/self/io: every byte read() returned, page cache or
 * disk). The data is `make-npy`'s separable synthetic data.
 *
 *   npm run bench:out-of-core -- [--samples 33554432] [--iterations 60] [--warm M] [--dir DIR]
 *
 * 32 × 33554432 is a 4 GiB x.npy. With --dir, the files there are used (made if missing), so a
 * second run does not write them again. Prints a Markdown table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { useBackend } from '../src/backend';
import { npyDataset } from '../src/data/npy-source';
import { memorySource } from '../src/data/source';
import { NpyColumnReader } from '../src/data/npy/reader';
import { matrix, type Matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Kernels } from '../src/network/network';
import { train } from '../src/training';

const FEATURES = 32;
const CHUNK = 1 << 16;

function rchar(): number {
  const line = readFileSync('/proc/self/io', 'utf8').split('\n').find((l) => l.startsWith('rchar:'));
  return Number(line!.split(/\s+/)[1]);
}

interface Row {
  kernels: Kernels;
  iterations: number;
  msPerIteration: number;
  /** Bytes read per iteration: the whole run, its first half, its second half. */
  bytes: { all: number; first: number; second: number };
  samplesRead: number;
  errors: number;
}

function run(x: string, y: string, kernels: Kernels, iterations: number, from: { W: Matrix; b: number }): Row {
  const data = npyDataset(x, y, { stream: true });
  const net = createNetwork('wasm', from, kernels);
  const at: number[] = [rchar()];
  const start = performance.now();
  let errors = NaN;
  try {
    const result = train(net, data.source, {
      a: 0.1,
      iterations,
      chunkSamples: CHUNK,
      statsEvery: 1,
      lossAt: () => false,
      onIteration: (_, s) => {
        at.push(rchar());
        errors = s!.errors;
      },
    });
    const ms = (performance.now() - start) / iterations;
    const per = (from: number, to: number) => (at[to] - at[from]) / (to - from);
    const half = Math.floor(iterations / 2);
    const read = result.chunks ? result.chunks.read / (result.chunks.read + result.chunks.skipped) : 1;
    return { kernels, iterations, msPerIteration: ms, bytes: { all: per(0, iterations), first: per(0, half), second: per(half, iterations) }, samplesRead: read, errors };
  } finally {
    net.dispose();
    data.source.close?.();
  }
}

/**
 * A start for the runs: W = 0, b = 0; or, with `warm` samples, the W and b that training on the
 * first `warm` samples (in memory, up to 1000 iterations or no error) reaches — a model fitted on
 * a sample of the data, then trained on all of it.
 */
function startingPoint(x: string, y: string, warm: number): { W: Matrix; b: number } {
  const zero = { W: matrix(FEATURES, 1), b: 0 };
  if (warm === 0) return zero;
  const reader = new NpyColumnReader(x);
  const labels = new NpyColumnReader(y);
  try {
    const net = createNetwork('wasm', zero);
    const source = memorySource(reader.readColumns(0, warm), labels.readColumns(0, warm));
    train(net, source, { a: 0.1, iterations: 1000, untilNoError: true, statsEvery: 1, lossAt: () => false });
    const start = { W: net.weights(), b: net.bias() };
    net.dispose();
    return start;
  } finally {
    reader.close();
    labels.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { samples: { type: 'string', default: String(1 << 25) }, iterations: { type: 'string', default: '60' }, warm: { type: 'string', default: '0' }, dir: { type: 'string' } },
  });
  const warm = Number(values.warm);
  const samples = Number(values.samples);
  const iterations = Number(values.iterations);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'simple-nn-ooc-'));
  const [x, y] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
  try {
    if (!existsSync(x) || !existsSync(y)) {
      // the CLI's make-npy (built by npm install), chunk by chunk
      const made = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli', 'main.js'), 'make-npy', '--out', dir, '--features', String(FEATURES), '--samples', String(samples)], { stdio: 'inherit' });
      if (made.status !== 0) throw new Error(`make-npy ended with ${made.status ?? made.signal}`);
    }
    await useBackend('wasm');
    const xBytes = FEATURES * samples * 4;
    const start = startingPoint(x, y, warm);
    const rows = [run(x, y, 'fused', iterations, start), run(x, y, 'unscreened', Math.min(iterations, 6), start)];
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(3)} GiB`;
    console.log(`${FEATURES}×${samples} float32 (x.npy ${gib(xBytes)}), chunks of ${CHUNK}, wasm, a = 0.1, from ${warm === 0 ? 'W = 0, b = 0' : `the W and b of training on the first ${warm} samples`}; ${new Date().toISOString()}\n`);
    console.log('| kernels | iterations | bytes read per iteration (whole run) | first half | second half | × x.npy (second half) | samples read | ms per iteration | errors at the end |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(
        `| ${r.kernels === 'fused' ? 'screened (chunks)' : 'unscreened'} | ${r.iterations} | ${gib(r.bytes.all)} | ${gib(r.bytes.first)} | ${gib(r.bytes.second)} | ` +
          `${(r.bytes.second / xBytes).toFixed(3)}× | ${(100 * r.samplesRead).toFixed(1)}% | ${r.msPerIteration.toFixed(0)} | ${r.errors} |`,
      );
    }
  } finally {
    if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
});
