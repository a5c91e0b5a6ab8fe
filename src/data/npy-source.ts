import { InputError } from '../errors';
import type { Matrix } from '../matrix';
import { inMemory, type Dataset } from './dataset';
import { NpyColumnReader, readNpy, readNpyHeader } from './npy';
import type { SampleSource } from './source';

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
      `--y: ${yPath} has ${yHeader.cols} samples (columns) but ${xPath} has ${xHeader.cols}; ` +
        'both are …×samples, as the article orients x and y',
    );
  }
  const featureNames = Array.from({ length: xHeader.rows }, (_, f) => `x${f + 1}`);
  const labelNames = yHeader.rows === 1 ? ['y'] : Array.from({ length: yHeader.rows }, (_, o) => `y${o + 1}`);
  if (!stream) {
    const x = readNpy(xPath);
    const y = readNpy(yPath);
    checkChunk(xPath, x, 0, yPath, y);
    return inMemory(x, y, featureNames, labelNames, xPath);
  }
  const samples = streamingSource(xPath, yPath);
  samples.forEachChunk(DEFAULT_CHUNK_SAMPLES, ({ x, y, offset }) => checkChunk(xPath, x, offset, yPath, y));
  return { samples, featureNames, labelNames, name: xPath };
}

function streamingSource(xPath: string, yPath: string): SampleSource {
  const xReader = new NpyColumnReader(xPath);
  const yReader = new NpyColumnReader(yPath);
  const { rows: features, cols: samples } = xReader.header;
  let buffers: { x: Float32Array | Float64Array; y: Float32Array | Float64Array; size: number } | undefined;
  return {
    features,
    outputs: yReader.header.rows,
    samples,
    forEachChunk(chunkSamples, visit) {
      const size = Math.min(chunkSamples ?? DEFAULT_CHUNK_SAMPLES, samples);
      if (!buffers || buffers.size !== size) {
        const x = xReader.readColumns(0, size);
        const y = yReader.readColumns(0, size);
        buffers = { x: x.data, y: y.data, size };
      }
      for (let start = 0; start < samples; start += size) {
        const n = Math.min(size, samples - start);
        visit({ x: xReader.readColumns(start, n, buffers.x), y: yReader.readColumns(start, n, buffers.y), offset: start });
      }
    },
    close() {
      xReader.close();
      yReader.close();
    },
  };
}

function checkChunk(xPath: string, x: Matrix, offset: number, yPath: string, y: Matrix): void {
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) {
      const [r, c] = [Math.floor(i / x.cols), (i % x.cols) + offset];
      throw new InputError(`${xPath}: x[${r}, ${c}] is ${x.data[i]}; every value must be a finite number`);
    }
  }
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i];
    if (v !== 0 && v !== 1) {
      const [r, c] = [Math.floor(i / y.cols), (i % y.cols) + offset];
      throw new InputError(`${yPath}: y[${r}, ${c}] is ${v}; labels must be 0 or 1`);
    }
  }
}
