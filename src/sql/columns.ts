import { matchModelColumns, otherLabelsHint } from '../data/model-columns';
import { InputError, option, quote, shownList } from '../errors';

/** A number as `positive` may give it for a number column. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** `positive` for a number column, besides a number: true or false (1 or 0). */
const TRUE_FALSE = /^(true|false)$/i;
/** `positive` for a boolean column, besides 1 or 0: the words DuckDB reads a CSV's booleans from (`yes`/`no` is sniffed as BOOLEAN). */
const BOOLEAN = /^(true|false|t|f|yes|no|y|n)$/i;
const TRUE = /^(true|t|yes|y)$/i;

/** The number a number or boolean label column's values are compared with for `positive`: true (yes, …) is 1, false 0. */
export function positiveNumber(positive: string): number {
  return BOOLEAN.test(positive) ? Number(TRUE.test(positive)) : Number(positive);
}

/**
 * How a column's values become numbers: `float32` (REAL/FLOAT: x stays float32 when every feature
 * is), `number` (integers, decimals, DOUBLE), `boolean` (false 0, true 1); undefined: not numbers.
 */
export type ColumnKind = 'float32' | 'number' | 'boolean';

/** A column of a query's result, as the database describes it. */
export interface SqlColumn {
  readonly name: string;
  /** The database's name for its type (`DOUBLE`, `VARCHAR`, `double precision`, `text`). */
  readonly type: string;
  readonly kind?: ColumnKind;
}

/** Which columns of a query are the features and which the labels. */
export interface ColumnPlan {
  readonly features: readonly SqlColumn[];
  readonly labels: readonly SqlColumn[];
  /** Columns that are neither. */
  readonly ignored: readonly SqlColumn[];
  /** The label value that means 1 (any other means 0); without it, labels must be 0 or 1. */
  readonly positive?: string;
  /** The data of a saved model: its labels are read as the model was trained (messages say so). */
  readonly forModel?: boolean;
}

/** The column choice, as for a CSV: labels (default: the last column), and optionally features to keep or columns to leave out. */
export interface ColumnChoice {
  readonly labels?: readonly string[];
  /** No label columns (data to predict, without labels to score against): y has no rows. Not with `labels`. */
  readonly unlabeled?: boolean;
  /** Only these columns are features (default: every column that is not a label or ignored). */
  readonly features?: readonly string[];
  /** Columns that are neither features nor labels. */
  readonly ignore?: readonly string[];
  /** The label value that means 1, any other 0: a number for a number column (`4` matches 4.0), else text (`M`). */
  readonly positive?: string;
  /** The data of a saved model (see {@link modelColumns}). */
  readonly forModel?: boolean;
}

/**
 * The features and labels among a query's columns, chosen as for a CSV: the labels named (default:
 * the last column), the features the others in the query's order (or those named, in their order). Names must be
 * unique, and every chosen column must hold numbers; `where` names the data in messages (a Parquet
 * path, or "the query").
 */
