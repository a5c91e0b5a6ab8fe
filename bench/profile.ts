import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/backend';
import type { Matrix } from '../src/matrix';

/** One tfjs kernel's part of a profiled run: how often it ran, its total time, and its share of all kernels' time. */
export interface KernelTime {
  readonly kernel: string;
  readonly calls: number;
  /** Total kernelTimeMs over its calls, as tfjs measures it. */
  readonly ms: number;
  /** ms over the sum of all kernels' ms (the shares add up to 1). */
  readonly share: number;
}

/** A matrix's values as a Float32Array (tfjs takes no Float64Array): float32 data as it is, float64 data converted. */
function float32(m: Matrix): Float32Array {
  const values = m.data.subarray(0, m.rows * m.cols);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** The article's learning rate, as in the benchmark. */
const A = 0.1;

/**
 * Where the time goes in the article's update written with tfjs ops: activates `backend`, makes x
 * (features×samples) and y (outputs×samples) float32 tensors, W = zeros (features×outputs) and b = 0,
 * runs `iterations` iterations of
 *
 *   z = Wᵀ·x + b; s = sigmoid(z); y_pred = float(s >= 0.5); e = y_pred − y;
 *   dW = x·eᵀ / m; db = sum(e) / m; W = W − a·dW; b = b − a·db   (a = 0.1)
 *
 * under tf.profile, and sums the kernels' times by kernel name, largest first. Leaves no tensors behind.
 * The times are tfjs's kernelTimeMs: each kernel's own run, without the ops' bookkeeping between them.
 */
export async function profileOps(backend: 'cpu' | 'wasm', x: Matrix, y: Matrix, iterations: number): Promise<KernelTime[]> {
  if (x.cols !== y.cols) throw new Error(`profileOps: x has ${x.cols} samples (columns) but y has ${y.cols}`);
  if (x.rows < 1 || y.rows < 1 || x.cols < 1) throw new Error('profileOps: x and y must not be empty');
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`profileOps: iterations must be a whole number ≥ 0, not ${iterations}`);
  await useBackend(backend);
  const m = x.cols;
  const xs = tf.tensor2d(float32(x), [x.rows, x.cols], 'float32');
  const ys = tf.tensor2d(float32(y), [y.rows, y.cols], 'float32');
  let W: tf.Tensor2D = tf.zeros([x.rows, y.rows], 'float32');
  let b: tf.Scalar = tf.scalar(0, 'float32');
  try {
    const info = await tf.profile(() => {
      for (let i = 0; i < iterations; i++) {
        const [nextW, nextB] = tf.tidy((): [tf.Tensor2D, tf.Scalar] => {
          const z = tf.add(tf.matMul(W, xs, true, false), b);
          const s = tf.sigmoid(z);
          const yPred = tf.cast(tf.greaterEqual(s, 0.5), 'float32');
          const e = tf.sub(yPred, ys);
          const dW = tf.div(tf.matMul(xs, e, false, true), m);
          const db = tf.div(tf.sum(e), m);
          return [tf.sub(W, tf.mul(A, dW)), tf.sub(b, tf.mul(A, db))];
        });
        W.dispose();
        b.dispose();
        W = nextW;
        b = nextB;
      }
    });
    const totals = new Map<string, { calls: number; ms: number }>();
    for (const kernel of info.kernels) {
      const time = await kernel.kernelTimeMs;
      if (typeof time !== 'number') throw new Error(`profileOps: tfjs could not time ${kernel.name} on ${backend}: ${time.error}`);
      const total = totals.get(kernel.name) ?? { calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += time;
      totals.set(kernel.name, total);
    }
    const sum = [...totals.values()].reduce((s, t) => s + t.ms, 0);
    return [...totals]
      .map(([kernel, t]) => ({ kernel, calls: t.calls, ms: t.ms, share: sum > 0 ? t.ms / sum : 1 / totals.size }))
      .sort((p, q) => q.ms - p.ms || p.kernel.localeCompare(q.kernel));
  } finally {
    xs.dispose();
    ys.dispose();
    W.dispose();
    b.dispose();
  }
}
