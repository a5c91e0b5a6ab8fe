import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { TrainingProgress } from '../src/cli/progress';
import { train } from '../src/cli/train';
import { writeNpy } from '../src/data/npy';
import { matrix } from '../src/matrix';
import { NUMPY_CASES, expectClose, randomData } from './fixtures';
import { runInProcess, tempDir } from './helpers';

const run = (...argv: string[]) => runInProcess(train, argv);
const json = async (...argv: string[]) => {
  const { code, stdout, stderr } = await run(...argv, '--json');
  expect(code, `exit status; ${stderr}`).to.equal(0);
  const report = JSON.parse(stdout);
  // stderr holds the report's warnings (training may not have worked well), one line each, nothing else
  expect(stderr, 'stderr').to.equal(((report.warnings ?? []) as { message: string }[]).map((w) => `warning: ${w.message}\n`).join(''));
  return report;
};
/** A report without its labels' names (which differ between a CSV's columns and an .npy's defaults). */
const unlabelled = (r: { metrics: { label: string }[] }) => ({ ...r, metrics: r.metrics.map(({ label: _, ...m }) => m) });
const fromRows = (rows: readonly (readonly number[])[]) => matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

/** The same samples as CSV (samples as rows) and as .npy (the article's orientation). */
function writeBoth(dir: ReturnType<typeof tempDir>, name: string, x: number[][], y: number[][]) {
  const header = [...x.map((_, f) => `f${f}`), ...y.map((_, o) => `label${o}`)].join(',');
  const rows = x[0].map((_, j) => [...x.map((r) => r[j]), ...y.map((r) => r[j])].join(','));
  const csv = dir.write(`${name}.csv`, `${header}\n${rows.join('\n')}\n`);
  const xPath = dir.path(`${name}-x.npy`);
  const yPath = dir.path(`${name}-y.npy`);
  writeNpy(xPath, fromRows(x), 'float64');
  writeNpy(yPath, fromRows(y), 'float64');
  return { csv, xPath, yPath, labels: y.map((_, o) => `label${o}`).join(',') };
}

