import type { RemoteSamples } from '../data/source';
import { InputError, option } from '../errors';
import type { Matrix } from '../matrix';
import type { ErrorsAndLoss, Forward, Gradient, Network, NetworkInit, Track } from '../network/network';
import { PlainNetwork } from '../network/plain';
import { readSums, sumsQuery } from './query';
import { isSqlSamples, type SqlSamples } from './samples';

/** The sums of one iteration, as the aggregate query returned them. */
export interface SqlSums {
  readonly xe: Float64Array;
  sumE: number;
  errors: number;
  loss: number;
}

/**
 * The article's network computed where the data lives (backend `sql`): each iteration is ONE
 * aggregate query (see `sumsQuery`) that the database runs over all the samples, returning x·eᵀ and
 * sum(e) — F·k + k numbers, whatever the number of samples. W and b stay here, in float64; the
 * update is plain's, in JavaScript. Predictions on samples in the database are computed there
 * (`scoresAsync`); on samples given here (a saved model's `predict`), with plain's formula.
 *
 * It computes asynchronously (a database answers later): train it with `trainAsync` (the CLI does).
 */
export class SqlNetwork implements Network<SqlSamples, SqlSums> {
  readonly backend = 'sql' as const;
  readonly features: number;
  readonly outputs: number;
  /** `sql (DuckDB v1.5.2, 2 threads)` once attached to data; `sql` before. */
  compute = 'sql';
  /** W and b, and the update: plain's, in float64 (the database only supplies the sums). */
  private readonly here: PlainNetwork;

  constructor(init: NetworkInit) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    this.here = new PlainNetwork(init);
  }

  load(): never {
    throw new InputError(
      option('backend'),
      ' sql computes in a database: give it the data there (',
      option('sql'),
      ', or ',
      option('data'),
      ' with Parquet), not samples in memory',
    );
  }

  attach(remote: RemoteSamples): SqlSamples {
    if (!isSqlSamples(remote)) throw new InputError(`${remote.name}: not samples in a database that backend sql can query`);
    this.compute = `sql (${remote.engine})`;
    return remote;
  }

  unload(): void {}

  async sums({ open }: SqlSamples, gradient: Gradient, track: Track, trace = false): Promise<SqlSums> {
    if (trace) throw new InputError("tracing reads back every sample's z, s, y_pred and e; backend sql keeps the samples in the database");
    const row = await open.db.row(sumsQuery(open.data, this.weights(), this.bias(), { gradient, track, fence: open.db.dialect === 'postgres' }));
    return readSums(row, this.features, this.outputs, track);
  }

  traced(): Forward & { xe: Matrix; sumE: number } {
    throw new Error('backend sql does not trace');
  }

  add(total: SqlSums, part: SqlSums): SqlSums {
    return this.here.add(total, part);
  }

  stats(sums: SqlSums): ErrorsAndLoss {
    return sums;
  }

  update(sums: SqlSums, a: number, m: number): void {
    this.here.update(sums, a, m);
  }

  free(): void {}

  predict(x: Matrix): Matrix {
    return this.here.predict(x);
  }

  predictProba(x: Matrix): Matrix {
    return this.here.predictProba(x);
  }

  weights(): Matrix {
    return this.here.weights();
  }

  assign(W: Matrix, b: number): void {
    this.here.assign(W, b);
  }

  bias(): number {
    return this.here.bias();
  }

  disposed = false;

  dispose(): void {
    this.disposed = true;
  }
}
