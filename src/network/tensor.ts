import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../data/source';
import { kernelFor, toTensor, type FusedKernel, type TensorSums } from '../kernels';
import { InputError, option } from '../errors';
import { matrix, type Matrix } from '../matrix';
import { checkUse, type ErrorsAndLoss, type Forward, type Gradient, type Kernels, type Network, type NetworkInit, type TensorBackend, type Track } from './network';

export type { TensorSums } from '../kernels';

/** A chunk made ready for the ops: x and y uploaded as float32 tensors. */
interface OpsSamples {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
}

/**
 * The article's network on tfjs tensors (the design card's shape): W and b are tfjs variables,
 * and the update is the article's equations written by hand (no optimizer, no autodiff).
 *
 * With `kernels: 'ops'` an iteration is tfjs's own ops, line by line as in the article:
 * `tf.matMul` + `b`, `tf.sigmoid`, the 0.5 threshold, then dW, db and the update in `tf.tidy`.
 * With `kernels: 'fused'` (the default where the backend has one) the sums come from the
 * backend's own registered kernel (see `src/kernels/`); the update is the same either way except
 * on cpu, whose kernel also fuses the update. Nothing is read back inside the loop unless stats are
 * asked for.
 *
 * It owns W and b: `dispose()` frees them. Tensors are float32, as tfjs computes. Activate the
 * backend first (see `useBackend`).
 */
export class TensorNetwork implements Network<unknown, TensorSums> {
  readonly features: number;
  readonly outputs: number;
  private readonly W: tf.Variable<tf.Rank.R2>;
  private readonly b: tf.Variable<tf.Rank.R0>;
  /** The backend's fused kernel, when it has one and it is asked for. */
  private readonly kernel?: FusedKernel<unknown>;
  private threads = 1;
  private readonly screen: boolean;
  /** Of the last samples loaded, when screened: the fraction of samples (× outputs) read per call. */
  private screened: { read: number; summed: number; screened: number } | undefined;

