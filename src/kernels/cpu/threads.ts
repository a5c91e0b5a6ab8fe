import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fusedPass, scratch, sumsLength, type Pass } from './pass';

/** Below this many values of x (features × samples) a pass is not worth splitting across threads. */
export const PARALLEL_MIN_VALUES = 1 << 18;

/** Extra threads a pool starts: one per core beyond the caller's own. */
export function spareCores(): number {
  return Math.max(0, Math.min(availableParallelism(), 8) - 1);
}

/** Typed arrays over shared memory, which worker threads can read without a copy. */
export function isShared(a: Float32Array | Float64Array): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

const PENDING = 0;
const DONE = 1;
const FAILED = 2;
const MESSAGE_BYTES = 1024;

// The worker runs fusedPass from its own source text (it is self-contained), so no TypeScript
// loader is needed in the worker and it costs a few MB, not ts-node's.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const source = 'return ' + ${JSON.stringify(fusedPass.toString())};
const buffers = { zb: new Float64Array(128), eb: new Float64Array(128), wrongAt: new Int32Array(128) };
const fusedPass = new Function(source)();
const { status, message } = workerData;
let data;
parentPort.on('message', (job) => {
  if (job.type === 'bind') return void (data = job);
  if (job.type === 'release') return void (data = undefined);
  try {
    job.out.fill(0);
    const pass = { ...data, ...job };
    fusedPass(pass, job.out, buffers);
    Atomics.store(status, job.slot, ${DONE});
  } catch (err) {
    const text = new TextEncoder().encode(String(err && err.stack || err)).subarray(0, ${MESSAGE_BYTES});
    message.fill(0);
    message.set(text);
    Atomics.store(status, job.slot, ${FAILED});
  }
  Atomics.notify(status, job.slot);
});
`;

/**
 * Worker threads that run {@link fusedPass} on parts of the samples while the caller runs its own
 * part, synchronously: the caller blocks in `Atomics.wait` until every part is summed.
 * x and y must be in shared memory. The workers are unref'd, so they never keep the process alive;
 * `dispose()` ends them.
 */
export class SamplePool {
  private readonly workers: Worker[];
  private readonly status: Int32Array;
  private readonly message: Uint8Array;
  private readonly outs: Float64Array[] = [];
  private readonly buffers = scratch();
  private bound?: Pick<Pass, 'x' | 'y' | 'm' | 'features' | 'outputs'>;

  constructor(threads: number) {
    this.status = new Int32Array(new SharedArrayBuffer(4 * threads));
    this.message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // not the parent's flags: `-r ts-node/register` would load a TypeScript compiler into it (~50 MB)
        execArgv: [],
        workerData: { status: this.status, message: this.message },
        // it allocates next to nothing: a small heap keeps its memory small
        resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
      });
      worker.unref();
      return worker;
    });
  }

  /** The x (and y) the workers hold now, if any. */
  get boundTo(): Pick<Pass, 'x' | 'y'> | undefined {
    return this.bound;
  }

  /** Hands the workers x and y (shared memory) for the following {@link run}s. */
  bind(data: Pick<Pass, 'x' | 'y' | 'm' | 'features' | 'outputs'>): void {
    if (!isShared(data.x) || !isShared(data.y)) throw new Error('SamplePool.bind: x and y must be in shared memory');
    this.bound = data;
    const length = sumsLength(data.features, data.outputs);
    for (let t = 0; t < this.workers.length; t++) {
      if (this.outs[t]?.length !== length) this.outs[t] = new Float64Array(new SharedArrayBuffer(8 * length));
    }
    for (const worker of this.workers) worker.postMessage({ type: 'bind', ...data });
  }

  /** Lets the workers drop x and y. */
  release(): void {
    this.bound = undefined;
    for (const worker of this.workers) worker.postMessage({ type: 'release' });
  }

  /**
   * Adds the bound samples' x·eᵀ, sum(e), errors, loss and samples read into `out`, as {@link fusedPass} does,
   * with the samples split among this thread and the workers (so the sums' order differs from one pass).
   */
  run(job: Pick<Pass, 'W' | 'b' | 'logistic' | 'track' | 'screen'>, out: Float64Array): void {
    const data = this.bound;
    if (!data) throw new Error('SamplePool.run before bind');
    const parts = this.workers.length + 1;
    // screened, each part starts at a block of 128 (the blocks' state is per block); its arrays are shared
    const per = job.screen ? Math.ceil(data.m / parts / 128) * 128 : Math.ceil(data.m / parts);
    const W = Float32Array.from(job.W);
    for (let t = 0; t < this.workers.length; t++) {
      Atomics.store(this.status, t, PENDING);
      const start = Math.min(data.m, (t + 1) * per);
      const end = Math.min(data.m, start + per);
      this.workers[t].postMessage({ type: 'run', ...job, W, start, end, slot: t, out: this.outs[t] });
    }
    fusedPass({ ...data, ...job, start: 0, end: Math.min(data.m, per) }, out, this.buffers);
    for (let t = 0; t < this.workers.length; t++) {
      this.wait(t);
      const part = this.outs[t];
      for (let i = 0; i < part.length; i++) out[i] += part[i];
    }
  }

  dispose(): void {
    this.bound = undefined;
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }

  private wait(t: number): void {
    while (Atomics.load(this.status, t) === PENDING) {
      Atomics.wait(this.status, t, PENDING, 100);
      if (Atomics.load(this.status, t) === PENDING && this.workers[t].threadId === -1) {
        throw new Error('a training worker thread exited');
      }
    }
    if (Atomics.load(this.status, t) === FAILED) {
      const text = new TextDecoder().decode(this.message.slice()).replace(/\0+$/, '');
      throw new Error(`a training worker thread failed: ${text}`);
    }
  }
}
