import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { train } from '../src/cli/train';
import { TRAIN_OPTIONS } from '../src/cli/train-options';
import { readCsv } from '../src/data/csv';
import { writeNpy } from '../src/data/npy';
import { matrix } from '../src/matrix';
import { rowsOf } from './fixtures';
import { runInProcess } from './helpers';

/**
 * Property-based tests of everything that reads user input on the way to training: the CSV loader,
 * the .npy loader and the option parser, through `train` itself. Whatever the input:
 *
 * - the run ends with status 0 and exactly one JSON object on stdout (with --json), or with status 2,
 *   nothing on stdout and exactly one line on stderr; never status 1 (an internal error);
 * - no file changes but the run's outputs (--save, --plot, --predictions, --export-tfjs), and none at all on failure;
 * - no run hangs: small data, few iterations, and a time limit per run.
 *
 * PROPERTY_RUNS (default 150) sets the runs per property; FC_SEED replays a failure fast-check reports.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const SEED = process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) };
/** The most one run may take (ms); the first ones load tfjs or vega. */
const RUN_TIMEOUT = 15000;
const ROOT = join(__dirname, '..');

/** Any control character: C0, DEL, C1, U+2028/9. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

type Outcome = { code: number | null; stdout: string; stderr: string };

/** Every file and folder under `dir`, by relative path: a hash of its bytes, or "folder". */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        out.set(relative(dir, path), 'folder');
        walk(path);
      } else {
        out.set(relative(dir, path), createHash('sha1').update(readFileSync(path)).digest('hex'));
      }
    }
  };
  walk(dir);
  return out;
}

/** The values of an option in argv (`--save x` and `--save=x`). */
function valuesOf(argv: readonly string[], flag: string): string[] {
  const out: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === flag && i + 1 < argv.length) out.push(argv[i + 1]);
    else if (arg.startsWith(`${flag}=`)) out.push(arg.slice(flag.length + 1));
  });
  return out;
}

/** What a run in `dir` (its working folder) may change: the files it was asked to write (and the folders --export-tfjs makes). */
function mayChange(argv: readonly string[], dir: string): (path: string) => boolean {
  const files = [...valuesOf(argv, '--save'), ...valuesOf(argv, '--plot'), ...valuesOf(argv, '--predictions')].map((p) => relative(dir, resolve(dir, p)));
  const folders = valuesOf(argv, '--export-tfjs').map((p) => relative(dir, resolve(dir, p)));
  return (path) =>
    files.includes(path) || folders.some((f) => path === f || path.startsWith(`${f}/`) || f.startsWith(`${path}/`));
}

/** The contract of one run, checked; `where` says what was run, for the failure message. */
function checkOutcome(r: Outcome, argv: readonly string[], changed: string[], allowed: (path: string) => boolean, where: string): void {
  const about = `${where}\nargv: ${JSON.stringify(argv)}\nexit ${r.code}\nstdout: ${JSON.stringify(r.stdout.slice(0, 500))}\nstderr: ${JSON.stringify(r.stderr.slice(0, 2000))}`;
  expect(r.code, about).to.be.oneOf([0, 2]);
  if (r.code === 0) {
    if (argv.includes('--json')) {
      expect(r.stdout.endsWith('\n') && r.stdout.indexOf('\n') === r.stdout.length - 1, about).to.equal(true);
      const report = JSON.parse(r.stdout);
      expect(report, about).to.be.an('object').that.includes.keys('weights', 'bias', 'predictions', 'errors', 'accuracy');
      // stderr: nothing but the report's warnings, one line each
      const warnings = ((report.warnings ?? []) as { message: string }[]).map((w) => `warning: ${w.message}\n`).join('');
      expect(r.stderr, about).to.equal(warnings);
      expect(r.stderr.split('\n').every((line) => !CONTROL.test(line)), about).to.equal(true);
    } else {
      expect(r.stdout.length, about).to.be.greaterThan(0);
    }
    expect(changed.filter((p) => !allowed(p)), `${about}\nchanged files that are not outputs`).to.deep.equal([]);
  } else {
    expect(r.stdout, about).to.equal('');
    expect(r.stderr, about).to.match(/^error: [^\n]*\n$/);
    expect(r.stderr.slice(0, -1), about).not.to.match(CONTROL);
    expect(r.stderr.length, about).to.be.at.most(501);
    expect(changed, `${about}\nchanged files on a failed run`).to.deep.equal([]);
  }
}

