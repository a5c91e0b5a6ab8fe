import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { LABEL_VALUES_KEPT } from '../data/csv';
import type { Dataset } from '../data/dataset';
import { InputError, LIST_ITEMS, option, quote, shownList, shownPath } from '../errors';
import { fileKind } from '../io/atomic';
import { globbed, homed, isGlob } from '../io/glob';
import { bool, checkOptionsObject, filePath, fn, names, text, type Check } from '../options';
import { planColumns, type ColumnChoice, type SqlColumn } from './columns';
import { openDatabase, type Database } from './database';
import { globNamed, parquetQuery } from './parquet';
import { cleanQuery, labelValuesQuery, type SqlData } from './query';
import { DEFAULT_DB, parseDbUrl, redactUrl } from './url';
import { kernelInputReason } from '../io/kernel-fs';

/** Data in a database: a query (option `sql`) or Parquet (option `data`), the database that runs it (option `db`), and the column choice. */
export interface SqlSpec {
  /** A database URL (see `parseDbUrl`); default `duckdb:`, DuckDB in memory. */
  readonly db?: string;
  /** A query whose columns are the features and the labels. */
  readonly sql?: string;
  /** Parquet read through DuckDB: a file, a folder of `.parquet` files, or a glob of shards. */
  readonly parquet?: string;
  /** The column choice, or how to make it from the data's columns (`where` names the data in messages), e.g. `modelColumns`. */
  readonly columns?: ColumnChoice | ((columns: readonly SqlColumn[], where: string) => ColumnChoice);
  /**
   * Told the files the database opened to read the query's columns (DuckDB; see `Database.filesRead`),
   * and the names and patterns the query and the database's views read files by, evaluated (see
   * `Database.namesRead`), before any row is read.
   */
  readonly onFilesRead?: (paths: readonly string[], names: readonly string[]) => void;
}

/** A database opened on some data, its columns chosen: what loading, explaining and pushing down start from. */
export interface OpenData {
  readonly db: Database;
  readonly data: SqlData;
  /** The data in messages: the Parquet path, or `the query`. */
  readonly where: string;
  /** The data's name (the report's `data:`, the model file): the Parquet path, or `SQL on URL` (redacted). */
  readonly name: string;
}

/** The name the data has before its database is opened (for messages about the options). */
export function sqlDataName(spec: SqlSpec): string {
  if (spec.parquet !== undefined) return shownPath(spec.parquet);
  const url = redactUrl(spec.db ?? DEFAULT_DB);
  return `SQL on ${/^duckdb:(:memory:)?$/i.test(url) ? 'duckdb (in memory)' : url}`;
}

/**
 * What the dataset records of the column choice (for the model file): the positive label value and,
 * as for a CSV, the label values it read and what each became (at most {@link LABEL_VALUES_KEPT};
 * one query per label column), the columns left out.
 */
export async function known(open: OpenData): Promise<Pick<Dataset, 'positive' | 'labelValues' | 'ignoredColumns'>> {
  const { data } = open;
  const labelValues: Record<string, 0 | 1> = {};
  if (data.positive !== undefined) {
    for (let o = 0; o < data.labels.length; o++) {
      for (const [value, one] of await open.db.texts(labelValuesQuery(data, o, LABEL_VALUES_KEPT))) {
        if (Object.keys(labelValues).length < LABEL_VALUES_KEPT) labelValues[value] = Number(one) === 1 ? 1 : 0;
      }
    }
  }
  return {
    ...(data.positive !== undefined && { positive: data.positive, labelValues }),
    ...(data.ignored.length > 0 && { ignoredColumns: data.ignored.map((c) => c.name) }),
  };
}

/**
 * With `positive`: every label column must have that value somewhere (`ones[o]`: its 1s), or the
 * value is likely a typo; the message then lists some of the column's values, as for a CSV.
 */
export async function checkPositiveSeen(open: OpenData, ones: readonly number[]): Promise<void> {
  const { data, where } = open;
  if (data.positive === undefined) return;
  const o = data.labels.findIndex((_, l) => !ones[l]);
  if (o < 0) return;
  const values = (await open.db.texts(labelValuesQuery(data, o, LIST_ITEMS + 1))).map(([value]) => value);
  throw new InputError(
    option('positive'),
    `: no row of ${where} has ${quote(data.positive)} in the label column ${quote(data.labels[o].name)}` +
      (values.length > 0 ? `; its values include ${shownList(values, { quoted: true })}` : ''),
  );
}

/** The keys of a {@link SqlSpec} and their rules (the columns are checked when the query's are known: {@link COLUMN_RULES}). */
const SPEC_RULES = { db: text, sql: text, parquet: filePath, columns: undefined, onFilesRead: fn };

/** The keys of a {@link ColumnChoice} and their rules (the names are matched to the query's columns when they are planned). */
const COLUMN_RULES: Readonly<Record<keyof ColumnChoice, Check>> = { labels: names, unlabeled: bool, features: names, ignore: names, positive: text, forModel: bool };

