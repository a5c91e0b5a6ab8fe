import { join } from 'node:path';
import { andGate, ARTICLE_INIT } from '../src/data/dataset';
import { readNpy, writeNpy } from '../src/data/npy';
import { memorySource, type SampleSource } from '../src/data/source';
import { synthetic } from '../src/data/synthetic';
import type { Matrix } from '../src/matrix';
import type { NetworkInit } from '../src/network/network';
import { FEATURES, SEED, type Plan } from './plan';

/** One case of the benchmark: its data in shared memory, the same data as .npy files, and W and b to start from. */
export interface Case {
  readonly name: 'and' | 'synthetic';
  readonly data: SampleSource;
  readonly init: NetworkInit;
  readonly xPath: string;
  readonly yPath: string;
  readonly xBytesPerIteration: number;
}

/** The cases on files in `dir`: the article's AND gate, then synthetic float32 data of each size. */
export function* cases(dir: string, p: Plan, log: (line: string) => void): Generator<Case> {
  const and = andGate().source.inMemory!;
  yield onFiles(dir, 'and', and.x, and.y, { W: { rows: 2, cols: 1, data: Float64Array.from(ARTICLE_INIT.weights) }, b: ARTICLE_INIT.bias });
  for (const m of p.sizes) {
    log(`synthetic data: ${FEATURES} features × ${m} samples`);
    const { x, y } = synthetic({ features: FEATURES, samples: m, seed: SEED }).source.inMemory!;
    yield onFiles(dir, 'synthetic', x, y, { W: { rows: FEATURES, cols: 1, data: new Float64Array(FEATURES) }, b: 0 });
  }
}

/** Writes x and y as .npy (for numpy and the memory children) and reads them back into shared memory. */
function onFiles(dir: string, name: 'and' | 'synthetic', x: Matrix, y: Matrix, init: NetworkInit): Case {
  const xPath = join(dir, `${name}-${x.cols}-x.npy`);
  const yPath = join(dir, `${name}-${x.cols}-y.npy`);
  writeNpy(xPath, x);
  writeNpy(yPath, y);
  const data = memorySource(readNpy(xPath), readNpy(yPath));
  return { name, data, init, xPath, yPath, xBytesPerIteration: x.data.length * x.data.BYTES_PER_ELEMENT };
}
