import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../src/model/file';
import { cpuSeconds, spawnCollecting, tempDir, until } from './helpers';
import { duck } from './sql-helpers';

const ROOT = join(__dirname, '..');

/** `npm run --silent train -- …`, as a user types it (npm runs the compiled CLI: npm test builds it first). */
function npmTrain(args: string[]) {
  return spawnCollecting('npm', ['run', '--silent', 'train', '--', ...args], ROOT);
}

/** The node process npm started (npm's scripts `exec` node, so it is npm's direct child). */
function nodeChild(npmPid: number): number | undefined {
  const children = `/proc/${npmPid}/task/${npmPid}/children`;
  if (!existsSync(children)) return undefined;
  const pids = readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/cli/main.js'));
}

/** Waits until npm's node child has used `seconds` of CPU (start-up of the compiled CLI takes far less). */
async function training(npmPid: number, seconds: number): Promise<number> {
  let pid: number | undefined;
  await until(() => (pid = nodeChild(npmPid)) !== undefined && cpuSeconds(pid) >= seconds, 'the run to be training', 60000);
  return pid!;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('signals sent to the npm process reach the trainer', function () {
  this.timeout(120000);
  const many = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '8', '--samples', '20000', '--iterations', '1000000', '--json'];

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal}: stops after the current iteration, prints the results, exits ${code}; no orphan left`, async () => {
      const run = npmTrain(many);
      const node = await training(run.child.pid!, 1);
      run.child.kill(signal);
      const { code: exit, stdout, stderr } = await run.done;
      expect(exit).to.equal(code);
      expect(stderr).to.match(/^interrupted: stopping after the current iteration/m);
      const report = JSON.parse(stdout);
      expect(report.stoppedBy).to.equal('interrupt');
      expect(report.iterationsRun).to.be.above(0).and.below(1000000);
      await until(() => !alive(node), 'the trainer to end', 10000);
    });
  }

  it('a second SIGTERM ends the run at once, in the middle of a long iteration: no results, no orphan', async () => {
    // one iteration of plain on 32 × 6e6 samples takes seconds of CPU (making the data, about as long)
    const run = npmTrain(['--backend', 'plain', '--dataset', 'synthetic', '--features', '32', '--samples', '6000000', '--iterations', '100', '--json']);
    const node = await training(run.child.pid!, 10);
    run.child.kill('SIGTERM');
    await until(() => run.stderr().includes('interrupted'), 'the first SIGTERM to be heard');
    run.child.kill('SIGTERM');
    const { code, signal, stdout, stderr } = await run.done;
    // npm passes the second SIGTERM on, or takes it itself (then it ends by the signal): either way at once
    expect(code === 143 || signal === 'SIGTERM', `code ${code}, signal ${signal}`).to.equal(true);
    expect(stdout).to.equal(''); // the iteration under way was not finished, so nothing was printed
    expect(stderr).to.not.include('stopped after');
    await until(() => !alive(node), 'the trainer to end', 10000);
  });

  it('a second Ctrl-C once training is over, while the outputs are being written, leaves them as they were (exit 130, no temporary file)', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.path('model.json'), 'orig\n');
      // a million predictions take a while to write after the last iteration
      const run = spawnCollecting(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--backend', 'wasm', '--dataset', 'synthetic', '--features', '4', '--samples', '1000000', '--iterations', '1000000', '--save', dir.path('model.json'), '--predictions', dir.path('p.csv')], ROOT);
      const pid = run.child.pid!;
      await until(() => alive(pid) && cpuSeconds(pid) >= 2, 'the run to be training', 60000);
      run.child.kill('SIGINT');
      // the outputs' temporary files appear only once training is over
      await until(() => readdirSync(dir.path('.')).some((name) => name.endsWith('.tmp')), 'the outputs to be staged', 60000);
      run.child.kill('SIGINT');
      const { code, signal, stderr } = await run.done;
      expect(code === 130 || signal === 'SIGINT', `code ${code}, signal ${signal}`).to.equal(true);
      expect(stderr).to.match(/^interrupted: stopping after the current iteration/m).and.not.include('stopped after');
      expect(stderr).to.include('interrupted (Ctrl-C) while the results were being made: no output written, the files as they were\n');
      expect(readdirSync(dir.path('.'))).to.deep.equal(['model.json']);
      expect(readFileSync(dir.path('model.json'), 'utf8')).to.equal('orig\n');
    } finally {
      dir.remove();
    }
  });

  it('one SIGTERM once training is over, while the outputs are being written, ends the run saying so: exit 143, the files as they were', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.path('model.json'), 'orig\n');
      const run = spawnCollecting(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--backend', 'wasm', '--dataset', 'synthetic', '--features', '4', '--samples', '1000000', '--iterations', '2', '--save', dir.path('model.json'), '--predictions', dir.path('p.csv')], ROOT);
      await until(() => readdirSync(dir.path('.')).some((name) => name.endsWith('.tmp')), 'the outputs to be staged', 60000);
      run.child.kill('SIGTERM');
      const { code, signal, stdout, stderr } = await run.done;
      expect(code === 143 || signal === 'SIGTERM', `code ${code}, signal ${signal}`).to.equal(true);
      expect(stdout).to.equal('');
      expect(stderr).to.equal('interrupted (SIGTERM) while the results were being made: no output written, the files as they were\n');
      expect(readdirSync(dir.path('.'))).to.deep.equal(['model.json']);
      expect(readFileSync(dir.path('model.json'), 'utf8')).to.equal('orig\n');
    } finally {
      dir.remove();
    }
  });

  it('one SIGTERM while a large .npy loads (synchronously) ends the run by it, before training: nothing written, the model as it was', async () => {
    const dir = tempDir();
    try {
      execFileSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'make-npy', '--out', dir.path('d'), '--features', '32', '--samples', '3000000'], { stdio: 'ignore' });
      writeFileSync(dir.path('model.json'), 'orig\n');
      const run = spawnCollecting(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--x', dir.path('d/x.npy'), '--y', dir.path('d/y.npy'), '--iterations', '3', '--save', dir.path('model.json')], ROOT);
      const pid = run.child.pid!;
      const reading = () => readdirSync(`/proc/${pid}/fd`).some((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === dir.path('d/x.npy'); } catch { return false; } });
      await until(() => alive(pid) && reading(), 'x.npy to be read', 60000);
      run.child.kill('SIGTERM');
      const { code, signal, stdout, stderr } = await run.done;
      // it was heard by the training's handler once the load was over, and trained an iteration and saved it
      expect(code === 143 || signal === 'SIGTERM', `code ${code}, signal ${signal}`).to.equal(true);
      expect(stdout).to.equal('');
      expect(stderr).to.not.include('stopping after');
      expect(readdirSync(dir.path('.')).sort()).to.deep.equal(['d', 'model.json']);
      expect(readFileSync(dir.path('model.json'), 'utf8')).to.equal('orig\n');
    } finally {
      dir.remove();
    }
  });

  it('two SIGINTs 0.2 s apart, during a long iteration (both wait for it to end): the second ends the run, the outputs as they were', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.path('model.json'), 'orig\n');
      // one iteration of plain on 32 × 6e6 samples takes seconds, during which no JavaScript runs
      const run = spawnCollecting(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--backend', 'plain', '--dataset', 'synthetic', '--features', '32', '--samples', '6000000', '--iterations', '100', '--save', dir.path('model.json')], ROOT);
      const pid = run.child.pid!;
      await until(() => alive(pid) && cpuSeconds(pid) >= 10, 'the run to be training', 120000);
      run.child.kill('SIGINT');
      // apart, as a person presses them (two signals sent back to back the kernel delivers as one)
      await new Promise((r) => setTimeout(r, 200));
      run.child.kill('SIGINT');
      const { code, signal, stdout } = await run.done;
      // the second used to be lost (the first's handler stopped listening before it was dispatched), and the outputs were written
      expect(code === 130 || signal === 'SIGINT', `code ${code}, signal ${signal}`).to.equal(true);
      expect(stdout).to.equal('');
      expect(readdirSync(dir.path('.'))).to.deep.equal(['model.json']);
      expect(readFileSync(dir.path('model.json'), 'utf8')).to.equal('orig\n');
    } finally {
      dir.remove();
    }
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} ends a run whose query DuckDB is blocked in (opening a FIFO named by a table macro's parameter): exit ${code}, nothing left`, async () => {
      const dir = tempDir();
      try {
        const fifo = dir.path('data.csv');
        execFileSync('mkfifo', [fifo]);
        // a name computed inside a macro from its parameter is not known before DuckDB opens it (other computed names are, and refused)
        const db = dir.path('m.duckdb');
        await duck(["CREATE MACRO piped(p) AS TABLE SELECT * FROM read_csv(p || '.csv')"], db);
        const query = `SELECT * FROM piped('${fifo.slice(0, -4)}')`;
        const run = spawnCollecting(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--db', `duckdb:${db}`, '--sql', query, '--backend', 'sql', '--save', dir.path('model.json')], ROOT);
        const pid = run.child.pid!;
        // one of its threads waits in open() for a writer to the FIFO; exit used to wait for that thread for good
        const blocked = () => readdirSync(`/proc/${pid}/task`).some((t) => readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8') === 'wait_for_partner');
        await until(() => alive(pid) && blocked(), 'DuckDB to open the FIFO', 60000);
        run.child.kill(signal);
        await until(() => !alive(pid), 'the run to end', 10000);
        const { code: exit, signal: by } = await run.done;
        expect(exit === code || by === signal, `code ${exit}, signal ${by}`).to.equal(true);
        expect(readdirSync(dir.path('.')).sort()).to.deep.equal(['data.csv', 'm.duckdb']);
      } finally {
        dir.remove();
      }
    });
  }

  it("runs to the end under node --cpu-prof (V8's profiler ticks with SIGPROF, which a run otherwise hears as an ending signal)", async () => {
    const dir = tempDir();
    try {
      const run = spawnCollecting(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir.path('prof')}`, join(ROOT, 'dist', 'cli', 'main.js'), 'train', '--backend', 'plain', '--dataset', 'synthetic', '--features', '8', '--samples', '20000', '--iterations', '300', '--json'], ROOT);
      const { code, signal, stdout } = await run.done;
      expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
      expect(JSON.parse(stdout)).to.include({ iterations: 300 }).and.not.have.property('stoppedBy');
      expect(readdirSync(dir.path('prof')).filter((f) => f.endsWith('.cpuprofile'))).to.have.length(1);
    } finally {
      dir.remove();
    }
  });

  describe('a signal that ends npm itself (it passes on only INT and TERM) ends the trainer too, with nothing half-written', () => {
    const dir = tempDir();
    after(() => dir.remove());
    for (const signal of ['SIGHUP', 'SIGQUIT', 'SIGKILL'] as const) {
      it(`${signal} to npm: the trainer ends within seconds; --save is a whole model or absent, and no temporary file is left`, async () => {
        const out = dir.path(signal);
        mkdirSync(out);
        const model = `${out}/model.json`;
        const run = npmTrain([...many.filter((a) => a !== '--json'), '--save', model, '--plot', `${out}/plot.svg`]);
        const node = await training(run.child.pid!, 1);
        run.child.kill(signal);
        await until(() => !alive(node), 'the trainer to end', 15000);
        await run.done;
        const left = readdirSync(out);
        expect(left.filter((name) => name.endsWith('.tmp')), left.join(', ')).to.deep.equal([]);
        // stopped after an iteration, it wrote its outputs whole, together; or it wrote none
        expect([[], ['model.json', 'plot.svg']]).to.deep.include(left.sort());
        if (left.length > 0) expect(loadModel(model).weights).to.have.length(8);
      });
    }
  });
});
