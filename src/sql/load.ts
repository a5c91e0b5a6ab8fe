import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inMemory, type Dataset } from '../data/dataset';
import { NpyWriter } from '../data/npy';
import { DEFAULT_CHUNK_SAMPLES, npyDataset } from '../data/npy-source';
import type { Chunk } from '../data/source';
import { InputError, quote } from '../errors';
import { bool, checkOptionsObject, rulesOf } from '../options';
import { checkPositiveSeen, known, openSqlData, type OpenData, type SqlSpec } from './data';
import { countRows, streamChunks } from './rows';

/** Data that would take more memory than this (as x.npy files do) is cached on disk and streamed. */
const STREAM_BYTES = 1 << 30;

/**
 * The samples of a query or of Parquet, read into this process for a backend that computes here
 * (every backend but `sql`), checked as CSV and .npy data are:
 * - whole in memory when they fit (under 1 GiB of x, and no `chunkSamples`): one pass of the query
 *   into x and y;
 * - otherwise written once into a temporary .npy cache (x.npy and y.npy in a folder of the system's
 *   temporary folder, unlinked as soon as they are open), which every iteration then streams from
 *   disk exactly as .npy files given as x and y stream. The database is read once; the
 *   cache takes as much disk as x and y.
 *
 * x is float32 when every feature column is (REAL/FLOAT), else float64; y has x's type.
 *
 * `predicting`: data a saved model predicts (columns e.g. `modelColumns`), read whole into memory
 * whatever its size, as a CSV to predict is; its labels, if any, need not have `positive` anywhere.
 */
export async function loadSqlDataset(spec: SqlSpec, options: { chunkSamples?: number; predicting?: boolean } = {}): Promise<Dataset> {
  checkOptionsObject('loadSqlDataset', options, { ...rulesOf('chunkSamples'), predicting: bool });
  const { chunkSamples, predicting = false } = options;
  const open = await openSqlData(spec);
  try {
    return await open.db.snapshot(async () => {
      const m = await countRows(open);
      if (m === 0) throw new InputError(`${open.where}: no rows; expected at least one sample`);
      const dtype = open.data.features.every((c) => c.kind === 'float32') ? 'float32' : 'float64';
      const bytes = open.data.features.length * m * (dtype === 'float32' ? 4 : 8);
      if (predicting || (chunkSamples === undefined && bytes <= STREAM_BYTES)) return readWhole(open, m, dtype, !predicting);
      return cacheAsNpy(open, m, dtype);
    });
  } finally {
    await open.db.close();
  }
}

const featureNames = ({ data }: OpenData) => data.features.map((c) => c.name);
const labelNames = ({ data }: OpenData) => data.labels.map((c) => c.name);
const cellNames = (open: OpenData) => (r: number, j: number) => `${open.where}: row ${j + 1}, column ${quote(open.data.features[r].name)}`;

async function readWhole(open: OpenData, m: number, dtype: 'float32' | 'float64', training: boolean): Promise<Dataset> {
  let whole: Chunk | undefined;
  const ones = await streamChunks(open, m, m, dtype, (chunk) => {
    whole = chunk;
  });
  if (training) await checkPositiveSeen(open, ones);
  return { ...inMemory(whole!.x, whole!.y, featureNames(open), labelNames(open), open.name, cellNames(open)), ...(await known(open)) };
}

async function cacheAsNpy(open: OpenData, m: number, dtype: 'float32' | 'float64'): Promise<Dataset> {
  const dir = mkdtempSync(join(tmpdir(), 'simple-nn-sql-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove); // while the files are written
  try {
    const [xPath, yPath] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
    const xWriter = new NpyWriter(xPath, open.data.features.length, m, dtype);
    const yWriter = new NpyWriter(yPath, open.data.labels.length, m, dtype);
    try {
      const ones = await streamChunks(open, m, DEFAULT_CHUNK_SAMPLES, dtype, ({ x, y }) => {
        xWriter.appendColumns(x);
        yWriter.appendColumns(y);
      });
      await checkPositiveSeen(open, ones);
    } catch (err) {
      // the files are incomplete, and say so on close: the reason is this error
      for (const writer of [xWriter, yWriter]) {
        try {
          writer.close();
        } catch {}
      }
      throw err;
    }
    xWriter.close();
    yWriter.close();
    const cached = npyDataset(xPath, yPath, { stream: true });
    return { ...cached, source: { ...cached.source, cellName: cellNames(open) }, featureNames: featureNames(open), labelNames: labelNames(open), name: open.name, ...(await known(open)) };
  } finally {
    // the streaming source holds the files open, and reads them until it closes; their names go now,
    // so that nothing is left behind however the process ends (a second Ctrl-C included)
    process.off('exit', remove);
    remove();
  }
}
