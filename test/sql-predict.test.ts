import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { convert } from '../src/cli/convert';
import { predict } from '../src/cli/predict';
import { planColumns, type SqlColumn } from '../src/sql/columns';
import { dataFormat, isParquet } from '../src/sql/parquet';
import { randomData } from './fixtures';
import { runInProcess, tempDir, throws } from './helpers';
import { cli, csvToParquet, duck, json, lit, refused, writeCsv } from './sql-helpers';

/** A small data set as real ones come: an id, a name, numeric features, and a text label. */
const CANCER = `id,name,radius,texture,diagnosis
842302,ann,17.99,10.38,M
842517,bob,20.57,17.77,M
84300903,cy,11.42,20.38,B
84348301,dee,12.45,15.7,B
84358402,eve,20.29,14.34,M
843786,fay,9.504,12.44,B
`;

/** `predict …`: its output, after checking it exited 0 with nothing on stderr. */
async function predicted(...argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await runInProcess(predict, argv);
  expect(stderr, 'stderr').to.equal('');
  expect(code, 'exit status').to.equal(0);
  return stdout;
}

/** `predict …` that must fail with bad input: exit 2, nothing on stdout, one line on stderr, returned without `error: `. */
async function predictRefused(...argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await runInProcess(predict, argv);
  expect(stdout, 'stdout').to.equal('');
  expect(code, `exit status (stderr: ${stderr})`).to.equal(2);
  expect(stderr).to.match(/^error: [^\n]*\n$/);
  return stderr.slice('error: '.length, -1);
}

const num = (name: string): SqlColumn => ({ name, type: 'DOUBLE', kind: 'number' });

