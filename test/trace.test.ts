import { expect } from 'chai';
import { useBackend } from '../src/backend';
import { andGate } from '../src/data/dataset';
import { InputError } from '../src/errors';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Backend, Kernels, TraceStep } from '../src/network/network';
import { train } from '../src/training';
import { AND_GOLDEN, expectClose, rowsOf } from './fixtures';
import { throws } from './helpers';

/**
 * The article's numpy code on the AND gate (oracle/article.py's loop), printing z, s, y_pred, e,
 * dW, db and the W and b after the update at iterations 1, 2, 13 and 18 (1-based: the article's
 * loop index i is one less). At 13, z of the third sample is 2.2e-16 where exact arithmetic gives 0
 * (s = 0.5000000000000001); at 18 the second sample's s is exactly 0.5: both are class 1.
 */
const NUMPY_TRACE = {
  1: { z: [[1.0, 1.4, 1.2, 1.6]], s: [[0.7310585786300049, 0.8021838885585817, 0.7685247834990175, 0.8320183851339245]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.375], [0.17500000000000002]], b: 0.925 },
  2: { z: [[0.925, 1.3, 1.1, 1.475]], s: [[0.7160597938157098, 0.7858349830425586, 0.7502601055951177, 0.8138161720984914]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.35], [0.15000000000000002]], b: 0.8500000000000001 },
  13: { z: [[0.1000000000000002, 0.20000000000000015, 2.220446049250313e-16, 0.10000000000000017]], s: [[0.52497918747894, 0.549833997312478, 0.5000000000000001, 0.52497918747894]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.07499999999999996], [-0.12499999999999997]], b: 0.02500000000000019 },
  18: { z: [[-0.049999999999999815, 1.3877787807814457e-16, -0.0999999999999998, -0.04999999999999984]], s: [[0.48750260351578967, 0.5, 0.47502081252106, 0.48750260351578967]], y_pred: [[0, 1, 0, 0]], e: [[0, 1, 0, -1]], dW: [[0.0], [-0.25]], db: 0.0, W: [[0.049999999999999954], [-0.02499999999999998]], b: -0.049999999999999815 },
} as const;

function traceAnd(backend: Backend, kernels: Kernels, at: readonly number[], iterations = 1000) {
  const steps: TraceStep[] = [];
  const net = createNetwork(backend, { W: matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 }, kernels);
  try {
    train(net, andGate().source, { a: 0.1, iterations, trace: (i) => at.includes(i), onTrace: (step) => steps.push(step) });
    return { steps, W: rowsOf(net.weights()), b: net.bias() };
  } finally {
    net.dispose();
  }
}

for (const [backend, kernels, tol] of [['plain', 'fused', 1e-12], ['cpu', 'ops', 1e-6], ['wasm', 'ops', 1e-6]] as const) {
  describe(`trace on ${backend}${backend === 'plain' ? '' : ' (tfjs ops)'}`, () => {
    before(async () => {
      if (backend !== 'plain') await useBackend(backend);
    });

    it(`equals the article's numpy code at iterations 1, 2, 13 and 18, ties included (to ${tol})`, () => {
      const { steps } = traceAnd(backend, kernels, [1, 2, 13, 18], 18);
      expect(steps.map((s) => s.iteration)).to.deep.equal([1, 2, 13, 18]);
      for (const step of steps) {
        const want = NUMPY_TRACE[step.iteration as keyof typeof NUMPY_TRACE];
        for (const name of ['z', 's', 'dW', 'W'] as const) expectClose(rowsOf(step[name]), want[name], tol);
        expect(rowsOf(step.y_pred), `y_pred at ${step.iteration}`).to.deep.equal(want.y_pred);
        expect(rowsOf(step.e), `e at ${step.iteration}`).to.deep.equal(want.e);
        expectClose(step.db, want.db, tol);
        expectClose(step.b, want.b, tol);
      }
    });

    it('does not change the numbers of the run', () => {
      const traced = traceAnd(backend, kernels, [1, 2, 13, 500, 1000]);
      const untraced = traceAnd(backend, kernels, []);
      expect(traced.W).to.deep.equal(untraced.W);
      expect(traced.b).to.equal(untraced.b);
      expectClose(traced.W, AND_GOLDEN[1000].W, tol);
    });
  });
}

describe('trace refuses what it cannot show', () => {
  it('a fused tfjs kernel: its values are not those of tfjs ops', async () => {
    await useBackend('cpu');
    const err = throws(() => traceAnd('cpu', 'fused', [1], 1));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal('tracing a tfjs backend needs kernels ops: the traced values are those its ops compute');
  });

  it('samples in chunks', () => {
    const net = createNetwork('plain', { W: matrix(2, 1), b: 0 });
    const err = throws(() => train(net, andGate().source, { a: 0.1, iterations: 1, chunkSamples: 2, trace: () => true }));
    expect(err.message).to.equal('tracing needs the samples whole in memory (not in chunks)');
  });
});
