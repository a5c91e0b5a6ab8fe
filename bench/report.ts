import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writePlot } from '../src/plot/render';
import { PROFILE_ITERATIONS } from './plan';
import { statsCadence } from '../src/cli/findings';
import { LONG, RUNS as CLI_RUNS, SHORT, type CliCostRow } from './cli-cost';
import { percent } from '../src/network/tensor';
import { FLIPPED, ROUNDS } from './screening';
import type { BenchResults, Timing } from './run';

const MB = 2 ** 20;

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function ratio(v: number | undefined): string {
  return v === undefined ? '–' : v >= 100 ? `${v.toFixed(0)}×` : `${v.toPrecision(2)}×`;
}

function sizeLabel(t: Timing): string {
  return t.case === 'and' ? 'AND (2×4), 1000 iterations' : `${t.features}×${t.samplesInX.toExponential(0).replace('+', '')}`;
}

/** The results as markdown: the machine, the timings table, where tfjs's ops spend their time, the memory table. */
export function markdown(r: BenchResults): string {
  const { machine } = r;
  const lines = [
    `# Benchmark${r.quick ? ' (--quick)' : ''}`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.numpy}; ` +
      `read bandwidth ${(machine.readBandwidth / 1e9).toFixed(1)} GB/s on one core, ` +
      `${(machine.readBandwidthAllCores / 1e9).toFixed(1)} GB/s on ${machine.readBandwidthCores}. ${r.date}.`,
    '',
    ...Object.entries(r.unavailable).map(([b, why]) => `Not run: ${b} (${why.split(';')[0]}).`),
    '',
    'Median of the samples and their spread (p25–p75); the AND example is a whole run of 1000 iterations,',
    'synthetic float32 data (32 features) is per iteration after warm-up. "× numpy" is against the fastest',
    'numpy variant of the same data; "floor" is the time to read x once at the read bandwidth of one core',
    `or of all ${machine.readBandwidthCores}. A timed call trains a few iterations on samples it loads, and a`,
    "kernel's first call on samples it loaded reads them all: where a call is one iteration, the screened rows",
    'read every sample (their label says so), and the screening table below shows what screening saves.',
    '',
    '| data | backend | what computes | median ms | p25–p75 ms | × numpy | × plain | × floor (1 core) | × floor (all cores) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.timings.map(
      (t) =>
        `| ${sizeLabel(t)} | ${t.backend} | ${t.compute} | ${ms(t.median)} | ${ms(t.p25)}–${ms(t.p75)} | ${ratio(t.vsNumpy)} | ` +
        `${ratio(t.vsPlain)} | ${ratio(t.vsBandwidthFloor)} | ${ratio(t.vsBandwidthFloorAllCores)} |`,
    ),
    '',
    ...pushdownTable(r),
    ...shardTable(r),
    ...screeningTable(r),
    ...cliTable(r),
    ...r.profiles.flatMap(({ backend, kernels }) => [
      `Where an iteration of \`${backend} (tfjs ops)\` spends its time at 32×${r.profileSize.toExponential(0).replace('+', '')} (tf.profile, kernel time per iteration):`,
      '',
      '| kernel | calls per iteration | ms per iteration | share |',
      '| --- | ---: | ---: | ---: |',
      ...kernels.map((k) => `| ${k.kernel} | ${k.calls / PROFILE_ITERATIONS} | ${ms(k.ms / PROFILE_ITERATIONS)} | ${(k.share * 100).toFixed(1)}% |`),
      '',
    ]),
    ...targets(r),
    `Peak memory (RSS) while training on ${r.memory[0]?.features ?? 32}×${r.memory[0]?.samplesInX ?? ''} ` +
      '(each backend in a process of its own; x read from .npy): ' +
      'the peak above the process\'s RSS before loading the data, against the float32 size of x.',
    '',
    '| backend | x (float32) MB | RSS before data MB | peak RSS MB | (peak − before) ÷ x |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.memory.map(
      (m) =>
        `| ${m.backend} | ${(m.xBytes / MB).toFixed(0)} | ${(m.baselineRss / MB).toFixed(0)} | ${(m.peakRss / MB).toFixed(0)} | ${m.vsX.toFixed(2)}× |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** The pushdown rows (`--backend sql`), against numpy float32 and plain on the same data. */
function pushdownTable(r: BenchResults): string[] {
  const rows = r.pushdown ?? [];
  if (rows.length === 0) return [];
  const f32 = (t: Timing) => r.timings.find((n) => n.backend === 'numpy float32' && n.samplesInX === t.samplesInX);
  return [
    '`--backend sql`, the sums pushed down: each iteration is one aggregate query that the database runs over all',
    'the samples (DuckDB, in process, reading a Parquet file of the same data every iteration; PostgreSQL over a table',
    'of it), returning F + 1 numbers. Per iteration after warm-up, as above. "DuckDB reading the Parquet" is DuckDB',
    'doing only what every iteration starts with — reading each column of the file as a double and summing it, no',
    'model — which bounds any query over the file. The DuckDB rows took their samples in turn, round after round.',
    '',
    '| data | backend | what computes | median ms | p25–p75 ms | × numpy float32 | × plain |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((t) => {
      const numpy = f32(t);
      return `| ${sizeLabel(t)} | ${t.backend} | ${t.compute} | ${ms(t.median)} | ${ms(t.p25)}–${ms(t.p75)} | ${ratio(numpy && t.median / numpy.median)} | ${ratio(t.vsPlain)} |`;
    }),
    '',
  ];
}

/** The sharded rows: one PostgreSQL server holding every sample against a coordinator over two shards, with the bytes each iteration moved. */
function shardTable(r: BenchResults): string[] {
  const rows = r.shards ?? [];
  if (rows.length === 0) return [];
  const kB = (bytes: number) => (bytes === 0 ? '—' : `${(bytes / 1000).toFixed(1)} kB`);
  return [
    'Sharded PostgreSQL (docs/sharding.md): the same samples in one table on one server, against a coordinator whose',
    'partitioned table has its two partitions on two other servers (postgres_fdw; `simple-nn shard`), each shard summing',
    'its own samples. All three servers run on this machine, so they share its cores. Per iteration after warm-up, the',
    "rows' samples taken in turn. The bytes are counted by a TCP relay on every connection, over a whole timed run.",
    '',
    '| data | backend | what computes | median ms | p25–p75 ms | bytes between servers per iteration | bytes to the client per iteration |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((t) => `| 32×${t.samplesInX.toExponential(0).replace('+', '')} | ${t.runner} | ${t.compute} | ${ms(t.median)} | ${ms(t.p25)}–${ms(t.p75)} | ${kB(t.bytesBetweenServers)} | ${kB(t.bytesToClient)} |`),
    '',
  ];
}

/** The sharding target (issue "Past one machine, for real"): two shards ≥ 1.5× faster than one server, with this machine's floor. */
function shardTargets(r: BenchResults): string[] {
  const at = (runner: string) => (r.shards ?? []).find((t) => t.runner === runner);
  const [one, two, serial, direct] = [
    at('sql (PostgreSQL, one server)'),
    at('sql (PostgreSQL, 2 shards)'),
    at('sql (PostgreSQL, one server, no parallel workers)'),
    at('the 2 shards queried at once, no coordinator'),
  ];
  if (!one || !two) return [];
  const f = (v: number) => v.toPrecision(3);
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const floor =
    (serial ? `; one server without parallel workers: ${ms(serial.median)} ms` : '') +
    (direct ? `; the floor here, both shards queried at once with no coordinator: ${ms(direct.median)} ms, ${f(one.median / direct.median)}× one server` : '');
  return [`| two shards ≥ 1.5× faster than one server | ${verdict(one.median / two.median >= 1.5)}: ${f(one.median / two.median)}× (${ms(one.median)} ms on one server, ${ms(two.median)} ms on two shards${floor}) |`];
}

/** The performance targets (issue "Honest backends and a fair race"), met or not, from this run's own figures. */
function targets(r: BenchResults): string[] {
  const largest = Math.max(...r.timings.filter((t) => t.case === 'synthetic').map((t) => t.samplesInX));
  const at = (backend: string, m: number) => r.timings.find((t) => t.backend === backend && t.samplesInX === m);
  const ours = (t: Timing) => !t.backend.startsWith('numpy');
  const fastest = (rows: Timing[]) => rows.reduce((best, t) => (t.median < best.median ? t : best));
  const big = r.timings.filter((t) => t.samplesInX === largest && t.case === 'synthetic');
  const f32 = at('numpy float32', largest);
  if (!f32 || big.length === 0) return [];
  const top = fastest(big.filter(ours));
  const wasm = at('wasm', largest);
  const and = r.timings.filter((t) => t.case === 'and');
  const andTfjs = fastest(and.filter((t) => ours(t) && t.backend !== 'plain'));
  const andArticle = and.find((t) => t.backend === 'numpy (article code)');
  const mem = r.memory.filter((m) => !m.backend.startsWith('numpy'));
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const size = `32×${largest.toExponential(0).replace('+', '')}`;
  const f = (v: number) => v.toPrecision(3);
  return [
    `Targets (${size} float32 unless said; ratios from this run):`,
    '',
    '| target | result |',
    '| --- | --- |',
    `| fastest path ≤ 0.5× numpy float32 | ${verdict(top.median / f32.median <= 0.5)}: ${top.compute} ${f(top.median / f32.median)}× |`,
    `| fastest path ≤ 1.5× the all-core read floor | ${verdict(top.vsBandwidthFloorAllCores <= 1.5)}: ${f(top.vsBandwidthFloorAllCores)}× |`,
    ...(wasm ? [`| \`--backend wasm\` (default kernels) ≤ 1.0× numpy float32 | ${verdict(wasm.median / f32.median <= 1)}: ${wasm.compute} ${f(wasm.median / f32.median)}× |`] : []),
    ...(andArticle
      ? [`| AND example: fastest tfjs path ≤ 2× the article's numpy code | ${verdict(andTfjs.median / andArticle.median <= 2)}: ${andTfjs.compute} ${f(andTfjs.median / andArticle.median)}× |`]
      : []),
    `| peak RSS ≤ 1.5× x for every backend at ${size} | ${verdict(mem.every((m) => m.vsX <= 1.5))}: ${mem.map((m) => `${m.backend} ${m.vsX.toFixed(2)}×`).join(', ')} |`,
    ...pushdownTargets(r, largest, f32),
    ...shardTargets(r),
    ...screeningTargets(r, f32),
    ...cliTargets(r),
    '',
  ];
}

