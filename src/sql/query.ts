import { InputError, option } from '../errors';
import type { Matrix } from '../matrix';
import type { Gradient, Track } from '../network/network';
import { positiveNumber, type ColumnPlan, type SqlColumn } from './columns';

/**
 * The SQL that the sql backend runs: plain standard SQL (CAST, arithmetic, exp, ln, abs, CASE,
 * sum, count), the same text on DuckDB and PostgreSQL. The user's query is wrapped, never edited:
 * its columns are read by name in the innermost SELECT, and every level above uses our own names,
 * x1…xF for the features and y for the label (y1…yk with several outputs), then z, e.
 *
 * W and b go into the text as exact literals: {@link literal} writes 17 significant digits in
 * exponent form, which every engine reads as a double and which rounds back to the same float64.
 */

/** A query's data with its chosen columns. */
export interface SqlData extends ColumnPlan {
  /** The user's query, as given (without trailing semicolons). */
  readonly query: string;
  /**
   * A column of the query (one of the ignored ones) that is the partition key of a partitioned
   * table: the aggregates are then grouped by it, so that PostgreSQL runs each partition's sums on
   * the server that holds it (see docs/sharding.md), and the per-shard sums are added outside.
   */
  readonly shardKey?: string;
}

/** Our name of the shard key column in the levels above the user's query. */
const KEY = 'shard_key';

/** The query as given, without surrounding space and trailing semicolons; an empty one is an {@link InputError}. */
export function cleanQuery(text: string): string {
  const query = text.trim().replace(/[;\s]+$/, '');
  if (query === '') throw new InputError(option('sql'), ' is empty; expected a query such as SELECT x1, x2, y FROM t');
  return query;
}

/** A column name as an SQL identifier: in double quotes, a double quote in it doubled. */
export function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A text as an SQL string literal: in single quotes, a single quote in it doubled. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A float64 as an exact SQL literal: 17 significant digits in exponent form (`4.0000000000000002e-1`),
 * which DuckDB, PostgreSQL, Trino, Spark and BigQuery read as a double and which rounds back to
 * exactly `v`; a negative one in parentheses, so that it can follow any operator.
 */
export function literal(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`literal: ${v} is not a finite number`);
  const text = v.toExponential(16);
  return v < 0 ? `(${text})` : text;
}

/** Our name of output o (0-based) of k: `y`, `z`, `e` with one output; `y1`, `z1`, `e1` … with several. */
function named(prefix: string, o: number, k: number): string {
  return k === 1 ? prefix : `${prefix}${o + 1}`;
}

/** Where the user's query goes in our SQL while it is built: our lines are indented, the query's never (a string in it may span lines). */
const QUERY = '\u0000query\u0000';
const indent = (text: string, by: string) => indentLines(text, by).replace(new RegExp(`^ *${QUERY}$`, 'm'), QUERY);

/** Every non-empty line of our SQL indented by `by`, but never inside a quoted name or string (a column name or a path may hold a newline). */
function indentLines(text: string, by: string): string {
  let out = '';
  let quote: string | undefined;
  let lineStart = true;
  for (const ch of text) {
    if (lineStart && ch !== '\n') out += by;
    lineStart = false;
    out += ch;
    // a doubled quote in a name or string closes and opens it again
    if (quote !== undefined) quote = ch === quote ? undefined : quote;
    else if (ch === '"' || ch === "'") quote = ch;
    else lineStart = ch === '\n';
  }
  return out;
}
const withQuery = (sql: string, data: SqlData) => sql.replace(QUERY, () => data.query);

/** The value of a chosen column as a double (a boolean through an integer, which every engine can cast to). */
function asDouble(c: SqlColumn): string {
  const ref = `q.${identifier(c.name)}`;
  return c.kind === 'boolean' ? `CAST(CAST(${ref} AS INTEGER) AS DOUBLE PRECISION)` : `CAST(${ref} AS DOUBLE PRECISION)`;
}

