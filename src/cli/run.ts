import { constants } from 'node:os';
import { InputError, oneLine } from '../errors';
import { flagOf } from '../options';

/**
 * The signals that end a process when it does not handle them, and that a run hears (node lets a
 * process handle each of them): Ctrl-C, kill's default, a closed terminal, Ctrl-\, and the rest a
 * user or a supervisor sends. SIGUSR1 (node's inspector), SIGPIPE and SIGXFSZ (ignored by node) do
 * not end a node process; SIGKILL and SIGSTOP cannot be heard.
 */
export const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU'] as const;
export type EndingSignal = (typeof ENDING_SIGNALS)[number];

/** The exit status of a run that `signal` ended, as a shell reports it: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function signalStatus(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** How a user names a signal in "… again to quit at once": Ctrl-C for SIGINT, else its name. */
export function signalName(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'Ctrl-C' : signal;
}

/** Where a command writes, and how it hears Ctrl-C; tests pass buffers, scripts pass the process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars go there only then). */
  stderrIsTTY?: boolean;
  /** The stream a progress bar draws on. */
  progressStream?: NodeJS.WritableStream;
  /**
   * Calls `handler` on the first of the {@link ENDING_SIGNALS} (or when npm, which started the
   * run, has gone), then stops listening, so that a second one takes the signal's default action
   * at once — even in the middle of an iteration, when no JavaScript handler could run. The
   * returned function stops listening earlier. Without a handler, a signal ends the process
   * through `process.exit` (exit handlers run: temporary files are removed).
   */
  onInterrupt?: (handler: (signal: EndingSignal) => void) => () => void;
  /** Ends the process now, with `code` (exit handlers run: temporary files are removed). */
  exitNow?: (code: number) => never;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  progressStream: process.stderr,
  onInterrupt: (handler) => {
    interruptHandler = handler;
    hearSignals();
    return () => {
      if (interruptHandler === handler) interruptHandler = undefined;
      hearSignals(); // a signal after this ends the process, exit handlers run
    };
  },
  exitNow: (code) => process.exit(code),
};

/** The handler {@link processIo}'s `onInterrupt` was given, until a signal takes it. */
let interruptHandler: ((signal: EndingSignal) => void) | undefined;

/**
 * What every ending signal does in a run: the first goes to the command's handler, and then (from
 * the next turn) no JavaScript listens (the next takes the default action at once); with no handler, the process
 * ends now ({@link endBySignal}), after the exit handlers that remove temporary files
 * (src/io/atomic.ts, writeTogether).
 */
function onSignal(signal: NodeJS.Signals): void {
  const handler = interruptHandler;
  if (!handler) endBySignal(signal);
  interruptHandler = undefined;
  // Not off at once: a second signal that came while JavaScript was busy (both waiting for this
  // turn, as a quick Ctrl-C Ctrl-C does during an iteration) is dispatched only to listeners still
  // there, so it would be lost; it comes here, finds no handler, and ends the process.
  setImmediate(stopHearing);
  handler(signal as EndingSignal);
}

/** No JavaScript listens after this (unless a command gave a handler again): the next signal takes its default action at once. */
function stopHearing(): void {
  if (interruptHandler) return;
  for (const s of ENDING_SIGNALS) process.off(s, onSignal);
}

/**
 * Ends the process as `signal` does by default (a shell sees 128 + its number), once the exit
 * handlers have run. Not by `process.exit`: its teardown waits for native threads, and DuckDB's
 * may be blocked for good (opening a FIFO that a query names), which kept the process alive.
 */
function endBySignal(signal: NodeJS.Signals): never {
  process.exitCode = signalStatus(signal);
  process.emit('exit', process.exitCode);
  for (const s of ENDING_SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // the signal's default action ends the process before kill returns; were it held, exit as before
  return process.exit(signalStatus(signal));
}

/**
 * Under V8's profilers (`node --cpu-prof`, `--prof`) SIGPROF is their sampling tick: a run that
 * heard it would end at the first sample. Then it is left to them.
 */
const PROFILED = process.execArgv.some((a) => /^--(cpu-prof|prof|heap-prof)\b/.test(a));

function hearSignals(): void {
  for (const signal of ENDING_SIGNALS) {
    if (signal === 'SIGPROF' && PROFILED) continue;
    if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  }
}

/** How often a run started by npm looks whether npm is still there, in ms. */
const PARENT_CHECK_MS = 200;

/**
 * npm (`npm run train`, `npm start`) passes SIGINT and SIGTERM on to the run, but any other
 * signal that ends npm (SIGHUP, SIGQUIT, SIGKILL, …) leaves the run behind, orphaned. A run that
 * npm started therefore looks, between iterations, whether its parent is still npm; once it is
 * not, it acts as on SIGHUP. A run started otherwise (a shell, nohup) keeps going as it always did.
 */
function endWithNpm(): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onSignal('SIGHUP');
  }, PARENT_CHECK_MS);
  timer.unref();
}

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
  hearSignals();
  endWithNpm();
  void runCommand((io) => main(process.argv.slice(2), io), processIo).then((code) => {
    process.exitCode = code;
  });
}
