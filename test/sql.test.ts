import { expect } from 'chai';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predict } from '../src/cli/predict';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import { PlainNetwork } from '../src/network/plain';
import type { Gradient, IterationStats, Track } from '../src/network/network';
import { loadSqlDataset } from '../src/sql/load';
import { literal, readSums, sumsQuery } from '../src/sql/query';
import { databaseDataset, isSqlSamples } from '../src/sql/samples';
import { train as trainSync, trainAsync } from '../src/training';
import { AND_GOLDEN, NUMPY_CASES, expectClose, randomData, random } from './fixtures';
import { runInProcess, tempDir } from './helpers';
import { cli, csvToParquet, duck, duckRows, json, lit, refused, writeCsv } from './sql-helpers';

const ARTICLE = ['--weights', '0.4,0.2', '--bias', '1'];

describe('SQL literals of W and b', () => {
  /** Doubles of every kind: simple decimals, thirds, the extremes, subnormals, and random bit patterns. */
  function doubles(): number[] {
    const rand = random(11);
    const bits = new DataView(new ArrayBuffer(8));
    const randomBits = Array.from({ length: 600 }, () => {
      for (;;) {
        for (let i = 0; i < 8; i++) bits.setUint8(i, Math.floor(rand() * 256));
        const v = bits.getFloat64(0);
        if (Number.isFinite(v)) return v;
      }
    });
    const plain = Array.from({ length: 200 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10));
    return [0, 0.1, 0.2, 0.4, 1 / 3, -2 / 3, Math.PI, 1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, ...plain, ...randomBits];
  }

  it('17 significant digits in exponent form round back to the same float64 in JavaScript', () => {
    for (const v of doubles()) expect(Number(literal(v).replace(/[()]/g, '')), literal(v)).to.equal(v);
    expect(literal(0.4)).to.equal('4.0000000000000002e-1');
    expect(literal(-0.4)).to.equal('(-4.0000000000000002e-1)');
    expect(() => literal(NaN)).to.throw('literal: NaN is not a finite number');
  });

  it('and DuckDB reads them as the same doubles', async () => {
    const values = doubles();
    for (let start = 0; start < values.length; start += 200) {
      const batch = values.slice(start, start + 200);
      const [row] = await duckRows(`SELECT ${batch.map((v, i) => `${literal(v)} AS c${i}`).join(', ')}`);
      batch.forEach((v, i) => expect(row[i], literal(v)).to.equal(v));
    }
  });
});

