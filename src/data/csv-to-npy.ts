import { InputError, quote, shownPath } from '../errors';
import { checkCsvOptions, csvShape, forCsv, forEachCsvRecord, rowReader, trainingColumns, type CsvOptions, type RowReader } from './csv';
import { NpyAppender, type ByteSink } from './npy';

/** What {@link csvToNpy} wrote. */
export interface CsvToNpyResult {
  readonly samples: number;
  readonly featureNames: string[];
  readonly labelNames: string[];
  /** With `positive`: the label values seen (up to 100) and what each was read as. */
  readonly labelValues?: Record<string, 0 | 1>;
}

/** The most bytes of x a chunk of rows holds before it is written out. */
const CHUNK_BYTES = 1 << 22;

/**
 * Streams a CSV file into x (features×samples) and y (outputs×samples) as float32 `.npy` files in
 * the article's orientation, in one pass and bounded memory (a few MB of rows at a time, whatever
 * the file's size). The files are in Fortran order — sample after sample, as the CSV's rows come —
 * which `np.load` reads as the same (features, samples) array and `NpyColumnReader` streams a
 * chunk of samples at a time in one read. The CSV is read and checked exactly as {@link readCsv}
 * reads it (same options, same messages), and each x value must fit float32.
 *
 * `x` and `y` receive the bytes (e.g. from `stageStream`, so the files appear only when complete).
 */
export async function csvToNpy(path: string, x: ByteSink, y: ByteSink, options: CsvOptions = {}): Promise<CsvToNpyResult> {
  checkCsvOptions(options, 'csvToNpy');
  const plan = trainingColumns(path, options);
  let header: string[] | undefined;
  let featureCols: number[] = [];
  let labelCols: number[] = [];
  let reader: RowReader;
  let xOut: NpyAppender;
  let yOut: NpyAppender;
  let xChunk = new Float32Array(0);
  let yChunk = new Float32Array(0);
  let row = new Float64Array(0);
  let n = 0; // rows in the chunk
  let capacity = 0;
  const flush = () => {
    xOut.append(xChunk.subarray(0, n * featureCols.length));
    yOut.append(yChunk.subarray(0, n * labelCols.length));
    n = 0;
  };
  await forEachCsvRecord(path, ({ record, info }) => {
    if (!header) {
      header = csvShape.header(path, record, info.lines);
      ({ featureCols, labelCols } = plan(header));
      reader = rowReader(path, header, featureCols, labelCols, { positive: options.positive, training: true });
      xOut = new NpyAppender(x, featureCols.length, 'float32');
      yOut = new NpyAppender(y, labelCols.length, 'float32');
      capacity = Math.max(1, Math.floor(CHUNK_BYTES / (4 * featureCols.length)));
      xChunk = new Float32Array(capacity * featureCols.length);
      yChunk = new Float32Array(capacity * labelCols.length);
      row = new Float64Array(header.length);
      return;
    }
    reader.read(record, info.lines, row);
    const F = featureCols.length;
    for (let f = 0; f < F; f++) {
      const v = Math.fround(row[featureCols[f]]);
      if (!Number.isFinite(v)) {
        throw new InputError(
          `${shownPath(path)}: line ${info.lines}, column ${quote(header[featureCols[f]])}: ${quote(record[featureCols[f]])} does not fit float32, ` +
            "the .npy files' type (its largest value is 3.4028235e38)",
        );
      }
      xChunk[n * F + f] = v;
    }
    for (let l = 0; l < labelCols.length; l++) yChunk[n * labelCols.length + l] = row[labelCols[l]];
    if (++n === capacity) flush();
  });
  return forCsv(path, () => {
    if (!header) throw csvShape.empty(path);
    flush();
    if (xOut.cols === 0) throw csvShape.noSamples(path);
    reader.finish();
    xOut.finish();
    yOut.finish();
    return {
      samples: xOut.cols,
      featureNames: featureCols.map((c) => header![c]),
      labelNames: labelCols.map((c) => header![c]),
      ...(options.positive !== undefined && { labelValues: reader.labelValues() }),
    };
  });
}
