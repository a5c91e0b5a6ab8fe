import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { InputError } from '../src/errors';
import { exportTfjsLayersModel, loadTfjsLayersModel } from '../src/model/tfjs-export';
import { AND_X } from './fixtures';
import { rejects, tempDir } from './helpers';

/** The article's prediction `sigmoid(Wᵀ·x + b) >= 0.5`, outputs×samples, by a plain loop in float64. */
function articlePredict(x: number[][], W: number[][], b: number): number[][] {
  const samples = x[0].length;
  return W[0].map((_, o) =>
    Array.from({ length: samples }, (_, j) => {
      const z = W.reduce((acc, row, f) => acc + row[o] * x[f][j], b);
      return 1 / (1 + Math.exp(-z)) >= 0.5 ? 1 : 0;
    }),
  );
}

const transpose = (m: number[][]) => m[0].map((_, c) => m.map((row) => row[c]));

describe('TensorFlow.js LayersModel export', () => {
  const dir = tempDir();
  after(() => dir.remove());
  before(async () => {
    await tf.setBackend('cpu');
  });

  const cases = [
    { name: "the article's AND result", W: [[0.05], [0.05]], b: -0.075, x: AND_X, expected: [[0, 0, 0, 1]] },
    {
      name: 'a 3×2 W (3 features, 2 outputs)',
      W: [
        [0.5, -1.25],
        [-0.75, 0.3],
        [1.5, 0.1],
      ],
      b: 0.2,
      x: [
        [1, 0, -1, 2, 0.5],
        [0, 1, 2, -1, 0.5],
        [-1, 0.5, 0, 1, -2],
      ],
      expected: [
        [0, 1, 0, 1, 0],
        [0, 1, 1, 0, 0],
      ],
    },
  ];
  for (const { name, W, b, x, expected } of cases) {
    it(`${name}: loads back with kernel W, bias b per output, and the article's predictions`, async () => {
      const out = dir.path(name.replace(/\W+/g, '-'));
      const before = tf.memory().numTensors;
      await exportTfjsLayersModel(out, W, b);
      expect(tf.memory().numTensors, 'tensors after export').to.equal(before);
      expect(readdirSync(out).sort()).to.deep.equal(['model.json', 'weights.bin']);
      const json = JSON.parse(readFileSync(`${out}/model.json`, 'utf8'));
      expect(json.format).to.equal('layers-model');
      expect(json.weightsManifest).to.deep.equal([
        {
          paths: ['weights.bin'],
          weights: [
            { name: 'dense/kernel', shape: [W.length, W[0].length], dtype: 'float32' },
            { name: 'dense/bias', shape: [W[0].length], dtype: 'float32' },
          ],
        },
      ]);

      const model = await loadTfjsLayersModel(out);
      try {
        const [kernel, bias] = model.getWeights();
        expect(kernel.arraySync()).to.deep.equal(W.map((row) => row.map(Math.fround)));
        expect(bias.arraySync()).to.deep.equal(W[0].map(() => Math.fround(b)));
        const s = tf.tidy(() => (model.predict(tf.tensor2d(transpose(x))) as tf.Tensor).arraySync() as number[][]);
        const predictions = transpose(s.map((row) => row.map((v) => (v >= 0.5 ? 1 : 0))));
        expect(articlePredict(x, W, b)).to.deep.equal(expected);
        expect(predictions).to.deep.equal(expected);
      } finally {
        model.dispose();
      }
      expect(tf.memory().numTensors, 'tensors after dispose').to.equal(before);
    });
  }

  it('bad W or b is an InputError, and nothing is written', async () => {
    const out = dir.path('bad');
    const ragged = await rejects(exportTfjsLayersModel(out, [[1, 2], [3]], 0));
    expect(ragged).to.be.instanceOf(InputError);
    expect(ragged.message).to.equal('weights: row 1 has 1 values, expected 2 as in row 0');
    expect((await rejects(exportTfjsLayersModel(out, [[1]], NaN))).message).to.equal('bias must be a finite number, got NaN');
    expect(() => readdirSync(out)).to.throw(/ENOENT/);
  });

  it('loading a folder without model.json, or with a truncated one, is an InputError', async () => {
    const missing = await rejects(loadTfjsLayersModel(dir.path('nothing')));
    expect(missing).to.be.instanceOf(InputError);
    expect(missing.message).to.equal(`${dir.path('nothing/model.json')}: no such file`);
    const truncated = dir.write('model.json', '{"modelTopology": {');
    const err = await rejects(loadTfjsLayersModel(dir.path('')));
    expect(err.message).to.match(new RegExp(`^${truncated}: not a TensorFlow.js model file: the JSON is truncated or malformed \\(.+\\)$`));
  });
});
