import type { Dataset } from '../data/dataset';
import { InputError, quote } from '../errors';
import { openDatabase, type Database } from '../sql/database';
import { dataFormat } from '../sql/parquet';
import { identifier, stringLiteral } from '../sql/query';
import { parseDbUrl, redactUrl } from '../sql/url';
import { parseNameList, parseOptions } from './args';
import { plural } from './report';
import type { Io } from './run';
import type { DataArgs } from './types';

export const SHARD_HELP = `Splits data into N shards on N PostgreSQL servers, and makes on a coordinator the partitioned
table over them (its partitions foreign tables, through postgres_fdw), to train on with --backend sql:
each shard then sums its own samples (see docs/sharding.md).

Usage: simple-nn shard --db URL --shards URL,URL[,…] --table NAME (--data FILE.csv|FILE.parquet | --x x.npy --y y.npy)
       [--label COL[,COL…]] [--features A,B,… | --ignore A,B,…] [--positive VALUE] [--replace]

  --db URL             the coordinator: postgres://user:password@host:port/db
  --shards URL,…       the shard servers, one URL each (the coordinator reaches them at these
                       addresses); the samples are split into as many runs of consecutive samples
  --table NAME         the coordinator's table NAME, partitioned by LIST (shard); on shard i the
                       table NAME_i, and on the coordinator the foreign table NAME_i and the server
                       simple_nn_NAME_i
  --data, --x/--y      the samples, read as train reads them (--label, --features, --ignore, --positive too)
  --replace            replace those tables and servers when they exist (else they are refused)
  -h, --help           this text

Then: simple-nn train --backend sql --db URL --sql 'SELECT * FROM NAME' --ignore shard
`;

/** The partition key column of the tables made. */
const KEY = 'shard';
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;
/** Rows per INSERT (each column one array parameter). */
const ROWS_PER_INSERT = 20000;

/** A shard's or the coordinator's connection, with the name messages give it. */
interface Server {
  readonly label: string;
  readonly url: string;
  db?: Database;
}

