import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PAGE_BYTES, sharedMemory, webAssembly, type CompiledModule, type SharedMemory } from '../src/kernels/wasm/module';

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

/**
 * The read floor's loop, in AssemblyScript as the SIMD kernel is written: the sum of `n` int32 at `x`
 * (n a multiple of 16), 16-byte loads into four running i32x4 sums, so that nothing but memory limits
 * it. Integers, so that the sum is exact and can be checked; the bytes read are x's bytes all the same.
 */
const READER_AS = `
export function readSum(x: usize, n: i32): i32 {
  let s0 = i32x4.splat(0);
  let s1 = i32x4.splat(0);
  let s2 = i32x4.splat(0);
  let s3 = i32x4.splat(0);
  const end = x + (<usize>n << 2);
  for (let p = x; p < end; p += 64) {
    s0 = i32x4.add(s0, v128.load(p));
    s1 = i32x4.add(s1, v128.load(p, 16));
    s2 = i32x4.add(s2, v128.load(p, 32));
    s3 = i32x4.add(s3, v128.load(p, 48));
  }
  const s = i32x4.add(i32x4.add(s0, s1), i32x4.add(s2, s3));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}
`;

let reader: CompiledModule | undefined;

/** {@link READER_AS} compiled by AssemblyScript's compiler (an ES module: run in a node of its own), as the kernel's build flags do. */
function readerModule(): CompiledModule {
  if (reader) return reader;
  const script = `import asc from 'assemblyscript/asc';
const r = await asc.compileString(${JSON.stringify(READER_AS)}, { optimizeLevel: 3, runtime: 'stub', noAssert: true, importMemory: true, sharedMemory: true, initialMemory: 1, maximumMemory: 65536, enable: ['simd', 'threads'] });
if (r.error) throw r.error;
process.stdout.write(Buffer.from(r.binary).toString('base64'));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (reader = new webAssembly.Module(Buffer.from(out, 'base64')));
}

/** `bytes` of int32 (i & 7) in a shared WebAssembly memory that the reader's instances read. */
function readerMemory(bytes: number): SharedMemory {
  const memory = sharedMemory(bytes / PAGE_BYTES + 1);
  const a = new Int32Array(memory.buffer, 0, bytes / 4);
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  return memory;
}

/** The sum {@link READER_AS} gives over `n` values (i & 7) from a multiple of 8, mod 2³². */
const expectedSum = (n: number) => ((n / 8) * 28) | 0;

/**
 * Single-core memory read bandwidth: the best of `repeats` reads of 256 MB by a WebAssembly SIMD loop
 * ({@link READER_AS}), the way the SIMD kernel reads x.
 */
export function readBandwidth(repeats = 5, bytes = 256 * 2 ** 20): number {
  const memory = readerMemory(bytes);
  const { readSum } = new webAssembly.Instance(readerModule(), { env: { memory } }).exports as { readSum: (x: number, n: number) => number };
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const sum = readSum(0, bytes / 4);
    best = Math.min(best, performance.now() - start);
    if (sum !== expectedSum(bytes / 4)) throw new Error('readBandwidth: wrong sum');
  }
  return bytes / (best / 1000);
}

// Slots of the Int32Array that the main thread and the workers of readBandwidthAllCores share.
const READY = 0; // workers that have started (the main thread waits for all before the first round)
const ARRIVED = 1; // arrivals at the barrier before each round, summed over rounds and workers
const DONE = 2; // workers that have finished every round
const FAILED = 3; // 1 when a worker threw (its message is not passed on: the main thread only says so)

/**
 * One worker of {@link readBandwidthAllCores}: for each round, waits at a spinning barrier until every
 * worker has arrived, then reads its part of the shared memory with {@link READER_AS}, as
 * {@link readBandwidth} does, and writes the round's start and end times (ms since the epoch, so the
 * workers' clocks compare). It spins rather than sleeps: a sleeping thread woken by another tends to be
 * woken on that thread's core, and two workers sharing a core measure half the bandwidth.
 * Plain JavaScript: it runs with eval: true and no execArgv, so without ts-node.
 */
const READER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, sums, times, threads, index, start, length, repeats } = workerData;
const { readSum } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const total = new Int32Array(sums);
const at = new Float64Array(times);
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
    const sum = readSum(start * 4, length);
    at[2 * (r * threads + index) + 1] = now();
    at[2 * (r * threads + index)] = t0;
    total[index] = (total[index] + sum) | 0;
  }
} catch (err) {
  Atomics.store(ctrl, ${FAILED}, 1);
} finally {
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

/**
 * Memory read bandwidth with `threads` cores reading at once: the same read as {@link readBandwidth},
 * of 256 MB of one shared WebAssembly memory, each of `threads` worker threads reading its own
 * disjoint part. In each round all start together (an Atomics barrier) and the round lasts from
 * the first start to the slowest worker's end. Best of `repeats` rounds; bytes per second.
 *
 * Synchronous: the main thread sleeps in Atomics.wait while the workers run (they are started from
 * source with eval and no execArgv, and terminated at the end).
 */
export function readBandwidthAllCores(threads = availableParallelism(), repeats = 5, bytes = 256 * 2 ** 20): number {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`readBandwidthAllCores: threads must be a whole number ≥ 1, not ${threads}`);
  const length = bytes / 4;
  const memory = readerMemory(bytes);
  const module = readerModule();
  const control = new SharedArrayBuffer(4 * 4);
  const ctrl = new Int32Array(control);
  const sums = new SharedArrayBuffer(4 * threads);
  const times = new SharedArrayBuffer(8 * 2 * threads * repeats);
  // Parts of whole multiples of 16 values (the loop reads 16 at a time; the sum check wants whole 0…7 runs).
  const part = Math.ceil(length / threads / 16) * 16;
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
      const workerData = { module, memory, control, sums, times, threads, index, start, length: Math.min(length, start + part) - start, repeats };
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
    const sum = new Int32Array(sums).reduce((s, v) => (s + v) | 0, 0);
    if (sum !== Math.imul(repeats, expectedSum(length))) throw new Error('readBandwidthAllCores: wrong sum');
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