/** Files changed between two snapshots. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
}

/**
 * Runs train in this process with `dir` as its working folder (relative names in generated options
 * land there, where the snapshot sees them), and checks the contract.
 */
async function trainChecked(argv: string[], dir: string, counts?: Map<number, number>): Promise<Outcome> {
  const before = snapshot(dir);
  const cwd = process.cwd();
  process.chdir(dir);
  let r: Outcome;
  try {
    r = await runInProcess(train, argv);
  } finally {
    process.chdir(cwd);
  }
  counts?.set(r.code ?? -1, (counts.get(r.code ?? -1) ?? 0) + 1);
  checkOutcome(r, argv, changes(before, snapshot(dir)), mayChange(argv, dir), 'in process');
  return r;
}

// ---------------------------------------------------------------------------------------------
// Byte mutations: what a disk, a download or an editor does to a file.

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number };

/** Text that trips parsers, inserted as UTF-8. */
const NASTY = ['\r', '\n', '\r\n', ',', '"', '\0', '\x1b[31m', '\uFEFF', '1e999', 'NaN', '-', ' ', ',,', '\n\n', 'é', '\u2028', '\x93NUMPY', "'", '(', ')', '{', '}', ':'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.constantFrom(...NASTY).map((t) => new Uint8Array(Buffer.from(t))),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(bytes);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[at % b.length] ^= 1 << m.bit;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at)]);
        break;
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Valid inputs, to mutate.

const columnName = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);
const cellNumber = fc.oneof(fc.integer({ min: -9, max: 9 }), fc.double({ min: -100, max: 100, noNaN: true })).map(String);

/** A valid CSV: a header, 1–6 samples, numeric features and a 0/1 label; LF or CRLF. */
const validCsv: fc.Arbitrary<string> = fc
  .record({
    names: fc.uniqueArray(columnName, { minLength: 2, maxLength: 4 }),
    samples: fc.integer({ min: 1, max: 6 }),
    eol: fc.constantFrom('\n', '\r\n'),
  })
  .chain(({ names, samples, eol }) =>
    fc
      .array(fc.tuple(fc.array(cellNumber, { minLength: names.length - 1, maxLength: names.length - 1 }), fc.constantFrom('0', '1')), {
        minLength: samples,
        maxLength: samples,
      })
      .map((rows) => [names.join(','), ...rows.map(([cells, label]) => [...cells, label].join(','))].join(eol) + eol),
  );

/**
 * A valid CSV as people and programs write it, and the samples it holds: any line ending on each
 * line (LF, CRLF, CR, mixed), blank lines, a BOM, quoted cells and names, spaces around cells.
 */
const writtenCsv = fc
  .record({
    names: fc.uniqueArray(columnName, { minLength: 2, maxLength: 4 }),
    samples: fc.integer({ min: 1, max: 6 }),
    bom: fc.boolean(),
  })
  .chain(({ names, samples, bom }) => {
    const cell = (text: string) =>
      fc.constantFrom('plain', 'quoted', 'spaced').map((style) => (style === 'quoted' ? `"${text}"` : style === 'spaced' ? ` ${text}  ` : text));
    const line = (cells: fc.Arbitrary<string>[]) => fc.tuple(...cells).map((c) => c.join(','));
    const eol = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n\r\n');
    const row = fc.tuple(fc.array(cellNumber, { minLength: names.length - 1, maxLength: names.length - 1 }), fc.constantFrom('0', '1'));
    return fc
      .record({
        header: line(names.map(cell)),
        rows: fc
          .array(row, { minLength: samples, maxLength: samples })
          .chain((rows) => fc.tuple(...rows.map(([cells, label]) => fc.tuple(line([...cells, label].map(cell)), eol))).map((lines) => ({ rows, lines }))),
        headerEol: eol,
        lastEol: fc.boolean(),
      })
      .map(({ header, rows: { rows, lines }, headerEol, lastEol }) => {
        const body = lines.map(([text, end], i) => (i < lines.length - 1 || lastEol ? text + end : text)).join('');
        return {
          text: `${bom ? '\uFEFF' : ''}${header}${headerEol}${body}`,
          names,
          x: names.slice(0, -1).map((_, f) => rows.map(([cells]) => Number(cells[f]))),
          y: [rows.map(([, label]) => Number(label))],
        };
      });
  });

