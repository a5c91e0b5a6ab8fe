import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { InputError, fileReadError } from '../errors';
import { sharedFloats, type Matrix } from '../matrix';

/**
 * numpy's `.npy` files (format versions 1.0, 2.0 and 3.0) as {@link Matrix}es, in the article's
 * orientation: a 2-D array is rows×cols as it is, a 1-D array of n values is one row (1×n).
 * See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

/** What a `.npy` file's header says, and the matrix it is read as. */
export interface NpyHeader {
  /** The array's shape as the file gives it: `[rows, cols]`, or `[n]` for a 1-D array. */
  shape: number[];
  /** The element type: `float32`, `float64`, `int8`…`int64`, `uint8`…`uint64` or `bool`. */
  dtype: string;
  /** The file's own type string, e.g. `<f8` or `|b1`. */
  descr: string;
  /** Whether the data is stored column after column (Fortran order) rather than row after row. */
  fortranOrder: boolean;
  /** The byte at which the data starts. */
  dataOffset: number;
  /** The matrix's rows: `shape[0]`, or 1 for a 1-D array. */
  rows: number;
  /** The matrix's columns: `shape[1]`, or `shape[0]` for a 1-D array. */
  cols: number;
  /** The size of one item in the file, in bytes. */
  bytesPerItem: number;
}

/** The float types the writers write. */
export type NpyFloat = 'float32' | 'float64';

type Floats = Float32Array | Float64Array;

/** Converts n items from `bytes` into dst[at], dst[at + 1], …. */
type Decode = (bytes: Uint8Array, n: number, dst: Floats, at: number) => void;

interface ItemType {
  readonly dtype: string;
  readonly size: number;
  /** The conversion through typed-array views, for bytes in this machine's order. */
  readonly native: Decode;
  /** One item through a DataView, for bytes in the other order. */
  readonly get: (view: DataView, offset: number, littleEndian: boolean) => number;
}

type View = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');
const HOST_LE = endianness() === 'LE';
/** readSync and writeSync move at most 2 GiB a call. */
const MAX_IO = 1 << 30;
const TWO_32 = 2 ** 32;
/** Values decoded at a time when transposing Fortran order. */
const PIECE = 1 << 16;
const SUPPORTED = 'expected float32, float64, int8–int64, uint8–uint64 or bool';

const ITEMS = new Map<string, ItemType>([
  ['f4', { dtype: 'float32', size: 4, native: fromView(Float32Array), get: (v, o, le) => v.getFloat32(o, le) }],
  ['f8', { dtype: 'float64', size: 8, native: fromView(Float64Array), get: (v, o, le) => v.getFloat64(o, le) }],
  ['i1', { dtype: 'int8', size: 1, native: fromView(Int8Array), get: (v, o) => v.getInt8(o) }],
  ['i2', { dtype: 'int16', size: 2, native: fromView(Int16Array), get: (v, o, le) => v.getInt16(o, le) }],
  ['i4', { dtype: 'int32', size: 4, native: fromView(Int32Array), get: (v, o, le) => v.getInt32(o, le) }],
  ['i8', { dtype: 'int64', size: 8, native: fromInt64(true), get: (v, o, le) => Number(v.getBigInt64(o, le)) }],
  ['u1', { dtype: 'uint8', size: 1, native: fromView(Uint8Array), get: (v, o) => v.getUint8(o) }],
  ['u2', { dtype: 'uint16', size: 2, native: fromView(Uint16Array), get: (v, o, le) => v.getUint16(o, le) }],
  ['u4', { dtype: 'uint32', size: 4, native: fromView(Uint32Array), get: (v, o, le) => v.getUint32(o, le) }],
  ['u8', { dtype: 'uint64', size: 8, native: fromInt64(false), get: (v, o, le) => Number(v.getBigUint64(o, le)) }],
  ['b1', { dtype: 'bool', size: 1, native: fromBool, get: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) }],
]);

function fromView(Type: View): Decode {
  return (bytes, n, dst, at) => dst.set(new Type(bytes.buffer, bytes.byteOffset, n), at);
}

