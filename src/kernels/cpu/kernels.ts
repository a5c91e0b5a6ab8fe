import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../../data/source';
import type { Track } from '../../network/network';
import { toTensor, type FusedKernel, type TensorSums } from '../kernel';
import { afterScreened, HISTORY, newHistory, refFor, type ScreenHistory } from '../screen';
import { fusedPass, sumsLength, type PassScreen } from './pass';
import { isShared, PARALLEL_MIN_VALUES, SamplePool, spareCores } from './threads';

/**
 * The article's iteration as two kernels of tfjs-backend-cpu, written as its own kernels are:
 * JavaScript over the typed arrays the backend keeps (`backend.data.get(dataId).values`), output
 * by `backend.makeTensorInfo`, attrs plain data.
 *
 * `ArticleSums` — inputs {x, y, W, b}, attrs {logistic, track (false, 'errors' or 'loss'), screen (the id of
 * the samples' screening state, or 0: see {@link CpuScreen})}; outputs
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

/**
 * Screening's state of samples loaded to be screened (as the wasm kernel's, `../wasm/simd.ts`): what
 * the calls read and, from the second call on, the refs and, per output and block of 128 samples, the
 * ref and ρ, 1/n_j per sample and the bound per ref, in shared memory for the threads. The first call
 * is unscreened (it would read every sample anyway) and makes none of it, so samples loaded for one
 * pass (a chunk of a chunked run) cost what they did.
 */
interface CpuScreen {
  /** Made at the second call. */
  arrays?: ScreenArrays;
  calls: number;
  /** Samples (× outputs) read, and summed, by the calls so far. */
  read: number;
  summed: number;
  /** Calls that screened. */
  screened: number;
}

interface ScreenArrays {
  readonly history: ScreenHistory;
  readonly blocks: number;
  readonly ref: Int32Array;
  readonly rho: Float64Array;
  readonly dist: Float64Array;
  /** 1/n_j per sample, 0 until a pass needs a block's (see PassScreen). */
  readonly invn: Float64Array;
}

const screens = new Map<number, CpuScreen>();
let nextId = 1;

function sharedOf<T extends Int32Array | Float64Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Type.BYTES_PER_ELEMENT * length));
}

function newArrays(m: number, outputs: number): ScreenArrays {
  const blocks = Math.ceil(m / 128);
  const arrays: ScreenArrays = {
    history: newHistory(),
    blocks,
    ref: sharedOf(Int32Array, outputs * blocks),
    rho: sharedOf(Float64Array, outputs * blocks),
    dist: sharedOf(Float64Array, HISTORY * outputs),
    invn: sharedOf(Float64Array, m),
  };
  forget(arrays);
  return arrays;
}

/** Every block to be read at the next screened call (ρ = −1), and no history. */
function forget(arrays: ScreenArrays): void {
  arrays.ref.fill(0);
  arrays.rho.fill(-1);
  arrays.history.refs = [];
}

/** Whether a pass over x uses the worker threads: x large and in shared memory, and a spare core. */
function parallel(x: Float32Array, y: Float32Array): boolean {
  return x.length >= PARALLEL_MIN_VALUES && spareCores() > 0 && isShared(x) && isShared(y);
}

const articleSums: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const { x, y, W, b } = inputs as Record<'x' | 'y' | 'W' | 'b', tf.TensorInfo>;
  const { logistic, track, screen: id } = attrs as unknown as { logistic: boolean; track: Track; screen: number };
  const values = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values;
  const [features, m] = x.shape;
  const outputs = y.shape[0];
  const [xv, yv] = [values(x), values(y)];
  const out = new Float64Array(sumsLength(features, outputs));
  const state = id === 0 || logistic ? undefined : screens.get(id);
  let screen: PassScreen | undefined;
  if (state && state.calls++ > 0) {
    const arrays = (state.arrays ??= newArrays(m, outputs));
    if (arrays.history.skip > 0 && track !== 'loss') arrays.history.skip--;
    else {
      const now = refFor(arrays.history, values(W), values(b)[0], features, outputs, arrays.dist, () => forget(arrays));
      const { ref, rho, blocks, dist, invn } = arrays;
      screen = { ref, rho, blocks, now, dist, invn };
    }
  }
  const job = { W: values(W), b: values(b)[0], logistic, track, ...(screen && { screen }) };
  if (parallel(xv, yv)) {
    pool ??= new SamplePool(spareCores());
    if (pool.boundTo?.x !== xv || pool.boundTo?.y !== yv) pool.bind({ x: xv, y: yv, m, features, outputs });
    pool.run(job, out);
  } else {
    fusedPass({ ...job, x: xv, y: yv, m, features, outputs, start: 0, end: m }, out);
  }
  const at = features * outputs;
  if (state) {
    state.read += out[at + 3];
    state.summed += m * outputs;
  }
  if (screen) {
    state!.screened++;
    if (track !== 'loss') afterScreened(state!.arrays!.history, out[at + 3] / (m * outputs));
  }
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
  /** The id of its screening state in {@link screens}, or 0. */
  readonly screen: number;
}

/** The cpu backend's fused kernel, for `TensorNetwork`. */
export const cpuKernel: FusedKernel<CpuSamples> = {
  name: 'JS kernel',
  load: (chunk: Chunk, screen) => {
    const id = screen ? nextId++ : 0;
    if (screen) screens.set(id, { calls: 0, read: 0, summed: 0, screened: 0 });
    return { x: toTensor(chunk.x), y: toTensor(chunk.y), screen: id };
  },
  unload: ({ x, y, screen }) => {
    screens.delete(screen);
    tf.dispose([x, y]);
  },
  // the state itself: what its calls read so far, as they go
  screening: ({ screen }) => screens.get(screen),
  threads: ({ x, y }) => {
    const values = (t: tf.Tensor) => (tf.backend() as unknown as CpuBackend).data.get(t.dataId).values;
    return parallel(values(x), values(y)) ? spareCores() + 1 : 1;
  },
  sums: ({ x, y, screen }, W, b, logistic, track) => {
    const [xe, sumE, errors, loss] = tf.engine().runKernel(ARTICLE_SUMS, { x, y, W, b }, { logistic, track, screen }) as tf.Tensor[];
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