describe('Parquet and SQL as data (DuckDB)', function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());

  it('gives the same JSON for the same data as CSV, Parquet, a folder and a glob of Parquet shards, and a query', async () => {
    const { x, y } = randomData(21, 3, 60, 2);
    const { csv, labels } = writeCsv(dir, 'same', x, y);
    const parquet = await csvToParquet(csv, dir.path('same.parquet'));
    // three shards, in a folder: samples 0–19, 20–39, 40–59 (DuckDB reads them in the files' order)
    const shards = dir.path('shards');
    await duck([
      `CREATE TABLE t AS SELECT *, row_number() OVER () - 1 AS j FROM read_csv(${lit(csv)}, header = true)`,
      `COPY (SELECT * EXCLUDE (j) FROM t WHERE j < 20 ORDER BY j) TO ${lit(join(dir.path('.'), 'shards-0.parquet'))} (FORMAT parquet)`,
      `COPY (SELECT * EXCLUDE (j) FROM t WHERE j >= 20 AND j < 40 ORDER BY j) TO ${lit(join(dir.path('.'), 'shards-1.parquet'))} (FORMAT parquet)`,
      `COPY (SELECT * EXCLUDE (j) FROM t WHERE j >= 40 ORDER BY j) TO ${lit(join(dir.path('.'), 'shards-2.parquet'))} (FORMAT parquet)`,
    ]);
    mkdirSync(shards);
    for (const i of [0, 1, 2]) copyFileSync(dir.path(`shards-${i}.parquet`), join(shards, `part-${i}.parquet`));
    const common = ['--backend', 'plain', '--iterations', '40', '--gradient', 'logistic', '--lr', '0.3', '--label', labels];
    const fromCsv = await json(...common, '--data', csv);
    expect(fromCsv.weights).to.have.length(3);
    expect(await json(...common, '--data', parquet)).to.deep.equal(fromCsv);
    expect(await json(...common, '--data', shards)).to.deep.equal(fromCsv);
    expect(await json(...common, '--data', dir.path('shards-*.parquet'))).to.deep.equal(fromCsv);
    expect(await json(...common, '--sql', `SELECT * FROM read_csv(${lit(csv)}, header = true)`)).to.deep.equal(fromCsv);
  });

  it('trains Parquet in chunks (through a temporary .npy cache, removed at the end) to the same W and b', async () => {
    const { x, y } = randomData(5, 4, 90, 1);
    const { csv } = writeCsv(dir, 'chunks', x, y);
    const parquet = await csvToParquet(csv, dir.path('chunks.parquet'));
    const common = ['--backend', 'plain', '--iterations', '50', '--lr', '0.2'];
    const whole = await json(...common, '--data', csv);
    const caches = () => readdirSync(tmpdir()).filter((n) => n.startsWith('simple-nn-sql-')).sort();
    const before = caches();
    const chunked = await json(...common, '--data', parquet, '--chunk-samples', '7');
    expectClose(chunked.weights, whole.weights, 1e-9);
    expectClose(chunked.bias, whole.bias, 1e-9);
    expect(chunked.predictions).to.deep.equal(whole.predictions);
    expect(caches()).to.deep.equal(before);
  });

  it('keeps float32 columns float32, and reads the rest as float64', async () => {
    const file = dir.path('f32.parquet');
    await duck([`COPY (SELECT 0.5::FLOAT AS a, 1.25::FLOAT AS b, 1 AS y UNION ALL SELECT -1.5, 2, 0) TO ${lit(file)} (FORMAT parquet)`]);
    const f32 = await loadSqlDataset({ parquet: file });
    expect(f32.source.dtype).to.equal('float32');
    expect(Array.from(f32.source.inMemory!.x.data)).to.deep.equal([0.5, -1.5, 1.25, 2]);
    const f64 = await loadSqlDataset({ sql: 'SELECT 0.1 AS a, 1 AS y' });
    expect(f64.source.dtype).to.equal('float64');
    expect(f64.source.inMemory!.x.data[0]).to.equal(0.1);
  });

  it('chooses columns as for a CSV: --label, --features, --ignore, --positive with text labels', async () => {
    const file = dir.path('named.parquet');
    await duck([
      `COPY (SELECT * FROM (VALUES ('a', 0.0, 0.0, 'B'), ('b', 1.0, 0.0, 'B'), ('c', 0.0, 1.0, 'B'), ('d', 1.0, 1.0, 'M')) t(id, x1, x2, diagnosis)) TO ${lit(file)} (FORMAT parquet)`,
    ]);
    const and = await json('--backend', 'plain', ...ARTICLE, '--data', file, '--ignore', 'id', '--label', 'diagnosis', '--positive', 'M');
    expect(and.weights).to.deep.equal(AND_GOLDEN[1000].W);
    expect(and.bias).to.equal(AND_GOLDEN[1000].b);
    const reordered = await json('--backend', 'plain', '--iterations', '3', '--data', file, '--features', 'x2,x1', '--label', 'diagnosis', '--positive', 'M');
    const plain = await json('--backend', 'plain', '--iterations', '3', '--sql', `SELECT x2, x1, CASE WHEN diagnosis = 'M' THEN 1 ELSE 0 END AS diagnosis FROM ${lit(file)}`);
    expect(reordered).to.deep.equal(plain);
    // the model records the label values read and what each became, as for a CSV, in memory and in the database
    for (const backend of ['plain', 'sql']) {
      const model = dir.path(`named-${backend}.json`);
      await json('--backend', backend, '--iterations', '3', '--data', file, '--ignore', 'id', '--label', 'diagnosis', '--positive', 'M', '--save', model);
      const saved = JSON.parse(readFileSync(model, 'utf8'));
      expect(saved.labelValues, backend).to.deep.equal({ B: 0, M: 1 });
      expect(saved.positive).to.equal('M');
      // a number column: values as the database writes them, read by value
      const numbers = dir.path(`numbers-${backend}.json`);
      await json('--backend', backend, '--iterations', '3', '--sql', 'SELECT * FROM (VALUES (1.0, 2), (2.0, 4), (3.0, 4)) t(a, y)', '--positive', '4.0', '--save', numbers);
      expect(JSON.parse(readFileSync(numbers, 'utf8')).labelValues, backend).to.deep.equal({ 2: 0, 4: 1 });
    }
    // a --positive no row has: the column's values are listed, as for a CSV
    expect(await refused('--data', file, '--ignore', 'id', '--label', 'diagnosis', '--positive', 'm')).to.equal(
      '--positive: no row of ' + file + ' has "m" in the label column "diagnosis"; its values include "B", "M"',
    );
    expect(await refused('--backend', 'sql', '--data', file, '--ignore', 'id', '--label', 'diagnosis', '--positive', 'X')).to.equal(
      '--positive: no row of ' + file + ' has "X" in the label column "diagnosis"; its values include "B", "M"',
    );
  });

  it('refuses bad data in one line, naming the row and column', async () => {
    const q = (sql: string) => refused('--backend', 'plain', '--sql', sql);
    expect(await q('SELECT 1.0 AS a, NULL::DOUBLE AS b, 1 AS y')).to.equal('the query: row 1, column "b" is NULL; expected a number');
    expect(await q("SELECT * FROM (VALUES (1.0, 0), ('nan'::DOUBLE, 1)) t(a, y)")).to.equal('the query: row 2, column "a" is NaN; every value must be a finite number');
    expect(await q('SELECT * FROM (VALUES (1.0, 0), (2.0, 2)) t(a, y)')).to.equal(
      'the query: row 2, column "y" is a label and must be 0 or 1, got 2; to read other values, name the one that means 1 with --positive',
    );
    expect(await q('SELECT * FROM (VALUES (1.0, 0), (2.0, NULL)) t(a, y)')).to.equal('the query: row 2, column "y" is a label and must be 0 or 1, got NULL');
    expect(await q("SELECT 1.0 AS a, 'x' AS y")).to.equal(
      'the query: label column "y" is VARCHAR; expected numbers (integer, decimal, float, double or boolean); to read other values, name the one that means 1 with --positive',
    );
    expect(await q('SELECT 1.0 AS a, 1 AS a, 0 AS y')).to.equal('the query names the column "a" twice; give each column its own name (AS …)');
    expect(await q('SELECT 1 AS y')).to.equal('the query has 1 column; expected at least one feature and a label');
    expect(await q('SELECT 1.0 AS a, 1 AS y WHERE false')).to.equal('the query: no rows; expected at least one sample');
    expect(await q('SELEC 1')).to.equal('duckdb: Parser Error: syntax error at or near "SELEC"');
    expect(await q('SELECT * FROM missing_table')).to.match(/^duckdb: Catalog Error: Table with name missing_table does not exist!/);
    expect(await q('  ;  ')).to.equal('--sql is empty; expected a query such as SELECT x1, x2, y FROM t');
    expect(await refused('--sql', 'SELECT 1.0 AS a, 1 AS y', '--label', 'b')).to.equal('--label: the query has no column "b"; its columns are a, y');
    expect(await refused('--data', dir.path('none.parquet'))).to.equal(`${dir.path('none.parquet')}: no such file`);
    expect(await refused('--data', dir.path('nothing-*.parquet'))).to.match(/^duckdb: IO Error: No files found that match the pattern /);
  });
});

