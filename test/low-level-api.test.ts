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
    const disposed = plain();
    disposed.dispose();
    expect(inputError(throws(() => L.train(disposed, source, settings)))).to.equal('train: the network was disposed; make another with createNetwork');
    // and what passes trains: the article's AND run, to numpy's numbers
    const net = plain();
    L.train(net, source, { a: 0.1, iterations: 1000 });
    expect(Array.from(net.weights().data)).to.deep.equal([0.049999999999999954, 0.050000000000000024]);
    expect(net.bias()).to.equal(-0.07499999999999982);
  });

  it("train: a W whose shape is not the samples' features×outputs, and a SampleSource of the caller's own making that breaks its word", async () => {
    const source = L.memorySource(x(), y());
    const settings = { a: 0.1, iterations: 2 };
    const shaped = (rows: number, cols: number) => L.createNetwork('plain', { W: L.matrix(rows, cols), b: 0 });
    for (const [rows, cols] of [[1, 1], [3, 1], [2, 2], [0, 1]]) {
      expect(inputError(throws(() => L.train(shaped(rows, cols), source, settings)))).to.equal(
        `train: the network's W is ${rows}×${cols}, but the samples have 2 features and 1 output; W must be features×outputs`,
      );
    }
    expect(inputError(await rejects(L.trainAsync(shaped(1, 1), source, settings)))).to.equal("trainAsync: the network's W is 1×1, but the samples have 2 features and 1 output; W must be features×outputs");
    // the second hostile pass's fake: a source whose forEachChunk visits nothing (was a TypeError deep in the loop)
    const fake = (over: object) => ({ features: 2, outputs: 1, samples: 4, forEachChunk() {}, ...over });
    const refused = (over: object) => inputError(throws(() => L.train(plain(), fake(over) as never, settings)));
    expect(refused({})).to.equal('train: the SampleSource says it has 4 samples, but its chunks had 0');
    expect(refused({ samples: -1 })).to.equal("train: the SampleSource's samples must be a whole number ≥ 0, got -1");
    expect(refused({ forEachChunk: 1 })).to.equal("train: the SampleSource's forEachChunk must be a function, got 1");
    const visiting = (...chunks: unknown[]) => ({ forEachChunk: (_: unknown, visit: (c: unknown) => void) => chunks.forEach(visit) });
    const chunk = (cols: number, offset = 0, rows = 2) => ({ x: L.matrix(rows, cols), y: L.matrix(1, cols), offset });
    expect(refused(visiting(undefined))).to.equal("train: the SampleSource's chunk at sample 0 must be { x, y, offset }, got undefined");
    expect(refused(visiting(chunk(4, 0, 3)))).to.equal(
      "train: the SampleSource's chunk at sample 0: x must be a matrix of 2 rows (the source's features), its data a Float64Array or Float32Array of rows×cols numbers, got 3 rows",
    );
    expect(refused(visiting({ x: L.matrix(2, 4), y: [[0, 0, 0, 1]], offset: 0 }))).to.match(/^train: the SampleSource's chunk at sample 0: y must be a matrix of 1 rows .*, got another object$/);
    expect(refused(visiting(chunk(2), chunk(2, 1)))).to.equal("train: the SampleSource's chunk at sample 2: its offset must be 2 (the chunks come in order), got 1");
    expect(refused(visiting(chunk(5)))).to.equal("train: the SampleSource's chunk at sample 0 has 5 samples; expected 1 to 4 (the source has 4)");
    expect(refused({ inMemory: { x: L.matrix(2, 3), y: L.matrix(1, 3) } })).to.equal("train: the SampleSource's inMemory: x and y must have the source's 4 samples (columns), got 3 and 3");
    // one that keeps it trains as memorySource does
    const net = plain();
    L.train(net, fake(visiting(...[0, 1, 2, 3].map((j) => ({ x: L.matrix(2, 1, Float64Array.of(j % 2, j >> 1)), y: L.matrix(1, 1, Float64Array.of(j === 3 ? 1 : 0)), offset: j })))) as never, {
      a: 0.1,
      iterations: 1000,
      chunkSamples: 1,
    });
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
    expect(inputError(throws(() => L.createNetwork('plain', { W, b: Infinity })))).to.equal('createNetwork: b must be a finite number, got Infinity');
  });

  it('createNetwork on a tfjs backend needs it active (useBackend), else says so: a network labelled wasm computes in WebAssembly', async () => {
    const init = { W: L.matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 };
    expect(await L.useBackend('cpu')).to.deep.equal({ backend: 'cpu', reason: 'asked for' });
    expect(inputError(throws(() => L.createNetwork('wasm', init)))).to.equal('createNetwork: the wasm backend is not active (tfjs runs cpu); await useBackend("wasm") first (Classifier.create does it)');
    await L.useBackend('wasm');
    const net = L.createNetwork('wasm', init);
    try {
      L.train(net, L.memorySource(x(), y()), { a: 0.1, iterations: 1000 });
      expect(net.compute).to.match(/^wasm \(SIMD kernel/);
      expect(Array.from(net.weights().data)).to.deep.equal([0.04999995231628418, 0.04999999701976776]);
    } finally {
      net.dispose();
    }
  });

  it('memorySource: x and y checked (same samples, labels 0 or 1), and nested arrays taken too', () => {
    expect(inputError(throws(() => L.memorySource(null as never, y())))).to.equal('x must be a non-empty array of rows (numbers[][])');
    expect(inputError(throws(() => L.memorySource(x(), L.matrix(1, 3))))).to.equal('x has 4 samples (columns) but y has 3; both are …×samples');
    expect(inputError(throws(() => L.memorySource(x(), L.matrix(1, 4, Float64Array.of(0, 2, 0, 1)))))).to.equal('y[0][1] must be 0 or 1, got 2');
    expect(inputError(throws(() => L.memorySource(x(), y(), 'names' as never)))).to.equal('memorySource: cellName must be a function, got "names"');
    // a hole in a sparse array is no 0 (it was taken as one), in nested rows and in a Matrix's array data
    // eslint-disable-next-line no-sparse-arrays
    expect(inputError(throws(() => L.memorySource([[0, , 0, 1], [0, 0, 1, 1]] as never, [[0, 0, 0, 1]])))).to.equal('x[0][1] must be a finite number, got undefined');
    // eslint-disable-next-line no-sparse-arrays
    expect(inputError(throws(() => L.memorySource({ rows: 1, cols: 2, data: [1, , ] } as never, [[0, 1]])))).to.equal('x[0][1] must be a finite number, got undefined');
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

  it('checkOption: an option with no rule of its own is refused, not said to pass (the hostile pass: weights [NaN] came back)', () => {
    const ruled = 'backend, learningRate, iterations, bias, gradient, kernels, chunkSamples, testSplit, seed, features, samples';
    for (const [key, value] of [['weights', [NaN]], ['trace', 'bogus'], ['plot', 42], ['db', 'mysql://x'], ['standardize', { mean: [1], std: [0] }]] as const) {
      expect(inputError(throws(() => L.checkOption(key, value)))).to.equal(`checkOption: "${key}" has no rule to check a value by alone (it is checked where it is used); the options it checks are ${ruled}`);
    }
    expect(inputError(throws(() => L.checkOption('learningRate', NaN)))).to.equal('learningRate must be a finite number > 0, got NaN');
  });
});