/** A {@link SqlSpec} from a caller: an object of those keys, with exactly one of sql and parquet. */
function checkSqlSpec(spec: unknown): asserts spec is SqlSpec {
  if (spec === undefined) throw new InputError('the data in a database: give an object with sql (a query) or parquet (a file), and db');
  checkOptionsObject('the data in a database', spec, SPEC_RULES);
  const { sql, parquet } = spec as SqlSpec;
  if ((sql === undefined) === (parquet === undefined)) {
    throw new InputError(`the data in a database: give exactly one of sql (a query) and parquet (a file), got ${sql === undefined ? 'neither' : 'both'}`);
  }
}

/** Opens the database and chooses the columns of the query (reading no rows); the caller closes `db`. */
export async function openSqlData(spec: SqlSpec): Promise<OpenData> {
  checkSqlSpec(spec);
  const url = spec.db ?? DEFAULT_DB;
  if (spec.parquet !== undefined && parseDbUrl(url).kind !== 'duckdb') {
    throw new InputError(option('db'), `: Parquet is read by DuckDB; give a duckdb: URL (e.g. duckdb:?threads=2), not ${redactUrl(url)}`);
  }
  const query = spec.parquet !== undefined ? parquetQuery(spec.parquet) : cleanQuery(spec.sql!);
  const where = spec.parquet !== undefined ? shownPath(spec.parquet) : 'the query';
  const db = await openDatabase(url);
  try {
    const names = db.namesRead ? await db.namesRead(query) : [];
    checkNamesReadable(names, where);
    const columns = await db.columns(query);
    const files = db.filesRead ? await db.filesRead() : [];
    if (spec.onFilesRead) spec.onFilesRead(files, names);
    const choice = typeof spec.columns === 'function' ? spec.columns(columns, where) : spec.columns;
    checkOptionsObject('the data in a database: columns', choice, COLUMN_RULES);
    const plan = planColumns(where, columns, choice);
    const shardKey = await findShardKey(db, plan.ignored);
    return { db, data: { query, ...plan, ...(shardKey !== undefined && { shardKey }) }, where, name: sqlDataName(spec) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** Entries looked at, at most, under the folder of a pattern the query reads, for one that is no file. */
const LOOK_AT = 100_000;

/**
 * A name DuckDB can open while it logs the files it reads (which tells this program what was
 * read): its log writes the name into JSON unescaped, and fails with "Malformed JSON" on a quote,
 * a backslash or a control character.
 */
function checkOpenable(path: string): void {
  if (/["\\\x00-\x1f]/.test(path)) {
    throw new InputError(`"${shownPath(path)}" has a quote, a backslash or a control character in its name: DuckDB cannot open it while it logs the files it reads (rename the file)`);
  }
}

/**
 * The files the query reads by `names` (and by the patterns among them) must be regular files (or
 * folders, which DuckDB refuses itself): DuckDB opening a named pipe waits on it, and a device it
 * reads forever. Checked by stat, which never opens, before DuckDB opens anything.
 */
function checkNamesReadable(names: readonly string[], where: string): void {
  for (const name of names) {
    if (/^[A-Za-z][\w+.-]*:\/\//.test(name) && !/^file:\/\//i.test(name)) continue; // https://, s3://: not a file here
    const path = homed(name.replace(/^file:\/\//i, ''));
    checkOpenable(path);
    // a name with glob characters is read as a pattern even where a file of that very name exists
    // (DuckDB has no escape for them): br[1].parquet would read br1.parquet
    if (isGlob(path) && existsSync(path)) throw globNamed(path);
    // a pattern's files as DuckDB lists them: from the working folder, written as given
    for (const file of isGlob(path) ? globbed(resolve(path), LOOK_AT).map((found) => (isAbsolute(path) ? found : relative('.', found))) : [path]) {
      if (file !== path) checkOpenable(file);
      let stat;
      try {
        stat = statSync(file);
      } catch {
        continue; // not there: DuckDB says so
      }
      const reads = where === 'the query' ? 'the query reads' : `${where} includes`;
      const kernel = stat.isFile() ? kernelInputReason(file) : undefined;
      if (kernel) throw new InputError(`${reads} "${shownPath(file)}", which ${kernel}`);
      if (stat.isFile() || stat.isDirectory()) continue;
      throw new InputError(`${reads} "${shownPath(file)}", which is ${fileKind(stat)}; it must be a regular file (save the data to a file and give its name)`);
    }
  }
}

/**
 * The ignored column, if any, that has the name of the (one-column) partition key of a partitioned
 * table in a PostgreSQL database: the sums are then grouped by it, and run on each shard (see
 * docs/sharding.md). Grouping by a column that is not a partition key gives the same sums, added in
 * another order.
 */
async function findShardKey(db: Database, ignored: readonly SqlColumn[]): Promise<string | undefined> {
  if (db.dialect !== 'postgres' || ignored.length === 0) return undefined;
  const keys = await db.texts(
    'SELECT DISTINCT a.attname FROM pg_catalog.pg_partitioned_table p JOIN pg_catalog.pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partnatts = 1',
  );
  const names = new Set(keys.map(([name]) => name));
  return ignored.find((c) => names.has(c.name))?.name;
}
