import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../../data/source';
import type { Track } from '../../network/network';
import { toTensor, type FusedKernel, type TensorSums } from '../kernel';
import { fusedPass, sumsLength } from './pass';
import { isShared, PARALLEL_MIN_VALUES, SamplePool, spareCores } from './threads';

/**
 * The article's iteration as two kernels of tfjs-backend-cpu, written as its own kernels are:
 * JavaScript over the typed arrays the backend keeps (`backend.data.get(dataId).values`), output
 * by `backend.makeTensorInfo`, attrs plain data.
 *
 * `ArticleSums` — inputs {x, y, W, b}, attrs {logistic, track (false, 'errors' or 'loss')}; outputs
 * [x·eᵀ (features×outputs), sum(e), errors, loss]: one pass over x (see `pass.ts`), split across every core when x is large and
 * in shared memory (the threads are the kernel's own business).
 * `ArticleUpdate` — inputs {W, b, xe, sumE}, attrs {a, m}; outputs [W − a·dW, b − a·db] with
 * dW = xe / m and db = sumE / m, each step rounded to float32 as tfjs's div, mul and sub do.
 */
export const ARTICLE_SUMS = 'ArticleSums';
export const ARTICLE_UPDATE = 'ArticleUpdate';

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

let pool: SamplePool | undefined;

/** Whether a pass over x uses the worker threads: x large and in shared memory, and a spare core. */
function parallel(x: Float32Array, y: Float32Array): boolean {
  return x.length >= PARALLEL_MIN_VALUES && spareCores() > 0 && isShared(x) && isShared(y);
}

const articleSums: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const { x, y, W, b } = inputs as Record<'x' | 'y' | 'W' | 'b', tf.TensorInfo>;
  const { logistic, track } = attrs as unknown as { logistic: boolean; track: Track };
  const values = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values;
  const [features, m] = x.shape;
  const outputs = y.shape[0];
  const [xv, yv] = [values(x), values(y)];
  const out = new Float64Array(sumsLength(features, outputs));
  const job = { W: values(W), b: values(b)[0], logistic, track };
  if (parallel(xv, yv)) {
    pool ??= new SamplePool(spareCores());
    if (pool.boundTo?.x !== xv || pool.boundTo?.y !== yv) pool.bind({ x: xv, y: yv, m, features, outputs });
    pool.run(job, out);
  } else {
    fusedPass({ ...job, x: xv, y: yv, m, features, outputs, start: 0, end: m }, out);
  }
  const at = features * outputs;
  const scalar = (v: number) => cpu.makeTensorInfo([], 'float32', Float32Array.of(v));
  return [
    cpu.makeTensorInfo([features, outputs], 'float32', Float32Array.from(out.subarray(0, at))),
    scalar(out[at]),
    scalar(out[at + 1]),
    scalar(out[at + 2]),
  ];
};

const articleUpdate: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const { W, b, xe, sumE } = inputs as Record<'W' | 'b' | 'xe' | 'sumE', tf.TensorInfo>;
  const { a, m } = attrs as { a: number; m: number };
  const values = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values;
  // float32 at each step, as tfjs's div, mul and sub: W − a·(x·eᵀ / m)
  const [a32, m32] = [Math.fround(a), Math.fround(m)];
  const step = (value: number, sum: number) => Math.fround(value - Math.fround(a32 * Math.fround(sum / m32)));
  const xev = values(xe);
  const Wn = values(W).map((w, i) => step(w, xev[i]));
  const bn = Float32Array.of(step(values(b)[0], values(sumE)[0]));
  return [cpu.makeTensorInfo(W.shape, 'float32', Wn), cpu.makeTensorInfo([], 'float32', bn)];
};

for (const [kernelName, kernelFunc] of [
  [ARTICLE_SUMS, articleSums],
  [ARTICLE_UPDATE, articleUpdate],
] as const) {
  if (!tf.getKernel(kernelName, 'cpu')) tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc });
}

/** Ends the cpu kernel's worker threads (they are unref'd, so they never keep the process alive). */
export function disposeCpuThreads(): void {
  pool?.dispose();
  pool = undefined;
}

interface CpuSamples {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
}

/** The cpu backend's fused kernel, for `TensorNetwork`. */
export const cpuKernel: FusedKernel<CpuSamples> = {
  name: 'JS kernel',
  load: (chunk: Chunk) => ({ x: toTensor(chunk.x), y: toTensor(chunk.y) }),
  unload: ({ x, y }) => tf.dispose([x, y]),
  threads: ({ x, y }) => {
    const values = (t: tf.Tensor) => (tf.backend() as unknown as CpuBackend).data.get(t.dataId).values;
    return parallel(values(x), values(y)) ? spareCores() + 1 : 1;
  },
  sums: ({ x, y }, W, b, logistic, track) => {
    const [xe, sumE, errors, loss] = tf.engine().runKernel(ARTICLE_SUMS, { x, y, W, b }, { logistic, track }) as tf.Tensor[];
    if (track === 'loss') return { xe, sumE, errors, loss } as TensorSums;
    tf.dispose(track ? [loss] : [errors, loss]);
    return (track ? { xe, sumE, errors } : { xe, sumE }) as TensorSums;
  },
  update: (W, b, { xe, sumE }, a, m) => {
    const [Wn, bn] = tf.engine().runKernel(ARTICLE_UPDATE, { W, b, xe, sumE }, { a, m }) as tf.Tensor[];
    W.assign(Wn as tf.Tensor2D);
    b.assign(bn as tf.Scalar);
    tf.dispose([Wn, bn]);
  },
};
