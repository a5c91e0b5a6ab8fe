import { performance } from 'node:perf_hooks';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Kernels } from '../src/network/network';
import { TensorNetwork } from '../src/network/tensor';
import { seededRandom } from '../src/random';
import { train } from '../src/training';
import type { Case } from './cases';
import { A } from './plan';

/** Iterations of each screening run, from W = 0: long enough for its second half to show where it settles. */
export const SCREENING_ITERATIONS = 100;
/** The noisy data: this fraction of the synthetic labels flipped (seeded), so that some samples stay wrong. */
export const FLIPPED = 0.1;
/** Rounds of the runs; each row keeps its fastest. */
export const ROUNDS = 5;

/** One run of a fused kernel that screens (wasm's SIMD kernel, cpu's JS kernel), screened or not, on separable or noisy data. */
export interface ScreeningRow {
  readonly backend: 'wasm' | 'cpu';
  readonly data: 'separable' | 'noisy';
  readonly kernels: Extract<Kernels, 'fused' | 'unscreened'>;
  /** The network's own label, e.g. `wasm (SIMD kernel, 2 threads, screened: 3.1% of samples read)`. */
  readonly compute: string;
  readonly features: number;
  readonly samplesInX: number;
  readonly iterations: number;
  /** Mean ms per iteration over the whole run, and over its second half. */
  readonly msPerIteration: number;
  readonly msPerIterationSecondHalf: number;
  /** Fraction of the samples read per iteration, on average (1 unscreened). */
  readonly readFraction: number;
}

/** The case's data with {@link FLIPPED} of its labels flipped. */
function noisy(c: Case): Case {
  const { x, y } = c.data.inMemory!;
  const rand = seededRandom(7);
  const flipped = Float32Array.from(y.data, (v) => (rand() < FLIPPED ? 1 - v : v));
  return { ...c, data: memorySource(x, matrix(y.rows, y.cols, flipped)) };
}

/** One fresh run: ms of each iteration, what computed, and the fraction read. */
function runOnce(backend: ScreeningRow['backend'], c: Case, kernels: ScreeningRow['kernels']): { times: number[]; compute: string; readFraction: number } {
  const net = createNetwork(backend, c.init, kernels) as TensorNetwork;
  const times: number[] = [];
  let last = performance.now();
  try {
    train(net, c.data, {
      a: A,
      iterations: SCREENING_ITERATIONS,
      onIteration: () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
      },
    });
    return { times, compute: net.compute, readFraction: net.readFraction ?? 1 };
  } finally {
    net.dispose();
  }
}

/**
 * A backend's fused kernel, screened (`fused`, the default) and reading every sample (`unscreened`), each
 * a fresh run of {@link SCREENING_ITERATIONS} from W = 0 on separable data and on noisy data; {@link ROUNDS}
 * rounds of the four runs in turn, the fastest of each kept (the machine is shared). The backend must be active.
 */
export function timeScreening(backend: ScreeningRow['backend'], c: Case, log: (line: string) => void): ScreeningRow[] {
  const configs = (['separable', 'noisy'] as const).flatMap((data) => (['fused', 'unscreened'] as const).map((kernels) => ({ data, kernels })));
  const cases = { separable: c, noisy: noisy(c) };
  const best = configs.map(() => ({ whole: Infinity, half: Infinity, compute: '', readFraction: 1 }));
  const mean = (t: number[]) => t.reduce((s, v) => s + v, 0) / t.length;
  for (let round = 0; round < ROUNDS; round++) {
    configs.forEach(({ data, kernels }, i) => {
      log(`  screening, ${data} ${c.data.samples}: ${backend} (${kernels}), round ${round + 1} of ${ROUNDS}`);
      const { times, compute, readFraction } = runOnce(backend, cases[data], kernels);
      const b = best[i];
      b.whole = Math.min(b.whole, mean(times));
      b.half = Math.min(b.half, mean(times.slice(times.length / 2)));
      b.compute = compute;
      b.readFraction = readFraction;
    });
  }
  return configs.map(({ data, kernels }, i) => ({
    backend,
    data,
    kernels,
    compute: best[i].compute,
    features: c.data.features,
    samplesInX: c.data.samples,
    iterations: SCREENING_ITERATIONS,
    msPerIteration: best[i].whole,
    msPerIterationSecondHalf: best[i].half,
    readFraction: best[i].readFraction,
  }));
}