/** A label column read with `positive`: 1 where it equals the value (as a number in a number column, else as text), else 0; NULL stays NULL. */
function asLabel(c: SqlColumn, positive: string | undefined): string {
  if (positive === undefined) return asDouble(c);
  const ref = `q.${identifier(c.name)}`;
  const value = c.kind === undefined ? stringLiteral(positive) : literal(positiveNumber(positive));
  const of = c.kind === 'boolean' ? `CAST(${ref} AS INTEGER)` : ref;
  return `CAST(CASE WHEN ${ref} IS NULL THEN NULL WHEN ${of} = ${value} THEN 1 ELSE 0 END AS DOUBLE PRECISION)`;
}

/**
 * The distinct values of label column `o` (0-based), as text, and what each is read as with
 * `positive` (1 or 0): `SELECT DISTINCT CAST(… AS VARCHAR) AS value, … AS one … ORDER BY 1 LIMIT n`.
 * NULL is left out.
 */
export function labelValuesQuery(data: SqlData, o: number, limit: number): string {
  const c = data.labels[o];
  const ref = `q.${identifier(c.name)}`;
  return withQuery(
    `SELECT DISTINCT CAST(${ref} AS VARCHAR) AS value, ${asLabel(c, data.positive)} AS one\nFROM (\n${QUERY}\n) q\nWHERE ${ref} IS NOT NULL\nORDER BY 1\nLIMIT ${limit}`,
    data,
  );
}

/**
 * The samples as doubles under our names: `SELECT CAST(q."…" AS DOUBLE PRECISION) AS x1, …, … AS y
 * FROM (<query>) q`. The user's query stands on lines of its own (a trailing `--` comment in it
 * stays harmless).
 */
export function dataQuery(data: SqlData): string {
  return withQuery(wrapped(data, false), data);
}

/** {@link dataQuery} with the user's query still a placeholder, and the shard key as `shard_key` when there is one (and `key`). */
function wrapped(data: SqlData, key = true): string {
  const k = data.labels.length;
  const columns = [
    ...data.features.map((c, f) => `${asDouble(c)} AS x${f + 1}`),
    ...data.labels.map((c, o) => `${asLabel(c, data.positive)} AS ${named('y', o, k)}`),
    ...(key && data.shardKey !== undefined ? [`q.${identifier(data.shardKey)} AS ${KEY}`] : []),
  ];
  return `SELECT ${columns.join(', ')}\nFROM (\n${QUERY}\n) q`;
}

/**
 * How many samples there are, how many values of each column are unusable — NULL, NaN or
 * infinite for a feature (`x - x <> 0` is true exactly for NaN and ±infinity, in every engine), NULL
 * or other than 0 and 1 for a label — and how many 1s each label has. One pass over the data:
 * `m, bad_x1 … bad_xF, bad_y…, ones_y…`.
 */
export function checkQuery(data: SqlData): string {
  const k = data.labels.length;
  const bad = [
    ...data.features.map((_, f) => `sum(CASE WHEN x${f + 1} IS NULL OR x${f + 1} - x${f + 1} <> 0 THEN 1 ELSE 0 END) AS bad_x${f + 1}`),
    ...data.labels.map((_, o) => {
      const y = named('y', o, k);
      return `sum(CASE WHEN ${y} IS NULL OR (${y} <> 0 AND ${y} <> 1) THEN 1 ELSE 0 END) AS bad_${y}`;
    }),
  ];
  const ones = data.labels.map((_, o) => `sum(CASE WHEN ${named('y', o, k)} = 1 THEN 1 ELSE 0 END) AS ones_${named('y', o, k)}`);
  const counts = [`count(*) AS m`, ...bad, ...ones];
  return withQuery(perShard(data, `SELECT ${counts.join(', ')}\nFROM (\n${indent(wrapped(data), '  ')}\n) d`, counts, [], 'd'), data);
}

/**
 * An aggregate query run per shard when the data has a {@link SqlData.shardKey}: grouped by the key
 * (and by `groups`, columns of level `from`), each result column summed outside, so that the result
 * is still one row. PostgreSQL 15 pushes a partitioned table's aggregate down to its foreign
 * partitions only when it is grouped by the partition key (`enable_partitionwise_aggregate = on`);
 * a plain sum over the whole table makes every shard send its rows. Without a key, `sql` as it is.
 */
