import type { RemoteSamples } from '../data/source';
import { InputError, option } from '../errors';
import { matrix, type Matrix } from '../matrix';
import type { ErrorsAndLoss, Forward, Gradient, Network, NetworkInit } from '../network/network';
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
  private readonly W: Float64Array;
  private b: number;

  constructor(init: NetworkInit) {
    this.features = init.W.rows;
    this.outputs = init.W.cols;
    this.W = Float64Array.from(init.W.data);
    this.b = init.b;
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

  async sums({ open }: SqlSamples, gradient: Gradient, track: boolean, trace = false): Promise<SqlSums> {
    if (trace) throw new InputError("tracing reads back every sample's z, s, y_pred and e; backend sql keeps the samples in the database");
    const row = await open.db.row(sumsQuery(open.data, this.weights(), this.b, { gradient, track, fence: open.db.dialect === 'postgres' }));
    return readSums(row, this.features, this.outputs, track);
  }

  traced(): Forward & { xe: Matrix; sumE: number } {
    throw new Error('backend sql does not trace');
  }

  add(total: SqlSums, part: SqlSums): SqlSums {
    for (let w = 0; w < total.xe.length; w++) total.xe[w] += part.xe[w];
    total.sumE += part.sumE;
    total.errors += part.errors;
    total.loss += part.loss;
    return total;
  }

  stats(sums: SqlSums): ErrorsAndLoss {
    return sums;
  }

  update({ xe, sumE }: SqlSums, a: number, m: number): void {
    const { W } = this;
    // dW = x·eᵀ / m;  db = sum(e) / m;  W = W − a·dW;  b = b − a·db  (as plain, in float64)
    for (let w = 0; w < W.length; w++) W[w] = W[w] - a * (xe[w] / m);
    this.b = this.b - a * (sumE / m);
  }

  free(): void {}

  predict(x: Matrix): Matrix {
    return this.plain().predict(x);
  }

  predictProba(x: Matrix): Matrix {
    return this.plain().predictProba(x);
  }

  weights(): Matrix {
    return matrix(this.features, this.outputs, Float64Array.from(this.W));
  }

  assign(W: Matrix, b: number): void {
    this.W.set(W.data);
    this.b = b;
  }

  bias(): number {
    return this.b;
  }

  dispose(): void {}

  /** Plain's network at the current W and b: the predictions' formula, in float64. */
  private plain(): PlainNetwork {
    return new PlainNetwork({ W: this.weights(), b: this.b });
  }
}
