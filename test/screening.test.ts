import { expect } from 'chai';
import fc from 'fast-check';
import { bindSamples, PARALLEL_MIN_VALUES, releaseSamples, sums, type KernelSums } from '../src/kernels/wasm/simd';
import { seededRandom } from '../src/random';
import { useBackend } from '../src/backend';
import { synthetic } from '../src/data/synthetic';
import { memorySource } from '../src/data/source';
import { matrix } from '../src/matrix';
import { createNetwork } from '../src/network/create';
import type { IterationStats } from '../src/network/network';
import type { TensorNetwork } from '../src/network/tensor';
import { train } from '../src/training';

/**
 * Screening (the wasm SIMD kernel skipping blocks whose predictions cannot have changed) against
 * the same kernel unscreened, over whole training runs: every iteration's sums — x·eᵀ, sum(e) and
 * the errors, hence every prediction's count and every update — must be the same to the bit, on
 * random, separable, noisy and near-tie data, with one output or several, on one thread or two.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

interface Case {
  readonly F: number;
  readonly k: number;
  readonly m: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

type Kind = 'random' | 'separable' | 'noisy' | 'ties';

/** Data of a kind: x uniform in [−1, 1) (ties: on a grid of halves, so that many z are exactly 0), y from a hidden rule. */
function data(kind: Kind, seed: number, F: number, k: number, m: number): Case {
  const rand = seededRandom(seed);
  const x = Float32Array.from({ length: F * m }, () => (kind === 'ties' ? Math.round(rand() * 4 - 2) / 2 : rand() * 2 - 1));
  const y = new Float32Array(k * m);
  for (let o = 0; o < k; o++) {
    const w = Array.from({ length: F }, () => rand() * 2 - 1);
    for (let j = 0; j < m; j++) {
      let score = 0.05;
      for (let f = 0; f < F; f++) score += w[f] * x[f * m + j];
      const noise = kind === 'noisy' ? 0.3 * (rand() * 2 - 1) : 0;
      y[o * m + j] = kind === 'random' ? (rand() < 0.5 ? 1 : 0) : score + noise >= 0 ? 1 : 0;
    }
  }
  return { F, k, m, x, y };
}

/** Runs the article's loop on the kernel, screened or not; every iteration's sums. */
function run(c: Case, screen: boolean, iterations: number, a: number, threads: number, trackEvery = 0): KernelSums[] {
  const bound = bindSamples(c.x, c.y, c.F, c.k, c.m);
  try {
    const W = new Float64Array(c.F * c.k);
    let b = 0;
    const out: KernelSums[] = [];
    for (let i = 0; i < iterations; i++) {
      const track = trackEvery > 0 && i % trackEvery === 0;
      const s = sums(bound, W, b, false, track, { screen, threads });
      out.push(s);
      // dW = x·eᵀ / m; db = sum(e) / m; W −= a·dW; b −= a·db (in float32, as tfjs updates)
      for (let i2 = 0; i2 < W.length; i2++) W[i2] = Math.fround(W[i2] - Math.fround(a * Math.fround(s.xe[i2] / c.m)));
      b = Math.fround(b - Math.fround(a * Math.fround(s.sumE / c.m)));
    }
    return out;
  } finally {
    releaseSamples(bound);
  }
}

/** The sums of two runs, iteration by iteration, as numbers (−0 and 0 alike: a block skipped adds nothing, a block read adds x·0). */
function expectSame(screened: KernelSums[], plain: KernelSums[]): void {
  expect(screened.length).to.equal(plain.length);
  screened.forEach((s, i) => {
    const p = plain[i];
    expect([...s.xe].map((v) => v + 0), `iteration ${i + 1}: x·eᵀ`).to.deep.equal([...p.xe].map((v) => v + 0));
    expect(s.sumE + 0, `iteration ${i + 1}: sum(e)`).to.equal(p.sumE + 0);
    expect(s.errors, `iteration ${i + 1}: errors`).to.equal(p.errors);
    expect(s.loss, `iteration ${i + 1}: loss`).to.equal(p.loss);
    expect(s.read, `iteration ${i + 1}: read at most all`).to.be.at.most(p.read);
  });
}

const readFraction = (r: KernelSums[], c: Case) => r.reduce((t, s) => t + s.read, 0) / (r.length * c.k * c.m);

