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

function render(parts: readonly (string | OptionName)[], name: (key: string) => string): string {
  return parts.map((p) => (typeof p === 'string' ? p : name(p.key))).join('');
}

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
  }
  return err instanceof Error ? err : new Error(String(err));
}
