import type { Classifier } from '../classifier';
import type { Dataset } from '../data/dataset';
import { stageStream, type StreamedFile } from '../io/atomic';

/** The samples whose predictions `--predictions` writes, and how to number them. */
export interface PredictionRows {
  /** `row`: 1-based data rows of a CSV file (the first row after the header is 1); `sample`: 0-based sample indices (.npy, built-in data). */
  readonly numbering: 'row' | 'sample';
  readonly train: Dataset;
  readonly test?: Dataset;
  /** With a test split: the index in the data of each set's samples, in the sets' order. */
  readonly indices?: { readonly train: Uint32Array; readonly test: Uint32Array };
  /** Samples per chunk for data that is not split (it may stream from disk). */
  readonly chunkSamples?: number;
}

/** Rows written at a time. */
const ROWS_PER_WRITE = 4096;

/**
 * Writes `--predictions FILE.csv`: a header, then one row per sample, in the data's order — its
 * row (or sample index), its split (`train` or `test`), its label(s), the prediction(s)
 * `s >= 0.5` and the probability(ies) s, one column each per output:
 *
 *     row,split,diagnosis,predicted_diagnosis,probability_diagnosis
 *     1,train,1,1,0.9731502757211313
 *
 * Called inside `writeTogether`: the file is streamed to a temporary file and renamed into place
 * with the other outputs. Data that is not split is visited chunk by chunk, so its size is not limited
 * by memory; a split is in memory already (it needs it).
 */
export function writePredictionsCsv(path: string, net: Classifier, rows: PredictionRows): void {
  const out = stageStream(path);
  const labels = rows.train.labelNames;
  out.write(`${[rows.numbering, 'split', ...labels, ...labels.map((l) => `predicted_${l}`), ...labels.map((l) => `probability_${l}`)].map(csvField).join(',')}\n`);
  const number = rows.numbering === 'row' ? (i: number) => i + 1 : (i: number) => i;
  const lines = new Lines(out);
  if (!rows.test || !rows.indices) {
    rows.train.source.forEachChunk(rows.chunkSamples, ({ x, y, offset }) => {
      const s = net.predictProba(x);
      for (let j = 0; j < x.cols; j++) lines.add(line(number(offset + j), 'train', y.data, s, j, x.cols));
    });
    lines.flush();
    return;
  }
  const sets = (['train', 'test'] as const).map((split) => {
    const { x, y } = rows[split]!.source.inMemory!;
    return { split, y: y.data, s: net.predictProba(x), n: x.cols };
  });
  // the data's order: sample i is the j-th of the train set (where[i] = j + 1) or of the test set (−(j + 1))
  const where = new Int32Array(rows.indices.train.length + rows.indices.test.length);
  rows.indices.train.forEach((i, j) => (where[i] = j + 1));
  rows.indices.test.forEach((i, j) => (where[i] = -(j + 1)));
  where.forEach((w, i) => {
    const set = sets[w > 0 ? 0 : 1];
    lines.add(line(number(i), set.split, set.y, set.s, Math.abs(w) - 1, set.n));
  });
  lines.flush();
}

/** One sample's row: number, split, labels, predictions, probabilities (y and s are outputs×n). */
function line(n: number, split: string, y: ArrayLike<number>, s: number[][], j: number, cols: number): string {
  const labels = s.map((_, o) => y[o * cols + j]);
  return `${n},${split},${labels.join(',')},${s.map((row) => (row[j] >= 0.5 ? 1 : 0)).join(',')},${s.map((row) => row[j]).join(',')}\n`;
}

/** Lines gathered and written a few thousand at a time. */
class Lines {
  private pending: string[] = [];

  constructor(private readonly out: StreamedFile) {}

  add(text: string): void {
    this.pending.push(text);
    if (this.pending.length >= ROWS_PER_WRITE) this.flush();
  }

  flush(): void {
    if (this.pending.length > 0) this.out.write(this.pending.join(''));
    this.pending = [];
  }
}

/** A CSV field: quoted (quotes doubled) when it holds a comma, a quote, a line break or edge spaces. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