describe('--backend sql: the sums in one aggregate query per iteration (DuckDB)', function () {
  this.timeout(120000);
  const dir = tempDir();
  after(() => dir.remove());

  /** The same data as CSV (for plain) and Parquet (for sql). */
  async function both(name: string, seed: number, features: number, samples: number, outputs: number) {
    const { x, y } = randomData(seed, features, samples, outputs);
    const { csv, labels } = writeCsv(dir, name, x, y);
    return { csv, labels, parquet: await csvToParquet(csv, dir.path(`${name}.parquet`)), x, y };
  }

  it("trains the article's AND example to numpy's numbers, exact ties included", async () => {
    const file = dir.path('and.parquet');
    await duck([`COPY (SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)) TO ${lit(file)} (FORMAT parquet)`]);
    const report = await json('--backend', 'sql', ...ARTICLE, '--data', file);
    expect(report.backend).to.match(/^sql \(DuckDB v\d+\.\d+\.\d+, \d threads?\)$/);
    expect(report.weights).to.deep.equal(AND_GOLDEN[1000].W);
    expect(report.bias).to.equal(AND_GOLDEN[1000].b);
    expect(report.predictions).to.deep.equal([[0, 0, 0, 1]]);
  });

  for (const c of NUMPY_CASES) {
    it(`equals plain (and numpy) to 1e-9: ${c.name}`, async () => {
      const data = await both(`case-${c.seed}-${c.outputs}-${c.gradient}`, c.seed, c.features, c.samples, c.outputs);
      const common = ['--iterations', String(c.iterations), '--lr', String(c.a), '--gradient', c.gradient, '--label', data.labels, '--weights', c.W.flat().join(','), '--bias', String(c.b)];
      const sql = await json('--backend', 'sql', ...common, '--data', data.parquet);
      const plain = await json('--backend', 'plain', ...common, '--data', data.csv);
      const numpy = c.numpy[c.numpy.length - 1];
      expectClose(sql.weights, plain.weights, 1e-9);
      expectClose(sql.bias, plain.bias, 1e-9);
      expectClose(sql.weights, numpy.W, 1e-9);
      expectClose(sql.bias, numpy.b, 1e-9);
      expect(sql.predictions).to.deep.equal(numpy.y_pred);
      expect(sql.errors).to.equal(plain.errors);
    });
  }

  it("computes each iteration's errors and loss as plain does", async () => {
    for (const gradient of ['article', 'logistic'] as Gradient[]) {
      const { x, y } = randomData(3, 4, 120, 2);
      const names = ['f0', 'f1', 'f2', 'f3', 'l0', 'l1'];
      const rows = x[0].map((_, j) => `(${[...x.map((r) => r[j]), ...y.map((r) => r[j])].join(', ')})`);
      const remote = await databaseDataset({ sql: `SELECT * FROM (VALUES ${rows.join(', ')}) t(${names.join(', ')})`, columns: { labels: ['l0', 'l1'] } });
      try {
        const run = async (backend: 'sql' | 'plain') => {
          const net = createNetwork(backend, { W: matrix(4, 2), b: 0 });
          const seen: IterationStats[] = [];
          const settings = { a: 0.3, iterations: 60, gradient, statsEvery: 1, onIteration: (_: number, s?: IterationStats) => seen.push(s!) };
          if (backend === 'sql') await trainAsync(net, remote.source, settings);
          else trainSync(net, memorySource(matrix(4, 120, Float64Array.from(x.flat())), matrix(2, 120, Float64Array.from(y.flat()))), settings);
          return { seen, W: Array.from(net.weights().data), b: net.bias() };
        };
        const [sql, plain] = [await run('sql'), await run('plain')];
        expect(sql.seen.map((s) => s.errors), gradient).to.deep.equal(plain.seen.map((s) => s.errors));
        sql.seen.forEach((s, i) => expect(s.loss).to.be.closeTo(plain.seen[i].loss!, 1e-9));
        expectClose([sql.W], [plain.W], 1e-9);
        expectClose(sql.b, plain.b, 1e-9);
      } finally {
        remote.source.close?.();
      }
    }
  });

  it("sums only the misclassified samples when it need not sum the loss, to the same sums and errors (0, not NULL, when none is)", async () => {
    const { x, y } = randomData(5, 3, 200, 2);
    const names = ['f0', 'f1', 'f2', 'l0', 'l1'];
    const rows = x[0].map((_, j) => `(${[...x.map((r) => r[j]), ...y.map((r) => r[j])].join(', ')})`);
    const remote = await databaseDataset({ sql: `SELECT * FROM (VALUES ${rows.join(', ')}) t(${names.join(', ')})`, columns: { labels: ['l0', 'l1'] }, db: 'duckdb:?threads=1' });
    try {
      const samples = remote.source.remote;
      if (!isSqlSamples(samples)) throw new Error('not in a database');
      const { db, data } = samples.open;
      const sums = async (W: number[], b: number, track: Track) => {
        const text = sumsQuery(data, matrix(3, 2, Float64Array.from(W)), b, { gradient: 'article', track });
        expect(text.includes('\nWHERE e1 <> 0 OR e2 <> 0'), `WHERE with track: ${track}`).to.equal(track !== 'loss');
        return readSums(await db.row(text), 3, 2, track);
      };
      const plain = new PlainNetwork({ W: matrix(3, 2), b: 0 });
      const loaded = plain.load({ x: matrix(3, 200, Float64Array.from(x.flat())), y: matrix(2, 200, Float64Array.from(y.flat())), offset: 0 });
      // some samples wrong; every sample predicted 1 (b = 50); every sample predicted 0 (b = -50), each label then half right
      for (const [W, b] of [[[0.3, -0.2, 0.1, 0.05, 0.4, -0.3], 0.1], [[0, 0, 0, 0, 0, 0], 50], [[0, 0, 0, 0, 0, 0], -50]] as [number[], number][]) {
        const [only, errors, all] = [await sums(W, b, false), await sums(W, b, 'errors'), await sums(W, b, 'loss')];
        for (const tracked of [errors, all]) {
          expect(Array.from(only.xe)).to.deep.equal(Array.from(tracked.xe));
          expect(only.sumE).to.equal(tracked.sumE);
        }
        plain.assign(matrix(3, 2, Float64Array.from(W)), b);
        const expected = plain.sums(loaded, 'article', 'loss');
        expectClose([Array.from(only.xe)], [Array.from(expected.xe)], 1e-12);
        expect(only.sumE).to.equal(expected.sumE);
        expect([errors.errors, all.errors]).to.deep.equal([expected.errors, expected.errors]);
        expect(errors.loss).to.be.NaN;
        expect(all.loss).to.be.closeTo(expected.loss, 1e-9);
      }
      // labels all 1 and every sample predicted 1: no row is misclassified, and the sums are 0
      const ones = await databaseDataset({ sql: 'SELECT * FROM (VALUES (1.0, 2.0, 1), (3.0, -1.0, 1)) t(a, b, y)', db: 'duckdb:?threads=1' });
      try {
        const one = ones.source.remote;
        if (!isSqlSamples(one)) throw new Error('not in a database');
        const text = sumsQuery(one.open.data, matrix(2, 1), 50, { gradient: 'article', track: false });
        const row = await one.open.db.row(text);
        expect(row).to.deep.equal([0, 0, 0]);
        expect(readSums(row, 2, 1, false)).to.deep.equal({ xe: new Float64Array(2), sumE: 0, errors: 0, loss: NaN });
        // the errors of one output are the misclassified rows' count
        const counted = sumsQuery(one.open.data, matrix(2, 1), 50, { gradient: 'article', track: 'errors' });
        expect(counted).to.include('count(*) AS errors');
        expect(await one.open.db.row(counted)).to.deep.equal([0, 0, 0, 0]);
        const wrong = sumsQuery(one.open.data, matrix(2, 1), -50, { gradient: 'article', track: 'errors' });
        expect(readSums(await one.open.db.row(wrong), 2, 1, 'errors').errors).to.equal(2);
      } finally {
        ones.source.close?.();
      }
    } finally {
      remote.source.close?.();
    }
  });

  it('stops at the first iteration without error (--until-no-error), as plain does', async () => {
    const file = dir.path('and-stop.parquet');
    await duck([`COPY (SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)) TO ${lit(file)} (FORMAT parquet)`]);
    const sql = await json('--backend', 'sql', ...ARTICLE, '--data', file, '--until-no-error');
    const plain = await json('--backend', 'plain', ...ARTICLE, '--data', file, '--until-no-error');
    expect(sql.iterationsRun).to.equal(plain.iterationsRun).and.be.below(1000);
    expect(sql.stoppedBy).to.equal('no-error');
    expect(sql.loss).to.be.closeTo(plain.loss, 1e-12); // log(1 + e^−|z|) in SQL, log1p in plain
    expect({ ...sql, backend: 'plain', loss: plain.loss }).to.deep.equal(plain);
  });

  it('queries a DuckDB database file (read-only), with the settings of the URL', async () => {
    const data = await both('file', 9, 3, 50, 1);
    const db = dir.path('samples.duckdb');
    await duck([`CREATE TABLE samples AS SELECT * FROM read_csv(${lit(data.csv)}, header = true)`], db);
    const common = ['--iterations', '30', '--gradient', 'logistic'];
    const sql = await json('--backend', 'sql', ...common, '--db', `duckdb:${db}?threads=1`, '--sql', 'SELECT * FROM samples');
    const plain = await json('--backend', 'plain', ...common, '--data', data.csv);
    expect(sql.backend).to.match(/^sql \(DuckDB v[\d.]+, 1 thread\)$/);
    expectClose(sql.weights, plain.weights, 1e-9);
    expect(await refused('--backend', 'sql', '--db', `duckdb:${db}`, '--sql', 'SELECT * FROM samples; DROP TABLE samples')).to.equal(
      '--sql must be one query, with no other statement after it: DuckDB would carry that out (it may write files or change the database), so none is run',
    );
    // the tenth hostile pass: two SELECTs gave DuckDB's own "Cannot prepare multiple statements at once!"
    expect(await refused('--backend', 'sql', '--db', `duckdb:${db}`, '--sql', 'SELECT * FROM samples; SELECT 1')).to.equal(
      '--sql must be one query, with no other statement after it: DuckDB would carry that out (it may write files or change the database), so none is run',
    );
    expect(await refused('--db', `duckdb:${dir.path('none.duckdb')}`, '--sql', 'SELECT 1')).to.equal(`${dir.path('none.duckdb')}: no such file`);
  });

  it('saves a model that predicts without the database', async () => {
    const data = await both('save', 4, 3, 40, 1);
    const model = dir.path('model.json');
    const trained = await json('--backend', 'sql', '--iterations', '20', '--data', data.parquet, '--save', model);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.training.backend).to.equal('sql');
    expect(saved.training.data).to.equal(data.parquet);
    const predicted = await runInProcess(predict, ['--model', model, '--data', data.csv, '--json']);
    expect(predicted.code, predicted.stderr).to.equal(0);
    expect(JSON.parse(predicted.stdout).predictions).to.deep.equal(trained.predictions);
    // it says what computes here: plain's formula, not a database
    const text = await runInProcess(predict, ['--model', model, '--data', data.csv]);
    expect(text.stdout).to.match(/\nbackend: plain\n/);
    expect(await runInProcess(predict, ['--model', model, '--data', data.csv, '--backend', 'sql'])).to.deep.include({
      code: 2,
      stdout: '',
      stderr: 'error: --backend sql computes in a database; predict computes here: auto, tensorflow, wasm, cpu or plain\n',
    });
  });

  it('stops after the current iteration when told to (Ctrl-C), with the W and b of the iterations done', async () => {
    const data = await both('stop', 6, 3, 40, 1);
    const remote = await databaseDataset({ parquet: data.parquet });
    try {
      const net = createNetwork('sql', { W: matrix(3, 1), b: 0 });
      let i = 0;
      const result = await trainAsync(net, remote.source, { a: 0.1, iterations: 100, shouldStop: () => i++ === 7 });
      expect(result).to.deep.equal({ iterationsRun: 7, stoppedBy: 'interrupt' });
      const plain = createNetwork('plain', { W: matrix(3, 1), b: 0 });
      trainSync(plain, memorySource(matrix(3, 40, Float64Array.from(data.x.flat())), matrix(1, 40, Float64Array.from(data.y.flat()))), { a: 0.1, iterations: 7 });
      expectClose([Array.from(net.weights().data)], [Array.from(plain.weights().data)], 1e-9);
    } finally {
      remote.source.close?.();
    }
  });

  it('refuses the synchronous loop, and options that need the samples in memory, in one line', async () => {
    const data = await both('refuse', 8, 2, 10, 1);
    const remote = await databaseDataset({ parquet: data.parquet });
    try {
      const net = createNetwork('sql', { W: matrix(2, 1), b: 0 });
      expect(() => trainSync(net, remote.source, { a: 0.1, iterations: 3 })).to.throw(
        /^this network computes asynchronously \(sql \(DuckDB v[\d.]+, \d threads?\)\): train it with trainAsync \(fitAsync\), not train \(fit\)$/,
      );
    } finally {
      remote.source.close?.();
    }
    expect(await refused('--backend', 'sql', '--data', data.csv)).to.equal(
      '--backend sql trains where the data lives: give it with --sql "SELECT …" (and --db URL) or --data FILE.parquet',
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--test-split', '0.2')).to.equal(
      '--test-split needs the samples in memory; --backend sql keeps them in the database',
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--trace', '1')).to.equal(
      "--trace reads back every sample's z, s, y_pred and e; --backend sql keeps the samples in the database",
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--standardize')).to.equal(
      '--standardize is not available with --backend sql; standardize the columns in the query',
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--predictions', dir.path('p.csv'))).to.equal(
      '--predictions writes every sample back out; with --backend sql, --json has the predictions',
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--chunk-samples', '100')).to.equal(
      '--chunk-samples has nothing to chunk with --backend sql: the database streams the rows itself',
    );
    // --explain-sql shows what --backend sql would run: it refuses what that refuses
    expect(await refused('--data', data.parquet, '--explain-sql', '--standardize')).to.equal(
      '--standardize is not available with --backend sql; standardize the columns in the query',
    );
    expect(await refused('--data', data.parquet, '--explain-sql', '--test-split', '0.5')).to.equal(
      '--test-split needs the samples in memory; --backend sql keeps them in the database',
    );
    expect(await refused('--data', data.parquet, '--explain-sql', '--chunk-samples', '2')).to.equal(
      '--chunk-samples has nothing to chunk with --backend sql: the database streams the rows itself',
    );
    expect(await refused('--data', data.parquet, '--explain-sql', '--backend', 'wasm')).to.equal('--explain-sql shows the SQL of --backend sql; --backend wasm computes here');
    for (const sql of [['--backend', 'sql'], ['--explain-sql']]) {
      expect(await refused('--data', data.parquet, ...sql, '--kernels', 'ops')).to.equal(
        '--kernels chooses how a tfjs backend computes (wasm, cpu, tensorflow); --backend sql has no kernels',
      );
    }
    expect(await refused('--data', data.parquet, '--explain-sql', '--save', dir.path('m.json'), '--plot', dir.path('p.svg'))).to.equal(
      '--explain-sql prints the SQL and trains nothing, so there is nothing to write with --save, --plot',
    );
    expect(await refused('--backend', 'sql', '--sql', "SELECT * FROM (VALUES (1.0, 2), (2.0, 0)) t(a, age)")).to.equal(
      'the query: column "age" is a label and has 1 value other than 0 and 1 (or NULL); to read other values, name the one that means 1 with --positive',
    );
    expect(await refused('--backend', 'sql', '--sql', "SELECT * FROM (VALUES (1.0, 'M'), (2.0, NULL), (3.0, NULL)) t(a, d)", '--positive', 'M')).to.equal(
      'the query: column "d" is a label and has 2 values that are NULL',
    );
    expect(await refused('--backend', 'sql', '--data', data.parquet, '--db', 'duckdb:?memory_limit=%ZZ')).to.equal(
      '--db: "duckdb:?memory_limit=%ZZ" has a malformed %-escape (a % must be followed by two hex digits, e.g. %20)',
    );
    expect(await refused('--sql', 'SELECT * FROM (VALUES (1.0, 2), (2.0, 4)) t(a, y)', '--positive', '1e400')).to.equal(
      '--positive: "1e400" is beyond the range of a double; no value of the label column "y" of the query can equal it',
    );
    expect(await refused('--data', data.csv, '--db', 'duckdb:')).to.equal('--db only goes with --sql or --data FILE.parquet');
    expect(await refused('--data', data.csv, '--explain-sql')).to.equal(
      '--explain-sql shows the SQL of --backend sql: give the data with --sql "SELECT …" or --data FILE.parquet',
    );
    expect(await refused('--data', data.parquet, '--db', 'postgres://u:hunter2@localhost/db')).to.equal(
      '--db: Parquet is read by DuckDB; give a duckdb: URL (e.g. duckdb:?threads=2), not postgres://u:***@localhost/db',
    );
    expect(await refused('--sql', 'SELECT 1', '--db', 'mysql://root:hunter2@db/x')).to.equal(
      '--db: "mysql://root:***@db/x" is not a database URL; expected duckdb: (in memory), duckdb:FILE.duckdb or postgres://USER@HOST/DB',
    );
    expect(await refused('--sql', 'SELECT 1', '--db', 'duckdb:?threads')).to.equal(
      '--db: "threads" is not a DuckDB setting; expected NAME=VALUE, e.g. threads=2 or memory_limit=300MB',
    );
  });

  it('prints the SQL as one JSON object with --json', async () => {
    const file = dir.path('and-explain-json.parquet');
    await duck([`COPY (SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)) TO ${lit(file)} (FORMAT parquet)`]);
    const [text, asJson] = [await cli('--data', file, '--explain-sql'), await cli('--data', file, '--explain-sql', '--json')];
    expect(asJson.code).to.equal(0);
    expect(asJson.stderr).to.equal('');
    expect(JSON.parse(asJson.stdout)).to.deep.equal({ sql: text.stdout });
    expect(asJson.stdout.trimEnd().split('\n')).to.have.length(1);
    // an iteration without stats sums the misclassified samples only; with --until-no-error every iteration has stats
    expect(text.stdout).to.include('\nWHERE e <> 0\n').and.not.include('AS errors');
    // weights that do not fit the data: the message train gives
    const wrong = ['--data', file, '--weights', '1,2,3'];
    const message = `--weights: got 3 values, but ${file} has 2 features (x1, x2); expected 2`;
    expect(await refused(...wrong, '--explain-sql')).to.equal(message);
    expect(await refused(...wrong)).to.equal(message);
    // --until-no-error counts the errors, which are the misclassified samples; --pocket sums the loss too
    const counted = (await cli('--data', file, '--explain-sql', '--until-no-error')).stdout;
    expect(counted).to.include('\nWHERE e <> 0\n').and.include('count(*) AS errors').and.not.include('AS loss');
    const tracked = (await cli('--data', file, '--explain-sql', '--pocket')).stdout;
    expect(tracked).to.include('AS errors').and.include('AS loss').and.not.include('WHERE');
  });

  it('prints the SQL it runs (--explain-sql) and exits 0, as docs/sql.md shows it', async () => {
    const file = dir.path('and-explain.parquet');
    await duck([`COPY (SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t(x1, x2, y)) TO ${lit(file)} (FORMAT parquet)`]);
    const { code, stdout, stderr } = await cli('--data', file, ...ARTICLE, '--explain-sql');
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const page = readFileSync(join(__dirname, '..', 'docs', 'sql.md'), 'utf8');
    const block = /```sql\n(-- npm run train -- --data and\.parquet[^\n]*\n)([\s\S]*?)```/.exec(page);
    expect(block, 'docs/sql.md\'s ```sql block of --explain-sql').to.not.equal(null);
    expect(stdout.replace(lit(file), "'and.parquet'")).to.equal(block![2]);
    // the query the database runs, exactly: the user's query stands as given, even over several lines
    const query = "SELECT x1, length(s) AS n, x2 FROM (VALUES (0, 0, 'a\n  b'), (1, 1, 'c')) t(x1, x2, s) -- trailing comment";
    const explained = await cli('--sql', `${query};`, '--explain-sql');
    expect(explained.stderr).to.equal('');
    expect(explained.stdout).to.include(`\n${query}\n`);
  });

  it('quotes column names: any name works, keywords and quotes included', async () => {
    const report = await json('--backend', 'sql', ...ARTICLE, '--sql', 'SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t("we""ird", "select", "y y")');
    expect(report.weights).to.deep.equal(AND_GOLDEN[1000].W);
    // a name that spans lines (the SQL around it is indented, never the name)
    const lines = await json('--backend', 'sql', ...ARTICLE, '--sql', `SELECT * FROM (VALUES (0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 1)) t("fe\n  at", "it's\nx", "y\n")`);
    expect(lines.weights).to.deep.equal(AND_GOLDEN[1000].W);
    expect(lines.bias).to.equal(AND_GOLDEN[1000].b);
  });
});
