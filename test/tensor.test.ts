import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { useBackend } from '../src/backend';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import type { Kernels, TensorBackend } from '../src/network/network';
import { PlainNetwork } from '../src/network/plain';
import { TensorNetwork } from '../src/network/tensor';
import { AND_GOLDEN, AND_INIT, AND_X, AND_Y, NUMPY_CASES, expectClose, random, randomData, rowsOf } from './fixtures';
import { train } from '../src/training';

const fromRows = (rows: readonly (readonly number[])[]) =>
  matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));
const andInit = () => ({ W: fromRows(AND_INIT.weights.map((w) => [w])), b: AND_INIT.bias });

const runs: [TensorBackend, Kernels][] = [
  ['cpu', 'fused'],
  ['cpu', 'ops'],
  ['wasm', 'fused'],
  ['wasm', 'ops'],
  ['tensorflow', 'ops'],
];

for (const [backend, kernels] of runs) {
  describe(`TensorNetwork on tfjs ${backend} (${kernels})`, () => {
    before(async function () {
      try {
        await useBackend(backend);
      } catch (err) {
        // tfjs-node is optional: its install needs a libtensorflow download (see README).
        if (backend !== 'tensorflow') throw err;
        this.skip();
      }
    });

    for (const [iterations, golden] of Object.entries(AND_GOLDEN)) {
      it(`matches the article's numbers on the AND gate after ${iterations} iteration(s), to 1e-6 (float32)`, () => {
        const net = new TensorNetwork(backend, andInit(), kernels);
        try {
          train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: 0.1, iterations: Number(iterations) });
          expectClose(rowsOf(net.weights()), golden.W, 1e-6);
          expectClose(net.bias(), golden.b, 1e-6);
          if (iterations === '1000') expect(rowsOf(net.predict(fromRows(AND_X)))).to.deep.equal(AND_Y);
        } finally {
          net.dispose();
        }
      });
    }

    for (const c of NUMPY_CASES) {
      it(`agrees with the plain oracle on ${c.name}: same predictions, W and b to 1e-5`, () => {
        const { x, y } = randomData(c.seed, c.features, c.samples, c.outputs);
        const init = { W: fromRows(c.W), b: c.b };
        const plain = new PlainNetwork(init);
        const net = new TensorNetwork(backend, init, kernels);
        try {
          for (const iterations of [1, 9, c.iterations - 10]) {
            train(plain, memorySource(fromRows(x), fromRows(y)), { a: c.a, gradient: c.gradient, iterations });
            train(net, memorySource(fromRows(x), fromRows(y)), { a: c.a, gradient: c.gradient, iterations });
            expectClose(rowsOf(net.weights()), rowsOf(plain.weights()), 1e-5);
            expectClose(net.bias(), plain.bias(), 1e-5);
            expect(rowsOf(net.predict(fromRows(x)))).to.deep.equal(rowsOf(plain.predict(fromRows(x))));
            expectClose(rowsOf(net.predictProba(fromRows(x))), rowsOf(plain.predictProba(fromRows(x))), 1e-5);
          }
        } finally {
          net.dispose();
        }
      });
    }

    it('leaks no tensor: the count is flat across iterations, predict, and back to the start after dispose', () => {
      const start = tf.memory().numTensors;
      const net = new TensorNetwork(backend, andInit(), kernels);
      const held = tf.memory().numTensors;
      expect(held - start, 'W and b').to.equal(2);
      train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: 0.1, iterations: 1 });
      expect(tf.memory().numTensors).to.equal(held);
      train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: 0.1, iterations: 200 });
      net.predict(fromRows(AND_X));
      net.predictProba(fromRows(AND_X));
      net.weights();
      net.bias();
      expect(tf.memory().numTensors).to.equal(held);
      net.dispose();
      expect(tf.memory().numTensors).to.equal(start);
    });
  });
}

describe("tf.fused.matMul with bias and sigmoid, where the ops path uses it (cpu)", () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('gives exactly the separate ops\' s = sigmoid(matMul(W, x, true) + b), so it can replace them', () => {
    const rand = random(17);
    for (let t = 0; t < 40; t++) {
      const F = 1 + (t % 33);
      const m = 257;
      tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from({ length: F * m }, () => rand() * 8 - 4), [F, m]);
        const W = tf.tensor2d(Float32Array.from({ length: F }, () => rand() * 2 - 1), [F, 1]);
        const b = tf.scalar(rand() - 0.5);
        const separate = tf.sigmoid(tf.add(tf.matMul(W, x, true, false), b)).dataSync();
        const fused = tf.fused.matMul({ a: W, b: x, transposeA: true, bias: b, activation: 'sigmoid' }).dataSync();
        expect(Array.from(fused)).to.deep.equal(Array.from(separate));
      });
    }
  });
});
