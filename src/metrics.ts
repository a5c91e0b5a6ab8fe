import type { SampleSource } from './data/source';
import type { Matrix, Predictions } from './matrix';
import type { Network } from './network/network';

/** Counts of a binary classification over all outputs and samples. */
export interface Confusion {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/** How 0/1 predictions compare with the labels. */
export interface Evaluation {
  /** Predictions that differ from the labels. */
  errors: number;
  /** 1 − errors / (outputs × samples). */
  accuracy: number;
  confusion: Confusion;
}

export function emptyConfusion(): Confusion {
  return { truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
}

/** Adds the counts of predictions `pred` against labels `y` (same shape) into `into`. */
export function addConfusion(pred: Matrix, y: Matrix, into: Confusion): Confusion {
  for (let i = 0; i < y.data.length; i++) {
    const p = pred.data[i] === 1;
    const t = y.data[i] === 1;
    if (p && t) into.truePositives++;
    else if (p) into.falsePositives++;
    else if (t) into.falseNegatives++;
    else into.trueNegatives++;
  }
  return into;
}

export function evaluation(confusion: Confusion): Evaluation {
  const errors = confusion.falsePositives + confusion.falseNegatives;
  const total = errors + confusion.truePositives + confusion.trueNegatives;
  return { errors, accuracy: total === 0 ? 0 : 1 - errors / total, confusion };
}

/** Predictions of a network on the samples, chunk by chunk, and how they compare with the labels. */
export function evaluate(
  network: Pick<Network, 'predict' | 'outputs'>,
  data: SampleSource,
  chunkSamples?: number,
): Evaluation & { predictions: Predictions } {
  const predictions = { rows: network.outputs, cols: data.samples, data: new Uint8Array(network.outputs * data.samples) };
  const confusion = emptyConfusion();
  data.forEachChunk(chunkSamples, ({ x, y, offset }) => {
    const pred = network.predict(x);
    addConfusion(pred, y, confusion);
    for (let o = 0; o < pred.rows; o++) {
      predictions.data.set(pred.data.subarray(o * pred.cols, (o + 1) * pred.cols), o * data.samples + offset);
    }
  });
  return { ...evaluation(confusion), predictions };
}
