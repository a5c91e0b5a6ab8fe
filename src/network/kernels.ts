import * as tf from '@tensorflow/tfjs-core';
import { runPass, sumsLength } from './fused';
import type { SamplePool } from './pool';

/**
 * Fused kernels for the article's iteration, registered with `tf.registerKernel` for the cpu and
 * wasm backends. They read the tensors where the backend keeps them (the cpu backend's typed
 * arrays, the wasm heap) and make one pass over x per iteration, instead of tfjs's separate
 * matMul, add, sigmoid, threshold, sub, matMul and sum, each of which writes a tensor of m values.
 * Their arithmetic rounds to float32 where tfjs's ops store float32 (z, s, e, the sums, the update).
 */

/** inputs {x, y, W, b}; attrs {logistic, track, pool?}; out: one chunk's sums, float32 [x·eᵀ…, sum(e), errors, loss]. */
export const ARTICLE_SUMS = 'ArticleSums';
/** inputs {W, b, sums}; attrs {a, m}; out: [W − a·dW, b − a·db] with dW = x·eᵀ / m, db = sum(e) / m. */
export const ARTICLE_UPDATE = 'ArticleUpdate';

export const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

/** Where a backend keeps a float32 tensor's values, and how it makes an output from values. */
interface Memory {
  values(t: tf.TensorInfo): Float32Array;
  output(shape: number[], values: Float32Array): tf.TensorInfo;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset: undefined, values: Float32Array): tf.TensorInfo;
}

function memoryOf(backendName: string, backend: unknown): Memory {
  if (backendName === 'cpu') {
    const cpu = backend as CpuBackend;
    return {
      values: (t) => cpu.data.get(t.dataId).values,
      output: (shape, values) => cpu.makeTensorInfo(shape, 'float32', values),
    };
  }
  // wasm: views on the heap are taken before, and outputs made after, the pass (an allocation may move the heap)
  const wasm = backend as WasmBackend;
  return {
    values: (t) => wasm.typedArrayFromHeap(t),
    output: (shape, values) => wasm.makeOutput(shape, 'float32', undefined, values),
  };
}

function sumsKernel(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, y, W, b } = inputs as Record<'x' | 'y' | 'W' | 'b', tf.TensorInfo>;
    const { logistic, track, pool } = attrs as unknown as { logistic: boolean; track: boolean; pool?: SamplePool };
    const memory = memoryOf(backendName, backend);
    const [features, m] = x.shape;
    const outputs = y.shape[0];
    const out = new Float64Array(sumsLength(features, outputs));
    const job = { W: memory.values(W), b: memory.values(b)[0], logistic, track, float32: true };
    if (pool) pool.run(job, out);
    else runPass({ ...job, x: memory.values(x), y: memory.values(y), m, features, outputs, start: 0, end: m }, out);
    return memory.output([out.length], Float32Array.from(out));
  };
}

function updateKernel(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { W, b, sums } = inputs as Record<'W' | 'b' | 'sums', tf.TensorInfo>;
    const { a, m } = attrs as { a: number; m: number };
    const memory = memoryOf(backendName, backend);
    const [Wv, bv, sv] = [memory.values(W), memory.values(b), memory.values(sums)];
    // float32 at each step, as tfjs's div, mul and sub: W − a·(x·eᵀ / m)
    const [a32, m32] = [Math.fround(a), Math.fround(m)];
    const step = (value: number, sum: number) => Math.fround(value - Math.fround(a32 * Math.fround(sum / m32)));
    const Wn = Wv.map((w, i) => step(w, sv[i]));
    const bn = Float32Array.of(step(bv[0], sv[Wv.length]));
    return [memory.output(W.shape, Wn), memory.output([], bn)];
  };
}

/** Registers the fused kernels for cpu and wasm (done when this module loads; again after an unregister). */
export function registerFusedKernels(): void {
  for (const backendName of FUSED_BACKENDS) {
    if (!tf.getKernel(ARTICLE_SUMS, backendName)) {
      tf.registerKernel({ kernelName: ARTICLE_SUMS, backendName, kernelFunc: sumsKernel(backendName) });
    }
    if (!tf.getKernel(ARTICLE_UPDATE, backendName)) {
      tf.registerKernel({ kernelName: ARTICLE_UPDATE, backendName, kernelFunc: updateKernel(backendName) });
    }
  }
}

registerFusedKernels();

/** Whether the fused kernels run on this backend. */
export function hasFusedKernels(backendName: string): boolean {
  return tf.getKernel(ARTICLE_SUMS, backendName) !== undefined;
}

/**
 * The typed array behind a tensor on the cpu backend when it is in shared memory (a worker pool
 * can read it without a copy); otherwise undefined.
 */
export function sharedValues(t: tf.Tensor): Float32Array | undefined {
  if (tf.getBackend() !== 'cpu') return undefined;
  const values = memoryOf('cpu', tf.backend()).values(t);
  return values.buffer instanceof SharedArrayBuffer ? values : undefined;
}
