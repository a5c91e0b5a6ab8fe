import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Classifier } from '../src/classifier';
import { train as trainCommand } from '../src/cli/train';
import { writeNpy } from '../src/data/npy';
import { InputError } from '../src/errors';
import { rejects, runInProcess, tempDir, throws } from './helpers';

// 1e39 is finite in float64 but overflows float32: the tfjs backends must refuse it, naming where it is.
describe('values that do not fit float32 on a tfjs backend', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const csv = () => dir.write('big.csv', 'a,b,y\n1,2,0\n3,1e39,1\n');

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: a CSV cell is named by file, line and column; exit 2, nothing on stdout`, async () => {
      const { code, stdout, stderr } = await runInProcess(trainCommand, ['--data', csv(), '--backend', backend, '--json']);
      expect([code, stdout]).to.deep.equal([2, '']);
      expect(stderr).to.equal(
        `error: ${dir.path('big.csv')}: line 3, column "b": 1e+39 does not fit float32, in which the ${backend} backend computes ` +
          '(its largest value is 3.4028235e38); use --backend plain (float64), or scale the features\n',
      );
    });
  }

  it('plain (float64) trains on the same file', async () => {
    const { code } = await runInProcess(trainCommand, ['--data', csv(), '--backend', 'plain', '--json', '--iterations', '3']);
    expect(code).to.equal(0);
  });

  it('a float64 .npy cell is named by its index', async () => {
    const x = dir.path('x.npy');
    writeNpy(x, { rows: 2, cols: 3, data: Float64Array.of(0, 1, 2, 3, -4e38, 5) });
    writeNpy(dir.path('y.npy'), { rows: 1, cols: 3, data: Float64Array.of(0, 1, 0) });
    const { code, stderr } = await runInProcess(trainCommand, ['--x', x, '--y', dir.path('y.npy'), '--backend', 'cpu']);
    expect(code).to.equal(2);
    expect(stderr).to.match(new RegExp(`^error: ${x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: x\\[1, 1\\]: -4e\\+38 does not fit float32`));
  });

  it('the library names the option or the matrix cell', async () => {
    const err = await rejects(Classifier.create({ backend: 'cpu', learningRate: 1e39 }));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal(
      'learningRate: 1e+39 does not fit float32, in which the cpu backend computes (its largest value is 3.4028235e38); use backend plain (float64)',
    );
    const net = await Classifier.create({ backend: 'cpu' });
    try {
      expect(throws(() => net.fit([[0, 1e39]], [[0, 1]])).message).to.match(/^x\[0\]\[1\]: 1e\+39 does not fit float32/);
    } finally {
      net.dispose();
    }
  });

  it("a model file whose W or b does not fit names the model's value, not an option predict does not have", async () => {
    const { predict: predictCommand } = await import('../src/cli/predict');
    const model = dir.path('base.json');
    expect((await runInProcess(trainCommand, ['--data', dir.write('small.csv', 'a,b,y\n1,2,0\n3,1,1\n'), '--backend', 'wasm', '--iterations', '2', '--save', model])).code).to.equal(0);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    const edited = (name: string, change: object) => dir.write(name, JSON.stringify({ ...saved, ...change }));
    const cases = [
      [edited('w.json', { weights: [[1], [-1e308]] }), "the model's weights[1][0]: -1e+308"],
      [edited('b.json', { bias: -1e39 }), "the model's bias: -1e+39"],
    ] as const;
    for (const [file, what] of cases) {
      const r = await runInProcess(predictCommand, ['--model', file, '--data', dir.path('small.csv')]);
      expect([r.code, r.stdout, r.stderr]).to.deep.equal([
        2,
        '',
        `error: ${what} does not fit float32, in which the wasm backend computes (its largest value is 3.4028235e38); use --backend plain (float64)\n`,
      ]);
      expect((await runInProcess(predictCommand, ['--model', file, '--data', dir.path('small.csv'), '--backend', 'plain'])).code).to.equal(0);
    }
  });
});
