import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { train } from '../src/cli/train';
import { AND_GOLDEN, expectClose } from './fixtures';
import { runInProcess, tempDir } from './helpers';

const run = (...argv: string[]) => runInProcess(train, argv);

/** Runs an npm script the way a user does, in a real process. */
function npm(...args: string[]) {
  const r = spawnSync('npm', args, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI: npm run train', () => {
  const dir = tempDir();
  after(() => dir.remove());

  describe('--json: exactly one JSON object on stdout', () => {
    // The AND data is too small for a second thread.
    // wasm screens: 5.6% of the samples read over the run (the errors every 5th iteration come with the
    // screened pass; only the loss, at the start, at 80% of the run and at the end, reads them all)
    const computes = { plain: 'plain', cpu: 'cpu (JS kernel, 1 thread, screened: 5.6% of samples read)', wasm: 'wasm (SIMD kernel, 1 thread, screened: 5.6% of samples read)' };
    for (const backend of ['plain', 'cpu', 'wasm'] as const) {
      it(`holds the article's result on backend ${backend}, and says what computed: ${computes[backend]}`, async () => {
        const { code, stdout, stderr } = await run('--backend', backend, '--json');
        expect(stderr).to.equal('');
        expect(code).to.equal(0);
        const report = JSON.parse(stdout);
        // the article's contract first, then the loss and per-label metrics (no warnings: the AND gate trains cleanly)
        expect(Object.keys(report)).to.deep.equal(['backend', 'iterations', 'weights', 'bias', 'predictions', 'errors', 'accuracy', 'loss', 'metrics']);
        expect(report).to.include({ backend: computes[backend], iterations: 1000, errors: 0, accuracy: 1 });
        expect(report.predictions).to.deep.equal([[0, 0, 0, 1]]);
        const tol = backend === 'plain' ? 1e-12 : 1e-6;
        expectClose(report.weights, AND_GOLDEN[1000].W, tol);
        expectClose(report.bias, AND_GOLDEN[1000].b, tol);
      });
    }

    it("--kernels ops (tfjs's own ops, the design card's shape) gives the fused kernels' numbers", async () => {
      for (const backend of ['cpu', 'wasm']) {
        const fused = JSON.parse((await run('--backend', backend, '--json')).stdout);
        const ops = JSON.parse((await run('--backend', backend, '--json', '--kernels', 'ops')).stdout);
        expectClose(ops.weights, fused.weights, 1e-6);
        expectClose(ops.bias, fused.bias, 1e-6);
        expect(ops.predictions).to.deep.equal(fused.predictions);
        expect(ops.backend).to.equal(`${backend} (tfjs ops)`);
      }
    });

    it('takes --iterations, --lr, --weights and --bias (negative values too)', async () => {
      const { stdout } = await run('--backend', 'plain', '--json', '--iterations', '2', '--lr', '0.1', '--weights', '0.4,0.2', '--bias', '1');
      const report = JSON.parse(stdout);
      expectClose(report.weights, AND_GOLDEN[2].W, 1e-12);
      expect(report.iterations).to.equal(2);
      const neg = JSON.parse((await run('--backend', 'plain', '--json', '--iterations', '0', '--weights', '-0.5,1', '--bias', '-1')).stdout);
      expect(neg.weights).to.deep.equal([[-0.5], [1]]);
      expect(neg.bias).to.equal(-1);
      expect(neg.predictions).to.deep.equal([[0, 0, 1, 0]]);
      expect(neg).to.include({ errors: 2, accuracy: 0.5 });
    });

    it('trains on a CSV file from zeros, with the same result on every backend', async () => {
      const file = dir.write('and.csv', 'a,b,target,c\n0,0,0,1\n1,0,0,1\n0,1,0,1\n1,1,1,1\n');
      const reports = [];
      for (const backend of ['plain', 'cpu', 'wasm']) {
        const { code, stdout } = await run('--backend', backend, '--json', '--data', file, '--label', 'target', '--iterations', '50');
        expect(code).to.equal(0);
        reports.push(JSON.parse(stdout));
      }
      expect(reports[0].weights).to.have.length(3);
      expect(reports[0].predictions).to.deep.equal([[0, 0, 0, 1]]);
      for (const r of reports.slice(1)) {
        expectClose(r.weights, reports[0].weights, 1e-6);
        expect(r.predictions).to.deep.equal(reports[0].predictions);
      }
    });
  });

  it("prints the article's story in words, and which backend ran", async () => {
    const { code, stdout } = await run('--backend', 'plain');
    expect(code).to.equal(0);
    expect(stdout).to.equal(
      [
        'backend: plain',
        "data: the article's AND gate: 2 features (x1, x2) × 4 samples, label y",
        'labels y:                     [[0, 0, 0, 1]]',
        'predictions before training:  [[1, 1, 1, 1]]',
        'training: 1000 iterations, a = 0.1, starting from W = [0.4, 0.2], b = 1',
        'W after training:             [[0.049999999999999954], [0.050000000000000024]]',
        'b after training:             -0.07499999999999982',
        'predictions after training:   [[0, 0, 0, 1]]',
        'no error: all 4 predictions match the labels',
        // the logistic loss of the final W and b (numpy: 0.6746315128508424), and the best of the ~200 points gathered
        'loss: 0.6746 at the end (mean logistic loss of the last W and b on the training samples)',
        'best seen: 0 errors, after 25 updates (stats every 5 iterations)',
        'metrics, y: precision 1, recall 1, F1 1, ROC AUC 1 (TP 1, FP 0, TN 3, FN 0)',
        '',
      ].join('\n'),
    );
  });

  it('prints help on --help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Trains the article's network/);
  });

  describe('bad input: exit 2, one line on stderr, nothing on stdout', () => {
    const csv = (name: string, text: string) => () => dir.write(name, text);
    const cases: [string, () => string[], (d: string) => string][] = [
      ['an unknown option', () => ['--frobnicate'], () => 'unknown option --frobnicate (see --help)'],
      ['a stray argument', () => ['data.csv'], () => 'unexpected argument "data.csv": every option starts with -- (see --help)'],
      ['an option without its value', () => ['--iterations'], () => '--iterations needs a value'],
      ['an unknown backend', () => ['--backend', 'gpu'], () => '--backend: "gpu" is not a backend; expected auto, tensorflow, wasm, cpu, plain, sql'],
      ['an unknown --kernels', () => ['--kernels', 'gpu'], () => '--kernels: "gpu" is not a choice; expected fused, unscreened, ops'],
      ['--kernels on plain', () => ['--backend', 'plain', '--kernels', 'ops'], () => '--kernels chooses how a tfjs backend computes (wasm, cpu, tensorflow); --backend plain has no kernels'],
      ['a non-numeric --iterations', () => ['--iterations', 'ten'], () => '--iterations: "ten" is not a number'],
      ['a negative --iterations', () => ['--iterations', '-5'], () => '--iterations must be a whole number ≥ 0, got -5'],
      ['a fractional --iterations', () => ['--iterations', '2.5'], () => '--iterations must be a whole number ≥ 0, got 2.5'],
      ['an --iterations no loop can count to (#21)', () => ['--iterations', '1e300'], () => '--iterations must be at most 9007199254740991 (2⁵³ − 1), got 1e+300'],
      ['an --iterations of 2⁵³', () => ['--iterations', '9007199254740992'], () => '--iterations must be at most 9007199254740991 (2⁵³ − 1), got 9007199254740992'],
      ['a --chunk-samples beyond 2⁵³ − 1', () => ['--chunk-samples', '1e20'], () => '--chunk-samples must be at most 9007199254740991 (2⁵³ − 1), got 100000000000000000000'],
      ['a negative --lr', () => ['--lr', '-0.1'], () => '--lr must be a finite number > 0, got -0.1'],
      ['a zero --lr', () => ['--lr', '0'], () => '--lr must be a finite number > 0, got 0'],
      ['a bad --lr', () => ['--lr', '0.1x'], () => '--lr: "0.1x" is not a number'],
      ['an infinite --bias', () => ['--bias', '1e999'], () => '--bias must be a finite number, got Infinity'],
      ['a bad --weights value', () => ['--weights', '0.4,oops'], () => '--weights: "oops" is not a number'],
      [
        '--weights not matching the features',
        () => ['--weights', '1,2,3'],
        () => "--weights: got 3 values, but the article's AND gate has 2 features (x1, x2); expected 2",
      ],
      ['--label without --data', () => ['--label', 'y'], () => '--label only goes with --data or --dataset iris'],
      ['a missing file', () => ['--data', dir.path('nope.csv')], () => `${dir.path('nope.csv')}: no such file`],
      ['an empty file', () => ['--data', csv('empty.csv', '')()], (f) => `${f}: the file is empty; expected a header row and at least one sample`],
      ['a header-only file', () => ['--data', csv('header.csv', 'a,b,y\n')()], (f) => `${f}: no samples after the header row`],
      ['a ragged row', () => ['--data', csv('ragged.csv', 'a,b,y\n1,2,1\n1,2\n')()], (f) => `${f}: line 3 has 2 cells, expected 3 as in the header`],
      ['a non-numeric cell', () => ['--data', csv('text.csv', 'a,b,y\n1,two,1\n')()], (f) => `${f}: line 2, column "b": "two" is not a number`],
      ['a NaN cell', () => ['--data', csv('nan.csv', 'a,b,y\n1,NaN,1\n')()], (f) => `${f}: line 2, column "b": "NaN" is not a finite number`],
      ['an infinite cell', () => ['--data', csv('inf.csv', 'a,b,y\n1,inf,1\n')()], (f) => `${f}: line 2, column "b": "inf" is not a finite number`],
      [
        'a label not 0/1',
        () => ['--data', csv('label.csv', 'a,b,y\n1,2,0.5\n')()],
        (f) => `${f}: line 2, column "y" is a label and must be 0 or 1, got 0.5; to read other values, name the one that means 1 with --positive`,
      ],
      [
        'an unknown label column',
        () => ['--data', csv('ok.csv', 'a,b,y\n1,2,1\n')(), '--label', 'z'],
        (f) => `--label: ${f} has no column "z"; its columns are a, b, y`,
      ],
      [
        '--weights not matching a data file',
        () => ['--data', csv('ok2.csv', 'a,b,c,y\n1,2,3,1\n')(), '--weights', '1,2'],
        (f) => `--weights: got 2 values, but ${f} has 3 features (a, b, c); expected 3`,
      ],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const args = argv();
        const file = args[args.indexOf('--data') + 1];
        // plain unless the case names its own backend (an option is given once)
        const { code, stdout, stderr } = await run(...(args.includes('--backend') ? [] : ['--backend', 'plain']), ...args);
        expect({ code, stdout, stderr }).to.deep.equal({ code: 2, stdout: '', stderr: `error: ${message(file)}\n` });
      });
    }
  });

  describe('as a real process', function () {
    this.timeout(120000);

    it('npm start runs the article example with no error', () => {
      const { code, stdout } = npm('start', '--silent');
      expect(code).to.equal(0);
      expect(stdout).to.match(/^backend: (tensorflow \(tfjs ops\)|wasm \(SIMD kernel, 1 thread, screened: 5\.6% of samples read\)|cpu \(JS kernel, 1 thread, screened: 5\.6% of samples read\)); auto/);
      expect(stdout).to.contain('predictions after training:   [[0, 0, 0, 1]]');
      expect(stdout).to.contain('no error: all 4 predictions match the labels');
    });

    it('npm run --silent train -- --json prints only the JSON object on stdout', () => {
      const { code, stdout } = npm('run', '--silent', 'train', '--', '--json', '--backend', 'wasm');
      expect(code).to.equal(0);
      expect(stdout.endsWith('}\n')).to.equal(true);
      expect(stdout.trim().split('\n')).to.have.length(1);
      expect(JSON.parse(stdout)).to.include({ backend: 'wasm (SIMD kernel, 1 thread, screened: 5.6% of samples read)', errors: 0 });
    });

    it('bad input exits with status 2, one line on stderr and no stack trace', () => {
      const { code, stdout, stderr } = npm('run', '--silent', 'train', '--', '--lr', 'abc', '--json');
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.equal('error: --lr: "abc" is not a number\n');
    });

    it('asking for tensorflow without @tensorflow/tfjs-node says why and how to get it', function () {
      const { code, stdout, stderr } = npm('run', '--silent', 'train', '--', '--backend', 'tensorflow', '--json');
      if (code === 0) this.skip(); // tfjs-node is installed on this machine
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^error: --backend tensorflow: @tensorflow\/tfjs-node is not installed .*npm install @tensorflow\/tfjs-node.*TFJS_NODE_CDN_STORAGE/);
      expect(stderr.trim().split('\n')).to.have.length(1);
    });
  });
});
