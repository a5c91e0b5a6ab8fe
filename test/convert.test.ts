import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { convert } from '../src/cli/convert';
import { simpleNn } from '../src/cli/main';
import { train as trainCli } from '../src/cli/train';
import { readCsv } from '../src/data/csv';
import { readNpy, readNpyHeader } from '../src/data/npy';
import { random } from './fixtures';
import { runInProcess, tempDir } from './helpers';

const HAS_NUMPY = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** Writes a CSV of `rows` samples: an id, `features` numeric columns (seeded), a text label M/B; returns its path and size. */
async function bigCsv(path: string, rows: number, features: number): Promise<number> {
  const rand = random(11);
  const out = createWriteStream(path);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`id,${Array.from({ length: features }, (_, f) => `f${f}`).join(',')},diagnosis\r\n`);
  for (let j = 0; j < rows; ) {
    let piece = '';
    for (let n = 0; n < 2000 && j < rows; n++, j++) {
      const cells = Array.from({ length: features }, (_, f) => ((rand() - 0.5) * 10 ** (f % 4)).toPrecision(6));
      piece += `${j},${cells.join(',')},${rand() < 0.4 ? 'M' : 'B'}\n`;
    }
    await write(piece);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return statSync(path).size;
}

describe('simple-nn convert: a CSV of any size into x.npy and y.npy, streamed', function () {
  this.timeout(120000);
  const dir = tempDir();
  after(() => dir.remove());

  it('a CSV of a few tens of MB: the same x (rounded to float32) and y as readCsv reads, features×samples', async () => {
    const csv = dir.path('big.csv');
    const bytes = await bigCsv(csv, 200_000, 12);
    expect(bytes).to.be.above(20e6);
    const r = await runInProcess(convert, ['--data', csv, '--out', dir.path('big'), '--ignore', 'id', '--label', 'diagnosis', '--positive', 'M']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^wrote .*x\.npy \(12×200000 float32: f0, f1, .*\) and .*y\.npy \(1×200000: diagnosis\) from 200000 rows in [\d.]+ s \(\d+ rows\/s\)\n$/);
    const header = readNpyHeader(dir.path('big/x.npy'));
    expect(header).to.include({ rows: 12, cols: 200_000, dtype: 'float32', fortranOrder: true });
    const x = readNpy(dir.path('big/x.npy'));
    const y = readNpy(dir.path('big/y.npy'));
    const expected = await readCsv(csv, { ignore: ['id'], labels: ['diagnosis'], positive: 'M' });
    const want = expected.source.inMemory!;
    expect(x.data).to.be.instanceOf(Float32Array);
    expect(x.data.length).to.equal(want.x.data.length);
    let differ = 0;
    for (let i = 0; i < x.data.length; i++) if (x.data[i] !== Math.fround(want.x.data[i])) differ++;
    expect(differ, 'values that differ from readCsv rounded to float32').to.equal(0);
    expect(Array.from(y.data)).to.deep.equal(Array.from(want.y.data));
  });

  it('a CSV of a few hundred MB: streamed in a process whose peak RSS stays under 300 MB; every column sums as written', async function () {
    this.timeout(300000);
    const csv = dir.path('hundreds.csv');
    const features = 40;
    const rows = 1_200_000;
    // cells are multiples of 1/16 in [-64, 64): exact in float32, so sums compare exactly
    const rand = random(23);
    const sums = new Float64Array(features);
    const out = createWriteStream(csv);
    const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    await write(`${Array.from({ length: features }, (_, f) => `f${f}`).join(',')},y\n`);
    for (let j = 0; j < rows; ) {
      let piece = '';
      for (let n = 0; n < 5000 && j < rows; n++, j++) {
        const cells = Array.from({ length: features }, (_, f) => {
          const v = Math.floor(rand() * 2048 - 1024) / 16;
          sums[f] += v;
          return String(v);
        });
        piece += `${cells.join(',')},${j % 2}\n`;
      }
      await write(piece);
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    expect(statSync(csv).size).to.be.above(250e6);
    // a process of its own, so its peak RSS (VmHWM) is the conversion's
    const script = `
      const { convert } = require(${JSON.stringify(require.resolve('../src/cli/convert'))});
      const { runCommand } = require(${JSON.stringify(require.resolve('../src/cli/run'))});
      runCommand((io) => convert(process.argv.slice(1), io), { stdout: () => {}, stderr: () => {} }).then((code) => {
        const hwm = /VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1];
        console.log(JSON.stringify({ code, peakMB: Number(hwm) / 1024 }));
      });`;
    const result = JSON.parse(
      execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script, '--', '--data', csv, '--out', dir.path('hundreds')], {
        encoding: 'utf8',
      }).trim(),
    );
    expect(result.code).to.equal(0);
    expect(result.peakMB, 'peak RSS of the conversion, MB').to.be.below(300);
    const x = readNpy(dir.path('hundreds/x.npy'));
    expect([x.rows, x.cols]).to.deep.equal([features, rows]);
    for (let f = 0; f < features; f++) {
      let sum = 0;
      for (let j = 0; j < rows; j++) sum += x.data[f * rows + j];
      expect(sum, `column f${f}`).to.equal(sums[f]);
    }
  });

  (HAS_NUMPY ? it : it.skip)("numpy loads them as the article's arrays: x (features, samples), y (outputs, samples), float32", async () => {
    const csv = dir.write('small.csv', 'a,b,label\n1.5,-2,1\n3,4e-3,0\n5,6,1\n');
    expect((await runInProcess(convert, ['--data', csv, '--out', dir.path('small')])).code).to.equal(0);
    const out = execFileSync('python3', ['-c', 'import numpy as np, sys; x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); print(x.shape, x.dtype, y.shape, x.tolist(), y.tolist())',
      dir.path('small/x.npy'), dir.path('small/y.npy')], { encoding: 'utf8' });
    expect(out.trim()).to.equal(`(2, 3) float32 (1, 3) [[1.5, 3.0, 5.0], [-2.0, ${Math.fround(4e-3)}, 6.0]] [[1.0, 0.0, 1.0]]`);
  });

  it('training on the converted files gives what training on the CSV gives', async () => {
    // values exact in float32, so both read the same numbers
    const csv = dir.write('t.csv', `x1,skip,x2,y\n${Array.from({ length: 40 }, (_, j) => `${(j % 7) / 4},z${j},${((j * 3) % 5) / 8},${j % 3 === 0 ? 'yes' : 'no'}`).join('\n')}\n`);
    expect((await runInProcess(convert, ['--data', csv, '--out', dir.path('t'), '--features', 'x2,x1', '--positive', 'yes'])).code).to.equal(0);
    const common = ['--backend', 'plain', '--gradient', 'logistic', '--iterations', '30', '--json'];
    const fromCsv = JSON.parse((await runInProcess(trainCli, [...common, '--data', csv, '--features', 'x2,x1', '--positive', 'yes'])).stdout);
    const fromNpy = JSON.parse((await runInProcess(trainCli, [...common, '--x', dir.path('t/x.npy'), '--y', dir.path('t/y.npy')])).stdout);
    expect(fromNpy.weights).to.deep.equal(fromCsv.weights);
    expect(fromNpy.bias).to.equal(fromCsv.bias);
    expect(fromNpy.predictions).to.deep.equal(fromCsv.predictions);
  });

  it('a bad cell halfway: exit 2, one line, and neither file nor the folder it made is left (all or none)', async () => {
    const lines = Array.from({ length: 30000 }, (_, j) => `${j},${j % 2}`);
    lines[20000] = '1,oops';
    const csv = dir.write('bad.csv', `a,y\n${lines.join('\n')}\n`);
    const r = await runInProcess(convert, ['--data', csv, '--out', dir.path('made/deeper')]);
    expect(r).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${csv}: line 20002, column "y" is a label and must be 0 or 1, got oops; to read other values, name the one that means 1 with --positive\n` });
    expect(existsSync(dir.path('made'))).to.equal(false);
    // an existing folder keeps its old files and gets no temporary one
    const kept = dir.path('kept');
    expect((await runInProcess(convert, ['--data', dir.write('ok.csv', 'a,y\n1,0\n2,1\n'), '--out', kept])).code).to.equal(0);
    const before = readNpy(`${kept}/x.npy`);
    expect((await runInProcess(convert, ['--data', csv, '--out', kept])).code).to.equal(2);
    expect(readdirSync(kept).sort()).to.deep.equal(['x.npy', 'y.npy']);
    expect(Array.from(readNpy(`${kept}/x.npy`).data)).to.deep.equal(Array.from(before.data));
  });

  const bad: [string, () => string[], (d: string) => string][] = [
    ['no --out', () => ['--data', 'a.csv'], () => '--data FILE.csv and --out DIR are required (see --help)'],
    ['a value too large for float32', () => ['--data', dir.write('huge.csv', 'a,y\n1,0\n1e39,1\n'), '--out', dir.path('h')],
      () => `${dir.path('huge.csv')}: line 3, column "a": "1e39" does not fit float32, the .npy files' type (its largest value is 3.4028235e38)`],
    ['an unknown feature column', () => ['--data', dir.write('u.csv', 'a,b,y\n1,2,0\n'), '--out', dir.path('u'), '--features', 'a,c'],
      () => `--features: ${dir.path('u.csv')} has no column "c"; its columns are a, b, y`],
    ['--features and --ignore', () => ['--data', 'a.csv', '--out', dir.path('o'), '--features', 'a', '--ignore', 'b'], () => '--features and --ignore both choose the feature columns; give one of them'],
    ['an --out folder that is a file', () => ['--data', dir.write('f.csv', 'a,y\n1,0\n'), '--out', dir.path('f.csv')],
      () => `--out: "${dir.path('f.csv')}" is a file; expected a folder (made if missing)`],
    ['the input as an output', () => {
      const d = dir.path('loop');
      mkdirSync(d, { recursive: true });
      return ['--data', dir.write('loop/x.npy', 'a,y\n1,0\n'), '--out', d];
    }, () => `--out: "${dir.path('loop/x.npy')}" is the --data file; writing it would destroy the data (choose another folder)`],
    ['a positive value never seen', () => ['--data', dir.write('p.csv', 'a,d\n1,B\n2,B\n'), '--out', dir.path('p'), '--positive', 'M'],
      () => `--positive: no label of column "d" in ${dir.path('p.csv')} is "M"; its values include "B"`],
  ];
  for (const [what, argv, message] of bad) {
    it(`refuses ${what}: exit 2, one line`, async () => {
      const r = await runInProcess(convert, argv());
      expect(r).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${message(dir.path(''))}\n` });
    });
  }

  it('is a command of simple-nn (main.ts) with its help, and an npm script', async () => {
    const help = await runInProcess(simpleNn, ['--help']);
    expect(help.stdout).to.match(/\n {2}convert +stream a CSV file of any size into x\.npy and y\.npy/);
    expect((await runInProcess(simpleNn, ['convert', '--help'])).stdout).to.match(/^Converts a CSV file of any size into x\.npy and y\.npy/);
    const pkg = require('../package.json') as { scripts: Record<string, string> };
    expect(pkg.scripts.convert).to.equal('exec node dist/cli/main.js convert');
  });
});
