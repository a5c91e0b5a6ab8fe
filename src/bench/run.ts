import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { useBackend } from '../backend';
import { andGate, ARTICLE_INIT } from '../data/dataset';
import { writeNpy } from '../data/npy';
import { memorySource, type SampleSource } from '../data/source';
import { synthetic } from '../data/synthetic';
import type { Matrix } from '../matrix';
import type { Backend, Kernels, NetworkInit, TensorBackend } from '../network/network';
import { readNpy } from '../data/npy';
import { describeMachine, type Machine } from './machine';
import { createNetwork } from '../network/create';
import { measureMemory, type MemoryUse } from './memory';
import { profileOps, type KernelTime } from './profile';
import { scaled, summarize, type Summary } from './stats';
import { train } from '../training';

/** numpy, three ways, in python3 on the same .npy data (see article_bench.py). */
export const NUMPY_VARIANTS = {
  /** The article's code itself on the data's dtype (float32 x, float64 W: numpy converts x every iteration). */
  'numpy (article code)': 'article',
  /** x, y, W and b all float32, in-place ufuncs: numpy at its best. */
  'numpy float32': 'float32',
  /** x and y converted to float64 once, W and b float64. */
  'numpy float64': 'float64',
} as const;
export type NumpyRunner = keyof typeof NUMPY_VARIANTS;

/**
 * What runs: `plain`; a tfjs backend with its fused kernel (`wasm`, `cpu`, `tensorflow`); the same
 * backend with tfjs's own ops (`wasm (tfjs ops)`, …, the design card's shape); or numpy.
 */
export type Runner = Backend | `${TensorBackend} (tfjs ops)` | NumpyRunner;

export interface BenchOptions {
  readonly quick: boolean;
  /** Called with a line of progress. */
  readonly log: (line: string) => void;
}

/** One timing: the AND example (ms per whole run of 1000 iterations) or synthetic data (ms per iteration). */
export interface Timing extends Summary {
  readonly case: 'and' | 'synthetic';
  readonly backend: Runner;
  /** Exactly what computed (the network's own label, e.g. `wasm (SIMD kernel, 2 threads)`), or the numpy variant. */
  readonly compute: string;
  readonly features: number;
  readonly samplesInX: number;
  readonly unit: 'ms per run' | 'ms per iteration';
  /** Bytes of x one iteration reads. */
  readonly xBytesPerIteration: number;
  /** median ÷ the best numpy variant's median (absent without numpy). */
  readonly vsNumpy?: number;
  readonly vsPlain: number;
  /** median ÷ the time to read x once per iteration at the machine's single-core read bandwidth. */
  readonly vsBandwidthFloor: number;
  /** median ÷ the same with every core reading. */
  readonly vsBandwidthFloorAllCores: number;
}

export interface MemoryRow extends MemoryUse {
  readonly backend: Runner;
  readonly features: number;
  readonly samplesInX: number;
  /** float32 size of x. */
  readonly xBytes: number;
  /** (peak − baseline) ÷ xBytes: what loading and training cost, per byte of x. */
  readonly vsX: number;
}

export interface BenchResults {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly date: string;
  readonly runners: Runner[];
  /** Backends that could not load here, and why. */
  readonly unavailable: Record<string, string>;
  readonly timings: Timing[];
  readonly memory: MemoryRow[];
  /** Where tfjs's own ops spend an iteration, per backend, on {@link BenchResults.profileSize} samples. */
  readonly profiles: { backend: 'cpu' | 'wasm'; kernels: KernelTime[] }[];
  readonly profileSize: number;
}

const FEATURES = 32;
const SEED = 1;
const A = 0.1;
const AND_ITERATIONS = 1000;
/** Iterations of tfjs's ops timed kernel by kernel (tf.profile). */
export const PROFILE_ITERATIONS = 5;

interface Plan {
  readonly sizes: number[];
  readonly andRuns: number;
  readonly andWarmup: number;
  readonly samples: (m: number) => number;
  readonly memorySize: number;
  readonly memoryIterations: number;
}

function plan(quick: boolean): Plan {
  return quick
    ? { sizes: [1e3, 1e4, 1e5], andRuns: 7, andWarmup: 5, samples: () => 5, memorySize: 1e5, memoryIterations: 3 }
    : { sizes: [1e3, 1e4, 1e5, 1e6], andRuns: 21, andWarmup: 20, samples: (m) => (m >= 1e6 ? 9 : 15), memorySize: 1e6, memoryIterations: 5 };
}

/** Iterations per timed sample: enough that one sample takes a few ms even on small data. */
function iterationsPerSample(m: number): number {
  return Math.max(1, Math.round(2e6 / (FEATURES * m)));
}

/** Warm-up iterations before the timed samples (the JIT settles; W leaves its start). */
function warmupIterations(m: number): number {
  return Math.max(3, 2 * iterationsPerSample(m));
}