/** x (features×samples) and y (1×samples, 0/1) as the project's writer writes them. */
const validNpy = fc
  .record({
    features: fc.integer({ min: 1, max: 3 }),
    samples: fc.integer({ min: 1, max: 6 }),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
  })
  .chain(({ features, samples, dtype }) =>
    fc.record({
      x: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: features * samples, maxLength: features * samples }),
      y: fc.array(fc.constantFrom(0, 1), { minLength: samples, maxLength: samples }),
      features: fc.constant(features),
      samples: fc.constant(samples),
      dtype: fc.constant(dtype),
    }),
  );

/** A hand-made .npy header (numpy's dict, with odd values) and some data bytes: the header parser at work. */
const npyLike = fc
  .record({
    version: fc.constantFrom(1, 2, 3, 0, 4),
    descr: fc.constantFrom("'<f8'", "'<f4'", "'>f8'", "'|b1'", "'<i8'", "'<u2'", "'<c16'", "'O'", "'<f2'", "'<U3'", '42', "'f8'"),
    order: fc.constantFrom('False', 'True', '1', 'None', "'no'"),
    shape: fc.constantFrom('(2, 3)', '(3,)', '()', '(2, 3, 1)', '(0, 3)', '(2, 0)', '(-1, 3)', '(99999999999, 3)', '(2,3)', '(1e3,)', '(2**40, 2**40)', '[2, 3]'),
    extra: fc.constantFrom('', " 'x': 1,", ' ', '\n'),
    data: fc.uint8Array({ maxLength: 64 }),
    lie: fc.integer({ min: -4, max: 4 }),
  })
  .map(({ version, descr, order, shape, extra, data, lie }) => {
    const dict = Buffer.from(`{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape},${extra} }\n`, 'latin1');
    const size = Buffer.alloc(version === 1 ? 2 : 4);
    const n = Math.max(0, dict.length + lie);
    if (version === 1) size.writeUInt16LE(Math.min(n, 0xffff));
    else size.writeUInt32LE(n);
    return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([version, 0]), size, dict, data]);
  });

// ---------------------------------------------------------------------------------------------
// Option vectors, from the real flags and values of every kind.

/** A folder name placeholder in generated values, replaced by the run's own folder. */
const D = '{dir}';

const VALUES: Record<string, readonly string[]> = {
  backend: ['plain', 'plain', 'plain', 'plain', 'cpu', 'wasm', 'auto', 'tensorflow', 'gpu', ''],
  iterations: ['0', '1', '2', '5', '-1', '1.5', 'abc', '1e400', '', ' 3', '0x3', '5e0'],
  lr: ['0.1', '1', '0', '-1', '1e-300', '1e400', 'NaN', 'x', '.5'],
  weights: ['0.4,0.2', '1', '1,2,3', '1e400,0', '', ',', '-1,-2', '0,0,0,0', 'a,b'],
  bias: ['0', '1', '-1', '1e999', 'NaN', ''],
  gradient: ['article', 'logistic', 'x', ''],
  kernels: ['fused', 'ops', 'gpu'],
  data: [`${D}/data.csv`, `${D}/data.csv`, `${D}/noheader.csv`, `${D}/missing.csv`, D, `${D}/x.npy`, `${D}/new\nline.csv`, ''],
  label: ['y', 'a', 'z', 'a,a', 'a,y', '', ',', 'setosa', 'versicolor,virginica', 'all'],
  x: [`${D}/x.npy`, `${D}/y.npy`, `${D}/missing.npy`, `${D}/data.csv`, `${D}/x3.npy`],
  y: [`${D}/y.npy`, `${D}/x.npy`, `${D}/missing.npy`, `${D}/y3.npy`],
  dataset: ['iris', 'synthetic', 'synthetic', 'mnist', ''],
  features: ['1', '2', '3', '0', '-1', '1.5', 'a', 'a,b', 'b,a', 'y', 'z', 'a,a'],
  ignore: ['a', 'b', 'y', 'z', 'a,b', ''],
  positive: ['1', '0', 'M', '1.0', ''],
  predictions: [`${D}/predictions.csv`, `${D}/predictions.csv`, `${D}/data.csv`, D, '', `${D}/none/p.csv`, `${D}/model.json`],
  samples: ['1', '5', '20', '0', '2.5'],
  seed: ['0', '1', '4294967295', '4294967296', '-1', '1.5', '1e30'],
  'chunk-samples': ['1', '2', '3', '100', '0', '1.5'],
  'test-split': ['0.25', '0.5', '0', '1', '0.999', 'half'],
  save: [`${D}/model.json`, `${D}/out/model.json`, D, '', `${D}/m\n.json`, `${D}/data.csv`],
  'export-tfjs': [`${D}/tfjs`, `${D}/data.csv`, `${D}/new/deeper`, ''],
  plot: [`${D}/plot.svg`, `${D}/plot.svg`, `${D}/plot.png`, `${D}/plot.txt`, `${D}/none/plot.svg`],
  trace: ['1', '1,2', '2-3', 'first:2', 'last:1', 'all', '0', 'x', '3-1'],
};
/** Values for a flag: its own list, or some generic text for a flag this table has not caught up with. */
const sampleValues = (name: string): readonly string[] => VALUES[name] ?? ['1', '2', 'a', 'a,b', ''];