  constructor(
    readonly backend: TensorBackend,
    init: NetworkInit,
    kernels: Kernels = 'fused',
  ) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    this.kernel = kernels === 'ops' ? undefined : kernelFor(backend);
    this.screen = kernels === 'fused';
    // tidy frees the initial values once the variables hold their copies (variables outlive tidy).
    this.W = tf.tidy(() => tf.variable(toTensor(init.W)));
    this.b = tf.tidy(() => tf.variable(tf.scalar(init.b, 'float32')));
  }

  /**
   * `wasm (SIMD kernel, 2 threads)`, `cpu (JS kernel, 1 thread)`, `wasm (tfjs ops)`, and when the
   * kernel screened, `wasm (SIMD kernel, 2 threads, screened: 4.1% of samples read)` (per iteration, on average).
   */
  get compute(): string {
    if (!this.kernel) return `${this.backend} (tfjs ops)`;
    const threads = `${this.threads} thread${this.threads === 1 ? '' : 's'}`;
    const s = this.screened;
    const screened = !s || s.screened === 0 ? '' : `, screened: ${percent(s.read / s.summed)} of samples read`;
    return `${this.backend} (${this.kernel.name}, ${threads}${screened})`;
  }

  /** When the kernel screened the last samples loaded: the fraction of samples (× outputs) its calls read. */
  get readFraction(): number | undefined {
    const s = this.screened;
    return s && s.screened > 0 ? s.read / s.summed : undefined;
  }

  get screensChunks(): boolean {
    return this.kernel !== undefined && this.screen;
  }

  load(chunk: Chunk): unknown {
    this.usable();
    if (this.kernel) {
      const samples = this.kernel.load(chunk, this.screen);
      this.threads = this.kernel.threads(samples);
      this.screened = this.kernel.screening?.(samples);
      return samples;
    }
    return { x: toTensor(chunk.x), y: toTensor(chunk.y) } satisfies OpsSamples;
  }

  unload(samples: unknown): void {
    if (this.kernel) {
      const s = this.kernel.screening?.(samples);
      this.screened = s && { ...s };
      return this.kernel.unload(samples);
    }
    tf.dispose([(samples as OpsSamples).x, (samples as OpsSamples).y]);
  }

  sums(samples: unknown, gradient: Gradient, track: Track, trace = false): TensorSums {
    if (this.kernel) {
      if (trace) throw new InputError('tracing a tfjs backend needs ', option('kernels'), ' ops: the traced values are those its ops compute');
      return this.kernel.sums(samples, this.W, this.b, gradient === 'logistic', track);
    }
    const { x, y } = samples as OpsSamples;
    return tf.tidy((): Record<string, tf.Tensor> => {
      // z = Wᵀ·x + b;  s = sigmoid(z);  y_pred = (s >= 0.5)
      const needZ = track === 'loss' || trace || !FUSED_SIGMOID.has(this.backend);
      const z = needZ ? this.z(x) : undefined;
      const s = z ? tf.sigmoid(z) : this.fusedS(x);
      const yPred = threshold(s);
      // e = y_pred − y  (the logistic gradient: s − y)
      const e = tf.sub(gradient === 'logistic' ? s : yPred, y);
      const sums = { xe: tf.matMul(x, e, false, true), sumE: tf.sum(e), ...(trace && { z: z!, s, y_pred: yPred, e }) };
      if (!track) return sums;
      const errors = tf.sum(tf.cast(tf.notEqual(yPred, y), 'float32'));
      return { ...sums, errors, ...(track === 'loss' && { loss: logisticLoss(z!, y) }) };
    }) as unknown as TensorSums;
  }

  add(total: TensorSums, part: TensorSums): TensorSums {
    const sum = tf.tidy((): Record<string, tf.Tensor> => ({
      xe: tf.add(total.xe, part.xe),
      sumE: tf.add(total.sumE, part.sumE),
      ...(total.errors && part.errors && { errors: tf.add(total.errors, part.errors) }),
      ...(total.loss && part.loss && { loss: tf.add(total.loss, part.loss) }),
    })) as unknown as TensorSums;
    this.free(total);
    this.free(part);
    return sum;
  }

  traced(sums: TensorSums): Forward & { xe: Matrix; sumE: number } {
    const read = (t: tf.Tensor2D) => matrix(t.shape[0], t.shape[1], Float64Array.from(t.dataSync()));
    return { z: read(sums.z!), s: read(sums.s!), y_pred: read(sums.y_pred!), e: read(sums.e!), xe: read(sums.xe), sumE: sums.sumE.dataSync()[0] };
  }

  stats(sums: TensorSums): ErrorsAndLoss {
    return { errors: sums.errors!.dataSync()[0], loss: sums.loss ? sums.loss.dataSync()[0] : NaN };
  }

  update(sums: TensorSums, a: number, m: number): void {
    if (this.kernel?.update) return this.kernel.update(this.W, this.b, sums, a, m);
    tf.tidy(() => {
      // dW = x·eᵀ / m;  db = sum(e) / m;  W = W − a·dW;  b = b − a·db
      const dW = tf.div(sums.xe, m);
      const db = tf.div(sums.sumE, m);
      this.W.assign(tf.sub(this.W, tf.mul(a, dW)));
      this.b.assign(tf.sub(this.b, tf.mul(a, db)));
    });
  }

  free(sums: TensorSums): void {
    tf.dispose(Object.values(sums) as tf.Tensor[]);
  }

  predict(xData: Matrix): Matrix {
    this.usable(xData);
    return this.read(xData, (x) => threshold(tf.sigmoid(this.z(x))));
  }

  predictProba(xData: Matrix): Matrix {
    this.usable(xData);
    return this.read(xData, (x) => tf.sigmoid(this.z(x)));
  }

  weights(): Matrix {
    this.usable();
    return matrix(this.features, this.outputs, Float64Array.from(this.W.dataSync()));
  }

  bias(): number {
    this.usable();
    return this.b.dataSync()[0];
  }

  assign(W: Matrix, b: number): void {
    this.usable(undefined, W);
    tf.tidy(() => {
      this.W.assign(toTensor(W));
      this.b.assign(tf.scalar(b, 'float32'));
    });
  }

  disposed = false;

  /** Not disposed, its shapes kept, and its backend still the one tfjs runs (useBackend may have moved it: its tensors are elsewhere). */
  private usable(x?: Matrix, W?: Matrix): void {
    checkUse(this, x, W);
    const active = tf.engine().backendName as string | undefined;
    if (active !== this.backend) {
      throw new InputError(`the network computes on ${this.backend}, but tfjs now runs ${active}; await useBackend("${this.backend}") again before using it`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.W.dispose();
    this.b.dispose();
    this.disposed = true;
  }

  /**
   * s = sigmoid(Wᵀ·x + b) as one tfjs op, `tf.fused.matMul` with the bias and the activation: on
   * cpu it gives exactly the separate ops' values (tested) with two ops fewer an iteration.
   */
  private fusedS(x: tf.Tensor2D): tf.Tensor2D {
    return tf.fused.matMul({ a: this.W, b: x, transposeA: true, bias: this.b, activation: 'sigmoid' }) as tf.Tensor2D;
  }

  /** z = Wᵀ·x + b */
  private z(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(this.W, x, true, false), this.b);
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

/** A fraction as a percentage, to 2 significant digits (at least 1 decimal): 4.1%, 0.52%, 100%. */
export function percent(f: number): string {
  const p = 100 * f;
  return `${p >= 10 ? p.toFixed(1).replace(/\.0$/, '') : p.toPrecision(2)}%`;
}

/** The summed logistic loss, in a form stable for large |z|: max(z, 0) − z·y + log(1 + e^−|z|). */
function logisticLoss(z: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.sum(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
}

/**
 * Backends whose `tf.fused.matMul` with bias and sigmoid equals matMul, add and sigmoid to the
 * bit: cpu (checked on 50,000 values; tested). tfjs-wasm's refuses a scalar bias, and tensorflow's
 * is untested here, so they run the separate ops.
 */
const FUSED_SIGMOID = new Set<TensorBackend>(['cpu']);

/** y_pred = (s >= 0.5) as 0/1 floats: sigmoid, then the article's threshold (s is exactly 0.5 at ties). */
function threshold(s: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.greaterEqual(s, 0.5), 'float32') as tf.Tensor2D;
}
