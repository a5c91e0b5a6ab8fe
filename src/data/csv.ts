import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError, LIST_ITEMS, fileReadError, given, option, quote, shown, shownList, shownPath } from '../errors';
import { sharedFloats } from '../matrix';
import { DECIMAL } from '../validate';
import { inMemory, type Dataset } from './dataset';
import { openInput } from './npy/io';
import { matchModelColumns, otherLabelsHint } from './model-columns';
import { checkOptionsObject, filePath, names } from '../options';

export interface CsvOptions {
  /** Label column names; default: the last column. */
  readonly labels?: readonly string[];
  /** The feature columns, in this order (they become x's rows); default: every column but the labels (and `ignore`). */
  readonly features?: readonly string[];
  /** Columns that are neither features nor labels (an id, a name); their cells are not read. */
  readonly ignore?: readonly string[];
  /**
   * The label value that means 1; every other value of a label column means 0. Label cells may
   * then be any text (`M`/`B`) or numbers (`4` matches `4.0`). Without it, labels must be 0 or 1.
   */
  readonly positive?: string;
}

/** The most distinct label values a dataset records with `positive` (see {@link Dataset.labelValues}). */
export const LABEL_VALUES_KEPT = 100;

const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Reads a CSV file with a header row and one sample per row, all cells numeric.
 * Label columns (default: the last one) become y, the others x, in the article's orientation.
 * Any problem is an {@link InputError} naming the file, line and column.
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  const wrong = filePath(path);
  if (wrong) throw new InputError(`readCsv: the path${wrong}`);
  checkCsvOptions(options);
  return readCsvWith(path, trainingColumns(path, options), { positive: options.positive, training: true });
}

/**
 * A CSV's text (read elsewhere: an upload in a page, a string) as a dataset, checked as
 * {@link readCsv} checks files, with the same messages; `name` stands for the file in them.
 */
export function parseCsvText(name: string, text: string, options: CsvOptions = {}): Dataset {
  checkCsvOptions(options, 'parseCsvText');
  const samples = collector(name, trainingColumns(name, options), { positive: options.positive, training: true });
  try {
    const records = parseSync(text, CSV_OPTIONS) as unknown as CsvRecord[];
    for (const record of records) samples.add(record);
    return samples.finish();
  } catch (err) {
    throw asInputError(name, err, () => NPY_TEXT.test(text));
  }
}

/** The column options make sense together: one way of choosing features, non-empty lists and value. */
export function checkCsvOptions(options: CsvOptions, where = 'readCsv'): void {
  checkOptionsObject(where, options, { labels: names, features: names, ignore: names, positive: undefined });
  const { features, ignore, positive } = options;
  if (features !== undefined && ignore !== undefined) {
    throw new InputError(option('features'), ' and ', option('ignore'), ' both choose the feature columns; give one of them');
  }
  if (features !== undefined && features.length === 0) throw new InputError(option('features'), ' must name at least one column');
  if (positive !== undefined && (typeof positive !== 'string' || positive === '')) {
    throw new InputError(option('positive'), ` must be a non-empty label value (text, as the file has it: "1", "yes"), got ${given(positive)}`);
  }
}

/** Labels as named (default: the last column); features as named, or the other columns but the ignored ones. */
export function trainingColumns(path: string, { labels, features, ignore }: CsvOptions): ColumnPlan {
  return (header) => {
    if (header.length < 2) {
      throw new InputError(`${shownPath(path)}: the header has ${header.length} column; expected at least one feature and a label`);
    }
    const labelCols = pickLabels(path, header, labels);
    const labelled = (name: string, key: 'features' | 'ignore') => {
      if (!labelCols.includes(header.indexOf(name))) return;
      const which = labels?.length ? 'a label column (' : 'the label column (the last one, by default: name the labels with ';
      throw new InputError(option(key), `: ${quote(name)} is ${which}`, option('labels'), '), so it cannot be a feature');
    };
    if (features) {
      const featureCols = features.map((name) => {
        columnOf(path, header, name, 'features');
        labelled(name, 'features');
        return header.indexOf(name);
      });
      return { labelCols, featureCols };
    }
    const ignored = new Set((ignore ?? []).map((name) => columnOf(path, header, name, 'ignore')));
    for (const name of ignore ?? []) labelled(name, 'ignore');
    const featureCols = header.map((_, c) => c).filter((c) => !labelCols.includes(c) && !ignored.has(c));
    if (featureCols.length === 0) throw new InputError(option('ignore'), `: no feature column of ${shownPath(path)} is left`);
    return { labelCols, featureCols };
  };
}

