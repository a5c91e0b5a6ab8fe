import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What the benchmark ran on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  /** `python3 x.y.z, numpy a.b.c`, or why the numpy baseline could not run. */
  readonly numpy: string;
  readonly numpyAvailable: boolean;
  /** Single-core memory read bandwidth, bytes per second (see {@link readBandwidth}). */
  readonly readBandwidth: number;
  /** Memory read bandwidth with every core reading at once, bytes per second (see {@link readBandwidthAllCores}). */
  readonly readBandwidthAllCores: number;
  /** How many cores (worker threads, one each) {@link readBandwidthAllCores} was measured with. */
  readonly readBandwidthCores: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return cpus()[0]?.model ?? 'unknown';
}

function numpyVersion(): { numpy: string; numpyAvailable: boolean } {
  try {
    const out = execFileSync('python3', ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [python, numpy] = out.trim().split(' ');
    return { numpy: `python3 ${python}, numpy ${numpy}`, numpyAvailable: true };
  } catch (err) {
    return { numpy: `unavailable (${(err as Error).message.split('\n')[0]})`, numpyAvailable: false };
  }
}

/** The sum of `a` with four running sums, so the adds do not wait on each other and memory is the limit (self-contained: workers run its source). */
function sumFour(a: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < a.length; i += 4) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
  }
  return s0 + s1 + s2 + s3;
}

/**
 * Single-core memory read bandwidth: the best of `repeats` sums of a 256 MB Float64Array in one tight
 * loop with four running sums (so the adds do not wait on each other and memory is the limit).
 */
export function readBandwidth(repeats = 5, bytes = 256 * 2 ** 20): number {
  const a = new Float64Array(bytes / 8);
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const sum = sumFour(a);
    best = Math.min(best, performance.now() - start);
    sink += sum;
  }
  if (sink !== repeats * (a.length / 8) * 28) throw new Error('readBandwidth: wrong sum');
  return bytes / (best / 1000);
}

// Slots of the Int32Array that the main thread and the workers of readBandwidthAllCores share.
const READY = 0; // workers that have started (the main thread waits for all before the first round)
const ARRIVED = 1; // arrivals at the barrier before each round, summed over rounds and workers
const DONE = 2; // workers that have finished every round
const FAILED = 3; // 1 when a worker threw (its message is not passed on: the main thread only says so)

/**
 * One worker of {@link readBandwidthAllCores}: for each round, waits at a spinning barrier until every
 * worker has arrived, then sums its part of the shared array with four running sums, as
 * {@link readBandwidth} does, and writes the round's start and end times (ms since the epoch, so the
 * workers' clocks compare). It spins rather than sleeps: a sleeping thread woken by another tends to be
 * woken on that thread's core, and two workers sharing a core measure half the bandwidth.
 * Plain JavaScript: it runs with eval: true and no execArgv, so without ts-node.
 */
const READER_SOURCE = `
const { workerData } = require('node:worker_threads');
const sumFour = ${sumFour.toString()};
const { data, control, sums, times, threads, index, start, length, repeats } = workerData;
const ctrl = new Int32Array(control);
const total = new Float64Array(sums);
const at = new Float64Array(times);
const a = new Float64Array(data, start * 8, length);
const now = () => performance.timeOrigin + performance.now();
try {
  Atomics.add(ctrl, ${READY}, 1);
  Atomics.notify(ctrl, ${READY});
  for (let r = 0; r < repeats; r++) {
    Atomics.add(ctrl, ${ARRIVED}, 1);
    while (Atomics.load(ctrl, ${ARRIVED}) < threads * (r + 1)) {
      if (Atomics.load(ctrl, ${FAILED})) throw new Error('another worker failed');
    }
    const t0 = now();
    const sum = sumFour(a);
    at[2 * (r * threads + index) + 1] = now();
    at[2 * (r * threads + index)] = t0;
    total[index] += sum;
  }
} catch (err) {
  Atomics.store(ctrl, ${FAILED}, 1);
} finally {
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

/**
 * Memory read bandwidth with `threads` cores reading at once: the same sum as {@link readBandwidth},
 * of one 256 MB Float64Array over a SharedArrayBuffer, each of `threads` worker threads summing its
 * own disjoint part. In each round all start together (an Atomics barrier) and the round lasts from
 * the first start to the slowest worker's end. Best of `repeats` rounds; bytes per second.
 *
 * Synchronous: the main thread sleeps in Atomics.wait while the workers run (they are started from
 * source with eval and no execArgv, and terminated at the end).
 */
export function readBandwidthAllCores(threads = availableParallelism(), repeats = 5, bytes = 256 * 2 ** 20): number {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`readBandwidthAllCores: threads must be a whole number ≥ 1, not ${threads}`);
  const length = bytes / 8;
  const data = new SharedArrayBuffer(bytes);
  const a = new Float64Array(data);
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  const control = new SharedArrayBuffer(4 * 4);
  const ctrl = new Int32Array(control);
  const sums = new SharedArrayBuffer(8 * threads);
  const times = new SharedArrayBuffer(8 * 2 * threads * repeats);
  // Parts of whole multiples of 8 values (the loop takes 4 at a time; the sum check wants whole 0…7 runs).
  const part = Math.ceil(length / threads / 8) * 8;
  const workers: Worker[] = [];
  const deadline = performance.now() + 120_000;
  /** Sleeps until ctrl[slot] reaches `target`; throws if a worker failed or past the deadline. */
  const waitFor = (slot: number, target: number) => {
    for (let seen = Atomics.load(ctrl, slot); seen < target; seen = Atomics.load(ctrl, slot)) {
      if (Atomics.load(ctrl, FAILED)) throw new Error('readBandwidthAllCores: a worker thread failed');
      if (performance.now() > deadline) throw new Error('readBandwidthAllCores: the worker threads did not finish in 2 minutes');
      Atomics.wait(ctrl, slot, seen, 1000);
    }
    if (Atomics.load(ctrl, FAILED)) throw new Error('readBandwidthAllCores: a worker thread failed');
  };
  try {
    for (let index = 0; index < threads; index++) {
      const start = Math.min(length, index * part);
      const workerData = { data, control, sums, times, threads, index, start, length: Math.min(length, start + part) - start, repeats };
      const worker = new Worker(READER_SOURCE, { eval: true, execArgv: [], workerData });
      worker.unref();
      workers.push(worker);
    }
    waitFor(READY, threads);
    waitFor(DONE, threads);
    const at = new Float64Array(times);
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      let first = Infinity;
      let last = -Infinity;
      for (let w = 0; w < threads; w++) {
        first = Math.min(first, at[2 * (r * threads + w)]);
        last = Math.max(last, at[2 * (r * threads + w) + 1]);
      }
      best = Math.min(best, last - first);
    }
    const sum = new Float64Array(sums).reduce((s, v) => s + v, 0);
    if (sum !== repeats * (length / 8) * 28) throw new Error('readBandwidthAllCores: wrong sum');
    return bytes / (best / 1000);
  } finally {
    Atomics.store(ctrl, FAILED, 1); // releases any worker still spinning at the barrier
    for (const worker of workers) void worker.terminate();
  }
}

export function describeMachine(): Machine {
  const threads = availableParallelism();
  return {
    cpu: cpuModel(),
    cores: threads,
    node: process.version,
    ...numpyVersion(),
    readBandwidth: readBandwidth(),
    readBandwidthAllCores: readBandwidthAllCores(threads),
    readBandwidthCores: threads,
  };
}
