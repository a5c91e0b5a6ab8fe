import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { allocateBytes, freeBytes, freeFloats, heapFloats, heapKernel, heapMemory, heapOffset } from './heap';
import { afterScreened, HISTORY, newHistory, refFor, type ScreenHistory } from '../screen';
import { articleModule } from './module';

/**
 * The article's sums — x·eᵀ, sum(e), and the errors and loss — by the WebAssembly SIMD kernel
 * (`assembly/article.ts`) over samples in the kernel's shared heap (`heap.ts`), on this thread and,
 * for large calls, worker threads that instantiate the same module over the same memory.
 * Synchronous: the caller blocks until every part is summed.
 */

/** Below this many values of x (features × samples) a call runs on this thread only. */
export const PARALLEL_MIN_VALUES = 1 << 18;
/** Threads a call can use at most: this one and 7 workers. */
const MAX_THREADS = 8;
/** The kernel's block of samples: parts of a call split on it, so their blocks are one call's blocks. */
const BLOCK = 256;

/** Samples bound for {@link sums}: x (features×m) and y (outputs×m) as float32 in the heap. */
export interface BoundSamples {
  readonly features: number;
  readonly outputs: number;
  readonly m: number;
  /** x as the kernel reads it: the caller's array (a float32 view in the heap) or a copy. */
  readonly x: Float32Array;
  /** y as the kernel reads it, likewise. */
  readonly y: Float32Array;
}

/** One call's sums. */
export interface KernelSums {
  /** x·eᵀ, features×outputs, row-major. */
  readonly xe: Float64Array;
  readonly sumE: number;
  /** Samples (and outputs) where y_pred ≠ y: exact when screened too (a skipped block has none). */
  readonly errors: number;
  /** Σ max(z, 0) − z·y + log1p(exp(−|z|)); 0 unless `withLoss`. */
  readonly loss: number;
  /** Samples (times outputs) whose x the call read: all of them unless screened. */
  readonly read: number;
  /** Whether the call screened (a binding's first call, and a call in a backoff, do not). */
  readonly screened: boolean;
}

/** Which samples a call sums and on how many threads. */
export interface SumsOptions {
  /** The samples start ≤ j < end (default: all). */
  readonly start?: number;
  readonly end?: number;
  /** At most this many threads (default {@link kernelThreads}()); at most 8. */
  readonly threads?: number;
  /**
   * Skip, exactly, the blocks of samples whose predictions cannot have changed since they were
   * last read (see Screening in `assembly/article.ts`): the sums are the same. All the samples
   * only; not with `logistic` (its e is never 0). Calls `withLoss` read every block.
   */
  readonly screen?: boolean;
}

interface Binding {
  readonly xAt: number;
  readonly yAt: number;
  /** Arrays this binding copied into the heap. */
  readonly copies: Float32Array[];
  released: boolean;
  /**
   * Screening's state, made at the second call asking for it: the first is unscreened (screening's
   * first call reads every sample anyway, and pays for n_j and ρ), so a run of one iteration costs
   * what it did.
   */
  screen?: Screen;
  screenAsked: number;
}

const bindings = new WeakMap<BoundSamples, Binding>();

