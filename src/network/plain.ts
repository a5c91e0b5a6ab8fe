import type { SampleSource } from '../data/source';
import { matrix, type Matrix } from '../matrix';
import { runPass, scratch, sumsLength } from './fused';
import {
  wantsStats,
  type IterationStats,
  type Network,
  type NetworkInit,
  type TrainResult,
  type TrainSettings,
} from './network';
import { inSharedMemory, isShared, PARALLEL_MIN_VALUES, SamplePool, spareCores, wholeInMemory } from './pool';

/**
 * The article's equations on Float64Arrays, in the order numpy evaluates them:
 * the oracle that the tensor network is tested against.
 *
 * Each iteration is one fused pass over x (see `fusedPass`). Large data held in memory is
 * split across worker threads (one per spare core), which changes only the order of the sums;
 * below {@link PARALLEL_MIN_VALUES} values of x the order is exactly numpy's.
 */
export class PlainNetwork implements Network {
  readonly backend = 'plain' as const;
  readonly features: number;
  readonly outputs: number;
  private readonly W: Float64Array;
  private b: number;
  private pool?: SamplePool;

  constructor(init: NetworkInit) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    this.W = Float64Array.from(init.W.data);
    this.b = init.b;
  }

  train(data: SampleSource, settings: TrainSettings): TrainResult {
    const { a, iterations } = settings;
    const { W, features: F, outputs: k } = this;
    const m = data.samples;
    const logistic = settings.gradient === 'logistic';
    const at = F * k;
    // sums: x·eᵀ (F×k), then sum(e), errors, loss; part: one chunk's
    const sums = new Float64Array(sumsLength(F, k));
    const part = new Float64Array(sumsLength(F, k));
    const buffers = scratch();
    const whole = wholeInMemory(data, settings);
    const pool = whole && this.poolFor(whole, settings.iterations);
    try {
      for (let i = 0; i < iterations; i++) {
        if (settings.shouldStop?.()) return { iterationsRun: i, stoppedBy: 'interrupt' };
        const track = wantsStats(settings, i);
        const b = this.b;
        sums.fill(0);
        if (pool) pool.run({ W, b, logistic, track, float32: false }, sums);
        else if (whole) {
          const { x, y } = whole;
          runPass({ x: x.data, y: y.data, m, features: F, outputs: k, W, b, start: 0, end: m, logistic, track, float32: false }, sums, buffers);
        } else {
          part.fill(0);
          data.forEachChunk(settings.chunkSamples, ({ x, y }) => {
            // x·eᵀ is summed chunk by chunk (numpy's order for one chunk); sum(e) and the stats run on
            part.fill(0, 0, at);
            const n = x.cols;
            runPass({ x: x.data, y: y.data, m: n, features: F, outputs: k, W, b, start: 0, end: n, logistic, track, float32: false }, part, buffers);
            for (let w = 0; w < at; w++) sums[w] += part[w];
          });
          sums.set(part.subarray(at), at);
        }
        const errors = sums[at + 1];
        const stats: IterationStats | undefined = track ? { iteration: i + 1, errors, loss: sums[at + 2] / (k * m) } : undefined;
        if (settings.untilNoError && errors === 0) {
          settings.onIteration?.(i + 1, stats);
          return { iterationsRun: i, stoppedBy: 'no-error' };
        }
        // dW = x·eᵀ / m, db = sum(e) / m, W = W − a·dW, b = b − a·db
        for (let w = 0; w < at; w++) W[w] = W[w] - a * (sums[w] / m);
        this.b = b - a * (sums[at] / m);
        settings.onIteration?.(i + 1, stats);
      }
      return { iterationsRun: iterations };
    } finally {
      pool?.release();
    }
  }

  /**
   * The worker pool bound to x and y, when they are in memory, big enough, and trained long
   * enough to repay copying them into shared memory (no copy when they are there already).
   */
  private poolFor(whole: { readonly x: Matrix; readonly y: Matrix }, iterations: number): SamplePool | undefined {
    const { x, y } = whole;
    if (spareCores() === 0 || x.data.length < PARALLEL_MIN_VALUES) return undefined;
    if (!(isShared(x.data) && isShared(y.data)) && iterations < 4) return undefined;
    this.pool ??= new SamplePool(spareCores());
    this.pool.bind({
      x: inSharedMemory(x.data),
      y: inSharedMemory(y.data),
      m: x.cols,
      features: this.features,
      outputs: this.outputs,
    });
    return this.pool;
  }

  predict(x: Matrix): Matrix {
    const s = this.predictProba(x);
    for (let j = 0; j < s.data.length; j++) s.data[j] = s.data[j] >= 0.5 ? 1 : 0;
    return s;
  }

  predictProba(x: Matrix): Matrix {
    const z = new Float64Array(this.outputs * x.cols);
    this.forward(x, z);
    for (let j = 0; j < z.length; j++) z[j] = sigmoid(z[j]);
    return matrix(this.outputs, x.cols, z);
  }

  weights(): Matrix {
    return matrix(this.features, this.outputs, Float64Array.from(this.W));
  }

  bias(): number {
    return this.b;
  }

  /** Ends the worker threads, if training started any. */
  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
  }

  /** z = Wᵀ·x + b, summed over features in order (as numpy's dot does), then b added. */
  private forward(x: Matrix, z: Float64Array): void {
    const { W, b, features: F, outputs: k } = this;
    const n = x.cols;
    z.fill(0, 0, k * n);
    for (let f = 0; f < F; f++) {
      const xRow = f * n;
      for (let o = 0; o < k; o++) {
        const w = W[f * k + o];
        const zRow = o * n;
        for (let j = 0; j < n; j++) z[zRow + j] += w * x.data[xRow + j];
      }
    }
    for (let j = 0; j < k * n; j++) z[j] += b;
  }
}

/** s = 1 / (1 + exp(−z)), exactly the article's formula (so s is exactly 0.5 at the ties). */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
