import type { Client, QueryArrayConfig, QueryArrayResult } from 'pg';
import type { ColumnKind, SqlColumn } from './columns';
import { databaseError, type Database } from './database';
import type { DbUrl } from './url';

/** PostgreSQL's type oids of number types (pg_type), and how their values become numbers. */
const KINDS = new Map<number, ColumnKind>([
  [16, 'boolean'], // bool
  [20, 'number'], // int8
  [21, 'number'], // int2
  [23, 'number'], // int4
  [700, 'float32'], // float4
  [701, 'number'], // float8
  [1700, 'number'], // numeric
]);

/** Rows per FETCH when streaming a result through a cursor. */
const FETCH_ROWS = 8192;

/**
 * PostgreSQL through `pg`. Reading the samples goes through a cursor in a read-only transaction
 * (a few thousand rows at a time, never the whole result in memory); the aggregate of each
 * iteration is one plain query. Messages never show the password: the URL is shown redacted, and
 * the password is scrubbed from anything the driver says.
 */
export async function openPostgres(url: Extract<DbUrl, { kind: 'postgres' }>): Promise<Database> {
  const pg = require('pg') as typeof import('pg');
  const secrets = [...url.secrets, ...(process.env.PGPASSWORD ? [process.env.PGPASSWORD] : [])];
  const fail = (err: unknown, what = '') => databaseError(url.shown, err, secrets, what);
  let client: Client;
  try {
    client = new pg.Client({ connectionString: url.url, connectionTimeoutMillis: 15_000, application_name: 'simple-nn' });
  } catch (err) {
    throw fail(err, 'not a usable URL: ');
  }
  // the server going away between queries: the next query fails with this, not the process
  let lost: Error | undefined;
  client.on('error', (err) => {
    lost = err;
  });
  try {
    await client.connect();
  } catch (err) {
    throw fail(err, 'cannot connect: ');
  }
  let inTransaction = false;
  const query = async (text: string, values?: unknown[]): Promise<QueryArrayResult> => {
    if (lost) throw fail(lost, 'the connection was lost: ');
    try {
      // the extended protocol runs one statement only: a query given as `SELECT …; DROP TABLE t` is refused whole (the simple one ran both)
      return await client.query({ text, values, rowMode: 'array', queryMode: 'extended' } as QueryArrayConfig);
    } catch (err) {
      throw fail(err);
    }
  };
  const numbers = (row: unknown[]) => row.map((v) => (v === null ? null : Number(v)));
  // W and b are literals, so every iteration's query is new to the server: JIT-compiling each one
  // (PostgreSQL does above a cost that 32 features × 1e5 rows pass) took 2 s a query here
  await query('SET jit = off');
  // a partitioned table's aggregate grouped by its key runs on each partition (on each shard, for
  // foreign partitions) only with this on; off by default, and without effect on other tables
  await query('SET enable_partitionwise_aggregate = on');
  return {
    shown: url.shown,
    dialect: 'postgres',
    async engine() {
      const { rows } = await query('SHOW server_version');
      return `PostgreSQL ${String(rows[0][0]).split(' ')[0]}`;
    },
    async columns(sql) {
      // prepared first as given, so that a syntax error points into the query itself
      await query(`PREPARE simple_nn_columns AS\n${sql}`);
      await query('DEALLOCATE simple_nn_columns');
      const { fields } = await query(`SELECT * FROM (\n${sql}\n) q LIMIT 0`);
      const { rows } = await query('SELECT format_type(t.o, t.m) FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS t(o, m, n) ORDER BY t.n', [
        fields.map((f) => f.dataTypeID),
        fields.map((f) => f.dataTypeModifier),
      ]);
      return fields.map((f, c): SqlColumn => ({ name: f.name, type: String(rows[c][0]), kind: KINDS.get(f.dataTypeID) }));
    },
    async row(sql) {
      const { rows } = await query(sql);
      return numbers(rows[0] ?? []);
    },
    async texts(sql, values) {
      const { rows } = await query(sql, values && [...values]);
      return rows.map((row: unknown[]) => row.map((v) => (v === null ? '' : String(v))));
    },
    async stream(sql, visit) {
      const own = !inTransaction;
      if (own) await query('BEGIN READ ONLY');
      try {
        // the rows in the table's order: a partitioned table's partitions one after the other, in
        // their bounds' order (shard 1, shard 2, …), not as the shards happen to answer (async append)
        await query('SET LOCAL enable_async_append = off');
        await query(`DECLARE simple_nn_rows NO SCROLL CURSOR FOR\n${sql}`);
        for (;;) {
          const { rows } = await query(`FETCH FORWARD ${FETCH_ROWS} FROM simple_nn_rows`);
          if (rows.length === 0) break;
          visit({ rows: rows.length, value: (c, i) => (rows[i][c] === null ? null : Number(rows[i][c])) });
        }
        await query('CLOSE simple_nn_rows');
        await query('RESET enable_async_append');
        if (own) await query('COMMIT');
      } catch (err) {
        if (own) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async snapshot(read) {
      await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      inTransaction = true;
      try {
        const result = await read();
        await query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        inTransaction = false;
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
