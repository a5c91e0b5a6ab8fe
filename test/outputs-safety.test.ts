/**
 * "Nothing lost, ever": train never writes over its own inputs, another output, a device or a pipe;
 * a run that fails leaves every output as it was; system errors on files are one line and exit 2;
 * pipes as inputs are refused (never read half, never waited on); /proc never hangs a run.
 *
 * Tests about processes (pipes, other users, full or read-only disks, /proc) run the CLI in a real
 * process: `node -r ts-node/register/transpile-only src/cli/main.ts train …`, the source of what
 * `npm run train` runs (dist/cli/main.js train), so they need no build. Mounting tmpfs (full disk,
 * read-only file system) and running as another user need root: those tests skip, saying why.
 */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, join } from 'node:path';
import { predict } from '../src/cli/predict';
import { train } from '../src/cli/train';
import { readNpyHeader, writeNpy } from '../src/data/npy';
import { InputError } from '../src/errors';
import { loadSqlDataset } from '../src/sql/load';
import { writeFileAtomic, writeFilesAtomic, writeTogether } from '../src/io/atomic';
import { loadModel } from '../src/model/file';
import { expectRefused, rejects, runInProcess, tempDir, throws } from './helpers';
import { duck } from './sql-helpers';

const ROOT = join(__dirname, '..');
/** What `npm run train` runs, from the source: src/cli/main.ts (else the older scripts/train.ts). */
const TRAIN = existsSync(join(ROOT, 'src/cli/main.ts')) ? [join(ROOT, 'src/cli/main.ts'), 'train'] : [join(ROOT, 'scripts/train.ts')];
const PREDICT = existsSync(join(ROOT, 'src/cli/main.ts')) ? [join(ROOT, 'src/cli/main.ts'), 'predict'] : [join(ROOT, 'scripts/predict.ts')];
const REGISTER = require.resolve('ts-node/register/transpile-only');
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * Why the project's code cannot run as the unprivileged user here, or undefined when it can: as
 * root, and with every folder down to the project readable by others (a clone in a private
 * temporary folder is not).
 */
function cannotRunAsNobody(): string | undefined {
  if (!IS_ROOT) return 'running as another user needs root';
  const r = spawnSync(process.execPath, ['-r', REGISTER, '-e', '0'], { cwd: ROOT, uid: NOBODY, gid: NOBODY, encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `the unprivileged user cannot read the project here (${String(r.stderr).split('\n').find((l) => l.startsWith('Error')) ?? r.status})`;
}

const trainIn = (...argv: string[]) => runInProcess(train, argv);
const FAST = ['--backend', 'plain', '--iterations', '3'];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command's script in a real process, killed after `timeout` ms (a hang fails the test, never the suite). */
function cli(script: string[], args: string[], options: SpawnSyncOptions = {}): Ran {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-r', REGISTER, ...script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    ...options,
  });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - started };
}
const trainCli = (args: string[], options?: SpawnSyncOptions) => cli(TRAIN, args, options);