function perShard(data: SqlData, sql: string, columns: readonly string[], groups: readonly string[], from: string, orZero = false): string {
  if (data.shardKey === undefined) return sql;
  const names = columns.map((c) => c.slice(c.lastIndexOf(' AS ') + 4));
  const outer = names.map((n) => (orZero ? `COALESCE(sum(${n}), 0) AS ${n}` : `sum(${n}) AS ${n}`));
  const inner = `${sql}\nGROUP BY ${[`${from}.${KEY}`, ...groups.map((g) => `${from}.${g}`)].join(', ')}`;
  return `SELECT\n${outer.map((c) => `  ${c}`).join(',\n')}\nFROM (\n${indent(inner, '  ')}\n) per_shard`;
}

/** What a sums query computes besides x·eᵀ and sum(e). */
export interface SumsOptions {
  readonly gradient: Gradient;
  /** Also the errors (predictions that differ from the labels), and with 'loss' the summed logistic loss. */
  readonly track: Track;
  /**
   * End the z and e levels with `OFFSET 0`, so that they stay levels of their own (PostgreSQL
   * otherwise pulls the subqueries up into the aggregate and computes z again for every reference
   * to it: 30× slower at 32 features). The rows and the numbers are the same without it. Not with a
   * {@link SqlData.shardKey}: a fenced level cannot be pushed down to the shards. Nor where the
   * query names z once (the article's rule without the loss, one output): the levels pulled up
   * are then the faster plan.
   */
  readonly fence?: boolean;
}

/**
 * The larger and the smaller of two doubles, naming each once (a CASE names the one it returns
 * twice). GREATEST and LEAST in general; per shard, PostgreSQL's own float8larger and float8smaller
 * (the functions behind max and min), as postgres_fdw sends a built-in function to the shard but
 * not GREATEST or LEAST, and without them it would fetch every row. NaN is the larger in both
 * forms, as both engines order it last.
 */
const larger = (p: string, q: string, sharded: boolean) => (sharded ? `float8larger(${p}, ${q})` : `GREATEST(${p}, ${q})`);
const smaller = (p: string, q: string, sharded: boolean) => (sharded ? `float8smaller(${p}, ${q})` : `LEAST(${p}, ${q})`);
/**
 * z clamped to ±700 before exp, so that exp never overflows (PostgreSQL raises an error there;
 * DuckDB gives NULL); s moves by less than 1e-300. z is named once: where postgres_fdw flattens
 * the levels for a shard, the shard computes the whole dot product again for each time it is named.
 */
const clamped = (z: string, sharded: boolean) => larger('-700', smaller('700', z, sharded), sharded);
/** s = sigmoid(z) = 1 / (1 + exp(−z)), in double precision. */
const sigmoid = (z: string, sharded = false) => `1 / (1 + exp(-${clamped(z, sharded)}))`;
/** y_pred = (s >= 0.5): the article's rule, sigmoid first, then the threshold. */
const predicted = (z: string, sharded = false) => `(CASE WHEN ${sigmoid(z, sharded)} >= 0.5 THEN 1 ELSE 0 END)`;

/**
 * One iteration of the article's loop, in one aggregate query over all the samples:
 *
 *     z = Wᵀ·x + b,  s = 1 / (1 + exp(−z)),  e = (s >= 0.5) − y   (logistic: e = s − y)
 *     SELECT sum(x_f · e) AS xe_f …, sum(e) AS sum_e [, errors [, loss]]
 *     [WHERE e <> 0: the article's rule without the loss, only the misclassified samples]
 *
 * W (features×outputs) and b are literals. Each z adds the features in order, then b, as the
 * plain oracle does. With several outputs the names carry the output: `xe_f_o`, `sum_e_o`.
 * The result is one row: F·k + k numbers (then the errors, and the loss), whatever the number of samples.
 */
