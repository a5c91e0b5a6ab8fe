#!/usr/bin/env node
/**
 * The `simple-nn` command (package.json `bin`, built to dist/cli/main.js by `npm run build`):
 *
 *   simple-nn train|predict|make-npy|bench [options]      simple-nn <command> --help
 *
 * One entry of {@link COMMANDS} per subcommand. A command's module is loaded only when that command
 * runs (`import()` compiles to a lazy `require`), so `simple-nn --help` and unknown commands never
 * load TensorFlow.js.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { runScript, type Io } from './run';

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
  'make-npy': { summary: 'write synthetic data as x.npy and y.npy, of any size', load: async () => makeNpy },
  bench: { summary: 'the benchmark (a development tool: needs the source checkout, runs via ts-node)', load: async () => bench },
  convert: { summary: 'convert models between formats (not available yet)' },
  web: { summary: 'the browser demo (not available yet)' },
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
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
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
    throw new InputError(`${what}; commands: ${Object.keys(COMMANDS).filter((n) => COMMANDS[n].load).join(', ')} (see simple-nn --help)`);
  }
  if (!command.load) throw new InputError(`simple-nn ${name} is not available yet (see simple-nn --help)`);
  return (await command.load())(rest, io);
}

const MAKE_NPY_HELP = `Writes synthetic data (simple-nn train --dataset synthetic) as x.npy and y.npy, chunk by chunk,
so that files larger than memory can be made.

Usage: simple-nn make-npy --out DIR --features N --samples M [--seed S]
       (from the project's folder: npm run make-npy -- …)

  --out DIR        the folder for x.npy (features×samples, float32) and y.npy (1×samples); made if missing
  --features N     rows of x
  --samples M      columns of x and y (32 × 33554432 makes a 4 GiB x.npy)
  --seed S         the data's seed (default 1): the same seed gives the same data as --dataset synthetic
  -h, --help       this text

Then: simple-nn train --x DIR/x.npy --y DIR/y.npy --chunk-samples 65536
`;

/**
 * `simple-nn make-npy`: writes synthetic data (src/data/synthetic.ts) as x.npy (features×samples,
 * float32) and y.npy (outputs×samples, float32), chunk by chunk, so files larger than memory can be made.
 */
export async function makeNpy(argv: readonly string[], io: Io): Promise<void> {
  const { parseNumber, parseOptions } = await import('./args');
  const values = parseOptions(argv, {
    out: { type: 'string' },
    features: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(MAKE_NPY_HELP);
    return;
  }
  const { mkdirSync } = await import('node:fs');
  const { NpyWriter } = await import('../data/npy');
  const { syntheticChunks } = await import('../data/synthetic');
  const { option } = await import('../errors');
  const { checkOption } = await import('../options');
  const whole = (key: 'features' | 'samples' | 'seed', fallback?: number) => {
    const text = (values as Record<string, string | undefined>)[key];
    if (text === undefined) {
      if (fallback === undefined) throw new InputError(option(key), ' is required (see --help)');
      return fallback;
    }
    return checkOption(key, parseNumber(key, text));
  };
  const out = values.out as string | undefined;
  if (!out) throw new InputError('--out DIR, --features N and --samples M are required (see --help)');
  const features = whole('features');
  const samples = whole('samples');
  const seed = whole('seed', 1);
  mkdirSync(out, { recursive: true });
  const xWriter = new NpyWriter(join(out, 'x.npy'), features, samples, 'float32');
  const yWriter = new NpyWriter(join(out, 'y.npy'), 1, samples, 'float32');
  const started = Date.now();
  syntheticChunks({ features, samples, seed }, 1 << 16, ({ x, y }) => {
    xWriter.appendColumns(x);
    yWriter.appendColumns(y);
  });
  xWriter.close();
  yWriter.close();
  const bytes = features * samples * 4;
  const size = bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  io.stderr(`wrote ${join(out, 'x.npy')} (${features}×${samples} float32, ${size}) and y.npy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * `simple-nn bench`: the benchmark stays TypeScript run by ts-node (bench/ is a development tool,
 * outside src/ and not compiled), so this starts `node -r ts-node/register/transpile-only
 * bench/main.ts …` in a child process (what `npm run bench` runs, without npm), in the caller's
 * folder, and passes SIGINT/SIGTERM on to it.
 */
async function bench(argv: readonly string[], io: Io): Promise<number> {
  const script = join(ROOT, 'bench', 'main.ts');
  if (!existsSync(script)) throw new InputError(`simple-nn bench needs the project's source checkout (${script} is missing)`);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`The benchmark (bench/main.ts, run by ts-node).

Usage: simple-nn bench [--quick] [--out DIR] [--readme]      (or: npm run bench -- …)

  --quick      about 15 s (up to 1e5 samples)
  --out DIR    where results.json, results.md, chart.svg and chart.png go (default bench/out/)
  --readme     also put the tables into README.md
`);
    return 0;
  }
  let register: string;
  try {
    register = require.resolve('ts-node/register/transpile-only', { paths: [ROOT] });
  } catch {
    throw new InputError('simple-nn bench needs ts-node (npm install in the project folder)');
  }
  const child = spawn(process.execPath, ['-r', register, script, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? join(ROOT, 'tsconfig.json') },
  });
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

if (require.main === module) runScript(simpleNn);
