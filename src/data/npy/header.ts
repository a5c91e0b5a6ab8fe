import { InputError } from '../../errors';
import { HOST_LE, type NpyFloat } from './floats';
import { readAt } from './io';

/**
 * The start of a `.npy` file: the magic string, the format version (1.0, 2.0 or 3.0), the header's
 * length, and the header, a Python dict literal padded with spaces to a newline, as numpy writes it:
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
 */

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');
/** An npy header nests two levels; anything much deeper is not one (and must not exhaust the stack). */
const MAX_DEPTH = 32;

/** A header value as far as the header needs it; None, lists, dicts and other tuples are undefined. */
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

/** A version 1.0 preamble and header for a float matrix, in this machine's byte order, padded to 64 bytes. */
export function headerBytes(rows: number, cols: number, dtype: NpyFloat, fortranOrder: boolean): Buffer {
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

/** The header's three keys, from its text; other keys are ignored. */
function parseFields(path: string, text: string): { descr: Entry; fortranOrder: boolean; shape: Entry } {
  let dict: Map<string, Entry> | undefined;
  try {
    dict = new HeaderParser(text).header();
  } catch (err) {
    if (err instanceof SyntaxError) throw new InputError(`${path}: cannot parse the header: ${err.message}`);
    throw err;
  }
  const keys = "expected a dict with the keys 'descr', 'fortran_order' and 'shape'";
  if (!dict) throw new InputError(`${path}: the header is not a dict; ${keys}, got ${show(text.trim())}`);
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

/**
 * Reads the header's text: a dict with string keys whose values are strings in either quote (\xNN
 * the only escape), True, False, None, integers (3L as Python 2 wrote them), and tuples, lists and
 * dicts of those. Spaces and newlines may come between any two of these. A syntax error is a
 * SyntaxError saying where.
 */
class HeaderParser {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** The dict's entries, or undefined when the text is not a dict. */
  header(): Map<string, Entry> | undefined {
    this.space();
    if (this.text[this.at] !== '{') return undefined;
    const dict = this.nested(() => this.dict());
    this.space();
    if (this.at < this.text.length) throw this.expected('the end');
    return dict;
  }

  private value(): Value {
    this.space();
    const c = this.text[this.at];
    if (this.atQuote()) return this.string();
    if (c === '(' || c === '[') return this.nested(() => this.sequence(c === '(' ? ')' : ']'));
    if (c !== '{') return this.word();
    this.nested(() => this.dict());
    return undefined;
  }

  /** What `parse` reads after the opening bracket at `at`, brackets nesting at most MAX_DEPTH deep. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw this.expected(`at most ${MAX_DEPTH} levels of brackets`);
    this.at++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** key: value pairs up to '}'; a later key wins, as in Python. */
  private dict(): Map<string, Entry> {
    const dict = new Map<string, Entry>();
    this.items('}', () => {
      this.space();
      if (!this.atQuote()) throw this.expected('a string key');
      const key = this.string();
      this.expect(':');
      this.space();
      const start = this.at;
      const value = this.value();
      dict.set(key, { value, text: this.text.slice(start, this.at) });
    });
    return dict;
  }

  /** The integers of a tuple of integers — (a, b), (a,) or () — up to `close`; undefined for other tuples, lists and (a). */
  private sequence(close: ')' | ']'): number[] | undefined {
    const items: Value[] = [];
    const comma = this.items(close, () => items.push(this.value()));
    const tuple = close === ')' && (comma || items.length !== 1);
    return tuple && items.every((item): item is number => typeof item === 'number') ? items : undefined;
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

  private atQuote(): boolean {
    return this.text[this.at] === "'" || this.text[this.at] === '"';
  }

  /** A string in the quote at `at`, on one line. */
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

  /** The character \xNN stands for, the backslash read. */
  private escape(): string {
    if (this.text[this.at] !== 'x') throw this.expected("'x'");
    const hex = this.text.slice(this.at + 1, this.at + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw this.expected('2 hex digits', this.at + 1);
    this.at += 3;
    return String.fromCharCode(parseInt(hex, 16));
  }

  /** True, False, None (undefined) or an integer without leading zeros, perhaps with Python 2's L. */
  private word(): boolean | number | undefined {
    const pattern = /(?:(True|False|None)|(0|-?[1-9]\d*)L?)(?![\w.])/y;
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match) throw this.expected('a value');
    this.at = pattern.lastIndex;
    if (match[2] !== undefined) return Number(match[2]);
    return match[1] === 'None' ? undefined : match[1] === 'True';
  }

  private space(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\n') this.at++;
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
