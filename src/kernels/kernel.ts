import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../data/source';
import type { Matrix } from '../matrix';
import type { Track } from '../network/network';

/** One chunk's sums as tensors: x·eᵀ (features×outputs), sum(e), and the errors and summed loss when tracked. */
export interface TensorSums {
  readonly xe: tf.Tensor2D;
  readonly sumE: tf.Scalar;
  readonly errors?: tf.Scalar;
  readonly loss?: tf.Scalar;
  /** When traced: the forward pass's tensors (outputs×samples). */
  readonly z?: tf.Tensor2D;
  readonly s?: tf.Tensor2D;
  readonly y_pred?: tf.Tensor2D;
  readonly e?: tf.Tensor2D;
}

/**
 * A backend's fast path for the article's sums: a kernel registered with `tf.registerKernel`,
 * written the way that backend's own kernels are (cpu: JavaScript; wasm: WebAssembly SIMD).
 * `Samples` is a chunk made ready for it (where its threads can read x and y).
 */
export interface FusedKernel<Samples> {
  /** What computes: `JS kernel`, `SIMD kernel`. */
  readonly name: string;
  /** `screen`: skip, exactly, the samples whose predictions cannot have changed, where the kernel can. */
  load(chunk: Chunk, screen: boolean): Samples;
  unload(samples: Samples): void;
  /** How many threads a pass over these samples runs on. */
  threads(samples: Samples): number;
  /**
   * When the kernel screens these samples: samples (× outputs) read, and summed, by its calls so far,
   * and how many of the calls were screened (the first is not; nor are calls on a chunk loaded for one pass).
   */
  screening?(samples: Samples): { readonly read: number; readonly summed: number; readonly screened: number } | undefined;
  sums(samples: Samples, W: tf.Tensor2D, b: tf.Scalar, logistic: boolean, track: Track): TensorSums;
  /** The update, when the kernel fuses it too (otherwise tfjs's ops do it). */
  update?(W: tf.Variable<tf.Rank.R2>, b: tf.Variable<tf.Rank.R0>, sums: TensorSums, a: number, m: number): void;
}

/**
 * A float32 tensor of a matrix: tfjs computes in float32, so float64 data is rounded once, here.
 * On the cpu backend a large x goes to shared memory (without a copy when it is already there), where
 * the cpu kernel's threads read it in place: a cpu tensor wraps its array.
 */
export function toTensor(m: Matrix): tf.Tensor2D {
  let values = m.data;
  const shared = values.length >= 1 << 18 && tf.getBackend() === 'cpu';
  if (!(values instanceof Float32Array) || (shared && !(values.buffer instanceof SharedArrayBuffer))) {
    values = new Float32Array(shared ? new SharedArrayBuffer(4 * values.length) : new ArrayBuffer(4 * values.length));
    values.set(m.data);
  }
  return tf.tensor2d(values, [m.rows, m.cols], 'float32');
}
