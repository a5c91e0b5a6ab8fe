import { InputError, option } from '../errors';
import { firstNonFinite, firstNonLabel, sharedFloats, type Matrix } from '../matrix';
import { defaultNames, inMemory, type Dataset } from './dataset';
import { NpyColumnReader, readNpy, readNpyHeader } from './npy';
import { ofCheckedValues, type SampleSource } from './source';

/** Samples per chunk when streaming and the caller names no chunk size. */
export const DEFAULT_CHUNK_SAMPLES = 1 << 16;

/**
 * x and y from .npy files in the article's orientation (x features×samples, y outputs×samples,
 * as `np.save` writes the article's arrays; a 1-D y is one output).
 * With `stream`, nothing is held whole: every pass reads the files chunk by chunk.
 * Labels are checked to be 0 or 1 and x to be finite, once, here.
 */
export function npyDataset(xPath: string, yPath: string, { stream }: { stream: boolean }): Dataset {
  const xHeader = readNpyHeader(xPath);
  const yHeader = readNpyHeader(yPath);
  if (xHeader.cols !== yHeader.cols) {
    throw new InputError(
      option('y'),
      `: ${yPath} has ${yHeader.cols} samples (columns) but ${xPath} has ${xHeader.cols}; ` +
        'both are …×samples, as the article orients x and y',
    );
  }
  const empty = (path: string, what: string) => new InputError(`${path}: has no ${what}; expected at least one`);
  if (xHeader.cols === 0) throw empty(xPath, 'samples (columns)');
  if (xHeader.rows === 0) throw empty(xPath, 'features (rows)');
  if (yHeader.rows === 0) throw empty(yPath, 'outputs (rows)');
  const { featureNames, labelNames } = defaultNames(xHeader.rows, yHeader.rows);
  if (!stream) {
    const x = readNpy(xPath);
    const y = readNpy(yPath);
    checkSamples(xPath, x, 0, yPath, y);
    return inMemory(x, y, featureNames, labelNames, xPath, (r, c) => `${xPath}: x[${r}, ${c}]`);
  }
  const samples = ofCheckedValues(streamingSource(xPath, yPath)); // checked here, once
  try {
    samples.forEachChunk(DEFAULT_CHUNK_SAMPLES, ({ x, y, offset }) => checkSamples(xPath, x, offset, yPath, y));
  } catch (err) {
    samples.close?.();
    throw err;
  }
  return { source: samples, featureNames, labelNames, name: xPath };
}

/** Bytes that x and y of these files take in memory (float32 files stay float32, others become float64). */
export function npyMemoryBytes(path: string): number {
  const { rows, cols, dtype } = readNpyHeader(path);
  return rows * cols * (dtype === 'float32' ? 4 : 8);
}

function streamingSource(xPath: string, yPath: string): SampleSource {
  const xReader = new NpyColumnReader(xPath);
  let yReader: NpyColumnReader;
  try {
    yReader = new NpyColumnReader(yPath);
  } catch (err) {
    xReader.close();
    throw err;
  }
  const { rows: features, cols: samples } = xReader.header;
  const outputs = yReader.header.rows;
  // in shared memory, where the kernels' threads read a chunk in place
  const floats = (reader: NpyColumnReader, n: number) => sharedFloats(reader.header.dtype === 'float32' ? 'float32' : 'float64', n);
  let buffers: { x: Float32Array | Float64Array; y: Float32Array | Float64Array; size: number } | undefined;
  return {
    features,
    outputs,
    samples,
    cellName: (r, c) => `${xPath}: x[${r}, ${c}]`,
    dtype: xReader.header.dtype === 'float32' ? 'float32' : 'float64',
    forEachChunk(chunkSamples, visit, skip) {
      const size = Math.min(chunkSamples ?? DEFAULT_CHUNK_SAMPLES, samples);
      if (!buffers || buffers.size !== size) {
        buffers = { x: floats(xReader, features * size), y: floats(yReader, outputs * size), size };
      }
      for (let start = 0; start < samples; start += size) {
        const n = Math.min(size, samples - start);
        if (skip?.(start, n)) continue; // not read from the file at all
        visit({ x: xReader.readColumns(start, n, buffers.x), y: yReader.readColumns(start, n, buffers.y), offset: start });
      }
    },
    close() {
      xReader.close();
      yReader.close();
    },
  };
}

/** x must be finite and y 0 or 1; offset is the first sample's index, for the message. */
export function checkSamples(xPath: string, x: Matrix, offset: number, yPath: string, y: Matrix): void {
  const badX = firstNonFinite(x);
  if (badX) throw new InputError(`${xPath}: x[${badX.row}, ${badX.col + offset}] is ${badX.value}; every value must be a finite number`);
  const badY = firstNonLabel(y);
  if (badY) throw new InputError(`${yPath}: y[${badY.row}, ${badY.col + offset}] is ${badY.value}; labels must be 0 or 1`);
}
