import * as tf from '@tensorflow/tfjs-core';
import { matrix, type Matrix } from '../matrix';
import type { Network, NetworkInit, TensorBackend, TrainSettings } from './network';

/**
 * The article's network on tfjs tensors (the design card's shape): x, y, W and b are tensors,
 * the forward pass is `tf.matMul` + `tf.sigmoid` + the 0.5 threshold, and the update is the
 * article's equations written by hand inside `tf.tidy` (no optimizer, no autodiff).
 *
 * It owns W and b: `dispose()` frees them. Tensors are float32, as tfjs computes.
 * Activate the backend first (see `useBackend`).
 */
export class TensorNetwork implements Network {
  readonly features: number;
  readonly outputs: number;
  private readonly W: tf.Variable<tf.Rank.R2>;
  private readonly b: tf.Variable<tf.Rank.R0>;

  constructor(
    readonly backend: TensorBackend,
    init: NetworkInit,
  ) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    // tidy frees the initial values once the variables hold their copies (variables outlive tidy).
    this.W = tf.tidy(() => tf.variable(toTensor(init.W)));
    this.b = tf.tidy(() => tf.variable(tf.scalar(init.b, 'float32')));
  }

  train(xData: Matrix, yData: Matrix, { a, iterations }: TrainSettings): void {
    const x = toTensor(xData);
    const y = toTensor(yData);
    try {
      for (let i = 0; i < iterations; i++) this.step(x, y, a);
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  /** One iteration of the article's loop. */
  private step(x: tf.Tensor2D, y: tf.Tensor2D, a: number): void {
    const m = x.shape[1];
    tf.tidy(() => {
      const yPred = this.forward(x);
      const e = tf.sub(yPred, y); // y_pred − y
      const dW = tf.div(tf.matMul(x, e, false, true), m);
      const db = tf.div(tf.sum(e), m);
      this.W.assign(tf.sub(this.W, tf.mul(a, dW)));
      this.b.assign(tf.sub(this.b, tf.mul(a, db)));
    });
  }

  /** y_pred = (sigmoid(Wᵀ·x + b) >= 0.5) as 0/1 floats. */
  private forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.cast(tf.greaterEqual(this.proba(x), 0.5), 'float32') as tf.Tensor2D);
  }

  /** s = sigmoid(z), z = Wᵀ·x + b. */
  private proba(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(this.W, x, true, false), this.b)) as tf.Tensor2D);
  }

  predict(xData: Matrix): Matrix {
    return this.read(xData, (x) => this.forward(x));
  }

  predictProba(xData: Matrix): Matrix {
    return this.read(xData, (x) => this.proba(x));
  }

  weights(): Matrix {
    return matrix(this.features, this.outputs, Float64Array.from(this.W.dataSync()));
  }

  bias(): number {
    return this.b.dataSync()[0];
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }

  private read(xData: Matrix, f: (x: tf.Tensor2D) => tf.Tensor2D): Matrix {
    const out = tf.tidy(() => f(toTensor(xData)));
    try {
      return matrix(out.shape[0], out.shape[1], Float64Array.from(out.dataSync()));
    } finally {
      out.dispose();
    }
  }
}

/** tfjs computes in float32: float64 data is rounded once, here. */
function toTensor(m: Matrix): tf.Tensor2D {
  const values = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
  return tf.tensor2d(values, [m.rows, m.cols], 'float32');
}
