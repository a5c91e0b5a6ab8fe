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
  if (c.name === 'and') {
    let compute = '';
    const run = () => {
      const net = createNetwork(backend, c.init, kernels);
      train(net, c.data, { a: A, iterations: AND_ITERATIONS });
      compute = net.compute;
      net.dispose();
    };
    for (let i = 0; i < p.andWarmup; i++) run();
    return { ms: timeSamples(`${backend} and`, run, p.andRuns), compute };
  }
  const m = c.data.samples;
  const net = createNetwork(backend, c.init, kernels);
  try {
    train(net, c.data, { a: A, iterations: warmupIterations(m) });
    const iterations = iterationsPerSample(m);
    return { ms: timeSamples(`${backend} ${m}`, () => train(net, c.data, { a: A, iterations }), p.samples(m)), compute: net.compute };
  } finally {
    net.dispose();
  }
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
