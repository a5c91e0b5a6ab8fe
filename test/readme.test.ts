import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { headline, updateDocs } from '../bench/report';
import type { BenchResults } from '../bench/run';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown lines outside ``` fences. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/** The anchor GitHub gives a heading (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

function anchors(text: string): Set<string> {
  return new Set(prose(text).flatMap((line) => /^#{1,6} (.*)$/.exec(line)?.slice(1).map(slug) ?? []));
}

/** The first fenced block of `text` whose opening line is exactly `open` (e.g. "```sh"), and where it starts. */
function block(text: string, open: string, after = 0): { body: string; line: number } | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l, i) => i >= after && l === open);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l === '```');
  return { body: lines.slice(start + 1, end).join('\n'), line: start + 1 };
}

describe('README', function () {
  this.timeout(60000);
  const readme = read('README.md');

  it('gives the two commands on its first screen', () => {
    const commands = block(readme, '```sh');
    expect(commands, 'the first ```sh block').to.not.equal(undefined);
    expect(commands!.line, 'the line of the first ```sh block').to.be.below(40);
    const lines = commands!.body.split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(lines).to.deep.equal(['npm install && npm start', 'npm test']);
  });

  it('is at most 200 lines', () => {
    expect(readme.split('\n').length).to.be.at.most(200);
  });

  it("shows exactly what `npm start` prints (its first line up to the backend's reason)", () => {
    const shown = block(readme, '```', readme.split('\n').findIndex((l) => l.includes('`npm start` then runs')));
    expect(shown, 'the block after "`npm start` then runs"').to.not.equal(undefined);
    const out = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--backend', 'wasm'], { encoding: 'utf8' });
    const [first, ...rest] = shown!.body.split('\n');
    const [outFirst, ...outRest] = out.trim().split('\n');
    // the README shows auto on a machine without tfjs-node; --backend wasm gives the same run without the reason
    expect(first.split(';')[0]).to.equal(outFirst);
    expect(rest).to.deep.equal(outRest);
  });

  it("headline table repeats, figure for figure, the largest case's rows of docs/benchmark.md", () => {
    const headline = /<!-- bench-headline:start -->\n([\s\S]*?)<!-- bench-headline:end -->/.exec(readme);
    expect(headline, 'the bench-headline markers').to.not.equal(null);
    const rows = headline![1].split('\n').filter((l) => /^\| (?!backend|---)/.test(l));
    const size = /^Per iteration on (\S+) float32 data/.exec(headline![1])?.[1];
    expect(size).to.equal('32×1e6');
    expect(rows.length).to.be.at.least(4);
    const full = read('docs/benchmark.md').split('\n').filter((l) => l.startsWith(`| ${size} |`));
    for (const row of rows) {
      const [backend, compute, median, numpy, floor] = row.split('|').slice(1, -1).map((c) => c.trim());
      const match = full.find((l) => l.split('|')[2].trim() === backend);
      expect(match, backend).to.not.equal(undefined);
      const cells = match!.split('|').slice(1, -1).map((c) => c.trim());
      expect([compute, median, numpy, floor], backend).to.deep.equal([cells[2], cells[3], cells[5], cells[8]]);
    }
  });
});

describe('links in README.md and docs/*.md', () => {
  const pages = new Map(PAGES.map((p) => [p, read(p)]));

  for (const page of PAGES) {
    it(`${page}: every relative link names a file that exists, and an anchor of it`, () => {
      const links = prose(pages.get(page)!).flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]));
      const broken = links
        .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link))
        .filter((link) => {
          const [path, anchor] = link.split('#');
          const target = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), decodeURIComponent(path)));
          if (!existsSync(join(ROOT, target))) return true;
          if (anchor === undefined || !target.endsWith('.md')) return false;
          return !anchors(pages.get(target) ?? read(target)).has(anchor);
        });
      expect(broken).to.deep.equal([]);
    });
  }

  it('README links every page in docs/', () => {
    const linked = new Set([...pages.get('README.md')!.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]));
    expect(PAGES.filter((p) => p !== 'README.md' && !linked.has(p))).to.deep.equal([]);
  });
});

describe("docs/library-api.md's example", function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());

  it('runs as written and prints what its comments say', () => {
    const page = read('docs/library-api.md');
    const code = /```ts\n(import \{ Classifier \} from '\.\/src';[\s\S]*?)```/.exec(page);
    expect(code, 'the ```ts block of the library API').to.not.equal(null);
    const file = dir.write('example.ts', code![1].replace("'./src'", JSON.stringify(join(ROOT, 'src'))));
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', file], { cwd: ROOT, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines[0]).to.match(/^(tensorflow \(tfjs ops\)|wasm \(SIMD kernel, 1 thread, screened: 5\.4% of samples read\)|cpu \(JS kernel, 1 thread, screened: 5\.4% of samples read\)) auto/);
    expect(lines).to.include('[ [ 0, 0, 0, 1 ] ]');
    expect(lines).to.include('1');
    expect(JSON.parse(lines[lines.length - 1])).to.include({ format: 'simple-nn-model', version: 1 });
  });
});