/** The screened kernels' rows: fresh runs from W = 0, per iteration over the whole run and its second half. */
function screeningTable(r: BenchResults): string[] {
  const rows = r.screening ?? [];
  if (rows.length === 0) return [];
  const f32 = r.timings.find((t) => t.backend === 'numpy float32' && t.samplesInX === rows[0].samplesInX);
  const vs = (v: number) => ratio(f32 && v / f32.median);
  return [
    `Screening: the wasm SIMD kernel (blocks of 256 samples) and the cpu JS kernel (blocks of 128) skipping, exactly, the blocks whose`,
    `predictions cannot have changed, against the same kernel reading every sample. Each row is a fresh run of ${rows[0].iterations} iterations from W = 0,`,
    'the screened and the unscreened run of the same data taking their iterations in turn (one after the other\'s, so that what else the machine',
    `does falls on both alike), the fastest of ${ROUNDS} rounds (the first iteration includes making the samples ready); "noisy" is the same data with ${FLIPPED * 100}% of the labels flipped.`,
    '"× numpy float32" is against that row of the table above (per iteration; numpy\'s cost does not depend on the labels).',
    '',
    '| data | kernel | what computes | samples read | ms per iteration | × numpy float32 | second half, ms per iteration | × numpy float32 |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (t) =>
        `| ${t.data} ${t.features}×${t.samplesInX.toExponential(0).replace('+', '')} | ${t.kernels === 'fused' ? 'screened' : 'unscreened'} | ${t.compute} | ` +
        `${percent(t.readFraction)} | ${ms(t.msPerIteration)} | ${vs(t.msPerIteration)} | ${ms(t.msPerIterationSecondHalf)} | ${vs(t.msPerIterationSecondHalf)} |`,
    ),
    '',
  ];
}