/** Runs the train command in bash, so that the arguments can use `<(…)` (and `before` can pipe into it). */
function trainInBash(args: string, before = 'exec', timeout = 60_000): Ran {
  const command = [process.execPath, '-r', REGISTER, ...TRAIN].map((a) => `'${a}'`).join(' ');
  const started = Date.now();
  const r = spawnSync('bash', ['-c', `${before} ${command} ${args}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Temporary files our writes leave behind (none, ever). */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}

function tryRun(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
}

const AND_CSV = 'a,b,y\n0,0,0\n1,0,0\n0,1,0\n1,1,1\n';

describe('Nothing lost, ever', function () {
  this.timeout(120_000);
  const dir = tempDir();
  after(() => dir.remove());
  /** A fresh folder for one test. */
  let n = 0;
  const folder = () => {
    const path = dir.path(`t${++n}`);
    mkdirSync(path);
    return (name = '') => join(path, name);
  };

  describe('1. outputs are checked before anything is loaded', () => {
    it('--data v.csv --save v.csv is refused and v.csv is untouched', async () => {
      const at = folder();
      writeFileSync(at('v.csv'), AND_CSV);
      expectRefused(await trainIn(...FAST, '--data', at('v.csv'), '--save', at('v.csv')),
        `--save: "${at('v.csv')}" is the --data file; writing it would destroy the data (choose another name)`);
      expect(readFileSync(at('v.csv'), 'utf8')).to.equal(AND_CSV);
    });

    it('a file a --sql query reads by a computed name through read_text, read_blob or parquet_metadata (opened when run, not when prepared) is an input (the seventh hostile pass)', async () => {
      const at = folder();
      writeFileSync(at('data.csv'), AND_CSV);
      writeFileSync(at('notes.txt'), 'precious\n');
      for (const fn of ['read_text', 'read_blob']) {
        const sql = `SELECT d.* FROM '${at('data.csv')}' d WHERE (SELECT count(*) FROM ${fn}(concat('${at('notes')}', '.txt'))) > 0`;
        for (const flag of ['--predictions', '--save']) {
          expectRefused(await trainIn(...FAST, '--sql', sql, flag, at('notes.txt')),
            `${flag}: "${at('notes.txt')}" is a file the database read for the data; writing it would destroy the data (choose another name)`);
        }
      }
      expect(readFileSync(at('notes.txt'), 'utf8')).to.equal('precious\n');
    });

    it('--sql that is a statement, not a query (EXPORT DATABASE, COPY, PRAGMA), is refused before DuckDB prepares it (EXPORT made its folder)', async () => {
      const at = folder();
      for (const [sql, word] of [[`EXPORT DATABASE '${at('dump')}'`, 'EXPORT'], [`COPY (SELECT 1) TO '${at('c.csv')}'`, 'COPY'], ['pragma version', 'PRAGMA']]) {
        expectRefused(await trainIn(...FAST, '--sql', sql),
          `--sql must be a query that reads (SELECT, WITH, FROM or VALUES); ${word} is a statement DuckDB would carry out (it may write files or change the database), so it is not run`);
      }
      expect(readdirSync(at())).to.deep.equal([]);
    });

    it('a Parquet file named with glob characters: --data refuses it (DuckDB reads it as a pattern), and the files its pattern matches are inputs', async () => {
      const at = folder();
      const and = "SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)";
      await duck(['star*.parquet', 'starX.parquet', 'br[1].parquet', 'br1.parquet'].map((name) => `COPY (${and}) TO '${at(name)}' (FORMAT parquet)`));
      const before = readFileSync(at('starX.parquet'));
      // the fourth hostile pass: br[1].parquet trained on br1.parquet; --save starX.parquet replaced a file the run read
      expectRefused(await trainIn(...FAST, '--data', at('br[1].parquet')),
        `${at('br[1].parquet')}: is a file whose name has *, ? or [, which DuckDB reads as a pattern (it would read other files, or none of this one); rename it`);
      expectRefused(await trainIn(...FAST, '--data', at('star*.parquet'), '--save', at('starX.parquet')),
        `--save: "${at('starX.parquet')}" matches the --data pattern "${at('star*.parquet')}"; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM '${at('star*.parquet')}'`, '--save', at('starX.parquet')),
        `--save: "${at('starX.parquet')}" matches "${at('star*.parquet')}", a pattern the --sql query reads; writing it would replace or add to the data (choose a path outside it)`);
      expect(readFileSync(at('starX.parquet'))).to.deep.equal(before);
      // --sql reading such a file by its name reads the pattern too (the fifth hostile pass)
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM '${at('br[1].parquet')}'`),
        `${at('br[1].parquet')}: is a file whose name has *, ? or [, which DuckDB reads as a pattern (it would read other files, or none of this one); rename it`);
      // a quote or a backslash in a name: DuckDB's file log fails on it ("Malformed JSON"), so it is said plainly, also for a file a glob matches
      for (const name of ['q"x.parquet', 'b\\x.parquet']) {
        writeFileSync(at(name), readFileSync(at('starX.parquet')));
        const plainly = `"${at(name)}" has a quote, a backslash or a control character in its name: DuckDB cannot open it while it logs the files it reads (rename the file)`;
        expectRefused(await trainIn(...FAST, '--data', at(name)), plainly);
        expectRefused(await trainIn(...FAST, '--data', at(`${name[0]}*.parquet`)), plainly);
      }
    });

    it('Parquet data (a file, one named .csv, a folder, a glob) and a duckdb: database file are inputs no output may replace or join', async () => {
      const at = folder();
      mkdirSync(at('shards'));
      const and = "SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)";
      await duck([
        `COPY (${and}) TO '${at('v.parquet')}' (FORMAT parquet)`,
        `COPY (${and}) TO '${at('pq.csv')}' (FORMAT parquet)`,
        `COPY (${and}) TO '${at('shards/part-1.parquet')}' (FORMAT parquet)`,
        `CREATE TABLE samples AS ${and}`,
      ], at('db.duckdb'));
      const bytes = (name: string) => readFileSync(at(name));
      const before = Object.fromEntries(['v.parquet', 'pq.csv', 'shards/part-1.parquet', 'db.duckdb'].map((name) => [name, bytes(name)]));
      expectRefused(await trainIn(...FAST, '--data', at('v.parquet'), '--save', at('v.parquet')),
        `--save: "${at('v.parquet')}" is the --data file; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn('--backend', 'sql', '--iterations', '2', '--data', at('v.parquet'), '--save', at('v.parquet')),
        `--save: "${at('v.parquet')}" is the --data file; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--data', at('pq.csv'), '--predictions', at('pq.csv')),
        `--predictions: "${at('pq.csv')}" is the --data file; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--data', at('shards'), '--save', at('shards/part-1.parquet')),
        `--save: "${at('shards/part-1.parquet')}" is inside the --data folder "${at('shards')}"; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--data', at('shards'), '--plot', at('shards/new.svg')),
        `--plot: "${at('shards/new.svg')}" is inside the --data folder "${at('shards')}"; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--data', at('shards/part-*.parquet'), '--save', at('shards/part-9.parquet')),
        `--save: "${at('shards/part-9.parquet')}" matches the --data pattern "${at('shards/part-*.parquet')}"; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--db', `duckdb:${at('db.duckdb')}`, '--sql', 'SELECT * FROM samples', '--save', at('db.duckdb')),
        `--save: "${at('db.duckdb')}" is the --db file; writing it would destroy the data (choose another name)`);
      for (const [name, content] of Object.entries(before)) expect(bytes(name).equals(content), name).to.equal(true);
      // a shard that is a link (to a file outside the folder), a dangling one, the target by its own name,
      // a glob through a linked folder, and a glob from ~
      mkdirSync(at('ext'));
      copyFileSync(at('v.parquet'), at('ext/shard.parquet'));
      symlinkSync('../ext/shard.parquet', at('shards/linked.parquet'));
      symlinkSync('../missing.parquet', at('shards/dangling.parquet'));
      symlinkSync(at('shards'), at('shardlink'));
      const shard = bytes('ext/shard.parquet');
      const inside = (out: string) => `--save: "${out}" is inside the --data folder "${at('shards')}"; writing it would replace or add to the data (choose a path outside it)`;
      for (const out of [at('shards/linked.parquet'), at('shards/dangling.parquet')]) expectRefused(await trainIn(...FAST, '--data', at('shards'), '--save', out), inside(out));
      expectRefused(await trainIn(...FAST, '--data', at('shards'), '--save', at('ext/shard.parquet')),
        `--save: "${at('ext/shard.parquet')}" is, through a link, one of the files --data "${at('shards')}" reads; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--data', at('shards/*.parquet'), '--save', at('ext/shard.parquet')),
        `--save: "${at('ext/shard.parquet')}" is, through a link, one of the files --data "${at('shards/*.parquet')}" reads; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--data', at('shardlink/*.parquet'), '--save', at('shards/new.parquet')),
        `--save: "${at('shards/new.parquet')}" matches the --data pattern "${at('shardlink/*.parquet')}"; writing it would replace or add to the data (choose a path outside it)`);
      const home = process.env.HOME;
      process.env.HOME = at();
      try {
        expectRefused(await trainIn(...FAST, '--data', '~/shards/*.parquet', '--save', at('shards/new.parquet')),
          `--save: "${at('shards/new.parquet')}" matches the --data pattern "~/shards/*.parquet"; writing it would replace or add to the data (choose a path outside it)`);
      } finally {
        process.env.HOME = home;
      }
      expect(bytes('ext/shard.parquet').equals(shard)).to.equal(true);
      expect(existsSync(at('missing.parquet'))).to.equal(false);
      for (const [name, content] of Object.entries(before)) expect(bytes(name).equals(content), name).to.equal(true);
      // beside the pattern's files, outside the folder: written
      const ok = await trainIn(...FAST, '--data', at('shards/part-*.parquet'), '--save', at('shards/model.json'));
      expect(ok.code, ok.stderr).to.equal(0);
      expect(existsSync(at('shards/model.json'))).to.equal(true);
    });

    it('the files a --sql query reads (quoted, in read_csv/read_parquet, by a hard link, a glob, through a link) are inputs no output may replace', async () => {
      const at = folder();
      mkdirSync(at('shards'));
      mkdirSync(at('ext'));
      writeFileSync(at('v.csv'), AND_CSV);
      writeFileSync(at("it's.csv"), AND_CSV);
      const and = "SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)";
      await duck([`COPY (${and}) TO '${at('v.parquet')}' (FORMAT parquet)`, `COPY (${and}) TO '${at('ext/s.parquet')}' (FORMAT parquet)`]);
      linkSync(at('v.parquet'), at('hard.parquet'));
      symlinkSync('../ext/s.parquet', at('shards/linked.parquet'));
      const names = ['v.csv', "it's.csv", 'v.parquet', 'ext/s.parquet'];
      const before = names.map((name) => readFileSync(at(name)));
      const reads = (out: string, flag = '--save') => `${flag}: "${out}" is a file the --sql query reads; writing it would destroy the data (choose another name)`;
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM '${at('v.csv')}'`, '--save', at('v.csv')), reads(at('v.csv')));
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM "${at('v.csv')}"`, '--save', at('v.csv')), reads(at('v.csv')));
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_csv('${at("it''s.csv")}') -- '${at('v.csv')}'`, '--predictions', at("it's.csv")),
        reads(at("it's.csv"), '--predictions'));
      // a name only in a comment is not read
      const commented = await trainIn(...FAST, '--sql', `SELECT * FROM read_csv('${at('v.csv')}') /* '${at('ext/s.parquet')}' */`, '--save', at('ext/model.json'));
      expect(commented.code, commented.stderr).to.equal(0);
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_parquet(['${at('v.parquet')}'])`, '--save', at('hard.parquet')),
        `--save: "${at('hard.parquet')}" is the same file as "${at('v.parquet')}", which the --sql query reads; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_parquet('${at('shards/*.parquet')}')`, '--save', at('shards/new.parquet')),
        `--save: "${at('shards/new.parquet')}" matches "${at('shards/*.parquet')}", a pattern the --sql query reads; writing it would replace or add to the data (choose a path outside it)`);
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM '${at('shards/*.parquet')}'`, '--save', at('ext/s.parquet')),
        `--save: "${at('ext/s.parquet')}" is, through a link, one of the files the --sql query reads ("${at('shards/*.parquet')}"); writing it would replace or add to the data (choose a path outside it)`);
      // names the text does not show: computed, a file:// URL, inside query(), through a view of a duckdb: file (DuckDB's own log of what it opened)
      await duck([`CREATE VIEW samples AS SELECT * FROM read_csv('${at('v.csv')}')`], at('views.duckdb'));
      const opened = (out: string) => `--predictions: "${out}" is a file the database read for the data; writing it would destroy the data (choose another name)`;
      for (const args of [
        ['--sql', `SELECT * FROM read_csv('${at('v')}' || '.csv')`],
        ['--sql', `SELECT * FROM read_csv('file://${at('v.csv')}')`],
        ['--sql', `SELECT * FROM query('SELECT * FROM read_csv(''${at('v')}'' || ''.csv'')')`],
        ['--db', `duckdb:${at('views.duckdb')}`, '--sql', 'SELECT * FROM samples'],
        ['--backend', 'sql', '--iterations', '2', '--db', `duckdb:${at('views.duckdb')}`, '--sql', 'SELECT * FROM samples', '--save', at('v.csv')],
      ]) {
        const r = await trainIn(...(args[0] === '--backend' ? [] : FAST), ...args, ...(args.includes('--save') ? [] : ['--predictions', at('v.csv')]));
        expectRefused(r, args.includes('--save') ? opened(at('v.csv')).replace('--predictions', '--save') : opened(at('v.csv')));
      }
      // by another name: a hard link to the file the query computed the name of
      linkSync(at('v.csv'), at('v-link.csv'));
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_csv('${at('v')}' || '.csv')`, '--save', at('v-link.csv')),
        `--save: "${at('v-link.csv')}" is "${at('v.csv')}", a file the database read for the data; writing it would destroy the data (choose another name)`);
      names.forEach((name, i) => expect(readFileSync(at(name)).equals(before[i]), name).to.equal(true));
    });

    it('a new output where a computed glob, or a glob in a view, would read it next run is refused; a literal name beside it is not', async () => {
      const at = folder();
      mkdirSync(at('gd'));
      mkdirSync(at('g2'));
      mkdirSync(at('mac'));
      writeFileSync(at('gd/a.csv'), AND_CSV);
      writeFileSync(at('mac/a.csv'), AND_CSV);
      writeFileSync(at('lit.csv'), AND_CSV);
      await duck(
        [
          `CREATE VIEW gv AS SELECT * FROM read_csv('${at('gd/*.csv')}')`,
          `CREATE VIEW lv AS SELECT * FROM read_csv('${at('lit.csv')}')`,
          `CREATE VIEW cv AS SELECT * FROM read_csv(concat('${at('g')}', '*/a.csv'))`,
          // a name made of a table macro's parameter is not known before the macro runs
          `CREATE MACRO gm(d) AS TABLE SELECT * FROM read_csv(d || '/*.csv')`,
        ],
        at('views.duckdb'),
      );
      const views = ['--db', `duckdb:${at('views.duckdb')}`];
      const pattern = 'a pattern the --sql query (or a view or macro of the database) reads; writing it would replace or add to the data (choose a path outside it)';
      const computed = ['--sql', `SELECT * FROM read_csv(concat('${at('gd')}/', '*.csv'))`];
      expectRefused(await trainIn(...FAST, ...computed, '--predictions', at('gd/new.csv')), `--predictions: "${at('gd/new.csv')}" matches "${at('gd/*.csv')}", ${pattern}`);
      // the same name in another folder the pattern matches, and the export's files
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_csv(concat('${at('g')}', '*/a.csv'))`, '--predictions', at('g2/a.csv')),
        `--predictions: "${at('g2/a.csv')}" matches "${at('g*/a.csv')}", ${pattern}`);
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_csv(concat('${at('gd')}', '/*'))`, '--export-tfjs', at('gd')),
        `--export-tfjs: "${at('gd/model.json')}" matches "${at('gd/*')}", ${pattern}`);
      expectRefused(await trainIn(...FAST, ...views, '--sql', 'SELECT * FROM gv', '--save', at('gd/model.csv')), `--save: "${at('gd/model.csv')}" matches "${at('gd/*.csv')}", ${pattern}`);
      expectRefused(await trainIn(...FAST, ...views, '--sql', 'SELECT * FROM cv', '--save', at('g2/a.csv')), `--save: "${at('g2/a.csv')}" matches "${at('g*/a.csv')}", ${pattern}`);
      expectRefused(await trainIn(...FAST, ...views, '--sql', `SELECT * FROM gm('${at('mac')}')`, '--save', at('mac/model.json')),
        `--save: "${at('mac/model.json')}" would be a new file beside "${at('mac/a.csv')}", which the database read by a name the --sql query does not show; if that name is a pattern, the next run would read the output as data (choose another folder)`);
      expect(readdirSync(at('gd'))).to.deep.equal(['a.csv']);
      expect(readdirSync(at('g2'))).to.deep.equal([]);
      expect(readdirSync(at('mac'))).to.deep.equal(['a.csv']);
      // what the pattern does not match, a file the query or a view names as it is, and a folder elsewhere: written
      for (const [args, out] of [
        [computed, at('gd/model.json')],
        [['--sql', `SELECT * FROM read_csv('${at('lit.csv')}')`], at('preds.csv')],
        [[...views, '--sql', 'SELECT * FROM lv'], at('preds2.csv')],
        [[...views, '--sql', `SELECT * FROM gm('${at('mac')}')`], at('g2/preds.csv')],
        [computed, at('preds3.csv')],
      ] as const) {
        const r = await trainIn(...FAST, ...args, out.endsWith('.json') ? '--save' : '--predictions', out);
        expect(r.code, r.stderr).to.equal(0);
        expect(existsSync(out), out).to.equal(true);
      }
    });

    it("--save or --predictions onto a duckdb: database's write-ahead log is refused, whether it is there or not; the database keeps its changes", async () => {
      const at = folder();
      writeFileSync(at('a.csv'), AND_CSV);
      // changes left in the log, as a process that ends without a checkpoint leaves them
      await duck(['PRAGMA disable_checkpoint_on_shutdown', "SET checkpoint_threshold = '1TB'", `CREATE TABLE t AS SELECT * FROM read_csv('${at('a.csv')}')`], at('w.duckdb'));
      const log = readFileSync(at('w.duckdb.wal'));
      const db = ['--db', `duckdb:${at('w.duckdb')}`, '--sql', 'SELECT * FROM t'];
      const what = 'is the write-ahead log of the --db database';
      const then = 'writing it would lose the changes not yet in the database file (choose another name)';
      expectRefused(await trainIn(...FAST, ...db, '--save', at('w.duckdb.wal')), `--save: "${at('w.duckdb.wal')}" ${what} "${at('w.duckdb')}"; ${then}`);
      symlinkSync(at('w.duckdb.wal'), at('log.json'));
      expectRefused(await trainIn(...FAST, ...db, '--predictions', at('log.json')), `--predictions: "${at('log.json')}" ${what} "${at('w.duckdb')}"; ${then}`);
      expect(readFileSync(at('w.duckdb.wal'))).to.deep.equal(log);
      // through a link to the database, and with no log there yet (DuckDB would replay what is put there)
      await duck(['CREATE TABLE u AS SELECT 1 AS v'], at('v.duckdb'));
      symlinkSync(at('v.duckdb'), at('link.duckdb'));
      expect(existsSync(at('v.duckdb.wal'))).to.equal(false);
      const viaLink = ['--db', `duckdb:${at('link.duckdb')}`, '--sql', `SELECT * FROM read_csv('${at('a.csv')}')`];
      expectRefused(await trainIn(...FAST, ...viaLink, '--save', at('v.duckdb.wal')), `--save: "${at('v.duckdb.wal')}" ${what} "${at('link.duckdb')}"; ${then}`);
      expectRefused(await trainIn(...FAST, ...viaLink, '--save', at('link.duckdb.wal')), `--save: "${at('link.duckdb.wal')}" ${what} "${at('link.duckdb')}"; ${then}`);
      expect(existsSync(at('v.duckdb.wal'))).to.equal(false);
      expect(existsSync(at('link.duckdb.wal'))).to.equal(false);
    });

    it("any DuckDB database's write-ahead log is refused as an output: --db by a hard link, or a database the run does not open", async () => {
      const at = folder();
      writeFileSync(at('a.csv'), AND_CSV);
      await duck(['PRAGMA disable_checkpoint_on_shutdown', "SET checkpoint_threshold = '1TB'", `CREATE TABLE t AS SELECT * FROM read_csv('${at('a.csv')}')`], at('w.duckdb'));
      const log = readFileSync(at('w.duckdb.wal'));
      linkSync(at('w.duckdb'), at('h.duckdb'));
      const what = 'is the write-ahead log of a DuckDB database (the file without ".wal")';
      const then = 'writing it would lose the changes not yet in the database file (choose another name)';
      // the log of the database's other name, which the next open of w.duckdb replays
      expectRefused(await trainIn(...FAST, '--db', `duckdb:${at('h.duckdb')}`, '--sql', `SELECT * FROM read_csv('${at('a.csv')}')`, '--predictions', at('w.duckdb.wal')),
        `--predictions: "${at('w.duckdb.wal')}" ${what}; ${then}`);
      symlinkSync(at('w.duckdb.wal'), at('log.csv'));
      expectRefused(await trainIn(...FAST, '--data', at('a.csv'), '--predictions', at('log.csv')), `--predictions: "${at('log.csv')}" ${what}; ${then}`);
      // a log not there yet, of a database the run never opens
      expectRefused(await trainIn(...FAST, '--data', at('a.csv'), '--save', at('h.duckdb.wal')), `--save: "${at('h.duckdb.wal')}" ${what}; ${then}`);
      expect(readFileSync(at('w.duckdb.wal'))).to.deep.equal(log);
      expect(existsSync(at('h.duckdb.wal'))).to.equal(false);
      // a folder there: --export-tfjs, make-npy --out (the fourth hostile pass: DuckDB could not open the database after)
      const folderThen = 'a folder there would lose the changes not yet in the database file (choose another name)';
      expectRefused(await trainIn(...FAST, '--data', at('a.csv'), '--export-tfjs', at('w.duckdb.wal')), `--export-tfjs: "${at('w.duckdb.wal')}" is a file; expected a folder (made if missing)`);
      expectRefused(await trainIn(...FAST, '--data', at('a.csv'), '--export-tfjs', at('h.duckdb.wal')), `--export-tfjs: "${at('h.duckdb.wal')}" ${what}; ${folderThen}`);
      const made = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli', 'main.js'), 'make-npy', '--out', at('h.duckdb.wal'), '--features', '2', '--samples', '4'], { encoding: 'utf8' });
      expectRefused({ code: made.status, stdout: made.stdout, stderr: made.stderr }, `--out: "${at('h.duckdb.wal')}" ${what}; ${folderThen}`);
      expect(existsSync(at('h.duckdb.wal'))).to.equal(false);
      expect(readFileSync(at('w.duckdb.wal'))).to.deep.equal(log);
      // the database file itself, whatever the run reads (the fifth hostile pass: --predictions lab.duckdb replaced it)
      const before = readFileSync(at('w.duckdb'));
      for (const flag of ['--predictions', '--save']) {
        expectRefused(await trainIn(...FAST, '--data', at('a.csv'), flag, at('h.duckdb')),
          `${flag}: "${at('h.duckdb')}" is a DuckDB database; writing it would replace the database (choose another name)`);
      }
      expect(readFileSync(at('w.duckdb'))).to.deep.equal(before);
      // a .wal beside a file that is not a database is an ordinary output
      writeFileSync(at('notes'), 'not a database, though twelve bytes long');
      const r = await trainIn(...FAST, '--data', at('a.csv'), '--predictions', at('notes.wal'));
      expect(r.code, r.stderr).to.equal(0);
    });

    it('--x v.npy --save v.npy and --save onto --y are refused; the arrays are untouched', async () => {
      const at = folder();
      writeNpy(at('v.npy'), { rows: 2, cols: 4, data: Float64Array.from([0, 1, 0, 1, 0, 0, 1, 1]) });
      writeNpy(at('y.npy'), { rows: 1, cols: 4, data: Float64Array.from([0, 0, 0, 1]) });
      const before = [readFileSync(at('v.npy')), readFileSync(at('y.npy'))];
      expectRefused(await trainIn(...FAST, '--x', at('v.npy'), '--y', at('y.npy'), '--save', at('v.npy')),
        `--save: "${at('v.npy')}" is the --x file; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--x', at('v.npy'), '--y', at('y.npy'), '--plot', at('y.npy.png'), '--save', at('y.npy')),
        `--save: "${at('y.npy')}" is the --y file; writing it would destroy the data (choose another name)`);
      expect([readFileSync(at('v.npy')), readFileSync(at('y.npy'))]).to.deep.equal(before);
    });

    it('an output that is an input under another name (a symbolic or hard link, a relative path) is refused', async () => {
      const at = folder();
      writeFileSync(at('v.csv'), AND_CSV);
      symlinkSync(at('v.csv'), at('soft.json'));
      linkSync(at('v.csv'), at('hard.json'));
      expectRefused(await trainIn(...FAST, '--data', at('v.csv'), '--save', at('soft.json')),
        `--save: "${at('soft.json')}" is the same file as --data "${at('v.csv')}"; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--data', at('v.csv'), '--save', at('hard.json')),
        `--save: "${at('hard.json')}" is the same file as --data "${at('v.csv')}"; writing it would destroy the data (choose another name)`);
      expectRefused(await trainIn(...FAST, '--data', at('v.csv'), '--save', `${at()}/./../${basename(at())}/v.csv`),
        /^error: --save: ".*" is the same file as --data ".*v\.csv"; writing it would destroy the data/);
      expect(readFileSync(at('v.csv'), 'utf8')).to.equal(AND_CSV);
      expect(lstatSync(at('soft.json')).isSymbolicLink()).to.equal(true);
    });

    it('--save X.svg --plot X.svg is refused and nothing is written', async () => {
      const at = folder();
      expectRefused(await trainIn(...FAST, '--save', at('X.svg'), '--plot', at('X.svg')),
        `--save and --plot name the same file "${at('X.svg')}"; give each output its own file`);
      expect(readdirSync(at())).to.deep.equal([]);
    });

    it('--save out/model.json --export-tfjs out is refused, whether out exists or not; out/model.json is untouched', async () => {
      const at = folder();
      expectRefused(await trainIn(...FAST, '--save', at('new/model.json'), '--export-tfjs', at('new')),
        `--save: "${at('new/model.json')}" is inside the --export-tfjs folder "${at('new')}"; choose a path outside it`);
      expect(existsSync(at('new'))).to.equal(false);
      mkdirSync(at('out'));
      writeFileSync(at('out/model.json'), 'precious');
      expectRefused(await trainIn(...FAST, '--plot', at('out/sub/p.svg'), '--export-tfjs', at('out')),
        `--plot: "${at('out/sub/p.svg')}" is inside the --export-tfjs folder "${at('out')}"; choose a path outside it`);
      expectRefused(await trainIn(...FAST, '--save', at('out/model.json'), '--export-tfjs', at('out')),
        `--save: "${at('out/model.json')}" is inside the --export-tfjs folder "${at('out')}"; choose a path outside it`);
      expectRefused(await trainIn(...FAST, '--save', at('both'), '--export-tfjs', at('both')),
        `--save: "${at('both')}" is the --export-tfjs folder; give them different names`);
      expect(readFileSync(at('out/model.json'), 'utf8')).to.equal('precious');
      expect(readdirSync(at()).sort()).to.deep.equal(['out']);
    });

    it("an input that is the export folder's model.json or weights.bin is refused", async () => {
      const at = folder();
      mkdirSync(at('out'));
      writeFileSync(at('out/model.json'), AND_CSV);
      writeFileSync(at('out/data.csv'), AND_CSV);
      expectRefused(await trainIn(...FAST, '--data', at('out/model.json'), '--export-tfjs', at('out')),
        `--export-tfjs: "${at('out/model.json')}" is the --data file; writing it would destroy the data (choose another name)`);
      expect(readFileSync(at('out/model.json'), 'utf8')).to.equal(AND_CSV);
      // other files in the folder are not written: data there is fine
      expect((await trainIn(...FAST, '--data', at('out/data.csv'), '--export-tfjs', at('out'))).code).to.equal(0);
      expect(readFileSync(at('out/data.csv'), 'utf8')).to.equal(AND_CSV);
    });

    it('a character device as --save (like /dev/null) is refused and stays a device', async function () {
      const at = folder();
      const why = IS_ROOT ? tryRun('mknod', [at('null'), 'c', '1', '3']) : 'needs root to make a device';
      if (why) {
        console.log(`      skipped: cannot make a character device (${why})`);
        this.skip();
      }
      expectRefused(await trainIn(...FAST, '--save', at('null')),
        `--save: "${at('null')}" is a character device, not a regular file; writing would replace it (give a regular file or a new file name)`);
      expect(statSync(at('null')).isCharacterDevice()).to.equal(true);
    });

    it('--save /dev/null is refused (as an unprivileged user, who could not replace it if the check failed)', function () {
      const why = cannotRunAsNobody();
      if (why) {
        console.log(`      skipped: ${why} (and as this user /dev/null is not writable anyway)`);
        this.skip();
      }
      const r = trainCli([...FAST, '--save', '/dev/null'], { uid: NOBODY, gid: NOBODY });
      expectRefused(r, '--save: "/dev/null" is a character device, not a regular file; writing would replace it (give a regular file or a new file name)');
      expect(statSync('/dev/null').isCharacterDevice()).to.equal(true);
    });

    it('a named pipe or a socket as an output is refused at once (no waiting for a reader) and is kept', async () => {
      const at = folder();
      const why = tryRun('mkfifo', [at('fifo')]);
      expect(why, why).to.equal(undefined);
      const r = trainCli([...FAST, '--save', at('fifo')], { timeout: 30_000 });
      expectRefused(r, `--save: "${at('fifo')}" is a pipe, not a regular file; writing would replace it (give a regular file or a new file name)`);
      expect(lstatSync(at('fifo')).isFIFO()).to.equal(true);
      const server: Server = createServer();
      await new Promise<void>((done) => server.listen(at('sock'), done));
      try {
        expectRefused(await trainIn(...FAST, '--export-tfjs', at('sock')),
          `--export-tfjs: "${at('sock')}" is a socket; expected a folder (made if missing)`);
        expectRefused(await trainIn(...FAST, '--save', at('sock')),
          `--save: "${at('sock')}" is a socket, not a regular file; writing would replace it (give a regular file or a new file name)`);
        expect(lstatSync(at('sock')).isSocket()).to.equal(true);
      } finally {
        server.close();
      }
    });

    it("a folder in the export folder's place of model.json is refused before training; nothing else is written", async () => {
      const at = folder();
      mkdirSync(at('out/model.json'), { recursive: true });
      writeFileSync(at('m.json'), 'old model');
      expectRefused(await trainIn(...FAST, '--save', at('m.json'), '--export-tfjs', at('out')),
        `--export-tfjs: "${at('out/model.json')}" is a folder, not a regular file; writing would replace it (give a regular file or a new file name)`);
      expect(readFileSync(at('m.json'), 'utf8')).to.equal('old model');
      expect(readdirSync(at('out'))).to.deep.equal(['model.json']);
    });

    it('--save onto a symbolic link writes through to its target and keeps the link (a dangling link too)', async () => {
      const at = folder();
      mkdirSync(at('models'));
      writeFileSync(at('models/real.json'), 'old');
      symlinkSync('models/real.json', at('link.json'));
      symlinkSync(at('models/new.json'), at('dangling.json'));
      expect((await trainIn(...FAST, '--save', at('link.json'))).code).to.equal(0);
      expect((await trainIn(...FAST, '--save', at('dangling.json'))).code).to.equal(0);
      expect(readlinkSync(at('link.json'))).to.equal('models/real.json');
      expect(readlinkSync(at('dangling.json'))).to.equal(at('models/new.json'));
      expect(loadModel(at('models/real.json')).training).to.include({ iterations: 3 });
      expect(loadModel(at('models/new.json')).training).to.include({ iterations: 3 });
      expect(loadModel(at('link.json')).weights).to.deep.equal(loadModel(at('models/real.json')).weights);
      expect(leftovers(at())).to.deep.equal([]);
      expect(leftovers(at('models'))).to.deep.equal([]);
    });

    it('a symbolic link to a folder, or an export folder that is a link, writes into the folder it points to', async () => {
      const at = folder();
      mkdirSync(at('real'));
      symlinkSync(at('real'), at('linked'));
      expect((await trainIn(...FAST, '--save', at('linked/m.json'), '--export-tfjs', at('linked'))).code).to.equal(2);
      expect((await trainIn(...FAST, '--export-tfjs', at('linked'))).code).to.equal(0);
      expect(lstatSync(at('linked')).isSymbolicLink()).to.equal(true);
      expect(readdirSync(at('real')).sort()).to.deep.equal(['model.json', 'weights.bin']);
    });
  });

  describe('2. a failed run touches nothing it did not finish', () => {
    it('writeTogether: a failure after one output is staged leaves its target as it was, with no temporary file or new folder', async () => {
      const at = folder();
      writeFileSync(at('m.json'), 'old');
      const failure = await rejects(
        writeTogether(async () => {
          writeFileAtomic(at('m.json'), 'new');
          writeFilesAtomic(at('tfjs/deep'), { 'weights.bin': new Uint8Array([1]), 'model.json': '{}' });
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('the plot failed');
        }),
      );
      expect(failure.message).to.equal('the plot failed');
      expect(readFileSync(at('m.json'), 'utf8')).to.equal('old');
      expect(readdirSync(at())).to.deep.equal(['m.json']);
    });

    it('writeTogether: all outputs appear together once all are written', async () => {
      const at = folder();
      await writeTogether(async () => {
        writeFileAtomic(at('a.json'), 'a');
        expect(existsSync(at('a.json'))).to.equal(false); // staged only
        writeFilesAtomic(at('tfjs'), { 'weights.bin': 'w', 'model.json': 'm' });
      });
      expect(readFileSync(at('a.json'), 'utf8')).to.equal('a');
      expect(readdirSync(at('tfjs')).sort()).to.deep.equal(['model.json', 'weights.bin']);
      expect(leftovers(at())).to.deep.equal([]);
    });

    it('names up to 255 bytes work (the temporary name stays short); longer ones are refused before training', async () => {
      const at = folder();
      const ascii = `${'a'.repeat(250)}.json`; // 255 bytes
      const wide = `${'日'.repeat(83)}.json`; // 83 × 3 + 5 = 254 bytes
      expect((await trainIn(...FAST, '--save', at(ascii))).code).to.equal(0);
      expect((await trainIn(...FAST, '--save', at(wide), '--plot', at(`${'p'.repeat(251)}.svg`))).code).to.equal(0);
      expect(loadModel(at(wide)).weights).to.have.length(2);
      const long = `${'b'.repeat(252)}.json`; // 257 bytes
      expectRefused(await trainIn(...FAST, '--save', at(long)), /^error: --save: the file name "b+…b*\.json" is 257 bytes long; the limit is 255\n$/);
      expectRefused(await trainIn(...FAST, '--export-tfjs', at(`${'d'.repeat(256)}/x`)),
        /^error: --export-tfjs: the folder name "d+…d*" in ".*" is 256 bytes long; the limit is 255\n$/);
      expect(leftovers(at())).to.deep.equal([]);
    });

    describe('on a small tmpfs (64 KiB): a full disk and a read-only one', () => {
      let mount: string | undefined;
      let why: string | undefined;
      before(function () {
        mount = dir.path('tmpfs');
        mkdirSync(mount);
        why = IS_ROOT ? tryRun('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]) : 'not root';
        if (why) mount = undefined;
      });
      after(() => {
        if (mount) tryRun('umount', [mount]);
      });
      beforeEach(() => {
        if (mount) for (const name of readdirSync(mount)) rmSync(join(mount, name), { recursive: true, force: true });
      });
      const needMount = (ctx: Mocha.Context) => {
        if (!mount) {
          console.log(`      skipped: cannot mount a tmpfs (${why})`);
          ctx.skip();
        }
        return mount!;
      };

      it('a --save that fills the disk is exit 2 with one line; the old file stays and no temporary file is left', function () {
        const small = needMount(this);
        writeFileSync(join(small, 'm.json'), 'old');
        const r = trainCli(['--backend', 'plain', '--iterations', '1', '--dataset', 'synthetic', '--features', '6000', '--samples', '4', '--save', join(small, 'm.json')]);
        expectRefused(r, `${join(small, 'm.json')}: cannot write: no space left on the device`);
        expect(readFileSync(join(small, 'm.json'), 'utf8')).to.equal('old');
        expect(readdirSync(small)).to.deep.equal(['m.json']);
      });

      it('a --plot that fills the disk leaves --save untouched (outputs are renamed into place only when all are written)', function () {
        const small = needMount(this);
        const at = folder();
        writeFileSync(at('m.json'), 'old model');
        writeFileSync(join(small, 'filler'), Buffer.alloc(48 * 1024));
        const r = trainCli([...FAST, '--dataset', 'synthetic', '--features', '2', '--samples', '3000', '--save', at('m.json'), '--plot', join(small, 'p.png')]);
        expectRefused(r, `${join(small, 'p.png')}: cannot write: no space left on the device`);
        expect(readFileSync(at('m.json'), 'utf8')).to.equal('old model');
        expect(readdirSync(at())).to.deep.equal(['m.json']);
        expect(readdirSync(small)).to.deep.equal(['filler']);
      });

      it('an --export-tfjs that fills the disk removes the folders it made and leaves --save untouched', function () {
        const small = needMount(this);
        const at = folder();
        writeFileSync(at('m.json'), 'old model');
        const out = join(small, 'tfjs', 'deep');
        const r = trainCli(['--backend', 'plain', '--iterations', '1', '--dataset', 'synthetic', '--features', '30000', '--samples', '2', '--save', at('m.json'), '--export-tfjs', out]);
        expectRefused(r, /^error: .*\/tfjs\/deep\/(weights\.bin|model\.json): cannot write: no space left on the device\n$/);
        expect(readFileSync(at('m.json'), 'utf8')).to.equal('old model');
        expect(readdirSync(small)).to.not.include('tfjs');
      });

      it('a read-only file system is refused before training, for every output', function () {
        const small = needMount(this);
        const ro = tryRun('mount', ['-o', 'remount,ro', small]);
        if (ro) {
          console.log(`      skipped: cannot remount read-only (${ro})`);
          this.skip();
        }
        try {
          // a long run: refused before loading, so it takes no time
          const long = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '8', '--samples', '20000', '--iterations', '1000000'];
          const r = trainCli([...long, '--save', join(small, 'm.json')], { timeout: 30_000 });
          expectRefused(r, `--save: cannot write "${join(small, 'm.json')}": the folder "${small}" is on a read-only file system`);
          expectRefused(trainCli([...long, '--export-tfjs', join(small, 'a', 'b')], { timeout: 30_000 }),
            `--export-tfjs: cannot write "${join(small, 'a', 'b')}": the folder "${small}" is on a read-only file system`);
        } finally {
          tryRun('mount', ['-o', 'remount,rw', small]);
        }
      });
    });
  });

  describe('3. system errors on files are exit 2 and one line', () => {
    it('EISDIR and ENOTDIR, on inputs and outputs', async () => {
      const at = folder();
      writeFileSync(at('file'), 'x');
      mkdirSync(at('d.csv'));
      expectRefused(await trainIn(...FAST, '--data', at('d.csv')), `${at('d.csv')}: is a directory, expected a CSV file`);
      expectRefused(await trainIn(...FAST, '--x', at('d.csv'), '--y', at('d.csv')), `${at('d.csv')}: is a directory, expected an npy file`);
      expectRefused(await trainIn(...FAST, '--save', at('d.csv')), `--save: "${at('d.csv')}" is not a file name; expected e.g. model.json`);
      expectRefused(await trainIn(...FAST, '--save', at('file/m.json')), `--save: cannot write "${at('file/m.json')}": part of its path is a file, not a folder`);
      expectRefused(await trainIn(...FAST, '--export-tfjs', at('file/sub')), `--export-tfjs: cannot write "${at('file/sub')}": part of its path is a file, not a folder`);
      expectRefused(await trainIn(...FAST, '--export-tfjs', at('file')), `--export-tfjs: "${at('file')}" is a file; expected a folder (made if missing)`);
    });

    it('ENAMETOOLONG on an input', async () => {
      const at = folder();
      const name = at(`${'n'.repeat(300)}.csv`);
      const r = await trainIn(...FAST, '--data', name);
      expectRefused(r, /: the file name is too long\n$/);
    });

    it('ENAMETOOLONG from the system (a path over PATH_MAX) on an output', async () => {
      const at = folder();
      const deep = at(`${'x/'.repeat(2100)}m.json`);
      expectRefused(await trainIn(...FAST, '--save', deep), /^error: --save: (cannot write ".*": the path is \d+ bytes long; the limit is 4095|.*: cannot write: the file name is too long)\n$/);
    });

    describe('EACCES, as an unprivileged user', () => {
      before(function () {
        const why = cannotRunAsNobody();
        if (why) {
          console.log(`      skipped: ${why} (root itself is never denied)`);
          this.skip();
        }
      });

      it('an input that cannot be read, and an output folder that cannot be written, are exit 2 before training', () => {
        const at = folder();
        chmodSync(dir.path(''), 0o755);
        chmodSync(at(), 0o755);
        writeFileSync(at('secret.csv'), AND_CSV);
        chmodSync(at('secret.csv'), 0o000);
        const nobody = { uid: NOBODY, gid: NOBODY };
        expectRefused(trainCli([...FAST, '--data', at('secret.csv')], nobody), `${at('secret.csv')}: permission denied`);
        writeFileSync(at('secret.duckdb'), 'not read');
        chmodSync(at('secret.duckdb'), 0o000);
        expectRefused(trainCli([...FAST, '--db', `duckdb:${at('secret.duckdb')}`, '--sql', 'SELECT 1.0 AS a, 1 AS y'], nobody), `${at('secret.duckdb')}: permission denied`);
        mkdirSync(at('locked'), { mode: 0o000 });
        expectRefused(trainCli([...FAST, '--data', at('locked')], nobody), `${at('locked')}: permission denied`);
        expectRefused(trainCli([...FAST, '--save', at('m.json')], nobody),
          `--save: cannot write "${at('m.json')}": the folder "${at()}" cannot be written (permission denied)`);
        expectRefused(trainCli([...FAST, '--export-tfjs', at('a/b')], nobody),
          `--export-tfjs: cannot write "${at('a/b')}": the folder "${at()}" cannot be written (permission denied)`);
        expect(readdirSync(at()).sort()).to.deep.equal(['locked', 'secret.csv', 'secret.duckdb']);
      });
    });
  });

  describe('4. inputs that are not regular files are refused (not read as a stream): exit 2, naming the file', () => {
    let x: string;
    let y: string;
    before(() => {
      x = dir.path('x4.npy');
      y = dir.path('y4.npy');
      writeNpy(x, { rows: 2, cols: 4, data: Float64Array.from([0, 1, 0, 1, 0, 0, 1, 1]) });
      writeNpy(y, { rows: 1, cols: 4, data: Float64Array.from([0, 0, 0, 1]) });
    });

    it('a named pipe or a device that a --sql query reads, or a duckdb: --db that is one, is refused without opening it (DuckDB waited on it)', async () => {
      const fifo = dir.path('q4.parquet');
      spawnSync('mkfifo', [fifo]);
      const pipe = (flag: string) => `${flag}: "${fifo}", which the --sql query reads, is a pipe; it must be a regular file (save the data to a file and give its name)`;
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM '${fifo}'`), pipe('--sql'));
      expectRefused(await trainIn('--backend', 'sql', '--explain-sql', '--sql', `SELECT * FROM read_parquet('${fifo}')`), pipe('--sql'));
      expectRefused(await trainIn(...FAST, '--sql', "SELECT * FROM read_csv('/dev/zero')"),
        '--sql: "/dev/zero", which the --sql query reads, is a character device; it must be a regular file (save the data to a file and give its name)');
      expectRefused(await trainIn(...FAST, '--db', `duckdb:${fifo}`, '--sql', 'SELECT 1 AS x, 0 AS y'),
        `--db: "${fifo}" is a pipe; it must be a regular file (save the data to a file and give its name)`);
      const model = dir.path('m4.json');
      expect((await trainIn(...FAST, '--save', model)).code).to.equal(0);
      expectRefused(await runInProcess(predict, ['--model', model, '--sql', `SELECT * FROM "${fifo}"`]), pipe('--sql'));
      // by a computed name, in a pattern, or in the SQL given to query(): the names are evaluated before DuckDB opens anything
      const piped = (path: string) => `the query reads "${path}", which is a pipe; it must be a regular file (save the data to a file and give its name)`;
      const dot = fifo.lastIndexOf('.');
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_parquet(concat('${fifo.slice(0, dot)}', '${fifo.slice(dot)}'))`), piped(fifo));
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM read_parquet('${dir.path('q4*.parquet')}')`), piped(fifo));
      expectRefused(await trainIn(...FAST, '--sql', `SELECT * FROM query(concat('SELECT * FROM read_parquet(', '''${fifo}''', ')'))`), piped(fifo));
      let err: unknown;
      await loadSqlDataset({ sql: `SELECT * FROM read_parquet(concat('${fifo}', ''))` }).catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(InputError);
      expect((err as Error).message).to.equal(piped(fifo));
    });

    it('--x <(cat x.npy)', () => {
      const r = trainInBash(`--backend plain --x <(cat '${x}') --y '${y}'`);
      expectRefused(r, /^error: \/dev\/fd\/\d+: is a pipe; it must be a regular file \(save the data to a file and give its name\)\n$/);
    });

    it('--data <(cat v.csv)', () => {
      const csv = dir.write('v4.csv', AND_CSV);
      const r = trainInBash(`--backend plain --data <(cat '${csv}')`);
      expectRefused(r, /^error: \/dev\/fd\/\d+: is a pipe; it must be a regular file \(save the data to a file and give its name\)\n$/);
    });

    it('--x /dev/stdin and --data /dev/stdin, piped (cat x.npy | …) or a socket (as Node gives a child its stdin)', () => {
      expectRefused(trainInBash(`--backend plain --x /dev/stdin --y '${y}'`, `cat '${x}' |`),
        '/dev/stdin: is a pipe; it must be a regular file (save the data to a file and give its name)');
      expectRefused(trainInBash('--backend plain --data /dev/stdin', `printf '${AND_CSV.replace(/\n/g, '\\n')}' |`),
        '/dev/stdin: is a pipe; it must be a regular file (save the data to a file and give its name)');
      expectRefused(trainCli(['--backend', 'plain', '--x', '/dev/stdin', '--y', y], { input: readFileSync(x) }),
        '/dev/stdin: is a socket; it must be a regular file (save the data to a file and give its name)');
    });

    it('a named pipe with no writer as --data, --x or predict --x: refused at once, never waited on', () => {
      const fifo = dir.path('in.fifo');
      expect(tryRun('mkfifo', [fifo])).to.equal(undefined);
      for (const r of [
        trainCli(['--backend', 'plain', '--data', fifo], { timeout: 30_000 }),
        trainCli(['--backend', 'plain', '--x', fifo, '--y', y], { timeout: 30_000 }),
      ]) {
        expectRefused(r, `${fifo}: is a pipe; it must be a regular file (save the data to a file and give its name)`);
      }
    });

    it('predict: --x from a named pipe and --data from a device are refused', async () => {
      const model = dir.path('m4.json');
      expect((await trainIn('--backend', 'plain', '--save', model)).code).to.equal(0);
      const fifo = dir.path('p.fifo');
      expect(tryRun('mkfifo', [fifo])).to.equal(undefined);
      expectRefused(cli(PREDICT, ['--model', model, '--x', fifo], { timeout: 30_000 }),
        `${fifo}: is a pipe; it must be a regular file (save the data to a file and give its name)`);
      expectRefused(await runInProcess(predict, ['--model', model, '--data', '/dev/zero']),
        '/dev/zero: is a character device; it must be a regular file (save the data to a file and give its name)');
    });
  });

  describe('4b. a file on a kernel file system is no data: refused before it is read (the fourth hostile pass: /proc/kmsg waited for the kernel, ignoring SIGTERM)', () => {
    it('--data, --x, predict --model, --db and a file a --sql query reads, on /proc or /sys', async () => {
      // /proc/self/status stands for /proc/kmsg (a regular file by stat whose read waits; root only)
      const proc = (path: string) => `${path}: is on proc, a kernel file system, not a file of data; give a file on a disk`;
      expectRefused(await trainIn(...FAST, '--data', '/proc/self/status'), proc('/proc/self/status'));
      expectRefused(await trainIn(...FAST, '--x', '/proc/self/status', '--y', '/proc/self/status'), proc('/proc/self/status'));
      expectRefused(await runInProcess(predict, ['--model', '/proc/self/status', '--data', '/proc/self/status']), proc('/proc/self/status'));
      expectRefused(await trainIn(...FAST, '--db', 'duckdb:/proc/self/status', '--sql', 'SELECT 1 AS x, 0 AS y'),
        '--db: "/proc/self/status" is on proc, a kernel file system, not a file of data; give a file on a disk');
      expectRefused(await trainIn(...FAST, '--sql', "SELECT * FROM read_csv('/proc/self/status')"),
        '--sql: "/proc/self/status", which the --sql query reads, is on proc, a kernel file system, not a file of data; give a file on a disk');
      expectRefused(await trainIn(...FAST, '--sql', "SELECT * FROM read_csv(concat('/sys/kernel/', 'uevent_seqnum'))"),
        'the query reads "/sys/kernel/uevent_seqnum", which is on sysfs, a kernel file system, not a file of data; give a file on a disk');
    });
  });

  describe('5. an .npy header claiming more data than the file holds is refused before anything is allocated', () => {
    /** A version 1.0 (or 2.0) header with this dict and nothing after it. */
    function npyWithHeader(dict: string, version = 1, claimed?: number): Buffer {
      const text = `${dict}\n`;
      const pre = Buffer.alloc(version === 1 ? 10 : 12);
      Buffer.from('\x93NUMPY', 'latin1').copy(pre);
      pre[6] = version;
      if (version === 1) pre.writeUInt16LE(claimed ?? text.length, 8);
      else pre.writeUInt32LE(claimed ?? text.length, 8);
      return Buffer.concat([pre, Buffer.from(text, 'latin1')]);
    }

    it('shape (1e9, 1e9) float64 in a file of a few bytes: the claim and the size, not an allocation', async () => {
      const path = dir.write('absurd.npy', '');
      writeFileSync(path, npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }"));
      const message = `${path}: the data is truncated: shape (1000000000, 1000000000) float64 needs 8000000000000000000 bytes after the header, the file has 0`;
      expect(throws(() => readNpyHeader(path)).message).to.equal(message);
      expectRefused(await trainIn('--backend', 'plain', '--x', path, '--y', path), message);
      // beyond 2^53: the claim is still exact
      writeFileSync(path, npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (9007199254740991, 9007199254740991), }"));
      expect(throws(() => readNpyHeader(path)).message).to.equal(
        `${path}: the data is truncated: shape (9007199254740991, 9007199254740991) float64 needs ${8n * 9007199254740991n ** 2n} bytes after the header, the file has 0`,
      );
    });

    it('a version 2.0 header length of 4 GiB in a small file', async () => {
      const path = dir.write('long-header.npy', '');
      writeFileSync(path, npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 2, 0xfffffff0));
      const err = throws(() => readNpyHeader(path));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.equal(`${path}: the header is truncated: it needs ${12 + 0xfffffff0} bytes, the file has ${statSync(path).size}`);
    });
  });

  describe('6. /proc and other kernel file systems never hang a run', () => {
    it('--export-tfjs /proc/foo/bar, --save /proc/x.json, --plot /sys/x.svg and --plot /dev/stderr.svg are exit 2 at once', () => {
      const cases: [string[], string][] = [
        [['--export-tfjs', '/proc/foo/bar'], '--export-tfjs: cannot write "/proc/foo/bar": "/proc" is on proc, a kernel file system; choose a folder on a disk'],
        [['--save', '/proc/x.json'], '--save: cannot write "/proc/x.json": "/proc" is on proc, a kernel file system; choose a folder on a disk'],
        [['--plot', '/sys/x.svg'], '--plot: cannot write "/sys/x.svg": "/sys" is on sysfs, a kernel file system; choose a folder on a disk'],
        // devtmpfs has tmpfs's magic number (the second hostile pass wrote a file into /dev)
        [['--plot', '/dev/stderr.svg'], '--plot: cannot write "/dev/stderr.svg": "/dev" is on devtmpfs (the devices), a kernel file system; choose a folder on a disk'],
      ];
      for (const [args, message] of cases) {
        if (!existsSync(args[1].split('/').slice(0, 2).join('/'))) continue;
        const r = trainCli([...FAST, ...args], { timeout: 30_000 });
        expectRefused(r, message);
        expect(r.ms).to.be.below(20_000);
      }
    });

    it('--save /dev/stdout >> log, /dev/fd/2 2>> log and a link to /dev/stdout are refused; the logs keep what they had', function () {
      if (!existsSync('/proc/self/fd')) this.skip();
      const at = folder();
      writeFileSync(at('log.txt'), 'earlier\n');
      writeFileSync(at('err.txt'), 'earlier\n');
      symlinkSync('/dev/stdout', at('out.json'));
      const refused = (flag: string, path: string, via = '') =>
        `error: ${flag}: "${path}" is an open file descriptor${via}, not a file; give a file name (writing through it would replace the file it is open on)\n`;
      let r = trainInBash(`${FAST.join(' ')} --save /dev/stdout >> '${at('log.txt')}'`);
      expect([r.code, r.stderr]).to.deep.equal([2, refused('--save', '/dev/stdout', ' (through /proc/self/fd/1)')]);
      r = trainInBash(`${FAST.join(' ')} --save /dev/fd/2 2>> '${at('err.txt')}'`);
      expect(r.code).to.equal(2);
      expect(readFileSync(at('err.txt'), 'utf8')).to.equal(`earlier\n${refused('--save', '/dev/fd/2')}`);
      r = trainInBash(`${FAST.join(' ')} --predictions '${at('out.json')}' >> '${at('log.txt')}'`);
      expect([r.code, r.stderr]).to.deep.equal([2, refused('--predictions', at('out.json'), ' (through /proc/self/fd/1)')]);
      expect(readFileSync(at('log.txt'), 'utf8')).to.equal('earlier\n');
      expect(lstatSync(at('out.json')).isSymbolicLink()).to.equal(true);
    });

    it("the library's saveClassifier and writeFileAtomic refuse /dev/stdout >> log and /proc/self/fd/1 too; the log keeps what it had", function () {
      if (!existsSync('/proc/self/fd')) this.skip();
      const at = folder();
      writeFileSync(at('log.txt'), 'earlier\n');
      for (const [path, via] of [['/dev/stdout', ' (through /proc/self/fd/1)'], ['/proc/self/fd/1', '']]) {
        const script = `const { Classifier, saveClassifier } = require(${JSON.stringify(join(ROOT, 'src'))});
          const { writeFileAtomic } = require(${JSON.stringify(join(ROOT, 'src/io/atomic'))});
          (async () => {
            const net = await Classifier.create({ backend: 'plain' });
            net.fit([[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]], { iterations: 2 });
            for (const write of [() => saveClassifier('${path}', net, null), () => writeFileAtomic('${path}', 'x')]) {
              try { await write(); console.error('written'); } catch (e) { console.error(e.name + ': ' + e.message); }
            }
          })();`;
        const r = spawnSync('bash', ['-c', `'${process.execPath}' -r '${REGISTER}' -e "$0" >> '${at('log.txt')}'`, script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
        const refused = `InputError: ${path}: cannot write: it is an open file descriptor${via}, not a file; give a file name (writing through it would replace the file it is open on)\n`;
        expect(r.stderr).to.equal(refused + refused);
        expect(readFileSync(at('log.txt'), 'utf8')).to.equal('earlier\n');
      }
    });

    it('writeFilesAtomic into /proc/foo/bar (the library, not only the CLI) fails at once', function () {
      if (!existsSync('/proc/self')) this.skip();
      const script = `const { writeFilesAtomic } = require(${JSON.stringify(join(ROOT, 'src/io/atomic'))});
        try { writeFilesAtomic('/proc/foo/bar', { 'a.txt': 'a' }); console.log('written?'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
      const r = spawnSync(process.execPath, ['-r', REGISTER, '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      expect(r.signal, 'killed by the timeout: it hung').to.equal(null);
      expect(r.stdout).to.equal('InputError: /proc/foo/bar: cannot write: the folder "/proc/foo" cannot be made there\n');
    });
  });
});
