import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { InputError } from '../src/errors';
import { flagOf } from '../src/options';
import { throws } from './helpers';
import { useBackend } from '../src/backend';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { type Backend, type IterationStats, type Network, type NetworkInit, type TrainSettings } from '../src/network/network';
import { PlainNetwork } from '../src/network/plain';
import { TensorNetwork } from '../src/network/tensor';
import { AND_GOLDEN, AND_INIT, AND_X, AND_Y, expectClose, randomData, rowsOf } from './fixtures';
import { train } from '../src/training';

/** The mean logistic loss's term for one logit z and label y, in its stable form: max(z, 0) − z·y + log(1 + e^−|z|). */
const logisticLoss = (z: number, y: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));

const fromRows = (rows: readonly (readonly number[])[]) =>
  matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

type Run = Exclude<Backend, 'sql'> | 'cpu-ops' | 'wasm-ops';

function make(run: Run, init: NetworkInit): Network {
  if (run === 'plain') return new PlainNetwork(init);
  if (run === 'cpu-ops' || run === 'wasm-ops') return new TensorNetwork(run === 'cpu-ops' ? 'cpu' : 'wasm', init, 'ops');
  return new TensorNetwork(run, init);
}

function trained(backend: Run, x: number[][], y: number[][], settings: TrainSettings, W: number[][], b = 0) {
  const net = make(backend, { W: fromRows(W), b });
  try {
    const result = train(net, memorySource(fromRows(x), fromRows(y)), settings);
    return { result, W: rowsOf(net.weights()), b: net.bias(), pred: rowsOf(net.predict(fromRows(x))) };
  } finally {
    net.dispose();
  }
}

