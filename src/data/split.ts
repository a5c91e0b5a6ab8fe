import { InputError, option } from '../errors';
import { sharedFloats, type Matrix } from '../matrix';
import { shuffledIndices } from '../random';
import { inMemory, type Dataset } from './dataset';

/**
 * Splits in-memory data into a training and a test set after a seeded shuffle of the samples:
 * `round(fraction × samples)` samples go to the test set, in shuffled order. Both sets keep the
 * data's names (and label reading: `positive`, `labelValues`, `ignoredColumns`).
 */
export function splitDataset(
  data: Dataset,
  fraction: number,
  seed: number,
): { train: Dataset; test: Dataset; /** Each set's samples' indices in `data`, in the sets' order. */ indices: { train: Uint32Array; test: Uint32Array } } {
  const whole = data.source.inMemory;
  // a CSV is read into memory whatever the chunks; a .npy given --chunk-samples (or too large) is streamed from its file
  if (!whole) throw new InputError(option('testSplit'), ' needs the data in memory, and this data is streamed (a .npy read in chunks, for ', option('chunkSamples'), ' or for its size); split the files instead');
  const m = whole.x.cols;
  const testCount = Math.round(fraction * m);
  if (testCount < 1 || testCount > m - 1) {
    throw new InputError(option('testSplit'), ` ${fraction} of ${m} samples leaves ${testCount} for testing and ${m - testCount} for training; each needs at least 1`);
  }
  const order = shuffledIndices(m, seed);
  const piece = (from: number, to: number, what: string): Dataset =>
    inMemory(
      pickColumns(whole.x, order.subarray(from, to)),
      pickColumns(whole.y, order.subarray(from, to)),
      data.featureNames,
      data.labelNames,
      `${data.name}, ${what} set`,
      data.source.cellName && ((r, j) => data.source.cellName!(r, order[from + j])),
    );
  const part = (from: number, to: number, what: string): Dataset => {
    const { source, featureNames, labelNames, name } = piece(from, to, what);
    return { ...data, source, featureNames, labelNames, name };
  };
  return {
    test: part(0, testCount, 'test'),
    train: part(testCount, m, 'train'),
    indices: { test: order.subarray(0, testCount), train: order.subarray(testCount) },
  };
}

function pickColumns(m: Matrix, columns: Uint32Array): Matrix {
  const n = columns.length;
  const data = sharedFloats(m.data instanceof Float32Array ? 'float32' : 'float64', m.rows * n);
  for (let r = 0; r < m.rows; r++) {
    for (let j = 0; j < n; j++) data[r * n + j] = m.data[r * m.cols + columns[j]];
  }
  return { rows: m.rows, cols: n, data };
}
