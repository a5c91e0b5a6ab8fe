/**
 * A problem with what the user gave us: a file, an option, a shape or a value.
 * The CLI prints its message as one line on stderr and exits with status 2.
 * Messages say what was expected and what was got, and where (file, line, column, option).
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
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
