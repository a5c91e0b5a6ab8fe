import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError, fileReadError, option, quote, shown, shownList, shownPath } from '../errors';
import { sharedFloats } from '../matrix';
import { DECIMAL } from '../validate';
import { inMemory, type Dataset } from './dataset';
import { openInput } from './npy/io';

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
  try {
    const records = parseSync(text, CSV_OPTIONS) as unknown as CsvRecord[];
    for (const record of records) samples.add(record);
    return samples.finish();
  } catch (err) {
    throw asInputError(name, err, () => NPY_TEXT.test(text));
  }
}

/** Labels as named (default: the last column), features the other columns. */
function trainingColumns(path: string, labels: readonly string[] | undefined): ColumnPlan {
  return (header) => {
    if (header.length < 2) {
      throw new InputError(`${shownPath(path)}: the header has ${header.length} column; expected at least one feature and a label`);
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
        `${shownPath(path)}: the columns do not match the model's features (${shownList(featureNames)}): ${parts.join('; ')}`,
      );
    }
    const presentLabels = labelNames.filter((name) => header.includes(name));
    if (presentLabels.length > 0 && presentLabels.length < labelNames.length) {
      const absent = labelNames.filter((name) => !header.includes(name));
      throw new InputError(
        `${shownPath(path)}: has the label column${presentLabels.length > 1 ? 's' : ''} ${quoteAll(presentLabels)} but not ${quoteAll(absent)}; ` +
          'give all of the model\'s labels (to score the predictions) or none',
      );
    }
    return {
      featureCols: featureNames.map((name) => header.indexOf(name)),
      labelCols: presentLabels.map((name) => header.indexOf(name)),
    };
  });
}

const quoteAll = (names: string[]) => shownList(names, { quoted: true });

type ColumnPlan = (header: string[]) => { featureCols: number[]; labelCols: number[] };

/**
 * Rows end with CRLF, LF or CR, each row its own: a file that mixes them (CRLF on the header, LF
 * after, as editors and `cat` make them) parses as the rows it shows; csv-parse would otherwise
 * keep the first ending it sees and read the rest as one row.
 */
const CSV_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
  trim: true,
  info: true,
  record_delimiter: ['\r\n', '\n', '\r'] as string[],
};

/** A parsed row and the line it ended on. */
interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function readCsvWith(path: string, plan: ColumnPlan): Promise<Dataset> {
  const input = createReadStream(path, { fd: openInput(path, 'a CSV file') }); // a regular file only, opened without blocking
  const parser = input.pipe(parse(CSV_OPTIONS));
  input.on('error', (err) => parser.destroy(err));
  const samples = collector(path, plan);
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) samples.add(record);
    return samples.finish();
  } catch (err) {
    throw asInputError(path, err, () => startsLikeNpy(path));
  } finally {
    input.destroy();
  }
}

/** Takes a CSV's records one by one (the header, then samples), checking each; `finish` makes the dataset. */
function collector(path: string, plan: ColumnPlan) {
  let header: string[] | undefined;
  let labelCols: number[] = [];
  let featureCols: number[] = [];
  const rows: Float64Array[] = [];
  const lines: number[] = [];
  return {
    add({ record, info }: CsvRecord): void {
      if (!header) {
        header = checkHeader(path, record, info.lines);
        ({ featureCols, labelCols } = plan(header));
        return;
      }
      rows.push(parseRow(path, header, record, info.lines, labelCols));
      lines.push(info.lines);
    },
    finish(): Dataset {
      if (!header) throw new InputError(`${shownPath(path)}: the file is empty; expected a header row and at least one sample`);
      if (rows.length === 0) throw new InputError(`${shownPath(path)}: no samples after the header row`);
      const cellName = (r: number, j: number) => `${shownPath(path)}: line ${lines[j]}, column ${quote(header![featureCols[r]])}`;
      return toDataset(path, header, rows, featureCols, labelCols, cellName);
    },
  };
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
  const cols = labels.map((name) => {
    const c = header.indexOf(name);
    if (c < 0) throw new InputError(option('labels'), `: ${shownPath(path)} has no column ${quote(name)}; its columns are ${shownList(header)}`);
    return c;
  });
  if (cols.length >= header.length) throw new InputError(option('labels'), `: every column of ${shownPath(path)} is a label; no features are left`);
  return cols;
}

/** One sample: its cells as numbers, in header order; labels checked to be 0 or 1. */
function parseRow(path: string, header: string[], record: string[], line: number, labelCols: number[]): Float64Array {
  if (record.length !== header.length) {
    throw new InputError(`${shownPath(path)}: line ${line} has ${record.length} cells, expected ${header.length} as in the header`);
  }
  const values = new Float64Array(record.length);
  record.forEach((cell, c) => {
    const where = () => `${shownPath(path)}: line ${line}, column ${quote(header[c])}`;
    if (cell === '') throw new InputError(`${where()} is empty; expected a number`);
    if (NOT_FINITE.test(cell)) throw new InputError(`${where()}: ${quote(cell)} is not a finite number`);
    if (!DECIMAL.test(cell)) throw new InputError(`${where()}: ${quote(cell)} is not a number`);
    const v = Number(cell);
    if (!Number.isFinite(v)) throw new InputError(`${where()}: ${quote(cell)} is not a finite number`);
    if (labelCols.includes(c) && v !== 0 && v !== 1) throw new InputError(`${where()} is a label and must be 0 or 1, got ${shown(cell)}`);
    values[c] = v;
  });
  return values;
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
