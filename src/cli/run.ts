import { InputError } from '../errors';

/** Where a command writes; tests pass buffers, scripts pass the process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs a command and returns its exit status: 0 on success, 2 for bad input (one line on stderr,
 * nothing on stdout), 1 for anything unexpected.
 */
export async function runCommand(main: (io: Io) => Promise<void>, io: Io): Promise<number> {
  try {
    await main(io);
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`internal error: ${message.split('\n')[0]}\n`);
    if (process.env.DEBUG) io.stderr(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** The entry point of a script: run, then set the exit status. */
export function runScript(main: (argv: readonly string[], io: Io) => Promise<void>): void {
  void runCommand((io) => main(process.argv.slice(2), io), processIo).then((code) => {
    process.exitCode = code;
  });
}
