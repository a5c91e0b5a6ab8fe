import { performance } from 'node:perf_hooks';
import { DuckDBDataChunk, DuckDBFloatType, DuckDBInstance } from '@duckdb/node-api';
import { Client } from 'pg';
import { Bench } from 'tinybench';
import type { Matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { NetworkInit } from '../src/network/network';
import { dataQuery } from '../src/sql/query';
import { databaseDataset, isSqlSamples } from '../src/sql/samples';
import { trainAsync } from '../src/training';
import { A, iterationsPerSample, warmupIterations, type Plan } from './plan';

/**
 * The pushdown rows: `--backend sql`, each iteration one aggregate query in the database. DuckDB
 * (embedded) over a Parquet file of the case's data, on 1 and on 2 threads (the instance's
 * `threads` setting, as `SET threads = N` sets it); PostgreSQL over a table of it, when PGURL names
 * a server. Beside DuckDB's pushdown, DuckDB merely reading the file as the pushdown reads it
 * (every column as a double, summed: no model), which bounds what any query over the file can take.
 */
type Threads = '1 thread' | '2 threads';
export type DuckDbRunner = `sql (DuckDB, Parquet, ${Threads})` | `DuckDB reading the Parquet, ${Threads}`;
export type PushdownRunner = DuckDbRunner | 'sql (PostgreSQL)';

const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Writes x (features×m) and y (1×m) as a Parquet file of columns x1…xF (FLOAT, as x is float32) and y, through DuckDB. */
export async function writeParquet(x: Matrix, y: Matrix, path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const F = x.rows;
    const m = x.cols;
    await connection.run(`CREATE TABLE samples (${[...Array.from({ length: F }, (_, f) => `x${f + 1} FLOAT`), 'y FLOAT'].join(', ')})`);
    const appender = await connection.createAppender('samples');
    const types = Array.from({ length: F + 1 }, () => DuckDBFloatType.instance);
    const size = 2048;
    for (let start = 0; start < m; start += size) {
      const n = Math.min(size, m - start);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let f = 0; f < F; f++) chunk.setColumnValues(f, Array.from(x.data.subarray(f * m + start, f * m + start + n)));
      chunk.setColumnValues(F, Array.from(y.data.subarray(start, start + n)));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    await connection.run(`COPY samples TO ${lit(path)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Puts x and y into a PostgreSQL table of columns x1…xF and y (real, or `type`), replacing it; returns the query that reads it. */
export async function writePostgres(x: Matrix, y: Matrix, url: string, table: string, type: 'real' | 'double precision' = 'real'): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const F = x.rows;
    const m = x.cols;
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (${[...Array.from({ length: F }, (_, f) => `x${f + 1} ${type}`), `y ${type}`].join(', ')})`);
    // one array a column, unnest making them rows: as simple-nn shard loads its shards
    const names = [...Array.from({ length: F }, (_, f) => `x${f + 1}`), 'y'];
    for (let start = 0; start < m; start += 20000) {
      const end = Math.min(m, start + 20000);
      const columns = [...Array.from({ length: F }, (_, f) => Array.from(x.data.subarray(f * m + start, f * m + end))), Array.from(y.data.subarray(start, end))];
      await client.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${names.map((_, c) => `$${c + 1}::${type}[]`).join(', ')})`, columns);
    }
    await client.query(`ANALYZE ${table}`);
    return `SELECT * FROM ${table}`;
  } finally {
    await client.end();
  }
}

/** Drops a bench table. */
export async function dropPostgres(url: string, table: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
  } finally {
    await client.end();
  }
}

/**
 * Times `--backend sql` on data in a database: ms per sample (several iterations, as the other
 * rows), after warm-up iterations, and what computed (`sql (DuckDB v1.5.6, 2 threads)`).
 */
export async function timePushdown(
  data: { db: string; parquet?: string; sql?: string },
  init: NetworkInit,
  p: Plan,
  m: number,
): Promise<{ ms: number[]; compute: string }> {
  const dataset = await databaseDataset(data);
  const net = createNetwork('sql', init);
  try {
    await trainAsync(net, dataset.source, { a: A, iterations: warmupIterations(m) });
    const iterations = iterationsPerSample(m);
    const bench = new Bench({ iterations: p.samples(m), time: 0, warmup: false, retainSamples: true, throws: true });
    bench.add(`${net.compute} ${m}`, async () => {
      await trainAsync(net, dataset.source, { a: A, iterations });
    });
    const [task] = await bench.run();
    const result = task.result;
    if (result.state !== 'completed' || !result.latency.samples) throw new Error(`${net.compute}: ${result.state}`);
    return { ms: [...result.latency.samples], compute: net.compute };
  } finally {
    net.dispose();
    dataset.source.close?.();
  }
}

/** One DuckDB runner's samples (ms per sample of `iterationsPerSample(m)` iterations or reads), and what computed. */
export interface DuckDbTiming {
  readonly runner: DuckDbRunner;
  readonly ms: number[];
  readonly compute: string;
}

/**
 * Times DuckDB over a Parquet file: `--backend sql` on 1 and on 2 threads, and DuckDB only reading
 * the file on 1 and 2 threads. The four take their samples in turn, round after round (the order
 * rotating), so that a busy spell of this shared machine falls on all of them alike and the ratios
 * between them (2 threads against 1, the pushdown against the read) are measured side by side.
 * tinybench times one task after another, so the rounds are timed here with performance.now.
 */
export async function timeDuckDb(parquet: string, init: NetworkInit, p: Plan, m: number): Promise<DuckDbTiming[]> {
  const opened: { close(): void }[] = [];
  try {
    const contenders: { runner: DuckDbRunner; compute: string; run: () => Promise<unknown> }[] = [];
    const iterations = iterationsPerSample(m);
    for (const threads of [1, 2] as const) {
      const dataset = await databaseDataset({ db: `duckdb:?threads=${threads}`, parquet });
      opened.push({ close: () => dataset.source.close?.() });
      const net = createNetwork('sql', init);
      opened.push({ close: () => net.dispose() });
      const remote = dataset.source.remote;
      if (!isSqlSamples(remote)) throw new Error('timeDuckDb: the data is not in a database');
      const { open, engine } = remote;
      // what the pushdown reads, summed: the query's innermost level (every column CAST to a double)
      const names = [...open.data.features.map((_, f) => `x${f + 1}`), 'y'];
      const read = `SELECT ${names.map((n) => `sum(${n})`).join(', ')} FROM (\n${dataQuery(open.data)}\n) d`;
      const plural: Threads = threads === 1 ? '1 thread' : '2 threads';
      await trainAsync(net, dataset.source, { a: A, iterations: warmupIterations(m) });
      await open.db.row(read);
      contenders.push(
        { runner: `sql (DuckDB, Parquet, ${plural})`, compute: net.compute, run: () => trainAsync(net, dataset.source, { a: A, iterations }) },
        {
          runner: `DuckDB reading the Parquet, ${plural}`,
          compute: `${engine}: each column summed, no model`,
          run: async () => {
            for (let i = 0; i < iterations; i++) await open.db.row(read);
          },
        },
      );
    }
    const ms = await timeInTurns(contenders.map((c) => c.run), p.samples(m));
    return contenders.map(({ runner, compute }, c) => ({ runner, compute, ms: ms[c] }));
  } finally {
    for (const o of opened.reverse()) o.close();
  }
}

/**
 * Times each of `runs` `rounds` times, in turn, round after round (the order rotating), so that a busy
 * spell of this shared machine falls on all of them alike: ms per run, one list each.
 */
export async function timeInTurns(runs: readonly (() => Promise<unknown>)[], rounds: number): Promise<number[][]> {
  const ms: number[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < runs.length; turn++) {
      const k = (round + turn) % runs.length;
      const start = performance.now();
      await runs[k]();
      ms[k].push(performance.now() - start);
    }
  }
  return ms;
}
