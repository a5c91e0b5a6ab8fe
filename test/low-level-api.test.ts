import { expect } from 'chai';
import * as L from '../src';
import { rejects, throws } from './helpers';

// The low-level exports are an edge too: what a script hands them is checked at the call, and a
// wrong value is an InputError naming it, not a TypeError from deep inside the loop.
const x = () => L.matrix(2, 4, Float64Array.of(0, 1, 0, 1, 0, 0, 1, 1));
const y = () => L.matrix(1, 4, Float64Array.of(0, 0, 0, 1));
const plain = () => L.createNetwork('plain', { W: L.matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });

function inputError(err: Error): string {
  expect(err, err.stack).to.be.instanceOf(L.InputError);
  return err.message;
}

describe('low-level exports refuse what is not theirs with an InputError', () => {
  it('train: the network, the samples and the settings', () => {
    const source = L.memorySource(x(), y());
    const settings = { a: 0.1, iterations: 2 };
    expect(inputError(throws(() => L.train(null as never, source, settings)))).to.equal('train: the network must be one that createNetwork made, got null');
    expect(inputError(throws(() => L.train({} as never, source, settings)))).to.equal('train: the network must be one that createNetwork made, got another object');
    expect(inputError(throws(() => L.train(plain(), null as never, settings)))).to.equal('train: the samples must be a SampleSource (memorySource(x, y)), got null');
    expect(inputError(throws(() => L.train(plain(), source, undefined as never)))).to.equal('train: the settings are missing; expected at least { a, iterations }');
    expect(inputError(throws(() => L.train(plain(), source, null as never)))).to.equal('train: the options must be an object, got null');
    expect(inputError(throws(() => L.train(plain(), source, { iterations: 2 } as never)))).to.equal('train: the settings have no a; expected at least { a, iterations }');
    expect(inputError(throws(() => L.train(plain(), source, { a: 0.1 } as never)))).to.equal('train: the settings have no iterations; expected at least { a, iterations }');
    expect(inputError(throws(() => L.train(plain(), source, { a: 0.1, iterations: 2, itrations: 3 } as never)))).to.match(/^train: unknown option "itrations"; expected one of a, iterations, /);
    expect(inputError(throws(() => L.train(plain(), source, { a: -1, iterations: 2 })))).to.match(/^a must be /);
    expect(inputError(throws(() => L.train(plain(), source, { a: 0.1, iterations: 2.5 })))).to.match(/^iterations must be /);
    expect(inputError(throws(() => L.train(plain(), source, { a: 0.1, iterations: 2, gradient: 'newton' as never })))).to.match(/^gradient: "newton" is not a gradient/);
    expect(inputError(throws(() => L.train(plain(), source, { a: 0.1, iterations: 2, onIteration: 1 as never })))).to.equal('onIteration must be a function, got 1');
    // and what passes trains: the article's AND run, to numpy's numbers
    const net = plain();
    L.train(net, source, { a: 0.1, iterations: 1000 });
    expect(Array.from(net.weights().data)).to.deep.equal([0.049999999999999954, 0.050000000000000024]);
    expect(net.bias()).to.equal(-0.07499999999999982);
  });

  it('trainAsync rejects the same, as a promise', async () => {
    const err = await rejects(L.trainAsync(plain(), null as never, { a: 0.1, iterations: 2 }));
    expect(inputError(err)).to.equal('trainAsync: the samples must be a SampleSource (memorySource(x, y)), got null');
  });

  it('createNetwork: the backend, the kernels, W and b', () => {
    const W = L.matrix(2, 1, Float64Array.of(0.4, 0.2));
    expect(inputError(throws(() => L.createNetwork('gpu' as never, { W, b: 1 })))).to.equal('createNetwork: "gpu" is not a backend; expected plain, sql, tensorflow, wasm, cpu'.replace('plain, sql, tensorflow, wasm, cpu', L.BACKENDS.join(', ')));
    expect(inputError(throws(() => L.createNetwork('plain', { W, b: 1 }, 'fast' as never)))).to.equal(`createNetwork: "fast" is not a choice of kernels; expected ${L.KERNELS.join(', ')}`);
    expect(inputError(throws(() => L.createNetwork('plain', null as never)))).to.equal('createNetwork: the start must be { W, b }, got null');
    expect(inputError(throws(() => L.createNetwork('plain', { b: 1 } as never)))).to.equal('createNetwork: W must be a Matrix (features×outputs; matrix(rows, cols, data)), got undefined');
    expect(inputError(throws(() => L.createNetwork('plain', { W: { rows: 2 }, b: 1 } as never)))).to.equal('createNetwork: W must be a Matrix (features×outputs; matrix(rows, cols, data)), got another object');
    expect(inputError(throws(() => L.createNetwork('plain', { W: [[0.4], [0.2]], b: 1 } as never)))).to.match(/^createNetwork: W must be a Matrix .*, got \[\[0\.4\],\[0\.2\]\]$/);
    expect(inputError(throws(() => L.createNetwork('plain', { W: L.matrix(2, 1, Float64Array.of(0.4, NaN)), b: 1 })))).to.equal('W[1][0] must be a finite number, got NaN');
    expect(inputError(throws(() => L.createNetwork('plain', { W: { rows: 2, cols: 1, data: Float64Array.of(1) } as never, b: 1 })))).to.equal('W: 2×1 needs 2 values, got 1');
    expect(inputError(throws(() => L.createNetwork('plain', { W, b: '1' } as never)))).to.equal('createNetwork: b must be a finite number, got "1"');
    expect(inputError(throws(() => L.createNetwork('plain', { W, b: Infinity })))).to.equal('b must be a finite number, got Infinity');
  });

  it('memorySource: x and y checked (same samples, labels 0 or 1), and nested arrays taken too', () => {
    expect(inputError(throws(() => L.memorySource(null as never, y())))).to.equal('x must be a non-empty array of rows (numbers[][])');
    expect(inputError(throws(() => L.memorySource(x(), L.matrix(1, 3))))).to.equal('x has 4 samples (columns) but y has 3; both are …×samples');
    expect(inputError(throws(() => L.memorySource(x(), L.matrix(1, 4, Float64Array.of(0, 2, 0, 1)))))).to.equal('y[0][1] must be 0 or 1, got 2');
    expect(inputError(throws(() => L.memorySource(x(), y(), 'names' as never)))).to.equal('memorySource: cellName must be a function, got "names"');
    const source = L.memorySource([[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]]);
    expect([source.features, source.outputs, source.samples]).to.deep.equal([2, 1, 4]);
    // a Float32Array matrix stays float32, unconverted
    expect(L.memorySource(L.matrix(1, 2, Float32Array.of(1, 2)), L.matrix(1, 2)).dtype).to.equal('float32');
  });

  it('checkOption: an unknown key is named', () => {
    expect(inputError(throws(() => L.checkOption(null as never, 1)))).to.match(/^checkOption: unknown option null; expected one of backend, /);
    expect(inputError(throws(() => L.checkOption('lr' as never, 1)))).to.match(/^checkOption: unknown option "lr"; expected one of /);
    expect(L.checkOption('iterations', 5)).to.equal(5);
  });
});