export function planColumns(where: string, columns: readonly SqlColumn[], choice: ColumnChoice = {}): ColumnPlan {
  if (columns.length < (choice.unlabeled ? 1 : 2)) {
    const expected = choice.unlabeled ? 'at least one feature' : 'at least one feature and a label';
    throw new InputError(`${where} has ${columns.length} column${columns.length === 1 ? '' : 's'}; expected ${expected}`);
  }
  const names = columns.map((c) => c.name);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InputError(`${where} names the column ${quote(name)} twice; give each column its own name (AS …)`);
    seen.add(name);
  }
  const find = (key: string, list: readonly string[]) =>
    list.map((name) => {
      const column = columns.find((c) => c.name === name);
      if (!column) throw new InputError(option(key), `: ${where} has no column ${quote(name)}; its columns are ${shownList(names)}`);
      return column;
    });
  const labels = choice.unlabeled ? [] : choice.labels && choice.labels.length > 0 ? find('labels', choice.labels) : [columns[columns.length - 1]];
  const ignored = find('ignore', choice.ignore ?? []);
  const byDefault = choice.labels && choice.labels.length > 0 ? '' : ' (the last column is the label unless named: give the label with ';
  const clash = ignored.find((c) => labels.includes(c));
  if (clash) {
    throw new InputError(option('ignore'), `: ${quote(clash.name)} is the label column${byDefault}`, ...(byDefault ? [option('labels'), ')'] : ['; a column cannot be both']));
  }
  const features =
    choice.features && choice.features.length > 0
      ? find('features', choice.features)
      : columns.filter((c) => !labels.includes(c) && !ignored.includes(c));
  const both = features.find((c) => labels.includes(c));
  if (both) throw new InputError(option('features'), `: ${quote(both.name)} is a label column; a column cannot be both`);
  if (features.length === 0) throw new InputError(option('labels'), `: every column of ${where} is a label or ignored; no features are left`);
  for (const c of choice.positive === undefined ? [...features, ...labels] : features) {
    if (c.kind === undefined) {
      const expected = `is ${c.type}; expected numbers (integer, decimal, float, double or boolean)`;
      if (!labels.includes(c)) throw new InputError(`${where}: column ${quote(c.name)} ${expected}`);
      // as a CSV's text labels are refused
      throw new InputError(`${where}: label column ${quote(c.name)} ${expected}`, ...otherLabelsHint(choice.forModel === true));
    }
  }
  const { positive } = choice;
  // a number or boolean label column compares positive as a number: true and false are 1 and 0
  const numeric = positive === undefined ? undefined : labels.find((c) => c.kind !== undefined);
  if (positive !== undefined && numeric) {
    if (NUMBER.test(positive) && !Number.isFinite(Number(positive))) {
      throw new InputError(option('positive'), `: ${quote(positive)} is beyond the range of a double; no value of the label column ${quote(numeric.name)} of ${where} can equal it`);
    }
    const booleans = numeric.kind === 'boolean';
    if (!NUMBER.test(positive) && !(booleans ? BOOLEAN : TRUE_FALSE).test(positive)) {
      const holds = `holds ${booleans ? 'booleans' : 'numbers'} (${numeric.type})`;
      if (choice.forModel) throw new InputError(`${where}: the label column ${quote(numeric.name)} ${holds}, but the model's labels are text (${quote(positive)} means 1)`);
      const expected = booleans ? 'true or false (yes or no, 1 or 0)' : 'a number, true or false';
      throw new InputError(option('positive'), `: ${quote(positive)} is not ${expected}, but the label column ${quote(numeric.name)} of ${where} ${holds}`);
    }
  }
  const rest = columns.filter((c) => !features.includes(c) && !labels.includes(c));
  return { features, labels, ignored: rest, ...(positive !== undefined && { positive }), ...(choice.forModel === true && { forModel: true }) };
}

/** What a saved model says of its columns: its features and labels, and what its training data had besides. */
export interface ModelColumnNames {
  readonly featureNames: readonly string[];
  readonly labelNames: readonly string[];
  /** The label value that means 1. */
  readonly positive?: string;
  /** Columns its training data had that were neither features nor labels: allowed, not read. */
  readonly ignoredColumns?: readonly string[];
}

/**
 * The column choice for data a saved model predicts, as a CSV is read for one: a column for each of
 * its features (in any order), its label columns all or none (then the predictions are not scored),
 * and the columns its training data ignored; missing or extra columns are an {@link InputError}
 * that names them. For `openSqlData`'s `columns`.
 */
export function modelColumns(model: ModelColumnNames): (columns: readonly SqlColumn[], where: string) => ColumnChoice {
  const { featureNames, labelNames } = model;
  return (columns, where) => {
    if (!matchModelColumns(where, columns.map((c) => c.name), model)) return { features: featureNames, unlabeled: true, forModel: true };
    return { features: featureNames, labels: labelNames, forModel: true, ...(model.positive !== undefined && { positive: model.positive }) };
  };
}