/** The column of `name`, or an error naming the option and listing the file's columns. */
function columnOf(path: string, header: string[], name: string, key: 'labels' | 'features' | 'ignore'): number {
  const c = header.indexOf(name);
  if (c < 0) throw new InputError(option(key), `: ${shownPath(path)} has no column ${quote(name)}; its columns are ${shownList(header)}`);
  return c;
}

/** What a model file says about its columns and labels, beyond their names. */
export interface ModelColumns {
  /** The label value that means 1 (labels are then read as in training). */
  readonly positive?: string;
  /** Columns the training file had that were neither features nor labels: allowed here, not read. */
  readonly ignoredColumns?: readonly string[];
  /** With `positive`: the label values its training data had and what each was read as (a Parquet boolean's `true`, …). */
  readonly labelValues?: Readonly<Record<string, 0 | 1>>;
}

/**
 * Reads a CSV for a trained model: it must have a column for each of the model's features (in any
 * order) and may have its label columns (then y holds them; otherwise y has no rows), and the
 * columns its training file ignored. Label cells are read as in training: a value the training data
 * had as it was read then (`labelValues`), any other against `positive`.
 * Missing or extra columns are an {@link InputError} that names them.
 */
export async function readCsvForModel(
  path: string,
  featureNames: readonly string[],
  labelNames: readonly string[],
  model: ModelColumns = {},
): Promise<Dataset> {
  return readCsvWith(path, (header) => {
    const labelled = matchModelColumns(shownPath(path), header, { featureNames, labelNames, ignoredColumns: model.ignoredColumns });
    return {
      featureCols: featureNames.map((name) => header.indexOf(name)),
      labelCols: labelled ? labelNames.map((name) => header.indexOf(name)) : [],
    };
  }, { positive: model.positive, known: model.labelValues, training: false });
}

const quoteAll = (names: string[]) => shownList(names, { quoted: true });

/** Which columns are features (x's rows, in order) and which are labels (y's rows). */
export type ColumnPlan = (header: string[]) => { featureCols: number[]; labelCols: number[] };

/** How label cells are read: 0/1 numbers, or `positive` against the rest; `training` checks that `positive` occurs. */
export interface LabelRule {
  readonly positive?: string;
  /** With `positive`, values read as these first (a model's `labelValues`). */
  readonly known?: Readonly<Record<string, 0 | 1>>;
  readonly training: boolean;
}

/**
 * Rows end with CRLF, LF or CR, each row its own: a file that mixes them (CRLF on the header, LF
 * after, as editors and `cat` make them) parses as the rows it shows; csv-parse would otherwise
 * keep the first ending it sees and read the rest as one row.
 */
export const CSV_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
  trim: true,
  info: true,
  record_delimiter: ['\r\n', '\n', '\r'] as string[],
};

/** A parsed row and the line it ended on. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function readCsvWith(path: string, plan: ColumnPlan, labels: LabelRule): Promise<Dataset> {
  const samples = collector(path, plan, labels);
  await forEachCsvRecord(path, (record) => samples.add(record));
  return forCsv(path, () => samples.finish());
}

/**
 * Streams a CSV file's records (header first) to `visit`, one at a time, with backpressure, so a
 * file of any size is read in bounded memory. Any failure — the parser's, the file system's, or
 * one `visit` throws — is an {@link InputError} about the file (with the .npy hint where it fits).
 */
export async function forEachCsvRecord(path: string, visit: (record: CsvRecord) => void): Promise<void> {
  const input = createReadStream(path, { fd: openInput(path, 'a CSV file'), highWaterMark: 1 << 20 }); // a regular file only, opened without blocking
  const parser = input.pipe(parse(CSV_OPTIONS));
  input.on('error', (err) => parser.destroy(err));
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) visit(record);
  } catch (err) {
    throw csvError(path, err);
  } finally {
    input.destroy();
  }
}

/** `f()`, its failures as the CSV's ({@link csvError}). */
export function forCsv<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw csvError(path, err);
  }
}

/** Any failure about the CSV file `path` as an {@link InputError} about it, with the .npy hint where it fits. */
export function csvError(path: string, err: unknown): Error {
  return asInputError(path, err, () => startsLikeNpy(path));
}

