import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance, DuckDBType } from '@duckdb/node-api';
import { fileReadError, InputError, option, shown as echoed, shownPath } from '../errors';
import type { ColumnKind, SqlColumn } from './columns';
import { databaseError, type Batch, type Database } from './database';
import { namesRead, viewQuery, type Tree } from './duckdb-names';
import { stringLiteral } from './query';
import type { DbUrl } from './url';

type DuckDbApi = typeof import('@duckdb/node-api');

/**
 * DuckDB, embedded (`@duckdb/node-api`: its native library ships in the package, nothing to build
 * or download): in memory, or a database file opened read-only. Settings from the URL
 * (`duckdb:?threads=2&memory_limit=300MB`) are the instance's configuration.
 */
export async function openDuckDb(url: Extract<DbUrl, { kind: 'duckdb' }>): Promise<Database> {
  const api = require('@duckdb/node-api') as DuckDbApi;
  // messages start `duckdb: …` for the database in memory, `duckdb:FILE: …` for a file
  const shown = url.shown.replace(/:$/, '');
  const fail = (err: unknown) => databaseError(shown, err);
  const options: Record<string, string> = { ...url.settings };
  if (url.path !== undefined) {
    // DuckDB would make a new, empty database for a name that does not exist
    let isDuckDb: boolean;
    try {
      if (!statSync(url.path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      isDuckDb = isDuckDbFile(url.path);
    } catch (err) {
      throw fileReadError(url.path, err, 'a DuckDB database file');
    }
    // DuckDB itself says "Cannot launch in-memory database in read-only mode!" of a Parquet or CSV file
    if (!isDuckDb) {
      throw new InputError(
        option('db'),
        `: ${shownPath(url.shown)} names a file that is not a DuckDB database; Parquet and CSV files are queried from DuckDB in memory (duckdb:, the default), e.g. `,
        option('sql'),
        ` "SELECT * FROM ${stringLiteral(url.path)}", or given with `,
        option('data'),
      );
    }
    options.access_mode = 'READ_ONLY';
  }
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await api.DuckDBInstance.create(url.path ?? ':memory:', options);
    connection = await instance.connect();
    // every file a query opens, until filesRead() (outputs may not replace them: src/cli/outputs.ts)
    await connection.run("CALL enable_logging('FileSystem')");
  } catch (err) {
    // DuckDB says only "Failed to set config" of a setting it refuses: find which, and why
    if (err instanceof Error && err.message === 'Failed to set config') throw new InputError(`${shown}: ${await refusedSetting(api, url.settings)}`);
    throw fail(err);
  }
  const kinds = kindsOf(api);
  // queries not finished yet: closing DuckDB under a running query would crash the process
  const running = new Set<Promise<unknown>>();
  return {
    shown,
    dialect: 'duckdb',
    async engine() {
      const [[version, threads]] = (await run(() => connection.runAndReadAll("SELECT version(), current_setting('threads')"))).getRowsJS();
      return `DuckDB ${version}, ${threads} thread${Number(threads) === 1 ? '' : 's'}`;
    },
    async filesRead() {
      const opened = await run(() =>
        connection.runAndReadAll(
          "SELECT DISTINCT json_extract_string(message, '$.path') FROM duckdb_logs WHERE type = 'FileSystem' AND json_extract_string(message, '$.op') = 'OPEN'",
        ),
      );
      await run(() => connection.run('CALL disable_logging()'));
      await run(() => connection.run('CALL truncate_duckdb_logs()'));
      return opened.getRowsJS().map(([path]) => String(path).replace(/^file:\/\//, ''));
    },
    async namesRead(query) {
      const views = await run(() => connection.runAndReadAll('SELECT sql FROM duckdb_views() WHERE NOT internal AND sql IS NOT NULL'));
      const macros = await run(() =>
        connection.runAndReadAll("SELECT macro_definition FROM duckdb_functions() WHERE NOT internal AND function_type = 'table_macro' AND macro_definition IS NOT NULL"),
      );
      const sqls = [query, ...views.getRowsJS().flatMap(([sql]) => viewQuery(String(sql)) ?? []), ...macros.getRowsJS().map(([sql]) => String(sql))];
      return namesRead(
        {
          async serialize(sql) {
            const [[json]] = (await run(() => connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]))).getRowsJS();
            // a query_location of 2^64 - 1 (no place) does not survive a JS number: none is needed
            return JSON.parse(String(json), (key, value) => (key === 'query_location' ? 0 : value)) as Tree;
          },
          async evaluate(statement) {
            const rows = (await connection.runAndReadAll('SELECT * FROM json_execute_serialized_sql($1::VARCHAR)', [JSON.stringify(statement)])).getRowsJS();
            return rows[0]?.[0];
          },
        },
        sqls,
      );
    },
    async columns(query) {
      // prepared, not run: the query as given (a syntax error points into it), its result's columns
      const prepared = await run(() => connection.prepare(query));
      try {
        return Array.from({ length: prepared.columnCount }, (_, c) => column(prepared.columnName(c), prepared.columnType(c), kinds));
      } finally {
        prepared.destroySync();
      }
    },
    async row(sql) {
      const rows = (await run(() => connection.runAndReadAll(sql))).getRowsJS();
      return (rows[0] ?? []).map((v) => (v === null ? null : Number(v)));
    },
    async texts(sql, values) {
      if (values !== undefined) throw new Error('texts: query parameters are for PostgreSQL');
      const rows = (await run(() => connection.runAndReadAll(sql))).getRowsJS();
      return rows.map((row) => row.map((v) => (v === null ? '' : String(v))));
    },
    async stream(sql, visit) {
      const result = await run(() => connection.stream(sql));
      for (;;) {
        const chunk = await run(() => result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) return;
        const vectors = Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c));
        const batch: Batch = { rows: chunk.rowCount, value: (c, i) => vectors[c].getItem(i) as number | null };
        visit(batch);
      }
    },
    snapshot: (read) => read(),
    async close() {
      if (running.size > 0) {
        connection.interrupt();
        await Promise.allSettled(running);
      }
      connection.closeSync();
      instance.closeSync();
    },
  };

  async function run<T>(query: () => Promise<T>): Promise<T> {
    const pending = query();
    running.add(pending);
    try {
      return await pending;
    } catch (err) {
      throw fail(err);
    } finally {
      running.delete(pending);
    }
  }
}

