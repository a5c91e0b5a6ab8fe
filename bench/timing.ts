import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { Matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Backend, Kernels } from '../src/network/network';
import { train } from '../src/training';
import type { Case } from './cases';
import type { MemoryUse } from './memory';
import { A, AND_ITERATIONS, iterationsPerSample, warmupIterations, type Plan } from './plan';

/** The repository's root: python runs there, so that `bench` and `oracle` import as packages. */
const ROOT = join(__dirname, '..');

/** numpy, three ways, in python3 on the same .npy data (see article_bench.py). */
export const NUMPY_VARIANTS = {
  /** The article's code itself on the data's dtype (float32 x, float64 W: numpy converts x every iteration). */
  'numpy (article code)': 'article',
  /** x, y, W and b all float32, in-place ufuncs: numpy at its best. */
  'numpy float32': 'float32',
  /** x and y converted to float64 once, W and b float64. */
  'numpy float64': 'float64',
} as const;
export type NumpyRunner = keyof typeof NUMPY_VARIANTS;

/** Milliseconds of each tinybench sample of `fn` (run exactly `samples` times, no time budget). */
function timeSamples(name: string, fn: () => void, samples: number): number[] {
  const bench = new Bench({ iterations: samples, time: 0, warmup: false, retainSamples: true, throws: true });
  bench.add(name, fn);
  const [task] = bench.runSync();
  const result = task.result;
  if (result.state !== 'completed' || !result.latency.samples) throw new Error(`${name}: ${result.state}`);
  return [...result.latency.samples];
}

/** Times one backend on a case: ms per sample (a whole AND run, or several iterations), and what computed. */
export function timeBackend(backend: Backend, c: Case, p: Plan, kernels: Kernels = 'fused'): { ms: number[]; compute: string } {
  return timeInterleaved(backend, c, p, [kernels])[0];
}

/**
 * Times one backend's kernels on a case, their samples taken in turn (one of each, then the next of
 * each), so that what the machine does meanwhile falls on all of them alike: per kernel, ms per
 * sample (a whole AND run, or several iterations) and what computed.
 */
export function timeInterleaved(backend: Backend, c: Case, p: Plan, kernels: readonly Kernels[]): { ms: number[]; compute: string }[] {
  const runs: ReturnType<typeof runner>[] = [];
  try {
    for (const k of kernels) runs.push(runner(backend, c, p, k));
    const samples = c.name === 'and' ? p.andRuns : p.samples(c.data.samples);
    const ms = runs.map(() => [] as number[]);
    for (let i = 0; i < samples; i++) runs.forEach((run, r) => ms[r].push(...timeSamples(`${backend} ${c.name} ${c.data.samples}`, run.sample, 1)));
    return runs.map((run, r) => ({ ms: ms[r], compute: run.compute() }));
  } finally {
    for (const run of runs) run.dispose();
  }
}

/** One timed sample of a backend's kernel on a case, after its warm-up, and what computed. */
function runner(backend: Backend, c: Case, p: Plan, kernels: Kernels): { sample: () => void; compute: () => string; dispose: () => void } {
  if (c.name === 'and') {
    let compute = '';
    const run = () => {
      const net = createNetwork(backend, c.init, kernels);
      train(net, c.data, { a: A, iterations: AND_ITERATIONS });
      compute = net.compute;
      net.dispose();
    };
    for (let i = 0; i < p.andWarmup; i++) run();
    return { sample: run, compute: () => compute, dispose: () => undefined };
  }
  const m = c.data.samples;
  const net = createNetwork(backend, c.init, kernels);
  try {
    train(net, c.data, { a: A, iterations: warmupIterations(m) });
  } catch (err) {
    net.dispose();
    throw err;
  }
  const iterations = iterationsPerSample(m);
  return { sample: () => train(net, c.data, { a: A, iterations }), compute: () => net.compute, dispose: () => net.dispose() };
}
/**
 * Times a numpy variant on a case's .npy files in python3 (`python3 -m bench.article_bench`, run at the
 * repository's root): ms per sample, and the python process's memory.
 */
export function timeNumpy(c: Case, p: Plan, variant: (typeof NUMPY_VARIANTS)[NumpyRunner]): { ms: number[] } & MemoryUse {
  const m = c.data.samples;
  const and = c.name === 'and';
  const spec = {
    x: c.xPath,
    y: c.yPath,
    W: matrixRows(c.init.W),
    b: c.init.b,
    a: A,
    variant,
    mode: and ? 'run' : 'iterations',
    iterations: and ? AND_ITERATIONS : iterationsPerSample(m),
    warmup: and ? p.andWarmup : warmupIterations(m),
    samples: and ? p.andRuns : p.samples(m),
  };
  const out = execFileSync('python3', ['-m', 'bench.article_bench', JSON.stringify(spec)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out);
}

function matrixRows(W: Matrix): number[][] {
  return Array.from({ length: W.rows }, (_, r) => Array.from(W.data.subarray(r * W.cols, (r + 1) * W.cols)));
}
