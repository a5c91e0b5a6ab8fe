import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../src/backend';
import { isTensorBackend, type Backend, type TensorBackend } from '../src/network/network';
import { cases, type Case } from './cases';
import { describeMachine, type Machine } from './machine';
import { measureMemory, type MemoryUse } from './memory';
import { AND_ITERATIONS, iterationsPerSample, plan, PROFILE_ITERATIONS } from './plan';
import { profileOps, type KernelTime } from './profile';
import { dropPostgres, timeDuckDb, timePushdown, writeParquet, writePostgres, type PushdownRunner } from './pushdown';
import { timeShards, type ShardTiming } from './shards';
import { timeCli, type CliCostRow } from './cli-cost';
import { timeScreening, type ScreeningRow } from './screening';
import { scaled, summarize, type Summary } from './stats';
import { NUMPY_VARIANTS, timeBackend, timeInterleaved, timeNumpy, type NumpyRunner } from './timing';

/** The backends whose fused kernel screens; each also runs unscreened, for the ratio. */
const SCREENED_BACKENDS = ['wasm', 'cpu'] as const;
type ScreenedBackend = (typeof SCREENED_BACKENDS)[number];
const screens = (b: Backend): b is ScreenedBackend => (SCREENED_BACKENDS as readonly Backend[]).includes(b);

/**
 * What runs: `plain`; a tfjs backend with its fused kernel (`wasm`, `cpu`, `tensorflow`; wasm's and
 * cpu's screened); their kernels reading every sample (`wasm (unscreened)`, `cpu (unscreened)`, timed
 * in turn with the screened ones); the same backend with tfjs's own ops (`wasm (tfjs ops)`, …, the
 * design card's shape); or numpy.
 */
export type Runner = Backend | `${ScreenedBackend} (unscreened)` | `${TensorBackend} (tfjs ops)` | NumpyRunner | PushdownRunner;

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
  /**
   * `--backend sql`, the sums pushed down into a database: DuckDB over a Parquet file of the largest
   * case, on 1 and 2 threads, beside DuckDB only reading that file (their samples interleaved); PostgreSQL over a table of a smaller case, when PGURL is set (else
   * {@link BenchResults.unavailable} says why not).
   */
  readonly pushdown: Timing[];
  /** The wasm SIMD kernel and the cpu JS kernel screened and unscreened, fresh runs on separable and noisy data of the largest case. */
  readonly screening: ScreeningRow[];
  /** What an iteration costs through `simple-nn train --backend wasm` on the largest case, screened and not. */
  readonly cli: CliCostRow[];
  /** One PostgreSQL server against two shards on the largest case, when PGURL and PGSHARD_URLS are set (else {@link BenchResults.unavailable} says why not). */
  readonly shards: ShardRow[];
}

/** A sharded row: ms per iteration, and the bytes an iteration moved. */
export interface ShardRow extends Summary, Omit<ShardTiming, 'ms'> {
  readonly samplesInX: number;
}

/** Activates a tfjs backend; the reason it cannot load, or undefined. */
async function tryBackend(backend: Backend): Promise<string | undefined> {
  if (!isTensorBackend(backend)) return undefined;
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
  const unscreened = backends.filter(screens);
  const runners: Runner[] = [...backends, ...unscreened.map((b) => `${b} (unscreened)` as const), ...tfjsBackends.map((b) => `${b} (tfjs ops)` as const), ...numpyRunners];
  const screening: ScreeningRow[] = [];
  const cli: CliCostRow[] = [];
  const largest = p.sizes[p.sizes.length - 1];
  const raw: Omit<Timing, 'vsNumpy' | 'vsPlain' | 'vsBandwidthFloor' | 'vsBandwidthFloorAllCores'>[] = [];
  const memory: MemoryRow[] = [];
  const profiles: BenchResults['profiles'] = [];
  const profileSize = p.sizes[p.sizes.length - 1];
  const pushdownRaw: typeof raw = [];
  const pgurl = process.env.PGURL;
  if (!pgurl) unavailable['sql (PostgreSQL)'] = 'PGURL is not set; .ci/with-postgres runs a command with a throwaway server';
  const shardUrls = process.env.PGSHARD_URLS?.split(',').filter((u) => u !== '');
  if (!pgurl || !shardUrls?.length) unavailable['sql (PostgreSQL, 2 shards)'] = 'PGURL and PGSHARD_URLS are not set; .ci/with-postgres-shards runs a command with a coordinator and two shards';
  const shards: ShardRow[] = [];
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
      // a backend that screens is timed against itself unscreened, their samples in turn
      const unscreenedRows: typeof raw = [];
      for (const backend of backends) {
        await tryBackend(backend);
        if (!screens(backend)) {
          log(`  ${c.name} ${m}: ${backend}`);
          raw.push(row(backend, timeBackend(backend, c, p)));
          continue;
        }
        log(`  ${c.name} ${m}: ${backend} and ${backend} (unscreened), in turn`);
        const [fused, all] = timeInterleaved(backend, c, p, ['fused', 'unscreened']);
        raw.push(row(backend, fused));
        unscreenedRows.push(row(`${backend} (unscreened)`, all));
        if (c.name === 'synthetic' && m === largest) {
          screening.push(...(await timeScreening(backend, c, log)));
          if (backend === 'wasm') cli.push(...timeCli(c, log));
        }
      }
      raw.push(...unscreenedRows);
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
      if (c.name === 'synthetic' && m === p.pushdownSize) {
        const parquet = join(dir, `synthetic-${m}.parquet`);
        log(`  ${c.name} ${m}: writing ${parquet}`);
        await writeParquet(c.data.inMemory!.x, c.data.inMemory!.y, parquet);
        log(`  ${c.name} ${m}: sql (DuckDB, Parquet) and DuckDB reading the Parquet, on 1 and 2 threads, in turn`);
        for (const t of await timeDuckDb(parquet, c.init, p, m)) pushdownRaw.push(row(t.runner, t));
      }
      if (c.name === 'synthetic' && m === p.postgresSize && pgurl) {
        const table = `simple_nn_bench_${process.pid}`;
        log(`  ${c.name} ${m}: writing the PostgreSQL table ${table}`);
        try {
          const sql = await writePostgres(c.data.inMemory!.x, c.data.inMemory!.y, pgurl, table);
          log(`  ${c.name} ${m}: sql (PostgreSQL)`);
          pushdownRaw.push(row('sql (PostgreSQL)', await timePushdown({ db: pgurl, sql }, c.init, p, m)));
        } finally {
          await dropPostgres(pgurl, table);
        }
      }
      if (c.name === 'synthetic' && m === largest && pgurl && shardUrls?.length) {
        for (const { ms, ...t } of await timeShards(c, c.init, p, m, pgurl, shardUrls, log)) shards.push({ ...t, samplesInX: m, ...scaled(summarize(ms), per) });
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
  const pushdown = withRatios([...raw, ...pushdownRaw], machine).slice(raw.length);
  return { machine, quick, date: new Date().toISOString(), runners, unavailable, timings: withRatios(raw, machine), memory, profiles, profileSize, pushdown, screening, cli, shards };
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