/** The bytes a DuckDB database file has at offset 8 (after a checksum). */
const MAGIC = 'DUCK';

/** Whether a regular file is a DuckDB database: reads its first 12 bytes only. */
function isDuckDbFile(path: string): boolean {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const bytes = Buffer.alloc(8 + MAGIC.length);
    return readSync(fd, bytes, 0, bytes.length, 0) === bytes.length && bytes.toString('latin1', 8) === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * Which of the URL's settings DuckDB refused, and why: each is `SET` in turn on a DuckDB of its own
 * (in memory), whose error names the reason (`Could not convert string 'abc' to INT64`). A setting
 * that can only be given at start (`access_mode`) cannot be tried so: then every setting is named.
 */
async function refusedSetting(api: DuckDbApi, settings: Readonly<Record<string, string>>): Promise<string> {
  const pairs = Object.entries(settings);
  const listed = pairs.map(([key, value]) => `${key}=${value}`);
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  try {
    instance = await api.DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    for (const [key, value] of pairs) {
      try {
        await connection.run(`SET "${key}" = ${stringLiteral(value)}`);
      } catch (err) {
        const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
        if (!/while database is running/i.test(reason)) return `DuckDB refused the setting ${echoed(`${key}=${value}`)}: ${reason}`;
      }
    }
  } catch {
    // no DuckDB to try them on: name them all
  } finally {
    connection?.closeSync();
    instance?.closeSync();
  }
  if (listed.length === 1) return `DuckDB refused the setting ${echoed(listed[0])}`;
  return `DuckDB refused one of the settings ${listed.map((s) => echoed(s)).join(', ')}`;
}

/** DuckDB's type ids of number types, and how their values become numbers. */
function kindsOf(api: DuckDbApi): Map<number, ColumnKind> {
  const id = api.DuckDBTypeId;
  return new Map<number, ColumnKind>([
    [id.BOOLEAN, 'boolean'],
    [id.FLOAT, 'float32'],
    ...[id.TINYINT, id.SMALLINT, id.INTEGER, id.BIGINT, id.HUGEINT, id.UTINYINT, id.USMALLINT, id.UINTEGER, id.UBIGINT, id.UHUGEINT, id.DOUBLE, id.DECIMAL].map(
      (t) => [t, 'number'] as [number, ColumnKind],
    ),
  ]);
}

function column(name: string, type: DuckDBType, kinds: Map<number, ColumnKind>): SqlColumn {
  return { name, type: type.toString(), kind: kinds.get(type.typeId) };
}
