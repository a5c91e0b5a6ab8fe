import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileReadError } from '../errors';
import { stringLiteral } from './query';

/** Whether a data path (option `data`) names Parquet: a `.parquet` file or glob of shards (`data/part-*.parquet`), or a folder with `.parquet` files in it. */
export function isParquet(path: string): boolean {
  if (/\.parquet$/i.test(path)) return true;
  try {
    return statSync(path).isDirectory() && holdsParquet(path);
  } catch {
    return false; // not there, or not reachable: the CSV reader says why
  }
}

/** Whether a folder has a `.parquet` file in it or below (looking at a few thousand entries at most). */
function holdsParquet(folder: string): boolean {
  const pending = [folder];
  for (let seen = 0; pending.length > 0 && seen < 5000; ) {
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