describe('CLI: real data', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('gives the same JSON for the same data as CSV and as .npy, on every backend', async () => {
    const { x, y } = randomData(21, 3, 60, 2);
    const files = writeBoth(dir, 'same', x, y);
    for (const backend of ['plain', 'cpu', 'wasm']) {
      const common = ['--backend', backend, '--iterations', '30', '--gradient', 'logistic', '--lr', '0.3'];
      const fromCsv = await json(...common, '--data', files.csv, '--label', files.labels);
      const fromNpy = await json(...common, '--x', files.xPath, '--y', files.yPath);
      expect(unlabelled(fromNpy)).to.deep.equal(unlabelled(fromCsv));
      expect(fromCsv.metrics.map((m: { label: string }) => m.label)).to.deep.equal(['label0', 'label1']);
      expect(fromCsv.weights).to.have.length(3);
      expect(fromCsv.weights[0]).to.have.length(2);
      expect(fromCsv.predictions).to.have.length(2);
    }
  });

  it("trains the logistic gradient to numpy's numbers (1e-9) from a CSV", async () => {
    const c = NUMPY_CASES.find((k) => k.gradient === 'logistic')!;
    const { x, y } = randomData(c.seed, c.features, c.samples, c.outputs);
    const files = writeBoth(dir, 'logistic', x, y);
    const last = c.numpy[c.numpy.length - 1];
    const report = await json(
      '--backend', 'plain', '--data', files.csv, '--gradient', 'logistic', '--lr', String(c.a), '--iterations', String(c.iterations),
      '--weights', c.W.map((r) => r[0]).join(','), '--bias', String(c.b),
    );
    expectClose(report.weights, last.W, 1e-9);
    expectClose(report.bias, last.b, 1e-9);
    expect(report.predictions).to.deep.equal(last.y_pred);
  });

  for (const backend of ['plain', 'cpu', 'wasm']) {
    it(`chunked training streamed from .npy equals in-memory training on ${backend}`, async () => {
      const { x, y } = randomData(22, 4, 101, 1);
      const files = writeBoth(dir, `chunk-${backend}`, x, y);
      const common = ['--backend', backend, '--x', files.xPath, '--y', files.yPath, '--iterations', '40'];
      const whole = await json(...common);
      for (const chunk of ['1', '10', '100', '500']) {
        const chunked = await json(...common, '--chunk-samples', chunk);
        expectClose(chunked.weights, whole.weights, backend === 'plain' ? 1e-9 : 1e-5);
        expectClose(chunked.bias, whole.bias, backend === 'plain' ? 1e-9 : 1e-5);
        expect(chunked.predictions).to.deep.equal(whole.predictions);
      }
    });
  }

  it('trains iris, setosa vs rest, and all three classes one-vs-rest', async () => {
    const setosa = await json('--backend', 'plain', '--dataset', 'iris', '--until-no-error');
    expect(setosa.weights).to.have.length(4);
    expect(setosa.predictions).to.have.length(1);
    expect(setosa.predictions[0]).to.have.length(150);
    expect(setosa.errors).to.equal(0); // setosa is linearly separable from the rest
    expect(setosa.iterationsRun).to.be.below(1000);
    const all = await json('--backend', 'plain', '--dataset', 'iris', '--label', 'all');
    expect(all.weights.map((r: number[]) => r.length)).to.deep.equal([3, 3, 3, 3]);
    expect(all.predictions).to.have.length(3);
  });

  it('makes the same synthetic data for the same seed, other data for another, and it is separable', async () => {
    const args = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '3', '--samples', '300', '--iterations', '5000', '--until-no-error'];
    const a = await json(...args, '--seed', '7');
    const b = await json(...args, '--seed', '7');
    const c = await json(...args, '--seed', '8');
    expect(a).to.deep.equal(b);
    expect(c.predictions).to.not.deep.equal(a.predictions);
    expect(a.errors).to.equal(0);
    expect(a.stoppedBy).to.equal('no-error');
  });

  it('stops at the first iteration with no error and reports iterationsRun', async () => {
    const report = await json('--backend', 'plain', '--until-no-error');
    expect(report).to.include({ iterations: 1000, iterationsRun: 25, stoppedBy: 'no-error', errors: 0 });
    const human = await run('--backend', 'plain', '--until-no-error');
    expect(human.stdout).to.contain('stopped early: no training error after 25 iterations');
  });

  it('holds out a seeded test split and reports train and test accuracy and confusion counts', async () => {
    const args = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '2', '--samples', '200', '--test-split', '0.25', '--seed', '3'];
    const report = await json(...args);
    expect(report.predictions[0]).to.have.length(150);
    expect(report.test.samples).to.equal(50);
    const sum = (c: Record<string, number>) => Object.values(c).reduce((s, v) => s + v, 0);
    expect(sum(report.confusion)).to.equal(150);
    expect(sum(report.test.confusion)).to.equal(50);
    expect(report.test.errors).to.equal(report.test.confusion.falsePositives + report.test.confusion.falseNegatives);
    expect(report.test.accuracy).to.equal(1 - report.test.errors / 50);
    expect(await json(...args)).to.deep.equal(report);
    const human = await run(...args);
    expect(human.stdout).to.match(/test set \(50 samples\): /);
    expect(human.stdout).to.match(/confusion \(test\):  \d+ true positives/);
  });

  it('draws no progress bar when stderr is not a terminal, and one on the terminal stream when it is', async () => {
    const quiet = await run('--backend', 'plain', '--dataset', 'synthetic', '--features', '2', '--samples', '50', '--iterations', '300');
    expect(quiet.stderr).to.equal('');
    const terminal = new PassThrough();
    let drawn = '';
    terminal.on('data', (chunk) => (drawn += chunk));
    const progress = new TrainingProgress({ stdout: () => {}, stderr: () => {}, stderrIsTTY: true, progressStream: terminal }, 100, 0);
    progress.update(10, { iteration: 10, errors: 4, loss: 0.5 });
    progress.update(20);
    progress.stop();
    expect(drawn).to.match(/training \[.*\] (10|20)\/100 iterations \| errors 4/);
  });

  it('--weights takes one value per feature (filling its row) or features×outputs values, row by row', async () => {
    const files = writeBoth(dir, 'wk', [[1, 0, 1], [0, 1, 1]], [[1, 0, 1], [0, 1, 1], [1, 1, 0]]);
    const common = ['--backend', 'plain', '--x', files.xPath, '--y', files.yPath, '--iterations', '0'];
    expect((await json(...common, '--weights', '1,2,3,4,5,6')).weights).to.deep.equal([[1, 2, 3], [4, 5, 6]]);
    expect((await json(...common, '--weights', '1,2')).weights).to.deep.equal([[1, 1, 1], [2, 2, 2]]);
  });

  describe('bad input: exit 2 and one line', () => {
    const cases: [string, () => string[], string | ((args: string[]) => string)][] = [
      ['two data sources', () => ['--data', 'a.csv', '--dataset', 'iris'], 'choose one data source: --data, --dataset were given together'],
      ['--x without --y', () => ['--x', 'x.npy'], '--x and --y go together: give both .npy files'],
      ['an unknown data set', () => ['--dataset', 'mnist'], '--dataset: "mnist" is not a data set; expected iris or synthetic'],
      ['synthetic without sizes', () => ['--dataset', 'synthetic', '--features', '3'], '--dataset synthetic needs --features N and --samples M'],
      ['synthetic with 0 samples', () => ['--dataset', 'synthetic', '--features', '3', '--samples', '0'], '--samples must be a whole number ≥ 1, got 0'],
      ['--features without synthetic', () => ['--features', '3'], '--features only goes with --data (column names) or --dataset synthetic (a count)'],
      ['--label on synthetic data', () => ['--dataset', 'synthetic', '--features', '1', '--samples', '3', '--label', 'y'], '--label only goes with --data or --dataset iris'],
      ['an unknown iris class', () => ['--dataset', 'iris', '--label', 'rose'], '--label: iris has no class "rose"; its classes are setosa, versicolor, virginica (or all)'],
      ['an unknown gradient', () => ['--gradient', 'adam'], '--gradient: "adam" is not a gradient; expected article or logistic'],
      ['a test split of 1', () => ['--test-split', '1'], '--test-split must be a fraction between 0 and 1 (exclusive), got 1'],
      ['a test split leaving no test sample', () => ['--test-split', '0.01'], '--test-split 0.01 of 4 samples leaves 0 for testing and 4 for training; each needs at least 1'],
      ['a zero chunk size', () => ['--chunk-samples', '0'], '--chunk-samples must be a whole number ≥ 1, got 0'],
      ['a negative seed', () => ['--seed', '-1'], '--seed must be a whole number ≥ 0, got -1'],
      ['a label named twice', () => ['--dataset', 'iris', '--label', 'setosa,setosa'], '--label: "setosa" is named twice'],
      ['a file under a path that is not a folder', () => ['--data', '/etc/passwd/x.csv'], '/etc/passwd/x.csv: no such file (part of the path is not a folder)'],
      ['an .npy under a path that is not a folder', () => ['--x', '/etc/passwd/x.npy', '--y', '/etc/passwd/y.npy'], '/etc/passwd/x.npy: no such file (part of the path is not a folder)'],
      [
        'a stray quote in a CSV',
        () => ['--data', dir.write('quote.csv', 'a,y\n1,a"b"\n')],
        (args) => `${args[args.indexOf('--data') + 1]}: Invalid Opening Quote: a quote is found on field 1 at line 2, value is "a"`,
      ],
      ['synthetic data too big for memory', () => ['--dataset', 'synthetic', '--features', '100000', '--samples', '100000'],
        '--dataset synthetic: 100000×100000 float32 values (40.0 GB) do not fit in memory; write them to .npy with npm run make-npy and train with --chunk-samples'],
      ['--save to a folder', () => ['--save', dir.path('')], () => `--save: "${dir.path('')}" is not a file name; expected e.g. model.json`],
      ['an empty --save', () => ['--save', ''], '--save: "" is not a file name; expected e.g. model.json'],
      [
        '.npy data with no samples',
        () => {
          writeNpy(dir.path('x0.npy'), { rows: 2, cols: 0, data: new Float64Array(0) }, 'float64');
          writeNpy(dir.path('y0.npy'), { rows: 1, cols: 0, data: new Float64Array(0) }, 'float64');
          return ['--x', dir.path('x0.npy'), '--y', dir.path('y0.npy'), '--chunk-samples', '4'];
        },
        () => `${dir.path('x0.npy')}: has no samples (columns); expected at least one`,
      ],
      [
        '.npy files with different sample counts',
        () => {
          writeNpy(dir.path('x4.npy'), fromRows([[1, 2, 3, 4]]), 'float32');
          writeNpy(dir.path('y3.npy'), fromRows([[1, 0, 1]]), 'float32');
          return ['--x', dir.path('x4.npy'), '--y', dir.path('y3.npy')];
        },
        () => `--y: ${dir.path('y3.npy')} has 3 samples (columns) but ${dir.path('x4.npy')} has 4; both are …×samples, as the article orients x and y`,
      ],
      [
        'an .npy label that is not 0 or 1',
        () => {
          writeNpy(dir.path('x2.npy'), fromRows([[1, 2]]), 'float64');
          writeNpy(dir.path('y2.npy'), fromRows([[1, 3]]), 'float64');
          return ['--x', dir.path('x2.npy'), '--y', dir.path('y2.npy')];
        },
        () => `${dir.path('y2.npy')}: y[0, 1] is 3; labels must be 0 or 1`,
      ],
      [
        'a NaN in a streamed x',
        () => {
          writeNpy(dir.path('xnan.npy'), fromRows([[1, NaN, 3]]), 'float64');
          writeNpy(dir.path('y01.npy'), fromRows([[1, 0, 1]]), 'float64');
          return ['--x', dir.path('xnan.npy'), '--y', dir.path('y01.npy'), '--chunk-samples', '2'];
        },
        () => `${dir.path('xnan.npy')}: x[0, 1] is NaN; every value must be a finite number`,
      ],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const args = argv();
        // plain unless the case names its own backend (an option is given once)
        const { code, stdout, stderr } = await run(...(args.includes('--backend') ? [] : ['--backend', 'plain']), ...args);
        const expected = typeof message === 'string' ? message : message(args);
        expect({ code, stdout, stderr }).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${expected}\n` });
      });
    }
  });
});
