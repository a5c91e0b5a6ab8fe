import { given, InputError } from '../errors';
import { firstNonFinite, firstNonLabel, sharedFloats, type Breach, type Matrix } from '../matrix';

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
   * reused by the next one: copy what you keep. When `skip` says a chunk (its first sample's
   * index and size) is not needed, a source may leave it unread and unvisited; the chunks stay
   * the same from pass to pass.
   */
  forEachChunk(chunkSamples: number | undefined, visit: (chunk: Chunk) => void, skip?: (offset: number, n: number) => boolean): void;
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

/** The sources this library made from values it checked (finite x, labels 0 or 1): {@link checkedSampleSource} does not check them again. */
const valuesChecked = new WeakSet<SampleSource>();

/** `source`, marked as made by the library from checked values (see {@link checkedSampleSource}). */
export function ofCheckedValues<S extends SampleSource>(source: S): S {
  valuesChecked.add(source);
  return source;
}

/** A source over x and y held in memory (their values already checked: finite x, labels 0 or 1). */
export function memorySource(x: Matrix, y: Matrix, cellName = (row: number, sample: number) => `x[${row}][${sample}]`): SampleSource {
  // the chunks' buffers, made once and reused by every pass (in shared memory, for the kernels' threads)
  let buffers: { x: Matrix; y: Matrix } | undefined;
  return ofCheckedValues({
    features: x.rows,
    outputs: y.rows,
    samples: x.cols,
    inMemory: { x, y },
    dtype: x.data instanceof Float32Array ? 'float32' : 'float64',
    cellName,
    forEachChunk(chunkSamples, visit, skip) {
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
        if (skip?.(start, n)) continue;
        visit({ x: copyColumns(x, start, n, buffers.x), y: copyColumns(y, start, n, buffers.y), offset: start });
      }
    },
  });
}

export function isSampleSource(value: unknown): value is SampleSource {
  return typeof value === 'object' && value !== null && 'forEachChunk' in value;
}

/**
 * A SampleSource a caller gives (`where` names the call; `expected` says what it must be), checked at the edge: its counts are
 * whole numbers ≥ 1 and forEachChunk a function. A source of the caller's own making (not one
 * this library made, whose values it checked when it read them) is checked for its values too:
 * `inMemory`, when given, is then the data (its values checked here, its chunks cut from it, as
 * `memorySource` does, so they cannot differ from it); otherwise every chunk of the first pass is
 * checked as it comes (x finite, y 0 or 1). The result's chunks are checked as they come
 * (x features×n, y outputs×n, in order, n at most the chunk size asked, all the samples in all),
 * so that a source of the caller's own making fails with what it got wrong.
 */