for (const backend of ['plain', 'cpu', 'wasm', 'cpu-ops', 'wasm-ops'] as const) {
  describe(`training settings on backend ${backend}`, () => {
    const tol = backend === 'plain' ? 1e-9 : 1e-5;
    before(async () => {
      if (backend !== 'plain') await useBackend(backend === 'cpu-ops' ? 'cpu' : backend === 'wasm-ops' ? 'wasm' : backend);
    });

    for (const gradient of ['article', 'logistic'] as const) {
      it(`chunked full-batch training equals unchunked (${gradient} gradient), for any chunk size`, () => {
        const { x, y } = randomData(11, 3, 50, 2);
        const W = [[0.1, -0.2], [0.3, 0], [-0.1, 0.2]];
        const settings = { a: 0.2, iterations: 40, gradient };
        const whole = trained(backend, x, y, settings, W, 0.1);
        for (const chunkSamples of [1, 7, 25, 49, 50, 1000]) {
          const chunked = trained(backend, x, y, { ...settings, chunkSamples }, W, 0.1);
          expectClose(chunked.W, whole.W, tol);
          expectClose(chunked.b, whole.b, tol);
          expect(chunked.pred, `chunk ${chunkSamples}`).to.deep.equal(whole.pred);
        }
      });
    }

    it('stops at the first iteration with no error (AND: after 25 updates, at the article\'s final W and b)', () => {
      const seen: number[] = [];
      const run = trained(
        backend,
        AND_X,
        AND_Y,
        { a: 0.1, iterations: 1000, untilNoError: true, onIteration: (i, stats) => seen.push(stats!.errors) },
        AND_INIT.weights.map((w) => [w]),
        AND_INIT.bias,
      );
      expect(run.result).to.deep.equal({ iterationsRun: 25, stoppedBy: 'no-error' });
      expect(seen).to.have.length(26);
      expect(seen[0]).to.equal(3);
      expect(seen[25]).to.equal(0);
      expectClose(run.W, AND_GOLDEN[1000].W, backend === 'plain' ? 1e-12 : 1e-6);
    });

    it('reports errors and the logistic loss of each forward pass when asked', () => {
      const { x, y } = randomData(5, 2, 20);
      const stats: IterationStats[] = [];
      const W = [[0.5], [-0.5]];
      trained(backend, x, y, { a: 0.1, iterations: 7, statsEvery: 3, onIteration: (_, s) => s && stats.push(s) }, W, 0.25);
      expect(stats.map((s) => s.iteration)).to.deep.equal([1, 4, 7]);
      // iteration 1's forward pass is the initial W and b
      let errors = 0;
      let loss = 0;
      for (let j = 0; j < 20; j++) {
        const z = 0.5 * x[0][j] - 0.5 * x[1][j] + 0.25;
        if ((1 / (1 + Math.exp(-z)) >= 0.5 ? 1 : 0) !== y[0][j]) errors++;
        loss += logisticLoss(z, y[0][j]) / 20;
      }
      expect(stats[0].errors).to.equal(errors);
      expect(Math.abs(stats[0].loss! - loss)).to.be.below(1e-6);
    });


    for (const gradient of ['article', 'logistic'] as const) {
      it(`computes the loss only where lossAt asks, with the same errors, loss, W and b (${gradient} gradient, chunked too)`, () => {
        const { x, y } = randomData(17, 3, 60, 2);
        const W = [[0.1, -0.2], [0.3, 0], [-0.1, 0.2]];
        for (const chunkSamples of [undefined, 13]) {
          const go = (lossAt?: (i: number) => boolean) => {
            const seen: IterationStats[] = [];
            const settings = { a: 0.3, iterations: 30, gradient, chunkSamples, statsEvery: 3, lossAt, finalStats: true, onIteration: (_: number, s?: IterationStats) => s && seen.push(s) };
            return { seen, ...trained(backend, x, y, settings, W, 0.1) };
          };
          const all = go();
          const some = go((i) => i % 4 === 2);
          // stats every 3rd iteration (1, 4, …, 28) and where the loss is asked for (2, 6, …, 30)
          const iterations = [...new Set([...Array.from({ length: 10 }, (_, i) => 3 * i + 1), ...Array.from({ length: 8 }, (_, i) => 4 * i + 2)])].sort((p, q) => p - q);
          expect(some.seen.map((s) => s.iteration)).to.deep.equal(iterations);
          expect(all.seen.map((s) => s.iteration)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 3 * i + 1));
          for (const s of some.seen) {
            expect(s.loss === undefined, `iteration ${s.iteration}: loss`).to.equal(s.iteration % 4 !== 2);
            const same = all.seen.find((t) => t.iteration === s.iteration);
            if (same) expect(s.errors, `iteration ${s.iteration}: errors`).to.equal(same.errors);
          }
          // the losses asked for are those of the forward passes of a run with no lossAt (iteration 10 and 22 in both)
          for (const i of [10, 22]) expect(some.seen.find((s) => s.iteration === i)!.loss).to.equal(all.seen.find((s) => s.iteration === i)!.loss);
          expect(some.W).to.deep.equal(all.W);
          expect(some.b).to.equal(all.b);
          expect(some.result).to.deep.equal(all.result);
          expect(some.result.final!.loss).to.be.a('number').and.above(0);
        }
      });
    }

    it('stops at no error counting only the errors, and still gives the final loss (one more pass)', () => {
      const go = (lossAt?: () => boolean) => {
        const seen: (IterationStats | undefined)[] = [];
        const run = trained(backend, AND_X, AND_Y, { a: 0.1, iterations: 1000, untilNoError: true, finalStats: true, lossAt, onIteration: (_, s) => seen.push(s) }, AND_INIT.weights.map((w) => [w]), AND_INIT.bias);
        return { seen, ...run };
      };
      const all = go();
      const errorsOnly = go(() => false);
      expect(errorsOnly.result).to.deep.equal(all.result);
      expect(errorsOnly.result).to.include({ iterationsRun: 25, stoppedBy: 'no-error' });
      expect(errorsOnly.seen.map((s) => s!.errors)).to.deep.equal(all.seen.map((s) => s!.errors));
      expect(errorsOnly.seen.every((s) => s!.loss === undefined)).to.equal(true);
      expect(all.seen.every((s) => typeof s!.loss === 'number')).to.equal(true);
      expect(errorsOnly.W).to.deep.equal(all.W);
    });
    it('reports divergence as what it is: the iteration and what is no longer finite', () => {
      // x·eᵀ overflows: in float64 for plain, in float32 (values that still fit float32) for tfjs
      const big = backend === 'plain' ? 1e308 : 3e38;
      const err = throws(() => trained(backend, [[big, big, 1]], [[0, 0, 1]], { a: 0.1, iterations: 10 }, [[1]], 1));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.equal(
        backend === 'plain'
          ? 'training diverged at iteration 1: W is no longer finite; lower learningRate or scale the features'
          : // in float32 the sum over the samples overflowed, which no learning rate helps (the fifth hostile pass)
            "training diverged at iteration 1: W is no longer finite: the sum x·eᵀ over the samples can pass float32's largest value (m·max‖x_j‖ is 9.00e+38), whatever the learning rate; scale the features (standardize) or train on plain (float64)",
      );
      expect((err as InputError).describe(flagOf)).to.match(backend === 'plain' ? /lower --lr or scale the features$/ : /scale the features \(--standardize\) or train on plain \(float64\)$/);
    });

    it('stops before an iteration when shouldStop says so, with the last completed state', () => {
      let calls = 0;
      const run = trained(backend, AND_X, AND_Y, { a: 0.1, iterations: 1000, shouldStop: () => ++calls > 2 }, [[0.4], [0.2]], 1);
      expect(run.result).to.deep.equal({ iterationsRun: 2, stoppedBy: 'interrupt' });
      expectClose(run.W, AND_GOLDEN[2].W, backend === 'plain' ? 1e-12 : 1e-6);
    });

    if (backend !== 'plain') {
      it('leaks no tensor with chunks and stats, with or without the loss', () => {
        const start = tf.memory().numTensors;
        const { x, y } = randomData(11, 3, 50, 2);
        trained(backend, x, y, { a: 0.2, iterations: 20, chunkSamples: 7, statsEvery: 1, untilNoError: true }, [[0, 0], [0, 0], [0, 0]]);
        trained(backend, x, y, { a: 0.2, iterations: 20, gradient: 'logistic', statsEvery: 2 }, [[0, 0], [0, 0], [0, 0]]);
        for (const chunkSamples of [undefined, 7]) {
          trained(backend, x, y, { a: 0.2, iterations: 20, chunkSamples, statsEvery: 1, lossAt: (i) => i === 5, finalStats: true }, [[0, 0], [0, 0], [0, 0]]);
        }
        expect(tf.memory().numTensors).to.equal(start);
      });
    }
  });
}
