import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Case } from './cases';
import { A } from './plan';

/** The CLI as a user runs it (built by `npm install`'s prepare). */
const CLI = join(__dirname, '..', 'dist', 'cli', 'main.js');
/** Rounds of the runs; the fastest of each counts (the machine is shared). */
export const RUNS = 5;
export const LONG = 202;
export const SHORT = 2;

/**
 * What an iteration costs through the CLI, stats and all: (time at {@link LONG} − time at {@link SHORT}) / their difference;
 * and what the same iterations cost through the library's training loop alone, in a fresh process as the CLI's, with no
 * stats: the kernel's row for the same data, start and iterations.
 */
export interface CliCostRow {
  readonly kernels: 'fused' | 'unscreened';
  readonly features: number;
  readonly samplesInX: number;
  readonly msPerIteration: number;
  /** The backend line of the long run's report. */
  readonly compute: string;
  /** The same difference of the loop alone (`train`, no stats), and what computed its long run. */
  readonly loopMsPerIteration: number;
  readonly loopCompute: string;
}

/** One whole run of the CLI: ms, and the backend line of its report. */
function cliOnce(c: Case, kernels: string, iterations: number): { ms: number; compute: string } {
  const start = performance.now();
  const out = execFileSync(process.execPath, [CLI, 'train', '--x', c.xPath, '--y', c.yPath, '--backend', 'wasm', '--kernels', kernels, '--iterations', String(iterations), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 26,
  });
  return { ms: performance.now() - start, compute: JSON.parse(out).backend };
}

/**
 * The loop alone, as a user's script runs it: a fresh node process that reads the case's .npy files and
 * trains on wasm from W = 0 (as the CLI starts) with no stats, timed whole like the CLI's runs (a fresh
 * process's JavaScript is not yet optimised, which the CLI pays too); the fastest of {@link RUNS}.
 */
const LOOP_SCRIPT = `
const [dist, xPath, yPath, kernels, iterations] = process.argv.slice(1);
const { useBackend } = require(dist + '/backend');
const { npyDataset } = require(dist + '/data/npy-source');
const { createNetwork } = require(dist + '/network/create');
const { matrix } = require(dist + '/matrix');
const { train } = require(dist + '/training');
(async () => {
  await useBackend('wasm');
  const data = npyDataset(xPath, yPath, { stream: false });
  const net = createNetwork('wasm', { W: matrix(data.source.features, data.source.outputs), b: 0 }, kernels);
  train(net, data.source, { a: ${A}, iterations: Number(iterations) });
  process.stdout.write(net.compute);
  net.dispose();
})();
`;

/** One whole run of the loop alone: ms, and what computed. */
function loopOnce(c: Case, kernels: string, iterations: number): { ms: number; compute: string } {
  const start = performance.now();
  const compute = execFileSync(process.execPath, ['-e', LOOP_SCRIPT, join(__dirname, '..', 'dist'), c.xPath, c.yPath, kernels, String(iterations)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return { ms: performance.now() - start, compute };
}

/**
 * `simple-nn train --backend wasm` on the case's .npy files, screened (the default) and unscreened, and the loop
 * alone on the same samples: {@link RUNS} rounds of the four runs in turn (so that what else the machine does
 * falls on all of them alike), the fastest of each kept.
 */
export function timeCli(c: Case, log: (line: string) => void): CliCostRow[] {
  return (['fused', 'unscreened'] as const).map((kernels) => {
    const runs = [
      () => cliOnce(c, kernels, SHORT),
      () => cliOnce(c, kernels, LONG),
      () => loopOnce(c, kernels, SHORT),
      () => loopOnce(c, kernels, LONG),
    ];
    const best = runs.map(() => ({ ms: Infinity, compute: '' }));
    for (let round = 0; round < RUNS; round++) {
      log(`  the CLI and the loop alone, ${SHORT} and ${LONG} iterations, in turn: wasm (${kernels}), round ${round + 1} of ${RUNS}`);
      runs.forEach((once, i) => {
        const { ms, compute } = once();
        best[i] = { ms: Math.min(best[i].ms, ms), compute };
      });
    }
    const [short, long, loopShort, loopLong] = best;
    return {
      kernels,
      features: c.data.features,
      samplesInX: c.data.samples,
      msPerIteration: (long.ms - short.ms) / (LONG - SHORT),
      compute: long.compute,
      loopMsPerIteration: (loopLong.ms - loopShort.ms) / (LONG - SHORT),
      loopCompute: loopLong.compute,
    };
  });
}
