import { given, InputError, quote, shown } from './errors';
import { firstNonFinite, firstNonLabel, isMatrix, matrix, sharedFloats, toRows, type Matrix, type MatrixLike } from './matrix';
import { memorySource, type SampleSource } from './data/source';

/** A number as people write it in files and options: decimal, with an optional exponent. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Any finite number (initial weights and bias). */
export function checkFinite(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new InputError(`${name} must be a finite number, got ${value}`);
  return value;
}

/**
 * A {@link Matrix} from nested arrays or a Matrix, checking it is rectangular, non-empty and finite;
 * a Matrix needs whole rows and cols ≥ 0 and rows×cols values (a plain array of numbers is copied).
 */
export function toMatrix(name: string, value: MatrixLike): Matrix {
  if (isMatrix(value)) {
    const { rows, cols, data } = value as { rows: unknown; cols: unknown; data: unknown };
    for (const [field, n] of [['rows', rows], ['cols', cols]] as const) {
      if (!Number.isSafeInteger(n) || (n as number) < 0) {
        throw new InputError(`${name}: ${field} must be a whole number ≥ 0, got ${typeof n === 'string' ? quote(n) : shown(n)}`);
      }
    }
    if (!(data instanceof Float64Array || data instanceof Float32Array || Array.isArray(data))) {
      throw new InputError(`${name}: data must be a Float64Array, a Float32Array or an array of numbers, got ${describeType(data)}`);
    }
    const [r, c] = [rows as number, cols as number];
    if (data.length !== r * c) {
      throw new InputError(`${name}: ${r}×${c} needs ${r * c} values, got ${data.length}`);
    }
    const m: Matrix = Array.isArray(data) ? matrix(r, c, Float64Array.from(data, (v, i) => numberAt(name, v, Math.floor(i / c), i % c))) : value;
    checkAllFinite(name, m);
    return m;
  }
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0]) || value[0].length === 0) {
    throw new InputError(`${name} must be a non-empty array of rows (numbers[][])`);
  }
  const rows = value.length;
  const cols = value[0].length;
  const out = matrix(rows, cols);
  // indexed loops, not forEach: forEach passes over a sparse array's holes ([0, , 1]), which would stay 0
  for (let r = 0; r < rows; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new InputError(`${name}: row ${r} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${cols} as in row 0`);
    }
    for (let c = 0; c < cols; c++) out.data[r * cols + c] = numberAt(name, row[c], r, c);
  }
  checkAllFinite(name, out);
  return out;
}

/** A cell given as a number; anything else (text, an array) is refused as what it is, not as the NaN it would become. */
function numberAt(name: string, v: unknown, r: number, c: number): number {
  if (typeof v !== 'number') throw new InputError(`${name}[${r}][${c}] must be a finite number, got ${given(v)}`);
  return v;
}

function checkAllFinite(name: string, m: Matrix): void {
  const bad = firstNonFinite(m);
  if (bad) throw new InputError(`${name}[${bad.row}][${bad.col}] must be a finite number, got ${bad.value}`);
}

/** Labels must be 0 or 1. */
export function checkLabels(name: string, y: Matrix): void {
  const bad = firstNonLabel(y);
  if (bad) throw new InputError(`${name}[${bad.row}][${bad.col}] must be 0 or 1, got ${bad.value}`);
}

/**
 * `m`, or a copy of it when it is the caller's own matrix (`given`) or not in shared memory: its data
 * of the same type, in shared memory, where the kernels' threads read it in place (as they read
 * data the readers load; the hostile pass saw the cpu kernel keep to one thread on memorySource's).
 */
function owned(m: Matrix, given: MatrixLike): Matrix {
  if (m !== given && m.data.buffer instanceof SharedArrayBuffer) return m;
  const data = sharedFloats(m.data instanceof Float32Array ? 'float32' : 'float64', m.data.length);
  data.set(m.data);
  return { rows: m.rows, cols: m.cols, data };
}

/** What a value is, for a message: `null`, `an Int32Array`, `a string`. */
function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind = typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
  return `${/^[aeiouAEIOU]/.test(kind) ? 'an' : 'a'} ${shown(kind, 40)}`;
}

/**
 * x and y from nested arrays or matrices, checked: same samples, labels 0 or 1. The library's
 * `memorySource`: the samples a user hands to `train` are checked there, once.
 */
export function checkedSource(xLike: MatrixLike, yLike: MatrixLike, cellName?: (row: number, sample: number) => string): SampleSource {
  // copies: a Matrix the caller keeps could change after it was checked (a label set to 7, a NaN)
  const x = owned(toMatrix('x', xLike), xLike);
  const y = owned(toMatrix('y', yLike), yLike);
  if (y.cols !== x.cols) throw new InputError(`x has ${x.cols} samples (columns) but y has ${y.cols}; both are …×samples`);
  checkLabels('y', y);
  if (cellName !== undefined && typeof cellName !== 'function') throw new InputError(`memorySource: cellName must be a function, got ${given(cellName)}`);
  return memorySource(x, y, cellName);
}

/** The library's `matrix(rows, cols, data?)`, checked: whole numbers ≥ 0, and data (a Float64Array or Float32Array) of rows×cols values. */
export function checkedMatrix(rows: number, cols: number, data?: Float64Array | Float32Array): Matrix {
  for (const [field, n] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`matrix: ${field} must be a whole number ≥ 0, got ${typeof n === 'string' ? quote(n) : shown(n)}`);
  }
  if (data === undefined) {
    if (rows * cols > 2 ** 32) throw new InputError(`matrix: ${rows}×${cols} is ${rows * cols} values, more than a typed array holds`);
    return matrix(rows, cols);
  }
  if (!(data instanceof Float64Array || data instanceof Float32Array)) throw new InputError(`matrix: data must be a Float64Array or a Float32Array, got ${describeType(data)}`);
  if (data.length !== rows * cols) throw new InputError(`matrix: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  return matrix(rows, cols, data);
}

/** The library's `toRows(m)`: m checked as a matrix, then its rows as nested arrays. */
export function checkedToRows(m: Matrix): number[][] {
  if (!isMatrix(m)) throw new InputError(`toRows: expected a Matrix ({ rows, cols, data }), got ${m === null ? 'null' : given(m)}`);
  const { rows, cols, data } = m;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0 || !(data instanceof Float64Array || data instanceof Float32Array) || data.length !== rows * cols) {
    throw new InputError(`toRows: a Matrix's data must hold rows×cols numbers (a Float64Array or Float32Array), got ${shown(rows)}×${shown(cols)} and ${describeType(data)}${ArrayBuffer.isView(data) ? ` of ${(data as Float64Array).length}` : ''}`);
  }
  return toRows(m);
}
