/** An option named in a message by its key (learningRate): the CLI prints its flag instead. */
export class OptionName {
  constructor(readonly key: string) {}
}

/** `option('learningRate')`: an option's place in an {@link InputError}'s message. */
export function option(key: string): OptionName {
  return new OptionName(key);
}

/**
 * A problem with what the user gave us: a file, an option, a shape or a value.
 * The CLI prints its message as one line on stderr and exits with status 2.
 * Messages say what was expected and what was got, and where (file, line, column, option).
 *
 * The library names options by their keys, never by CLI flags: a message is made of text and
 * {@link option} parts, `message` names each by its key, and {@link InputError.describe} lets the
 * CLI name them its own way.
 *
 * A message is one line whatever the user gave: its text is rendered with every control character
 * escaped (a newline in a file name shows as `\n`), and user text echoed in it goes through
 * {@link shown}, {@link quote}, {@link shownPath} or {@link shownList}, which also cut long values
 * and lists. The CLI's printer caps the whole line ({@link oneLine}).
 *
 * @example
 * new InputError(option('learningRate'), ' must be a finite number > 0, got -1');
 * // message: "learningRate must be …"; the CLI names the option by its flag instead
 */
export class InputError extends Error {
  readonly parts: readonly (string | OptionName)[];

  constructor(...parts: (string | OptionName)[]) {
    super(render(parts, (key) => key));
    this.name = 'InputError';
    this.parts = parts;
  }

  /** The message with each option named by `name(key)`. */
  describe(name: (key: string) => string): string {
    return render(this.parts, name);
  }
}

/** A message is one line: every control character in its text (echoed user text too) is shown as an escape. */
export function render(parts: readonly (string | OptionName)[], name: (key: string) => string): string {
  return parts.map((p) => (typeof p === 'string' ? escapeControls(p) : name(p.key))).join('');
}

/** The widest a value echoed in a message is shown (a cell, a column name, an option's value). */
export const VALUE_WIDTH = 80;
/** The widest a file name echoed in a message is shown (cut in the middle, so the name's end stays). */
export const PATH_WIDTH = 160;
/** Names of a list shown in a message before "… (N more)". */
export const LIST_ITEMS = 8;
/** The longest line the CLI prints for an error. */
export const LINE_WIDTH = 500;

/** C0 controls, DEL, C1 controls, and Unicode's line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const IS_CONTROL = /^[\u0000-\u001f\u007f-\u009f\u2028\u2029]$/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One control character as a visible escape: `\n`, `\r`, `\t`, `\x00`, `\x1b`, `\x7f`, `\x85`, `\u2028`. */
function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/** `text` with every control character (newline, CR, tab, NUL, ESC, other C0 and C1, DEL, U+2028/9) shown as an escape. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/**
 * User text as a message shows it: control characters escaped, and cut with "…" to at most `width`
 * characters (never inside an escape or a surrogate pair). Short printable text is unchanged.
 *
 * @example
 * shown('red\x1b[31m\0') // 'red\\x1b[31m\\x00' (backslashes shown, one line)
 * shown('a'.repeat(1e6)) // 79 a's and "…"
 */
export function shown(value: unknown, width = VALUE_WIDTH): string {
  const text = asText(value);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code < 0xdc00 && i + 1 < text.length;
    const c = pair ? text.slice(i, i + 2) : text[i];
    const piece = IS_CONTROL.test(c) ? escapeOne(c) : c;
    // room for this piece, and for "…" unless it is the last
    const last = i + c.length >= text.length;
    if (out.length + piece.length + (last ? 0 : 1) > width) return `${out}…`;
    out += piece;
    if (pair) i++;
  }
  return out;
}

/** Any value as text, even one whose toString throws or is missing (`Object.create(null)`). */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A value a caller gave, as "got …" shows it: text quoted (`"0.1"`, so it is not taken for a number), an array or a plain object as its JSON, the rest {@link shown}. */
export function given(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
    try {
      return shown(JSON.stringify(value));
    } catch {
      return Array.isArray(value) ? 'an array' : 'an object'; // a cycle, a BigInt
    }
  }
  return shown(value);
}

/** User text in double quotes, as {@link shown}: `"abc"`. */
export function quote(value: unknown, width = VALUE_WIDTH): string {
  return `"${shown(value, width)}"`;
}

