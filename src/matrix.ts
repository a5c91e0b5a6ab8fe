import { heapFloats } from './kernels/wasm/heap';

/**
 * A dense row-major matrix of numbers.
 *
 * The shape convention is the article's, everywhere in this package:
 * - x is features×samples (one column per sample),
 * - y is outputs×samples,
 * - W is features×outputs, and b is one number.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows×cols values, row after row: element (r, c) is `data[r * cols + c]`. */
  readonly data: Float64Array | Float32Array;
}

/** 0/1 predictions, outputs×samples, one byte each (large data sets have many). */
export interface Predictions {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
}

/** What the public API accepts for a matrix: nested arrays (rows of numbers) or a {@link Matrix}. */
export type MatrixLike = Matrix | readonly (readonly number[])[];

/** A float64 matrix of zeros, or one that wraps the given data. */
export function matrix(rows: number, cols: number, data?: Float64Array | Float32Array): Matrix {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Nested arrays, one inner array per row. */
export function toRows(m: Matrix | Predictions): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}

/**
 * A zeroed float array in shared memory. Data loaders allocate x and y this way so that every fast
 * path reads them in place: float32 data goes to the WebAssembly kernel's shared heap (itself a
 * SharedArrayBuffer, so the cpu kernel's worker threads read it too), and anything that does not
 * fit there (the heap stops at 4 GiB) or is float64 to a SharedArrayBuffer of its own — or to a
 * plain ArrayBuffer where there is no SharedArrayBuffer (a web page that is not cross-origin isolated).
 */
export function sharedFloats(kind: 'float32' | 'float64', length: number): Float32Array | Float64Array {
  if (kind === 'float32') {
    try {
      return heapFloats(length);
    } catch {
      return new Float32Array(sharedBuffer(4 * length));
    }
  }
  return new Float64Array(sharedBuffer(8 * length));
}

/** A SharedArrayBuffer; a plain ArrayBuffer where the global is missing (a page without cross-origin isolation). */
function sharedBuffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** The first element of m, row after row, for which `ok` is false, with its place; undefined when there is none. */
export function firstFailing(m: Matrix, ok: (v: number) => boolean): { row: number; col: number; value: number } | undefined {
  for (let row = 0; row < m.rows; row++) {
    for (let col = 0; col < m.cols; col++) {
      const value = m.data[row * m.cols + col];
      if (!ok(value)) return { row, col, value };
    }
  }
  return undefined;
}

/** Whether a label is one the article's network learns: 0 or 1. */
export const isLabel = (v: number): boolean => v === 0 || v === 1;

export function isMatrix(value: unknown): value is Matrix {
  return typeof value === 'object' && value !== null && 'data' in value && 'rows' in value && 'cols' in value;
}
