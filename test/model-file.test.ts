import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { InputError } from '../src/errors';
import { loadModel, saveModel, type SavedModel } from '../src/model/file';
import { tempDir, throws } from './helpers';

/** The article's AND result, as `train --save` would write it. */
const AND_MODEL: SavedModel = {
  format: 'simple-nn-model',
  version: 1,
  weights: [[0.049999999999999954], [0.050000000000000024]],
  bias: -0.07499999999999982,
  featureNames: ['x1', 'x2'],
  labelNames: ['y'],
  training: { backend: 'plain', learningRate: 0.1, iterations: 1000, iterationsRun: 1000, gradient: 'article', seed: 7 },
  metrics: { errors: 0, accuracy: 1, loss: 0.6 },
  savedAt: '2024-01-02T03:04:05.000Z',
};

describe('saveModel / loadModel', () => {
  const dir = tempDir();
  after(() => dir.remove());

  /** Writes `model` (any JSON) as it would be found on disk and returns the error loading it gives. */
  const loadError = (name: string, model: unknown): Error => {
    const path = dir.write(name, typeof model === 'string' ? model : JSON.stringify(model));
    const err = throws(() => loadModel(path));
    expect(err, err.stack).to.be.instanceOf(InputError);
    return err;
  };
  const withField = (field: string, value: unknown) => ({ ...AND_MODEL, [field]: value });

  it('round-trips a model exactly (float64 weights, extra training and metrics fields), as pretty JSON', () => {
    const path = dir.path('and.model.json');
    saveModel(path, AND_MODEL);
    expect(loadModel(path)).to.deep.equal(AND_MODEL);
    const text = readFileSync(path, 'utf8');
    expect(text).to.match(/^\{\n {2}"format": "simple-nn-model",\n {2}"version": 1,\n/);
    expect(text.endsWith('}\n')).to.equal(true);
  });

  it('replaces an existing file atomically, leaving no temporary file', () => {
    const path = dir.path('again.model.json');
    saveModel(path, AND_MODEL);
    saveModel(path, { ...AND_MODEL, bias: 2 });
    expect(loadModel(path).bias).to.equal(2);
    expect(readdirSync(dir.path('')).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('refuses to save what it could not load (NaN would become null in JSON)', () => {
    const path = dir.path('nan.model.json');
    const err = throws(() => saveModel(path, { ...AND_MODEL, weights: [[NaN], [0]] }));
    expect(err.message).to.equal(`${path}: weights[0][0] must be a finite number, got NaN`);
    expect(() => readFileSync(path)).to.throw(/ENOENT/);
  });

  it('a missing file or a folder', () => {
    const path = dir.path('nope.json');
    expect(throws(() => loadModel(path)).message).to.equal(`${path}: no such file`);
    expect(throws(() => loadModel(dir.path(''))).message).to.equal(`${dir.path('')}: is a directory, expected a model file`);
  });

  it('a FIFO or a character device: refused at once, never read (a read would block or never end) (#21)', () => {
    const fifo = dir.path('model.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(throws(() => loadModel(fifo)).message).to.equal(`${fifo}: is a FIFO (named pipe), expected a model file`);
    expect(throws(() => loadModel('/dev/zero')).message).to.equal('/dev/zero: is a character device, expected a model file');
  });

  it('a file larger than any model, or nested deeper: refused before JSON.parse (#21)', () => {
    const big = dir.path('big.model.json');
    writeFileSync(big, '');
    truncateSync(big, 256 * 1024 * 1024 + 1); // sparse: no disk used
    expect(throws(() => loadModel(big)).message).to.equal(`${big}: not a valid model file: it is 268435457 bytes, more than any model file (at most 268435456, 256 MiB)`);
    const deep = loadError('deep.json', `${'['.repeat(100000)}${']'.repeat(100000)}`);
    expect(deep.message).to.equal(`${dir.path('deep.json')}: not a valid model file: its JSON nests 65 levels deep; a model file nests 64 at most`);
    // brackets inside strings are not nesting
    const named = { ...AND_MODEL, featureNames: ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', 'x"{2'] };
    expect(loadModel(dir.write('brackets.json', JSON.stringify(named))).featureNames).to.deep.equal(named.featureNames);
  });

  it('duplicate featureNames are a bad model, not a confusing column error later (#21)', () => {
    const err = loadError('twice.json', JSON.stringify({ ...AND_MODEL, featureNames: ['x1', 'x1'] }));
    expect(err.message).to.equal(`${dir.path('twice.json')}: not a valid model file: featureNames names "x1" twice`);
  });

  it('a truncated file', () => {
    const text = JSON.stringify(AND_MODEL, null, 2).slice(0, 100);
    const parseMessage = throws(() => JSON.parse(text)).message;
    const err = loadError('truncated.json', text);
    expect(err.message).to.equal(`${dir.path('truncated.json')}: not a valid model file: the JSON is truncated or malformed (${parseMessage})`);
  });

  const cases: [name: string, model: unknown, message: string][] = [
    ['array.json', [1, 2], 'not a simple-nn model file (expected a JSON object, got [1,2])'],
    ['no-format.json', withField('format', undefined), 'not a simple-nn model file (it has no "format" field, expected "simple-nn-model")'],
    ['format.json', withField('format', 'x'), 'not a simple-nn model file (format is "x", expected "simple-nn-model")'],
    ['version3.json', withField('version', 3), 'model format version 3 is newer than this program reads (2); update simple-nn'],
    ['version-text.json', withField('version', '1'), 'version must be a whole number ≥ 1, got "1"'],
    ['weights-flat.json', withField('weights', [0.05, 0.05]), 'weights must be a non-empty features×outputs array of finite numbers (number[][]), got [0.05,0.05]'],
    ['weights-empty.json', withField('weights', []), 'weights must be a non-empty features×outputs array of finite numbers (number[][]), got []'],
    ['weights-ragged.json', withField('weights', [[1, 2], [3]]), 'weights row 1 must have 2 values (outputs) as row 0 has, got 1 value'],
    ['weights-null.json', withField('weights', [[1], [null]]), 'weights[1][0] must be a finite number, got null'],
    ['weights-text.json', withField('weights', [[1], ['0.5']]), 'weights[1][0] must be a finite number, got "0.5"'],
    ['features.json', withField('featureNames', ['x1']), 'featureNames has 1 name, but weights has 2 rows'],
    ['labels.json', withField('labelNames', ['y', 'z']), 'labelNames has 2 names, but weights has 1 column'],
    ['label-types.json', withField('labelNames', [1]), 'labelNames must be an array of strings, got [1]'],
    ['bias-null.json', withField('bias', null), 'bias must be a finite number, got null'],
    ['bias-missing.json', withField('bias', undefined), 'bias must be a finite number, got no value'],
    ['training.json', withField('training', 'fast'), 'training must be an object, got "fast"'],
    ['rate.json', withField('training', { ...AND_MODEL.training, learningRate: 0 }), 'training.learningRate must be a finite number > 0, got 0'],
    ['iterations.json', withField('training', { ...AND_MODEL.training, iterations: 1.5 }), 'training.iterations must be a whole number ≥ 0, got 1.5'],
    ['run.json', withField('training', { ...AND_MODEL.training, iterationsRun: -1 }), 'training.iterationsRun must be a whole number ≥ 0, got -1'],
    ['backend.json', withField('training', { ...AND_MODEL.training, backend: 3 }), 'training.backend must be one of tensorflow, wasm, cpu, plain, sql, got 3'],
    // the fourth hostile pass: these loaded, and a gradient unknown here was trained on and saved as the article's
    ['gpu.json', withField('training', { ...AND_MODEL.training, backend: 'gpu' }), 'training.backend must be one of tensorflow, wasm, cpu, plain, sql, got "gpu"'],
    ['hinge.json', withField('training', { ...AND_MODEL.training, gradient: 'hinge' }), 'training.gradient must be one of article, logistic, got "hinge"'],
    ['null-training.json', withField('training', null), 'training must be an object, got null'],
    ['empty-name.json', withField('featureNames', ['', 'x2']), 'not a valid model file: featureNames has an empty name; every column has one'],
    ['feature-label.json', withField('featureNames', ['x1', 'y']), 'not a valid model file: "y" is both a feature and a label'],
    ['ignored-feature.json', withField('ignoredColumns', ['x1']), 'ignoredColumns must be columns that are neither features nor labels, got "x1"'],
    ['errors.json', withField('metrics', { errors: 'none', accuracy: 1 }), 'metrics.errors must be a whole number ≥ 0, got "none"'],
    ['accuracy.json', withField('metrics', { errors: 0, accuracy: 100 }), 'metrics.accuracy must be a number from 0 to 1, got 100'],
    ['saved-at.json', withField('savedAt', 0), 'savedAt must be a string (an ISO 8601 time), got 0'],
  ];
  for (const [name, model, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(loadError(name, model).message).to.equal(`${dir.path(name)}: ${message}`);
    });
  }
});
