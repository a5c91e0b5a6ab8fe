import { matrix, type Matrix } from '../matrix';
import type { Network, NetworkInit, TrainSettings } from './network';

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

  train(x: Matrix, y: Matrix, { a, iterations }: TrainSettings): void {
    const { W, features: F, outputs: k } = this;
    const m = x.cols;
    const z = new Float64Array(k * m);
    const e = new Float64Array(k * m);
    const dW = new Float64Array(F * k);
    for (let i = 0; i < iterations; i++) {
      this.forward(x, z);
      // y_pred − y, with y_pred = (s >= 0.5)
      let sumE = 0;
      for (let j = 0; j < k * m; j++) {
        e[j] = (sigmoid(z[j]) >= 0.5 ? 1 : 0) - y.data[j];
        sumE += e[j];
      }
      // dW = x·(y_pred − y)ᵀ / m
      for (let f = 0; f < F; f++) {
        const xRow = f * m;
        for (let o = 0; o < k; o++) {
          const eRow = o * m;
          let acc = 0;
          for (let j = 0; j < m; j++) acc += x.data[xRow + j] * e[eRow + j];
          dW[f * k + o] = acc / m;
        }
      }
      const db = sumE / m;
      for (let w = 0; w < F * k; w++) W[w] = W[w] - a * dW[w];
      this.b = this.b - a * db;
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
    const m = x.cols;
    z.fill(0);
    for (let f = 0; f < F; f++) {
      const xRow = f * m;
      for (let o = 0; o < k; o++) {
        const w = W[f * k + o];
        const zRow = o * m;
        for (let j = 0; j < m; j++) z[zRow + j] += w * x.data[xRow + j];
      }
    }
    for (let j = 0; j < z.length; j++) z[j] += b;
  }
}

/** s = 1 / (1 + exp(−z)), exactly the article's formula (so s is exactly 0.5 at the ties). */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
