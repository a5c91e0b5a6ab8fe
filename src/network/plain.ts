import type { Chunk } from '../data/source';
import { matrix, type Matrix } from '../matrix';
import { checkUse, type ErrorsAndLoss, type Forward, type Gradient, type Network, type NetworkInit, type Track } from './network';

/** One chunk's sums: x·eᵀ (features×outputs), sum(e), and the errors and summed loss when tracked. */
export interface PlainSums {
  readonly xe: Float64Array;
  sumE: number;
  errors: number;
  loss: number;
  /** With `trace`: z, s, y_pred and e, outputs×samples. */
  forward?: Forward;
}

/**
 * The article's equations, literally, on Float64Arrays: one thread, one plain loop per numpy line.
 * This is the oracle every other implementation is tested against, and the "plain implementation"
 * the benchmark races. It shares no code with any fast path.
 *
 * Its arithmetic is numpy's float64 (float32 data is read as float64, as numpy upcasts it for a
 * float64 W); only the order of some sums differs from BLAS's, which matters at a near-tie only.
 */
export class PlainNetwork implements Network<Chunk, PlainSums> {
  readonly backend = 'plain' as const;
  readonly compute = 'plain';
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

  load(chunk: Chunk): Chunk {
    return chunk;
  }

  unload(): void {}

  sums({ x, y }: Chunk, gradient: Gradient, track: Track, trace = false): PlainSums {
    const { features: F, outputs: k } = this;
    const m = x.cols;
    // z = np.dot(W.T, x) + b;  s = 1 / (1 + np.exp(-z));  y_pred = s >= 0.5
    const z = this.z(x);
    const s = z.map(sigmoid);
    const yPred = s.map((v) => (v >= 0.5 ? 1 : 0));
    // e = y_pred - y  (the logistic gradient: s - y)
    const e = new Float64Array(k * m);
    for (let j = 0; j < k * m; j++) e[j] = (gradient === 'logistic' ? s[j] : yPred[j]) - y.data[j];
    // np.dot(x, e.T): features×outputs
    const xe = new Float64Array(F * k);
    for (let f = 0; f < F; f++) {
      for (let o = 0; o < k; o++) {
        let acc = 0;
        for (let j = 0; j < m; j++) acc += x.data[f * m + j] * e[o * m + j];
        xe[f * k + o] = acc;
      }
    }
    // np.sum(e)
    let sumE = 0;
    for (let j = 0; j < k * m; j++) sumE += e[j];
    let errors = 0;
    let loss = track === 'loss' ? 0 : NaN;
    if (track) {
      for (let j = 0; j < k * m; j++) if (yPred[j] !== y.data[j]) errors++;
    }
    if (track === 'loss') {
      // the logistic loss −y·log(s) − (1−y)·log(1−s), in a form that is stable for large |z|
      for (let j = 0; j < k * m; j++) loss += Math.max(z[j], 0) - z[j] * y.data[j] + Math.log1p(Math.exp(-Math.abs(z[j])));
    }
    const rows = (data: Float64Array) => matrix(k, m, data);
    return { xe, sumE, errors, loss, ...(trace && { forward: { z: rows(z), s: rows(s), y_pred: rows(yPred), e: rows(e) } }) };
  }

  traced({ forward, xe, sumE }: PlainSums): Forward & { xe: Matrix; sumE: number } {
    return { ...forward!, xe: matrix(this.features, this.outputs, xe), sumE };
  }

  add(total: PlainSums, part: PlainSums): PlainSums {
    for (let w = 0; w < total.xe.length; w++) total.xe[w] += part.xe[w];
    total.sumE += part.sumE;
    total.errors += part.errors;
    total.loss += part.loss;
    return total;
  }

  stats(sums: PlainSums): ErrorsAndLoss {
    return sums;
  }

  update({ xe, sumE }: PlainSums, a: number, m: number): void {
    const { W } = this;
    // dW = np.dot(x, e.T) / m;  db = np.sum(e) / m;  W = W - a * dW;  b = b - a * db
    for (let w = 0; w < W.length; w++) W[w] = W[w] - a * (xe[w] / m);
    this.b = this.b - a * (sumE / m);
  }

  free(): void {}

  predict(x: Matrix): Matrix {
    const s = this.predictProba(x);
    return matrix(s.rows, s.cols, s.data.map((v) => (v >= 0.5 ? 1 : 0)));
  }

  predictProba(x: Matrix): Matrix {
    checkUse(this, x);
    return matrix(this.outputs, x.cols, this.z(x).map(sigmoid));
  }

  weights(): Matrix {
    return matrix(this.features, this.outputs, Float64Array.from(this.W));
  }

  bias(): number {
    return this.b;
  }

  assign(W: Matrix, b: number): void {
    checkUse(this, undefined, W);
    this.W.set(W.data);
    this.b = b;
  }

  disposed = false;

  dispose(): void {
    this.disposed = true;
  }

  /** z = Wᵀ·x + b (outputs×samples): each z summed over the features in order, then b added. */
  private z(x: Matrix): Float64Array {
    const { W, b, features: F, outputs: k } = this;
    const m = x.cols;
    const z = new Float64Array(k * m);
    // feature after feature, so x is read row by row; each z still adds its features in order
    for (let f = 0; f < F; f++) {
      for (let o = 0; o < k; o++) {
        for (let j = 0; j < m; j++) z[o * m + j] += W[f * k + o] * x.data[f * m + j];
      }
    }
    for (let j = 0; j < k * m; j++) z[j] += b;
    return z;
  }
}

/** s = 1 / (1 + exp(−z)), exactly the article's formula (so s is exactly 0.5 at the ties). */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
