import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { shard } from '../src/cli/shard';
import { NUMPY_CASES, expectClose, randomData } from './fixtures';
import { runInProcess, tempDir } from './helpers';
import { cli, json, writeCsv } from './sql-helpers';

/**
 * Training on a table sharded over PostgreSQL servers: a coordinator (PGURL) and shards
 * (PGSHARD_URLS, comma-separated); `.ci/with-postgres-shards` starts three throwaway ones and sets
 * both. Without them these tests are skipped, in one line.
 */
const PGURL = process.env.PGURL;
const SHARDS = process.env.PGSHARD_URLS;

/** Every node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function nodes(plan: Record<string, any>): Record<string, any>[] {
  return [plan, ...((plan.Plans as Record<string, any>[] | undefined) ?? []).flatMap(nodes)];
}

describe('simple-nn shard: servers that are one database', () => {
  it("a shard that is the coordinator's database, or another shard's, is exit 2 before connecting (it hung), no password shown", async () => {
    const cases: [string, string, string][] = [
      ['postgres://nn:pw@127.0.0.1:5999/db', 'postgres://nn:pw@localhost:5999/db,postgres://nn:pw@127.0.0.1:5999/other', 'shard 1 (postgres://nn:***@localhost:5999/db) is the same database as the coordinator (postgres://nn:***@127.0.0.1:5999/db)'],
      ['postgres://nn@h1/db', 'postgres://nn@h2:5432/s,postgres://nn@h2/s', 'shard 2 (postgres://nn@h2/s) is the same database as shard 1 (postgres://nn@h2:5432/s)'],
    ];
    for (const [db, shards, what] of cases) {
      const { code, stdout, stderr } = await runInProcess(shard, ['--db', db, '--shards', shards, '--table', 't', '--data', 'missing.csv']);
      expect({ code, stdout, stderr }).to.deep.equal({ code: 2, stdout: '', stderr: `error: --shards: ${what}; each shard needs a database of its own, other than the coordinator's\n` });
    }
  });
});

if (!PGURL || !SHARDS) {
  describe('sharded PostgreSQL', () => {
    it.skip('skipped: PGURL and PGSHARD_URLS are not set (.ci/with-postgres-shards COMMAND starts a coordinator and two shards)');
  });
} else {
  describe('sharded PostgreSQL: simple-nn shard and --backend sql', function () {
    this.timeout(180000);
    const dir = tempDir();
    const coordinator = new Client({ connectionString: PGURL });
    const table = `nn_shards_${process.pid}`;
    const c = NUMPY_CASES[0];
    const { x, y } = randomData(c.seed, c.features, 301, c.outputs);
    const { csv } = writeCsv(dir, 'data', x, y);
    const train = ['--iterations', String(c.iterations), '--lr', String(c.a), '--weights', c.W.map((r) => r[0]).join(','), '--bias', String(c.b)];
    const sharded = ['--backend', 'sql', '--db', PGURL, '--sql', `SELECT * FROM ${table}`, '--ignore', 'shard'];
    const makeShards = (...more: string[]) => runInProcess(shard, ['--db', PGURL, '--shards', SHARDS, '--table', table, '--data', csv, ...more]);

    before(async () => {
      await coordinator.connect();
      const made = await makeShards('--replace');
      expect(made.code, made.stderr).to.equal(0);
    });
    after(async () => {
      await coordinator.end();
      dir.remove();
    });

    it('splits the samples into a run per shard, and refuses to replace them without --replace', async () => {
      const { code, stderr } = await makeShards();
      expect(code).to.equal(2);
      expect(stderr).to.match(new RegExp(`^error: the coordinator \\(postgres://[^:]+:\\*\\*\\*@[^)]+\\) already has a table ${table}; give --replace to replace it\\n$`));
      const { rows } = await coordinator.query(`SELECT shard, count(*)::int AS n FROM ${table} GROUP BY shard ORDER BY shard`);
      expect(rows).to.deep.equal([{ shard: 1, n: 151 }, { shard: 2, n: 150 }]);
    });

    it("trains on the sharded table to plain's W and b (1e-9)", async () => {
      const plain = await json('--data', csv, '--backend', 'plain', ...train);
      const report = await json(...sharded, ...train);
      expect(report.backend).to.match(/^sql \(PostgreSQL 15\.\d+\)$/);
      expectClose(report.weights, plain.weights, 1e-9);
      expectClose(report.bias, plain.bias, 1e-9);
      // the predictions in the samples' order, every time: the shards' rows were read as they came (async append), shard 2 first at times
      for (let run = 0; run < 4; run++) expect((await json(...sharded, ...train)).predictions, `run ${run}`).to.deep.equal(plain.predictions);
    });

    // 32 features: at the planner's default cost of a fetched row (0.01), PostgreSQL fetched every row
    // from the shards for the article's query grouped by e rather than push its 33 sums down
    const big = `${table}_big`;
    before(async () => {
      const data = randomData(c.seed + 1, 32, 3000);
      const made = await runInProcess(shard, ['--db', PGURL, '--shards', SHARDS, '--table', big, '--data', writeCsv(dir, 'big', data.x, data.y).csv, '--replace']);
      expect(made.code, made.stderr).to.equal(0);
    });
    for (const [name, shape] of [[table, `${c.features} features`], [big, '32 features']] as const) {
      for (const extra of [[], ['--gradient', 'logistic'], ['--until-no-error']]) {
        it(`each shard sends its sums, never its rows (plan of --explain-sql${extra.length ? ` ${extra.join(' ')}` : ''}, ${shape})`, async () => {
          const { code, stdout } = await cli('--backend', 'sql', '--db', PGURL, '--sql', `SELECT * FROM ${name}`, '--ignore', 'shard', ...extra, '--explain-sql');
          expect(code).to.equal(0);
          expect(stdout).to.match(/^-- per shard, with SET enable_partitionwise_aggregate = on\n/);
          await coordinator.query('SET enable_partitionwise_aggregate = on');
          const { rows } = await coordinator.query(`EXPLAIN (VERBOSE, FORMAT JSON) ${stdout}`);
          const scans = nodes(rows[0]['QUERY PLAN'][0].Plan).filter((n) => n['Node Type'] === 'Foreign Scan');
          expect(scans, 'one foreign scan a shard').to.have.length(2);
          for (const scan of scans) {
            // a scan that ships rows reads a relation ("Relation Name"); one that ships sums is an aggregate pushed down
            expect(scan.Relations, `a scan of ${scan['Relation Name'] ?? '?'} sends: ${String(scan['Remote SQL']).slice(0, 200)}…`).to.match(/^Aggregate on /);
            expect(scan['Remote SQL']).to.match(/^SELECT sum\(/);
            expect(scan['Remote SQL']).to.match(/ GROUP BY /);
          }
        });
      }
    }

    it('a shard lost mid-training: exit 2, one line naming its server, no password, no model saved', async () => {
      const server = `simple_nn_${table}_2`;
      const model = dir.path('model.json');
      const shard2 = new Client({ connectionString: SHARDS.split(',')[1] });
      await shard2.connect();
      try {
        const run = cli(...sharded, '--iterations', '1000000', '--save', model);
        // the coordinator's postgres_fdw connection to shard 2 is open once training queries it
        for (;;) {
          const { rows } = await shard2.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'postgres_fdw'");
          if (rows[0].n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await coordinator.query(`ALTER SERVER ${server} OPTIONS (SET port '1')`);
        const { code, stdout, stderr } = await run;
        expect(code, stderr).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr).to.match(new RegExp(`^error: postgres://[^\\n]*could not connect to server "${server}"\\n$`));
        const password = new URL(PGURL).password;
        if (password) expect(stderr).to.not.include(password);
        expect(existsSync(model)).to.equal(false);
      } finally {
        await shard2.end();
        await makeShards('--replace');
      }
    });

    it('a table name with capitals: the printed train command quotes it, and runs', async () => {
      const mixed = `Mixed_${process.pid}`;
      const made = await runInProcess(shard, ['--db', PGURL, '--shards', SHARDS, '--table', mixed, '--data', csv, '--replace']);
      expect(made.code, made.stderr).to.equal(0);
      const sql = /--sql '([^']+)'/.exec(made.stdout + made.stderr)![1];
      expect(sql).to.equal(`SELECT * FROM "${mixed}"`);
      const r = await json('--backend', 'sql', '--db', PGURL, '--sql', sql, '--ignore', 'shard', '--iterations', '2');
      expect(r.predictions[0]).to.have.length(301);
    });

    it('names an unreachable shard, never its password', async () => {
      const { code, stderr } = await runInProcess(shard, ['--db', PGURL, '--shards', `${SHARDS.split(',')[0]},postgres://nn:hunter2@127.0.0.1:1/x`, '--table', `${table}_x`, '--data', csv]);
      expect(code).to.equal(2);
      expect(stderr).to.equal('error: shard 2: postgres://nn:***@127.0.0.1:1/x: cannot connect: connect ECONNREFUSED 127.0.0.1:1\n');
    });
  });
}