function inHeap(a: Float32Array | Float64Array, length: number, copies: Float32Array[]): Float32Array {
  if (a instanceof Float32Array && heapOffset(a) !== undefined) return a;
  const copy = heapFloats(length);
  copy.set(a);
  copies.push(copy);
  return copy;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * Binds x (features×m) and y (outputs×m), row-major, for {@link sums}: a Float32Array in the heap
 * (see `heapFloats`) is used in place, anything else is copied once into the heap as float32.
 * An array used in place must stay alive and unfreed until {@link releaseSamples} (if it is part of
 * a block from `heapFloats`, so must the view `heapFloats` returned: the block is freed with it).
 */
export function bindSamples(
  x: Float32Array | Float64Array, y: Float32Array | Float64Array, features: number, outputs: number, m: number,
): BoundSamples {
  if (!isCount(features) || !isCount(outputs) || !isCount(m) || features === 0 || outputs === 0) {
    throw new RangeError(`bindSamples: bad shape ${features} features × ${outputs} outputs × ${m} samples`);
  }
  if (x.length !== features * m) throw new RangeError(`bindSamples: x has ${x.length} values, not ${features}×${m}`);
  if (y.length !== outputs * m) throw new RangeError(`bindSamples: y has ${y.length} values, not ${outputs}×${m}`);
  const copies: Float32Array[] = [];
  const bound: BoundSamples = { features, outputs, m, x: inHeap(x, features * m, copies), y: inHeap(y, outputs * m, copies) };
  bindings.set(bound, { xAt: heapOffset(bound.x)!, yAt: heapOffset(bound.y)!, copies, released: false, screenAsked: 0 });
  return bound;
}

/** Frees the copies {@link bindSamples} made; the samples cannot be summed after. */
export function releaseSamples(bound: BoundSamples): void {
  const binding = bindings.get(bound);
  if (!binding || binding.released) return;
  binding.released = true;
  for (const copy of binding.copies) freeFloats(copy);
  binding.copies.length = 0;
  if (binding.screen) freeScreen(binding.screen);
  binding.screen = undefined;
}

/** Threads a call uses: on `bound`'s samples (all of them), or a large call's by default. */
export function kernelThreads(bound?: BoundSamples): number {
  if (bound && bound.features * bound.m < PARALLEL_MIN_VALUES) return 1;
  return Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

// ---- the parts' regions in the heap

/** A part's scratch and output in the heap, reused from call to call. */
interface Region {
  scratch: number;
  scratchBytes: number;
  out: number;
  outBytes: number;
}

const regions: Region[] = [];

function regionFor(part: number, scratchBytes: number, outBytes: number): Region {
  let r = regions[part];
  if (!r) r = regions[part] = { scratch: -1, scratchBytes: 0, out: -1, outBytes: 0 };
  if (r.scratchBytes < scratchBytes) {
    if (r.scratch >= 0) freeBytes(r.scratch);
    r.scratch = allocateBytes(scratchBytes);
    r.scratchBytes = scratchBytes;
  }
  if (r.outBytes < outBytes) {
    if (r.out >= 0) freeBytes(r.out);
    r.out = allocateBytes(outBytes);
    r.outBytes = outBytes;
  }
  return r;
}

/** W as float32 in the heap, reused from call to call. */
let weights = { at: -1, length: 0 };

function weightsInHeap(W: ArrayLike<number>): number {
  if (weights.length < W.length) {
    if (weights.at >= 0) freeBytes(weights.at);
    weights = { at: allocateBytes(4 * W.length), length: W.length };
  }
  new Float32Array(heapMemory().buffer, weights.at, W.length).set(W);
  return weights.at;
}

// ---- screening

/** A binding's screening state (the layout is the kernel's: see Screening in `assembly/article.ts`). */
interface Screen {
  /** Per output and block of 256 samples: ref (i32) and ρ (f32). */
  readonly state: number;
  readonly stateBytes: number;
  /** 1/‖(x_j, 1)‖₂ per sample, rounded down, as float32: written by the first screened call. */
  readonly invn: Float32Array;
  norms: boolean;
  /** The bound on |ẑ_now − ẑ_ref| / n_j per history entry and output (f64), written each call. */
  readonly dist: number;
  /** The refs, and when to stop screening for a while. */
  readonly history: ScreenHistory;
}

function newScreen(bound: BoundSamples): Screen {
  const { outputs: k, m } = bound;
  const stateBytes = 8 * k * Math.ceil(m / BLOCK);
  const state = allocateBytes(stateBytes);
  const invn = heapFloats(m);
  const screen: Screen = { state, stateBytes, invn, norms: false, dist: allocateBytes(8 * HISTORY * k), history: newHistory() };
  forget(screen);
  return screen;
}

/** Every block to be read at the next screened call (ρ = −1), and no history. */
function forget(screen: Screen): void {
  const refs = new Int32Array(heapMemory().buffer, screen.state, screen.stateBytes / 4);
  const rho = new Float32Array(heapMemory().buffer, screen.state, screen.stateBytes / 4);
  for (let i = 0; i < refs.length; i += 2) {
    refs[i] = 0;
    rho[i + 1] = -1;
  }
  screen.history.refs = [];
}

function freeScreen(screen: Screen): void {
  freeBytes(screen.state);
  freeBytes(screen.dist);
  freeFloats(screen.invn);
}

// ---- the workers

const PENDING = 0;
const DONE = 1;
const FAILED = 2;
const MESSAGE_BYTES = 1024;
/** How long a new worker may take to instantiate the module. */
const READY_MS = 60_000;

/** A job for a worker: the kernel's arguments, or (tests only) a way to fail. */
interface Job {
  readonly args: readonly number[];
  readonly fail?: 'throw' | 'exit';
}

// Plain JavaScript (no TypeScript loader in the workers): instantiate the module over the shared
// memory, say so, then run the jobs posted to it, each time setting the status word and waking the
// caller. Whatever ends a job or the worker early — an exception, process.exit — sets FAILED.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, status, message } = workerData;
const fail = (err) => {
  message.fill(0);
  message.set(new TextEncoder().encode(String((err && err.stack) || err)).subarray(0, message.length));
  Atomics.store(status, 0, ${FAILED});
  Atomics.notify(status, 0);
};
process.on('exit', (code) => {
  if (Atomics.load(status, 0) === ${PENDING}) fail(new Error('the SIMD kernel worker exited (code ' + code + ')'));
});
let kernel;
try {
  kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch (err) {
  fail(err);
}
if (kernel) {
  parentPort.on('message', (job) => {
    try {
      if (job.fail === 'throw') throw new Error('a failure injected by a test');
      if (job.fail === 'exit') process.exit(70);
      kernel.sums(...job.args);
    } catch (err) {
      return fail(err);
    }
    Atomics.store(status, 0, ${DONE});
    Atomics.notify(status, 0);
  });
  Atomics.store(status, 0, ${DONE});
  Atomics.notify(status, 0);
}
`;

/**
 * A worker, with its own status word (PENDING while it starts or runs a job, then DONE or FAILED)
 * and the text of its failure, in shared memory: the caller waits on the word with Atomics.wait.
 * Each worker has its own, so a worker being dropped can never set a later worker's status.
 */
interface KernelWorker {
  readonly thread: Worker;
  readonly status: Int32Array;
  readonly message: Uint8Array;
}

/** Workers by slot; a slot whose worker failed is empty until a call needs it again. */
const workers: (KernelWorker | undefined)[] = [];
let injected: Job['fail'];

function failure(w: KernelWorker): Error | undefined {
  if (Atomics.load(w.status, 0) !== FAILED) return undefined;
  const text = new TextDecoder().decode(w.message.slice()).replace(/\0+$/, '');
  return new Error(`a SIMD kernel worker thread failed: ${text}`);
}

function drop(slot: number): void {
  const worker = workers[slot];
  workers[slot] = undefined;
  if (worker) void worker.thread.terminate();
}

/** Workers in slots 0..n−1, started if need be (and waited for, so none instantiates during a call). */
function workersFor(n: number): KernelWorker[] {
  const started: number[] = [];
  for (let slot = 0; slot < n; slot++) {
    if (workers[slot]) continue;
    const status = new Int32Array(new SharedArrayBuffer(4));
    const message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      // not the parent's flags: `-r ts-node/register` would load a TypeScript compiler into it
      execArgv: [],
      workerData: { module: articleModule(), memory: heapMemory(), status, message },
    });
    thread.unref();
    // failures reach the caller through the status word; an unheard 'error' event would throw here
    thread.on('error', () => undefined);
    const worker: KernelWorker = { thread, status, message };
    thread.on('exit', () => {
      if (workers[slot] === worker) workers[slot] = undefined;
    });
    workers[slot] = worker;
    started.push(slot);
  }
  let error: Error | undefined;
  for (const slot of started) {
    const worker = workers[slot]!;
    const waited = Atomics.wait(worker.status, 0, PENDING, READY_MS);
    const failed = waited === 'timed-out' ? new Error('a SIMD kernel worker thread did not start') : failure(worker);
    if (failed) {
      error ??= failed;
      drop(slot);
    }
  }
  if (error) throw error;
  return workers.slice(0, n) as KernelWorker[];
}

/** Ends the kernel's worker threads (new ones start when a large call needs them). */
export function disposeKernelThreads(): void {
  for (let slot = 0; slot < workers.length; slot++) drop(slot);
}

/** For tests: makes the next job of the first worker throw, or exit its thread. */
export function injectWorkerFailure(how: 'throw' | 'exit'): void {
  injected = how;
}

// ---- the call

/**
 * The sums of the article's iteration over the bound samples [start, end): for W (features×outputs,
 * row-major) and b, z = Wᵀx + b in float32, y_pred = float32 sigmoid(z) >= 0.5, e = y_pred − y
 * (or, `logistic`, sigmoid(z) − y); x·eᵀ, sum(e), the errors, and `withLoss` the logistic loss.
 * b is rounded to float32, as W is.
 */
export function sums(
  bound: BoundSamples, W: ArrayLike<number>, b: number, logistic: boolean, withLoss: boolean, options: SumsOptions = {},
): KernelSums {
  const binding = bindings.get(bound);
  if (!binding || binding.released) throw new Error('sums: the samples are not bound (or were released)');
  const { features: F, outputs: k, m } = bound;
  if (W.length !== F * k) throw new RangeError(`sums: W has ${W.length} values, not ${F}×${k}`);
  const { start = 0, end = m, threads = kernelThreads() } = options;
  if (!isCount(start) || !isCount(end) || start > end || end > m) {
    throw new RangeError(`sums: bad samples [${start}, ${end}) of ${m}`);
  }
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`sums: bad thread count ${threads}`);
  if (options.screen && (start !== 0 || end !== m || logistic)) {
    throw new RangeError('sums: screening sums all the samples, with the article\'s gradient');
  }
  const kernel = heapKernel();
  let screen: Screen | undefined;
  let now = 0;
  if (options.screen && binding.screenAsked++ > 0) {
    binding.screen ??= newScreen(bound);
    const history = binding.screen.history;
    if (history.skip > 0 && !withLoss) history.skip--;
    else {
      screen = binding.screen;
      const s = screen;
      now = refFor(history, W, b, F, k, new Float64Array(heapMemory().buffer, s.dist, HISTORY * k), () => forget(s));
    }
  }
  const screenArgs = screen ? [screen.state, now, screen.dist, heapOffset(screen.invn)!, screen.norms ? 0 : 1] : [0, 0, 0, 0, 0];
  const wAt = weightsInHeap(W);
  const scratchBytes = kernel.scratchBytes(F, k);
  const outBytes = kernel.outBytes(F, k);
  const n = end - start;
  const parts = F * n < PARALLEL_MIN_VALUES ? 1 : Math.min(threads, MAX_THREADS, Math.ceil(n / BLOCK));
  const per = Math.ceil(n / parts / BLOCK) * BLOCK;
  const argsOf = (part: number, r: Region) => {
    const from = Math.min(end, start + part * per);
    const to = Math.min(end, from + per);
    return [binding.xAt, binding.yAt, m, F, k, wAt, b, from, to, logistic ? 1 : 0, withLoss ? 1 : 0, r.scratch, r.out, ...screenArgs];
  };
  const used = Array.from({ length: parts }, (_, part) => regionFor(part, scratchBytes, outBytes));
  const pool = parts > 1 ? workersFor(parts - 1) : [];
  pool.forEach((worker, slot) => {
    Atomics.store(worker.status, 0, PENDING);
    const job: Job = { args: argsOf(slot + 1, used[slot + 1]), fail: slot === 0 ? injected : undefined };
    worker.thread.postMessage(job);
  });
  if (pool.length > 0) injected = undefined;
  let error: unknown;
  try {
    const [x, y, mm, f, kk, w, bb, from, to, lg, tr, scratch, out, sc, nw, dist, invn, norms] = argsOf(0, used[0]);
    kernel.sums(x, y, mm, f, kk, w, bb, from, to, lg, tr, scratch, out, sc, nw, dist, invn, norms);
  } catch (err) {
    error = err;
  }
  // every part is waited for, failed or not, before the regions can be used again
  for (const [slot, worker] of pool.entries()) {
    while (Atomics.load(worker.status, 0) === PENDING) Atomics.wait(worker.status, 0, PENDING);
    const failed = failure(worker);
    if (failed) {
      error ??= failed;
      drop(slot);
    }
  }
  if (error) throw error;
  if (screen) screen.norms = true;
  const buffer = heapMemory().buffer;
  const xe = new Float64Array(F * k);
  let sumE = 0;
  let errors = 0;
  let loss = 0;
  let read = 0;
  for (const r of used) {
    const out = new Float64Array(buffer, r.out, F * k + 4);
    for (let i = 0; i < F * k; i++) xe[i] += out[i];
    sumE += out[F * k];
    errors += out[F * k + 1];
    loss += out[F * k + 2];
    read += out[F * k + 3];
  }
  if (screen && !withLoss) afterScreened(screen.history, read / (k * n));
  return { xe, sumE, errors, loss, read, screened: screen !== undefined };
}
