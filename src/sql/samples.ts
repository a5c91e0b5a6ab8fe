import type { Dataset } from '../data/dataset';
import { DEFAULT_CHUNK_SAMPLES } from '../data/npy-source';
import type { RemoteSamples, SampleSource } from '../data/source';
import { InputError, quote } from '../errors';
import { otherLabelsHint } from '../data/model-columns';
import { checkPositiveSeen, known, openSqlData, type OpenData, type SqlSpec } from './data';
import { checkQuery, scoresQuery } from './query';
import { streamScores } from './rows';

/** Samples that stay in their database: what the `sql` network attaches to and sums over, in place. */
export interface SqlSamples extends RemoteSamples {
  readonly open: OpenData;
  /** What runs the queries: `DuckDB v1.5.2, 2 threads`. */
  readonly engine: string;
}

export function isSqlSamples(remote: RemoteSamples | undefined): remote is SqlSamples {
  return remote !== undefined && 'open' in remote && 'engine' in remote;
}

/**
 * The data of a query or of Parquet left where it is, for the sql backend: nothing is read into
 * this process but the answers of two queries — the columns (no rows), and one pass that counts
 * the samples and the unusable values (a NULL, NaN or infinite feature, a label other than 0 and
 * 1), which are errors here, as for every other data. Training then sums in the database; the
 * predictions at the end are computed there too ({@link SampleSource.scoresAsync}): s and y come back.
 * Closing the source closes the database.
 */
export async function databaseDataset(spec: SqlSpec): Promise<Dataset> {
  const open = await openSqlData(spec);
  try {
    const { data, where, name } = open;
    const F = data.features.length;
    const k = data.labels.length;
    const [m, ...counts] = await open.db.row(checkQuery(data));
    if (!m) throw new InputError(`${where}: no rows; expected at least one sample`);
    counts.slice(0, F + k).forEach((count, c) => {
      if (!count) return;
      const what = c < F ? data.features[c] : data.labels[c - F];
      const values = `${count} value${count === 1 ? '' : 's'}`;
      const labelHas = `${where}: column ${quote(what.name)} is a label and has ${values}`;
      if (c < F) throw new InputError(`${where}: column ${quote(what.name)} has ${values} that ${count === 1 ? 'is' : 'are'} NULL, NaN or infinite; every value must be a finite number`);
      if (data.positive !== undefined) throw new InputError(`${labelHas} that ${count === 1 ? 'is' : 'are'} NULL`);
      throw new InputError(`${labelHas} other than 0 and 1 (or NULL)`, ...otherLabelsHint(false));
    });
    await checkPositiveSeen(open, counts.slice(F + k).map((v) => v ?? 0));
    const remote: SqlSamples = { name, open, engine: await open.db.engine() };
    const source: SampleSource = {
      features: F,
      outputs: k,
      samples: m,
      remote,
      dtype: 'float64',
      cellName: (r, j) => `${where}: row ${j + 1}, column ${quote(data.features[r].name)}`,
      forEachChunk() {
        throw new InputError(`${name}: the samples stay in the database; they are used there (fitAsync, evaluateAsync)`);
      },
      scoresAsync: (W, b, chunkSamples, visit) =>
        streamScores(open, scoresQuery(data, W, b, { fence: open.db.dialect === 'postgres' }), k, m, chunkSamples ?? DEFAULT_CHUNK_SAMPLES, visit),
      close() {
        void open.db.close();
      },
    };
    return { source, featureNames: data.features.map((c) => c.name), labelNames: data.labels.map((c) => c.name), name, ...(await known(open)) };
  } catch (err) {
    await open.db.close();
    throw err;
  }
}
