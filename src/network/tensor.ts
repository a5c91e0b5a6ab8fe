import * as tf from '@tensorflow/tfjs-core';
import type { SampleSource } from '../data/source';
import { matrix, type Matrix } from '../matrix';
import { ARTICLE_SUMS, ARTICLE_UPDATE, hasFusedKernels, sharedValues } from './kernels';
import {
  wantsStats,
  type IterationStats,
  type Kernels,
  type Network,
  type NetworkInit,
  type TensorBackend,
  type TrainResult,
  type TrainSettings,
} from './network';
import { PARALLEL_MIN_VALUES, SamplePool, spareCores, wholeInMemory } from './pool';

/**
 * The article's network on tfjs tensors (the design card's shape): x, y, W and b are tensors,
 * and the update is the article's equations written by hand (no optimizer, no autodiff).
 *
 * On cpu and wasm, an iteration is two fused kernels registered for the backend (see
 * `kernels.ts`): one pass over x for `x·eᵀ`, `sum(e)` and the stats, then the update of W and b.
 * Elsewhere (tensorflow) it is tfjs's own ops: `tf.matMul` + `tf.sigmoid` + the 0.5 threshold,
 * and the update inside `tf.tidy`. Either way nothing is read back inside the loop unless stats
 * are asked for.
 *
 * It owns W and b: `dispose()` frees them (and the worker threads the cpu kernel may start).
 * Tensors are float32, as tfjs computes. Activate the backend first (see `useBackend`).
 */
export class TensorNetwork implements Network {
  readonly features: number;
  readonly outputs: number;
  private readonly W: tf.Variable<tf.Rank.R2>;
  private readonly b: tf.Variable<tf.Rank.R0>;
  private pool?: SamplePool;

