import { createServer, connect, type Server, type Socket } from 'node:net';
import { shard } from '../src/cli/shard';
import { createNetwork } from '../src/network/create';
import type { NetworkInit } from '../src/network/network';
import { databaseDataset } from '../src/sql/samples';
import { trainAsync } from '../src/training';
import type { Case } from './cases';
import { A, iterationsPerSample, warmupIterations, type Plan } from './plan';
import { dropPostgres, timeInTurns, writePostgres } from './pushdown';

/**
 * The sharded rows: `--backend sql` on one PostgreSQL server holding every sample, against a
 * coordinator whose partitioned table has its partitions on two shard servers (postgres_fdw, made
 * by `simple-nn shard`), so each shard sums its own samples. Every connection goes through a
 * counting TCP relay, so the bytes an iteration moves are measured, not estimated: between the
 * coordinator and the shards, and between this process and the server it queries.
 */
export type ShardRunner =
  | 'sql (PostgreSQL, one server)'
  | 'sql (PostgreSQL, one server, no parallel workers)'
  | 'sql (PostgreSQL, 2 shards)'
  | 'the 2 shards queried at once, no coordinator';

export interface ShardTiming {
  readonly runner: ShardRunner;
  /** ms per timed sample of `iterationsPerSample(m)` iterations. */
  readonly ms: number[];
  readonly compute: string;
  /** Bytes per iteration between the coordinator and its shards, both ways (0 on one server). */
  readonly bytesBetweenServers: number;
  /** Bytes per iteration between this process and the server it queries, both ways. */
  readonly bytesToClient: number;
  /** Connections the coordinator opened to the shards during the timed iterations (postgres_fdw keeps them open). */
  readonly shardConnections: number;
}

/** A TCP relay to host:port that counts the bytes it carries each way. */
interface Relay {
  readonly port: number;
  bytes: number;
  connections: number;
  close(): Promise<void>;
}

