import { expect } from 'chai';
import { flagOf } from '../src/options';
import { andGate } from '../src/data/dataset';
import { iris } from '../src/data/iris';
import { memorySource } from '../src/data/source';
import { splitDataset } from '../src/data/split';
import { synthetic, syntheticChunks } from '../src/data/synthetic';
import { InputError } from '../src/errors';
import { shuffledIndices } from '../src/random';
import { rowsOf } from './fixtures';
import { tempDir, throws } from './helpers';
import { readdirSync, writeFileSync } from 'node:fs';
import { readNpyHeader, writeNpy } from '../src/data/npy';
import { npyDataset } from '../src/data/npy-source';

describe('data sets', () => {
  it('synthetic data is fixed by its seed: the same numbers on every run and machine', () => {
    const data = synthetic({ features: 2, samples: 4, seed: 1 }).source.inMemory!;
    // mulberry32 and float32 rounding only: these numbers must never change
    expect(Array.from(data.x.data)).to.deep.equal([
      0.962101936340332, -0.43779298663139343, 0.44148626923561096, 0.9896458983421326,
      0.9367557764053345, 0.2256777286529541, -0.14840608835220337, -0.08945774286985397,
    ]);
    expect(Array.from(data.y.data)).to.deep.equal([0, 0, 1, 1]);
  });

  it('synthetic data made in chunks equals it made whole', () => {
    const whole = synthetic({ features: 3, samples: 50, seed: 9, outputs: 2 }).source.inMemory!;
    const xs: number[][] = [[], [], []];
    const ys: number[][] = [[], []];
    syntheticChunks({ features: 3, samples: 50, seed: 9, outputs: 2 }, 7, ({ x, y }) => {
      rowsOf(x).forEach((r, f) => xs[f].push(...r));
      rowsOf(y).forEach((r, o) => ys[o].push(...r));
    });
    expect(xs).to.deep.equal(rowsOf(whole.x));
    expect(ys).to.deep.equal(rowsOf(whole.y));
  });

  it('iris: 4 features × 150 samples; setosa is 50 of them; all gives 3 one-vs-rest rows', () => {
    const setosa = iris();
    expect(setosa.source).to.include({ features: 4, samples: 150, outputs: 1 });
    expect(setosa.featureNames).to.deep.equal(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(Array.from(setosa.source.inMemory!.y.data).filter((v) => v === 1)).to.have.length(50);
    const all = iris(['all']).source.inMemory!.y;
    expect(all.rows).to.equal(3);
    for (let j = 0; j < 150; j++) expect(all.data[j] + all.data[150 + j] + all.data[300 + j]).to.equal(1);
  });

  it('a seeded shuffle is a permutation, fixed by its seed', () => {
    const order = Array.from(shuffledIndices(10, 4));
    expect([...order].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(shuffledIndices(10, 4))).to.deep.equal(order);
    expect(Array.from(shuffledIndices(10, 5))).to.not.deep.equal(order);
  });

  it('a test split partitions the samples', () => {
    const data = synthetic({ features: 2, samples: 40, seed: 2 });
    const { train, test } = splitDataset(data, 0.25, 7);
    expect(test.source.samples).to.equal(10);
    expect(train.source.samples).to.equal(30);
    const key = (x: number[][], j: number) => `${x[0][j]},${x[1][j]}`;
    const seen = new Set<string>();
    for (const part of [train, test]) {
      const x = rowsOf(part.source.inMemory!.x);
      for (let j = 0; j < x[0].length; j++) seen.add(key(x, j));
    }
    const all = rowsOf(data.source.inMemory!.x);
    expect(seen).to.deep.equal(new Set(all[0].map((_, j) => key(all, j))));
  });

  it('streamed .npy data that fails its checks closes its files', () => {
    const dir = tempDir();
    try {
      writeNpy(dir.path('x.npy'), { rows: 1, cols: 3, data: Float64Array.of(1, 2, 3) });
      writeNpy(dir.path('y.npy'), { rows: 1, cols: 3, data: Float64Array.of(1, 5, 0) });
      const open = () => readdirSync('/proc/self/fd').length;
      const before = open();
      for (let i = 0; i < 5; i++) {
        expect(throws(() => npyDataset(dir.path('x.npy'), dir.path('y.npy'), { stream: true }))).to.be.instanceOf(InputError);
      }
      expect(open()).to.equal(before);
    } finally {
      dir.remove();
    }
  });

  it('an .npy header with a nested shape is refused, however deep, not a stack overflow', () => {
    const dir = tempDir();
    try {
      const refused: [string, string][] = [
        ['('.repeat(20000) + ')'.repeat(20000), 'cannot parse the header: expected a value at character 52, got "(((((((((((((((((((("'],
        ['[' + '[('.repeat(10000) + ')]'.repeat(10000) + ']', "the header's 'shape' is [[([([([([([([([([([([([([([([([([([([([…; expected a tuple of non-negative integers"],
      ];
      for (const [shape, message] of refused) {
        const header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
        const bytes = Buffer.concat([Buffer.from('\x93NUMPY\x02\x00', 'latin1'), Buffer.alloc(4), Buffer.from(header + '\n')]);
        bytes.writeUInt32LE(header.length + 1, 8);
        writeFileSync(dir.path('deep.npy'), bytes);
        const err = throws(() => readNpyHeader(dir.path('deep.npy')));
        expect(err).to.be.instanceOf(InputError);
        expect(err.message).to.equal(`${dir.path('deep.npy')}: ${message}`);
      }
    } finally {
      dir.remove();
    }
  });

  it('a test split needs the data in memory', () => {
    const { x, y } = andGate().source.inMemory!;
    const streamed = { ...andGate(), source: { ...memorySource(x, y), inMemory: undefined } };
    const err = throws(() => splitDataset(streamed, 0.5, 1));
    expect(err).to.be.instanceOf(InputError);
    // a CSV is in memory whatever --chunk-samples says; the fifth hostile pass found the old words wrong for it
    expect(err.message).to.equal('testSplit needs the data in memory, and this data is streamed (a .npy read in chunks, for chunkSamples or for its size); split the files instead');
    expect((err as InputError).describe(flagOf)).to.equal('--test-split needs the data in memory, and this data is streamed (a .npy read in chunks, for --chunk-samples or for its size); split the files instead');
  });
});
