import { expect } from 'chai';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { PlainNetwork, sigmoid } from '../src/network/plain';
import { AND_GOLDEN, AND_INIT, AND_X, AND_Y, NUMPY_CASES, expectClose, randomData, rowsOf } from './fixtures';
import { train } from '../src/training';

const fromRows = (rows: readonly (readonly number[])[]) =>
  matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

function andNetwork(): PlainNetwork {
  return new PlainNetwork({ W: fromRows(AND_INIT.weights.map((w) => [w])), b: AND_INIT.bias });
}

describe('PlainNetwork (the float64 oracle)', () => {
  for (const [iterations, golden] of Object.entries(AND_GOLDEN)) {
    it(`matches the article's numpy code on the AND gate after ${iterations} iteration(s), to 1e-12`, () => {
      const net = andNetwork();
      train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: AND_INIT.learningRate, iterations: Number(iterations) });
      expectClose(rowsOf(net.weights()), golden.W, 1e-12);
      expectClose(net.bias(), golden.b, 1e-12);
    });
  }

  it('ends the AND run with no error: predictions [0, 0, 0, 1]', () => {
    const net = andNetwork();
    train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: 0.1, iterations: 1000 });
    expect(rowsOf(net.predict(fromRows(AND_X)))).to.deep.equal(AND_Y);
  });

  it('classifies s exactly 0.5 as 1 (sigmoid then >= 0.5), as at the ties of the AND run', () => {
    expect(sigmoid(0)).to.equal(0.5);
    expect(sigmoid(1.3877787807814457e-16)).to.equal(0.5); // z at iteration 19 of the AND run
    const net = new PlainNetwork({ W: fromRows([[0]]), b: 0 });
    expect(rowsOf(net.predict(fromRows([[1, -1]])))).to.deep.equal([[1, 1]]);
    expect(rowsOf(net.predictProba(fromRows([[1]])))).to.deep.equal([[0.5]]);
  });

  it('classifies z = 0 and z just below 0 as 1, where the shortcut z > 0 would say 0', () => {
    // sigmoid(z) rounds to exactly 0.5 for |z| below about 1e-16, so the article's rule says 1.
    const z = [0, -1e-17, -1e-300, 1e-17];
    expect(z.map((v) => sigmoid(v))).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    const net = new PlainNetwork({ W: fromRows([[1]]), b: 0 });
    expect(rowsOf(net.predict(fromRows([z])))).to.deep.equal([[1, 1, 1, 1]]);
    expect(z.map((v) => (v > 0 ? 1 : 0))).to.deep.equal([0, 0, 0, 1]);
  });

  it('at a near-tie, the order of a float64 sum decides the class: said, not hidden', () => {
    // z = 1e16·1 + (−1)·1 + 1e16·(−1): exactly −1, but 1e16 − 1 rounds to 1e16 in float64.
    const x = [[1e16], [-1], [-1e16]];
    const net = new PlainNetwork({ W: fromRows([[1], [1], [1]]), b: 0 });
    // numpy's order (and plain's): features in order, then b: (1e16 − 1) − 1e16 = 0, s = 0.5, class 1
    expect(rowsOf(net.predictProba(fromRows(x)))).to.deep.equal([[0.5]]);
    expect(rowsOf(net.predict(fromRows(x)))).to.deep.equal([[1]]);
    // another order, as a BLAS or a threaded sum may take: (1e16 − 1e16) − 1 = −1, class 0
    expect(sigmoid(1e16 - 1e16 - 1) >= 0.5).to.equal(false);
    // so the update differs, and the two trajectories part from there on
  });

  for (const c of NUMPY_CASES) {
    it(`matches numpy to 1e-9 on ${c.name} at every checkpoint`, () => {
      const { x, y } = randomData(c.seed, c.features, c.samples, c.outputs);
      const net = new PlainNetwork({ W: fromRows(c.W), b: c.b });
      let done = 0;
      for (const point of c.numpy) {
        train(net, memorySource(fromRows(x), fromRows(y)), { a: c.a, gradient: c.gradient, iterations: point.iteration - done });
        done = point.iteration;
        expectClose(rowsOf(net.weights()), point.W, 1e-9);
        expectClose(net.bias(), point.b, 1e-9);
        expect(rowsOf(net.predict(fromRows(x)))).to.deep.equal(point.y_pred);
      }
    });
  }

  it('changes nothing with 0 iterations', () => {
    const net = andNetwork();
    train(net, memorySource(fromRows(AND_X), fromRows(AND_Y)), { a: 0.1, iterations: 0 });
    expect(rowsOf(net.weights())).to.deep.equal([[0.4], [0.2]]);
    expect(net.bias()).to.equal(1);
  });
});