/** 64-bit integers as two 32-bit halves: hi·2³² + lo is exact, then rounded once, as Number(bigint) is. */
function fromInt64(signed: boolean): Decode {
  return (bytes, n, dst, at) => {
    const lo = new Uint32Array(bytes.buffer, bytes.byteOffset, 2 * n);
    const hi = signed ? new Int32Array(bytes.buffer, bytes.byteOffset, 2 * n) : lo;
    const [l, h] = HOST_LE ? [0, 1] : [1, 0];
    for (let i = 0; i < n; i++) dst[at + i] = hi[2 * i + h] * TWO_32 + lo[2 * i + l];
  };
}

function fromBool(bytes: Uint8Array, n: number, dst: Floats, at: number): void {
  for (let i = 0; i < n; i++) dst[at + i] = bytes[i] === 0 ? 0 : 1;
}

function decoderFor(item: ItemType, littleEndian: boolean): Decode {
  if (item.size === 1 || littleEndian === HOST_LE) return item.native;
  return (bytes, n, dst, at) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, n * item.size);
    for (let i = 0; i < n; i++) dst[at + i] = item.get(view, i * item.size, littleEndian);
  };
}

/**
 * Reads a `.npy` file's header only, and checks that the file holds all the data its shape needs.
 *
 * @example
 * const { rows, cols, dtype } = readNpyHeader('x.npy'); // 2, 1000000, 'float32'
 */
