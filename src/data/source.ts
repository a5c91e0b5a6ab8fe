import { sharedFloats, type Matrix } from '../matrix';

/** A run of consecutive samples: x is features×n, y is outputs×n; `offset` is the first sample's index. */
export interface Chunk {
  readonly x: Matrix;
  readonly y: Matrix;
  readonly offset: number;
}

/**
 * Training samples in the article's orientation, visited in chunks of samples, so that data
 * larger than memory can be streamed once per iteration (full-batch training, chunked).
 */
export interface SampleSource {
  readonly features: number;
  readonly outputs: number;
  readonly samples: number;
  /**
   * Calls `visit` for consecutive chunks of at most `chunkSamples` samples, in order
   * (one chunk of all samples when `chunkSamples` is undefined). A chunk's buffers may be
   * reused by the next one: copy what you keep.
   */
  forEachChunk(chunkSamples: number | undefined, visit: (chunk: Chunk) => void): void;
  /** x and y whole, when they are in memory. */
  readonly inMemory?: { readonly x: Matrix; readonly y: Matrix };
  /** Frees what the source holds open (files). */
  close?(): void;
  /** How x's values are stored (float32 data always fits a float32 backend). */
  readonly dtype?: 'float32' | 'float64';
  /** Where x's value (feature `row`, sample `sample`) came from, for messages: `data.csv: line 7, column "x2"`, `x.npy: x[0, 6]`. */
  cellName?(row: number, sample: number): string;
  /**
   * The samples where they live, when that is not this process (a database query): a network that
   * computes there (`sql`) takes them whole through its `attach`; the others cannot train on them.
   */
  readonly remote?: RemoteSamples;
  /**
   * For samples that stay where they live ({@link remote}): the probabilities s = sigmoid(Wᵀ·x + b)
   * (outputs×n) and the labels y of every sample, computed there from W (features×outputs) and b
   * and streamed back chunk by chunk, in the samples' order. Evaluation reads remote samples through
   * this (their `forEachChunk` throws): outputs × 2 numbers per sample come back, not the features.
   */
  scoresAsync?(W: Matrix, b: number, chunkSamples: number | undefined, visit: (scores: Scores) => void): Promise<void>;
}

/** Probabilities s and labels y of a run of consecutive samples (outputs×n each); `offset` is the first sample's index. */
export interface Scores {
  readonly s: Matrix;
  readonly y: Matrix;
  readonly offset: number;
}

/** Samples that stay where they live (see {@link SampleSource.remote}). */
export interface RemoteSamples {
  /** Where they are, for messages: `SQL on duckdb (in memory)`, `data/train.parquet`. */
  readonly name: string;
}

/** A source over x and y held in memory. */
export function memorySource(x: Matrix, y: Matrix, cellName = (row: number, sample: number) => `x[${row}][${sample}]`): SampleSource {
  // the chunks' buffers, made once and reused by every pass (in shared memory, for the kernels' threads)
  let buffers: { x: Matrix; y: Matrix } | undefined;
  return {
    features: x.rows,
    outputs: y.rows,
    samples: x.cols,
    inMemory: { x, y },
    dtype: x.data instanceof Float32Array ? 'float32' : 'float64',
    cellName,
    forEachChunk(chunkSamples, visit) {
      const m = x.cols;
      if (chunkSamples === undefined || chunkSamples >= m) {
        visit({ x, y, offset: 0 });
        return;
      }
      if (buffers?.x.cols !== chunkSamples) {
        buffers = {
          x: { rows: x.rows, cols: chunkSamples, data: like(x.data, x.rows * chunkSamples) },
          y: { rows: y.rows, cols: chunkSamples, data: like(y.data, y.rows * chunkSamples) },
        };
      }
      for (let start = 0; start < m; start += chunkSamples) {
        const n = Math.min(chunkSamples, m - start);
        visit({ x: copyColumns(x, start, n, buffers.x), y: copyColumns(y, start, n, buffers.y), offset: start });
      }
    },
  };
}

export function isSampleSource(value: unknown): value is SampleSource {
  return typeof value === 'object' && value !== null && 'forEachChunk' in value;
}

/** Columns start..start+n−1 of m, written into `into`'s buffer (reshaped to rows×n). */
export function copyColumns(m: Matrix, start: number, n: number, into: Matrix): Matrix {
  const data = into.data.subarray(0, m.rows * n);
  for (let r = 0; r < m.rows; r++) data.set(m.data.subarray(r * m.cols + start, r * m.cols + start + n), r * n);
  return { rows: m.rows, cols: n, data };
}

function like(data: Float64Array | Float32Array, length: number): Float64Array | Float32Array {
  return sharedFloats(data instanceof Float32Array ? 'float32' : 'float64', length);
}
