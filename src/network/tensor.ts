import * as tf from '@tensorflow/tfjs-core';
import type { SampleSource } from '../data/source';
import { matrix, type Matrix } from '../matrix';
import {
  wantsStats,
  type Network,
  type NetworkInit,
  type TensorBackend,
  type TrainResult,
  type TrainSettings,
} from './network';

/** One chunk's contribution to an iteration: x·eᵀ, sum(e), and the stats when asked for. */
interface Partial {
  xe: tf.Tensor2D;
  e: tf.Scalar;
  errors?: tf.Scalar;
  loss?: tf.Scalar;
}

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

  train(data: SampleSource, settings: TrainSettings): TrainResult {
    const resident = data.inMemory && (settings.chunkSamples === undefined || settings.chunkSamples >= data.samples);
    // In memory, x and y are uploaded once; otherwise each chunk is uploaded in turn, every iteration.
    const x = resident ? toTensor(data.inMemory!.x) : undefined;
    const y = resident ? toTensor(data.inMemory!.y) : undefined;
    const visit = (onChunk: (x: tf.Tensor2D, y: tf.Tensor2D) => void) => {
      if (x && y) return onChunk(x, y);
      data.forEachChunk(settings.chunkSamples, (chunk) => {
        const xc = toTensor(chunk.x);
        const yc = toTensor(chunk.y);
        try {
          onChunk(xc, yc);
        } finally {
          xc.dispose();
          yc.dispose();
        }
      });
    };
    try {
      return this.loop(data.samples, settings, visit);
    } finally {
      x?.dispose();
      y?.dispose();
    }
  }

  private loop(
    m: number,
    settings: TrainSettings,
    visit: (onChunk: (x: tf.Tensor2D, y: tf.Tensor2D) => void) => void,
  ): TrainResult {
    const { a, iterations } = settings;
    const logistic = settings.gradient === 'logistic';
    for (let i = 0; i < iterations; i++) {
      if (settings.shouldStop?.()) return { iterationsRun: i, stoppedBy: 'interrupt' };
      const track = wantsStats(settings, i);
      let total: Partial | undefined;
      visit((x, y) => {
        const part = this.partial(x, y, logistic, track);
        total = total ? addPartials(total, part) : part;
      });
      const sums = total!;
      const stats = track
        ? { iteration: i + 1, errors: sums.errors!.dataSync()[0], loss: sums.loss!.dataSync()[0] / (this.outputs * m) }
        : undefined;
      const done = settings.untilNoError && stats!.errors === 0;
      if (!done) {
        tf.tidy(() => {
          // dW = x·eᵀ / m, db = sum(e) / m, W = W − a·dW, b = b − a·db
          const dW = tf.div(sums.xe, m);
          const db = tf.div(sums.e, m);
          this.W.assign(tf.sub(this.W, tf.mul(a, dW)));
          this.b.assign(tf.sub(this.b, tf.mul(a, db)));
        });
      }
      disposePartial(sums);
      settings.onIteration?.(i + 1, stats);
      if (done) return { iterationsRun: i, stoppedBy: 'no-error' };
    }
    return { iterationsRun: iterations };
  }

  /** One chunk's sums, with e = y_pred − y (article) or s − y (logistic). */
  private partial(x: tf.Tensor2D, y: tf.Tensor2D, logistic: boolean, track: boolean): Partial {
    return tf.tidy(() => {
      const z = this.logits(x);
      const s = tf.sigmoid(z);
      const yPred = threshold(s);
      const e = tf.sub(logistic ? s : yPred, y);
      const part: Partial = { xe: tf.matMul(x, e, false, true), e: tf.sum(e) as tf.Scalar };
      if (track) {
        part.errors = tf.sum(tf.cast(tf.notEqual(yPred, y), 'float32')) as tf.Scalar;
        // max(z, 0) − z·y + log(1 + e^−|z|), summed
        part.loss = tf.sum(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as tf.Scalar;
      }
      return part as unknown as tf.TensorContainerObject;
    }) as unknown as Partial;
  }

  /** z = Wᵀ·x + b */
  private logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(this.W, x, true, false), this.b);
  }

  predict(xData: Matrix): Matrix {
    return this.read(xData, (x) => threshold(tf.sigmoid(this.logits(x))));
  }

  predictProba(xData: Matrix): Matrix {
    return this.read(xData, (x) => tf.sigmoid(this.logits(x)));
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

/** y_pred = (s >= 0.5) as 0/1 floats: sigmoid, then the article's threshold (s is exactly 0.5 at ties). */
function threshold(s: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.greaterEqual(s, 0.5), 'float32') as tf.Tensor2D;
}

function addPartials(total: Partial, part: Partial): Partial {
  const sum = tf.tidy(() => ({
    xe: tf.add(total.xe, part.xe) as tf.Tensor2D,
    e: tf.add(total.e, part.e) as tf.Scalar,
    ...(part.errors && { errors: tf.add(total.errors!, part.errors) as tf.Scalar }),
    ...(part.loss && { loss: tf.add(total.loss!, part.loss) as tf.Scalar }),
  }));
  disposePartial(total);
  disposePartial(part);
  return sum;
}

function disposePartial(p: Partial): void {
  tf.dispose([p.xe, p.e, ...(p.errors ? [p.errors] : []), ...(p.loss ? [p.loss] : [])]);
}

/** tfjs computes in float32: float64 data is rounded once, here. */
function toTensor(m: Matrix): tf.Tensor2D {
  const values = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
  return tf.tensor2d(values, [m.rows, m.cols], 'float32');
}