interface Case {
  readonly name: 'and' | 'synthetic';
  readonly data: SampleSource;
  readonly init: NetworkInit;
  readonly xPath: string;
  readonly yPath: string;
  readonly xBytesPerIteration: number;
}

/** Milliseconds of each tinybench sample of `fn` (run exactly `samples` times, no time budget). */
function timeSamples(name: string, fn: () => void, samples: number): number[] {
  const bench = new Bench({ iterations: samples, time: 0, warmup: false, retainSamples: true, throws: true });
  bench.add(name, fn);
  const [task] = bench.runSync();
  const result = task.result;
  if (result.state !== 'completed' || !result.latency.samples) throw new Error(`${name}: ${result.state}`);
  return [...result.latency.samples];
}

/** Times one backend on a case: ms per sample (a whole AND run, or several iterations), and what computed. */
function timeBackend(backend: Backend, c: Case, p: Plan, kernels: Kernels = 'fused'): { ms: number[]; compute: string } {
  if (c.name === 'and') {
    let compute = '';
    const run = () => {
      const net = createNetwork(backend, c.init, kernels);
      train(net, c.data, { a: A, iterations: AND_ITERATIONS });
      compute = net.compute;
      net.dispose();
    };
    for (let i = 0; i < p.andWarmup; i++) run();
    return { ms: timeSamples(`${backend} and`, run, p.andRuns), compute };
  }
  const m = c.data.samples;
  const net = createNetwork(backend, c.init, kernels);
  try {
    train(net, c.data, { a: A, iterations: warmupIterations(m) });
    const iterations = iterationsPerSample(m);
    return { ms: timeSamples(`${backend} ${m}`, () => train(net, c.data, { a: A, iterations }), p.samples(m)), compute: net.compute };
  } finally {
    net.dispose();
  }
}

