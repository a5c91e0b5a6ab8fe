import type { SampleSource } from '../data/source';
import { matrix, type Matrix } from '../matrix';
import {
  logisticLoss,
  wantsStats,
  type IterationStats,
  type Network,
  type NetworkInit,
  type TrainResult,
  type TrainSettings,
} from './network';

/** Sums over the samples of one iteration: x·eᵀ, sum(e), and the stats. */
interface Sums {
  readonly xe: Float64Array;
  e: number;
  errors: number;
  loss: number;
}

/**
 * The article's equations on Float64Arrays, in the order numpy evaluates them:
 * the oracle that the tensor network is tested against.
 */
export class PlainNetwork implements Network {
  readonly backend = 'plain' as const;
  readonly features: number;
  readonly outputs: number;
  private readonly W: Float64Array;
  private b: number;

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
    const sums: Sums = { xe: new Float64Array(F * k), e: 0, errors: 0, loss: 0 };
    let z = new Float64Array(0);
    for (let i = 0; i < iterations; i++) {
      if (settings.shouldStop?.()) return { iterationsRun: i, stoppedBy: 'interrupt' };
      const track = wantsStats(settings, i);
      sums.xe.fill(0);
      sums.e = sums.errors = sums.loss = 0;
      data.forEachChunk(settings.chunkSamples, ({ x, y }) => {
        if (z.length < k * x.cols) z = new Float64Array(k * x.cols);
        this.accumulate(x, y, settings.gradient === 'logistic', track, z, sums);
      });
      const stats: IterationStats | undefined = track
        ? { iteration: i + 1, errors: sums.errors, loss: sums.loss / (k * m) }
        : undefined;
      if (settings.untilNoError && sums.errors === 0) {
        settings.onIteration?.(i + 1, stats);
        return { iterationsRun: i, stoppedBy: 'no-error' };
      }
      // dW = x·eᵀ / m, db = sum(e) / m, W = W − a·dW, b = b − a·db
      for (let w = 0; w < F * k; w++) W[w] = W[w] - a * (sums.xe[w] / m);
      this.b = this.b - a * (sums.e / m);
      settings.onIteration?.(i + 1, stats);
    }
    return { iterationsRun: iterations };
  }

  /**
   * Adds one chunk's x·eᵀ and sum(e) into `sums`, where e = y_pred − y (article) or s − y (logistic).
   * With one chunk this is numpy's order exactly: each x·eᵀ entry summed over the samples in order.
   */
  private accumulate(x: Matrix, y: Matrix, logistic: boolean, track: boolean, z: Float64Array, sums: Sums): void {
    const { features: F, outputs: k } = this;
    const n = x.cols;
    this.forward(x, z);
    for (let j = 0; j < k * n; j++) {
      const zj = z[j];
      const s = sigmoid(zj);
      const yPred = s >= 0.5 ? 1 : 0;
      const e = (logistic ? s : yPred) - y.data[j];
      z[j] = e; // z is not needed any more: keep e in its place
      sums.e += e;
      if (track) {
        if (yPred !== y.data[j]) sums.errors++;
        sums.loss += logisticLoss(zj, y.data[j]);
      }
    }
    for (let f = 0; f < F; f++) {
      const xRow = f * n;
      for (let o = 0; o < k; o++) {
        const eRow = o * n;
        let acc = 0;
        for (let j = 0; j < n; j++) acc += x.data[xRow + j] * z[eRow + j];
        sums.xe[f * k + o] += acc;
      }
    }
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

  dispose(): void {
    // Nothing to free: the arrays are garbage-collected.
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
