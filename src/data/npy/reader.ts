import { closeSync, fstatSync } from 'node:fs';
import { InputError } from '../../errors';
import { sharedFloats, type Matrix } from '../../matrix';
import { HOST_LE, newFloats, type Floats } from './floats';
import { checkShape, formatShape, readHeaderFields, type Entry } from './header';
import { openFile, readAt } from './io';

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

/** Values decoded at a time when transposing Fortran order. */
const PIECE = 1 << 16;
const TWO_32 = 2 ** 32;
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

/** The header, how to decode the data, and its byte order. */
function readHeader(fd: number, path: string): { header: NpyHeader; decode: Decode; littleEndian: boolean } {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, expected an npy file`);
  const fields = readHeaderFields(fd, path, stat.size);
  const { item, littleEndian, descr } = itemType(path, fields.descr);
  const shape = checkShape(path, fields.shape);
  const [rows, cols] = shape.length === 1 ? [1, shape[0]] : shape;
  const { fortranOrder, dataOffset } = fields;
  // a header may claim any shape: the claim is checked against the file's size (exactly, in BigInt) before anything is allocated
  const needed = BigInt(rows) * BigInt(cols) * BigInt(item.size);
  if (BigInt(stat.size - dataOffset) < needed) {
    throw new InputError(
      `${path}: the data is truncated: shape ${formatShape(shape)} ${item.dtype} needs ${needed} bytes after the header, the file has ${stat.size - dataOffset}`,
    );
  }
  // np.save writes exactly the data: more is a file the shape does not describe (appended to, or its header rewritten)
  if (BigInt(stat.size - dataOffset) > needed) {
    throw new InputError(
      `${path}: the file has ${stat.size - dataOffset} bytes after the header, but shape ${formatShape(shape)} ${item.dtype} is ${needed}; the shape does not describe the data (np.save writes exactly the data)`,
    );
  }
  const header = { shape, dtype: item.dtype, descr, fortranOrder, dataOffset, rows, cols, bytesPerItem: item.size };
  return { header, decode: decoderFor(item, littleEndian), littleEndian };
}

/** The item type a descr such as '<f8' names, whether its bytes are little-endian, and the descr. */
function itemType(path: string, descr: Entry): { item: ItemType; littleEndian: boolean; descr: string } {
  const match = typeof descr.value === 'string' ? /^([<>|=])([a-z]\d+)$/.exec(descr.value) : null;
  const item = match ? ITEMS.get(match[2]) : undefined;
  if (!match || !item) {
    const shown = typeof descr.value === 'string' ? `'${descr.value}'` : descr.text;
    throw new InputError(`${path}: dtype ${shown} is not supported; ${SUPPORTED}`);
  }
  return { item, littleEndian: match[1] === '<' || (match[1] !== '>' && HOST_LE), descr: match[0] };
}