async function relay(host: string, port: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const counted: Relay = { port: 0, bytes: 0, connections: 0, close: async () => undefined };
  const server: Server = createServer((inbound) => {
    counted.connections++;
    const outbound = connect(port, host);
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        counted.bytes += chunk.length;
        to.write(chunk);
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => sockets.delete(from));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(counted, {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

/** The URL with its host and port replaced by the relay's. */
function through(url: string, r: Relay): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(r.port);
  return u.toString();
}

async function relayTo(url: string): Promise<Relay> {
  const u = new URL(url);
  return relay(u.hostname, Number(u.port || 5432));
}

/**
 * Times `--backend sql` on the case on one server (the first shard's, every sample in one table)
 * and on the coordinator over two shards (the samples split by `simple-nn shard`), their samples
 * taken in turn, round after round, as the DuckDB rows are; then the bytes per iteration of each.
 */
export async function timeShards(c: Case, init: NetworkInit, p: Plan, m: number, coordinatorUrl: string, shardUrls: string[], log: (line: string) => void): Promise<ShardTiming[]> {
  const table = `simple_nn_bench_shards_${process.pid}`;
  const single = `simple_nn_bench_one_${process.pid}`;
  const serial = `simple_nn_bench_serial_${process.pid}`;
  const relays: Relay[] = [];
  const opened: (() => void)[] = [];
  try {
    const toShards = await Promise.all(shardUrls.map(relayTo));
    const toCoordinator = await relayTo(coordinatorUrl);
    const toOne = await relayTo(shardUrls[0]);
    relays.push(...toShards, toCoordinator, toOne);
    log(`  synthetic ${m}: simple-nn shard onto ${shardUrls.length} shards, and one server's table of every sample`);
    let stderr = '';
    const made = await shard(['--db', coordinatorUrl, '--shards', toShards.map((r, i) => through(shardUrls[i], r)).join(','), '--table', table, '--x', c.xPath, '--y', c.yPath, '--replace'], {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
    });
    if (made !== 0) throw new Error(`simple-nn shard: ${stderr.trim()}`);
    // double precision, as simple-nn shard makes the shards' columns: both read the same bytes per sample
    await writePostgres(c.data.inMemory!.x, c.data.inMemory!.y, shardUrls[0], single, 'double precision');
    // the floor of this machine: the one server scans in parallel (a leader and workers on both cores), but a
    // shard runs the query postgres_fdw sends it in one process (a cursor's query is never parallel)
    await onServer(shardUrls[0], [`DROP TABLE IF EXISTS ${serial}`, `CREATE TABLE ${serial} AS SELECT * FROM ${single}`, `ALTER TABLE ${serial} SET (parallel_workers = 0)`, `ANALYZE ${serial}`]);

    const iterations = iterationsPerSample(m);
    const contenders: { runner: ShardRunner; compute: string; client: Relay[]; between: Relay[]; run: () => Promise<unknown> }[] = [];
    for (const [runner, db, sql, client] of [
      ['sql (PostgreSQL, one server)', through(shardUrls[0], toOne), `SELECT * FROM ${single}`, toOne],
      ['sql (PostgreSQL, one server, no parallel workers)', through(shardUrls[0], toOne), `SELECT * FROM ${serial}`, toOne],
      ['sql (PostgreSQL, 2 shards)', through(coordinatorUrl, toCoordinator), `SELECT * FROM ${table}`, toCoordinator],
    ] as const) {
      // as `train --sql 'SELECT * FROM NAME' --ignore shard` reads it: the ignored partition key groups the sums per shard
      const dataset = await databaseDataset({ db, sql, columns: { labels: ['y'], ignore: runner === 'sql (PostgreSQL, 2 shards)' ? ['shard'] : [] } });
      opened.push(() => dataset.source.close?.());
      const net = createNetwork('sql', init);
      opened.push(() => net.dispose());
      await trainAsync(net, dataset.source, { a: A, iterations: warmupIterations(m) });
      const between = runner === 'sql (PostgreSQL, 2 shards)' ? toShards : [];
      contenders.push({ runner, compute: net.compute, client: [client], between, run: () => trainAsync(net, dataset.source, { a: A, iterations }) });
    }
    // the floor of what the two shard servers can do at once on this machine: each queried for its own
    // half's sums straight from here, both at the same time (each network trains on its half alone)
    const halves: { net: ReturnType<typeof createNetwork>; dataset: Awaited<ReturnType<typeof databaseDataset>> }[] = [];
    for (let i = 0; i < shardUrls.length; i++) {
      const dataset = await databaseDataset({ db: through(shardUrls[i], toShards[i]), sql: `SELECT * FROM ${table}_${i + 1}`, columns: { labels: ['y'], ignore: ['shard'] } });
      opened.push(() => dataset.source.close?.());
      const net = createNetwork('sql', init);
      opened.push(() => net.dispose());
      await trainAsync(net, dataset.source, { a: A, iterations: warmupIterations(m) });
      halves.push({ net, dataset });
    }
    contenders.push({
      runner: 'the 2 shards queried at once, no coordinator',
      compute: `${halves[0].net.compute} × ${halves.length}, in parallel`,
      client: toShards,
      between: [],
      run: () => Promise.all(halves.map(({ net, dataset }) => trainAsync(net, dataset.source, { a: A, iterations }))),
    });
    const ms = await timeInTurns(contenders.map((k) => k.run), p.samples(m));
    // the bytes of one run of `iterations`, each contender alone
    const measured: Pick<ShardTiming, 'bytesBetweenServers' | 'bytesToClient' | 'shardConnections'>[] = [];
    const total = (rs: readonly Relay[], of: 'bytes' | 'connections') => rs.reduce((sum, r) => sum + r[of], 0);
    for (const k of contenders) {
      for (const r of relays) Object.assign(r, { bytes: 0, connections: 0 });
      await k.run();
      measured.push({ bytesBetweenServers: total(k.between, 'bytes') / iterations, bytesToClient: total(k.client, 'bytes') / iterations, shardConnections: total(k.between, 'connections') });
    }
    return contenders.map(({ runner, compute }, k) => ({ runner, compute, ms: ms[k], ...measured[k] }));
  } finally {
    for (const close of opened.reverse()) close();
    await dropPostgres(shardUrls[0], single).catch(() => undefined);
    await dropPostgres(shardUrls[0], serial).catch(() => undefined);
    await dropSharded(coordinatorUrl, shardUrls, table).catch(() => undefined);
    for (const r of relays) await r.close();
  }
}

/** Runs statements on a server, one after another. */
async function onServer(url: string, statements: readonly string[]): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops the coordinator's partitioned table, its foreign servers, and the shards' tables. */
async function dropSharded(coordinatorUrl: string, shardUrls: string[], table: string): Promise<void> {
  await onServer(coordinatorUrl, [`DROP TABLE IF EXISTS ${table} CASCADE`, ...shardUrls.map((_, i) => `DROP SERVER IF EXISTS simple_nn_${table}_${i + 1} CASCADE`)]);
  for (let i = 0; i < shardUrls.length; i++) await dropPostgres(shardUrls[i], `${table}_${i + 1}`);
}
