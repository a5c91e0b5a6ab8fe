import { closeSync } from 'node:fs';
import { InputError } from '../../errors';
import type { Matrix } from '../../matrix';
import { newFloats, type Floats, type NpyFloat } from './floats';
import { headerBytes } from './header';
import { openFile, writeAll } from './io';

/**
 * Writes a matrix as a C-order `.npy` file (version 1.0, the data starting at a multiple of 64
 * bytes, as numpy writes it). The type defaults to the data's: float32 for a Float32Array.
 *
 * @example
 * writeNpy('x.npy', { rows: 2, cols: 4, data: Float64Array.of(0, 1, 0, 1, 0, 0, 1, 1) });
 * // np.load('x.npy') → array([[0., 1., 0., 1.], [0., 0., 1., 1.]])
 */
export function writeNpy(path: string, m: Matrix, dtype: NpyFloat = m.data instanceof Float32Array ? 'float32' : 'float64'): void {
  const data = m.data.subarray(0, m.rows * m.cols);
  const fd = openFile(path, 'w');
  try {
    writeAll(fd, headerBytes(m.rows, m.cols, dtype, false));
    writeAll(fd, bytesOf(isFloat(data, dtype) ? data : newFloats(dtype, data.length, data)));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a rows×cols `.npy` file a few columns at a time (samples, when it holds features×samples),
 * without holding it whole: the file is in Fortran order, so each column is one run of bytes.
 *
 * @example
 * const writer = new NpyWriter('x.npy', 2, 1_000_000, 'float32');
 * for (const chunk of chunks) writer.appendColumns(chunk); // each chunk 2×k
 * writer.close(); // throws unless exactly 1_000_000 columns came
 */
export class NpyWriter {
  private fd: number | undefined;
  private written = 0;
  private scratch: Floats;

  constructor(
    readonly path: string,
    readonly rows: number,
    readonly cols: number,
    readonly dtype: NpyFloat = 'float64',
  ) {
    const fd = openFile(path, 'w');
    try {
      writeAll(fd, headerBytes(rows, cols, dtype, true));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    this.scratch = newFloats(dtype, 0);
  }

  /** Appends the columns of m (rows×k, k ≥ 0) after those written so far. */
  appendColumns(m: Matrix): void {
    if (this.fd === undefined) throw new Error(`${this.path}: the NpyWriter is closed`);
    if (m.rows !== this.rows) {
      throw new InputError(`${this.path}: appendColumns got ${m.rows} rows; expected ${this.rows}, as the file was opened with`);
    }
    if (this.written + m.cols > this.cols) {
      throw new InputError(`${this.path}: appendColumns got ${m.cols} columns after ${this.written}; the file has room for ${this.cols}`);
    }
    writeAll(this.fd, bytesOf(this.columnMajor(m)));
    this.written += m.cols;
  }

  /** Closes the file, then throws unless exactly `cols` columns were written. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (this.written !== this.cols) {
      throw new InputError(`${this.path}: ${this.written} columns were written; expected ${this.cols}, so the file is incomplete`);
    }
  }

  /** m's values column after column, in the file's type. */
  private columnMajor(m: Matrix): Floats {
    const n = m.rows * m.cols;
    if (this.scratch.length < n) this.scratch = newFloats(this.dtype, n);
    const out = this.scratch.subarray(0, n);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) out[c * m.rows + r] = m.data[r * m.cols + c];
    }
    return out;
  }
}

function isFloat(data: Floats, dtype: NpyFloat): boolean {
  return dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
}

function bytesOf(data: Floats): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Where an {@link NpyAppender} writes: a file written in pieces (as `stageStream` makes one). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  writeAt(bytes: Uint8Array, position: number): void;
}

/** A column count with as many digits as any file can need: the header is first written with it. */
const MOST_COLUMNS = Number.MAX_SAFE_INTEGER;

/**
 * Writes a rows×n `.npy` file in Fortran order (column after column: for x features×samples, sample
 * after sample, as a CSV's rows come) when n is known only at the end: the header is written first
 * with room for any count, and rewritten in place, same length, by {@link finish}.
 *
 * @example
 * const x = new NpyAppender(sink, 3, 'float32');
 * x.append(Float32Array.of(1, 2, 3, 4, 5, 6)); // two columns: (1, 2, 3) and (4, 5, 6)
 * x.finish(); // shape (3, 2)
 */
export class NpyAppender {
  private readonly headerLength: number;
  private written = 0;

  constructor(
    private readonly sink: ByteSink,
    readonly rows: number,
    readonly dtype: NpyFloat = 'float32',
  ) {
    const header = headerBytes(rows, MOST_COLUMNS, dtype, true);
    this.headerLength = header.length;
    sink.write(header);
  }

  /** Columns so far. */
  get cols(): number {
    return this.written;
  }

  /** Appends whole columns, given column after column (`rows` values each) in the file's type. */
  append(values: Floats): void {
    if (values.length % this.rows !== 0) throw new Error(`append got ${values.length} values, not whole columns of ${this.rows}`);
    if (!isFloat(values, this.dtype)) throw new Error(`append got ${values.constructor.name} values for a ${this.dtype} file`);
    this.sink.write(bytesOf(values));
    this.written += values.length / this.rows;
  }

  /** Rewrites the header with the number of columns written; returns it. */
  finish(): number {
    this.sink.writeAt(headerBytes(this.rows, this.written, this.dtype, true, this.headerLength), 0);
    return this.written;
  }
}
