import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useBackend } from '../src/backend';
import { memorySource } from '../src/data/source';
import { matrix, type Matrix } from '../src/matrix';
import { fusedPass, sumsLength } from '../src/network/fused';
import { ARTICLE_SUMS, ARTICLE_UPDATE, registerFusedKernels } from '../src/network/kernels';
import { PlainNetwork, sigmoid } from '../src/network/plain';
import { PARALLEL_MIN_VALUES, sharedCopy } from '../src/network/pool';
import { TensorNetwork } from '../src/network/tensor';
import { expectClose, random, randomData, rowsOf } from './fixtures';

const fromRows = (rows: readonly (readonly number[])[]) =>
  matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

/** y_pred of the pass for each z (x = z, W = 1, b = 0, y = 0: e = y_pred). */
function classes(z: number[], float32: boolean): number[] {
  const x = Float64Array.from(z);
  const out = new Float64Array(sumsLength(1, 1));
  return z.map((_, j) => {
    out.fill(0);
    const W = Float64Array.of(1);
    fusedPass({ x, y: new Float64Array(z.length), m: z.length, features: 1, outputs: 1, W, b: 0, start: j, end: j + 1, logistic: false, track: false, float32 }, out);
    return out[1];
  });
}

/** Samples × features data that is not a multiple of the pass's block of 128 samples. */
function largeData(features: number, samples: number): { x: Matrix; y: Matrix } {
  const rand = random(7);
  const x = new Float32Array(sharedCopy(new Float32Array(features * samples)).buffer);
  for (let i = 0; i < x.length; i++) x[i] = Math.floor(rand() * 64 - 32) / 16;
  const y = new Float32Array(sharedCopy(new Float32Array(samples)).buffer);
  for (let j = 0; j < samples; j++) y[j] = x[j] - x[samples + j] + (rand() < 0.1 ? 1 : 0) > 0 ? 1 : 0;
  return { x: { rows: features, cols: samples, data: x }, y: { rows: 1, cols: samples, data: y } };
}

/** The article's loop written plainly (numpy's order): the reference for the fused pass. */
function reference(x: Matrix, y: Matrix, W: Float64Array, b: number, a: number, iterations: number): { W: number[]; b: number } {
  const [F, m] = [x.rows, x.cols];
  for (let i = 0; i < iterations; i++) {
    const e = new Float64Array(m);
    let sumE = 0;
    for (let j = 0; j < m; j++) {
      let z = 0;
      for (let f = 0; f < F; f++) z += W[f] * x.data[f * m + j];
      e[j] = (sigmoid(z + b) >= 0.5 ? 1 : 0) - y.data[j];
      sumE += e[j];
    }
    for (let f = 0; f < F; f++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += x.data[f * m + j] * e[j];
      W[f] = W[f] - a * (acc / m);
    }
    b = b - a * (sumE / m);
  }
  return { W: Array.from(W), b };
}

describe('the fused pass', () => {
  // z at and around where sigmoid(z) >= 0.5 flips, in float64 and after float32 rounding
  const edge = 2 ** -20;
  const z = [0, -0, 1e-300, -1e-300, 1.3877787807814457e-16, -1.3877787807814457e-16, -1.1e-16, -2.3e-16, -3e-8, -6e-8,
    -6.1e-8, -1.2e-7, -edge, -edge * (1 + 2 ** -52), -edge * (1 - 2 ** -52), -1e-6, -1e-3, -1, 1, NaN, Infinity, -Infinity];

  it('classifies every z as sigmoid(z) >= 0.5 does, ties included (float64)', () => {
    expect(classes(z, false)).to.deep.equal(z.map((v) => (sigmoid(v) >= 0.5 ? 1 : 0)));
  });

  it('classifies every float32 z as tfjs does: float32 sigmoid, then >= 0.5', () => {
    const z32 = z.map(Math.fround);
    expect(classes(z32, true)).to.deep.equal(z32.map((v) => (Math.fround(sigmoid(v)) >= 0.5 ? 1 : 0)));
  });

  it('on random z near the tie as well', () => {
    const rand = random(3);
    const near = Array.from({ length: 2000 }, () => -rand() * 4 * edge);
    expect(classes(near, false)).to.deep.equal(near.map((v) => (sigmoid(v) >= 0.5 ? 1 : 0)));
  });
});