describe('screening (wasm SIMD kernel)', () => {
  it('gives the unscreened sums at every iteration on random, separable, noisy and near-tie data', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('random', 'separable', 'noisy', 'ties'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(0.01, 0.1, 1, 10),
        fc.constantFrom(0, 0, 7),
        (kind, F, k, m, seed, a, trackEvery) => {
          const c = data(kind, seed, F, k, m);
          expectSame(run(c, true, 60, a, 1, trackEvery), run(c, false, 60, a, 1, trackEvery));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('skips most of separable data once its errors are few, and the sums stay the same', () => {
    const c = data('separable', 5, 16, 1, 20000);
    const screened = run(c, true, 200, 0.1, 1);
    expectSame(screened, run(c, false, 200, 0.1, 1));
    expect(readFraction(screened, c)).to.be.below(0.5);
    expect(screened.at(-1)!.read).to.be.below(c.m / 4);
  });

  it('gives the same sums on two threads (blocks split between them) as on one', () => {
    const m = Math.ceil(PARALLEL_MIN_VALUES / 8) + 999;
    const c = data('separable', 9, 8, 1, m);
    const two = run(c, true, 40, 0.5, 2);
    expectSame(two, run(c, false, 40, 0.5, 1));
    expectSame(two, run(c, true, 40, 0.5, 1));
    expect(readFraction(two, c)).to.be.below(1);
  });

  it("passes the AND gate's exact ties (z = 0) as the article's run does", () => {
    // x: features×samples; from W = [0.4, 0.2], b = 1, a = 0.1 the run meets z = 0 at iterations 13, 15, 17–20, 22 and 24
    const c: Case = { F: 2, k: 1, m: 4, x: Float32Array.of(0, 0, 1, 1, 0, 1, 0, 1), y: Float32Array.of(0, 0, 0, 1) };
    const go = (screen: boolean) => {
      const bound = bindSamples(c.x, c.y, 2, 1, 4);
      const W = [0.4, 0.2];
      let b = 1;
      const out: KernelSums[] = [];
      for (let i = 0; i < 1000; i++) {
        const s = sums(bound, W, b, false, false, { screen });
        out.push(s);
        W[0] = Math.fround(W[0] - Math.fround(0.1 * Math.fround(s.xe[0] / 4)));
        W[1] = Math.fround(W[1] - Math.fround(0.1 * Math.fround(s.xe[1] / 4)));
        b = Math.fround(b - Math.fround(0.1 * Math.fround(s.sumE / 4)));
      }
      releaseSamples(bound);
      return { out, W, b };
    };
    const screened = go(true);
    const plain = go(false);
    expectSame(screened.out, plain.out);
    expect([...screened.W, screened.b]).to.deep.equal([...plain.W, plain.b]);
    expect(screened.out.at(-1)!.errors).to.equal(0);
    // once W and b stop moving, nothing is read
    expect(screened.out.at(-1)!.read).to.equal(0);
  });

  it('refuses what it cannot screen: part of the samples, or the logistic gradient', () => {
    const c = data('random', 1, 2, 1, 10);
    const bound = bindSamples(c.x, c.y, 2, 1, 10);
    expect(() => sums(bound, [0, 0], 0, false, false, { screen: true, start: 1 })).to.throw(RangeError, /screening sums all the samples/);
    expect(() => sums(bound, [0, 0], 0, true, false, { screen: true })).to.throw(RangeError, /screening sums all the samples/);
    releaseSamples(bound);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
describe(`screening in training (--backend ${backend}, --kernels fused against unscreened)`, () => {
  before(async () => {
    await useBackend(backend);
  });

  for (const [what, flip] of [['separable', 0], ['noisy', 0.1]] as const) {
    it(`ends at the same W and b, to the bit, with the same stats (${what} data), and says what it read`, () => {
      const { x, y } = synthetic({ features: 16, samples: 30000, seed: 3 }).source.inMemory!;
      const rand = seededRandom(4);
      const labels = matrix(y.rows, y.cols, Float32Array.from(y.data, (v) => (rand() < flip ? 1 - v : v)));
      const go = (kernels: 'fused' | 'unscreened') => {
        const net = createNetwork(backend, { W: matrix(16, 1), b: 0 }, kernels) as TensorNetwork;
        const stats: unknown[] = [];
        train(net, memorySource(x, labels), { a: 0.1, iterations: 150, statsEvery: 25, onIteration: (_, s) => s && stats.push(s) });
        const out = { W: [...net.weights().data], b: net.bias(), stats, compute: net.compute, read: net.readFraction };
        net.dispose();
        return out;
      };
      const screened = go('fused');
      const plain = go('unscreened');
      expect(screened.W).to.deep.equal(plain.W);
      expect(screened.b).to.equal(plain.b);
      expect(screened.stats).to.deep.equal(plain.stats);
      expect(plain.compute).to.match(new RegExp(`^${backend} \\((SIMD|JS) kernel, \\d threads?\\)$`));
      expect(plain.read).to.equal(undefined);
      expect(screened.compute).to.match(new RegExp(`^${backend} \\((SIMD|JS) kernel, \\d threads?, screened: [\\d.]+% of samples read\\)$`));
      if (what === 'separable') expect(screened.read).to.be.below(0.5);
      else expect(screened.read).to.be.at.most(1);
    });
  }

  it("counts every iteration's errors exactly while it skips samples; only the loss reads them all", () => {
    const { x, y } = synthetic({ features: 16, samples: 30000, seed: 3 }).source.inMemory!;
    const go = (kernels: 'fused' | 'unscreened', lossAt?: (i: number) => boolean) => {
      const net = createNetwork(backend, { W: matrix(16, 1), b: 0 }, kernels) as TensorNetwork;
      const stats: IterationStats[] = [];
      train(net, memorySource(x, y), { a: 0.1, iterations: 150, statsEvery: 1, lossAt, onIteration: (_, s) => stats.push(s!) });
      const out = { W: [...net.weights().data], b: net.bias(), stats, read: net.readFraction };
      net.dispose();
      return out;
    };
    const first = (i: number) => i === 1;
    const [errors, plain, withLoss] = [go('fused', first), go('unscreened', first), go('fused')];
    expect(errors.stats).to.deep.equal(plain.stats);
    expect(errors.stats.filter((s) => s.loss !== undefined).map((s) => s.iteration)).to.deep.equal([1]);
    expect(errors.W).to.deep.equal(plain.W);
    expect(errors.b).to.equal(plain.b);
    // the errors came with the screened passes; a loss on every iteration reads every sample
    expect(errors.read).to.be.below(0.5);
    expect(withLoss.read).to.equal(1);
    expect(withLoss.stats.map((s) => s.errors)).to.deep.equal(plain.stats.map((s) => s.errors));
  });

  it('passes exact ties (z = 0) and near ties as unscreened does: the AND gate, and integer data on a grid', () => {
    const grid = seededRandom(9);
    const m = 3000;
    const gridX = matrix(4, m, Float64Array.from({ length: 4 * m }, () => Math.floor(grid() * 3)));
    const at = (f: number, j: number) => gridX.data[f * m + j];
    const cases = [
      { x: matrix(2, 4, Float64Array.of(0, 1, 0, 1, 0, 0, 1, 1)), y: matrix(1, 4, Float64Array.of(0, 0, 0, 1)), W: [0.4, 0.2], b: 1, iterations: 1000 },
      // small integers and a = 0.1 steps: many z land exactly on 0 or within rounding of it
      { x: gridX, y: matrix(1, m, Float64Array.from({ length: m }, (_, j) => (at(0, j) + at(1, j) >= at(2, j) + at(3, j) ? 1 : 0))), W: [0, 0, 0, 0], b: 0, iterations: 300 },
    ];
    for (const { x, y, W, b, iterations } of cases) {
      const go = (kernels: 'fused' | 'unscreened') => {
        const net = createNetwork(backend, { W: matrix(W.length, 1, Float64Array.from(W)), b }, kernels) as TensorNetwork;
        const stats: unknown[] = [];
        // the errors every iteration (they come with the screened pass); the loss, which reads every sample, only at the first
        train(net, memorySource(x, y), { a: 0.1, iterations, statsEvery: 1, lossAt: (i) => i === 1, onIteration: (_, st) => stats.push(st) });
        const out = { W: [...net.weights().data], b: net.bias(), stats, read: net.readFraction };
        net.dispose();
        return out;
      };
      const [screened, plain] = [go('fused'), go('unscreened')];
      expect(screened.W).to.deep.equal(plain.W);
      expect(screened.b).to.equal(plain.b);
      expect(screened.stats).to.deep.equal(plain.stats);
      expect(screened.read).to.be.below(1);
    }
  });

  it('read chunk by chunk, leaves unread the chunks that cannot add anything, and ends at the same W, b and stats, to the bit', () => {
    const grid = seededRandom(9);
    const gm = 6000;
    const gridX = matrix(4, gm, Float64Array.from({ length: 4 * gm }, () => Math.floor(grid() * 3)));
    const at = (f: number, j: number) => gridX.data[f * gm + j];
    const gridY = matrix(1, gm, Float64Array.from({ length: gm }, (_, j) => (at(0, j) + at(1, j) >= at(2, j) + at(3, j) ? 1 : 0)));
    const separable = synthetic({ features: 16, samples: 30000, seed: 3 }).source.inMemory!;
    // two outputs (b is one number for both): the labels twice, so both converge and the chunks' every output is screened
    const n = separable.y.cols;
    const both = matrix(2, n, Float32Array.from({ length: 2 * n }, (_, i) => separable.y.data[i % n]));
    const cases = [
      { what: 'separable', ...separable, chunk: 1000, iterations: 200 },
      { what: 'two outputs', x: separable.x, y: both, chunk: 700, iterations: 200 },
      // many z exactly 0 or within rounding of it
      { what: 'integer grid', x: gridX, y: gridY, chunk: 250, iterations: 300 },
    ];
    for (const { what, x, y, chunk, iterations } of cases) {
      const go = (kernels: 'fused' | 'unscreened', chunkSamples?: number) => {
        const net = createNetwork(backend, { W: matrix(x.rows, y.rows), b: 0 }, kernels) as TensorNetwork;
        const stats: unknown[] = [];
        const result = train(net, memorySource(x, y), { a: 0.1, iterations, chunkSamples, statsEvery: 1, lossAt: (i) => i % 50 === 1, onIteration: (_, st) => stats.push(st) });
        const out = { W: [...net.weights().data], b: net.bias(), stats, result };
        net.dispose();
        return out;
      };
      const [screened, unscreened, whole] = [go('fused', chunk), go('unscreened', chunk), go('unscreened')];
      expect(screened.W, what).to.deep.equal(unscreened.W);
      expect(screened.b, what).to.equal(unscreened.b);
      expect(screened.stats, what).to.deep.equal(unscreened.stats);
      expect(unscreened.result.chunks, what).to.equal(undefined);
      const { read, skipped } = screened.result.chunks!;
      expect(read + skipped, what).to.equal(x.cols * iterations);
      expect(skipped / (read + skipped), what).to.be.above(0.2);
      // chunks summed one by one, against one pass over the whole: the same errors; W and b to float32 rounding
      expect(whole.stats.map((st) => (st as IterationStats).errors), what).to.deep.equal(screened.stats.map((st) => (st as IterationStats).errors));
    }
  });

  it('reads every chunk of noisy data, where nothing can be skipped, and of the logistic gradient', () => {
    const { x, y } = synthetic({ features: 16, samples: 20000, seed: 3 }).source.inMemory!;
    const rand = seededRandom(4);
    const noisy = matrix(y.rows, y.cols, Float32Array.from(y.data, (v) => (rand() < 0.3 ? 1 - v : v)));
    for (const gradient of ['article', 'logistic'] as const) {
      const net = createNetwork(backend, { W: matrix(16, 1), b: 0 }) as TensorNetwork;
      const result = train(net, memorySource(x, gradient === 'article' ? noisy : y), { a: 0.1, iterations: 60, chunkSamples: 1000, gradient });
      net.dispose();
      if (gradient === 'logistic') expect(result.chunks).to.equal(undefined);
      else expect(result.chunks!.skipped / (result.chunks!.read + result.chunks!.skipped)).to.be.below(0.05);
    }
  });

  it('does not screen the logistic gradient (its e is never 0), nor say so', () => {
    const net = createNetwork(backend, { W: matrix(2, 1), b: 0 }, 'fused') as TensorNetwork;
    train(net, memorySource(matrix(2, 4, Float64Array.of(0, 0, 1, 1, 0, 1, 0, 1)), matrix(1, 4, Float64Array.of(0, 0, 0, 1))), { a: 0.1, iterations: 20, gradient: 'logistic' });
    expect(net.compute).to.equal(`${backend} (${backend === 'wasm' ? 'SIMD' : 'JS'} kernel, 1 thread)`);
    net.dispose();
  });
});
}