function timeNumpy(c: Case, p: Plan, variant: (typeof NUMPY_VARIANTS)[NumpyRunner]): { ms: number[]; peakRss: number; baselineRss: number } {
  const m = c.data.samples;
  const and = c.name === 'and';
  const spec = {
    x: c.xPath,
    y: c.yPath,
    W: matrixRows(c.init.W),
    b: c.init.b,
    a: A,
    variant,
    mode: and ? 'run' : 'iterations',
    iterations: and ? AND_ITERATIONS : iterationsPerSample(m),
    warmup: and ? p.andWarmup : warmupIterations(m),
    samples: and ? p.andRuns : p.samples(m),
  };
  const out = execFileSync('python3', [join(__dirname, 'article_bench.py'), JSON.stringify(spec)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out);
}

function matrixRows(W: Matrix): number[][] {
  return Array.from({ length: W.rows }, (_, r) => Array.from(W.data.subarray(r * W.cols, (r + 1) * W.cols)));
}

/** The cases on files in `dir`: the article's AND gate, then synthetic float32 data of each size. */
function* cases(dir: string, p: Plan, log: (line: string) => void): Generator<Case> {
  const and = andGate().samples.inMemory!;
  yield onFiles(dir, 'and', and.x, and.y, { W: { rows: 2, cols: 1, data: Float64Array.from(ARTICLE_INIT.weights) }, b: ARTICLE_INIT.bias });
  for (const m of p.sizes) {
    log(`synthetic data: ${FEATURES} features × ${m} samples`);
    const { x, y } = synthetic({ features: FEATURES, samples: m, seed: SEED }).samples.inMemory!;
    yield onFiles(dir, 'synthetic', x, y, { W: { rows: FEATURES, cols: 1, data: new Float64Array(FEATURES) }, b: 0 });
  }
}

/** Writes x and y as .npy (for numpy and the memory children) and reads them back into shared memory. */
function onFiles(dir: string, name: 'and' | 'synthetic', x: Matrix, y: Matrix, init: NetworkInit): Case {
  const xPath = join(dir, `${name}-${x.cols}-x.npy`);
  const yPath = join(dir, `${name}-${x.cols}-y.npy`);
  writeNpy(xPath, x);
  writeNpy(yPath, y);
  const data = memorySource(readNpy(xPath), readNpy(yPath));
  return { name, data, init, xPath, yPath, xBytesPerIteration: x.data.length * x.data.BYTES_PER_ELEMENT };
}

/** Activates a tfjs backend; the reason it cannot load, or undefined. */
async function tryBackend(backend: Backend): Promise<string | undefined> {
  if (backend === 'plain') return undefined;
  try {
    await useBackend(backend);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Times every backend that loads here (tensorflow, wasm, cpu, plain) and the article's numpy code
 * on the AND example and on synthetic data, and measures peak memory per backend in child processes.
 */
export async function runBench({ quick, log }: BenchOptions): Promise<BenchResults> {
  const p = plan(quick);
  log('measuring the machine (read bandwidth)…');
  const machine = describeMachine();
  const dir = mkdtempSync(join(tmpdir(), 'simple-nn-bench-'));
  const unavailable: Record<string, string> = {};
  const backends: Backend[] = [];
  for (const b of ['tensorflow', 'wasm', 'cpu', 'plain'] as const) {
    const reason = await tryBackend(b);
    if (reason === undefined) backends.push(b);
    else unavailable[b] = reason;
  }
  const tfjsBackends = backends.filter((b): b is TensorBackend => b !== 'plain');
  const numpyRunners = machine.numpyAvailable ? (Object.keys(NUMPY_VARIANTS) as NumpyRunner[]) : [];
  const runners: Runner[] = [...backends, ...tfjsBackends.map((b) => `${b} (tfjs ops)` as const), ...numpyRunners];
  const raw: Omit<Timing, 'vsNumpy' | 'vsPlain' | 'vsBandwidthFloor' | 'vsBandwidthFloorAllCores'>[] = [];
  const memory: MemoryRow[] = [];
  const profiles: BenchResults['profiles'] = [];
  const profileSize = p.sizes[p.sizes.length - 1];
  try {
    for (const c of cases(dir, p, log)) {
      const m = c.data.samples;
      const per = c.name === 'and' ? 1 : iterationsPerSample(m);
      const row = (backend: Runner, { ms, compute }: { ms: number[]; compute: string }) => ({
        case: c.name,
        backend,
        compute,
        features: c.data.features,
        samplesInX: m,
        unit: c.name === 'and' ? ('ms per run' as const) : ('ms per iteration' as const),
        xBytesPerIteration: c.xBytesPerIteration,
        ...scaled(summarize(ms), per),
      });
      for (const backend of backends) {
        await tryBackend(backend);
        log(`  ${c.name} ${m}: ${backend}`);
        raw.push(row(backend, timeBackend(backend, c, p)));
      }
      for (const backend of tfjsBackends) {
        await tryBackend(backend);
        log(`  ${c.name} ${m}: ${backend} (tfjs ops)`);
        raw.push(row(`${backend} (tfjs ops)`, timeBackend(backend, c, p, 'ops')));
      }
      for (const runner of numpyRunners) {
        log(`  ${c.name} ${m}: ${runner}`);
        const numpy = timeNumpy(c, p, NUMPY_VARIANTS[runner]);
        raw.push(row(runner, { ms: numpy.ms, compute: runner }));
        if (c.name === 'synthetic' && m === p.memorySize) memory.push(memoryRow(runner, numpy, c));
      }
      if (c.name === 'synthetic' && m === p.memorySize) {
        for (const backend of backends) {
          log(`  peak memory at ${m}: ${backend} (child process)`);
          memory.push(memoryRow(backend, measureMemory(backend, c.xPath, c.yPath, p.memoryIterations), c));
        }
      }
      if (c.name === 'synthetic' && m === profileSize) {
        const { x, y } = c.data.inMemory!;
        for (const backend of tfjsBackends.filter((b): b is 'cpu' | 'wasm' => b === 'cpu' || b === 'wasm')) {
          log(`  where tfjs ops spend an iteration at ${m}: ${backend}`);
          profiles.push({ backend, kernels: await profileOps(backend, x, y, PROFILE_ITERATIONS) });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { machine, quick, date: new Date().toISOString(), runners, unavailable, timings: withRatios(raw, machine), memory, profiles, profileSize };
}

function memoryRow(backend: Runner, use: MemoryUse, c: Case): MemoryRow {
  const xBytes = c.data.features * c.data.samples * 4;
  return {
    backend,
    features: c.data.features,
    samplesInX: c.data.samples,
    baselineRss: use.baselineRss,
    peakRss: use.peakRss,
    xBytes,
    vsX: (use.peakRss - use.baselineRss) / xBytes,
  };
}

function withRatios(raw: Omit<Timing, 'vsNumpy' | 'vsPlain' | 'vsBandwidthFloor' | 'vsBandwidthFloorAllCores'>[], machine: Machine): Timing[] {
  const median = (backend: Runner, t: (typeof raw)[number]) =>
    raw.find((r) => r.backend === backend && r.case === t.case && r.samplesInX === t.samplesInX)?.median;
  return raw.map((t) => {
    // against the best numpy of this case
    const numpys = (Object.keys(NUMPY_VARIANTS) as NumpyRunner[]).map((v) => median(v, t)).filter((v): v is number => v !== undefined);
    const numpy = numpys.length > 0 ? Math.min(...numpys) : undefined;
    const iterations = t.case === 'and' ? AND_ITERATIONS : 1;
    const floorMs = (bandwidth: number) => ((t.xBytesPerIteration * iterations) / bandwidth) * 1000;
    return {
      ...t,
      ...(numpy !== undefined && { vsNumpy: t.median / numpy }),
      vsPlain: t.median / median('plain', t)!,
      vsBandwidthFloor: t.median / floorMs(machine.readBandwidth),
      vsBandwidthFloorAllCores: t.median / floorMs(machine.readBandwidthAllCores),
    };
  });
}
