#!/usr/bin/env node
/**
 * The `simple-nn` command (package.json `bin`, built to dist/cli/main.js by `npm run build`):
 *
 *   simple-nn train|predict|make-npy|convert|bench|shard|web [options]      simple-nn <command> --help
 *
 * One entry of {@link COMMANDS} per subcommand. A command's module is loaded only when that command
 * runs (`import()` compiles to a lazy `require`), so `simple-nn --help` and unknown commands never
 * load TensorFlow.js.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { runScript, signalStatus, type EndingSignal, type Io } from './run';

/** A subcommand's entry point: its own argv (after the command's name); returns the exit status. */
export type CommandMain = (argv: readonly string[], io: Io) => Promise<void | number>;

interface Command {
  /** One line for `simple-nn --help`. */
  summary: string;
  /** Loads the command's module; absent for a command that is planned but not written yet. */
  load?: () => Promise<CommandMain>;
}

/** The subcommands, in the order `--help` lists them. Adding one is one line. */
const COMMANDS: Record<string, Command> = {
  train: { summary: "train the classifier (default: the article's AND gate) and print the result", load: async () => (await import('./train')).train },
  predict: { summary: 'predict with a model saved by train --save', load: async () => (await import('./predict')).predict },
  'make-npy': { summary: 'write synthetic data as x.npy and y.npy, of any size', load: async () => (await import('./make-npy')).makeNpy },
  bench: { summary: 'the benchmark (a development tool: needs the source checkout, runs via ts-node)', load: async () => devScript('bench/main.ts', BENCH_HELP) },
  convert: { summary: 'stream a CSV file of any size into x.npy and y.npy (float32, features×samples)', load: async () => (await import('./convert')).convert },
  shard: { summary: 'split data into shards on PostgreSQL servers, under one partitioned table on a coordinator', load: async () => (await import('./shard')).shard },
  web: { summary: 'build and serve the page that trains the network in a browser (needs the source checkout)', load: async () => devScript('scripts/web.ts', WEB_HELP) },
};

/** The package's folder: two levels above this file, both as src/cli/main.ts and as dist/cli/main.js. */
const ROOT = join(__dirname, '..', '..');

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return `simple-nn: the article's one-layer classifier on TensorFlow.js

Usage: simple-nn <command> [options]

Commands:
${lines.join('\n')}

  simple-nn <command> --help   a command's options
  simple-nn --version          the version
`;
}

/** `simple-nn <command> …`: picks the command and runs it with the rest of argv. */
export async function simpleNn(argv: readonly string[], io: Io): Promise<void | number> {
  const [name, ...rest] = argv;
  const available = () => Object.keys(COMMANDS).filter((n) => COMMANDS[n].load).join(', ');
  // the usage goes to stdout, and only when asked for (--help); a missing command is one line
  if (name === undefined) throw new InputError(`no command given; commands: ${available()} (see simple-nn --help)`);
  if (name === '--help' || name === '-h' || name === 'help') {
    if (rest.length === 0) {
      io.stdout(usage());
      return 0;
    }
    return simpleNn([rest[0], '--help'], io); // `simple-nn help train`
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const what = name.startsWith('-') ? `unknown option ${name} before the command` : `unknown command "${name}"`;
    throw new InputError(`${what}; commands: ${available()} (see simple-nn --help)`);
  }
  if (!command.load) throw new InputError(`simple-nn ${name} is not available yet (see simple-nn --help)`);
  return (await command.load())(rest, io);
}

const BENCH_HELP = `The benchmark (bench/main.ts, run by ts-node).

Usage: simple-nn bench [--quick] [--out DIR] [--readme]      (or: npm run bench -- …)

  --quick      about 15 s (up to 1e5 samples)
  --out DIR    where results.json, results.md, chart.svg and chart.png go (default bench/out/)
  --readme     also put the tables into docs/benchmark.md and the headline table into README.md
`;

const WEB_HELP = `The page that trains the article's network in a browser (scripts/web.ts, run by ts-node).

Usage: simple-nn web [--port N] [--out DIR]      (or: npm run web -- …)

  --port N     serve on 127.0.0.1:N (default: a free port; the URL is printed)
  --out DIR    write the static files instead of serving them
`;

/**
 * A development command that stays TypeScript run by ts-node (bench/ and scripts/web.ts are
 * outside src/ and not compiled): it runs `node -r ts-node/register/transpile-only FILE …` in a
 * child process, in the caller's folder, and passes every ending signal on to it.
 */
function devScript(file: string, help: string): CommandMain {
  return async (argv, io) => {
    const script = join(ROOT, file);
    if (!existsSync(script)) throw new InputError(`this command needs the project's source checkout (${script} is missing)`);
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(help);
      return 0;
    }
    let register: string;
    try {
      register = require.resolve('ts-node/register/transpile-only', { paths: [ROOT] });
    } catch {
      throw new InputError('this command needs ts-node (npm install in the project folder)');
    }
    const child = spawn(process.execPath, ['-r', register, script, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? join(ROOT, 'tsconfig.json') },
    });
    // Every ending signal goes on to the child (which stops as it would alone); the forwarder
    // listens again after each, so a second signal reaches the child too, and the command
    // ends with the child's status, 128 + the signal's number when a signal ended it.
    let stop: (() => void) | undefined;
    const forward = (signal: EndingSignal) => {
      child.kill(signal);
      stop = io.onInterrupt?.(forward);
    };
    stop = io.onInterrupt?.(forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(code ?? (signal ? signalStatus(signal) : 1)));
      });
    } finally {
      stop?.();
    }
  };
}

if (require.main === module) runScript(simpleNn);