describe('predict reads Parquet and SQL as train does (DuckDB)', function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());
  let csv: string;
  let parquet: string;
  let model: string;
  before(async () => {
    csv = dir.write('cancer.csv', CANCER);
    parquet = await csvToParquet(csv, dir.path('cancer.parquet'));
    model = dir.path('model.json');
    await json('--backend', 'plain', '--iterations', '20', '--data', csv, '--ignore', 'id,name', '--label', 'diagnosis', '--positive', 'M', '--save', model);
  });

  it('scores a Parquet file with the label column as it scores the CSV (the model\'s --positive, its ignored columns)', async () => {
    const fromCsv = JSON.parse(await predicted('--model', model, '--data', csv, '--proba', '--json'));
    expect(fromCsv.errors).to.be.a('number');
    expect(JSON.parse(await predicted('--model', model, '--data', parquet, '--proba', '--json'))).to.deep.equal(fromCsv);
    const text = await predicted('--model', model, '--data', parquet);
    expect(text).to.include(`data: ${parquet}: 6 samples\n`);
  });

  it('reads the features by name in any order, a folder and a glob of Parquet, and a query; without the labels, predictions only', async () => {
    const fromCsv = JSON.parse(await predicted('--model', model, '--data', csv, '--json'));
    const reordered = dir.path('reordered.parquet');
    await duck([`COPY (SELECT diagnosis, texture, radius FROM ${lit(parquet)}) TO ${lit(reordered)} (FORMAT parquet)`]);
    expect(JSON.parse(await predicted('--model', model, '--data', reordered, '--json'))).to.deep.equal(fromCsv);
    const folder = dir.path('folder');
    mkdirSync(folder);
    copyFileSync(parquet, join(folder, 'part-0.parquet'));
    expect(JSON.parse(await predicted('--model', model, '--data', folder, '--json'))).to.deep.equal(fromCsv);
    expect(JSON.parse(await predicted('--model', model, '--data', join(folder, 'part-*.parquet'), '--json'))).to.deep.equal(fromCsv);
    expect(JSON.parse(await predicted('--model', model, '--sql', `SELECT * FROM read_csv(${lit(csv)}, header = true)`, '--json'))).to.deep.equal(fromCsv);
    expect(JSON.parse(await predicted('--model', model, '--sql', `SELECT * FROM ${lit(parquet)}`, '--db', 'duckdb:?threads=1', '--json'))).to.deep.equal(fromCsv);
    const unlabeled = dir.path('unlabeled.parquet');
    await duck([`COPY (SELECT texture, radius FROM ${lit(parquet)}) TO ${lit(unlabeled)} (FORMAT parquet)`]);
    expect(JSON.parse(await predicted('--model', model, '--data', unlabeled, '--json'))).to.deep.equal({ predictions: fromCsv.predictions });
    // data to predict may lack the positive label altogether (training would call it a typo)
    const benign = JSON.parse(await predicted('--model', model, '--sql', `SELECT * FROM ${lit(parquet)} WHERE diagnosis = 'B'`, '--json'));
    expect(benign.predictions[0]).to.have.length(3);
    expect(benign.errors).to.be.a('number');
  });

  it('reads a boolean label with --positive true or 1, and scores the same samples alike as Parquet and as CSV', async () => {
    const rows = 'a,b,flag\n0,0,false\n1,0,false\n0,1,false\n1,1,true\n';
    const asCsv = dir.write('flags.csv', rows);
    const asParquet = dir.path('flags.parquet');
    await duck([`COPY (SELECT a::DOUBLE AS a, b::DOUBLE AS b, flag::BOOLEAN AS flag FROM read_csv(${lit(asCsv)}, header = true)) TO ${lit(asParquet)} (FORMAT parquet)`]);
    // yes: DuckDB sniffs a CSV's yes/no as BOOLEAN, and --positive yes then means true (the second hostile pass: it was refused)
    for (const positive of ['true', 'TRUE', '1', 'yes', undefined]) {
      const saved = dir.path(`flags-${positive}.json`);
      const trained = await json('--backend', 'plain', '--iterations', '1000', '--weights', '0.4,0.2', '--bias', '1', '--data', asParquet, ...(positive === undefined ? [] : ['--positive', positive]), '--save', saved);
      expect(trained.errors, String(positive)).to.equal(0);
      const fromParquet = JSON.parse(await predicted('--model', saved, '--data', asParquet, '--json'));
      expect(fromParquet.errors, String(positive)).to.equal(0);
      // the CSV holds the words true and false: read as the training data's values were (the model's labelValues)
      if (positive !== undefined) expect(JSON.parse(await predicted('--model', saved, '--data', asCsv, '--json')), String(positive)).to.deep.equal(fromParquet);
    }
    expect(await refused('--data', asParquet, '--positive', 'maybe')).to.equal(
      `--positive: "maybe" is not true or false (yes or no, 1 or 0), but the label column "flag" of ${asParquet} holds booleans (BOOLEAN)`,
    );
    const words = dir.write('flags-words.csv', rows.replace(/true/g, 'yes').replace(/false/g, 'no'));
    const yesNo = await json('--backend', 'plain', '--iterations', '1000', '--weights', '0.4,0.2', '--bias', '1', '--sql', `SELECT * FROM ${lit(words)}`, '--positive', 'yes');
    expect(yesNo.errors).to.equal(0);
    expect(await refused('--data', asParquet, '--positive', '1e400')).to.equal(
      `--positive: "1e400" is beyond the range of a double; no value of the label column "flag" of ${asParquet} can equal it`,
    );
    // booleans written as TRUE/FALSE or 1/0, in a CSV or an integer column, score alike with a model trained on --positive true
    const saved = dir.path('flags-true.json');
    const expected = JSON.parse(await predicted('--model', saved, '--data', asParquet, '--json'));
    for (const [name, yes, no] of [['upper', 'TRUE', 'FALSE'], ['digits', '1', '0']]) {
      const other = dir.write(`flags-${name}.csv`, rows.replace(/true/g, yes).replace(/false/g, no));
      expect(JSON.parse(await predicted('--model', saved, '--data', other, '--json')), name).to.deep.equal(expected);
    }
    const asIntegers = `SELECT a::DOUBLE AS a, b::DOUBLE AS b, flag::INTEGER AS flag FROM ${lit(asParquet)}`;
    expect(JSON.parse(await predicted('--model', saved, '--sql', asIntegers, '--json'))).to.deep.equal(expected);
    // a model of text labels, on a number column: said in predict's words (it has no --positive)
    const textModel = dir.path('text.json');
    await json('--backend', 'plain', '--iterations', '2', '--data', dir.write('text.csv', 'a,b,flag\n0,0,B\n1,1,M\n'), '--positive', 'M', '--save', textModel);
    expect(await predictRefused('--model', textModel, '--sql', asIntegers)).to.equal(
      `the query: the label column "flag" holds numbers (INTEGER), but the model's labels are text ("M" means 1)`,
    );
  });

  it("says a model trained on labels 0 and 1 reads labels so (predict has no --positive to suggest)", async () => {
    const zeroOne = dir.path('zero-one.json');
    const train = dir.write('zero-one.csv', 'a,b,y\n0,0,0\n1,1,1\n');
    await json('--backend', 'plain', '--iterations', '2', '--data', train, '--save', zeroOne);
    const twos = dir.write('twos.csv', 'a,b,y\n0,0,0\n1,1,2\n');
    expect(await predictRefused('--model', zeroOne, '--data', twos)).to.equal(`${twos}: line 3, column "y" is a label and must be 0 or 1, got 2; the model was trained on labels 0 and 1`);
    const twosParquet = await csvToParquet(twos, dir.path('twos.parquet'));
    expect(await predictRefused('--model', zeroOne, '--data', twosParquet)).to.equal(
      `${twosParquet}: row 2, column "y" is a label and must be 0 or 1, got 2; the model was trained on labels 0 and 1`,
    );
    expect(await predictRefused('--model', zeroOne, '--sql', "SELECT 0.0 AS a, 1.0 AS b, 'M' AS y")).to.equal(
      'the query: label column "y" is VARCHAR; expected numbers (integer, decimal, float, double or boolean); the model was trained on labels 0 and 1',
    );
  });

  it('refuses columns that do not match the model in one line, as for a CSV', async () => {
    const other = dir.path('other.parquet');
    await duck([`COPY (SELECT radius, 1.0 AS zzz, diagnosis FROM ${lit(parquet)}) TO ${lit(other)} (FORMAT parquet)`]);
    expect(await predictRefused('--model', model, '--data', other)).to.equal(
      `${other}: the columns do not match the model's features (radius, texture): missing "texture"; extra "zzz"`,
    );
    expect(await predictRefused('--model', model, '--sql', "SELECT NULL::DOUBLE AS radius, 2.0 AS texture, 'M' AS diagnosis")).to.equal(
      'the query: row 1, column "radius" is NULL; expected a number',
    );
    expect(await predictRefused('--model', model, '--sql', "SELECT 'big' AS radius, 2.0 AS texture")).to.equal(
      'the query: column "radius" is VARCHAR; expected numbers (integer, decimal, float, double or boolean)',
    );
    expect(await predictRefused('--model', model, '--sql', 'SELECT 1.0 AS radius, 2.0 AS texture WHERE false')).to.equal('the query: no rows; expected at least one sample');
  });

  it('scores several labels when all are there, and refuses some of them', async () => {
    const { x, y } = randomData(3, 2, 30, 2);
    const { csv: two, labels } = writeCsv(dir, 'two', x, y);
    const twoModel = dir.path('two.json');
    await json('--backend', 'plain', '--iterations', '10', '--data', two, '--label', labels, '--save', twoModel);
    const twoParquet = await csvToParquet(two, dir.path('two.parquet'));
    const fromCsv = JSON.parse(await predicted('--model', twoModel, '--data', two, '--json'));
    expect(JSON.parse(await predicted('--model', twoModel, '--data', twoParquet, '--json'))).to.deep.equal(fromCsv);
    expect(await predictRefused('--model', twoModel, '--sql', `SELECT f0, f1, label1 FROM ${lit(twoParquet)}`)).to.equal(
      'the query: has the label column "label1" but not "label0"; give all of the model\'s labels (to score the predictions) or none',
    );
  });

  it('refuses a second data source, --db without a query or Parquet, and no data', async () => {
    expect(await predictRefused('--model', model, '--data', parquet, '--sql', 'SELECT 1')).to.equal('choose one data source: --data, --sql were given together');
    expect(await predictRefused('--model', model, '--data', csv, '--x', 'x.npy')).to.equal('choose one data source: --data, --x were given together');
    expect(await predictRefused('--model', model, '--data', csv, '--db', 'duckdb:')).to.equal('--db only goes with --sql or --data FILE.parquet');
    expect(await predictRefused('--model', model)).to.equal('give the data to predict: --data FILE (CSV or Parquet), --sql "SELECT …" or --x X.npy');
    expect(await predictRefused('--model', model, '--data', parquet, '--db', 'postgres://nn@localhost/x')).to.equal(
      '--db: Parquet is read by DuckDB; give a duckdb: URL (e.g. duckdb:?threads=2), not postgres://nn@localhost/x',
    );
  });
});

