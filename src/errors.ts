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
