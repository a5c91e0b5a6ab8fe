import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Classifier, databaseDataset, explainSql, InputError, loadClassifier, loadModel, loadSqlDataset, saveClassifier } from '../src/index';
import { AND_GOLDEN, AND_INIT, AND_X, AND_Y, expectClose, randomData } from './fixtures';
import { rejects, tempDir, throws } from './helpers';

describe('Classifier (the library API)', () => {
  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`trains the article's example with backend ${backend}: fit, predict, score, weights, bias, toJSON`, async () => {
      const net = await Classifier.create({ backend, ...AND_INIT });
      try {
        expect(net.backend).to.equal(backend);
        expect(net.predict(AND_X)).to.deep.equal([[1, 1, 1, 1]]);
        expect(net.score(AND_X, AND_Y)).to.equal(0.25);
        net.fit(AND_X, AND_Y);
        expect(net.predict(AND_X)).to.deep.equal(AND_Y);
        expect(net.score(AND_X, AND_Y)).to.equal(1);
        const tol = backend === 'plain' ? 1e-12 : 1e-6;
        expectClose(net.weights, AND_GOLDEN[1000].W, tol);
        expectClose(net.bias, AND_GOLDEN[1000].b, tol);
        const proba = net.predictProba(AND_X)[0];
        expect(proba.map((s) => (s >= 0.5 ? 1 : 0))).to.deep.equal(AND_Y[0]);
        const json = JSON.parse(JSON.stringify(net));
        expect(json).to.deep.include({
          format: 'simple-nn-model',
          version: 1,
          weights: net.weights,
          bias: net.bias,
          featureNames: ['x1', 'x2'],
          labelNames: ['y'],
        });
        expect(json.training).to.deep.equal({ backend, compute: net.compute, learningRate: 0.1, iterations: 1000, gradient: 'article', iterationsRun: 1000 });
        expect(net.compute).to.equal({ plain: 'plain', cpu: 'cpu (JS kernel, 1 thread, screened: 5.4% of samples read)', wasm: 'wasm (SIMD kernel, 1 thread, screened: 5.4% of samples read)' }[backend]);
        const back = await Classifier.fromJSON(json, { backend: 'plain' });
        expect(back.predict(AND_X)).to.deep.equal(AND_Y);
        expect(back.weights).to.deep.equal(net.weights);
        back.dispose();
      } finally {
        net.dispose();
      }
    });
  }

  it('goes on from the current W and b on a second fit', async () => {
    const once = await Classifier.create({ backend: 'plain', ...AND_INIT, iterations: 2 });
    once.fit(AND_X, AND_Y);
    const twice = await Classifier.create({ backend: 'plain', ...AND_INIT, iterations: 1 });
    twice.fit(AND_X, AND_Y).fit(AND_X, AND_Y);
    expect(twice.weights).to.deep.equal(once.weights);
    expectClose(twice.weights, AND_GOLDEN[2].W, 1e-12);
  });

  for (const backend of ['plain', 'wasm'] as const) {
    it(`fitAsync (which yields to the event loop) trains exactly as fit, stats on the same iterations (${backend})`, async () => {
      const { x, y } = randomData(4, 3, 200, 2);
      const seen: Record<string, number[]> = { sync: [], async: [] };
      const options = (key: string) => ({ iterations: 3000, statsEvery: 7, onIteration: (i: number, s?: { iteration: number }) => s && seen[key].push(s.iteration, i) });
      const once = await Classifier.create({ backend, learningRate: 0.05 });
      once.fit(x, y, options('sync'));
      const sliced = await Classifier.create({ backend, learningRate: 0.05 });
      await sliced.fitAsync(x, y, options('async'));
      expect(sliced.weights).to.deep.equal(once.weights);
      expect(sliced.bias).to.equal(once.bias);
      expect(sliced.lastFit).to.deep.equal({ iterationsRun: 3000 });
      expect(seen.async).to.deep.equal(seen.sync);
      expect(seen.sync.slice(0, 4)).to.deep.equal([1, 1, 8, 8]);
      once.dispose();
      sliced.dispose();
    });
  }

  it('fills each row of W from a value per feature, for several outputs (numpy: W[0], W[1] = 0.4, 0.2)', async () => {
    const { x, y } = randomData(3, 2, 10, 3);
    const net = await Classifier.create({ backend: 'plain', weights: [0.4, 0.2], bias: 1, iterations: 0 });
    net.fit(x, y);
    expect(net.weights).to.deep.equal([
      [0.4, 0.4, 0.4],
      [0.2, 0.2, 0.2],
    ]);
    expect(net.predict(x)).to.have.length(3);
  });

  it('auto picks a backend and says why', async () => {
    const net = await Classifier.create();
    expect(['tensorflow', 'wasm', 'cpu']).to.include(net.backend);
    expect(net.backendReason).to.match(/^auto/);
    net.dispose();
  });

  it('leaks no tensor across create, fit, predict and dispose', async () => {
    const start = tf.memory().numTensors;
    const net = await Classifier.create({ backend: 'cpu', ...AND_INIT, iterations: 50 });
    net.fit(AND_X, AND_Y);
    net.predict(AND_X);
    net.predictProba(AND_X);
    net.score(AND_X, AND_Y);
    net.toJSON();
    net.dispose();
    expect(tf.memory().numTensors).to.equal(start);
  });

  it('saves with the default names for those not given: saveClassifier(path, net, {}) and ({featureNames})', async () => {
    const dir = tempDir();
    try {
      const net = await Classifier.create({ backend: 'plain' });
      net.fit(AND_X, AND_Y, { iterations: 2 });
      saveClassifier(dir.path('a.json'), net, {});
      expect(loadModel(dir.path('a.json'))).to.include.keys('weights').and.deep.include({ featureNames: ['x1', 'x2'], labelNames: ['y'] });
      saveClassifier(dir.path('b.json'), net, { featureNames: ['p', 'q'] });
      expect(loadModel(dir.path('b.json'))).to.deep.include({ featureNames: ['p', 'q'], labelNames: ['y'] });
    } finally {
      dir.remove();
    }
  });

  describe('rejects bad input with an InputError that names it', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      ['an unknown backend', () => Classifier.create({ backend: 'gpu' as never }), 'backend: "gpu" is not a backend; expected auto, tensorflow, wasm, cpu, plain, sql'],
      ['a negative learning rate', () => Classifier.create({ backend: 'plain', learningRate: -1 }), 'learningRate must be a finite number > 0, got -1'],
      ['a fractional iteration count', () => Classifier.create({ backend: 'plain', iterations: 1.5 }), 'iterations must be a whole number ≥ 0, got 1.5'],
      ['a NaN bias', () => Classifier.create({ backend: 'plain', bias: NaN }), 'bias must be a finite number, got NaN'],
      // the options themselves: null, not an object, a misspelt key, a wrong type (each was a TypeError or ignored)
      ['null options', () => Classifier.create(null as never), 'Classifier.create: the options must be an object, got null'],
      ['a string for the options', () => Classifier.create('plain' as never), 'Classifier.create: the options must be an object, got "plain"'],
      ['an array for the options', () => Classifier.create([] as never), 'Classifier.create: the options must be an object, got an array'],
      [
        'a misspelt option',
        () => Classifier.create({ backend: 'plain', learningrate: 0.5 } as never),
        'Classifier.create: unknown option "learningrate"; expected one of backend, learningRate, iterations, bias, gradient, kernels, weights, standardize',
      ],
      ['a learning rate given as text', () => Classifier.create({ backend: 'plain', learningRate: '0.1' as never }), 'learningRate must be a finite number > 0, got "0.1"'],
      ['a bias given as text', () => Classifier.create({ backend: 'plain', bias: '1' as never }), 'bias must be a finite number, got "1"'],
      ['iterations given as text', () => Classifier.create({ backend: 'plain', iterations: '5' as never }), 'iterations must be a whole number ≥ 0, got "5"'],
      ['null options to fromModel', () => Classifier.fromModel({} as never, null as never), 'Classifier.fromModel: the options must be an object, got null'],
      ['a null model to fromModel', () => Classifier.fromModel(null as never), "Classifier.fromModel: the model must be an object (a model file's content), got null"],
      // the other library entry points, each a TypeError or a plain Error before
      ['weights nested a level too deep', () => Classifier.create({ backend: 'plain', weights: [[[1]]] as never }), 'weights[0][0] must be a finite number, got [1]'],
      ['a sample given as text', async () => (await Classifier.create({ backend: 'plain' })).predict([['1'], ['2']] as never), 'x[0][0] must be a finite number, got "1"'],
      ['loadModel(null)', async () => loadModel(null as never), 'loadModel: the path must be a file name, got null'],
      ['loadClassifier of an empty name', () => loadClassifier(''), 'loadClassifier: the path must be a file name, got an empty text'],
      ['saveClassifier(null, …)', async () => saveClassifier(null as never, await Classifier.create({ backend: 'plain' })), 'saveClassifier: the path must be a file name, got null'],
      ['saveClassifier of no classifier', async () => saveClassifier('never.json', null as never), 'saveClassifier: the classifier must be a Classifier (from Classifier.create or loadClassifier), got null'],
      ['saveClassifier with names that are not a list', async () => saveClassifier('never.json', await Classifier.create({ backend: 'plain' }), { featureNames: 5 } as never), 'featureNames must be a list of column names (string[]), got 5'],
      ['loadSqlDataset(null)', () => loadSqlDataset(null as never), 'the data in a database: the options must be an object, got null'],
      ['loadSqlDataset({})', () => loadSqlDataset({}), 'the data in a database: give exactly one of sql (a query) and parquet (a file), got neither'],
      ['a database URL that is not text', () => databaseDataset({ sql: 'SELECT 1 AS a, 0 AS y', db: 5 as never }), 'db must be text, got 5'],
      ['explainSql with null settings', () => explainSql({ sql: 'SELECT 1 AS a, 0 AS y' }, null as never), 'explainSql: the options must be an object, got null'],
      ['evaluate(null)', async () => (await Classifier.create({ backend: 'plain' })).evaluate(null as never), "evaluate: the data must be a SampleSource (e.g. memorySource(x, y), or a dataset's source), got null"],
      [
        'fit options that are null, or of the wrong type',
        async () => {
          const net = await Classifier.create({ backend: 'plain' });
          expect(throws(() => net.fit(AND_X, AND_Y, null as never)).message).to.equal('fit: the options must be an object, got null');
          expect(throws(() => net.fit(AND_X, AND_Y, { iteration: 5 } as never)).message).to.match(/^fit: unknown option "iteration"; expected one of iterations, chunkSamples, /);
          expect(throws(() => net.fit(AND_X, AND_Y, { onIteration: 'log' } as never)).message).to.equal('onIteration must be a function, got "log"');
          return net.fit(AND_X, AND_Y, { untilNoError: 'yes' as never });
        },
        'untilNoError must be true or false, got "yes"',
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, async () => {
        const err = await rejects(make());
        expect(err).to.be.instanceOf(InputError);
        expect(err.message).to.equal(message);
      });
    }

    it('x and y with different sample counts', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      const err = throws(() => net.fit(AND_X, [[0, 0, 1]]));
      expect(err.message).to.equal('x has 4 samples (columns) but y has 3; both are …×samples');
    });

    it('a label that is not 0 or 1', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      expect(throws(() => net.fit(AND_X, [[0, 0, 2, 1]])).message).to.equal('y[0][2] must be 0 or 1, got 2');
    });

    it('a ragged x', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      expect(throws(() => net.fit([[0, 1], [0]], [[0, 1]])).message).to.equal('x: row 1 has 1 values, expected 2 as in row 0');
    });

    it('weights that do not match the features', async () => {
      const net = await Classifier.create({ backend: 'plain', weights: [1, 2, 3] });
      expect(throws(() => net.fit(AND_X, AND_Y)).message).to.equal(
        'initial weights are 3×1, but the data needs 2 values (one per feature) or 2×1',
      );
    });

    it('data with no samples', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      const none = { rows: 2, cols: 0, data: new Float64Array(0) };
      expect(throws(() => net.fit(none, { rows: 1, cols: 0, data: new Float64Array(0) })).message).to.equal(
        'the data has 2 features, 1 outputs and 0 samples; each must be ≥ 1',
      );
    });

    it('score with labels that are not 0 or 1', async () => {
      const net = await Classifier.create({ backend: 'plain', ...AND_INIT });
      expect(throws(() => net.score(AND_X, [[0, 0, 2, 1]])).message).to.equal('y[0][2] must be 0 or 1, got 2');
    });

    it('a JSON that is not a model', async () => {
      const err = await rejects(Classifier.fromJSON({ format: 'other' }));
      expect(err.message).to.equal('the model JSON: not a simple-nn model file (format is "other", expected "simple-nn-model")');
    });

    it('predict before fit without weights', async () => {
      const net = await Classifier.create({ backend: 'plain' });
      expect(throws(() => net.predict(AND_X)).message).to.match(/^the classifier has no weights yet/);
    });

    it('x with another feature count than W', async () => {
      const net = await Classifier.create({ backend: 'plain', ...AND_INIT });
      expect(throws(() => net.predict([[1, 2]])).message).to.equal('x has 1 features (rows), but W was made for 2');
    });
  });
});