describe('PlainNetwork on data large enough for worker threads', function () {
  this.timeout(60_000);
  const samples = Math.ceil(PARALLEL_MIN_VALUES / 8) + 77;

  it('equals the article loop written plainly to 1e-9, and stops at no error through the workers too', () => {
    const { x, y } = largeData(8, samples);
    const W0 = Float64Array.from({ length: 8 }, (_, f) => (f - 4) / 10);
    const net = new PlainNetwork({ W: matrix(8, 1, W0.slice()), b: 0.3 });
    try {
      net.train(memorySource(x, y), { a: 0.5, iterations: 6 });
      const ref = reference(x, y, W0.slice(), 0.3, 0.5, 6);
      expectClose(rowsOf(net.weights()).flat().map((w) => [w]), ref.W.map((w) => [w]), 1e-9);
      expectClose(net.bias(), ref.b, 1e-9);
      const seen: number[] = [];
      net.train(memorySource(x, y), { a: 0.5, iterations: 3, statsEvery: 1, onIteration: (_, s) => seen.push(s!.errors) });
      expect(seen).to.have.length(3);
      expect(seen.every((e) => Number.isInteger(e) && e > 0)).to.equal(true);
    } finally {
      net.dispose();
    }
  });

  it('does not keep the process alive when a network is never disposed', () => {
    const code = `
      const { PlainNetwork } = require(${JSON.stringify(join(__dirname, '..', 'src', 'network', 'plain'))});
      const m = ${samples}, x = new Float32Array(8 * m).map((_, i) => (i % 7) - 3), y = new Float32Array(m).map((_, j) => j % 2);
      const data = { features: 8, outputs: 1, samples: m, inMemory: { x: { rows: 8, cols: m, data: x }, y: { rows: 1, cols: m, data: y } },
        forEachChunk: (_, visit) => visit({ x: { rows: 8, cols: m, data: x }, y: { rows: 1, cols: m, data: y }, offset: 0 }) };
      new PlainNetwork({ W: { rows: 8, cols: 1, data: new Float64Array(8) }, b: 0 }).train(data, { a: 0.1, iterations: 5 });
      console.log('trained');`;
    const out = execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', code], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.trim()).to.equal('trained');
  });
});

describe("TensorNetwork's fused kernels against tfjs's own ops", () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('agree with the plain oracle on data large enough for worker threads (x shared, not copied), to 1e-5', function () {
    this.timeout(60_000);
    const { x, y } = largeData(8, Math.ceil(PARALLEL_MIN_VALUES / 8) + 77);
    const init = { W: matrix(8, 1, Float64Array.from({ length: 8 }, (_, f) => (f - 4) / 10)), b: 0.3 };
    const [plain, net] = [new PlainNetwork(init), new TensorNetwork('cpu', init)];
    try {
      for (const n of [plain, net]) n.train(memorySource(x, y), { a: 0.5, iterations: 6 });
      expectClose(rowsOf(net.weights()), rowsOf(plain.weights()), 1e-5);
      expectClose(net.bias(), plain.bias(), 1e-5);
    } finally {
      plain.dispose();
      net.dispose();
    }
  });

  it('train to the same W, b and predictions (1e-5), with the kernels unregistered for the second run', () => {
    const { x, y } = randomData(4, 3, 60, 2);
    const init = { W: fromRows([[0.1, -0.2], [0.3, 0], [-0.1, 0.2]]), b: 0.1 };
    const run = () => {
      const net = new TensorNetwork('cpu', init);
      try {
        net.train(memorySource(fromRows(x), fromRows(y)), { a: 0.2, iterations: 30, chunkSamples: 25 });
        return { W: rowsOf(net.weights()), b: net.bias(), pred: rowsOf(net.predict(fromRows(x))) };
      } finally {
        net.dispose();
      }
    };
    const fused = run();
    tf.unregisterKernel(ARTICLE_SUMS, 'cpu');
    tf.unregisterKernel(ARTICLE_UPDATE, 'cpu');
    try {
      const stock = run();
      expectClose(fused.W, stock.W, 1e-5);
      expectClose(fused.b, stock.b, 1e-5);
      expect(fused.pred).to.deep.equal(stock.pred);
    } finally {
      registerFusedKernels();
    }
  });
});
