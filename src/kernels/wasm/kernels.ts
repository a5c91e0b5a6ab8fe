import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../../data/source';
import type { Track } from '../../network/network';
import type { FusedKernel, TensorSums } from '../kernel';
import { bindSamples, kernelThreads, releaseSamples, sums, type BoundSamples } from './simd';

/**
 * The article's sums as a kernel of tfjs-backend-wasm, written as its own kernels are: WebAssembly
 * (here with SIMD, from `assembly/article.ts`) over memory it reads in place, output by
 * `backend.makeOutput`.
 *
 * `ArticleSumsShared` — inputs {W, b}, attrs {samples, logistic, track (false, 'errors' or 'loss')};
 * outputs [x·eᵀ (features×outputs), sum(e), errors, loss]: the errors always, the loss with 'loss'. `samples` names x and y bound in the kernel's own
 * shared WebAssembly memory (see `simd.ts`): tfjs's wasm heap is not shared under Node, so x lives
 * where every core can read it, once, and each iteration reads it in place. The update stays with
 * tfjs's own (WebAssembly) ops: it touches features×outputs values.
 */
export const ARTICLE_SUMS_SHARED = 'ArticleSumsShared';

interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset: undefined, values: Float32Array): tf.TensorInfo;
}

/** Samples bound for the kernel, by the id its attrs carry (attrs are plain data). */
const bound = new Map<number, WasmSamples>();
let nextId = 1;

const articleSumsShared: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackend;
  const { W, b } = inputs as Record<'W' | 'b', tf.TensorInfo>;
  const { samples, logistic, track } = attrs as unknown as { samples: number; logistic: boolean; track: Track };
  const s = bound.get(samples);
  if (!s) throw new Error(`${ARTICLE_SUMS_SHARED}: no samples bound as ${samples}`);
  const screen = s.screening !== undefined && !logistic;
  // views on tfjs's heap are read before any output is made (making one may grow, and so move, the heap)
  const out = sums(s.data, wasm.typedArrayFromHeap(W).slice(), wasm.typedArrayFromHeap(b)[0], logistic, track === 'loss', { screen });
  if (screen) {
    s.screening!.read += out.read;
    s.screening!.summed += s.data.m * s.data.outputs;
    if (out.screened) s.screening!.screened++;
  }
  const scalar = (v: number) => wasm.makeOutput([], 'float32', undefined, Float32Array.of(v));
  return [wasm.makeOutput([...W.shape], 'float32', undefined, Float32Array.from(out.xe)), scalar(out.sumE), scalar(out.errors), scalar(out.loss)];
};

if (!tf.getKernel(ARTICLE_SUMS_SHARED, 'wasm')) {
  tf.registerKernel({ kernelName: ARTICLE_SUMS_SHARED, backendName: 'wasm', kernelFunc: articleSumsShared });
}

interface WasmSamples {
  readonly id: number;
  readonly data: BoundSamples;
  /** When screened (see `simd.ts`): the samples (× outputs) its calls read, and summed. */
  readonly screening?: { read: number; summed: number; screened: number };
}

/** The wasm backend's fused kernel, for `TensorNetwork`. */
export const wasmKernel: FusedKernel<WasmSamples> = {
  name: 'SIMD kernel',
  load: ({ x, y }: Chunk, screen) => {
    const data = bindSamples(x.data, y.data, x.rows, y.rows, x.cols);
    const samples: WasmSamples = { id: nextId++, data, ...(screen && { screening: { read: 0, summed: 0, screened: 0 } }) };
    bound.set(samples.id, samples);
    return samples;
  },
  unload: ({ id, data }) => {
    bound.delete(id);
    releaseSamples(data);
  },
  threads: ({ data }) => kernelThreads(data),
  screening: ({ screening }) => screening,
  sums: ({ id }, W, b, logistic, track) => {
    const [xe, sumE, errors, loss] = tf.engine().runKernel(ARTICLE_SUMS_SHARED, { W, b }, { samples: id, logistic, track }) as tf.Tensor[];
    if (track === 'loss') return { xe, sumE, errors, loss } as TensorSums;
    tf.dispose(track ? [loss] : [errors, loss]);
    return (track ? { xe, sumE, errors } : { xe, sumE }) as TensorSums;
  },
};
