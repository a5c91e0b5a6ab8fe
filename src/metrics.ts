import type { Chunk, SampleSource, Scores } from './data/source';
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
export function addConfusion(pred: Matrix | Predictions, y: Matrix, into: Confusion): Confusion {
  for (let i = 0; i < y.data.length; i++) tally(into, pred.data[i] === 1, y.data[i] === 1);
  return into;
}

/** Counts one prediction against its label in `into`. */
function tally(into: Confusion, predicted: boolean, label: boolean): void {
  if (predicted && label) into.truePositives++;
  else if (predicted) into.falsePositives++;
  else if (label) into.falseNegatives++;
  else into.trueNegatives++;
}

export function evaluation(confusion: Confusion): Evaluation {
  const errors = confusion.falsePositives + confusion.falseNegatives;
  const total = errors + confusion.truePositives + confusion.trueNegatives;
  return { errors, accuracy: total === 0 ? 0 : 1 - errors / total, confusion };
}

/** One output's counts and the scores made from them; a ratio whose denominator is 0 is null. */
export interface OutputMetrics extends Confusion {
  /** TP / (TP + FP): of the samples predicted 1, the fraction that are 1. */
  precision: number | null;
  /** TP / (TP + FN): of the samples that are 1, the fraction predicted 1. */
  recall: number | null;
  /** 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall. */
  f1: number | null;
  /** The area under the ROC curve of the probabilities s (null when the labels are all 0 or all 1). */
  auc: number | null;
}

/** Precision, recall and F1 of a confusion, with the ROC AUC computed elsewhere. */
export function outputMetrics(c: Confusion, auc: number | null): OutputMetrics {
  const ratio = (num: number, den: number) => (den === 0 ? null : num / den);
  return {
    ...c,
    precision: ratio(c.truePositives, c.truePositives + c.falsePositives),
    recall: ratio(c.truePositives, c.truePositives + c.falseNegatives),
    f1: ratio(2 * c.truePositives, 2 * c.truePositives + c.falsePositives + c.falseNegatives),
    auc,
  };
}

/**
 * The exact ROC AUC of scores: the probability that a positive sample scores above a negative
 * one, ties counting one half (the Mann–Whitney U statistic over P·N; what scikit-learn's
 * `roc_auc_score` gives). Both arrays are sorted in place. Null when either is empty.
 */
export function rocAuc(positives: Float64Array | Float32Array, negatives: Float64Array | Float32Array): number | null {
  const P = positives.length;
  const N = negatives.length;
  if (P === 0 || N === 0) return null;
  positives.sort();
  negatives.sort();
  // NaN (a score of unusable inputs) ranks above every number, where the sort puts it
  const key = (v: number) => (v !== v ? Infinity : v);
  // for each run of equal positive scores: the negatives below it count 1, those equal ½
  let below = 0; // negatives with a score < the current positive score
  let pairs = 0; // 2 × (pairs won + ½ pairs tied): whole numbers, exact while below 2⁵³
  for (let i = 0; i < P; ) {
    const v = key(positives[i]);
    let run = 0;
    do {
      run++;
      i++;
    } while (i < P && key(positives[i]) === v);
    while (below < N && key(negatives[below]) < v) below++;
    let equal = 0;
    while (below + equal < N && key(negatives[below + equal]) === v) equal++;
    pairs += run * (2 * below + equal);
  }
  return pairs / (2 * P * N);
}

/** What {@link evaluate} finds: over all outputs, per output, and the predictions. */
export type FullEvaluation = Evaluation & { predictions: Predictions; outputs: OutputMetrics[] };

/**
 * Predictions of a network on the samples, chunk by chunk, and how they compare with the labels:
 * errors and confusion counts over all outputs, and per output its counts, precision, recall, F1
 * and ROC AUC. The predictions are the probabilities `s` thresholded at 0.5 (the article's rule,
 * as `predict` applies it); the AUC keeps one score per sample and output (float32 on the float32
 * backends, whose s are float32, float64 on plain and sql).
 */
export function evaluate(
  network: Pick<Network, 'predictProba' | 'outputs' | 'backend'>,
  data: SampleSource,
  chunkSamples?: number,
): FullEvaluation {
  const tally = evaluator(network, data.samples);
  data.forEachChunk(chunkSamples, tally.add);
  return tally.finish();
}

/**
 * {@link evaluate}, for any source, and for samples that stay in a database: there, the database
 * computes s from the network's W and b (`scoresAsync`) and only s and y come back.
 */
export async function evaluateAsync(
  network: Pick<Network, 'predictProba' | 'outputs' | 'backend' | 'weights' | 'bias'>,
  data: SampleSource,
  chunkSamples?: number,
): Promise<FullEvaluation> {
  if (!data.scoresAsync) return evaluate(network, data, chunkSamples);
  const tally = evaluator(network, data.samples);
  await data.scoresAsync(network.weights(), network.bias(), chunkSamples, tally.addScores);
  return tally.finish();
}

/** What {@link evaluate} counts, chunk after chunk (`add`, or `addScores` with s already computed), and what it finds at the end (`finish`). */
function evaluator(
  network: Pick<Network, 'predictProba' | 'outputs' | 'backend'>,
  m: number,
): { add: (chunk: Chunk) => void; addScores: (scores: Scores) => void; finish: () => FullEvaluation } {
  const k = network.outputs;
  const predictions = { rows: k, cols: m, data: new Uint8Array(k * m) };
  const confusion = emptyConfusion();
  const perOutput = Array.from({ length: k }, () => emptyConfusion());
  // per output: the scores of positive samples from the front, of negative ones from the back
  const scores = Array.from({ length: k }, () => (network.backend === 'plain' || network.backend === 'sql' ? new Float64Array(m) : new Float32Array(m)));
  const positives = new Array<number>(k).fill(0);
  const negatives = new Array<number>(k).fill(0);
  const addScores = ({ s, y, offset }: Scores) => {
    const n = s.cols;
    const pred = { rows: k, cols: n, data: new Uint8Array(k * n) };
    for (let i = 0; i < k * n; i++) pred.data[i] = s.data[i] >= 0.5 ? 1 : 0;
    for (let o = 0; o < k; o++) {
      const c = perOutput[o];
      for (let j = o * n; j < (o + 1) * n; j++) {
        const t = y.data[j] === 1;
        tally(c, pred.data[j] === 1, t);
        if (t) scores[o][positives[o]++] = s.data[j];
        else scores[o][m - ++negatives[o]] = s.data[j];
      }
      predictions.data.set(pred.data.subarray(o * n, (o + 1) * n), o * m + offset);
    }
  };
  const add = ({ x, y, offset }: Chunk) => addScores({ s: network.predictProba(x), y, offset });
  const finish = (): FullEvaluation => {
    perOutput.forEach((c) => (Object.keys(c) as (keyof Confusion)[]).forEach((key) => (confusion[key] += c[key])));
    const outputs = perOutput.map((c, o) => outputMetrics(c, rocAuc(scores[o].subarray(0, positives[o]), scores[o].subarray(m - negatives[o]))));
    return { ...evaluation(confusion), predictions, outputs };
  };
  return { add, addScores, finish };
}