const flagNames = Object.keys(TRAIN_OPTIONS).filter((name) => name !== 'help');
const valued = flagNames.filter((name) => TRAIN_OPTIONS[name as keyof typeof TRAIN_OPTIONS].type === 'string');
const booleans = flagNames.filter((name) => TRAIN_OPTIONS[name as keyof typeof TRAIN_OPTIONS].type === 'boolean');

const optionPiece: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...valued).chain((name) => fc.constantFrom(...sampleValues(name)).map((v) => [`--${name}`, v])) },
  { weight: 2, arbitrary: fc.constantFrom(...valued).chain((name) => fc.constantFrom(...sampleValues(name)).map((v) => [`--${name}=${v}`])) },
  { weight: 3, arbitrary: fc.constantFrom(...booleans).map((name) => [`--${name}`]) },
  { weight: 1, arbitrary: fc.constantFrom(...valued).map((name) => [`--${name}`]) }, // a value missing
  { weight: 1, arbitrary: fc.constantFrom('stray', '--', '-', '--unknown', '--json=1', '-x', '--Data', `--lr=`, '-1') .map((t) => [t]) },
  {
    weight: 1,
    // any short text; relative to the run's folder (never absolute, never "..": the run writes only in its folder)
    arbitrary: fc.constantFrom(...valued).chain((name) =>
      fc.string({ maxLength: 6 }).filter((v) => !v.startsWith('/') && !v.includes('..')).map((v) => [`--${name}`, v]),
    ),
  },
);

const optionPieces = fc.array(optionPiece, { maxLength: 7 });
const optionVector = optionPieces.map((pieces) => pieces.flat());

/** Whether an option that takes a value is given twice (by the pieces that name it as a flag). */
function repeatsAValue(pieces: readonly string[][]): boolean {
  const names = pieces.map(([flag]) => /^--([a-z-]+)(=|$)/.exec(flag)?.[1]).filter((n): n is string => n !== undefined && valued.includes(n));
  return names.some((n, i) => names.indexOf(n) !== i);
}

/** Small inputs every option run may point at. */
function writeInputs(dir: string): void {
  writeFileSync(join(dir, 'data.csv'), 'a,b,y\n0,0,0\n1,0,0\n0,1,0\n1,1,1\n');
  writeFileSync(join(dir, 'noheader.csv'), '0,0,0\n1,1,1\n');
  writeFileSync(join(dir, 'new\nline.csv'), 'a,y\n1,1\n0,0\n');
  writeNpy(join(dir, 'x.npy'), matrix(2, 4, Float64Array.from([0, 1, 0, 1, 0, 0, 1, 1])));
  writeNpy(join(dir, 'y.npy'), matrix(1, 4, Float32Array.from([0, 0, 0, 1])));
  writeNpy(join(dir, 'x3.npy'), matrix(3, 3, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])));
  writeNpy(join(dir, 'y3.npy'), matrix(1, 3, Float64Array.from([0, 1, 1])));
}

/** Bounded runs: at most 5 iterations unless the vector sets --iterations itself (to a small value or a bad one). */
function bounded(argv: string[]): string[] {
  const set = argv.some((a) => a === '--iterations' || a.startsWith('--iterations='));
  return set ? argv : [...argv, '--iterations', '3'];
}

// ---------------------------------------------------------------------------------------------

