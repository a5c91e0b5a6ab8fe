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
  /**
   * Calls `handler` on the first Ctrl-C (SIGINT) or SIGTERM, then stops listening, so that a
   * second one takes the signal's default action at once — even in the middle of an iteration,
   * when no JavaScript handler could run. The returned function stops listening earlier.
   */
  onInterrupt?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
  /** Ends the process now, with `code` (exit handlers run: temporary files are removed). */
  exitNow?: (code: number) => never;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  progressStream: process.stderr,
  onInterrupt: (handler) => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const stop = () => signals.forEach((signal) => process.off(signal, listeners[signal]));
    const listeners = Object.fromEntries(signals.map((signal) => [signal, () => (stop(), handler(signal))])) as Record<(typeof signals)[number], () => void>;
    signals.forEach((signal) => process.on(signal, listeners[signal]));
    return stop;
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
