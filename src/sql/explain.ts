import { checkWeightCount, startingW, type InitialWeights } from '../network/init';
import type { Gradient, Track } from '../network/network';
import { checkOptionsObject, rulesOf } from '../options';
import { openSqlData, type SqlSpec } from './data';
import { sumsQuery } from './query';

/** What the iteration starts from, and how it computes. */
export interface ExplainSettings {
  readonly weights?: InitialWeights;
  /** Default 0. */
  readonly bias?: number;
  /** Default `article`. */
  readonly gradient?: Gradient;
  /** Also the errors, or the errors and the loss (as an iteration that computes stats does). */
  readonly track?: Track;
}

/**
 * The SQL that the sql backend runs for an iteration on this data, from the initial W and b
 * (the later iterations differ only in W and b's literals). It opens the database to read the
 * query's columns (no rows) and closes it.
 */
export async function explainSql(spec: SqlSpec, settings: ExplainSettings = {}): Promise<string> {
  checkOptionsObject('explainSql', settings, { weights: undefined, ...rulesOf('bias', 'gradient'), track: undefined });
  const { weights, bias = 0, gradient = 'article', track = false } = settings;
  const open = await openSqlData(spec);
  try {
    checkWeightCount(weights, { name: open.name, featureNames: open.data.features.map((c) => c.name), outputs: open.data.labels.length });
    const W = startingW(weights, open.data.features.length, open.data.labels.length);
    const sql = sumsQuery(open.data, W, bias, { gradient, track, fence: open.db.dialect === 'postgres' });
    // the session setting the query needs to run per shard (see docs/sharding.md), as a comment, so that the text stays one query
    const setting = open.data.shardKey !== undefined ? '-- per shard, with SET enable_partitionwise_aggregate = on\n' : '';
    return `${setting}${sql}\n`;
  } finally {
    await open.db.close();
  }
}
