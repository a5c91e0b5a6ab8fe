import { expect } from 'chai';
import type { Chunk } from '../src/data/source';
import { memorySource } from '../src/data/source';
import { InputError } from '../src/errors';
import { matrix } from '../src/matrix';
import type { IterationStats, Network, TrainResult, TrainSettings } from '../src/network/network';
import { PlainNetwork, type PlainSums } from '../src/network/plain';
import { train, trainAsync } from '../src/training';
import { randomData } from './fixtures';
import { rejects } from './helpers';

/**
 * The one training loop with a network that computes asynchronously (as the sql backend does, in
 * a database): plain's maths, its sums and stats handed back as promises. trainAsync must give
 * exactly plain's run; train must refuse it.
 */
function later(net: PlainNetwork, { failAt }: { failAt?: number } = {}) {
  let calls = 0;
  let loaded = 0;
  const asyncNet: Network<Chunk, PlainSums> & { loaded: () => number } = {
    backend: net.backend,
    compute: 'later (plain, asynchronously)',
    features: net.features,
    outputs: net.outputs,
    load: (chunk) => (loaded++, net.load(chunk)),
    unload: () => void loaded--,
    sums: (...args) => (++calls === failAt ? Promise.reject(new InputError('the database went away')) : Promise.resolve(net.sums(...args))),
    traced: (sums) => net.traced(sums),
    add: (total, part) => net.add(total, part),
    stats: (sums) => Promise.resolve(net.stats(sums)),
    update: (sums, a, m) => net.update(sums, a, m),
    free: () => undefined,
    predict: (x) => net.predict(x),
    predictProba: (x) => net.predictProba(x),
    weights: () => net.weights(),
    assign: (W, b) => net.assign(W, b),
    bias: () => net.bias(),
    dispose: () => undefined,
    disposed: false,
    loaded: () => loaded,
  };
  return asyncNet;
}

describe('the training loop with sums computed asynchronously (as in a database)', () => {
  const { x, y } = randomData(4, 3, 50, 2);
  const data = () => memorySource(matrix(3, 50, Float64Array.from(x.flat())), matrix(2, 50, Float64Array.from(y.flat())));
  const init = () => ({ W: matrix(3, 2), b: 0.25 });

  async function both(settings: Omit<TrainSettings, 'onIteration'>) {
    const run = async (async: boolean) => {
      const stats: (IterationStats | undefined)[] = [];
      const plain = new PlainNetwork(init());
      const all = { ...settings, onIteration: (_: number, s?: IterationStats) => stats.push(s) };
      const result: TrainResult = async ? await trainAsync(later(plain), data(), all) : train(plain, data(), all);
      return { result, stats, W: Array.from(plain.weights().data), b: plain.bias() };
    };
    return { sync: await run(false), async: await run(true) };
  }

  it('trainAsync awaits them and runs exactly the synchronous loop: W, b, stats and how it ended', async () => {
    for (const settings of [
      { a: 0.2, iterations: 40, statsEvery: 3 },
      { a: 0.2, iterations: 40, gradient: 'logistic' as const, statsEvery: 1 },
      { a: 0.2, iterations: 500, untilNoError: true },
      { a: 0.2, iterations: 60, pocket: true },
      { a: 0.2, iterations: 30, finalStats: true },
    ]) {
      const { sync, async } = await both(settings);
      expect(async, JSON.stringify(settings)).to.deep.equal(sync);
    }
  });

  it('trainAsync rejects with the error a network gives, after letting its samples go', async () => {
    const net = later(new PlainNetwork(init()), { failAt: 3 });
    const seen: number[] = [];
    const err = await rejects(trainAsync(net, data(), { a: 0.1, iterations: 10, onIteration: (i) => seen.push(i) }));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal('the database went away');
    expect(seen).to.deep.equal([1, 2]);
    expect(net.loaded()).to.equal(0);
  });

  it('train refuses a network that computes asynchronously, in one clear error, and lets its samples go', () => {
    const net = later(new PlainNetwork(init()));
    expect(() => train(net, data(), { a: 0.1, iterations: 3 })).to.throw(
      InputError,
      'this network computes asynchronously (later (plain, asynchronously)): train it with trainAsync (fitAsync), not train (fit)',
    );
    expect(net.loaded()).to.equal(0);
  });

  it('samples that stay in a database train only on a network that computes there', () => {
    const source = { ...data(), inMemory: undefined, remote: { name: 'SQL on duckdb (in memory)' } };
    expect(() => train(new PlainNetwork(init()), source, { a: 0.1, iterations: 1 })).to.throw(
      InputError,
      'SQL on duckdb (in memory): the samples stay in their database, where only backend sql trains; read them into memory for this backend',
    );
  });
});