describe('Parquet by its magic bytes, empty folders, convert, --db files and settings, text labels (DuckDB)', function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());
  let csv: string;
  let parquet: string;
  before(async () => {
    csv = dir.write('cancer.csv', CANCER);
    parquet = await csvToParquet(csv, dir.path('cancer.parquet'));
  });

  it('reads a Parquet file whatever its name (PAR1 at its start), in train and predict', async () => {
    const bin = dir.path('cancer.bin');
    copyFileSync(parquet, bin);
    expect(isParquet(bin)).to.equal(true);
    expect(isParquet(csv)).to.equal(false);
    expect(isParquet(dir.write('short', 'PA'))).to.equal(false);
    expect(isParquet(dir.path('absent'))).to.equal(false);
    const common = ['--backend', 'plain', '--iterations', '20', '--ignore', 'id,name', '--label', 'diagnosis', '--positive', 'M'];
    const fromParquet = await json(...common, '--data', parquet);
    const fromBin = await json(...common, '--data', bin, '--save', dir.path('m.json'));
    expect(fromBin).to.deep.equal(fromParquet);
    const csvNamedTxt = dir.path('cancer.txt');
    copyFileSync(csv, csvNamedTxt);
    expect(await json(...common, '--data', csvNamedTxt)).to.deep.equal(fromParquet);
    expect(JSON.parse(await predicted('--model', dir.path('m.json'), '--data', bin, '--json'))).to.deep.equal(
      JSON.parse(await predicted('--model', dir.path('m.json'), '--data', csv, '--json')),
    );
  });

  it('never opens a file that is not regular to look for PAR1 (a FIFO would block)', function () {
    const fifo = dir.path('fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      this.skip();
    }
    expect(isParquet(fifo)).to.equal(false);
    expect(dataFormat(fifo)).to.equal('csv');
    // named .parquet too: refused by the CSV reader at once, not handed to DuckDB (which would wait on it)
    const named = dir.path('fifo.parquet');
    execFileSync('mkfifo', [named]);
    expect(isParquet(named)).to.equal(false);
    const main = join(__dirname, '..', 'src', 'cli', 'main.ts');
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main, 'train', '--data', named], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^error: .*fifo\.parquet.* is a pipe[^\n]*\n$/);
  });

  it('takes a CSV whose first column starts with PAR1 for a CSV (a Parquet file also ends with PAR1)', async () => {
    const par = dir.write('par.csv', 'PAR1,b,y\n0,0,0\n1,1,1\n');
    expect(isParquet(par)).to.equal(false);
    const r = await cli('--data', par, '--backend', 'plain', '--iterations', '2', '--json');
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).weights).to.deep.equal([[0.05], [0.05]]);
  });

  it("reads a folder's .parquet files as DuckDB's glob does: links to files count, other cases of the name do not", async () => {
    const linked = dir.path('linked');
    mkdirSync(linked);
    symlinkSync(parquet, join(linked, 'a.parquet'));
    const viaLink = await cli('--data', linked, '--backend', 'plain', '--iterations', '2', '--ignore', 'id,name', '--positive', 'M', '--json');
    expect(viaLink.code, viaLink.stderr).to.equal(0);
    const upper = dir.path('upper');
    mkdirSync(upper);
    copyFileSync(parquet, join(upper, 'a.PARQUET'));
    const shelf = dir.path('shelf.parquet'); // a folder named like a file, with no Parquet in it
    mkdirSync(shelf);
    for (const folder of [upper, shelf]) {
      expect(await refused('--data', folder)).to.equal(
        `--data: ${folder} is a folder with no .parquet file in it; expected a CSV file, a Parquet file, or a folder or glob of Parquet files`,
      );
    }
  });

  it('says a folder with no .parquet file in it has none, and what --data takes', async () => {
    const empty = dir.path('empty');
    mkdirSync(empty);
    const expected = `--data: ${empty} is a folder with no .parquet file in it; expected a CSV file, a Parquet file, or a folder or glob of Parquet files`;
    expect(await refused('--data', empty)).to.equal(expected);
    const withCsv = dir.path('with-csv');
    mkdirSync(withCsv);
    copyFileSync(csv, join(withCsv, 'a.csv'));
    expect(await refused('--data', withCsv)).to.equal(expected.replace(empty, withCsv));
    expect(throws(() => dataFormat(empty)).message).to.equal(expected.replace('--data', 'data'));
    // a folder named like a CSV file: the CSV reader's word for it
    mkdirSync(dir.path('folder.csv'));
    expect(await refused('--data', dir.path('folder.csv'))).to.equal(`${dir.path('folder.csv')}: is a directory, expected a CSV file`);
  });

  it('refuses a folder with no .parquet file in it in predict too', async () => {
    const empty = dir.path('empty-predict');
    mkdirSync(empty);
    const model = dir.path('p.json');
    await json('--backend', 'plain', '--iterations', '2', '--data', parquet, '--ignore', 'id,name', '--positive', 'M', '--save', model);
    expect(await predictRefused('--model', model, '--data', empty)).to.equal(
      `--data: ${empty} is a folder with no .parquet file in it; expected a CSV file, a Parquet file, or a folder or glob of Parquet files`,
    );
  });

  it('convert refuses Parquet in one line, pointing to train', async () => {
    const bin = dir.path('convert.bin');
    copyFileSync(parquet, bin);
    for (const data of [parquet, bin, dir.path('shards-*.parquet')]) {
      const { code, stdout, stderr } = await runInProcess(convert, ['--data', data, '--out', dir.path('out')]);
      expect([code, stdout]).to.deep.equal([2, '']);
      expect(stderr).to.equal(`error: --data: ${data} is Parquet; convert reads CSV files, and train reads Parquet directly: simple-nn train --data ${data}\n`);
    }
  });

  it('says a duckdb: URL naming a Parquet, CSV or other file names no DuckDB database', async () => {
    const database = dir.path('real.duckdb');
    await duck(['CREATE TABLE t AS SELECT 1.0 AS a, 1 AS y UNION ALL SELECT 0.0, 0'], database);
    expect((await json('--backend', 'plain', '--iterations', '2', '--sql', 'SELECT * FROM t', '--db', `duckdb:${database}`)).weights).to.have.length(1);
    for (const file of [parquet, csv, dir.write('empty.db', '')]) {
      expect(await refused('--sql', 'SELECT 1.0 AS a, 1 AS y', '--db', `duckdb:${file}`)).to.equal(
        `--db: duckdb:${file} names a file that is not a DuckDB database; Parquet and CSV files are queried from DuckDB in memory (duckdb:, the default), ` +
          `e.g. --sql "SELECT * FROM '${file}'", or given with --data`,
      );
    }
    expect(await refused('--data', parquet, '--db', `duckdb:${parquet}`)).to.match(/^--db: duckdb:.* names a file that is not a DuckDB database; /);
  });

  it('names the DuckDB setting that failed, and why', async () => {
    const q = (db: string) => refused('--sql', 'SELECT 1.0 AS a, 1 AS y', '--db', db);
    expect(await q('duckdb:?threads=2&memory_limit=1GB&default_order=up')).to.match(
      /^duckdb:\?threads=2&memory_limit=1GB&default_order=up: DuckDB refused the setting default_order=up: .*up/,
    );
    // threads are checked here: DuckDB starts as many as asked, and a few digits too many swamp the machine
    for (const threads of ['abc', '0', '1e9', '1025', '100000000', '-1', '2.5']) {
      expect(await q(`duckdb:?threads=${threads}`)).to.equal(`--db: "threads=${threads}": expected a whole number of threads from 1 to 1024`);
    }
    expect(await q('duckdb:?worker_threads=5000')).to.equal('--db: "worker_threads=5000": expected a whole number of threads from 1 to 1024');
    expect(await q('duckdb:?threads=2&memory_limit=lots')).to.equal(
      'duckdb:?threads=2&memory_limit=lots: DuckDB refused the setting memory_limit=lots: Parser Error: Memory must have a number (e.g. 1GB)',
    );
    expect(await q('duckdb:?nosuch=1')).to.equal('duckdb:?nosuch=1: Invalid Input Error: The following options were not recognized: nosuch');
  });

  it('hints at --positive for a text label column (not for a text feature)', async () => {
    const hint = '; to read other values, name the one that means 1 with --positive';
    const expected = 'expected numbers (integer, decimal, float, double or boolean)';
    expect(await refused('--sql', "SELECT 1.0 AS a, 'x' AS y")).to.equal(`the query: label column "y" is VARCHAR; ${expected}${hint}`);
    expect(await refused('--sql', "SELECT 'x' AS a, 1 AS y")).to.equal(`the query: column "a" is VARCHAR; ${expected}`);
    expect(await refused('--data', parquet, '--ignore', 'id,name')).to.equal(`${parquet}: label column "diagnosis" is VARCHAR; ${expected}${hint}`);
    expect(await refused('--data', parquet, '--label', 'diagnosis')).to.equal(`${parquet}: column "name" is VARCHAR; ${expected}`);
  });
});

describe('planColumns without labels', () => {
  it('makes every column not ignored a feature, and y has no rows', () => {
    expect(planColumns('the query', [num('a'), num('b')], { unlabeled: true })).to.deep.equal({ features: [num('a'), num('b')], labels: [], ignored: [] });
    expect(planColumns('the query', [num('a')], { unlabeled: true })).to.deep.equal({ features: [num('a')], labels: [], ignored: [] });
    expect(planColumns('the query', [num('a'), num('b')], { unlabeled: true, features: ['b'] })).to.deep.equal({ features: [num('b')], labels: [], ignored: [num('a')] });
    expect(throws(() => planColumns('the query', [], { unlabeled: true })).message).to.equal('the query has 0 columns; expected at least one feature');
    expect(throws(() => planColumns('the query', [num('a')])).message).to.equal('the query has 1 column; expected at least one feature and a label');
  });
});
