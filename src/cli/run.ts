import { InputError, oneLine } from '../errors';
import { flagOf } from '../options';

/** Where a command writes, and how it hears Ctrl-C; tests pass buffers, scripts pass the process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars go there only then). */
  stderrIsTTY?: boolean;
  /** The stream a progress bar draws on. */
  progressStream?: NodeJS.WritableStream;
  /** Calls `handler` on each Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Ends the process at once (a second Ctrl-C). */
  exitNow?: (code: number) => never;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  progressStream: process.stderr,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
  exitNow: (code) => process.exit(code),
};

/**
 * Runs a command and returns its exit status: what it returns (0 by default; 130 after a Ctrl-C
 * it handled), 2 for bad input (one line on stderr, nothing on stdout), 1 for anything unexpected.
 * The line is at most 500 characters (LINE_WIDTH), with no control character (see {@link oneLine}).
 */
export async function runCommand(main: (io: Io) => Promise<void | number>, io: Io): Promise<number> {
  try {
    return (await main(io)) ?? 0;
  } catch (err) {
    // One line, whatever the message echoes: control characters escaped, the length capped.
    if (err instanceof InputError) {
      io.stderr(`${oneLine(`error: ${err.describe(flagOf)}`)}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`${oneLine(`internal error: ${message.split('\n')[0]}`)}\n`);
    if (process.env.DEBUG) io.stderr(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** The entry point of a script: run, then set the exit status. */
export function runScript(main: (argv: readonly string[], io: Io) => Promise<void | number>): void {
  // A reader that goes away (`| head`) is not an error of ours: stop quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void runCommand((io) => main(process.argv.slice(2), io), processIo).then((code) => {
    process.exitCode = code;
  });
}
