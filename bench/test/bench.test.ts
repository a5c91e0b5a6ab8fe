import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../run';

// The benchmark is a script, never a timed test: this runs `bench --quick` once and checks the shape
// of what it writes, never the times.
describe('bench/main.ts --quick', function () {
  this.timeout(180_000);
  const root = mkdtempSync(join(tmpdir(), 'simple-nn-test-'));
  const dir = { path: (name: string) => join(root, name), remove: () => rmSync(root, { recursive: true, force: true }) };
  let results: BenchResults;

  before(() => {
    execFileSync(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), join(__dirname, '..', 'main.ts'), '--quick', '--out', dir.path('bench')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    results = JSON.parse(readFileSync(dir.path('bench/results.json'), 'utf8'));
  });
  after(() => dir.remove());

  it('writes results.json, results.md, chart.svg and chart.png', () => {
    for (const f of ['results.json', 'results.md', 'chart.svg', 'chart.png']) expect(existsSync(dir.path(`bench/${f}`)), f).to.equal(true);
    expect(readFileSync(dir.path('bench/chart.svg'), 'utf8')).to.match(/^<svg/);
    expect(readFileSync(dir.path('bench/chart.png')).subarray(1, 4).toString()).to.equal('PNG');
  });

  it('names the machine', () => {
    expect(results.machine.cpu).to.be.a('string').and.not.equal('');
    expect(results.machine.cores).to.be.above(0);
    expect(results.machine.node).to.equal(process.version);
    expect(results.machine.readBandwidth).to.be.above(0);
    expect(results.quick).to.equal(true);
    const md = readFileSync(dir.path('bench/results.md'), 'utf8');
    expect(md).to.include(results.machine.cpu).and.include(`Node ${process.version}`);
  });

  it('has one timing per backend and case, with positive ratios', () => {
    expect(results.runners).to.include.members(['wasm', 'cpu', 'plain', 'wasm (unscreened)', 'cpu (unscreened)', 'wasm (tfjs ops)', 'cpu (tfjs ops)']);
    const cases = [['and', 4], ['synthetic', 1e3], ['synthetic', 1e4], ['synthetic', 1e5]] as const;
    expect(results.timings).to.have.length(cases.length * results.runners.length);
    for (const [name, m] of cases) {
      const rows = results.timings.filter((t) => t.case === name && t.samplesInX === m);
      expect(rows.map((t) => t.backend).sort(), `${name} ${m}`).to.deep.equal([...results.runners].sort());
      for (const t of rows) {
        expect(Object.keys(t)).to.include.members(['median', 'p25', 'p75', 'min', 'max', 'samples', 'unit', 'vsPlain', 'vsBandwidthFloor', 'vsBandwidthFloorAllCores']);
        const ratios = [t.vsPlain, t.vsBandwidthFloor, t.vsBandwidthFloorAllCores, ...(results.runners.includes('numpy float32') ? [t.vsNumpy] : [])];
        for (const r of ratios) expect(r, `${t.backend} ${name} ${m}`).to.be.a('number').and.above(0).and.satisfy(Number.isFinite);
        expect(t.p25).to.be.at.most(t.median);
        expect(t.median).to.be.at.most(t.p75);
      }
    }
  });

  it('says exactly what computed in each row', () => {
    const compute = (backend: string, m: number) => results.timings.find((t) => t.backend === backend && t.samplesInX === m)?.compute;
    expect(compute('plain', 4)).to.equal('plain');
    expect(compute('wasm', 4)).to.match(/^wasm \(SIMD kernel, 1 thread, screened: [\d.]+% of samples read\)$/);
    expect(compute('wasm (unscreened)', 4)).to.equal('wasm (SIMD kernel, 1 thread)');
    expect(compute('cpu', 4)).to.match(/^cpu \(JS kernel, 1 thread, screened: [\d.]+% of samples read\)$/);
    expect(compute('cpu (unscreened)', 4)).to.equal('cpu (JS kernel, 1 thread)');
    expect(compute('cpu (unscreened)', 1e5)).to.match(/^cpu \(JS kernel, \d threads?\)$/);
    // a timed call at 1e5 is one iteration (plan.ts), and a kernel's first call on samples it loaded reads them all
    expect(compute('wasm', 1e5)).to.match(/^wasm \(SIMD kernel, \d threads?\)$/);
    expect(compute('cpu', 1e5)).to.match(/^cpu \(JS kernel, \d threads?\)$/);
    expect(compute('wasm (unscreened)', 1e5)).to.match(/^wasm \(SIMD kernel, \d threads?\)$/);
    expect(compute('wasm (tfjs ops)', 1e5)).to.equal('wasm (tfjs ops)');
    expect(compute('numpy float32', 1e5)).to.equal('numpy float32');
  });

  it('measures where tfjs ops spend an iteration, per backend', () => {
    expect(results.profiles.map((p) => p.backend).sort()).to.deep.equal(['cpu', 'wasm']);
    for (const { kernels } of results.profiles) {
      expect(kernels.map((k) => k.kernel)).to.include.members(['BatchMatMul', 'Sigmoid', 'GreaterEqual']);
      expect(kernels.reduce((acc, k) => acc + k.share, 0)).to.be.closeTo(1, 1e-9);
    }
  });

  it('times --backend sql pushed down into DuckDB over Parquet, on 1 and 2 threads (and PostgreSQL when PGURL is set)', () => {
    const rows = results.pushdown;
    // PostgreSQL runs at a smaller size, so its row may come first: compare the set, then each row by name
    expect(rows.map((t) => t.backend).sort()).to.deep.equal(
      [
        'sql (DuckDB, Parquet, 1 thread)',
        'sql (DuckDB, Parquet, 2 threads)',
        'DuckDB reading the Parquet, 1 thread',
        'DuckDB reading the Parquet, 2 threads',
        ...(process.env.PGURL ? ['sql (PostgreSQL)'] : []),
      ].sort(),
    );
    const row = (backend: string) => rows.find((t) => t.backend === backend)!;
    expect(row('sql (DuckDB, Parquet, 1 thread)').compute).to.match(/^sql \(DuckDB v[\d.]+, 1 thread\)$/);
    expect(row('sql (DuckDB, Parquet, 2 threads)').compute).to.match(/^sql \(DuckDB v[\d.]+, 2 threads\)$/);
    expect(row('DuckDB reading the Parquet, 2 threads').compute).to.match(/^DuckDB v[\d.]+, 2 threads: each column summed, no model$/);
    for (const t of rows.filter((r) => r.backend !== 'sql (PostgreSQL)')) expect(t.samples, t.backend).to.equal(5);
    expect(row('sql (DuckDB, Parquet, 1 thread)').samplesInX).to.equal(1e5);
    for (const t of rows) {
      expect(t.case).to.equal('synthetic');
      expect(t.p25).to.be.at.most(t.median);
      for (const r of [t.vsPlain, t.vsBandwidthFloor]) expect(r, t.backend).to.be.a('number').and.above(0).and.satisfy(Number.isFinite);
    }
    if (!process.env.PGURL) expect(results.unavailable['sql (PostgreSQL)']).to.match(/^PGURL is not set/);
    const md = readFileSync(dir.path('bench/results.md'), 'utf8');
    expect(md).to.include('| DuckDB pushdown: 2 threads ≥ 1.6× faster than 1 | **');
    expect(md).to.match(/\| DuckDB pushdown over Parquet ≤ 4× numpy float32 \| \*\*(not )?met\*\*: .*; DuckDB only reading the file on as many threads: [\d.]+ ms, [\d.]+× by itself\) \|/);
  });

  it('times one PostgreSQL server against two shards, with the bytes an iteration moved (when PGSHARD_URLS is set)', function () {
    if (!process.env.PGURL || !process.env.PGSHARD_URLS) {
      expect(results.shards).to.deep.equal([]);
      expect(results.unavailable['sql (PostgreSQL, 2 shards)']).to.match(/^PGURL and PGSHARD_URLS are not set/);
      return;
    }
    const rows = results.shards;
    expect(rows.map((t) => t.runner)).to.deep.equal([
      'sql (PostgreSQL, one server)',
      'sql (PostgreSQL, one server, no parallel workers)',
      'sql (PostgreSQL, 2 shards)',
      'the 2 shards queried at once, no coordinator',
    ]);
    const [one, serial, two, direct] = rows;
    expect(direct.compute).to.match(/^sql \(PostgreSQL 15\.\d+\) × 2, in parallel$/);
    expect(direct.bytesBetweenServers).to.equal(0);
    for (const t of rows) {
      expect(t.samplesInX).to.equal(1e5);
      if (t !== direct) expect(t.compute).to.match(/^sql \(PostgreSQL 15\.\d+\)$/);
      expect(t.p25).to.be.at.most(t.median);
      // the answer is one row of F + 1 sums: a few kB of query text and protocol, never the 1e5 rows (26 MB as doubles)
      expect(t.bytesToClient, t.runner).to.be.above(0).and.below(50_000);
    }
    expect(one.bytesBetweenServers).to.equal(0);
    expect(serial.bytesBetweenServers).to.equal(0);
    expect(two.bytesBetweenServers, 'each shard sends its sums, not its rows').to.be.above(0).and.below(100_000);
    const md = readFileSync(dir.path('bench/results.md'), 'utf8');
    expect(md).to.match(/\| two shards ≥ 1\.5× faster than one server \| \*\*(not )?met\*\*: [\d.]+× .*one server without parallel workers: [\d.]+ ms; the floor here, both shards queried at once with no coordinator: [\d.]+ ms, [\d.]+× one server\) \|/);
  });

  it('times the screened kernels (wasm, cpu) against themselves unscreened on separable and noisy data, with the fraction read', () => {
    const rows = results.screening;
    const configs = ['separable fused', 'separable unscreened', 'noisy fused', 'noisy unscreened'];
    expect(rows.map((t) => `${t.backend} ${t.data} ${t.kernels}`)).to.deep.equal([...configs.map((c) => `wasm ${c}`), ...configs.map((c) => `cpu ${c}`)]);
    const kernel = { wasm: 'SIMD kernel', cpu: 'JS kernel' };
    for (const t of rows) {
      expect(t.samplesInX).to.equal(1e5);
      expect(t.iterations).to.equal(100);
      for (const v of [t.msPerIteration, t.msPerIterationSecondHalf]) expect(v, t.compute).to.be.above(0).and.satisfy(Number.isFinite);
      if (t.kernels === 'unscreened') {
        expect(t.compute).to.match(new RegExp(`^${t.backend} \\(${kernel[t.backend]}, \\d threads?\\)$`));
        expect(t.readFraction).to.equal(1);
      } else {
        expect(t.compute).to.match(new RegExp(`^${t.backend} \\(${kernel[t.backend]}, \\d threads?, screened: [\\d.]+% of samples read\\)$`));
        expect(t.readFraction).to.be.above(0).and.at.most(1);
      }
    }
    // separable data converges: most blocks are skipped, on both kernels
    expect(rows[0].readFraction).to.be.below(0.5);
    expect(rows[4].readFraction).to.be.below(0.5);
    const md = readFileSync(dir.path('bench/results.md'), 'utf8');
    for (const on of ['', ', cpu']) {
      expect(md).to.match(new RegExp(`\\| screened ≤ 0\\.35× unscreened, separable \\(whole run${on}\\) \\| \\*\\*(not )?met\\*\\*: [\\d.]+× `));
      expect(md).to.match(new RegExp(`\\| screened ≤ 1\\.05× unscreened, noisy \\(whole run${on}\\) \\| \\*\\*(not )?met\\*\\*: [\\d.]+× `));
    }
  });

  it('times an iteration through the CLI, screened and unscreened, against the kernel rows', () => {
    expect(results.cli.map((t) => t.kernels)).to.deep.equal(['fused', 'unscreened']);
    for (const t of results.cli) {
      expect(t.samplesInX).to.equal(1e5);
      expect(t.msPerIteration, t.kernels).to.satisfy(Number.isFinite);
      expect(t.loopMsPerIteration, t.kernels).to.satisfy(Number.isFinite);
    }
    for (const compute of [results.cli[0].compute, results.cli[0].loopCompute]) expect(compute).to.match(/^wasm \(SIMD kernel, \d threads?, screened: [\d.]+% of samples read\)$/);
    for (const compute of [results.cli[1].compute, results.cli[1].loopCompute]) expect(compute).to.match(/^wasm \(SIMD kernel, \d threads?\)$/);
    const md = readFileSync(dir.path('bench/results.md'), 'utf8');
    expect(md).to.match(/\| CLI per iteration ≤ 1\.2× the kernel \(the loop alone, same run\), unscreened \| \*\*(not )?met\*\*: [\d.]+× /);
    expect(md).to.match(/\| CLI per iteration ≤ 1\.2× the kernel \(the loop alone, same run\), screened \| \*\*(not )?met\*\*: [\d.]+× \([\d.]+ vs [\d.]+ ms; [\d.]+% of samples read through the CLI\) \|/);
  });

  it('measures peak memory once per runner (the fused kernels and numpy, not the ops rows), against the size of x', () => {
    const measured = results.runners.filter((r) => !r.endsWith('(tfjs ops)') && !r.endsWith('(unscreened)'));
    expect(results.memory.map((m) => m.backend).sort()).to.deep.equal([...measured].sort());
    for (const m of results.memory) {
      expect(m.xBytes).to.equal(32 * 1e5 * 4);
      expect(m.peakRss).to.be.at.least(m.baselineRss);
      expect(m.vsX).to.be.a('number').and.satisfy(Number.isFinite);
    }
  });
});