export function sumsQuery(data: SqlData, W: Matrix, b: number, { gradient, track, fence = false }: SumsOptions): string {
  const F = data.features.length;
  const k = data.labels.length;
  const xs = Array.from({ length: F }, (_, f) => `x${f + 1}`);
  const outputs = Array.from({ length: k }, (_, o) => o);
  const z = (o: number) => named('z', o, k);
  const y = (o: number) => named('y', o, k);
  const e = (o: number) => named('e', o, k);
  const wrong = (o: number) => named('wrong', o, k);
  const l = (o: number) => named('l', o, k);
  const sharded = data.shardKey !== undefined;
  const eOf = (o: number) => (gradient === 'logistic' ? `${sigmoid(z(o), sharded)} - ${y(o)}` : `${predicted(z(o), sharded)} - ${y(o)}`);
  // the logistic loss −y·log(s) − (1−y)·log(1−s) as max(z, 0) − z·y + log(1 + exp(−|z|)), stable for large |z|
  const lossOf = (o: number) => `${larger(z(o), '0', sharded)} - ${z(o)} * ${y(o)} + ln(1 + exp(-${smaller('700', `abs(${z(o)})`, sharded)}))`;
  // The article's e is 0 where the prediction is right, and those samples add nothing to any sum:
  // without the loss to sum, only the misclassified samples are summed (WHERE e <> 0), which skips
  // the F products and sums of every other row; they are also the errors (e ≠ 0 exactly where
  // y_pred ≠ y), so with one output the errors are their count. A sum over no row is NULL in SQL,
  // so then each sum is COALESCEd to 0 (the sums of a W and b that classify every sample right).
  const onlyWrong = gradient === 'article' && track !== 'loss';
  const countErrors = onlyWrong && k === 1;
  const perRow = outputs.flatMap((o) => [
    `${eOf(o)} AS ${e(o)}`,
    ...(track && !countErrors ? [`CASE WHEN ${predicted(z(o), sharded)} <> ${y(o)} THEN 1 ELSE 0 END AS ${wrong(o)}`] : []),
    ...(track === 'loss' ? [`${lossOf(o)} AS ${l(o)}`] : []),
  ]);
  const sum = (of: string) => (onlyWrong ? `COALESCE(sum(${of}), 0)` : `sum(${of})`);
  // per shard, the sums are added outside, and the COALESCE goes there (a shard may have no misclassified row)
  const inSum = (of: string) => (sharded ? `sum(${of})` : sum(of));
  // With one output, e of a misclassified sample is exactly 1 − 2y (+1 where y = 0, −1 where y = 1),
  // so the sums read y and e is computed once, in the WHERE (the same products to the bit, as
  // x·(±1) is exact). The query then names z once, and needs no fence: PostgreSQL pulls the levels
  // up into one scan that computes z once a row (289 against 348 ms fenced on 32×5e5, one process).
  // Per shard it must: postgres_fdw sends a shard the levels as one flat SELECT, and writes z and e
  // out in full in every sum that names them, which the shard then computes again for each. With
  // several outputs, e is a grouping expression per shard instead, which the shard computes once a
  // row; but the planner then expects a group per row, and on large tables it may choose to fetch
  // the rows (see docs/sharding.md).
  const eIsSign = onlyWrong && k === 1;
  const eTerm = (o: number) => (eIsSign ? `(1 - 2 * ${y(o)})` : e(o));
  const fenced = fence && !sharded && !eIsSign;
  const sums = [
    ...xs.flatMap((x, f) => outputs.map((o) => `${inSum(`${x} * ${eTerm(o)}`)} AS xe_${f + 1}${k === 1 ? '' : `_${o + 1}`}`)),
    ...outputs.map((o) => `${inSum(eTerm(o))} AS ${k === 1 ? 'sum_e' : `sum_e_${o + 1}`}`),
    ...(track ? [`${countErrors ? 'count(*)' : inSum(outputs.map(wrong).join(' + '))} AS errors`] : []),
    ...(track === 'loss' ? [`sum(${outputs.map(l).join(' + ')}) AS loss`] : []),
  ];
  const where = onlyWrong ? `\nWHERE ${outputs.map((o) => `${e(o)} <> 0`).join(' OR ')}` : '';
  // a shard gets the levels below as one flat SELECT; grouped by e too, it computes e once a row: e is
  // then a grouping expression, which the shard's planner computes in the scan and each sum reads from there
  const byE = sharded && onlyWrong && !eIsSign ? outputs.map(e) : [];
  const carry = sharded ? [KEY] : [];
  const zLevel = zOf(data, W, b, [...xs, ...outputs.map(y), ...carry], fenced);
  const eLevel = `SELECT ${[...xs, ...(eIsSign ? outputs.map(y) : []), ...carry].join(', ')},\n${perRow.map((p) => `  ${p}`).join(',\n')}\nFROM (\n${indent(zLevel, '  ')}\n) zt${fenced ? '\nOFFSET 0' : ''}`;
  const query = `SELECT\n${sums.map((s) => `  ${s}`).join(',\n')}\nFROM (\n${indent(eLevel, '  ')}\n) t${where}`;
  return withQuery(perShard(data, query, sums, byE, 't', onlyWrong), data);
}

