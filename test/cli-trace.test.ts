import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/cli/train';
import { expectClose, NUMPY_TRACE } from './fixtures';
import { runInProcess } from './helpers';

describe('train --trace', () => {
  it('prints the first 3 iterations in the article\'s notation, as pinned in test/golden/trace-and-first3.txt', async () => {
    const { code, stdout, stderr } = await runInProcess(train, ['--backend', 'plain', '--trace', 'first:3', '--iterations', '3']);
    expect([code, stderr]).to.deep.equal([0, '']);
    expect(stdout).to.equal(readFileSync(join(__dirname, 'golden', 'trace-and-first3.txt'), 'utf8'));
  });

  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`--json on ${backend} gains "trace", equal to the article's numpy code at 1, 2, 13 and 18, ties included`, async () => {
      const { code, stdout } = await runInProcess(train, ['--backend', backend, '--trace', '1,2,13,18', '--json']);
      expect(code).to.equal(0);
      const report = JSON.parse(stdout);
      expect(report.backend).to.equal(backend === 'plain' ? 'plain' : `${backend} (tfjs ops)`);
      expect(report.trace.map((t: { iteration: number }) => t.iteration)).to.deep.equal([1, 2, 13, 18]);
      const tol = backend === 'plain' ? 1e-12 : 1e-6;
      for (const step of report.trace) {
        const want = NUMPY_TRACE[step.iteration as keyof typeof NUMPY_TRACE];
        for (const name of ['z', 's', 'dW', 'W'] as const) expectClose(step[name], want[name], tol);
        expect(step.y_pred).to.deep.equal(want.y_pred);
        expect(step.e).to.deep.equal(want.e);
        expectClose(step.db, want.db, tol);
        expectClose(step.b, want.b, tol);
      }
    });
  }

  it('ranges, last:N and all', async () => {
    const iterations = async (spec: string) =>
      JSON.parse((await runInProcess(train, ['--backend', 'plain', '--trace', spec, '--iterations', '6', '--json'])).stdout).trace.map(
        (t: { iteration: number }) => t.iteration,
      );
    expect(await iterations('2-4')).to.deep.equal([2, 3, 4]);
    expect(await iterations('last:2')).to.deep.equal([5, 6]);
    expect(await iterations('all')).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('says which traced iterations never ran when the run stops early (--until-no-error: after 25 of 1000), on stderr and in --json', async () => {
    const cases = [
      ['last:2', '--trace names iterations 999–1000, which never ran: training stopped after 25 iterations (no training error was left), so the trace has none of them', []],
      ['20-30,999', '--trace names 6 iterations from 26 to 999, which never ran: training stopped after 25 iterations (no training error was left), so the trace has none of them', [20, 21, 22, 23, 24, 25]],
      ['26', '--trace names iteration 26, which never ran: training stopped after 25 iterations (no training error was left), so the trace has none of them', []],
    ] as const;
    for (const [spec, warning, traced] of cases) {
      const human = await runInProcess(train, ['--backend', 'plain', '--trace', spec, '--until-no-error']);
      expect([human.code, human.stderr]).to.deep.equal([0, `warning: ${warning}\n`]);
      const json = await runInProcess(train, ['--backend', 'plain', '--trace', spec, '--until-no-error', '--json']);
      const report = JSON.parse(json.stdout);
      expect(report.warnings).to.deep.equal([{ kind: 'trace-not-run', message: warning }]);
      expect(report.trace.map((t: { iteration: number }) => t.iteration)).to.deep.equal(traced);
    }
    // iterations that all ran, or all of them: nothing to say
    for (const spec of ['1-3', 'all', 'first:3']) {
      const r = await runInProcess(train, ['--backend', 'plain', '--trace', spec, '--until-no-error']);
      expect([r.code, r.stderr], spec).to.deep.equal([0, '']);
    }
  });

  const bad = [
    [['--trace', 'first:0'], '--trace: "first:0" names no iteration; expected first:N with N at least 1'],
    [['--trace', 'last:0'], '--trace: "last:0" names no iteration; expected last:N with N at least 1'],
    [['--trace', '1,x'], '--trace: "1,x" is not a list of iterations; expected e.g. 1,2,12 or 16-19 or first:3 or last:2 or all'],
    [['--trace', '0'], '--trace: "0" is not a list of iterations; expected e.g. 1,2,12 or 16-19 or first:3 or last:2 or all'],
    [['--trace', '2,1001'], '--trace: iteration 1001 never runs; --iterations is 1000, so the run has iterations 1 to 1000'],
    [['--trace', '4-6', '--iterations', '5'], '--trace: iteration 6 never runs; --iterations is 5, so the run has iterations 1 to 5'],
    [['--trace', '1', '--kernels', 'fused'], '--trace shows what tfjs ops compute: give it without --kernels fused'],
    [['--trace', '1', '--chunk-samples', '2', '--backend', 'plain'], 'tracing needs the samples whole in memory (not in chunks)'],
  ] as const;
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')}: exit 2, one line`, async () => {
      const { code, stdout, stderr } = await runInProcess(train, [...argv]);
      expect([code, stdout, stderr]).to.deep.equal([2, '', `error: ${message}\n`]);
    });
  }
});
