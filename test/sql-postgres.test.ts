import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { literal } from '../src/sql/query';
import { AND_GOLDEN, NUMPY_CASES, expectClose, randomData, random } from './fixtures';
import { tempDir } from './helpers';
import { cli, json, refused, writeCsv } from './sql-helpers';

/**
 * Against a real PostgreSQL server, named by PGURL (`.ci/with-postgres` starts a throwaway one and
 * sets it; CI runs the tests through it). Without PGURL these tests are skipped, in one line.
 */
const PGURL = process.env.PGURL;

if (!PGURL) {
  describe('PostgreSQL', () => {
    it.skip('skipped: PGURL is not set (.ci/with-postgres COMMAND runs COMMAND with a throwaway server and PGURL)');
  });
} else {
  describe('PostgreSQL: data and --backend sql', function () {
    this.timeout(120000);
    const url = PGURL;
    const schema = `simple_nn_test_${process.pid}`;
    const dir = tempDir();
    const client = new Client({ connectionString: url });
    const table = async (name: string, x: number[][], y: number[][]) => {
      const columns = [...x.map((_, f) => `f${f} double precision`), ...y.map((_, o) => `label${o} integer`)];
      const rows = x[0].map((_, j) => `(${[...x.map((r) => r[j]), ...y.map((r) => r[j])].join(', ')})`);
      await client.query(`CREATE TABLE ${schema}.${name} (${columns.join(', ')}); INSERT INTO ${schema}.${name} VALUES ${rows.join(', ')}`);
      return `SELECT * FROM ${schema}.${name}`;
    };

    before(async () => {
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
    });
    after(async () => {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
      dir.remove();
    });

    it("reads W and b's literals as the same doubles", async () => {
      const rand = random(3);
      const values = [0.1, 0.4, -2 / 3, Math.PI, 1e-300, 2.2250738585072014e-308, Number.MAX_VALUE, ...Array.from({ length: 300 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20))];
      const { rows } = await client.query({ text: `SELECT ${values.map((v) => `${literal(v)} * CAST(1 AS DOUBLE PRECISION)`).join(', ')}`, rowMode: 'array' });
      values.forEach((v, i) => expect(rows[0][i], literal(v)).to.equal(v));
    });

    it("trains the article's AND example to numpy's numbers, exact ties included", async () => {
      const sql = await table('and_gate', [[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]]);
      const report = await json('--backend', 'sql', '--db', url, '--sql', sql, '--weights', '0.4,0.2', '--bias', '1');
      expect(report.backend).to.match(/^sql \(PostgreSQL \d+\.\d+\)$/);
      expect(report.weights).to.deep.equal(AND_GOLDEN[1000].W);
      expect(report.bias).to.equal(AND_GOLDEN[1000].b);
    });

    for (const c of NUMPY_CASES) {
      it(`equals plain (and numpy) to 1e-9: ${c.name}`, async () => {
        const { x, y } = randomData(c.seed, c.features, c.samples, c.outputs);
        const { csv, labels } = writeCsv(dir, `case-${c.seed}-${c.gradient}`, x, y);
        const sql = await table(`case_${c.seed}_${c.outputs}_${c.gradient}`, x, y);
        const common = ['--iterations', String(c.iterations), '--lr', String(c.a), '--gradient', c.gradient, '--label', labels, '--weights', c.W.flat().join(','), '--bias', String(c.b)];
        const inDb = await json('--backend', 'sql', ...common, '--db', url, '--sql', sql);
        const plain = await json('--backend', 'plain', ...common, '--data', csv);
        const numpy = c.numpy[c.numpy.length - 1];
        expectClose(inDb.weights, plain.weights, 1e-9);
        expectClose(inDb.bias, plain.bias, 1e-9);
        expectClose(inDb.weights, numpy.W, 1e-9);
        expect(inDb.predictions).to.deep.equal(numpy.y_pred);
        // the same rows read into memory (through a cursor), and into a .npy cache in chunks
        expect(await json('--backend', 'plain', ...common, '--db', url, '--sql', sql)).to.deep.equal(plain);
        const chunked = await json('--backend', 'plain', ...common, '--db', url, '--sql', sql, '--chunk-samples', '9');
        expectClose(chunked.weights, plain.weights, 1e-9);
        expect(chunked.predictions).to.deep.equal(plain.predictions);
      });
    }

    it('refuses bad data, types and SQL in one line', async () => {
      await client.query(`CREATE TABLE ${schema}.bad (a double precision, b double precision, name text, y integer, d date)`);
      await client.query(`INSERT INTO ${schema}.bad VALUES (1, 2, 'x', 0, '2024-01-01'), (2, NULL, 'y', 1, '2024-01-02'), (3, 'NaN', 'z', 1, NULL)`);
      const q = (backend: string, sql: string) => refused('--backend', backend, '--db', url, '--sql', sql);
      expect(await q('plain', `SELECT a, b, y FROM ${schema}.bad`)).to.equal('the query: row 2, column "b" is NULL; expected a number');
      expect(await q('sql', `SELECT a, b, y FROM ${schema}.bad`)).to.equal(
        'the query: column "b" has 2 values that are NULL, NaN or infinite; every value must be a finite number',
      );
      expect(await q('sql', `SELECT a, y + 1 AS y FROM ${schema}.bad`)).to.equal('the query: column "y" is a label and has 2 values other than 0 and 1 (or NULL); to read other values, name the one that means 1 with --positive');
      expect(await q('sql', `SELECT a, name, y FROM ${schema}.bad`)).to.equal('the query: column "name" is text; expected numbers (integer, decimal, float, double or boolean)');
      expect(await q('plain', `SELECT a, d, y FROM ${schema}.bad`)).to.equal('the query: column "d" is date; expected numbers (integer, decimal, float, double or boolean)');
      expect(await q('plain', `SELECT a, a, y FROM ${schema}.bad`)).to.equal('the query names the column "a" twice; give each column its own name (AS …)');
      expect(await q('sql', `SELECT * FROM ${schema}.nope`)).to.equal(`${redacted(url)}: relation "${schema}.nope" does not exist`);
      expect(await q('sql', 'SELEC 1')).to.equal(`${redacted(url)}: syntax error at or near "SELEC"`);
      const labels = await json('--backend', 'sql', '--db', url, '--sql', `SELECT a, name FROM ${schema}.bad WHERE b IS NOT NULL`, '--positive', 'x', '--iterations', '2');
      expect(labels.predictions).to.have.length(1);
      // the label values read, as for a CSV; a --positive no row has lists them
      const model = dir.path('pg-labels.json');
      await json('--backend', 'sql', '--db', url, '--sql', `SELECT a, name FROM ${schema}.bad`, '--positive', 'x', '--iterations', '2', '--save', model);
      expect(JSON.parse(readFileSync(model, 'utf8')).labelValues).to.deep.equal({ x: 1, y: 0, z: 0 });
      expect(await refused('--backend', 'sql', '--db', url, '--sql', `SELECT a, name FROM ${schema}.bad`, '--positive', 'w')).to.equal(
        '--positive: no row of the query has "w" in the label column "name"; its values include "x", "y", "z"',
      );
    });

    it('a query with a second statement (; DROP TABLE …) is refused whole, with every command; the table stays', async () => {
      await client.query(`CREATE TABLE ${schema}.keep (a double precision, y integer); INSERT INTO ${schema}.keep VALUES (1, 0), (2, 1)`);
      const sql = `SELECT * FROM ${schema}.keep; DROP TABLE ${schema}.keep`;
      const message = `${redacted(url)}: cannot insert multiple commands into a prepared statement`;
      for (const args of [['--backend', 'sql', '--explain-sql'], ['--backend', 'sql'], ['--backend', 'plain']]) {
        expect(await refused(...args, '--db', url, '--sql', sql), args.join(' ')).to.equal(message);
      }
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.keep`);
      expect(rows[0].n).to.equal(2);
    });

    it('never prints the password: a refused password, an unreachable server', async () => {
      const password = new URL(url).password;
      expect(password).to.have.length.above(3);
      const wrong = url.replace(`:${password}@`, `:${password}x@`);
      const { code, stdout, stderr } = await cli('--backend', 'sql', '--db', wrong, '--sql', 'SELECT 1.0 AS a, 1 AS y');
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.equal(`error: ${redacted(url)}: cannot connect: password authentication failed for user "nn"\n`);
      expect(stderr).to.not.include(password);
      const closed = await refused('--sql', 'SELECT 1', '--db', `postgres://nn:${password}@127.0.0.1:1/x`);
      expect(closed).to.equal('postgres://nn:***@127.0.0.1:1/x: cannot connect: connect ECONNREFUSED 127.0.0.1:1');
    });
  });
}

/** The URL as messages show it. */
function redacted(url: string): string {
  const u = new URL(url);
  return url.replace(`:${u.password}@`, ':***@');
}