describe('bench --readme (updateDocs)', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const row = (c: 'and' | 'synthetic', backend: string, samplesInX: number, median: number) => ({
    case: c, backend, compute: backend === 'wasm' ? 'wasm (SIMD kernel, 2 threads)' : backend, features: c === 'and' ? 2 : 32, samplesInX,
    unit: 'ms per iteration', xBytesPerIteration: 4 * 32 * samplesInX, median, p25: median, p75: median, min: median, max: median, samples: 5,
    vsNumpy: median / 6, vsPlain: 1, vsBandwidthFloor: 2, vsBandwidthFloorAllCores: 1.5,
  });
  const results = {
    machine: { cpu: 'Test CPU', cores: 2, node: 'v20', numpy: 'numpy 2', readBandwidth: 2e10, readBandwidthAllCores: 4e10, readBandwidthCores: 2 },
    quick: false, date: '2026-01-01T00:00:00.000Z', runners: ['wasm', 'numpy float32'], unavailable: {},
    timings: [row('and', 'wasm', 4, 20), row('synthetic', 'wasm', 1e6, 4), row('synthetic', 'numpy float32', 1e6, 6)],
    memory: [], profiles: [], profileSize: 1e6, pushdown: [], screening: [],
  } as unknown as BenchResults;

  it('writes the tables into docs/benchmark.md and the headline into README.md, each between its markers', () => {
    const page = dir.write('benchmark.md', 'before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n');
    const readme = dir.write('README.md', 'top\n<!-- bench-headline:start -->\nold\n<!-- bench-headline:end -->\nend\n');
    expect(updateDocs(results, { page, readme })).to.deep.equal([page, readme]);
    const written = readFileSync(page, 'utf8');
    expect(written).to.match(/^before\n<!-- bench:start -->\nMachine: Test CPU, 2 cores/).and.match(/\n<!-- bench:end -->\nafter\n$/);
    expect(written).to.include('| 32×1e6 | wasm | wasm (SIMD kernel, 2 threads) | 4.00 |').and.not.include('# Benchmark');
    expect(readFileSync(readme, 'utf8')).to.equal(`top\n<!-- bench-headline:start -->\n${headline(results)}\n<!-- bench-headline:end -->\nend\n`);
    expect(headline(results).split('\n')).to.deep.equal([
      'Per iteration on 32×1e6 float32 data (Test CPU, 2 cores, 2026-01-01T00:00:00.000Z; median of the samples):',
      '',
      '| backend | what computes | median ms | × numpy | × floor (all cores) |',
      '| --- | --- | ---: | ---: | ---: |',
      '| wasm | wasm (SIMD kernel, 2 threads) | 4.00 | 0.67× | 1.5× |',
      '| numpy float32 | numpy float32 | 6.00 | 1.0× | 1.5× |',
    ]);
  });

  it('puts the screening targets of the same run below the headline table, met or not, with the fraction read', () => {
    const run = (backend: string, data: string, kernels: string, msPerIteration: number, readFraction: number) => ({
      backend, data, kernels, compute: backend, features: 32, samplesInX: 1e6, iterations: 100, msPerIteration, msPerIterationSecondHalf: msPerIteration, readFraction,
    });
    const screening = [
      run('wasm', 'separable', 'fused', 1, 0.2), run('wasm', 'separable', 'unscreened', 4, 1), run('wasm', 'noisy', 'fused', 5, 1), run('wasm', 'noisy', 'unscreened', 4.5, 1),
      run('cpu', 'separable', 'fused', 3, 0.125), run('cpu', 'separable', 'unscreened', 24, 1), run('cpu', 'noisy', 'fused', 29, 1), run('cpu', 'noisy', 'unscreened', 29, 1),
    ];
    const cli = [
      { kernels: 'fused', compute: 'wasm', features: 32, samplesInX: 1e6, msPerIteration: 1.1, loopMsPerIteration: 1, loopCompute: 'wasm' },
      { kernels: 'unscreened', compute: 'wasm', features: 32, samplesInX: 1e6, msPerIteration: 5, loopMsPerIteration: 5, loopCompute: 'wasm' },
    ];
    const lines = headline({ ...results, screening, cli } as unknown as BenchResults).split('\n');
    expect(lines.slice(0, -2)).to.deep.equal(headline(results).split('\n'));
    expect(lines.slice(-2)).to.deep.equal([
      '',
      'Screening ([docs/screening.md](docs/screening.md)), fresh runs of 100 iterations from W = 0 in the same run: ' +
        'wasm on separable data 1.00 ms per iteration, 0.250× unscreened (≤ 0.35×: **met**) and 0.167× numpy float32 (≤ 0.25×: **met**), 20% of samples read; ' +
        'on noisy data 1.11× unscreened (≤ 1.05×: **not met**), 100% read; ' +
        'cpu on separable data 3.00 ms per iteration, 0.125× unscreened (≤ 0.35×: **met**) and 0.500× numpy float32 (≤ 0.25×: **not met**), 12.5% of samples read; ' +
        'on noisy data 1.00× unscreened (≤ 1.05×: **met**), 100% read. ' +
        'Through the CLI an iteration costs 1.00× the loop alone unscreened (≤ 1.2×: **met**) and 1.10× screened (≤ 1.2×: **met**).',
    ]);
  });

  it('changes neither file when one has no markers', () => {
    const page = dir.write('benchmark2.md', 'before\n<!-- bench:start -->\nold\n<!-- bench:end -->\n');
    const readme = dir.write('README2.md', 'no markers\n');
    expect(() => updateDocs(results, { page, readme })).to.throw(`${readme} has no <!-- bench-headline:start --> … <!-- bench-headline:end --> section`);
    expect(readFileSync(page, 'utf8')).to.equal('before\n<!-- bench:start -->\nold\n<!-- bench:end -->\n');
    expect(readFileSync(readme, 'utf8')).to.equal('no markers\n');
  });
});
