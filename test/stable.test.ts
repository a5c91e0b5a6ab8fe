/**
 * Predictions never come out NaN for finite inputs (#21, "silently wrong"): where z = Wᵀ·x + b
 * overflows (terms of ±Infinity of both signs), z is computed again from scaled terms, and s is 0
 * or 1 as the exact z's sign says; a standardization whose std is too small for the data is
 * refused, in a model file and where it overflows.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { Classifier } from '../src/classifier';
import { predict } from '../src/cli/predict';
import { train } from '../src/cli/train';
import { loadModel } from '../src/model/file';
import { InputError } from '../src/errors';
import { stableZ } from '../src/network/stable';
import { rejects, runInProcess, tempDir, throws } from './helpers';

const column = (...values: number[]) => ({ rows: values.length, cols: 1, data: Float64Array.from(values) });

describe('predictions that overflow z', () => {
  it('stableZ: the exact z, or ±Infinity beyond the float64 range, never NaN', () => {
    const W = column(1e308, 1e308);
    // the naive sums: 1e309 − 1.1e309 = Infinity − Infinity = NaN
    expect(1e308 * 10 + 1e308 * -11).to.be.NaN;
    expect(stableZ(W, 0, column(10, -11), 0, 0)).to.equal(-1e308);
    expect(stableZ(W, 0, column(10, 1), 0, 0)).to.equal(Infinity);
    expect(stableZ(W, 0, column(10, -10), 0, 0)).to.equal(0);
    expect(stableZ(W, 0, column(1, -0.5), 0, 0)).to.equal(5e307);
    expect(stableZ(column(3, -2), 0.25, column(0.5, 4), 0, 0)).to.equal(3 * 0.5 - 2 * 4 + 0.25);
    expect(stableZ(column(0, 0), -0, column(1e300, -1e300), 0, 0)).to.equal(0);
    expect(stableZ(column(1e-300, 1e-300), 0, column(1e300, 1e300), 0, 0)).to.equal(2);
    // two huge terms that cancel do not absorb b (found by the hostile pass: s came out 0.5)
    expect(stableZ(column(10, 10), -0.05, column(0.5 / 2.3e-308, -0.5 / 2.3e-308), 0, 0)).to.be.closeTo(-0.05, 1e-12);
    // exact, rounded once: terms of 1e616 that cancel leave b = 1 (the second hostile pass: s was NaN), and a tie is 0
    expect(stableZ(column(1e308, 1e308), 1, column(1e308, -1e308), 0, 0)).to.equal(1);
    expect(stableZ(column(1e308, -1e308), 0, column(1e308, 1e308), 0, 0)).to.equal(0);
    expect(stableZ(column(1e308, -1e308), -0.05, column(1e308, 1e308), 0, 0)).to.equal(-0.05);
    expect(stableZ(column(0.1, 0.2), 0.3, column(1, 1), 0, 0)).to.equal(0.6); // the naive sum is 0.6000000000000001
    expect(stableZ(column(5e-324), 0, column(1.5), 0, 0)).to.equal(1e-323); // half-way between subnormals: to even
    expect(stableZ(column(1e308, 1e308), -1e308, column(1e308, -1e308), 0, 0)).to.equal(-1e308);
  });

  it('plain: W = [1e308, 1e308] and x = (1e308, −1e308) with b = 1 predicts class 1 with s = sigmoid(1); b = 0 is a tie, class 1', async () => {
    for (const [bias, s] of [[1, 1 / (1 + Math.exp(-1))], [0, 0.5]]) {
      const net = await Classifier.create({ backend: 'plain', weights: [1e308, 1e308], bias });
      try {
        expect(net.predictProba([[1e308], [-1e308]])).to.deep.equal([[s]]);
        expect(net.predict([[1e308], [-1e308]])).to.deep.equal([[1]]);
      } finally {
        net.dispose();
      }
    }
  });

  const x = [[10, 11, 10], [-11, -10, -10]];
  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`${backend}: W = [H, H] with H·x past the range predicts s = 0 or 1 by the sign of the exact z (was NaN and 0)`, async () => {
      const H = backend === 'plain' ? 1e308 : 1e38; // float32's range ends at 3.4e38
      const net = await Classifier.create({ backend, weights: [H, H], bias: 0 });
      try {
        expect(net.predictProba(x)).to.deep.equal([[0, 1, 0.5]]);
        expect(net.predict(x)).to.deep.equal([[0, 1, 1]]);
        expect(net.score(x, [[0, 1, 1]])).to.equal(1);
      } finally {
        net.dispose();
      }
    });
  }

  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`${backend}: finite terms whose running sum passes the range (Infinity, not NaN) still predict by the exact z`, async () => {
      const H = backend === 'plain' ? 1.7e308 : 3e38; // H + H overflows; the exact z is b
      const net = await Classifier.create({ backend, weights: [H, H, -H, -H], bias: -1 });
      try {
        const ones = [[1], [1], [1], [1]];
        expect(net.predict(ones)).to.deep.equal([[0]]);
        // cpu's matMul sums in an order that does not overflow here, in float32
        expect(net.predictProba(ones)[0][0]).to.be.closeTo(1 / (1 + Math.E), backend === 'cpu' ? 1e-7 : 1e-15);
      } finally {
        net.dispose();
      }
    });
  }

  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`${backend}: training refuses a pass whose z could overflow, before it counts or updates anything (the fourth hostile pass: b moved to −1.1)`, async () => {
      const H = backend === 'plain' ? 1.7e308 : 3e38;
      const net = await Classifier.create({ backend, weights: [H, H, -H, -H], bias: -1, iterations: 1 });
      try {
        const err = throws(() => net.fit([[1], [1], [1], [1]], [[0]]));
        expect(err).to.be.instanceOf(InputError);
        expect(err.message).to.match(new RegExp(`^z = Wᵀ·x \\+ b could overflow float(64|32) with the initial W and b: .* lower learningRate${backend === 'plain' ? '' : ' \\(or train on plain, in float64\\)'}$`));
        expect(net.bias).to.equal(-1);
        expect(net.predict([[1], [1], [1], [1]])).to.deep.equal([[0]]);
      } finally {
        net.dispose();
      }
    });
  }

  it('a standardization with a std below the smallest normal double is refused; one that overflows the data is refused when used', async () => {
    expect((await rejects(Classifier.create({ backend: 'plain', weights: [1], standardize: { mean: [0], std: [1e-320] } }))).message).to.equal(
      "the standardization's std[0] must be at least 2.2250738585072014e-308 (the smallest normal double; below it (x − mean) / std overflows), got 1e-320",
    );
    const net = await Classifier.create({ backend: 'plain', weights: [0], standardize: { mean: [0], std: [1e-300] } });
    expect(throws(() => net.predictProba([[1e10]])).message).to.equal(
      "standardizing x overflows: feature 1, sample 1: (10000000000 − 0) / 1e-300 is beyond the float64 range; the standardization's std is too small for this data",
    );
    net.dispose();
  });

  describe('the CLI', function () {
    this.timeout(60_000);
    const dir = tempDir();
    after(() => dir.remove());

    it('predict with a model of large weights gives probabilities 0 and 1, not null; a model whose std is 1e-320 is exit 2', async () => {
      const data = dir.write('d.csv', 'a,b,y\n10,-11,0\n11,-10,1\n10,-10,1\n');
      const model = dir.path('m.json');
      const trained = await runInProcess(train, ['--backend', 'plain', '--iterations', '1', '--data', data, '--save', model]);
      expect(trained.code, trained.stderr).to.equal(0);
      const saved = JSON.parse(readFileSync(model, 'utf8'));
      writeFileSync(model, JSON.stringify({ ...saved, weights: [[1e308], [1e308]], bias: 0 }));
      const r = await runInProcess(predict, ['--model', model, '--data', data, '--proba', '--json']);
      expect(r.code, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.probabilities).to.deep.equal([[0, 1, 0.5]]);
      expect(out.predictions).to.deep.equal([[0, 1, 1]]);
      // a std just above the smallest normal double: (x − mean) / std is finite, W·that is not, and b decides
      writeFileSync(model, JSON.stringify({ ...saved, weights: [[10], [10]], bias: -0.05, standardize: { mean: [10.5, -10.5], std: [2.3e-308, 2.3e-308] } }));
      const tiny = dir.write('tiny.csv', 'a,b,y\n11,-11,0\n10,-10,0\n');
      for (const backend of ['plain', 'wasm']) {
        const p = JSON.parse((await runInProcess(predict, ['--model', model, '--data', tiny, '--proba', '--json', '--backend', backend])).stdout);
        expect(p.predictions, backend).to.deep.equal([[0, 0]]);
        for (const v of p.probabilities[0]) expect(v, backend).to.be.closeTo(1 / (1 + Math.exp(0.05)), 1e-9);
      }
      writeFileSync(model, JSON.stringify({ ...saved, standardize: { mean: [0, 0], std: [1, 1e-320] } }));
      const message = `${model}: standardize.std[1] must be at least 2.2250738585072014e-308 (the smallest normal double; below it (x − mean) / std overflows), got 1e-320`;
      expect(throws(() => loadModel(model)).message).to.equal(message);
      const refused = await runInProcess(predict, ['--model', model, '--data', data]);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.equal(`error: ${message}\n`);
    });
  });
});