/** What an iteration costs through the CLI, against the same iterations of the loop alone. */
function cliTable(r: BenchResults): string[] {
  const rows = r.cli ?? [];
  if (rows.length === 0) return [];
  const f32 = r.timings.find((t) => t.backend === 'numpy float32' && t.samplesInX === rows[0].samplesInX);
  return [
    `The CLI: \`simple-nn train --backend wasm --x x.npy --y y.npy --json\` on the largest case, per iteration: (time at ${LONG}`,
    `iterations − time at ${SHORT}) / ${LONG - SHORT}, each the fastest of ${CLI_RUNS} rounds of the four runs in turn, so that loading and the report cancel out and`,
    `what stays is the loop with the stats the CLI gathers (the errors every ${statsCadence(LONG)} iterations at ${LONG}, the loss at 3 points).`,
    '"The loop alone" is the same difference for a script that reads the same .npy files and runs the library\'s training',
    'loop from the same start (W = 0), with no stats and no report, each run a fresh process as the CLI\'s are: the kernel\'s own cost.',
    '',
    '| kernels | what computes (CLI) | CLI ms per iteration | × numpy float32 | the loop alone, ms per iteration | what computes (loop) | CLI ÷ loop |',
    '| --- | --- | ---: | ---: | ---: | --- | ---: |',
    ...rows.map(
      (t) =>
        `| ${t.kernels} | ${t.compute} | ${ms(t.msPerIteration)} | ${ratio(f32 && t.msPerIteration / f32.median)} | ${ms(t.loopMsPerIteration)} | ${t.loopCompute} | ` +
        `${(t.msPerIteration / t.loopMsPerIteration).toPrecision(3)}× |`,
    ),
    '',
  ];
}

