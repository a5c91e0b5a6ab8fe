import { InputError } from '../../errors';
import { HOST_LE, type NpyFloat } from './floats';
import { readAt } from './io';

/**
 * The start of a `.npy` file: the magic string, the format version (1.0, 2.0 or 3.0), the header's
 * length, and the header, a Python dict literal padded with spaces to a newline, as numpy writes it:
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
 */

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');

/** A header value as far as the header needs it; lists and (a) are undefined. */
type Value = string | boolean | number | number[] | undefined;

/** A value of the header dict and its text as written (for messages). */
export interface Entry {
  readonly value: Value;
  readonly text: string;
}

/** The header's three keys, as written, and the byte at which the data starts. */
export interface HeaderFields {
  readonly descr: Entry;
  readonly fortranOrder: boolean;
  readonly shape: Entry;
  readonly dataOffset: number;
}

/** Reads the magic string, the version and the header of a file of `size` bytes, checking each. */
export function readHeaderFields(fd: number, path: string, size: number): HeaderFields {
  const { version, headerStart, headerLength } = readPreamble(fd, path, size);
  const raw = Buffer.alloc(headerLength);
  readAt(fd, raw, headerStart);
  const fields = parseFields(path, raw.toString(version === 3 ? 'utf8' : 'latin1'));
  return { ...fields, dataOffset: headerStart + headerLength };
}

/** The dimensions of the header's 'shape': a tuple of one or two non-negative integers. */
export function checkShape(path: string, shape: Entry): number[] {
  const dims = shape.value;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InputError(`${path}: the header's 'shape' is ${shape.text}; expected a tuple of non-negative integers`);
  }
  if (dims.length < 1 || dims.length > 2) {
    throw new InputError(`${path}: shape ${formatShape(dims)} has ${dims.length} dimensions; expected a 1-D array (n,) or a 2-D array (rows, cols)`);
  }
  return dims;
}

