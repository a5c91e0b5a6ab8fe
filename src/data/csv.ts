import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError, fileReadError, option } from '../errors';
import { sharedFloats } from '../matrix';
import { DECIMAL } from '../validate';
import { inMemory, type Dataset } from './dataset';

export interface CsvOptions {
  /** Label column names; default: the last column. */
  readonly labels?: readonly string[];
}

const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Reads a CSV file with a header row and one sample per row, all cells numeric.
 * Label columns (default: the last one) become y, the others x, in the article's orientation.
 * Any problem is an {@link InputError} naming the file, line and column.
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  return readCsvWith(path, trainingColumns(path, options.labels));
}

/**
 * A CSV's text (read elsewhere: an upload in a page, a string) as a dataset, checked as
 * {@link readCsv} checks files, with the same messages; `name` stands for the file in them.
 */
export function parseCsvText(name: string, text: string, options: CsvOptions = {}): Dataset {
  const samples = collector(name, trainingColumns(name, options.labels));
  let records: CsvRecord[];
  try {
    records = parseSync(text, CSV_OPTIONS) as unknown as CsvRecord[];
  } catch (err) {
    throw asInputError(name, err);
  }
  for (const record of records) samples.add(record);
  return samples.finish();
}

/** Labels as named (default: the last column), features the other columns. */
function trainingColumns(path: string, labels: readonly string[] | undefined): ColumnPlan {
  return (header) => {
    if (header.length < 2) {
      throw new InputError(`${path}: the header has ${header.length} column; expected at least one feature and a label`);
    }
    const labelCols = pickLabels(path, header, labels);
    return { labelCols, featureCols: header.map((_, c) => c).filter((c) => !labelCols.includes(c)) };
  };
}

/**
 * Reads a CSV for a trained model: it must have a column for each of the model's features (in any
 * order) and may have its label columns (then y holds them; otherwise y has no rows).
 * Missing or extra columns are an {@link InputError} that names them.
 */
export async function readCsvForModel(path: string, featureNames: readonly string[], labelNames: readonly string[]): Promise<Dataset> {
  return readCsvWith(path, (header) => {
    const missing = featureNames.filter((name) => !header.includes(name));
    const extra = header.filter((name) => !featureNames.includes(name) && !labelNames.includes(name));
    if (missing.length || extra.length) {
      const parts = [
        ...(missing.length ? [`missing ${quoteAll(missing)}`] : []),
        ...(extra.length ? [`extra ${quoteAll(extra)}`] : []),
      ];
      throw new InputError(
        `${path}: the columns do not match the model's features (${featureNames.join(', ')}): ${parts.join('; ')}`,
      );
    }
    const presentLabels = labelNames.filter((name) => header.includes(name));
    if (presentLabels.length > 0 && presentLabels.length < labelNames.length) {
      const absent = labelNames.filter((name) => !header.includes(name));
      throw new InputError(
        `${path}: has the label column${presentLabels.length > 1 ? 's' : ''} ${quoteAll(presentLabels)} but not ${quoteAll(absent)}; ` +
          'give all of the model\'s labels (to score the predictions) or none',
      );
    }
    return {
      featureCols: featureNames.map((name) => header.indexOf(name)),
      labelCols: presentLabels.map((name) => header.indexOf(name)),
    };
  });
}

const quoteAll = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

type ColumnPlan = (header: string[]) => { featureCols: number[]; labelCols: number[] };

const CSV_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true } as const;

/** A parsed row and the line it ended on. */
interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function readCsvWith(path: string, plan: ColumnPlan): Promise<Dataset> {
  const input = createReadStream(path);
  const parser = input.pipe(parse(CSV_OPTIONS));
  input.on('error', (err) => parser.destroy(err));
  const samples = collector(path, plan);
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) samples.add(record);
  } catch (err) {
    throw asInputError(path, err);
  }
  return samples.finish();
}

