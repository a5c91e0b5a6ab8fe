import { InputError } from '../errors';
import type { SqlColumn } from './columns';
import { parseDbUrl, scrub } from './url';

/** Some rows of a result whose columns are all numbers (or NULL). */
export interface Batch {
  readonly rows: number;
  /** The value at (column, row), 0-based. */
  value(column: number, row: number): number | null;
}

/**
 * A connection to a database, as the rest of the project sees it: DuckDB (in process) or
 * PostgreSQL. Every failure of the driver or the database (bad SQL, a missing table, an unreachable
 * server, a refused password) is an {@link InputError} of one line that starts with the URL as
 * {@link Database.shown} shows it, never with a password.
 */
export interface Database {
  /** The URL with any password replaced by `***`. */
  readonly shown: string;
  /** Which engine: the generated SQL is the same on both, but for PostgreSQL's `OFFSET 0` fences (see `SumsOptions.fence`). */
  readonly dialect: 'duckdb' | 'postgres';
  /** What runs the queries, for the `backend` label: `DuckDB v1.5.2, 2 threads`, `PostgreSQL 15.8`. */
  engine(): Promise<string>;
  /** The columns of a query's result, without reading its rows. */
  columns(query: string): Promise<SqlColumn[]>;
  /** The one row of an aggregate query, as numbers (NULL as null). */
  row(sql: string): Promise<(number | null)[]>;
  /** Every row of a small query, each value as text (NULL as ''); `values` for its $1, $2, … (PostgreSQL only). */
  texts(sql: string, values?: readonly unknown[]): Promise<string[][]>;
  /** The rows of a query whose columns are all numbers, batch after batch, in the order the database gives them. */
  stream(sql: string, visit: (batch: Batch) => void): Promise<void>;
  /**
   * The files the database has opened since it was opened (DuckDB's FileSystem log: what a query
   * read, whatever its text, through views, computed names or `query()`); it stops keeping them
   * then. Only an engine that reads files here has it (DuckDB).
   */
  filesRead?(): Promise<string[]>;
  /**
   * The file names (and patterns) a query and the database's own views and table macros give the readers, evaluated
   * (DuckDB: `read_csv(concat('g', '*.csv'))` gives `g*.csv`), before anything is opened. Only an
   * engine that reads files here has it (DuckDB).
   */
  namesRead?(query: string): Promise<string[]>;
  /** Runs `read` on one consistent snapshot of the data (PostgreSQL: a read-only repeatable-read transaction). */
  snapshot<T>(read: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the database a URL names (`duckdb:…` or `postgres://…`); its driver is loaded only then. */
export async function openDatabase(url: string): Promise<Database> {
  const parsed = parseDbUrl(url);
  if (parsed.kind === 'duckdb') return (await import('./duckdb')).openDuckDb(parsed);
  return (await import('./postgres')).openPostgres(parsed);
}

/**
 * A driver's error as an {@link InputError}: `SHOWN: the first line of its message`, with every
 * secret scrubbed (a driver may echo a connection string). Ours pass through.
 */
export function databaseError(shown: string, err: unknown, secrets: readonly string[] = [], what = ''): Error {
  if (err instanceof InputError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? 'failed';
  return new InputError(`${shown}: ${what}${scrub(first, secrets)}`);
}
