import { closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { filesUnder } from '../io/walk';
import { fileReadError, InputError, option, shownPath } from '../errors';
import { stringLiteral } from './query';

/**
 * Whether a data path (option `data`) names Parquet: a folder with `.parquet` files in it, a
 * regular file named `….parquet` or that starts and ends with Parquet's magic bytes `PAR1` (whatever
 * its name), or — where nothing is there — a name ending in `.parquet` (a glob of shards such as
 * `data/part-*.parquet`, or a missing file, which DuckDB or the Parquet reader reports). Anything else
 * that is there (a pipe, a device) is not: the CSV reader refuses it in one line, never waiting on it.
 */
export function isParquet(path: string): boolean {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return /\.parquet$/i.test(path); // not there, or not reachable: a glob, or the readers say why
  }
  if (stat.isDirectory()) {
    try {
      return holdsParquet(path);
    } catch (err) {
      throw fileReadError(path, err, 'a folder of Parquet files'); // unreadable: one line (permission denied)
    }
  }
  return stat.isFile() && (/\.parquet$/i.test(path) || hasMagic(path, stat.size));
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

/** The first 4 bytes of every Parquet file, and its last 4. */
const MAGIC = 'PAR1';

/**
 * Whether a regular file of `size` bytes starts and ends with {@link MAGIC} (a CSV whose first
 * column is named `PAR1…` only starts so): reads those 8 bytes only, opened without blocking in case
 * it stopped being a regular file.
 */
function hasMagic(path: string, size: number): boolean {
  if (size < 2 * MAGIC.length) return false;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return false; // cannot be read (EACCES …): the CSV reader says why
  }
  try {
    const bytes = Buffer.alloc(MAGIC.length);
    const at = (position: number) => readSync(fd, bytes, 0, bytes.length, position) === bytes.length && bytes.toString('latin1') === MAGIC;
    return at(0) && at(size - MAGIC.length);
  } finally {
    closeSync(fd);
  }
}

/** Entries of a folder looked at, at most, for a `.parquet` file. */
const LOOK_AT = 5000;

/**
 * Whether a folder has a `.parquet` file (or a link named so) in it or below. After {@link LOOK_AT} entries without one it
 * says yes: DuckDB's glob over the folder then says whether there is any.
 */
function holdsParquet(folder: string): boolean {
  const files = filesUnder(folder, LOOK_AT);
  for (;;) {
    const next = files.next();
    if (next.done) return !next.value; // looked at them all: none; else DuckDB will say
    // what DuckDB's glob FOLDER/**/*.parquet reads: case as written, links to files included
    if (basename(next.value).endsWith('.parquet')) return true;
  }
}

/** The error of a file whose name DuckDB would read as a pattern. */
export function globNamed(path: string): InputError {
  return new InputError(`${shownPath(path)}: is a file whose name has *, ? or [, which DuckDB reads as a pattern (it would read other files, or none of this one); rename it`);
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
  // DuckDB has no escape for them: br[1].parquet would read br1.parquet, star*.parquet starX.parquet too
  if (GLOB.test(path) && existsSync(path)) throw globNamed(path);
  if (!GLOB.test(path)) {
    try {
      if (statSync(path).isDirectory()) files = join(path, '**', '*.parquet');
    } catch (err) {
      throw fileReadError(path, err, 'a Parquet file');
    }
  }
  return `SELECT * FROM read_parquet(${stringLiteral(files)})`;
}