/** Takes a CSV's records one by one (the header, then samples), checking each; `finish` makes the dataset. */
function collector(path: string, plan: ColumnPlan) {
  let header: string[] | undefined;
  let labelCols: number[] = [];
  let featureCols: number[] = [];
  const rows: Float64Array[] = [];
  return {
    add({ record, info }: CsvRecord): void {
      if (!header) {
        header = checkHeader(path, record);
        ({ featureCols, labelCols } = plan(header));
        return;
      }
      rows.push(parseRow(path, header, record, info.lines, labelCols));
    },
    finish(): Dataset {
      if (!header) throw new InputError(`${path}: the file is empty; expected a header row and at least one sample`);
      if (rows.length === 0) throw new InputError(`${path}: no samples after the header row`);
      return toDataset(path, header, rows, featureCols, labelCols);
    },
  };
}

function checkHeader(path: string, record: string[]): string[] {
  const seen = new Set<string>();
  record.forEach((name, c) => {
    if (name === '') throw new InputError(`${path}: line 1 (header), column ${c + 1} has no name`);
    if (seen.has(name)) throw new InputError(`${path}: line 1 (header) names column "${name}" twice`);
    seen.add(name);
  });
  return record;
}

function pickLabels(path: string, header: string[], labels: readonly string[] | undefined): number[] {
  if (!labels || labels.length === 0) return [header.length - 1];
  const cols = labels.map((name) => {
    const c = header.indexOf(name);
    if (c < 0) throw new InputError(option('labels'), `: ${path} has no column "${name}"; its columns are ${header.join(', ')}`);
    return c;
  });
  if (cols.length >= header.length) throw new InputError(option('labels'), `: every column of ${path} is a label; no features are left`);
  return cols;
}

/** One sample: its cells as numbers, in header order; labels checked to be 0 or 1. */
function parseRow(path: string, header: string[], record: string[], line: number, labelCols: number[]): Float64Array {
  if (record.length !== header.length) {
    throw new InputError(`${path}: line ${line} has ${record.length} cells, expected ${header.length} as in the header`);
  }
  const values = new Float64Array(record.length);
  record.forEach((cell, c) => {
    const where = `${path}: line ${line}, column "${header[c]}"`;
    if (cell === '') throw new InputError(`${where} is empty; expected a number`);
    if (NOT_FINITE.test(cell)) throw new InputError(`${where}: "${cell}" is not a finite number`);
    if (!DECIMAL.test(cell)) throw new InputError(`${where}: "${cell}" is not a number`);
    const v = Number(cell);
    if (!Number.isFinite(v)) throw new InputError(`${where}: "${cell}" is not a finite number`);
    if (labelCols.includes(c) && v !== 0 && v !== 1) throw new InputError(`${where} is a label and must be 0 or 1, got ${cell}`);
    values[c] = v;
  });
  return values;
}

/** Samples arrive as rows; the article wants x as features×samples and y as outputs×samples. */
function toDataset(path: string, header: string[], rows: Float64Array[], featureCols: number[], labelCols: number[]): Dataset {
  const m = rows.length;
  const pick = (cols: number[]) => {
    const data = sharedFloats('float64', cols.length * m);
    cols.forEach((c, r) => {
      for (let j = 0; j < m; j++) data[r * m + j] = rows[j][c];
    });
    return { rows: cols.length, cols: m, data };
  };
  return inMemory(
    pick(featureCols),
    pick(labelCols),
    featureCols.map((c) => header[c]),
    labelCols.map((c) => header[c]),
    path,
  );
}

function asInputError(path: string, err: unknown): Error {
  // csv-parse's own errors (unclosed or stray quotes, …) are CsvErrors; some codes lack the CSV_ prefix
  if (err instanceof CsvError) {
    const hint = /\.npy$/i.test(path) ? [' (an .npy file? give it with ', option('x'), ' and ', option('y'), ')'] : [];
    return new InputError(`${path}: ${err.message}`, ...hint);
  }
  return fileReadError(path, err, 'a CSV file');
}
