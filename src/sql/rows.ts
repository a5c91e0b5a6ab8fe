import type { Chunk, Scores } from '../data/source';
import { InputError, quote } from '../errors';
import { otherLabelsHint } from '../data/model-columns';
import { sharedFloats } from '../matrix';
import type { OpenData } from './data';
import { dataQuery } from './query';

/** How many rows the query gives (one count over it; on Parquet, DuckDB reads only the files' footers). */
export async function countRows({ db, data }: OpenData): Promise<number> {
  const [m] = await db.row(`SELECT count(*) FROM (\n${data.query}\n) q`);
  return m ?? 0;
}

/**
 * Reads the query's samples into chunks of `chunkSamples` (the last may be shorter), in the
 * database's order, and calls `visit` with each: x features×n and y outputs×n, in buffers that the
 * next chunk reuses (allocated once, in shared memory, as the data loaders allocate). Every value is
 * checked on the way: a feature must be a finite number, a label 0 or 1; the message names the row
 * (1-based, in the query's order) and the column. `m` is the number of rows the query gave when
 * counted: a different number now is an error too. Returns how many 1s each label had.
 */
export async function streamChunks(
  { db, data, where }: OpenData,
  m: number,
  chunkSamples: number,
  dtype: 'float32' | 'float64',
  visit: (chunk: Chunk) => void,
): Promise<number[]> {
  const F = data.features.length;
  const k = data.labels.length;
  const size = Math.max(1, Math.min(chunkSamples, m));
  const xs = sharedFloats(dtype, F * size);
  const ys = sharedFloats(dtype, k * size);
  let offset = 0; // the current chunk is samples offset … offset + n − 1
  let n = Math.min(size, m);
  let filled = 0;
  let j = 0; // the row, over all chunks
  const ones = new Array<number>(k).fill(0);
  const cell = (c: number, name: string) => `${where}: row ${j + 1}, column ${quote(name)}`;
  await db.stream(dataQuery(data), (batch) => {
    for (let i = 0; i < batch.rows; i++, j++) {
      if (j >= m) throw changed(where, m, 'more');
      for (let f = 0; f < F; f++) {
        const v = batch.value(f, i);
        if (v === null) throw new InputError(`${cell(f, data.features[f].name)} is NULL; expected a number`);
        if (!Number.isFinite(v)) throw new InputError(`${cell(f, data.features[f].name)} is ${v}; every value must be a finite number`);
        xs[f * n + filled] = v;
      }
      for (let o = 0; o < k; o++) {
        const v = batch.value(F + o, i);
        if (v !== 0 && v !== 1) {
          const what = `${cell(F + o, data.labels[o].name)} is a label and must be 0 or 1, got ${v === null ? 'NULL' : v}`;
          // as for a CSV: a label of other values is read with the value that means 1
          if (v === null || data.positive !== undefined) throw new InputError(what);
          throw new InputError(what, ...otherLabelsHint(data.forModel === true));
        }
        ys[o * n + filled] = v;
        ones[o] += v;
      }
      if (++filled === n) {
        visit({ x: { rows: F, cols: n, data: xs.subarray(0, F * n) }, y: { rows: k, cols: n, data: ys.subarray(0, k * n) }, offset });
        offset += n;
        n = Math.min(size, m - offset);
        filled = 0;
      }
    }
  });
  if (j !== m) throw changed(where, m, 'fewer');
  return ones;
}

/**
 * Reads the rows of a scores query (s1…sk, then y1…yk: see `scoresQuery`) into chunks of
 * `chunkSamples`, s and y outputs×n each, in buffers the next chunk reuses; `m` rows are expected.
 */
export async function streamScores({ db, where }: OpenData, sql: string, k: number, m: number, chunkSamples: number, visit: (scores: Scores) => void): Promise<void> {
  const size = Math.max(1, Math.min(chunkSamples, m));
  const ss = new Float64Array(k * size);
  const ys = new Float64Array(k * size);
  let offset = 0;
  let n = Math.min(size, m);
  let filled = 0;
  let j = 0;
  await db.stream(sql, (batch) => {
    for (let i = 0; i < batch.rows; i++, j++) {
      if (j >= m) throw changed(where, m, 'more');
      for (let o = 0; o < k; o++) {
        ss[o * n + filled] = batch.value(o, i) ?? NaN;
        ys[o * n + filled] = batch.value(k + o, i) ?? NaN;
      }
      if (++filled === n) {
        visit({ s: { rows: k, cols: n, data: ss.subarray(0, k * n) }, y: { rows: k, cols: n, data: ys.subarray(0, k * n) }, offset });
        offset += n;
        n = Math.min(size, m - offset);
        filled = 0;
      }
    }
  });
  if (j !== m) throw changed(where, m, 'fewer');
}

function changed(where: string, m: number, how: 'more' | 'fewer'): InputError {
  return new InputError(`${where}: gave ${how} rows than the ${m} it counted just before; did the data change while it was read?`);
}
