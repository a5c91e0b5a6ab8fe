import type { Dataset } from '../data/dataset';
import { InputError } from '../errors';
import type { SqlSpec } from '../sql/data';
import type { DataArgs, SqlDataArgs, TrainArgs } from './types';

/** The CLI's side of data in a database (`--sql`, `--data` Parquet, `--db`, `--backend sql`, `--explain-sql`). */

const isSqlData = (data: DataArgs): data is SqlDataArgs => data.kind === 'sql' || data.kind === 'parquet';

/** The options that go together with data in a database, checked before anything is opened. */
export function checkSqlArgs(args: TrainArgs): void {
  const sqlData = isSqlData(args.data);
  if (args.explainSql) {
    if (!sqlData) throw new InputError('--explain-sql shows the SQL of --backend sql: give the data with --sql "SELECT …" or --data FILE.parquet');
    if (args.backend !== 'sql' && args.backend !== 'auto') throw new InputError(`--explain-sql shows the SQL of --backend sql; --backend ${args.backend} computes here`);
    const written = OUTPUT_FLAGS.filter(([key]) => args.outputs[key] !== undefined).map(([, flag]) => flag);
    if (written.length > 0) throw new InputError(`--explain-sql prints the SQL and trains nothing, so there is nothing to write with ${written.join(', ')}`);
  }
  // --explain-sql shows what --backend sql would run, so it takes what that takes
  if (args.backend === 'sql' || args.explainSql) {
    if (!sqlData) throw new InputError('--backend sql trains where the data lives: give it with --sql "SELECT …" (and --db URL) or --data FILE.parquet');
    if (args.testSplit !== undefined) throw new InputError('--test-split needs the samples in memory; --backend sql keeps them in the database');
    if (args.trace !== undefined) throw new InputError("--trace reads back every sample's z, s, y_pred and e; --backend sql keeps the samples in the database");
    if (args.standardize) throw new InputError('--standardize is not available with --backend sql; standardize the columns in the query');
    if (args.outputs.predictions !== undefined) throw new InputError('--predictions writes every sample back out; with --backend sql, --json has the predictions');
    if (args.chunkSamples !== undefined) throw new InputError('--chunk-samples has nothing to chunk with --backend sql: the database streams the rows itself');
  }
}

/** The options that write a run's results, in the order the help lists them. */
const OUTPUT_FLAGS: readonly [keyof TrainArgs['outputs'], string][] = [
  ['save', '--save'],
  ['exportTfjs', '--export-tfjs'],
  ['plot', '--plot'],
  ['predictions', '--predictions'],
];

function specOf(data: SqlDataArgs, onFilesRead?: SqlSpec['onFilesRead']): SqlSpec {
  const columns = { labels: data.labels, features: data.features, ignore: data.ignore, positive: data.positive };
  const spec = data.kind === 'sql' ? { sql: data.query, db: data.db, columns } : { parquet: data.path, db: data.db, columns };
  return onFilesRead ? { ...spec, onFilesRead } : spec;
}

/**
 * The data of `--sql` or Parquet: left in the database for `--backend sql`, else read into memory
 * (or a .npy cache, streamed). `onFilesRead` is told the files the database opened for it, before
 * any row is read (train refuses outputs that would replace one).
 */
export async function loadSqlData(data: SqlDataArgs, chunkSamples: number | undefined, onFilesRead?: SqlSpec['onFilesRead']): Promise<Dataset> {
  if (data.inDatabase) return (await import('../sql/samples')).databaseDataset(specOf(data, onFilesRead));
  return (await import('../sql/load')).loadSqlDataset(specOf(data, onFilesRead), { chunkSamples });
}

/**
 * `--explain-sql`: the aggregate query of an iteration (without stats, unless every iteration has them: the errors
 * with --until-no-error, and the loss too with --pocket), from the initial W (`--weights`,
 * default zeros) and b (`--bias`, default 0), as text, or with `--json` as `{"sql": "…"}`.
 */
export async function explainTraining(args: TrainArgs): Promise<string> {
  if (!isSqlData(args.data)) throw new Error('explainTraining: not data in a database');
  const { explainSql } = await import('../sql/explain');
  const sql = await explainSql(specOf(args.data), { weights: args.weights, bias: args.bias ?? 0, gradient: args.gradient, track: args.pocket === true ? 'loss' : args.untilNoError && 'errors' });
  return args.json ? `${JSON.stringify({ sql })}\n` : sql;
}