/** `simple-nn shard`: samples → N shard tables + the coordinator's partitioned table of foreign tables. */
export async function shard(argv: readonly string[], io: Io): Promise<number> {
  const values = parseOptions(argv, {
    db: { type: 'string' },
    shards: { type: 'string' },
    table: { type: 'string' },
    data: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    label: { type: 'string' },
    features: { type: 'string' },
    ignore: { type: 'string' },
    positive: { type: 'string' },
    replace: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(SHARD_HELP);
    return 0;
  }
  const { db, shards, table } = values;
  if (db === undefined || shards === undefined || table === undefined) throw new InputError('--db URL, --shards URL,URL and --table NAME are required (see --help)');
  if (!NAME.test(table)) throw new InputError(`--table: ${quote(table)} is not a plain table name; expected letters, digits and _ (at most 41), not starting with a digit`);
  const coordinator: Server = { label: 'the coordinator', url: postgresUrl('--db', db) };
  const servers: Server[] = shards.split(',').map((url, i) => ({ label: `shard ${i + 1}`, url: postgresUrl(`--shards: shard ${i + 1}`, url.trim()) }));
  refuseSameDatabase([coordinator, ...servers]);
  const data = await readData(values);
  const columns = [...data.featureNames, ...data.labelNames];
  if (columns.includes(KEY)) throw new InputError(`the data has a column ${quote(KEY)}, the name of the shard column the tables get; rename it`);
  try {
    for (const s of [coordinator, ...servers]) s.db = await connect(s);
    await refuseExisting(coordinator, servers, table, values.replace === true);
    const counts = await load(servers, table, data, columns);
    await makeCoordinator(coordinator, servers, table, columns);
    for (const s of servers) await s.db!.texts('COMMIT');
    await coordinator.db!.texts('COMMIT');
    const where = servers.map((s, i) => `${plural(counts[i], 'sample')} on ${redactUrl(s.url)}`).join(', ');
    io.stderr(
      `made ${table} on ${redactUrl(coordinator.url)}, partitioned by ${KEY} into ${plural(servers.length, 'shard')}: ${where}\n` +
        `train with: simple-nn train --backend sql --db '${redactUrl(coordinator.url)}' --sql 'SELECT * FROM ${/[A-Z]/.test(table) ? identifier(table) : table}' --ignore ${KEY}\n`,
    );
    return 0;
  } finally {
    // anything not committed is rolled back when its connection closes
    for (const s of [coordinator, ...servers]) await s.db?.close();
  }
}

/** A postgres:// URL, else one line naming whose it is (never the password). */
/**
 * Each server a database of its own: the coordinator's foreign table NAME_i and shard i's table
 * NAME_i would be one table in one database (and the two connections' transactions wait on each
 * other for ever). Compared by host (or socket folder), port and database name.
 */
function refuseSameDatabase(servers: readonly Server[]): void {
  const keyOf = (url: string) => {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? (decodeURIComponent(u.hostname) || 'localhost');
    const port = u.port || u.searchParams.get('port') || '5432';
    const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || process.env.USER || '';
    return `${host.replace(/^(127\.0\.0\.1|::1|\[::1\])$/, 'localhost')}:${port}/${database}`;
  };
  const keys = servers.map((s) => keyOf(s.url));
  for (let i = 1; i < servers.length; i++) {
    const j = keys.indexOf(keys[i]);
    if (j < i) {
      throw new InputError(
        `--shards: ${servers[i].label} (${redactUrl(servers[i].url)}) is the same database as ${servers[j].label} (${redactUrl(servers[j].url)}); each shard needs a database of its own, other than the coordinator's`,
      );
    }
  }
}

function postgresUrl(whose: string, url: string): string {
  let parsed;
  try {
    parsed = parseDbUrl(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.kind !== 'postgres') throw new InputError(`${whose}: ${quote(redactUrl(url))} is not a postgres:// URL`);
  try {
    new URL(url);
  } catch {
    throw new InputError(`${whose}: ${quote(redactUrl(url))} is not a usable URL`);
  }
  return url;
}

async function readData(values: Record<string, string | boolean | undefined>): Promise<Dataset> {
  const text = (name: string) => values[name] as string | undefined;
  const names = (name: string, key: 'labels' | 'features' | 'ignore') => (text(name) === undefined ? undefined : parseNameList(key, text(name)!));
  const columns = { labels: names('label', 'labels'), features: names('features', 'features'), ignore: names('ignore', 'ignore'), positive: text('positive') };
  let args: DataArgs;
  if (text('data') !== undefined) {
    if (text('x') !== undefined || text('y') !== undefined) throw new InputError('choose one data source: --data or --x and --y');
    args = dataFormat(text('data')!) === 'parquet' ? { kind: 'parquet', path: text('data')!, inDatabase: false, ...columns } : { kind: 'csv', path: text('data')!, ...columns };
  } else if (text('x') !== undefined && text('y') !== undefined) {
    args = { kind: 'npy', x: text('x')!, y: text('y')! };
  } else {
    throw new InputError('give the samples with --data FILE.csv, --data FILE.parquet, or --x x.npy --y y.npy');
  }
  const { loadDataset } = await import('./train');
  return loadDataset(args, undefined);
}

async function connect(s: Server): Promise<Database> {
  try {
    const db = await openDatabase(s.url);
    await db.texts('BEGIN');
    return db;
  } catch (err) {
    throw new InputError(`${s.label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs `sql` on a server, an error naming it. */
async function run(s: Server, sql: string, values?: unknown[]): Promise<string[][]> {
  try {
    return await s.db!.texts(sql, values);
  } catch (err) {
    throw new InputError(`${s.label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const shardTable = (table: string, i: number) => `${table}_${i + 1}`;
const serverName = (table: string, i: number) => `simple_nn_${table}_${i + 1}`;

/** Every table and server this would make, refused if it exists (without `replace`), before anything is changed; with it, dropped. */
async function refuseExisting(coordinator: Server, servers: readonly Server[], table: string, replace: boolean): Promise<void> {
  const exists = async (s: Server, what: string, sql: string) => {
    const [[found]] = await run(s, sql);
    if (found === '') return false;
    if (!replace) throw new InputError(`${s.label} (${redactUrl(s.url)}) already has ${what}; give --replace to replace it`);
    return true;
  };
  const drops: [Server, string][] = [];
  if (await exists(coordinator, `a table ${table}`, `SELECT to_regclass(${stringLiteral(identifier(table))})::text`)) drops.push([coordinator, `DROP TABLE ${identifier(table)} CASCADE`]);
  for (let i = 0; i < servers.length; i++) {
    const name = serverName(table, i);
    if (await exists(coordinator, `a foreign server ${name}`, `SELECT (SELECT srvname FROM pg_catalog.pg_foreign_server WHERE srvname = ${stringLiteral(name)})::text`)) {
      drops.push([coordinator, `DROP SERVER ${identifier(name)} CASCADE`]);
    }
    const own = shardTable(table, i);
    if (await exists(servers[i], `a table ${own}`, `SELECT to_regclass(${stringLiteral(identifier(own))})::text`)) drops.push([servers[i], `DROP TABLE ${identifier(own)}`]);
  }
  for (const [s, sql] of drops) await run(s, sql);
}

/** Each shard's table, with its run of consecutive samples (in the open transaction); the samples each got. */
async function load(servers: readonly Server[], table: string, data: Dataset, columns: readonly string[]): Promise<number[]> {
  const { source } = data;
  const N = servers.length;
  const m = source.samples;
  const counts = new Array<number>(N).fill(0);
  const defs = [`${KEY} integer NOT NULL`, ...columns.map((c) => `${identifier(c)} double precision`)]; // the key first: the label stays the last column
  for (let i = 0; i < N; i++) await run(servers[i], `CREATE TABLE ${identifier(shardTable(table, i))} (${defs.join(', ')}, CHECK (${KEY} = ${i + 1}))`);
  const width = columns.length + 1;
  let rows: number[] = [];
  let at = 0; // the shard the rows held are for
  const flush = async () => {
    if (rows.length === 0) return;
    const n = rows.length / width;
    // one array a column (unnest makes them rows): a few parameters, however many rows, parsed by the server's array_in
    const byColumn = Array.from({ length: width }, (_, c) => Array.from({ length: n }, (_, r) => rows[r * width + c]));
    const types = ['integer[]', ...columns.map(() => 'double precision[]')];
    await run(servers[at], `INSERT INTO ${identifier(shardTable(table, at))} SELECT * FROM unnest(${types.map((t, c) => `$${c + 1}::${t}`).join(', ')})`, byColumn);
    rows = [];
  };
  // the chunks are visited synchronously; their rows are queued and inserted after
  const queued: { shard: number; values: number[] }[] = [];
  source.forEachChunk(65536, ({ x, y, offset }) => {
    for (let j = 0; j < x.cols; j++) {
      const sample = offset + j;
      const shardOf = Math.min(N - 1, Math.floor((sample * N) / m));
      const values: number[] = [shardOf + 1];
      for (let f = 0; f < x.rows; f++) values.push(x.data[f * x.cols + j]);
      for (let o = 0; o < y.rows; o++) values.push(y.data[o * y.cols + j]);
      queued.push({ shard: shardOf, values });
      counts[shardOf]++;
    }
  });
  for (const { shard: s, values } of queued) {
    if (s !== at || rows.length / width >= ROWS_PER_INSERT) await flush();
    at = s;
    rows.push(...values);
  }
  await flush();
  for (let i = 0; i < N; i++) await run(servers[i], `ANALYZE ${identifier(shardTable(table, i))}`);
  return counts;
}

/** The coordinator's servers, user mappings, partitioned table and foreign partitions (in its open transaction). */
async function makeCoordinator(coordinator: Server, servers: readonly Server[], table: string, columns: readonly string[]): Promise<void> {
  const defs = [`${KEY} integer NOT NULL`, ...columns.map((c) => `${identifier(c)} double precision`)]; // the key first: the label stays the last column
  await run(coordinator, 'CREATE EXTENSION IF NOT EXISTS postgres_fdw');
  await run(coordinator, `CREATE TABLE ${identifier(table)} (${defs.join(', ')}) PARTITION BY LIST (${KEY})`);
  for (let i = 0; i < servers.length; i++) {
    const url = new URL(servers[i].url);
    const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname || 'localhost');
    const options = [
      `host ${stringLiteral(host)}`,
      `port ${stringLiteral(url.port || '5432')}`,
      `dbname ${stringLiteral(decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username))}`,
      // the shards run their sums at the same time (Async Foreign Scan)
      `async_capable 'true'`,
      // A row fetched from a shard costs the planner 100× the default (0.01): the coordinator knows
      // no row counts of its foreign tables (it guesses a few hundred rows), and at the default it
      // may fetch every row to sum them itself rather than have each shard send its one row of sums
      // (seen at 1e5 samples). At this cost the sums are pushed down at any size.
      `fdw_tuple_cost '1'`,
    ];
    const name = identifier(serverName(table, i));
    await run(coordinator, `CREATE SERVER ${name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (${options.join(', ')})`);
    const user = [`user ${stringLiteral(decodeURIComponent(url.username))}`, ...(url.password ? [`password ${stringLiteral(decodeURIComponent(url.password))}`] : [])];
    await run(coordinator, `CREATE USER MAPPING FOR CURRENT_USER SERVER ${name} OPTIONS (${user.join(', ')})`);
    await run(
      coordinator,
      `CREATE FOREIGN TABLE ${identifier(shardTable(table, i))} PARTITION OF ${identifier(table)} FOR VALUES IN (${i + 1}) SERVER ${name} OPTIONS (table_name ${stringLiteral(shardTable(table, i))})`,
    );
  }
}
