import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useBackend } from '../src/backend';
import { memorySource } from '../src/data/source';
import { matrix, type Matrix } from '../src/matrix';
import { disposeCpuThreads } from '../src/kernels/cpu/kernels';
import { fusedPass, sumsLength } from '../src/kernels/cpu/pass';
import { PARALLEL_MIN_VALUES } from '../src/kernels/cpu/threads';
import type { Network } from '../src/network/network';
import { PlainNetwork, sigmoid } from '../src/network/plain';
import { TensorNetwork } from '../src/network/tensor';
import { train } from '../src/training';
import { expectClose, random, randomData, rowsOf } from './fixtures';

const fromRows = (rows: readonly (readonly number[])[]) =>
  matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

/** y_pred of the pass for each float32 z (x = z, W = 1, b = 0, y = 0: e = y_pred). */
function classes(z: number[]): number[] {
  const x = Float32Array.from(z);
  const out = new Float64Array(sumsLength(1, 1));
  return z.map((_, j) => {
    out.fill(0);
    const W = Float32Array.of(1);
    fusedPass({ x, y: new Float32Array(z.length), m: z.length, features: 1, outputs: 1, W, b: 0, start: j, end: j + 1, logistic: false, track: false }, out);
    return out[1];
  });
}

/** Samples × features data that is not a multiple of the pass's block of 128 samples. */
function largeData(features: number, samples: number): { x: Matrix; y: Matrix } {
  const rand = random(7);
  const x = new Float32Array(new SharedArrayBuffer(4 * features * samples));
  for (let i = 0; i < x.length; i++) x[i] = Math.floor(rand() * 64 - 32) / 16;
  const y = new Float32Array(new SharedArrayBuffer(4 * samples));
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

describe("the cpu kernel's pass", () => {
  // z at and around where sigmoid(z) >= 0.5 flips after float32 rounding
  const edge = 2 ** -20;
  const z = [0, -0, 1e-300, -1e-300, 1.3877787807814457e-16, -1.3877787807814457e-16, -1.1e-16, -2.3e-16, -3e-8, -6e-8,
    -6.1e-8, -1.2e-7, -edge, -edge * (1 + 2 ** -52), -edge * (1 - 2 ** -52), -1e-6, -1e-3, -1, 1, NaN, Infinity, -Infinity];

  it('classifies every float32 z as tfjs-backend-cpu does: float32 sigmoid, then >= 0.5, ties included', () => {
    const z32 = z.map(Math.fround);
    expect(classes(z32)).to.deep.equal(z32.map((v) => (Math.fround(sigmoid(v)) >= 0.5 ? 1 : 0)));
  });

  it('on random float32 z near the tie as well', () => {
    const rand = random(3);
    const near = Array.from({ length: 2000 }, () => Math.fround(-rand() * 4 * edge));
    expect(classes(near)).to.deep.equal(near.map((v) => (Math.fround(sigmoid(v)) >= 0.5 ? 1 : 0)));
  });
});

describe('the cpu kernel on data large enough for its worker threads', function () {
  this.timeout(60_000);
  const samples = Math.ceil(PARALLEL_MIN_VALUES / 8) + 77;
  before(async () => {
    await useBackend('cpu');
  });

  it('agrees with the plain oracle and with the article loop written plainly, to 1e-5; stats come through the workers', () => {
    const { x, y } = largeData(8, samples);
    const W0 = Float64Array.from({ length: 8 }, (_, f) => (f - 4) / 10);
    const init = { W: matrix(8, 1, W0.slice()), b: 0.3 };
    const [plain, net] = [new PlainNetwork(init), new TensorNetwork('cpu', init)];
    try {
      for (const n of [plain, net] as Network[]) train(n, memorySource(x, y), { a: 0.5, iterations: 6 });
      // screened after the first pass, as wasm is (src/kernels/screen.ts)
      expect(net.compute).to.match(/^cpu \(JS kernel, 2 threads, screened: [\d.]+% of samples read\)$/);
      expectClose(rowsOf(net.weights()), rowsOf(plain.weights()), 1e-5);
      expectClose(net.bias(), plain.bias(), 1e-5);
      const ref = reference(x, y, W0.slice(), 0.3, 0.5, 6);
      expectClose(rowsOf(plain.weights()), ref.W.map((w) => [w]), 1e-9);
      const seen: number[] = [];
      train(net, memorySource(x, y), { a: 0.5, iterations: 3, statsEvery: 1, onIteration: (_, s) => seen.push(s!.errors) });
      expect(seen).to.have.length(3);
      expect(seen.every((e) => Number.isInteger(e) && e > 0)).to.equal(true);
    } finally {
      net.dispose();
      disposeCpuThreads();
    }
  });

  it('does not keep the process alive when its threads are never ended', () => {
    const code = `
      const { useBackend } = require(${JSON.stringify(join(__dirname, '..', 'src', 'backend'))});
      const { TensorNetwork } = require(${JSON.stringify(join(__dirname, '..', 'src', 'network', 'tensor'))});
      const { train } = require(${JSON.stringify(join(__dirname, '..', 'src', 'training'))});
      const { memorySource } = require(${JSON.stringify(join(__dirname, '..', 'src', 'data', 'source'))});
      useBackend('cpu').then(() => {
        const m = ${samples};
        const x = new Float32Array(new SharedArrayBuffer(32 * m));
        const y = new Float32Array(new SharedArrayBuffer(4 * m));
        x.forEach((_, i) => void (x[i] = (i % 7) - 3));
        y.forEach((_, j) => void (y[j] = j % 2));
        const net = new TensorNetwork('cpu', { W: { rows: 8, cols: 1, data: new Float64Array(8) }, b: 0 });
        train(net, memorySource({ rows: 8, cols: m, data: x }, { rows: 1, cols: m, data: y }), { a: 0.1, iterations: 5 });
        console.log(net.compute);
      });`;
    const out = execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', code], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.trim()).to.match(/^cpu \(JS kernel, 2 threads, screened: [\d.]+% of samples read\)$/);
  });
});

describe("the cpu kernel against tfjs's own ops", () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('trains to the same W, b and predictions (1e-5), chunked, on two outputs', () => {
    const { x, y } = randomData(4, 3, 60, 2);
    const init = { W: fromRows([[0.1, -0.2], [0.3, 0], [-0.1, 0.2]]), b: 0.1 };
    const run = (kernels: 'fused' | 'ops') => {
      const net = new TensorNetwork('cpu', init, kernels);
      try {
        train(net, memorySource(fromRows(x), fromRows(y)), { a: 0.2, iterations: 30, chunkSamples: 25 });
        return { W: rowsOf(net.weights()), b: net.bias(), pred: rowsOf(net.predict(fromRows(x))), compute: net.compute };
      } finally {
        net.dispose();
      }
    };
    const [fused, ops] = [run('fused'), run('ops')];
    expect([fused.compute, ops.compute]).to.deep.equal(['cpu (JS kernel, 1 thread)', 'cpu (tfjs ops)']);
    expectClose(fused.W, ops.W, 1e-5);
    expectClose(fused.b, ops.b, 1e-5);
    expect(fused.pred).to.deep.equal(ops.pred);
  });

  it('leaves no tensor behind', () => {
    const start = tf.memory().numTensors;
    const net = new TensorNetwork('cpu', { W: fromRows([[0.4], [0.2]]), b: 1 });
    train(net, memorySource(fromRows([[0, 1, 0, 1], [0, 0, 1, 1]]), fromRows([[0, 0, 0, 1]])), { a: 0.1, iterations: 50, statsEvery: 7 });
    net.dispose();
    expect(tf.memory().numTensors).to.equal(start);
  });
});