/**
 * The probabilities s = sigmoid(Wᵀ·x + b) and the labels of every sample, computed in the database
 * (as the sums query computes them): `SELECT s, y FROM …` (s1…sk, y1…yk with several outputs),
 * 2k numbers a sample instead of its features.
 */
export function scoresQuery(data: SqlData, W: Matrix, b: number, { fence = false }: { fence?: boolean } = {}): string {
  const k = data.labels.length;
  const outputs = Array.from({ length: k }, (_, o) => o);
  const zLevel = zOf(data, W, b, outputs.map((o) => named('y', o, k)), fence);
  const columns = [...outputs.map((o) => `${sigmoid(named('z', o, k))} AS ${named('s', o, k)}`), ...outputs.map((o) => named('y', o, k))];
  return withQuery(`SELECT ${columns.join(', ')}\nFROM (\n${indent(zLevel, '  ')}\n) zt`, data);
}

/**
 * The level that computes z = Wᵀ·x + b (each z adds the features in order, then b, as the plain
 * oracle does), carrying the columns named; the user's query still a placeholder.
 */
function zOf(data: SqlData, W: Matrix, b: number, carry: readonly string[], fence: boolean): string {
  const F = data.features.length;
  const k = data.labels.length;
  if (W.rows !== F || W.cols !== k) throw new Error(`W is ${W.rows}×${W.cols}, expected ${F}×${k}`);
  const zSum = (o: number) => [...Array.from({ length: F }, (_, f) => `${literal(W.data[f * k + o])} * x${f + 1}`), literal(b)].join(' + ');
  const zs = Array.from({ length: k }, (_, o) => `  ${zSum(o)} AS ${named('z', o, k)}`);
  return `SELECT ${carry.join(', ')},\n${zs.join(',\n')}\nFROM (\n${indent(wrapped(data), '  ')}\n) d${fence ? '\nOFFSET 0' : ''}`;
}

/**
 * The row of a sums query read back: x·eᵀ (features×outputs, row by row), sum(e) over all outputs,
 * and the errors and loss as tracked (0 and NaN when not). A NULL (an engine's overflow) reads as
 * NaN, so that the training loop reports the divergence as on every backend.
 */
export function readSums(row: readonly (number | null)[], F: number, k: number, track: Track): { xe: Float64Array; sumE: number; errors: number; loss: number } {
  const at = (i: number) => row[i] ?? NaN;
  const xe = new Float64Array(F * k);
  for (let i = 0; i < F * k; i++) xe[i] = at(i);
  let sumE = 0;
  for (let o = 0; o < k; o++) sumE += at(F * k + o);
  return { xe, sumE, errors: track ? at(F * k + k) : 0, loss: track === 'loss' ? at(F * k + k + 1) : NaN };
}