/** The header's check and the errors of a file with no header or no sample, shared by the readers of CSV files. */
export const csvShape = {
  header: (path: string, record: string[], line: number) => checkHeader(path, record, line),
  empty: (path: string) => new InputError(`${shownPath(path)}: the file is empty; expected a header row and at least one sample`),
  noSamples: (path: string) => new InputError(`${shownPath(path)}: no samples after the header row`),
};

/** Takes a CSV's records one by one (the header, then samples), checking each; `finish` makes the dataset. */
function collector(path: string, plan: ColumnPlan, labels: LabelRule) {
  let header: string[] | undefined;
  let labelCols: number[] = [];
  let featureCols: number[] = [];
  let reader: RowReader | undefined;
  const rows: Float64Array[] = [];
  const lines: number[] = [];
  return {
    add({ record, info }: CsvRecord): void {
      if (!header) {
        header = checkHeader(path, record, info.lines);
        ({ featureCols, labelCols } = plan(header));
        reader = rowReader(path, header, featureCols, labelCols, labels);
        return;
      }
      rows.push(reader!.read(record, info.lines, new Float64Array(record.length)));
      lines.push(info.lines);
    },
    finish(): Dataset {
      if (!header) throw csvShape.empty(path);
      if (rows.length === 0) throw csvShape.noSamples(path);
      reader!.finish();
      const cellName = (r: number, j: number) => `${shownPath(path)}: line ${lines[j]}, column ${quote(header![featureCols[r]])}`;
      const dataset = toDataset(path, header, rows, featureCols, labelCols, cellName);
      const used = new Set([...featureCols, ...labelCols]);
      const ignoredColumns = header.filter((_, c) => !used.has(c));
      return {
        ...dataset,
        ...(labels.positive !== undefined && { positive: labels.positive, labelValues: reader!.labelValues() }),
        ...(ignoredColumns.length > 0 && { ignoredColumns }),
      };
    },
  };
}

/** Reads a CSV's rows once its header and columns are known: see {@link rowReader}. */
export interface RowReader {
  /** The row's feature and label cells as numbers, into `into` at their column indices (other columns are not read). */
  read(record: string[], line: number, into: Float64Array): Float64Array;
  /** Checks what can only be checked at the end (in training, that `positive` occurs in every label column). */
  finish(): void;
  /** The label values seen (up to {@link LABEL_VALUES_KEPT}) and what each was read as, with `positive`. */
  labelValues(): Record<string, 0 | 1>;
}

/** A label value as a number, as a database's number or boolean column holds it: `4.0` is 4, `true` (any case) 1, `false` 0; text, undefined. */
function numberOf(value: string): number | undefined {
  if (DECIMAL.test(value)) return Number(value);
  return /^(true|false)$/i.test(value) ? Number(value.toLowerCase() === 'true') : undefined;
}

/**
 * Reads rows: each must have the header's number of cells; feature cells must be finite numbers;
 * label cells 0 or 1 — or, with `positive`, any non-empty value, read as 1 when it is `positive`
 * (a number or a boolean matches by value: `4` is `4.0`, `true` is `TRUE` and `1`) and 0 otherwise.
 */
export function rowReader(path: string, header: string[], featureCols: number[], labelCols: number[], labels: LabelRule): RowReader {
  const { positive } = labels;
  const numericPositive = positive === undefined ? undefined : numberOf(positive);
  const seen = new Map<string, 0 | 1>();
  const positives = new Array<number>(labelCols.length).fill(0);
  const valuesOf = labelCols.map(() => new Set<string>());
  const isPositive = (cell: string) => cell === positive || (numericPositive !== undefined && numberOf(cell) === numericPositive);
  return {
    read(record, line, into) {
      if (record.length !== header.length) {
        throw new InputError(`${shownPath(path)}: line ${line} has ${record.length} cells, expected ${header.length} as in the header`);
      }
      const where = (c: number) => `${shownPath(path)}: line ${line}, column ${quote(header[c])}`;
      for (const c of featureCols) into[c] = numberCell(record[c], () => where(c));
      labelCols.forEach((c, l) => {
        const cell = record[c];
        if (positive === undefined) {
          if (cell === '') throw new InputError(`${where(c)} is empty; expected a number`);
          const v = DECIMAL.test(cell) ? Number(cell) : NaN;
          if (v !== 0 && v !== 1) {
            throw new InputError(`${where(c)} is a label and must be 0 or 1, got ${shown(cell)}`, ...otherLabelsHint(!labels.training));
          }
          into[c] = v;
          return;
        }
        if (cell === '') throw new InputError(`${where(c)} is empty; expected a label value`);
        const v = labels.known !== undefined && Object.hasOwn(labels.known, cell) ? labels.known[cell] : isPositive(cell) ? 1 : 0;
        positives[l] += v;
        if (seen.size < LABEL_VALUES_KEPT && !seen.has(cell)) seen.set(cell, v);
        if (valuesOf[l].size < LIST_ITEMS + 1) valuesOf[l].add(cell);
        into[c] = v;
      });
      return into;
    },
    finish() {
      if (positive === undefined || !labels.training) return;
      const l = positives.findIndex((n) => n === 0);
      if (l < 0) return;
      throw new InputError(
        option('positive'),
        `: no label of column ${quote(header[labelCols[l]])} in ${shownPath(path)} is ${quote(positive)}; its values include ${quoteAll([...valuesOf[l]])}`,
      );
    },
    labelValues: () => Object.fromEntries(seen),
  };
}