export function checkedSampleSource(where: string, value: unknown, expected: string): SampleSource {
  if (!isSampleSource(value)) throw new InputError(`${where}: ${expected}, got ${described(value)}`);
  for (const key of ['features', 'outputs', 'samples'] as const) {
    const n = value[key];
    if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${where}: the SampleSource's ${key} must be a whole number ≥ 1, got ${given(n)}`);
  }
  if (typeof value.forEachChunk !== 'function') throw new InputError(`${where}: the SampleSource's forEachChunk must be a function, got ${given(value.forEachChunk)}`);
  // 'float32' lets a float32 backend skip checking that x fits float32: it must be true of every chunk
  if (value.dtype !== undefined && value.dtype !== 'float32' && value.dtype !== 'float64') {
    throw new InputError(`${where}: the SampleSource's dtype must be "float32", "float64" or absent, got ${given(value.dtype)}`);
  }
  const ours = valuesChecked.has(value);
  let source = value;
  const { features, outputs, samples } = source;
  if (source.inMemory !== undefined) {
    const at = `${where}: the SampleSource's inMemory`;
    const { x, y } = (typeof source.inMemory === 'object' && source.inMemory !== null ? source.inMemory : {}) as Partial<Chunk>;
    if (checkChunkMatrix(at, 'x', x, features, 'features') !== samples || checkChunkMatrix(at, 'y', y, outputs, 'outputs') !== samples) {
      throw new InputError(`${at}: x and y must have the source's ${samples} samples (columns), got ${x!.cols} and ${y!.cols}`);
    }
    if (!ours) {
      checkValues(at, { x: x!, y: y!, offset: 0 });
      const whole = memorySource(x!, y!, source.cellName && ((r, c) => source.cellName!(r, c)));
      source = Object.assign(Object.create(source) as SampleSource, { forEachChunk: whole.forEachChunk });
    }
  }
  let unchecked = !ours && source.inMemory === undefined;
  const checked: SampleSource = Object.create(source);
  return Object.assign(checked, {
    forEachChunk(chunkSamples: number | undefined, visit: (chunk: Chunk) => void, skip?: (offset: number, n: number) => boolean) {
      let next = 0;
      // a chunk left unread, as skip asked: in order too, and never on the first (checking) pass
      const skipped =
        skip &&
        ((offset: number, n: number) => {
          if (unchecked || offset !== next || !Number.isSafeInteger(n) || n < 1 || next + n > samples || !skip(offset, n)) return false;
          next += n;
          return true;
        });
      source.forEachChunk(chunkSamples, (chunk: unknown) => {
        const at = `${where}: the SampleSource's chunk at sample ${next}`;
        if (typeof chunk !== 'object' || chunk === null) throw new InputError(`${at} must be { x, y, offset }, got ${described(chunk)}`);
        const { x, y, offset } = chunk as Partial<Chunk>;
        const n = checkChunkMatrix(at, 'x', x, features, 'features');
        if (checkChunkMatrix(at, 'y', y, outputs, 'outputs') !== n) throw new InputError(`${at}: x has ${n} samples (columns), but y has ${y!.cols}`);
        if (offset !== next) throw new InputError(`${at}: its offset must be ${next} (the chunks come in order), got ${given(offset)}`);
        if (next >= samples) throw new InputError(`${where}: the SampleSource says it has ${samples} samples, but its chunks go on past them (a chunk at sample ${next})`);
        if (n === 0 || next + n > samples || (chunkSamples !== undefined && n > chunkSamples)) {
          throw new InputError(`${at} has ${n} samples; expected 1 to ${Math.min(samples - next, chunkSamples ?? Infinity)} (the source has ${samples}${chunkSamples === undefined ? '' : `, in chunks of at most ${chunkSamples}`})`);
        }
        if (!ours && source.dtype === 'float32' && !(x!.data instanceof Float32Array)) throw new InputError(`${at}: x must be a Float32Array, as the source's dtype "float32" says`);
        if (unchecked) checkValues(at, chunk as Chunk);
        next += n;
        visit(chunk as Chunk);
      }, skipped);
      if (next !== samples) throw new InputError(`${where}: the SampleSource says it has ${samples} samples, but its chunks had ${next}`);
      unchecked = false;
    },
  });
}

/** A caller's chunk's values: x finite, y 0 or 1, named by the sample's index in the source. */
function checkValues(at: string, { x, y, offset }: Chunk): void {
  const check = (name: string, bad: Breach | undefined, must: string) => {
    if (bad) throw new InputError(`${at}: ${name}[${bad.row}][${offset + bad.col}] is ${given(bad.value)}; ${must}`);
  };
  check('x', firstNonFinite(x), 'every value must be a finite number');
  check('y', firstNonLabel(y), 'labels must be 0 or 1');
}

/** A chunk's x or y: a matrix of `rows` rows (the source's features or outputs) whose data holds rows×cols numbers; its cols. */
function checkChunkMatrix(at: string, name: string, m: unknown, rows: number, of: string): number {
  const { rows: r, cols, data } = (typeof m === 'object' && m !== null ? m : {}) as Partial<Matrix>;
  const valid = Number.isSafeInteger(cols) && cols! >= 0 && (data instanceof Float64Array || data instanceof Float32Array) && data.length >= rows * cols!;
  if (!valid || r !== rows) throw new InputError(`${at}: ${name} must be a matrix of ${rows} rows (the source's ${of}), its data a Float64Array or Float32Array of rows×cols numbers, got ${r === rows || !valid ? described(m) : `${given(r)} rows`}`);
  return cols!;
}

function described(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? 'another object' : given(value);
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
