import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { predict } from '../src/cli/predict';
import { train } from '../src/cli/train';
import { writeNpy } from '../src/data/npy';
import { loadModel } from '../src/model/file';
import { loadTfjsLayersModel } from '../src/model/tfjs-export';
import { cpuSeconds, runInProcess, spawnCollecting, tempDir, until } from './helpers';

const trainCli = (...argv: string[]) => runInProcess(train, argv);
const predictCli = (...argv: string[]) => runInProcess(predict, argv);
const ROOT = join(__dirname, '..');

/** Starts `npm run train` as a user would, without waiting for it. */
function startTraining(args: string[]) {
  return spawnCollecting(process.execPath, [join(ROOT, 'node_modules/ts-node/dist/bin.js'), join(ROOT, 'scripts/train.ts'), ...args], ROOT);
}

/**
 * Waits until the child is surely training: start-up (ts-node compiling the sources, tfjs, data)
 * takes about 4 s of CPU here, so 10 s is well past it; the runs it waits on train for minutes.
 */
async function training(pid: number): Promise<void> {
  await until(() => cpuSeconds(pid) >= 10, 'the run to be training', 90000);
}


describe('CLI: models people keep and look at', function () {
  this.timeout(120000);
  const dir = tempDir();
  after(() => dir.remove());

  for (const backend of ['plain', 'wasm']) {
    it(`--save then npm run predict gives the training predictions (${backend})`, async () => {
      const file = dir.write(`data-${backend}.csv`, 'a,b,c,label\n0,0,1,0\n1,0,0,0\n0,1,1,1\n1,1,0,1\n2,1,1,1\n0,2,0,1\n');
      const model = dir.path(`model-${backend}.json`);
      const trained = JSON.parse((await trainCli('--backend', backend, '--data', file, '--iterations', '200', '--save', model, '--json')).stdout);
      const saved = loadModel(model);
      expect(saved).to.include({ format: 'simple-nn-model', version: 1, bias: trained.bias });
      expect(saved.weights).to.deep.equal(trained.weights);
      expect(saved.featureNames).to.deep.equal(['a', 'b', 'c']);
      expect(saved.labelNames).to.deep.equal(['label']);
      expect(saved.training).to.include({ backend, learningRate: 0.1, iterations: 200, gradient: 'article', data: file });
      expect(saved.metrics).to.deep.equal({ errors: trained.errors, accuracy: trained.accuracy });

      const { code, stdout } = await predictCli('--model', model, '--data', file, '--json');
      expect(code).to.equal(0);
      const predicted = JSON.parse(stdout);
      expect(predicted.predictions).to.deep.equal(trained.predictions);
      expect(predicted).to.include({ errors: trained.errors, accuracy: trained.accuracy });

      // columns in another order, without labels, and --proba
      const shuffled = dir.write(`shuffled-${backend}.csv`, 'c,b,a\n1,0,0\n0,0,1\n1,1,0\n0,1,1\n1,1,2\n0,2,0\n');
      const proba = JSON.parse((await predictCli('--model', model, '--data', shuffled, '--proba', '--json')).stdout);
      expect(proba.predictions).to.deep.equal(trained.predictions);
      expect(proba.probabilities[0].map((s: number) => (s >= 0.5 ? 1 : 0))).to.deep.equal(trained.predictions[0]);
      expect(proba).to.not.have.property('errors');
    });
  }

  it('the library loads a saved model and predicts with it', async () => {
    const model = dir.path('and.json');
    await trainCli('--backend', 'plain', '--save', model);
    const { loadClassifier } = await import('../src/index');
    const net = await loadClassifier(model, { backend: 'plain' });
    expect(net.predict([[0, 1, 0, 1], [0, 0, 1, 1]])).to.deep.equal([[0, 0, 0, 1]]);
    expect(net.bias).to.equal(-0.07499999999999982);
    expect(net.toModel({ featureNames: ['x1', 'x2'], labelNames: ['y'], metrics: { errors: 0, accuracy: 1 } }).weights).to.deep.equal(
      loadModel(model).weights,
    );
    net.dispose();
  });

  describe('predict: bad input exits 2 with one line', () => {
    let model: string;
    before(async () => {
      model = dir.path('predict-model.json');
      await trainCli('--backend', 'plain', '--data', dir.write('p.csv', 'x1,x2,y\n0,0,0\n1,1,1\n'), '--save', model);
    });
    const cases: [string, () => string[], (m: string) => string][] = [
      ['no --model', () => ['--data', 'x.csv'], () => '--model FILE is required (a model saved by npm run train -- --save FILE)'],
      ['a CSV missing a feature and with an extra column', () => ['--data', dir.write('bad.csv', 'x1,z,y\n0,0,0\n')], () =>
        `${dir.path('bad.csv')}: the columns do not match the model's features (x1, x2): missing "x2"; extra "z"`],
      ['an .npy with another feature count', () => {
        const path = dir.path('x3.npy');
        // a float64 3×1 .npy written by hand
        const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }";
        const pad = 64 - ((10 + header.length + 1) % 64);
        writeFileSync(path, Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + pad + 1, 0]),
          Buffer.from(header + ' '.repeat(pad) + '\n'), Buffer.from(new Float64Array([1, 2, 3]).buffer)]));
        return ['--x', path];
      }, () => `--x: ${dir.path('x3.npy')} has 3 features (rows), but the model was trained on 2 (x1, x2)`],
      ['a truncated model file', () => {
        writeFileSync(dir.path('cut.json'), readFileSync(model, 'utf8').slice(0, 40));
        return ['--model', dir.path('cut.json'), '--data', 'x.csv'];
      }, () => `${dir.path('cut.json')}: not a valid model file: the JSON is truncated or malformed`],
      ['an .npy y with a label that is not 0 or 1', () => {
        const x = dir.path('px.npy');
        const y = dir.path('py.npy');
        writeNpy(x, { rows: 2, cols: 2, data: Float64Array.of(0, 1, 0, 1) });
        writeNpy(y, { rows: 1, cols: 2, data: Float64Array.of(0, 2) });
        return ['--x', x, '--y', y];
      }, () => `${dir.path('py.npy')}: y[0, 1] is 2; labels must be 0 or 1`],
      ['a newer model version', () => {
        writeFileSync(dir.path('v2.json'), JSON.stringify({ ...loadModel(model), version: 3 }));
        return ['--model', dir.path('v2.json'), '--data', 'x.csv'];
      }, () => `${dir.path('v2.json')}: model format version 3 is newer than this program reads (2); update simple-nn`],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const args = argv();
        const withModel = args.includes('--model') || what === 'no --model' ? args : ['--model', model, ...args];
        const { code, stdout, stderr } = await predictCli(...withModel);
        expect(code).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr.split('\n')).to.have.length(2);
        expect(stderr).to.satisfy((s: string) => s.startsWith(`error: ${message(model)}`));
      });
    }
  });

  it('--export-tfjs writes a LayersModel that tf.loadLayersModel loads and that agrees with ours', async () => {
    const out = dir.path('tfjs-model');
    const trained = JSON.parse((await trainCli('--backend', 'plain', '--dataset', 'iris', '--label', 'all', '--iterations', '300', '--export-tfjs', out, '--json')).stdout);
    expect(readdirSync(out).sort()).to.deep.equal(['model.json', 'weights.bin']);
    const tf = await import('@tensorflow/tfjs');
    const layers = await loadTfjsLayersModel(out);
    const { iris } = await import('../src/data/iris');
    const { x } = iris(['all']).source.inMemory!;
    const samplesMajor = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols])));
    const s = layers.predict(samplesMajor) as import('@tensorflow/tfjs').Tensor2D;
    const theirs = (await s.array()).map((row) => row.map((v) => (v >= 0.5 ? 1 : 0)));
    tf.dispose([samplesMajor, s]);
    layers.dispose();
    // theirs is samples×outputs, ours outputs×samples
    expect(theirs[0].map((_, o) => theirs.map((row) => row[o]))).to.deep.equal(trained.predictions);
  });

  it('--plot draws a PNG and an SVG with the error curve and, for 2 features, the decision line', async () => {
    const png = dir.path('and.png');
    const svg = dir.path('and.svg');
    expect((await trainCli('--backend', 'plain', '--plot', png)).code).to.equal(0);
    expect(readFileSync(png).subarray(0, 8)).to.deep.equal(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await trainCli('--backend', 'plain', '--plot', svg, '--iterations', '50')).code).to.equal(0);
    const text = readFileSync(svg, 'utf8');
    expect(text).to.contain('training errors');
    expect(text).to.contain('Decision line');
    const bad = await trainCli('--backend', 'plain', '--plot', dir.path('and.gif'));
    expect(bad).to.include({ code: 2, stdout: '' });
    expect(bad.stderr).to.equal(`error: --plot: "${dir.path('and.gif')}" must end in .svg or .png\n`);
    const nowhere = await trainCli('--backend', 'plain', '--save', join(dir.path('missing'), 'm.json'));
    expect(nowhere.stderr).to.equal(`error: --save: the folder "${dir.path('missing')}" of "${join(dir.path('missing'), 'm.json')}" does not exist\n`);
  });

  describe('Ctrl-C', () => {
    const long = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '8', '--samples', '20000', '--iterations', '1000000'];

    it('the first stops after the current iteration, saves the last completed state and says so', async () => {
      const model = dir.path('interrupted.json');
      const run = startTraining([...long, '--save', model, '--json']);
      await training(run.child.pid!);
      run.child.kill('SIGINT');
      const { code, stdout, stderr } = await run.done;
      expect(code).to.equal(130); // results printed and saved, but the run did not finish
      expect(stderr).to.match(/^interrupted: stopping after the current iteration/m);
      expect(stderr).to.match(new RegExp(`stopped after \\d+ iterations \\(interrupted\\); saved the last completed state to ${model}`));
      const report = JSON.parse(stdout);
      expect(report.stoppedBy).to.equal('interrupt');
      expect(report.iterationsRun).to.be.above(0).and.below(1000000);
      const saved = loadModel(model);
      expect(saved.training).to.include({ iterationsRun: report.iterationsRun, stoppedBy: 'interrupt' });
      expect(saved.weights).to.deep.equal(report.weights);
    });

    it('a second exits at once and leaves the saved file untouched', async () => {
      const model = dir.path('kept.json');
      await trainCli('--backend', 'plain', '--save', model);
      const before = readFileSync(model, 'utf8');
      const run = startTraining([...long, '--save', model]);
      await training(run.child.pid!);
      run.child.kill('SIGINT');
      await until(() => run.stderr().includes('interrupted'), 'the first Ctrl-C to be heard');
      run.child.kill('SIGINT');
      const { code, signal, stderr } = await run.done;
      // 130 from our handler; or, if the run had already finished its work, Node's default for SIGINT
      expect(code === 130 || signal === 'SIGINT', `code ${code}, signal ${signal}`).to.equal(true);
      // The first Ctrl-C lets the current iteration finish; the second takes SIGINT's default action
      // at once, which may land before or after the outputs are renamed into place (and before or
      // after the line saying so): either way the file is whole, the old one or the new one.
      if (readFileSync(model, 'utf8') !== before) expect(loadModel(model).training).to.include({ stoppedBy: 'interrupt' });
      if (stderr.includes('saved the last completed state')) expect(readFileSync(model, 'utf8')).to.not.equal(before);
      expect(readdirSync(dirname(model)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('killing a run at any moment never leaves a partial or damaged model file', async () => {
      const model = dir.path('killed.json');
      await trainCli('--backend', 'plain', '--save', model);
      const before = readFileSync(model, 'utf8');
      // Short runs that save a large model (2000 features), killed at staggered moments, some of them mid-save.
      const args = ['--backend', 'plain', '--dataset', 'synthetic', '--features', '2000', '--samples', '50', '--iterations', '5', '--save', model];
      for (const delay of [600, 900, 1200, 1500, 1800]) {
        const run = startTraining(args);
        await new Promise((r) => setTimeout(r, delay));
        run.child.kill('SIGKILL');
        await run.done;
        const text = readFileSync(model, 'utf8');
        if (text !== before) expect(loadModel(model).weights).to.have.length(2000);
      }
      expect(existsSync(model)).to.equal(true);
    });
  });
});
