import { closeSync, constants, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileReadError, InputError, option, shownPath } from '../errors';
import { stringLiteral } from './query';

/**
 * Whether a data path (option `data`) names Parquet: a `.parquet` file or glob of shards
 * (`data/part-*.parquet`), a regular file that starts with Parquet's magic bytes `PAR1` (whatever its
 * name), or a folder with `.parquet` files in it.
 */
export function isParquet(path: string): boolean {
  if (/\.parquet$/i.test(path)) return true;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return holdsParquet(path);
    return stat.isFile() && startsWithMagic(path);
  } catch {
    return false; // not there, or not reachable: the CSV reader says why
  }
}

/**
 * How a data path (option `data`) is read: as Parquet (see {@link isParquet}) or as a CSV file.
 * A folder with no `.parquet` file in it is an {@link InputError}: it is neither (but for one named
 * `….csv`, of which the CSV reader says it is a folder, not the file meant).
 */
export function dataFormat(path: string): 'parquet' | 'csv' {
  if (isParquet(path)) return 'parquet';
  let folder = false;
  try {
    folder = statSync(path).isDirectory() && !/\.csv$/i.test(path);
  } catch {} // not there, or not reachable: the CSV reader says why
  if (folder) {
    throw new InputError(
      option('data'),
      `: ${shownPath(path)} is a folder with no .parquet file in it; expected a CSV file, a Parquet file, or a folder or glob of Parquet files`,
    );
  }
  return 'csv';
}

/** The first 4 bytes of every Parquet file (its last 4 too). */
const MAGIC = 'PAR1';

/** Whether a regular file starts with {@link MAGIC}: reads those 4 bytes only (opened without blocking, in case it stopped being a regular file). */
function startsWithMagic(path: string): boolean {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const bytes = Buffer.alloc(MAGIC.length);
    return readSync(fd, bytes, 0, bytes.length, 0) === bytes.length && bytes.toString('latin1') === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Entries of a folder looked at, at most, for a `.parquet` file. */
const LOOK_AT = 5000;

/**
 * Whether a folder has a `.parquet` file in it or below. After {@link LOOK_AT} entries without one it
 * says yes: DuckDB's glob over the folder then says whether there is any.
 */
function holdsParquet(folder: string): boolean {
  const pending = [folder];
  for (let seen = 0; pending.length > 0; ) {
    if (seen >= LOOK_AT) return true;
    const dir = pending.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      seen++;
      if (entry.isFile() && /\.parquet$/i.test(entry.name)) return true;
      if (entry.isDirectory()) pending.push(join(dir, entry.name));
    }
  }
  return false;
}

/** Glob characters DuckDB expands in a file name. */
const GLOB = /[*?[]/;

/**
 * The query that reads Parquet through DuckDB: `SELECT * FROM read_parquet('…')` over a file, a
 * glob of shards, or every `.parquet` file under a folder (`FOLDER/**\/*.parquet`). A file that is not
 * there is an {@link InputError} here; a glob that matches nothing, DuckDB's.
 */
export function parquetQuery(path: string): string {
  let files = path;
  if (!GLOB.test(path)) {
    try {
      if (statSync(path).isDirectory()) files = join(path, '**', '*.parquet');
    } catch (err) {
      throw fileReadError(path, err, 'a Parquet file');
    }
  }
  return `SELECT * FROM read_parquet(${stringLiteral(files)})`;
}