/** The CLI's own cost against the loop alone on the same samples, start and iterations (see {@link cliTable}); unscreened also against the bench's `wasm (unscreened)` row. */
function cliTargets(r: BenchResults): string[] {
  const rows = r.cli ?? [];
  const cliOf = (k: string) => rows.find((t) => t.kernels === k);
  const [screened, unscreened] = [cliOf('fused'), cliOf('unscreened')];
  if (!screened || !unscreened) return [];
  const kernel = r.timings.find((t) => t.backend === 'wasm (unscreened)' && t.samplesInX === unscreened.samplesInX);
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const f = (v: number) => v.toPrecision(3);
  const against = (t: CliCostRow) => `${verdict(t.msPerIteration / t.loopMsPerIteration <= 1.2)}: ${f(t.msPerIteration / t.loopMsPerIteration)}× (${ms(t.msPerIteration)} vs ${ms(t.loopMsPerIteration)} ms`;
  const row = kernel ? `; the \`wasm (unscreened)\` row: ${ms(kernel.median)} ms, ${f(unscreened.msPerIteration / kernel.median)}×` : '';
  return [
    `| CLI per iteration ≤ 1.2× the kernel (the loop alone, same run), unscreened | ${against(unscreened)}${row}) |`,
    `| CLI per iteration ≤ 1.2× the kernel (the loop alone, same run), screened | ${against(screened)}; ${screened.compute.replace(/^.*screened: /, '').replace(/\)$/, '')} through the CLI) |`,
  ];
}

/** The screening targets (issue "Faster than reading x"), from this run's own figures: wasm's, then cpu's (its label says so). */
function screeningTargets(r: BenchResults, f32: Timing): string[] {
  return (['wasm', 'cpu'] as const).flatMap((backend) => {
    const at = (data: string, kernels: string) => (r.screening ?? []).find((t) => t.backend === backend && t.data === data && t.kernels === kernels);
    const [sep, sepFull, noisy, noisyFull] = [at('separable', 'fused'), at('separable', 'unscreened'), at('noisy', 'fused'), at('noisy', 'unscreened')];
    if (!sep || !sepFull || !noisy || !noisyFull) return [];
    const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
    const f = (v: number) => v.toPrecision(3);
    const read = (t: typeof sep) => `${percent(t.readFraction)} of samples read`;
    const on = backend === 'wasm' ? '' : `, ${backend}`;
    return [
      `| screened ≤ 0.35× unscreened, separable (whole run${on}) | ${verdict(sep.msPerIteration / sepFull.msPerIteration <= 0.35)}: ${f(sep.msPerIteration / sepFull.msPerIteration)}× (${ms(sep.msPerIteration)} vs ${ms(sepFull.msPerIteration)} ms; ${read(sep)}) |`,
      `| screened ≤ 0.25× numpy float32, separable (whole run${on}) | ${verdict(sep.msPerIteration / f32.median <= 0.25)}: ${f(sep.msPerIteration / f32.median)}× (${ms(sep.msPerIteration)} vs ${ms(f32.median)} ms) |`,
      `| screened ≤ 1.05× unscreened, noisy (whole run${on}) | ${verdict(noisy.msPerIteration / noisyFull.msPerIteration <= 1.05)}: ${f(noisy.msPerIteration / noisyFull.msPerIteration)}× (${ms(noisy.msPerIteration)} vs ${ms(noisyFull.msPerIteration)} ms; ${read(noisy)}) |`,
    ];
  });
}