/** A shape as Python prints it: (2, 4), (5,), (). */
export function formatShape(dims: readonly number[]): string {
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/**
 * A version 1.0 preamble and header for a float matrix, in this machine's byte order, padded to
 * 64 bytes — or, with `length`, to exactly that many bytes (to rewrite a header in place).
 */
export function headerBytes(rows: number, cols: number, dtype: NpyFloat, fortranOrder: boolean, length?: number): Buffer {
  const descr = `${HOST_LE ? '<' : '>'}${dtype === 'float32' ? 'f4' : 'f8'}`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + dict.length + 1;
  const padding = length === undefined ? (64 - (unpadded % 64)) % 64 : length - unpadded;
  if (padding < 0 || 10 + dict.length + padding + 1 > 10 + 0xffff) throw new Error(`an npy header of ${unpadded} bytes does not fit in ${length}`);
  const text = `${dict}${' '.repeat(padding)}\n`;
  const bytes = Buffer.alloc(10 + text.length);
  MAGIC.copy(bytes);
  bytes.set([1, 0], 6);
  bytes.writeUInt16LE(text.length, 8);
  bytes.write(text, 10, 'latin1');
  return bytes;
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

const KEYS = ['descr', 'fortran_order', 'shape'];

/** The header's three keys, from its text, which must have exactly these keys. */
function parseFields(path: string, text: string): { descr: Entry; fortranOrder: boolean; shape: Entry } {
  let entries: [string, Entry][] | undefined;
  try {
    entries = readDict(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new InputError(`${path}: cannot parse the header: ${err.message}`);
    throw err;
  }
  const expectedDict = "expected a dict with the keys 'descr', 'fortran_order' and 'shape'";
  if (!entries) throw new InputError(`${path}: the header is not a dict; ${expectedDict}, got ${show(text.trim())}`);
  const names = entries.map(([key]) => key);
  if (names.some((key, i) => !KEYS.includes(key) || names.indexOf(key) !== i)) {
    const has = `key${names.length === 1 ? '' : 's'} ${names.map((key) => `'${key}'`).join(', ')}`;
    throw new InputError(`${path}: the header has ${has}; expected exactly 'descr', 'fortran_order' and 'shape'`);
  }
  const dict = new Map(entries);
  const [descr, fortranOrder, shape] = KEYS.map((key) => {
    const entry = dict.get(key);
    if (!entry) throw new InputError(`${path}: the header has no '${key}'; ${expectedDict}`);
    return entry;
  });
  if (typeof fortranOrder.value !== 'boolean') {
    throw new InputError(`${path}: the header's 'fortran_order' is ${fortranOrder.text}; expected True or False`);
  }
  return { descr, fortranOrder: fortranOrder.value, shape };
}

/** Bytes in double quotes, printable ASCII as is and the others as \xNN. */
function showBytes(bytes: Uint8Array): string {
  const chars = Array.from(bytes, (b) =>
    b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
  );
  return `"${chars.join('')}"`;
}

/** Text cut after 40 characters. */
function cut(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Text on one line, in double quotes, cut after 40 characters. */
function show(text: string): string {
  return JSON.stringify(cut(text));
}

/** An integer as Python writes one: no leading zeros (and no `L`). */
const INTEGER = '0|-?[1-9]\\d*';

/**
 * The entries of the header as numpy's `write_array_header` writes it, in the order written, or
 * undefined when the text does not start with '{': a dict of string keys, then spaces and a
 * newline. Values are strings (in either quote, on one line, no escapes), True, False, integers,
 * tuples of integers — (3, 4), (5,), () — and lists, a structured dtype's descr, whose text is
 * kept for the message that refuses it. Spaces may come between any two of these, and a comma
 * after the last entry; anything else is a SyntaxError saying where.
 */
function readDict(text: string): [string, Entry][] | undefined {
  let at = 0;
  /** Skips spaces, then reads what `pattern` matches there; undefined when it does not. */
  const read = (pattern: string): string | undefined => {
    while (text[at] === ' ') at++;
    const regex = new RegExp(pattern, 'y');
    regex.lastIndex = at;
    const match = regex.exec(text)?.[0];
    if (match !== undefined) at += match.length;
    return match;
  };
  const fail = (what: string): never => {
    const got = at < text.length ? show(text.slice(at, at + 20)) : 'the end';
    throw new SyntaxError(`expected ${what} at character ${at + 1}, got ${got}`);
  };
  const need = (pattern: string, what: string): string => read(pattern) ?? fail(what);
  /** One of `words`, not followed by a letter, digit or '.'. */
  const word = (words: string): string => need(`(?:${words})(?![\\w.])`, 'a value');

  /** A string's contents; undefined when no quote comes next. */
  const string = (): string | undefined => {
    const opened = read(`'[^'\\n]*|"[^"\\n]*`);
    if (opened === undefined) return undefined;
    if (text[at] !== opened[0]) fail(`the closing ${opened[0]}`);
    at++;
    return opened.slice(1);
  };

  /** After '(': the integers of (a, b), (a,) or (); undefined for (a), which Python reads as a. */
  const tuple = (): number[] | undefined => {
    const dims: number[] = [];
    while (!read('\\)')) {
      dims.push(Number(word(INTEGER)));
      if (read(',')) continue;
      need('\\)', "')'");
      return dims.length === 1 ? undefined : dims;
    }
    return dims;
  };

  const value = (): Value => {
    const s = string();
    if (s !== undefined) return s;
    if (read('\\(')) return tuple();
    if (read('\\[[^\\n]*?\\](?= *[,}])')) return undefined; // a list: up to the first ']' that ends an entry
    const w = word(`True|False|${INTEGER}`);
    return w === 'True' ? true : w === 'False' ? false : Number(w);
  };

  if (!read('\\{')) return undefined;
  const entries: [string, Entry][] = [];
  while (!read('\\}')) {
    const key = string() ?? fail('a string key');
    need(':', "':'");
    const start = at;
    entries.push([key, { value: value(), text: cut(text.slice(start, at).trimStart()) }]);
    if (read(',')) continue;
    need('\\}', "'}'");
    break;
  }
  need('\\n?$', 'the end');
  return entries;
}
