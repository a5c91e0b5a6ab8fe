import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { lossPoints } from '../src/cli/findings';
import { train as trainCli } from '../src/cli/train';
import { iris } from '../src/data/iris';
import { memorySource } from '../src/data/source';
import { featureStats } from '../src/data/standardize';
import { courseFindings, lossOverflowFinding, scaleFinding, type RunCourse } from '../src/diagnostics';
import { matrix } from '../src/matrix';
import type { IterationStats } from '../src/network/network';
import { flagOf } from '../src/options';
import { runInProcess, tempDir } from './helpers';

const fromRows = (rows: readonly (readonly number[])[]) => matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));
const statsOf = (x: number[][]) => featureStats(memorySource(fromRows(x), fromRows([x[0].map(() => 0)])));

/** A loss curve sampled every `every` iterations: loss(i) and errors(i) of iteration i's forward pass. */
function curve(iterations: number, every: number, loss: (i: number) => number, errors: (i: number) => number): IterationStats[] {
  const out: IterationStats[] = [];
  for (let i = 1; i <= iterations; i += every) out.push({ iteration: i, loss: loss(i), errors: errors(i) });
  return out;
}

const course = (over: Partial<RunCourse>): RunCourse => ({ gradient: 'logistic', iterationsRun: 1000, history: [], total: 100, ...over });

