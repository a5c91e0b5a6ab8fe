/** What the benchmark runs: data sizes, iterations and samples per case, with --quick or without. */

/** Features of the synthetic data. */
export const FEATURES = 32;
/** Seed of the synthetic data. */
export const SEED = 1;
/** The article's learning rate. */
export const A = 0.1;
/** Iterations of one whole run of the AND example. */
export const AND_ITERATIONS = 1000;
/** Iterations of tfjs's ops timed kernel by kernel (tf.profile). */
export const PROFILE_ITERATIONS = 5;

export interface Plan {
  /** Samples of each synthetic case, smallest first. */
  readonly sizes: number[];
  /** Timed whole runs of the AND example. */
  readonly andRuns: number;
  /** Whole runs of the AND example before timing. */
  readonly andWarmup: number;
  /** Timed samples of a synthetic case of m samples. */
  readonly samples: (m: number) => number;
  /** The synthetic size whose peak memory is measured. */
  readonly memorySize: number;
  /** Iterations each memory child trains. */
  readonly memoryIterations: number;
  /** The synthetic size of the DuckDB pushdown rows (over Parquet): the largest. */
  readonly pushdownSize: number;
  /** The synthetic size of the PostgreSQL pushdown row: the one below the largest. */
  readonly postgresSize: number;
}

export function plan(quick: boolean): Plan {
  return quick
    ? { sizes: [1e3, 1e4, 1e5], andRuns: 7, andWarmup: 5, samples: () => 5, memorySize: 1e5, memoryIterations: 3, pushdownSize: 1e5, postgresSize: 1e4 }
    : { sizes: [1e3, 1e4, 1e5, 1e6], andRuns: 21, andWarmup: 20, samples: (m) => (m >= 1e6 ? 9 : 15), memorySize: 1e6, memoryIterations: 5, pushdownSize: 1e6, postgresSize: 1e5 };
}

/** Iterations per timed sample: enough that one sample takes a few ms even on small data. */
export function iterationsPerSample(m: number): number {
  return Math.max(1, Math.round(2e6 / (FEATURES * m)));
}

/** Warm-up iterations before the timed samples (the JIT settles; W leaves its start). */
export function warmupIterations(m: number): number {
  return Math.max(3, 2 * iterationsPerSample(m));
}