/** The pushdown targets (issue "Train where the data lives"): DuckDB over Parquet against numpy float32, and 2 threads against 1. */
function pushdownTargets(r: BenchResults, largest: number, f32: Timing): string[] {
  const at = (backend: string) => (r.pushdown ?? []).find((t) => t.backend === backend && t.samplesInX === largest);
  const [one, two] = [at('sql (DuckDB, Parquet, 1 thread)'), at('sql (DuckDB, Parquet, 2 threads)')];
  if (!one || !two) return [];
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const fastest = one.median < two.median ? one : two;
  const read = at(`DuckDB reading the Parquet, ${fastest === one ? '1 thread' : '2 threads'}`);
  const f = (v: number) => v.toPrecision(3);
  const floor = read ? `; DuckDB only reading the file on as many threads: ${ms(read.median)} ms, ${f(read.median / f32.median)}× by itself` : '';
  return [
    `| DuckDB pushdown over Parquet ≤ 4× numpy float32 | ${verdict(fastest.median / f32.median <= 4)}: ${fastest.compute} ${f(fastest.median / f32.median)}× (${ms(fastest.median)} ms vs ${ms(f32.median)} ms${floor}) |`,
    `| DuckDB pushdown: 2 threads ≥ 1.6× faster than 1 | ${verdict(one.median / two.median >= 1.6)}: ${f(one.median / two.median)}× (${ms(one.median)} ms on 1 thread, ${ms(two.median)} ms on 2) |`,
  ];
}

