import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier } from '../src/classifier';
import { predict } from '../src/cli/predict';
import { train } from '../src/cli/train';
import { readCsv, readCsvForModel } from '../src/data/csv';
import { writeNpy } from '../src/data/npy';
import { InputError } from '../src/errors';
import { matrix } from '../src/matrix';
import { toMatrix } from '../src/validate';
import { rowsOf } from './fixtures';
import { rejects, runInProcess, tempDir, throws } from './helpers';

const ROOT = join(__dirname, '..');
const TRANSPILE = require.resolve('ts-node/register/transpile-only', { paths: [ROOT] });

/** `npm run train|predict -- …` as a real process (through ts-node, so no build is needed). */
function cli(command: 'train' | 'predict', ...args: string[]) {
  const r = spawnSync(process.execPath, ['-r', TRANSPILE, join(ROOT, 'scripts', `${command}.ts`), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trainCli = (...argv: string[]) => runInProcess(train, argv);
const predictCli = (...argv: string[]) => runInProcess(predict, argv);

/** Any control character (C0, DEL, C1, U+2028/9). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Bad input: status 2, nothing on stdout, one line of at most 500 characters with no control character on stderr. */
function expectOneLine(r: { code: number | null; stdout: string; stderr: string }): string {
  expect(r.code, r.stderr).to.equal(2);
  expect(r.stdout).to.equal('');
  expect(r.stderr.endsWith('\n')).to.equal(true);
  const line = r.stderr.slice(0, -1);
  expect(line).not.to.match(CONTROL);
  expect(line.length).to.be.at.most(500);
  expect(line.startsWith('error: ')).to.equal(true);
  return line;
}

describe('CLI: nothing lost, ever (input at its worst)', function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());

  describe('one line means one line (real processes)', () => {
    it('a 1 MB column name and a cell with "\\x1b[31m" and a NUL: escaped and cut, in one line', () => {
      const file = dir.write('big.csv', `a,${'n'.repeat(1 << 20)},y\n0,\x1b[31m\0,1\n`);
      const line = expectOneLine(cli('train', '--data', file, '--backend', 'plain'));
      expect(line).to.equal(`error: ${file}: line 2, column "${'n'.repeat(79)}…": "\\x1b[31m\\x00" is not a number`);
    });

    it('a header of 10 000 columns in "its columns are …": the first 8 names, then "… (N more)" (not a 69 KB line)', () => {
      const names = Array.from({ length: 10000 }, (_, i) => `column_${i}`);
      const file = dir.write('wide.csv', `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
      const line = expectOneLine(cli('train', '--data', file, '--label', 'z', '--backend', 'plain'));
      expect(line).to.equal(
        `error: --label: ${file} has no column "z"; its columns are ${names.slice(0, 8).join(', ')}, … (9992 more)`,
      );
    });

    it('a CSV given as --model: node\'s JSON message quotes the text, newlines and all; it stays one line', () => {
      const csv = dir.write('data.csv', 'a,b,y\r\n0,0,0\n1,1,1\n');
      const line = expectOneLine(cli('predict', '--model', csv, '--data', csv));
      expect(line).to.match(new RegExp(`^error: ${csv}: not a valid model file: the JSON is truncated or malformed \\(`));
      expect(line).to.contain('a,b,y\\r\\n0,0,0\\n1,1,1\\n');
      const big = dir.write('big-model.csv', `a,b,y\n${'0,1,1\n'.repeat(12000)}`); // 72 KB
      expectOneLine(cli('predict', '--model', big, '--data', csv));
    });

    it('file names with newlines, CRs and ESC are escaped wherever they are echoed', () => {
      const sub = dir.path('new\nfolder');
      mkdirSync(sub);
      const missing = join(sub, 'no\rsuch\x1b.csv');
      expect(expectOneLine(cli('train', '--data', missing))).to.equal(`error: ${dir.path('new\\nfolder')}/no\\rsuch\\x1b.csv: no such file`);
      const bad = join(sub, 'bad\n.csv');
      writeFileSync(bad, 'a,b,y\n1,x,1\n');
      expect(expectOneLine(cli('train', '--data', bad, '--backend', 'plain'))).to.equal(
        `error: ${dir.path('new\\nfolder')}/bad\\n.csv: line 2, column "b": "x" is not a number`,
      );
      expectOneLine(cli('train', '--save', join(sub, 'missing\nfolder', 'model.json')));
      expectOneLine(cli('predict', '--model', join(sub, 'm\n.json'), '--data', bad));
    });

    it('option values and unknown options with control characters', () => {
      expect(expectOneLine(cli('train', '--dataset', 'iris\n\x1b[2J'))).to.equal(
        'error: --dataset: "iris\\n\\x1b[2J" is not a data set; expected iris or synthetic',
      );
      expect(expectOneLine(cli('train', '--evil\nname'))).to.equal('error: unknown option --evil\\nname (see --help)');
      expect(expectOneLine(cli('train', `--lr`, `${'9'.repeat(5000)}x`))).to.equal(`error: --lr: "${'9'.repeat(79)}…" is not a number`);
    });
  });

  describe('CSV files as people make them', () => {
    it('mixed line endings (CRLF on the header, LF after, or the reverse, or old Mac CR) parse as the rows they are', async () => {
      for (const text of ['a,b,y\r\n0,1,0\n1,1,1\n', 'a,b,y\n0,1,0\r\n1,1,1\r\n', 'a,b,y\r0,1,0\r\n1,1,1\n', 'a,b,y\r\n0,1,0\n\r\n1,1,1']) {
        const data = await readCsv(dir.write('mixed.csv', text));
        expect(rowsOf(data.source.inMemory!.x), JSON.stringify(text)).to.deep.equal([
          [0, 1],
          [1, 1],
        ]);
        expect(rowsOf(data.source.inMemory!.y)).to.deep.equal([[0, 1]]);
      }
      // and line numbers in messages are the lines an editor shows
      const file = dir.write('mixed-bad.csv', 'a,b,y\r\n0,1,0\n1,x,1\r\n');
      expect((await rejects(readCsv(file))).message).to.equal(`${file}: line 3, column "b": "x" is not a number`);
      const { code, stdout } = await trainCli('--data', dir.write('mixed2.csv', 'a,b,y\r\n0,0,0\n1,1,1\n'), '--backend', 'plain', '--json', '--iterations', '2');
      expect(code).to.equal(0);
      expect(JSON.parse(stdout).predictions[0]).to.have.length(2);
    });

    it('a CSV with no header (first row all numbers) is refused, not trained on minus its first sample', async () => {
      const file = dir.write('noheader.csv', '0,0,0\n1,0,0\n0,1,0\n1,1,1\n');
      const message = `${file}: line 1 looks like data, not a header (every cell is a number): add a header row naming the columns`;
      expect((await rejects(readCsv(file))).message).to.equal(message);
      expect((await rejects(readCsvForModel(file, ['a', 'b'], ['y']))).message).to.equal(message);
      expect(await trainCli('--data', file, '--backend', 'plain')).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${message}\n` });
      // one named column is enough to be a header
      const named = dir.write('named.csv', '0,1,y\n0,1,1\n1,0,0\n');
      expect((await readCsv(named)).featureNames).to.deep.equal(['0', '1']);
      const blankFirst = dir.write('blank-first.csv', '\n\n1,2,3\n1,1,1\n');
      expect((await rejects(readCsv(blankFirst))).message).to.match(/: line 3 looks like data, not a header/);
    });

    it('an .npy given as --data gets the hint in every failure path, by its name or by its first bytes', async () => {
      const hint = ' (an .npy file? give it with --x and --y)';
      const npy = dir.path('x.npy');
      writeNpy(npy, matrix(2, 3, Float64Array.from([0, 1, 0, 1, 1, 0])));
      const garbage = dir.write('garbage.npy', '\x93NUMPY\x01\x00v\x00abc,"def\n\x00\x01,\x02\n');
      const numbers = dir.write('numbers.npy', 'a,b,y\n1,zz,1\n'); // not a number
      const empty = dir.write('empty.npy', ''); // the file is empty
      const header = dir.write('header.npy', 'a,b,y\n'); // no samples
      const sniffed = dir.path('x-really-npy.csv'); // an .npy by its content, whatever its name
      writeNpy(sniffed, matrix(1, 2, Float64Array.from([0, 1])));
      for (const file of [npy, garbage, numbers, empty, header, sniffed]) {
        const { code, stdout, stderr } = await trainCli('--data', file, '--backend', 'plain');
        expect({ code, stdout }, file).to.deep.equal({ code: 2, stdout: '' });
        expect(stderr.endsWith(`${hint}\n`), stderr).to.equal(true);
        expect(stderr.split('\n')).to.have.length(2);
      }
      expect((await trainCli('--data', numbers, '--backend', 'plain')).stderr).to.equal(
        `error: ${numbers}: line 2, column "b": "zz" is not a number${hint}\n`,
      );
      expect((await predictCli('--model', dir.path('none.json'), '--data', npy)).code).to.equal(2);
      // not for a file that is not there: nothing about its content is known
      expect((await trainCli('--data', dir.path('missing.npy'))).stderr).to.equal(`error: ${dir.path('missing.npy')}: no such file\n`);
    });
  });

  describe('options: each given once, rules stated as they are', () => {
    it('a repeated option that takes a value is an error naming it, not "the last one wins" (real process)', () => {
      expect(expectOneLine(cli('train', '--data', 'a.csv', '--data', 'b.csv'))).to.equal('error: --data is given twice ("a.csv", "b.csv"); give it once');
      expect(expectOneLine(cli('train', '--lr', '1', '--lr=2', '--lr', '-3'))).to.equal('error: --lr is given 3 times ("1", "2", "-3"); give it once');
      expect(expectOneLine(cli('predict', '--model', 'm.json', '--model', 'n.json'))).to.equal('error: --model is given twice ("m.json", "n.json"); give it once');
    });

    it('flags (no value) may repeat', async () => {
      const { code, stdout } = await trainCli('--json', '--json', '--backend', 'plain', '--iterations', '1');
      expect(code).to.equal(0);
      expect(JSON.parse(stdout).iterations).to.equal(1);
    });

    const cases: [string, string[], string][] = [
      ['--weights with a value that overflows names --weights', ['--weights', '1e400,0'], '--weights: "1e400" is not a finite number'],
      ['--weights -1e999', ['--weights', '0,-1e999'], '--weights: "-1e999" is not a finite number'],
      ['--chunk-samples 1.5 states the rule', ['--chunk-samples', '1.5'], '--chunk-samples must be a whole number ≥ 1, got 1.5'],
      ['--seed above 2³² − 1', ['--seed', '4294967296'], '--seed must be a whole number from 0 to 4294967295 (2³² − 1), got 4294967296'],
      ['--seed 1e30', ['--seed', '1e30'], '--seed must be a whole number from 0 to 4294967295 (2³² − 1), got 1e+30'],
      ['--seed -1', ['--seed', '-1'], '--seed must be a whole number ≥ 0, got -1'],
      ['--seed 0.5', ['--seed', '0.5'], '--seed must be a whole number ≥ 0, got 0.5'],
      ['--lr with no value before another option', ['--lr', '--json'], '--lr needs a value; one that begins with - is given as --lr=VALUE'],
      ['--sql whose text begins with a -- comment (the fifth hostile pass)', ['--sql', '-- note\nSELECT 1 AS a, 1 AS y'], '--sql needs a value; one that begins with - is given as --sql=VALUE'],
      ['a flag given a value', ['--json=yes'], '--json takes no value'],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        expect(await trainCli('--backend', 'plain', ...argv)).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${message}\n` });
      });
    }

    it('--seed 0 and 4294967295 (2³² − 1) are fine', async () => {
      for (const seed of ['0', '4294967295']) {
        const r = await trainCli('--backend', 'plain', '--json', '--dataset', 'synthetic', '--features', '2', '--samples', '5', '--seed', seed, '--iterations', '1');
        expect(r.code, r.stderr).to.equal(0);
      }
    });
  });

  describe('the library refuses what the table refuses', () => {
    it("Classifier.create({ backend: 'plain', kernels: 'gpu' }) is refused by the options table's rule", async () => {
      const err = await rejects(Classifier.create({ backend: 'plain', kernels: 'gpu' as never }));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.equal('kernels: "gpu" is not a choice; expected fused, unscreened, ops');
    });

    it('toMatrix refuses rows/cols that are not whole numbers ≥ 0, and data of another length than rows×cols', () => {
      const cases: [unknown, string][] = [
        [{ rows: 1.5, cols: 2, data: new Float64Array(3) }, 'x: rows must be a whole number ≥ 0, got 1.5'],
        [{ rows: 2, cols: -1, data: new Float64Array(0) }, 'x: cols must be a whole number ≥ 0, got -1'],
        [{ rows: -2, cols: -3, data: new Float64Array(6) }, 'x: rows must be a whole number ≥ 0, got -2'],
        [{ rows: NaN, cols: 1, data: new Float64Array(0) }, 'x: rows must be a whole number ≥ 0, got NaN'],
        [{ rows: Infinity, cols: 0, data: new Float64Array(0) }, 'x: rows must be a whole number ≥ 0, got Infinity'],
        [{ rows: '2', cols: 1, data: new Float64Array(2) }, 'x: rows must be a whole number ≥ 0, got "2"'],
        [{ rows: 2, cols: 2, data: new Float64Array(3) }, 'x: 2×2 needs 4 values, got 3'],
        [{ rows: 1, cols: 2, data: new Float32Array(5) }, 'x: 1×2 needs 2 values, got 5'],
        [{ rows: 1, cols: 2, data: 'ab' }, 'x: data must be a Float64Array, a Float32Array or an array of numbers, got a string'],
        [{ rows: 1, cols: 2, data: new Int32Array(2) }, 'x: data must be a Float64Array, a Float32Array or an array of numbers, got an Int32Array'],
      ];
      for (const [value, message] of cases) {
        const err = throws(() => toMatrix('x', value as never));
        expect(err, message).to.be.instanceOf(InputError);
        expect(err.message).to.equal(message);
      }
      expect(rowsOf(toMatrix('x', { rows: 1, cols: 2, data: [3, 4] as never }))).to.deep.equal([[3, 4]]);
      expect(toMatrix('x', { rows: 2, cols: 0, data: new Float64Array(0) }).rows).to.equal(2); // empty: the caller decides
    });

    it('fit refuses a matrix whose shape lies', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      const x = { rows: 2, cols: 4.5, data: new Float64Array(9) };
      expect(throws(() => net.fit(x, [[0, 0, 0, 1]])).message).to.equal('x: cols must be a whole number ≥ 0, got 4.5');
      net.dispose();
    });
  });
});