describe('warnings: saying when training did not work', () => {
  it('(a) scales: a feature over 100, or features 1e3 apart; none for iris or unit-scale data', () => {
    const apart = scaleFinding(['big', 'small'], statsOf([[1, -2, 3], [0.001, 0.0005, -0.002]]))!;
    expect(apart.kind).to.equal('feature-scales');
    expect(apart.describe(flagOf)).to.equal(
      'features are on very different scales: max |x| is 3 for "big" and 0.002 for "small" (1.5e+3 times smaller); ' +
        'the update a·x·e then moves some weights far and others hardly at all; --standardize rescales each feature to mean 0 and standard deviation 1',
    );
    expect(apart.message).to.contain('; standardize rescales'); // the library names the option by its key
    const large = scaleFinding(['a', 'b'], statsOf([[150, 20], [90, 40]]))!;
    expect(large.describe(flagOf)).to.equal(
      'features are on very different scales: max |x| is 150 for "a" (over 100) and 90 for "b"; ' +
        'the update a·x·e then takes large steps, and the sigmoid saturates; --standardize rescales each feature to mean 0 and standard deviation 1',
    );
    expect(scaleFinding(['a', 'b'], statsOf([[1, 0.5], [0.01, 0.02]]))).to.equal(undefined); // 50 apart
    const { featureNames, source } = iris(['setosa']);
    expect(scaleFinding(featureNames, featureStats(source))).to.equal(undefined);
    expect(scaleFinding(['zero', 'one'], statsOf([[0, 0], [1, 1]]))).to.equal(undefined); // an all-zero feature has no scale
  });

  it('(b) the loss rising over the last 20% of the run', () => {
    const history = curve(1000, 5, (i) => (i < 700 ? 0.5 - i / 7000 : 0.4 + (i - 700) / 1000), () => 10);
    const [rising] = courseFindings(course({ history, end: { errors: 12, loss: 0.7 } }));
    expect(rising.kind).to.equal('loss-rising');
    expect(rising.describe(flagOf)).to.equal(
      'the training loss rose over the last 20% of the run (0.501 after 800 updates → 0.7 at the end; errors 10 → 12): the steps overshoot; lower --lr',
    );
    // under the article's rule, the error count rising is enough, and the hint is another
    const flat = curve(1000, 5, () => 0.6, (i) => (i > 900 ? 12 : 8));
    const article = courseFindings(course({ gradient: 'article', history: flat, end: { errors: 12, loss: 0.6 } }));
    expect(article.map((f) => f.kind)).to.deep.equal(['loss-rising', 'not-converged']);
    expect(article[0].describe(flagOf)).to.match(/^the training error count rose over .*: the article's rule is not settling .*; --gradient logistic settles, --pocket keeps the best W and b seen$/);
    // the logistic gradient lowers the loss: an error more while the loss falls is not a finding
    expect(courseFindings(course({ history: flat, end: { errors: 12, loss: 0.6 } }))).to.deep.equal([]);
  });

  it('(b) the loss still falling steeply at the end with errors left; not when no error is left (separable data)', () => {
    const history = curve(1000, 5, (i) => 1 / Math.sqrt(i), () => 5);
    const end = { errors: 5, loss: 1 / Math.sqrt(1001) };
    const [falling] = courseFindings(course({ history, end }));
    expect(falling.kind).to.equal('loss-falling');
    expect(falling.describe(flagOf)).to.equal(
      'the training loss was still falling steeply at the end (0.03533 after 800 updates → 0.03161 at the end; errors 5 → 5): more --iterations or a larger --lr would lower it further',
    );
    expect(courseFindings(course({ history, end: { ...end, errors: 0 } }))).to.deep.equal([]);
    // a flat tail is fine
    expect(courseFindings(course({ history: curve(1000, 5, (i) => 0.3 + 1 / i, () => 5), end: { errors: 5, loss: 0.3 + 1 / 1001 } }))).to.deep.equal([]);
  });

  it('(c) the article\'s rule still updating at the end with errors left; short runs (< 20 iterations) are not judged', () => {
    const history = curve(100, 1, () => 0.6, () => 7);
    const [c] = courseFindings(course({ gradient: 'article', iterationsRun: 100, history, end: { errors: 7, loss: 0.6 }, total: 40 }));
    expect(c.kind).to.equal('not-converged');
    expect(c.describe(flagOf)).to.equal(
      "the article's rule was still making updates at the end: 7 of 40 training predictions are wrong, so W and b never settle " +
        '(the data is not linearly separable, or training has not converged); --gradient logistic converges on such data, and --pocket keeps the best W and b seen',
    );
    expect(courseFindings(course({ gradient: 'article', iterationsRun: 19, history: history.slice(0, 19), end: { errors: 7, loss: 0.6 } }))).to.deep.equal([]);
    expect(courseFindings(course({ gradient: 'article', iterationsRun: 100, history, end: { errors: 0, loss: 0.6 } }))).to.deep.equal([]);
  });

  it("the CLI: the article's AND example warns of nothing, and --json has no warnings field", async () => {
    const human = await runInProcess(trainCli, ['--backend', 'plain']);
    expect([human.code, human.stderr]).to.deep.equal([0, '']);
    const json = await runInProcess(trainCli, ['--backend', 'plain', '--json']);
    expect([json.code, json.stderr]).to.deep.equal([0, '']);
    expect(JSON.parse(json.stdout)).to.not.have.property('warnings');
  });

  it('the CLI: iris versicolor vs rest under the article\'s rule: warnings on stderr, one line each, the same in --json, exit 0', async () => {
    const r = await runInProcess(trainCli, ['--backend', 'plain', '--dataset', 'iris', '--label', 'versicolor', '--json']);
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.stdout);
    const kinds = report.warnings.map((w: { kind: string }) => w.kind);
    expect(kinds).to.include('not-converged');
    expect(r.stderr).to.equal(report.warnings.map((w: { message: string }) => `warning: ${w.message}\n`).join(''));
    const human = await runInProcess(trainCli, ['--backend', 'plain', '--dataset', 'iris', '--label', 'versicolor']);
    expect(human.stderr).to.equal(r.stderr);
    expect(human.stdout).to.match(/\nloss: [\d.]+ at the end \(mean logistic loss of the last W and b on the training samples\)\nbest seen: 30 errors, after 760 updates \(stats every 5 iterations\)\n/);
  });

  describe('(d) a loss that overflowed is said, not printed as NaN', () => {
    const dir = tempDir();
    after(() => dir.remove());

    it('lossOverflowFinding: the first point whose loss is not finite; none when all are', () => {
      const history = curve(10, 1, (i) => (i >= 4 ? NaN : 1 / i), () => 1);
      expect(lossOverflowFinding(history, { errors: 0, loss: NaN, iterationsRun: 10 })?.describe(flagOf)).to.equal(
        'the training loss overflowed after 3 updates (z = Wᵀ·x + b beyond the range the backend computes in, so the loss came out NaN): ' +
          'it is not known, and is shown as overflowed (null in JSON); --standardize rescales the inputs, and a smaller --lr keeps W smaller',
      );
      expect(lossOverflowFinding([], { errors: 0, loss: Infinity, iterationsRun: 0 })?.message).to.match(/^the training loss overflowed with the initial W and b \(.*came out Infinity\)/);
      expect(lossOverflowFinding(curve(10, 1, (i) => 1 / i, () => 1), { errors: 0, loss: 0.1, iterationsRun: 10 })).to.equal(undefined);
    });

    for (const [backend, big, type] of [['plain', '1e300', 'float64'], ['wasm', '3e38', 'float32'], ['cpu', '3e38', 'float32']] as const) {
      it(`${backend}: x near ${big}: training stops before a pass whose z could overflow (its errors and update could be wrong), exit 2`, async () => {
        const data = dir.write(`big-${backend}.csv`, `a,b,y\n${big},-${big},0\n-${big},${big},1\n${big},${big},1\n`);
        const save = dir.path(`big-${backend}.json`);
        const r = await runInProcess(trainCli, ['--backend', backend, '--data', data, '--iterations', '5', '--save', save]);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.match(new RegExp(`^error: z = Wᵀ·x \\+ b could overflow ${type} after 1 update: \\|b\\| \\+ ‖W‖·max‖x_j‖ is \\S+, past ${type}'s largest value \\(\\S+\\), so the errors and the update could be wrong; scale the features \\(--standardize\\), start from smaller W and b, or lower --lr${backend === 'plain' ? '' : ' \\(or train on plain, in float64\\)'}\n$`));
        expect(existsSync(save)).to.equal(false);
      });
    }
  });
});