/** Time per iteration against samples, one line per backend, log–log. */
export function chartSpec(r: BenchResults): TopLevelSpec {
  const values = r.timings
    .filter((t) => t.case === 'synthetic')
    .map((t) => ({ backend: t.backend, samples: t.samplesInX, median: t.median, p25: t.p25, p75: t.p75 }));
  const x = { field: 'samples', type: 'quantitative', scale: { type: 'log' }, title: 'samples (32 features, float32)' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Time per iteration — ${r.machine.cpu}, ${r.machine.cores} cores`,
    width: 480,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'median', type: 'quantitative', scale: { type: 'log' }, title: 'ms per iteration (median, bars p25–p75)' },
          color: { field: 'backend', type: 'nominal' },
        },
      },
      {
        mark: { type: 'errorbar' },
        encoding: { x, y: { field: 'p25', type: 'quantitative', title: null }, y2: { field: 'p75' }, color: { field: 'backend', type: 'nominal' } },
      },
    ],
  };
}

/** Writes results.json, results.md, chart.svg and chart.png into `dir`. */
export async function writeResults(dir: string, r: BenchResults): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = ['results.json', 'results.md', 'chart.svg', 'chart.png'].map((f) => join(dir, f));
  writeFileSync(files[0], `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(files[1], markdown(r));
  await writePlot(files[2], chartSpec(r));
  await writePlot(files[3], chartSpec(r));
  return files;
}

/** The README, whose headline table {@link updateDocs} rewrites. */
export const README = join(__dirname, '..', 'README.md');
/** The benchmark's page, whose tables {@link updateDocs} rewrites. */
export const BENCHMARK_PAGE = join(__dirname, '..', 'docs', 'benchmark.md');

/** The README's headline: every row of the largest synthetic case, per iteration. */
export function headline(r: BenchResults): string {
  const largest = Math.max(...r.timings.filter((t) => t.case === 'synthetic').map((t) => t.samplesInX));
  const rows = r.timings.filter((t) => t.case === 'synthetic' && t.samplesInX === largest);
  if (rows.length === 0) return 'No synthetic case ran.';
  return [
    `Per iteration on ${sizeLabel(rows[0])} float32 data (${r.machine.cpu}, ${r.machine.cores} cores, ${r.date}; median of the samples):`,
    '',
    '| backend | what computes | median ms | × numpy | × floor (all cores) |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((t) => `| ${t.backend} | ${t.compute} | ${ms(t.median)} | ${ratio(t.vsNumpy)} | ${ratio(t.vsBandwidthFloorAllCores)} |`),
    ...screeningSummary(r, rows.find((t) => t.backend === 'numpy float32')),
  ].join('\n');
}

/** The screening targets of this run in one paragraph, for the README (the tables: {@link screeningTable}, {@link cliTable}). */
function screeningSummary(r: BenchResults, f32: Timing | undefined): string[] {
  const verdict = (v: number, what: string, target: number) => `${v.toPrecision(3)}× ${what} (≤ ${target}×: ${v <= target ? '**met**' : '**not met**'})`;
  const parts = (['wasm', 'cpu'] as const).flatMap((backend) => {
    const at = (data: string, kernels: string) => (r.screening ?? []).find((t) => t.backend === backend && t.data === data && t.kernels === kernels);
    const [sep, sepFull, noisy, noisyFull] = [at('separable', 'fused'), at('separable', 'unscreened'), at('noisy', 'fused'), at('noisy', 'unscreened')];
    if (!sep || !sepFull || !noisy || !noisyFull) return [];
    const numpy = f32 ? ` and ${verdict(sep.msPerIteration / f32.median, 'numpy float32', 0.25)}` : '';
    return [
      `${backend} on separable data ${ms(sep.msPerIteration)} ms per iteration, ${verdict(sep.msPerIteration / sepFull.msPerIteration, 'unscreened', 0.35)}${numpy}, ` +
        `${percent(sep.readFraction)} of samples read; on noisy data ${verdict(noisy.msPerIteration / noisyFull.msPerIteration, 'unscreened', 1.05)}, ${percent(noisy.readFraction)} read`,
    ];
  });
  if (parts.length === 0) return [];
  const cli = (k: string) => (r.cli ?? []).find((t) => t.kernels === k);
  const [screened, unscreened] = [cli('fused'), cli('unscreened')];
  const through = screened && unscreened
    ? ` Through the CLI an iteration costs ${verdict(unscreened.msPerIteration / unscreened.loopMsPerIteration, 'the loop alone unscreened', 1.2)} and ${verdict(screened.msPerIteration / screened.loopMsPerIteration, 'screened', 1.2)}.`
    : '';
  const iterations = r.screening[0].iterations;
  return ['', `Screening ([docs/screening.md](docs/screening.md)), fresh runs of ${iterations} iterations from W = 0 in the same run: ${parts.join('; ')}.${through}`];
}

/** `text` with what stands between its `<!-- name:start -->` and `<!-- name:end -->` lines replaced by `body`. */
function replaceSection(text: string, name: string, body: string, file: string): string {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const [i, j] = [text.indexOf(start), text.indexOf(end)];
  if (i < 0 || j < i) throw new Error(`${file} has no ${start} … ${end} section`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}

/**
 * Puts this run's tables into the benchmark's page (between its `bench` markers) and its headline
 * into the README (between its `bench-headline` markers). Both files are checked before either is
 * written, so a file without its markers leaves both as they were.
 */
export function updateDocs(r: BenchResults, paths = { page: BENCHMARK_PAGE, readme: README }): string[] {
  const body = markdown(r).split('\n').slice(1).join('\n').trim(); // without the "# Benchmark" title
  const page = replaceSection(readFileSync(paths.page, 'utf8'), 'bench', body, paths.page);
  const readme = replaceSection(readFileSync(paths.readme, 'utf8'), 'bench-headline', headline(r), paths.readme);
  writeFileSync(paths.page, page);
  writeFileSync(paths.readme, readme);
  return [paths.page, paths.readme];
}