  constructor(
    readonly backend: TensorBackend,
    init: NetworkInit,
    private readonly kernels: Kernels = 'fused',
  ) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    // tidy frees the initial values once the variables hold their copies (variables outlive tidy).
    this.W = tf.tidy(() => tf.variable(toTensor(init.W)));
    this.b = tf.tidy(() => tf.variable(tf.scalar(init.b, 'float32')));
  }

  train(data: SampleSource, settings: TrainSettings): TrainResult {
    const whole = wholeInMemory(data, settings);
    // In memory, x and y are uploaded once; otherwise each chunk is uploaded in turn, every iteration.
    // On the cpu backend a float32 x in memory is not even copied: the tensor wraps its array.
    const x = whole && toTensor(whole.x);
    const y = whole && toTensor(whole.y);
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
    const pool = x && y ? this.poolFor(x, y) : undefined;
    try {
      return this.loop(data.samples, settings, visit, pool);
    } finally {
      pool?.release();
      x?.dispose();
      y?.dispose();
    }
  }

  private loop(
    m: number,
    settings: TrainSettings,
    visit: (onChunk: (x: tf.Tensor2D, y: tf.Tensor2D) => void) => void,
    pool: SamplePool | undefined,
  ): TrainResult {
    const { a, iterations } = settings;
    const logistic = settings.gradient === 'logistic';
    const fused = this.kernels === 'fused' && hasFusedKernels(tf.getBackend());
    const at = this.features * this.outputs;
    for (let i = 0; i < iterations; i++) {
      if (settings.shouldStop?.()) return { iterationsRun: i, stoppedBy: 'interrupt' };
      const track = wantsStats(settings, i);
      let sums: tf.Tensor1D | undefined;
      visit((x, y) => {
        const part = fused ? this.fusedSums(x, y, logistic, track, pool) : this.sums(x, y, logistic, track);
        if (!sums) return void (sums = part);
        const total = tf.add(sums, part) as tf.Tensor1D;
        tf.dispose([sums, part]);
        sums = total;
      });
      let stats: IterationStats | undefined;
      if (track) {
        const values = sums!.dataSync();
        stats = { iteration: i + 1, errors: values[at + 1], loss: values[at + 2] / (this.outputs * m) };
      }
      const done = settings.untilNoError && stats!.errors === 0;
      if (!done) this.update(sums!, a, m, fused);
      sums!.dispose();
      settings.onIteration?.(i + 1, stats);
      if (done) return { iterationsRun: i, stoppedBy: 'no-error' };
    }
    return { iterationsRun: iterations };
  }

  /** One chunk's sums, by the backend's fused kernel. */
  private fusedSums(x: tf.Tensor2D, y: tf.Tensor2D, logistic: boolean, track: boolean, pool?: SamplePool): tf.Tensor1D {
    const attrs = { logistic, track, ...(pool && { pool }) } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(ARTICLE_SUMS, { x, y, W: this.W, b: this.b }, attrs) as tf.Tensor1D;
  }

  /**
   * One chunk's sums by tfjs's ops, as one vector: x·eᵀ (features×outputs, row after row), sum(e),
   * then errors and loss (0 unless tracked); e = y_pred − y (article) or s − y (logistic).
   */
  private sums(x: tf.Tensor2D, y: tf.Tensor2D, logistic: boolean, track: boolean): tf.Tensor1D {
    return tf.tidy(() => {
      const z = this.logits(x);
      const s = tf.sigmoid(z);
      const yPred = threshold(s);
      const e = tf.sub(logistic ? s : yPred, y);
      const zero = tf.scalar(0);
      const errors = track ? tf.sum(tf.cast(tf.notEqual(yPred, y), 'float32')) : zero;
      // max(z, 0) − z·y + log(1 + e^−|z|), summed
      const loss = track ? tf.sum(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) : zero;
      return tf.concat([tf.reshape(tf.matMul(x, e, false, true), [-1]), tf.stack([tf.sum(e), errors, loss])]) as tf.Tensor1D;
    });
  }

  /** dW = x·eᵀ / m, db = sum(e) / m, W = W − a·dW, b = b − a·db */
  private update(sums: tf.Tensor1D, a: number, m: number, fused: boolean): void {
    tf.tidy(() => {
      if (fused) {
        const [W, b] = tf.engine().runKernel(ARTICLE_UPDATE, { W: this.W, b: this.b, sums }, { a, m }) as tf.Tensor[];
        this.W.assign(W as tf.Tensor2D);
        this.b.assign(b as tf.Scalar);
        return;
      }
      const at = this.features * this.outputs;
      const dW = tf.div(tf.reshape(tf.slice(sums, 0, at), [this.features, this.outputs]), m);
      const db = tf.div(tf.reshape(tf.slice(sums, at, 1), []), m);
      this.W.assign(tf.sub(this.W, tf.mul(a, dW)));
      this.b.assign(tf.sub(this.b, tf.mul(a, db)));
    });
  }

  /** The cpu kernel's worker pool, bound to x and y, when their arrays are shared and large. */
  private poolFor(x: tf.Tensor2D, y: tf.Tensor2D): SamplePool | undefined {
    const [xValues, yValues] = [sharedValues(x), sharedValues(y)];
    if (!xValues || !yValues || xValues.length < PARALLEL_MIN_VALUES || spareCores() === 0) return undefined;
    this.pool ??= new SamplePool(spareCores());
    this.pool.bind({ x: xValues, y: yValues, m: x.shape[1], features: this.features, outputs: this.outputs });
    return this.pool;
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
    this.pool?.dispose();
    this.pool = undefined;
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

/**
 * tfjs computes in float32: float64 data is rounded once, here. A large copy goes to shared memory,
 * where the cpu kernel's worker threads can read it too.
 */
function toTensor(m: Matrix): tf.Tensor2D {
  let values = m.data;
  if (!(values instanceof Float32Array)) {
    const large = values.length >= PARALLEL_MIN_VALUES && tf.getBackend() === 'cpu';
    values = new Float32Array(large ? new SharedArrayBuffer(4 * values.length) : new ArrayBuffer(4 * values.length));
    values.set(m.data);
  }
  return tf.tensor2d(values, [m.rows, m.cols], 'float32');
}