describe('the loss points of a CLI run', () => {
  it('are the first iteration and the stats point the course is judged from, which the findings then use', () => {
    const at = (iterations: number) => Array.from({ length: iterations }, (_, i) => i + 1).filter(lossPoints(iterations));
    // 202 iterations: stats every 2nd (1, 3, …); the last part starts after 161 updates, so the point judged from is iteration 161
    expect(at(202)).to.deep.equal([1, 161]);
    expect(at(1000)).to.deep.equal([1, 801]);
    expect(at(10)).to.deep.equal([1, 9]);
    expect(at(1)).to.deep.equal([1]);
    // a history with the loss only there: the finding reads the loss of iteration 801 (800 updates), as with every point's loss
    const history = Array.from({ length: 200 }, (_, i) => ({ iteration: 5 * i + 1, errors: 10, ...(lossPoints(1000)(5 * i + 1) && { loss: 0.5 }) }));
    const findings = courseFindings({ gradient: 'logistic', iterationsRun: 1000, history, end: { errors: 10, loss: 0.7 }, total: 100 });
    expect(findings.map((f) => f.describe(flagOf))).to.deep.equal([
      'the training loss rose over the last 20% of the run (0.5 after 800 updates → 0.7 at the end; errors 10 → 10): the steps overshoot; lower --lr',
    ]);
    // cut short (the loss known only at the start): judged from there, and said so
    const early = courseFindings({ gradient: 'logistic', iterationsRun: 500, history: history.slice(0, 100), end: { errors: 10, loss: 0.7 }, total: 100 });
    expect(early.map((f) => f.describe(flagOf))).to.deep.equal([
      'the training loss rose over the last 100% of the run (0.5 after 0 updates → 0.7 at the end; errors 10 → 10): the steps overshoot; lower --lr',
    ]);
  });
});
