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

/** Where an element of a matrix breaks a rule: its row, column and value. */
export interface Breach {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

// Two loops, not one taking the rule as a callback: a callback called with two rules is not inlined,
// and these scan every value of x (at 32 × 1e6, 85 ms inlined against 290 through the callback).

/** The first element of m, row after row, that is not a finite number; undefined when there is none. */
export function firstNonFinite(m: Matrix): Breach | undefined {
  const { data, cols } = m;
  const n = m.rows * cols; // data may be longer than rows × cols
  for (let i = 0; i < n; i++) if (!Number.isFinite(data[i])) return breach(m, i);
  return undefined;
}

/** The first element of m, row after row, that is not a label the article's network learns (0 or 1); undefined when there is none. */
export function firstNonLabel(m: Matrix): Breach | undefined {
  const { data, cols } = m;
  const n = m.rows * cols;
  for (let i = 0; i < n; i++) if (data[i] !== 0 && data[i] !== 1) return breach(m, i);
  return undefined;
}

function breach(m: Matrix, i: number): Breach {
  return { row: Math.floor(i / m.cols), col: i % m.cols, value: m.data[i] };
}

export function isMatrix(value: unknown): value is Matrix {
  return typeof value === 'object' && value !== null && 'data' in value && 'rows' in value && 'cols' in value;
}
