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
    expect(refused({ samples: -1 })).to.equal("train: the SampleSource's samples must be a whole number ≥ 1, got -1");
    // none at all (was a TypeError deep in the loop)
    expect(refused({ samples: 0 })).to.equal("train: the SampleSource's samples must be a whole number ≥ 1, got 0");
    expect(refused({ features: 0 })).to.equal("train: the SampleSource's features must be a whole number ≥ 1, got 0");
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
    // the ninth hostile pass: chunks that go on past the samples said "expected 1 to 0"
    expect(refused(visiting(chunk(2), chunk(2, 2), chunk(2, 4)))).to.equal('train: the SampleSource says it has 4 samples, but its chunks go on past them (a chunk at sample 4)');
    expect(inputError(throws(() => L.train(plain(), fake(visiting(chunk(2), chunk(2, 2), chunk(2, 4))) as never, { ...settings, chunkSamples: 2 })))).to.equal(
      'train: the SampleSource says it has 4 samples, but its chunks go on past them (a chunk at sample 4)',
    );
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

  it("a SampleSource of the caller's own making has its values checked: labels 0 or 1, x finite; its inMemory is its data", async () => {
    const settings = { a: 0.1, iterations: 3, chunkSamples: 2 };
    const chunked = (xs: number[], ys: number[]) => ({
      features: 1,
      outputs: 1,
      samples: xs.length,
      forEachChunk(n: number | undefined, visit: (c: L.Chunk) => void) {
        const size = n ?? xs.length;
        for (let at = 0; at < xs.length; at += size) {
          const k = Math.min(size, xs.length - at);
          visit({ x: L.matrix(1, k, Float64Array.from(xs.slice(at, at + k))), y: L.matrix(1, k, Float64Array.from(ys.slice(at, at + k))), offset: at });
        }
      },
    });
    const one = () => L.createNetwork('plain', { W: L.matrix(1, 1), b: 0 });
    // the hostile pass: labels 2 and 7 trained on, NaN said to be a learning rate too high
    expect(inputError(throws(() => L.train(one(), chunked([1, 2, 3, 4], [0, 1, 2, 7]), settings)))).to.equal("train: the SampleSource's chunk at sample 2: y[0][2] is 2; labels must be 0 or 1");
    expect(inputError(throws(() => L.train(one(), chunked([1, 2, NaN, 4], [0, 1, 1, 0]), settings)))).to.equal("train: the SampleSource's chunk at sample 2: x[0][2] is NaN; every value must be a finite number");
    const net = await L.Classifier.create({ backend: 'plain', weights: [0], bias: 0 });
    try {
      expect(inputError(throws(() => net.evaluate(chunked([1, 2, 3, 4], [0, 1, 0.5, 1]) as never)))).to.equal("evaluate: the SampleSource's chunk at sample 0: y[0][2] is 0.5; labels must be 0 or 1");
      expect(inputError(throws(() => net.evaluate({ ...chunked([1], [1]), samples: 0 } as never)))).to.equal("evaluate: the SampleSource's samples must be a whole number ≥ 1, got 0");
    } finally {
      net.dispose();
    }
    // a dtype it does not keep would let a float32 backend skip checking that x fits float32 (the sixth hostile pass)
    expect(inputError(throws(() => L.train(one(), { ...chunked([1, 2, 3, 4], [0, 1, 1, 0]), dtype: 'int8' } as never, settings)))).to.equal(
      `train: the SampleSource's dtype must be "float32", "float64" or absent, got "int8"`,
    );
    expect(inputError(throws(() => L.train(one(), { ...chunked([1, 2, 3, 4], [0, 1, 1, 0]), dtype: 'float32' } as never, settings)))).to.equal(
      `train: the SampleSource's chunk at sample 0: x must be a Float32Array, as the source's dtype "float32" says`,
    );
    // inMemory is the data: its values are checked, and the chunks trained on are cut from it, not the caller's (which differ)
    const lying = { ...chunked([5, 5, 5, 5], [1, 1, 1, 1]), inMemory: { x: L.matrix(1, 4, Float64Array.of(1, 2, 3, Infinity)), y: L.matrix(1, 4, Float64Array.of(0, 0, 1, 1)) } };
    expect(inputError(throws(() => L.train(one(), lying, settings)))).to.equal("train: the SampleSource's inMemory: x[0][3] is Infinity; every value must be a finite number");
    const inMemory = { x: L.matrix(2, 4, x().data), y: y() };
    const [a, b] = [plain(), plain()];
    L.train(a, { features: 2, outputs: 1, samples: 4, forEachChunk: chunked([9, 9, 9, 9, 9, 9, 9, 9], [1, 1, 1, 1, 1, 1, 1, 1]).forEachChunk, inMemory }, { a: 0.1, iterations: 1000, chunkSamples: 3 });
    L.train(b, L.memorySource(x(), y()), { a: 0.1, iterations: 1000 });
    expect([Array.from(a.weights().data), a.bias()]).to.deep.equal([[0.049999999999999954, 0.050000000000000024], -0.07499999999999982]);
    expect([Array.from(b.weights().data), b.bias()]).to.deep.equal([Array.from(a.weights().data), a.bias()]);
  });

  for (const backend of ['plain', 'cpu', 'wasm'] as const) {
    it(`${backend}: a network disposed while trainAsync runs on it ends the run with an InputError, leaving no tensors`, async () => {
      if (backend !== 'plain') await L.useBackend(backend);
      const tf = backend === 'plain' ? undefined : await import('@tensorflow/tfjs-core');
      const before = tf?.memory().numTensors;
      const net = L.createNetwork(backend, { W: L.matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });
      const run = L.trainAsync(net, L.memorySource(x(), y()), { a: 0.1, iterations: 1e9 }, 5);
      setTimeout(() => net.dispose(), 20);
      expect(inputError(await rejects(run))).to.equal('trainAsync: the network was disposed during training; its W and b are gone (dispose it after trainAsync settles)');
      expect(tf?.memory().numTensors).to.equal(before);
    });
  }

  describe('the fourth hostile pass', () => {
    it('evaluate refuses labels whose rows are not the outputs (a second row was ignored, a missing one scored against the first)', async () => {
      const net = await L.Classifier.create({ backend: 'plain', weights: [0.4, 0.2], bias: 1, iterations: 10 });
      try {
        net.fit(L.memorySource(x(), y()));
        const two = L.memorySource(x(), [[0, 0, 0, 1], [1, 1, 1, 1]]);
        expect(inputError(throws(() => net.evaluate(two)))).to.equal('y has 2 outputs (rows), but W was made for 1');
        expect(inputError(await rejects(net.evaluateAsync(two)))).to.equal('y has 2 outputs (rows), but W was made for 1');
      } finally {
        net.dispose();
      }
    });

    it('a deeply nested model, a path with a NUL, and the matrix helpers given wrong values are InputErrors (were RangeErrors and TypeErrors); the constants are frozen', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(inputError(await rejects(L.Classifier.fromModel(deep as never)))).to.equal('Classifier.fromModel: the model: not a valid model: it nests more than 64 levels deep; a model nests 64 at most');
      expect(inputError(await rejects(L.Classifier.fromJSON('['.repeat(100_000) + ']'.repeat(100_000))))).to.equal('the model JSON: not a valid model: its JSON nests 65 levels deep; a model nests 64 at most');
      expect(inputError(await rejects(L.loadClassifier('m\0.json')))).to.equal('loadClassifier: the path must be a file name, got one with a NUL character ("m\\x00.json")');
      expect(inputError(await rejects(L.readCsv('d\0.csv')))).to.match(/^readCsv: the path must be a file name, got one with a NUL character/);
      expect(inputError(await rejects(L.loadSqlDataset({ parquet: 'p\0.parquet' })))).to.match(/^parquet must be a file name, got one with a NUL character/);
      expect(inputError(await rejects(L.loadSqlDataset({ sql: 'SELECT 1 AS x, 0 AS y' }, { chunkSamples: 0 })))).to.equal('chunkSamples must be a whole number ≥ 1, got 0');
      expect(inputError(await rejects(L.loadSqlDataset({ sql: 'SELECT 1 AS x, 0 AS y' }, { chunkSampels: 5 } as never)))).to.match(/^loadSqlDataset: unknown option "chunkSampels"/);
      expect(inputError(throws(() => L.matrix(-1, 2)))).to.equal('matrix: rows must be a whole number ≥ 0, got -1');
      expect(inputError(throws(() => L.matrix(1.5, 2)))).to.equal('matrix: rows must be a whole number ≥ 0, got 1.5');
      expect(inputError(throws(() => L.matrix(2, 2, new Float64Array(3))))).to.equal('matrix: 2×2 needs 4 values, got 3');
      expect(inputError(throws(() => L.matrix(2, 2, new Int32Array(4) as never)))).to.equal('matrix: data must be a Float64Array or a Float32Array, got an Int32Array');
      expect(inputError(throws(() => L.toRows(null as never)))).to.equal('toRows: expected a Matrix ({ rows, cols, data }), got null');
      expect(L.toRows(L.matrix(2, 1, Float64Array.of(1, 2)))).to.deep.equal([[1], [2]]);
      expect(Object.isFrozen(L.ARTICLE_INIT) && Object.isFrozen(L.ARTICLE_INIT.weights) && Object.isFrozen(L.BACKENDS)).to.equal(true);
    });

    for (const backend of ['plain', 'cpu', 'wasm'] as const) {
      it(`${backend}: a fit that fails leaves W and b as they were; a caller's chunk of nested arrays is an InputError (the fifth hostile pass)`, async () => {
        const big = backend === 'plain' ? 1e300 : 3e37;
        const net = await L.Classifier.create({ backend, weights: [0.4, 0.2], bias: 1, iterations: 50 });
        try {
          const before = [net.weights, net.bias];
          // overflow is refused after some updates: the refused run's W (about -2.5e28) was kept
          expect(throws(() => net.fit([[big, -big, big], [big, big, -big]], [[0, 1, 1]]))).to.be.instanceOf(L.InputError);
          expect([net.weights, net.bias]).to.deep.equal(before);
          const nested = { features: 2, outputs: 1, samples: 4, forEachChunk: (_: unknown, visit: (c: unknown) => void) => visit({ x: [[0, 1, 0, 1], [0, 0, 1, 1]], y: [[0, 0, 0, 1]], offset: 0 }) };
          expect(inputError(throws(() => net.fit(nested as never)))).to.match(/^fit: the SampleSource's chunk at sample 0: x must be a matrix of 2 rows/);
          expect([net.weights, net.bias]).to.deep.equal(before);
        } finally {
          net.dispose();
        }
      });
    }

    it('createNetwork and train on a tfjs backend refuse W, a and x that do not fit float32, as Classifier.create and fit do', async () => {
      await L.useBackend('cpu');
      const beyond = (what: string, orElse = '') => `${what}: 1e+39 does not fit float32, in which the cpu backend computes (its largest value is 3.4028235e38); use backend plain (float64)${orElse}`;
      expect(inputError(throws(() => L.createNetwork('cpu', { W: L.matrix(2, 1, Float64Array.of(1e39, 0)), b: 0 })))).to.equal(beyond('weights[0][0]'));
      const net = L.createNetwork('cpu', { W: L.matrix(2, 1), b: 0 });
      try {
        expect(inputError(throws(() => L.train(net, L.memorySource([[1e39, 0], [0, 1]], [[0, 1]]), { a: 0.1, iterations: 2 })))).to.equal(beyond('x[0][0]', ', or scale the features'));
        expect(inputError(throws(() => L.train(net, L.memorySource([[1, 0], [0, 1]], [[0, 1]]), { a: 1e39, iterations: 2 })))).to.equal(beyond('learningRate'));
      } finally {
        net.dispose();
      }
    });

    it('memorySource keeps its own copy: a Matrix changed after the call trains as it was', () => {
      const labels = y();
      const source = L.memorySource(x(), labels);
      labels.data[0] = 7;
      const net = plain();
      L.train(net, source, { a: 0.1, iterations: 1000 });
      expect([Array.from(net.weights().data), net.bias()]).to.deep.equal([[0.049999999999999954, 0.050000000000000024], -0.07499999999999982]);
    });

    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${backend}: a source that fails after its first chunk leaves no tensors; a network from another backend, or disposed, or given the wrong x, says so`, async () => {
        await L.useBackend(backend);
        const tf = await import('@tensorflow/tfjs-core');
        const before = tf.memory().numTensors;
        const chunk = (offset: number, label = 0) => ({ x: L.matrix(2, 2, Float64Array.of(0, 1, 0, 1)), y: L.matrix(1, 2, Float64Array.of(0, label)), offset });
        const failing = (second: unknown) => ({ features: 2, outputs: 1, samples: 4, forEachChunk: (_: unknown, visit: (c: unknown) => void) => [chunk(0), second].forEach(visit) });
        const net = L.createNetwork(backend, { W: L.matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });
        for (const second of [chunk(2, 7), chunk(1), undefined]) {
          expect(throws(() => L.train(net, failing(second) as never, { a: 0.1, iterations: 2, chunkSamples: 2 }))).to.be.instanceOf(L.InputError);
          expect(await rejects(L.trainAsync(net, failing(second) as never, { a: 0.1, iterations: 2, chunkSamples: 2 }))).to.be.instanceOf(L.InputError);
        }
        expect(inputError(throws(() => net.predict(L.matrix(3, 1))))).to.equal('x has 3 features (rows), but W was made for 2');
        expect(inputError(throws(() => net.assign(L.matrix(3, 1), 0)))).to.equal("W is 3×1, but the network's is 2×1");
        await L.useBackend(backend === 'cpu' ? 'wasm' : 'cpu');
        expect(inputError(throws(() => L.train(net, L.memorySource(x(), y()), { a: 0.1, iterations: 2 })))).to.equal(
          `the network computes on ${backend}, but tfjs now runs ${backend === 'cpu' ? 'wasm' : 'cpu'}; await useBackend("${backend}") again before using it`,
        );
        await L.useBackend(backend);
        net.dispose();
        net.dispose();
        expect(inputError(throws(() => net.predict(x())))).to.equal('the network was disposed; make another with createNetwork');
        expect(tf.memory().numTensors).to.equal(before);
      });
    }

    for (const backend of ['plain', 'cpu', 'wasm'] as const) {
      it(`${backend}: disposed in onIteration or shouldStop, train ends with an InputError, leaving no tensors`, async () => {
        if (backend !== 'plain') await L.useBackend(backend);
        const tf = backend === 'plain' ? undefined : await import('@tensorflow/tfjs-core');
        const before = tf?.memory().numTensors;
        for (const hook of ['onIteration', 'shouldStop'] as const) {
          const net = L.createNetwork(backend, { W: L.matrix(2, 1, Float64Array.of(0.4, 0.2)), b: 1 });
          const settings = { a: 0.1, iterations: 10, [hook]: () => (net.dispose(), false) };
          expect(inputError(throws(() => L.train(net, L.memorySource(x(), y()), settings)))).to.equal(
            'train: the network was disposed during training; its W and b are gone (dispose it after train returns)',
          );
        }
        expect(tf?.memory().numTensors).to.equal(before);
      });
    }
  });

  it("ARTICLE_INIT is the article's start as Classifier.create takes it ({ weights, bias }): the AND gate ends at numpy's W and b", async () => {
    expect(L.ARTICLE_INIT).to.deep.equal({ weights: [0.4, 0.2], bias: 1 });
    const net = await L.Classifier.create({ backend: 'plain', ...L.ARTICLE_INIT, learningRate: 0.1, iterations: 1000 });
    try {
      net.fit(L.andGate().source);
      expect([net.weights, net.bias]).to.deep.equal([[[0.049999999999999954], [0.050000000000000024]], -0.07499999999999982]);
    } finally {
      net.dispose();
    }
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