/** A file name as a message shows it: control characters escaped; a long one cut in the middle, keeping its end. */
export function shownPath(path: string, width = PATH_WIDTH): string {
  const text = escapeControls(path);
  return text.length <= width ? text : cutMiddle(text, width);
}

/**
 * Names as a message lists them, joined with ", ": each {@link shown} (or {@link quote}d), and a long
 * list cut to its first {@link LIST_ITEMS} names and "… (N more)". Short lists are unchanged.
 */
export function shownList(names: readonly unknown[], { quoted = false, width = 40 }: { quoted?: boolean; width?: number } = {}): string {
  const show = (n: unknown) => (quoted ? quote(n, width) : shown(n, width));
  if (names.length <= LIST_ITEMS) return names.map(show).join(', ');
  return `${names.slice(0, LIST_ITEMS).map(show).join(', ')}, … (${names.length - LIST_ITEMS} more)`;
}

/**
 * A line as the CLI prints it: any control character left escaped, and at most `width` characters
 * (a longer one keeps its start and end, with "…" between). The last guard of "one error, one line".
 */
export function oneLine(text: string, width = LINE_WIDTH): string {
  const line = escapeControls(text);
  return line.length <= width ? line : cutMiddle(line, width);
}

/** `text` cut to `width` characters: its first two thirds and its end, with "…" between; no surrogate pair split. */
function cutMiddle(text: string, width: number): string {
  let head = Math.ceil(((width - 1) * 2) / 3);
  let tail = width - 1 - head;
  if (isHigh(text.charCodeAt(head - 1))) head--;
  if (tail > 0 && isLow(text.charCodeAt(text.length - tail))) tail--;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

const isHigh = (code: number) => code >= 0xd800 && code < 0xdc00;
const isLow = (code: number) => code >= 0xdc00 && code < 0xe000;

/**
 * The {@link InputError} for a file that cannot be opened for reading, from Node's error code
 * (`expected` names what the file should be, e.g. "a CSV file"); any other error is returned as is.
 */
export function fileReadError(path: string, err: unknown, expected: string): Error {
  if (err instanceof InputError) return err;
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return new InputError(`${path}: no such file`);
    case 'ENOTDIR':
      return new InputError(`${path}: no such file (part of the path is not a folder)`);
    case 'EISDIR':
      return new InputError(`${path}: is a directory, expected ${expected}`);
    case 'EACCES':
    case 'EPERM':
      return new InputError(`${path}: permission denied`);
    case 'ELOOP':
      return new InputError(`${path}: too many levels of symbolic links`);
    case 'ENAMETOOLONG':
      return new InputError(`${path}: the file name is too long`);
    case 'ESPIPE':
      return new InputError(`${path}: cannot be read at a position (a pipe?); it must be a regular file`);
    case 'ENXIO':
      return new InputError(`${path}: cannot be opened (a socket, or a device that is not there); expected ${expected}`);
    case 'EIO':
      return new InputError(`${path}: input/output error while reading (a failing disk or network?)`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The {@link InputError} for a file that cannot be written (created, written, renamed into place),
 * from Node's error code: `PATH: cannot write: REASON`; any other error is returned as is.
 *
 * @example
 * fileWriteError('out/model.json', enospc) // "out/model.json: cannot write: no space left on the device"
 */
export function fileWriteError(path: string, err: unknown): Error {
  if (err instanceof InputError) return err;
  const reason = writeFailure((err as NodeJS.ErrnoException | undefined)?.code, folderOf(path));
  if (reason === undefined) return err instanceof Error ? err : new Error(String(err));
  return new InputError(`${shownPath(path)}: cannot write: ${reason}`);
}

function writeFailure(code: string | undefined, folder: string): string | undefined {
  switch (code) {
    case 'ENOENT':
      return `the folder "${shownPath(folder)}" does not exist`;
    case 'ENOTDIR':
      return `"${shownPath(folder)}" is not a folder`;
    case 'EISDIR':
      return 'it is a folder, expected a file name';
    case 'EEXIST':
      return 'it is a file, expected a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EFBIG':
      return 'the file is too large for the file system';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'input/output error (a failing disk or network?)';
    case 'ENXIO':
    case 'ESPIPE':
      return 'it is not a regular file';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'the file is busy';
  }
  return undefined;
}

/** The folder part of a path, as node:path's dirname gives it (this module imports nothing from Node). */
function folderOf(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/[/\\]+$/, '') : path;
  const at = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (at < 0) return '.';
  return at === 0 ? trimmed[0] : trimmed.slice(0, at);
}