describe('properties: no input makes train lose anything (fast-check)', function () {
  this.timeout(120000);
  let root: string;
  let n = 0;
  /** A fresh folder for one run. */
  const runDir = () => {
    const dir = join(root, `run-${n++}`);
    mkdirSync(dir);
    return dir;
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'simple-nn-properties-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const settings = { numRuns: RUNS, timeout: RUN_TIMEOUT, ...SEED };
  const backend = fc.constantFrom('plain', 'plain', 'plain', 'plain', 'plain', 'cpu', 'wasm');

  it('CSV loader: random bytes as --data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('data.csv', 'data.npy'), async (bytes, name) => {
        const dir = runDir();
        writeFileSync(join(dir, name), bytes);
        await trainChecked(['--data', join(dir, name), '--backend', 'plain', '--iterations', '3', '--json'], dir);
      }),
      settings,
    );
  });

  it('CSV loader: a valid CSV, then bytes flipped, inserted, deleted, duplicated or truncated', async () => {
    const counts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(validCsv, fc.array(mutation, { maxLength: 4 }), backend, async (csv, mutations, backend) => {
        const dir = runDir();
        const file = join(dir, 'data.csv');
        writeFileSync(file, mutate(Buffer.from(csv), mutations));
        await trainChecked(['--data', file, '--backend', backend, '--iterations', '3', '--json', '--save', join(dir, 'model.json')], dir, counts);
      }),
      settings,
    );
    expect(counts.get(0) ?? 0, 'some mutated CSVs still train').to.be.greaterThan(0);
    expect(counts.get(2) ?? 0, 'some mutated CSVs are refused').to.be.greaterThan(0);
  });

  it('CSV loader: nothing lost — every row of a valid CSV is a sample, whatever its line endings, quotes, blank lines or BOM', async () => {
    await fc.assert(
      fc.asyncProperty(writtenCsv, async ({ text, names, x, y }) => {
        const dir = runDir();
        const file = join(dir, 'data.csv');
        writeFileSync(file, text);
        const data = await readCsv(file);
        expect(data.featureNames, JSON.stringify(text)).to.deep.equal(names.slice(0, -1));
        expect(rowsOf(data.source.inMemory!.x), JSON.stringify(text)).to.deep.equal(x);
        expect(rowsOf(data.source.inMemory!.y), JSON.stringify(text)).to.deep.equal(y);
        const r = await trainChecked(['--data', file, '--backend', 'plain', '--iterations', '2', '--json'], dir);
        expect(r.code, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout).predictions[0]).to.have.length(x[0].length);
      }),
      settings,
    );
  });

  it('CSV loader: a CSV with no header (its first row all numbers) is refused, never trained on minus that row', async () => {
    await fc.assert(
      fc.asyncProperty(writtenCsv, async ({ text }) => {
        const dir = runDir();
        const file = join(dir, 'data.csv');
        const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((l) => l !== '');
        writeFileSync(file, lines.slice(1).join('\n')); // the header dropped: the first row is a sample
        const r = await trainChecked(['--data', file, '--backend', 'plain', '--iterations', '2', '--json'], dir);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.contain(': line 1 looks like data, not a header (every cell is a number): add a header row naming the columns');
      }),
      settings,
    );
  });

  it('.npy loader: valid x.npy and y.npy from the project\'s writer, then bytes mutated (in memory and streamed)', async () => {
    const counts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        validNpy,
        fc.array(mutation, { maxLength: 3 }),
        fc.constantFrom('x', 'y', 'both'),
        fc.constantFrom(undefined, '1', '2', '5'),
        backend,
        async ({ x, y, features, samples, dtype }, mutations, which, chunk, backend) => {
          const dir = runDir();
          const [xPath, yPath] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
          writeNpy(xPath, matrix(features, samples, Float64Array.from(x)), dtype);
          writeNpy(yPath, matrix(1, samples, Float64Array.from(y)), dtype);
          for (const [path, name] of [[xPath, 'x'], [yPath, 'y']] as const) {
            if (which === name || which === 'both') writeFileSync(path, mutate(readFileSync(path), mutations));
          }
          const argv = ['--x', xPath, '--y', yPath, '--backend', backend, '--iterations', '3', '--json', ...(chunk ? ['--chunk-samples', chunk] : [])];
          await trainChecked(argv, dir, counts);
        },
      ),
      settings,
    );
    expect(counts.get(0) ?? 0).to.be.greaterThan(0);
    expect(counts.get(2) ?? 0).to.be.greaterThan(0);
  });

  it('.npy loader: random bytes, and hand-made headers with odd versions, types, orders, shapes and lengths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), npyLike),
        fc.boolean(),
        fc.boolean(),
        async (bytes, asX, stream) => {
          const dir = runDir();
          const [xPath, yPath] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
          writeNpy(xPath, matrix(2, 3, Float64Array.from([0, 1, 0, 1, 1, 0])));
          writeNpy(yPath, matrix(1, 3, Float64Array.from([0, 1, 1])));
          writeFileSync(asX ? xPath : yPath, bytes);
          const argv = ['--x', xPath, '--y', yPath, '--backend', 'plain', '--iterations', '3', '--json', ...(stream ? ['--chunk-samples', '2'] : [])];
          await trainChecked(argv, dir);
        },
      ),
      settings,
    );
  });

  it('option parser: random option vectors drawn from the real flags and values', async () => {
    const counts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(optionPieces, fc.boolean(), async (pieces, json) => {
        const dir = runDir();
        writeInputs(dir);
        const argv = bounded([...pieces.flat().map((a) => a.split(D).join(dir)), ...(json ? ['--json'] : [])]);
        const r = await trainChecked(argv, dir, counts);
        // an option that takes a value, given twice, is never "the last one wins"
        if (repeatsAValue(pieces)) expect(r.code, `${JSON.stringify(argv)}\n${r.stderr}`).to.equal(2);
      }),
      settings,
    );
    expect(counts.get(0) ?? 0, 'some option vectors train').to.be.greaterThan(0);
  });

  it('option parser: any option that takes a value, given twice, is refused naming it (before anything is read)', async () => {
    const twice = fc.constantFrom(...valued).chain((name) =>
      fc.record({
        name: fc.constant(name),
        values: fc.tuple(fc.constantFrom(...sampleValues(name)), fc.constantFrom(...sampleValues(name))),
        inline: fc.tuple(fc.boolean(), fc.boolean()),
        before: optionVector,
      }),
    );
    await fc.assert(
      fc.asyncProperty(twice, async ({ name, values, inline, before }) => {
        const dir = runDir();
        writeInputs(dir);
        const given = values.flatMap((v, i) => (inline[i] ? [`--${name}=${v}`] : [`--${name}`, v]));
        const clean = before.filter((a) => !a.startsWith('-') || (!a.startsWith(`--${name}`) && a !== '--')); // no other --name
        const argv = bounded([...given, ...clean].map((a) => a.split(D).join(dir)));
        const r = await trainChecked(argv, dir);
        expect(r.code, r.stderr).to.equal(2);
        // the first problem in the arguments may come first (a stray word, an unknown option); else it is this
        if (!/unexpected argument|unknown option|needs a value|takes no value/.test(r.stderr)) {
          expect(r.stderr.startsWith(`error: --${name} is given `), r.stderr).to.equal(true);
        }
      }),
      settings,
    );
  });

  it('a handful of the same through a real process: the same exit status and stderr as in process', async function () {
    this.timeout(120000);
    const transpile = require.resolve('ts-node/register/transpile-only', { paths: [ROOT] });
    const vectors = [
      ...fc.sample(optionVector, { numRuns: 5, seed: 7 }),
      ['--data', `${D}/noheader.csv`],
      ['--lr', '1', '--lr', '2'],
      ['--data', `${D}/x.npy`, '--backend', 'plain'],
    ];
    for (const vector of vectors) {
      const dir = runDir();
      writeInputs(dir);
      const argv = bounded([...vector.map((a) => a.split(D).join(dir)), '--json']);
      const before = snapshot(dir);
      const child = spawnSync(process.execPath, ['-r', transpile, join(ROOT, 'scripts/train.ts'), ...argv], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60000,
        env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      });
      const r = { code: child.status, stdout: child.stdout, stderr: child.stderr };
      checkOutcome(r, argv, changes(before, snapshot(dir)), mayChange(argv, dir), 'real process');
      const again = runDir();
      writeInputs(again);
      const inProcess = await trainChecked(bounded([...vector.map((a) => a.split(D).join(again)), '--json']), again);
      expect(inProcess.code).to.equal(r.code);
      expect(inProcess.stderr.split(again).join(D)).to.equal(r.stderr.split(dir).join(D));
    }
  });
});
