import { join } from 'node:path';
import { csvToNpy } from '../data/csv-to-npy';
import { InputError, shownPath } from '../errors';
import { isParquet } from '../sql/parquet';
import { stageStream, writeTogether } from '../io/atomic';
import { parseNameList, parseOptions } from './args';
import { checkOutputFolder } from './outputs';
import { listNames, plural } from './report';
import type { Io } from './run';

export const CONVERT_HELP = `Converts a CSV file of any size into x.npy and y.npy (float32, the article's orientation:
x features×samples, y outputs×samples), streaming it in one pass with bounded memory.

Usage: simple-nn convert --data FILE.csv --out DIR [--label COL[,COL…]] [--features A,B,… | --ignore A,B,…] [--positive VALUE]
       (from the project's folder: npm run convert -- …)

  --data FILE.csv        a header row, then one sample per row, read and checked as train --data reads it
                         (Parquet needs no converting: train --data reads it directly, in chunks
                         with --chunk-samples)
  --out DIR              the folder for x.npy and y.npy (made if missing); both appear together
                         once the whole file is converted, or neither
  --label COL[,COL…]     the label column(s) (default: the last column), values 0 or 1
  --features A,B,…       the feature columns, in this order (default: every column but the labels)
  --ignore A,B,…         columns that are neither features nor labels
  --positive VALUE       the label value that means 1, any other value 0
  -h, --help             this text

The files are in Fortran order (sample after sample, as the rows come), which np.load reads as
the same array. Then: simple-nn train --x DIR/x.npy --y DIR/y.npy [--chunk-samples 65536]
`;

/** `simple-nn convert`: CSV → x.npy + y.npy, streamed, written together (all or none). */
export async function convert(argv: readonly string[], io: Io): Promise<number> {
  const values = parseOptions(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string' },
    features: { type: 'string' },
    ignore: { type: 'string' },
    positive: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(CONVERT_HELP);
    return 0;
  }
  const { data, out } = values;
  if (data === undefined || out === undefined) throw new InputError('--data FILE.csv and --out DIR are required (see --help)');
  if (isParquet(data)) {
    throw new InputError(`--data: ${shownPath(data)} is Parquet; convert reads CSV files, and train reads Parquet directly: simple-nn train --data ${shownPath(data)}`);
  }
  const names = (text: string | undefined, key: 'labels' | 'features' | 'ignore') => (text === undefined ? undefined : parseNameList(key, text));
  const options = {
    labels: names(values.label, 'labels'),
    features: names(values.features, 'features'),
    ignore: names(values.ignore, 'ignore'),
    positive: values.positive,
  };
  if (options.features && options.ignore) throw new InputError('--features and --ignore both choose the feature columns; give one of them');
  if (options.positive === '') throw new InputError('--positive needs a label value, got ""');
  // before reading: a long conversion must not be lost to a bad folder, nor write over its own input
  checkOutputFolder('--out', out, ['x.npy', 'y.npy'], { kind: 'csv', path: data });
  const started = Date.now();
  const result = await writeTogether(async () => {
    const x = stageStream(join(out, 'x.npy'), { makeFolder: true });
    const y = stageStream(join(out, 'y.npy'), { makeFolder: true });
    return csvToNpy(data, x, y, options);
  });
  const seconds = (Date.now() - started) / 1000;
  const F = result.featureNames.length;
  const k = result.labelNames.length;
  io.stderr(
    `wrote ${join(out, 'x.npy')} (${F}×${result.samples} float32: ${listNames(result.featureNames)}) and ` +
      `${join(out, 'y.npy')} (${k}×${result.samples}: ${listNames(result.labelNames)}) from ${plural(result.samples, 'row')} ` +
      `in ${seconds.toFixed(1)} s (${Math.round(result.samples / Math.max(seconds, 1e-3))} rows/s)\n`,
  );
  return 0;
}
