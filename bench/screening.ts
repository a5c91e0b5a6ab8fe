import { performance } from 'node:perf_hooks';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Kernels } from '../src/network/network';
import { TensorNetwork } from '../src/network/tensor';
import { seededRandom } from '../src/random';
import { trainAsync } from '../src/training';
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

type Run = { times: number[]; compute: string; readFraction: number };

/**
 * One fresh run of each kernel on the same data, their iterations in turn: one trainAsync loop per
 * network, each giving the event loop a turn after every iteration, so that the two alternate and
 * whatever else the machine does falls on both alike. An iteration's time is from the end of the
 * iteration before it (of either network) to its own end. Per kernel: ms of each iteration, what
 * computed, and the fraction read.
 */
async function runInTurn(backend: ScreeningRow['backend'], c: Case, kernels: readonly ScreeningRow['kernels'][]): Promise<Run[]> {
  const nets: TensorNetwork[] = [];
  try {
    for (const k of kernels) nets.push(createNetwork(backend, c.init, k) as TensorNetwork);
    const times = kernels.map(() => [] as number[]);
    let last = performance.now();
    const runs = nets.map((net, n) =>
      trainAsync(net, c.data, {
        a: A,
        iterations: SCREENING_ITERATIONS,
        onIteration: () => {
          const now = performance.now();
          times[n].push(now - last);
          last = now;
        },
      }, 0),
    );
    await Promise.all(runs);
    return nets.map((net, n) => ({ times: times[n], compute: net.compute, readFraction: net.readFraction ?? 1 }));
  } finally {
    for (const net of nets) net.dispose();
  }
}

/**
 * A backend's fused kernel, screened (`fused`, the default) and reading every sample (`unscreened`),
 * fresh runs of {@link SCREENING_ITERATIONS} from W = 0 on separable data and on noisy data, the
 * two kernels' iterations in turn ({@link runInTurn}; which starts alternates from round to round);
 * {@link ROUNDS} rounds, the fastest of each kept (the machine is shared). The backend must be active.
 */
export async function timeScreening(backend: ScreeningRow['backend'], c: Case, log: (line: string) => void): Promise<ScreeningRow[]> {
  const kernels = ['fused', 'unscreened'] as const;
  const configs = (['separable', 'noisy'] as const).flatMap((data) => kernels.map((k) => ({ data, kernels: k })));
  const cases = { separable: c, noisy: noisy(c) };
  const best = configs.map(() => ({ whole: Infinity, half: Infinity, compute: '', readFraction: 1 }));
  const mean = (t: number[]) => t.reduce((s, v) => s + v, 0) / t.length;
  for (let round = 0; round < ROUNDS; round++) {
    for (const data of ['separable', 'noisy'] as const) {
      log(`  screening, ${data} ${c.data.samples}: ${backend} screened and unscreened in turn, round ${round + 1} of ${ROUNDS}`);
      const order = round % 2 === 0 ? kernels : ([...kernels].reverse() as ScreeningRow['kernels'][]);
      const runs = await runInTurn(backend, cases[data], order);
      order.forEach((k, n) => {
        const b = best[configs.findIndex((cf) => cf.data === data && cf.kernels === k)];
        const { times, compute, readFraction } = runs[n];
        b.whole = Math.min(b.whole, mean(times));
        b.half = Math.min(b.half, mean(times.slice(times.length / 2)));
        b.compute = compute;
        b.readFraction = readFraction;
      });
    }
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
