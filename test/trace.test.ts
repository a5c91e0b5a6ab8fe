import { expect } from 'chai';
import { useBackend } from '../src/backend';
import { andGate } from '../src/data/dataset';
import { InputError } from '../src/errors';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { Backend, Kernels, TraceStep } from '../src/network/network';
import { train } from '../src/training';
import { AND_GOLDEN, expectClose, NUMPY_TRACE, rowsOf } from './fixtures';
import { throws } from './helpers';



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