export function readNpyHeader(path: string): NpyHeader {
  const fd = openFile(path, 'r');
  try {
    return readHeader(fd, path).header;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a whole `.npy` file as a rows×cols matrix (a 1-D array as 1×n).
 * float32 data stays float32 (a Float32Array, the file's size in memory); every other type is
 * converted to float64. Problems with the file are {@link InputError}s naming it.
 *
 * @example
 * const x = readNpy('x.npy'); // written by np.save('x.npy', x), x features×samples
 */
export function readNpy(path: string): Matrix {
  const reader = new NpyColumnReader(path);
  try {
    const { rows, cols, dtype } = reader.header;
    return reader.readColumns(0, cols, sharedFloats(dtype === 'float32' ? 'float32' : 'float64', rows * cols));
  } finally {
    reader.close();
  }
}

/**
 * Reads runs of columns of a `.npy` file — chunks of samples when it holds features×samples —
 * without ever reading the whole file: one read a row in C order, one read in Fortran order.
 *
 * @example
 * const reader = new NpyColumnReader('x.npy');
 * try {
 *   const chunk = reader.readColumns(0, 1024); // x[:, 0:1024], rows×1024
 * } finally {
 *   reader.close();
 * }
 */
export class NpyColumnReader {
  readonly header: NpyHeader;
  private fd: number | undefined;
  private readonly decode: Decode;
  /** Whether the file's bytes are float32 or float64 in this machine's order, so they can be read in place. */
  private readonly inPlace: boolean;
  private scratch = new Uint8Array(0);
  private piece = new Float64Array(0);

  constructor(readonly path: string) {
    const fd = openFile(path, 'r');
    try {
      const { header, decode, littleEndian } = readHeader(fd, path);
      this.header = header;
      this.decode = decode;
      this.inPlace = littleEndian === HOST_LE && (header.dtype === 'float32' || header.dtype === 'float64');
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
  }

  /**
   * Columns start…start+count−1 as a rows×count matrix. Its data is `out` (its first rows×count
   * values) when given, else a new Float32Array for float32 files and Float64Array for the others.
   */
  readColumns(start: number, count: number, out?: Floats): Matrix {
    const { rows, cols, dtype } = this.header;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > cols) {
      throw new InputError(`${this.path}: cannot read ${count} columns from column ${start}; the array has ${cols} columns`);
    }
    if (out && out.length < rows * count) {
      throw new InputError(`${this.path}: the buffer for ${rows}×${count} values holds only ${out.length}`);
    }
    // `out` itself when it fits exactly: a subarray would not keep a heap array's memory alive (see heapFloats)
    const data = !out ? newFloats(dtype, rows * count) : out.length === rows * count ? out : out.subarray(0, rows * count);
    if (this.header.fortranOrder) this.readFortranOrder(start, count, data);
    else this.readCOrder(start, count, data);
    return { rows, cols: count, data };
  }

  /** Closes the file; reading after that is an error. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private readCOrder(start: number, count: number, data: Floats): void {
    const { rows, cols, bytesPerItem: size, dataOffset } = this.header;
    const direct = this.inPlace && data.BYTES_PER_ELEMENT === size;
    for (let r = 0; r < rows; r++) {
      const position = dataOffset + (r * cols + start) * size;
      if (direct) {
        this.read(new Uint8Array(data.buffer, data.byteOffset + r * count * size, count * size), position);
      } else {
        const bytes = this.read(this.bytes(count * size), position);
        this.decode(bytes, count, data, r * count);
      }
    }
  }

  /**
   * Column c of the file is `rows` items in a row; they go to data[c], data[c + count], ….
   * Read and decoded a piece of columns at a time into float64 scratch, then transposed, so the
   * scratch stays small however many columns are asked for (readNpy asks for all of them).
   */
  private readFortranOrder(start: number, count: number, data: Floats): void {
    const { rows, bytesPerItem: size, dataOffset } = this.header;
    const step = Math.max(1, Math.floor(PIECE / rows));
    if (this.piece.length < rows * step) this.piece = new Float64Array(rows * step);
    const piece = this.piece;
    for (let first = 0; first < count; first += step) {
      const k = Math.min(step, count - first);
      const bytes = this.read(this.bytes(rows * k * size), dataOffset + (start + first) * rows * size);
      this.decode(bytes, rows * k, piece, 0);
      for (let r = 0; r < rows; r++) {
        const to = r * count + first;
        for (let c = 0; c < k; c++) data[to + c] = piece[c * rows + r];
      }
    }
  }

  /** n bytes of scratch space, at the start of their own ArrayBuffer (aligned for any typed view). */
  private bytes(n: number): Uint8Array {
    if (this.scratch.length < n) this.scratch = new Uint8Array(n);
    return this.scratch.subarray(0, n);
  }

  private read(into: Uint8Array, position: number): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path}: the NpyColumnReader is closed`);
    const got = readAt(this.fd, into, position);
    if (got < into.length) {
      throw new InputError(`${this.path}: the file ended at byte ${position + got}; expected ${into.length - got} more bytes (did it change while being read?)`);
    }
    return into;
  }
}

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

/** The header, how to decode the data, and its byte order. */
function readHeader(fd: number, path: string): { header: NpyHeader; decode: Decode; littleEndian: boolean } {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, expected an npy file`);
  const { version, headerStart, headerLength } = readPreamble(fd, path, stat.size);
  const raw = Buffer.alloc(headerLength);
  readAt(fd, raw, headerStart);
  const fields = parseFields(path, raw.toString(version === 3 ? 'utf8' : 'latin1'));
  const { item, littleEndian } = itemType(path, fields.descr);
  const shape = parseShape(path, fields.shape);
  const [rows, cols] = shape.length === 1 ? [1, shape[0]] : shape;
  const dataOffset = headerStart + headerLength;
  const needed = rows * cols * item.size;
  if (stat.size - dataOffset < needed) {
    throw new InputError(
      `${path}: the data is truncated: shape ${formatShape(shape)} ${item.dtype} needs ${needed} bytes after the header, the file has ${stat.size - dataOffset}`,
    );
  }
  const descr = fields.descr.value as string;
  const header = { shape, dtype: item.dtype, descr, fortranOrder: fields.fortranOrder, dataOffset, rows, cols, bytesPerItem: item.size };
  return { header, decode: decoderFor(item, littleEndian), littleEndian };
}

/** The magic string, the version, and where the header text is. */
function readPreamble(fd: number, path: string, size: number): { version: number; headerStart: number; headerLength: number } {
  const bytes = Buffer.alloc(12);
  const got = readAt(fd, bytes, 0);
  if (got === 0) throw new InputError(`${path}: the file is empty; expected an npy file`);
  const start = bytes.subarray(0, Math.min(got, MAGIC.length));
  if (!start.equals(MAGIC.subarray(0, start.length))) {
    throw new InputError(`${path}: not an npy file; expected it to start with ${showBytes(MAGIC)}, got ${showBytes(start)}`);
  }
  if (got < 8) throw truncatedHeader(path, 10, size);
  const [version, minor] = [bytes[6], bytes[7]];
  if (version < 1 || version > 3 || minor !== 0) {
    throw new InputError(`${path}: npy format version ${version}.${minor} is not supported; expected 1.0, 2.0 or 3.0`);
  }
  const headerStart = version === 1 ? 10 : 12;
  if (got < headerStart) throw truncatedHeader(path, headerStart, size);
  const headerLength = version === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  if (size < headerStart + headerLength) throw truncatedHeader(path, headerStart + headerLength, size);
  return { version, headerStart, headerLength };
}

function truncatedHeader(path: string, needed: number, size: number): InputError {
  return new InputError(`${path}: the header is truncated: it needs ${needed} bytes, the file has ${size}`);
}

/** The header's three keys, from its text: a Python dict literal. */
function parseFields(path: string, text: string): { descr: PyEntry; fortranOrder: boolean; shape: PyEntry } {
  let dict: PyValue;
  try {
    dict = parsePython(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new InputError(`${path}: cannot parse the header: ${err.message}`);
    throw err;
  }
  const keys = "expected a dict with the keys 'descr', 'fortran_order' and 'shape'";
  if (!(dict instanceof Map)) throw new InputError(`${path}: the header is not a dict; ${keys}, got ${show(text.trim())}`);
  const [descr, fortranOrder, shape] = ['descr', 'fortran_order', 'shape'].map((key) => {
    const entry = dict.get(key);
    if (!entry) throw new InputError(`${path}: the header has no '${key}'; ${keys}`);
    return entry;
  });
  if (typeof fortranOrder.value !== 'boolean') {
    throw new InputError(`${path}: the header's 'fortran_order' is ${fortranOrder.text}; expected True or False`);
  }
  return { descr, fortranOrder: fortranOrder.value, shape };
}

function itemType(path: string, descr: PyEntry): { item: ItemType; littleEndian: boolean } {
  const match = typeof descr.value === 'string' ? /^([<>|=])([a-z]\d+)$/.exec(descr.value) : null;
  const item = match ? ITEMS.get(match[2]) : undefined;
  if (!match || !item) {
    const shown = typeof descr.value === 'string' ? `'${descr.value}'` : descr.text;
    throw new InputError(`${path}: dtype ${shown} is not supported; ${SUPPORTED}`);
  }
  return { item, littleEndian: match[1] === '<' || (match[1] !== '>' && HOST_LE) };
}

function parseShape(path: string, shape: PyEntry): number[] {
  const dims = shape.value;
  if (!Array.isArray(dims) || !dims.every((d): d is number => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new InputError(`${path}: the header's 'shape' is ${shape.text}; expected a tuple of non-negative integers`);
  }
  if (dims.length < 1 || dims.length > 2) {
    throw new InputError(`${path}: shape ${formatShape(dims)} has ${dims.length} dimensions; expected a 1-D array (n,) or a 2-D array (rows, cols)`);
  }
  return dims;
}

/** A shape as Python prints it: (2, 4), (5,), (). */
function formatShape(dims: readonly number[]): string {
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** Bytes in double quotes, printable ASCII as is and the others as \xNN. */
function showBytes(bytes: Uint8Array): string {
  const chars = Array.from(bytes, (b) =>
    b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
  );
  return `"${chars.join('')}"`;
}

/** Text on one line, in double quotes, cut after 40 characters. */
function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function newFloats(dtype: string, n: number, from?: ArrayLike<number>): Floats {
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (from) data.set(from);
  return data;
}

function isFloat(data: Floats, dtype: NpyFloat): boolean {
  return dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
}

function bytesOf(data: Floats): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A version 1.0 preamble and header for a float matrix, in this machine's byte order, padded to 64 bytes. */
function headerBytes(rows: number, cols: number, dtype: NpyFloat, fortranOrder: boolean): Buffer {
  const descr = `${HOST_LE ? '<' : '>'}${dtype === 'float32' ? 'f4' : 'f8'}`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + dict.length + 1;
  const text = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const bytes = Buffer.alloc(10 + text.length);
  MAGIC.copy(bytes);
  bytes.set([1, 0], 6);
  bytes.writeUInt16LE(text.length, 8);
  bytes.write(text, 10, 'latin1');
  return bytes;
}

function openFile(path: string, flags: 'r' | 'w'): number {
  try {
    return openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (flags === 'w' && (code === 'ENOENT' || code === 'ENOTDIR')) throw new InputError(`${path}: cannot create the file: no such folder`);
    throw fileReadError(path, err, 'an npy file');
  }
}

/** Fills `into` from the file at `position`; returns the bytes read, fewer at the end of the file. */
function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(into.length - done, MAX_IO), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, MAX_IO));
}

/** A value of a Python literal; tuples and lists are both arrays. */
type PyValue = string | number | boolean | null | PyValue[] | PyDict;
/** A dict value and its source text (for messages). */
interface PyEntry {
  readonly value: PyValue;
  readonly text: string;
}
type PyDict = Map<string, PyEntry>;

/**
 * Parses a Python literal of strings, integers, True/False/None, tuples, lists and dicts with
 * string keys, such as an npy header. A syntax error is a SyntaxError saying where.
 */
function parsePython(text: string): PyValue {
  const parser = new PythonLiteral(text);
  const value = parser.value();
  parser.end();
  return value;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

/** An npy header nests two levels; anything much deeper is not one (and must not exhaust the stack). */
const MAX_DEPTH = 32;

class PythonLiteral {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  value(): PyValue {
    this.space();
    const c = this.text[this.at];
    if (c === '{' || c === '(' || c === '[') {
      if (++this.depth > MAX_DEPTH) throw this.expected(`at most ${MAX_DEPTH} levels of brackets`);
      try {
        return c === '{' ? this.dict() : c === '(' ? this.tuple() : this.list();
      } finally {
        this.depth--;
      }
    }
    if (c === "'" || c === '"') return this.string();
    return this.word();
  }

  end(): void {
    this.space();
    if (this.at < this.text.length) throw this.expected('the end');
  }

  private dict(): PyDict {
    const dict: PyDict = new Map();
    this.at++;
    this.items('}', () => {
      this.space();
      const keyAt = this.at;
      const key = this.value();
      if (typeof key !== 'string') throw this.expected('a string key', keyAt);
      this.expect(':');
      this.space();
      const start = this.at;
      const value = this.value();
      dict.set(key, { value, text: this.text.slice(start, this.at) });
    });
    return dict;
  }

  /** (a, b), (a,) and () are tuples; (a) is a. */
  private tuple(): PyValue {
    const items: PyValue[] = [];
    this.at++;
    const comma = this.items(')', () => items.push(this.value()));
    return items.length === 1 && !comma ? items[0] : items;
  }

  private list(): PyValue[] {
    const items: PyValue[] = [];
    this.at++;
    this.items(']', () => items.push(this.value()));
    return items;
  }

  /** Comma-separated items up to `close`; true when a comma came after the last one. */
  private items(close: string, item: () => void): boolean {
    let comma = false;
    while (!this.eat(close)) {
      item();
      comma = this.eat(',');
      if (!comma) {
        this.expect(close);
        break;
      }
    }
    return comma;
  }

  private string(): string {
    const quote = this.text[this.at++];
    let out = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === '\n') throw this.expected(`the closing ${quote}`);
      this.at++;
      if (c === quote) return out;
      out += c === '\\' ? this.escape() : c;
    }
  }

  private escape(): string {
    const c = this.text[this.at++] ?? '';
    const digits = c === 'x' ? 2 : c === 'u' ? 4 : 0;
    if (digits === 0) return ESCAPES[c] ?? `\\${c}`;
    const hex = this.text.slice(this.at, this.at + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw this.expected(`${digits} hex digits`);
    this.at += digits;
    return String.fromCharCode(parseInt(hex, 16));
  }

  /** True, False, None or an integer (Python 2's 3L too). */
  private word(): PyValue {
    const pattern = /(?:(True|False|None)|([+-]?\d+)[lL]?)(?![\w.])/y;
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match) throw this.expected('a value');
    this.at = pattern.lastIndex;
    if (match[2] !== undefined) return Number(match[2]);
    return match[1] === 'None' ? null : match[1] === 'True';
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  private eat(c: string): boolean {
    this.space();
    if (this.text[this.at] !== c) return false;
    this.at++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw this.expected(`'${c}'`);
  }

  private expected(what: string, at = this.at): SyntaxError {
    const rest = this.text.slice(at);
    const got = rest === '' ? 'the end' : show(rest.slice(0, 20));
    return new SyntaxError(`expected ${what} at character ${at + 1}, got ${got}`);
  }
}