/** A feature cell as a finite number, or an error saying where and what is wrong. */
function numberCell(cell: string, where: () => string): number {
  if (cell === '') throw new InputError(`${where()} is empty; expected a number`);
  if (NOT_FINITE.test(cell)) throw new InputError(`${where()}: ${quote(cell)} is not a finite number`);
  if (!DECIMAL.test(cell)) throw new InputError(`${where()}: ${quote(cell)} is not a number`);
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new InputError(`${where()}: ${quote(cell)} is not a finite number`);
  return v;
}

/**
 * The first row names the columns. A first row of numbers only is refused rather than read as
 * names: it is almost surely a sample of a file with no header, and taking it as the header would
 * silently lose that sample (and name the columns "0", "1.5", …). A file whose columns really are
 * named by numbers needs other names.
 */
function checkHeader(path: string, record: string[], line: number): string[] {
  if (record.every((name) => DECIMAL.test(name))) {
    throw new InputError(
      `${shownPath(path)}: line ${line} looks like data, not a header (every cell is a number): add a header row naming the columns`,
    );
  }
  const seen = new Set<string>();
  record.forEach((name, c) => {
    if (name === '') throw new InputError(`${shownPath(path)}: line ${line} (header), column ${c + 1} has no name`);
    if (seen.has(name)) throw new InputError(`${shownPath(path)}: line ${line} (header) names column ${quote(name)} twice`);
    seen.add(name);
  });
  return record;
}

function pickLabels(path: string, header: string[], labels: readonly string[] | undefined): number[] {
  if (!labels || labels.length === 0) return [header.length - 1];
  const cols = labels.map((name) => columnOf(path, header, name, 'labels'));
  if (cols.length >= header.length) throw new InputError(option('labels'), `: every column of ${shownPath(path)} is a label; no features are left`);
  return cols;
}

/** Samples arrive as rows; the article wants x as features×samples and y as outputs×samples. */
function toDataset(
  path: string,
  header: string[],
  rows: Float64Array[],
  featureCols: number[],
  labelCols: number[],
  cellName: (row: number, sample: number) => string,
): Dataset {
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
    cellName,
  );
}

/**
 * Any failure reading a CSV as an {@link InputError}: csv-parse's own (unclosed or stray quotes, …;
 * its message, which may quote a whole field, is cut), ours, or the file system's. When the file
 * is an .npy (by its name or its first bytes), every failure about its content says so.
 */
function asInputError(path: string, err: unknown, npy: () => boolean): Error {
  let error: InputError;
  if (err instanceof CsvError) error = new InputError(`${shownPath(path)}: ${shown(err.message, 200)}`);
  else if (err instanceof InputError) error = err; // ours: about the content (fs errors come as node's)
  else return fileReadError(path, err, 'a CSV file');
  if (!(/\.npy$/i.test(path) || npy())) return error;
  return new InputError(...error.parts, ' (an .npy file? give it with ', option('x'), ' and ', option('y'), ')');
}

/** numpy's magic string, as a CSV's text decodes it (0x93 is not UTF-8: U+FFFD). */
const NPY_TEXT = /^(\x93|\uFFFD)NUMPY/;

/** Whether the file starts with numpy's magic string (\x93NUMPY). */
function startsLikeNpy(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(6);
      return readSync(fd, head, 0, 6, 0) === 6 && head.equals(Buffer.from('\x93NUMPY', 'latin1'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
