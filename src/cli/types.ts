import type { BackendRequest } from '../classifier';
import type { Dataset } from '../data/dataset';
import type { Predictions } from '../matrix';
import type { Finding } from '../diagnostics';
import type { Confusion, Evaluation, OutputMetrics } from '../metrics';
import type { Gradient, IterationStats, Kernels, TraceStep, TrainResult } from '../network/network';

/** The CLI's types, in one place: what the options say, what a run knows, what it prints. */

/** Where a run's results go besides stdout. */
export interface OutputArgs {
  save?: string;
  exportTfjs?: string;
  plot?: string;
  /** --predictions FILE.csv: one row per sample. */
  predictions?: string;
}

/**
 * Data in a database: `--sql QUERY` or `--data` Parquet (a file, a folder, a glob), run by `--db`
 * (default DuckDB in memory); `inDatabase` with `--backend sql` (it stays there), else it is read in.
 */
export type SqlDataArgs = (({ kind: 'sql'; query: string } | { kind: 'parquet'; path: string }) & {
  db?: string;
  inDatabase: boolean;
  labels?: string[];
  features?: string[];
  ignore?: string[];
  positive?: string;
});

/** Where the samples come from. */
export type DataArgs =
  | { kind: 'article' }
  | { kind: 'csv'; path: string; labels?: string[]; features?: string[]; ignore?: string[]; positive?: string }
  | { kind: 'npy'; x: string; y: string }
  | SqlDataArgs
  | { kind: 'iris'; labels?: string[] }
  | { kind: 'synthetic'; features: number; samples: number; seed: number };

export interface TrainArgs {
  backend: BackendRequest;
  iterations: number;
  a: number;
  weights?: number[];
  bias?: number;
  gradient: Gradient;
  kernels: Kernels;
  data: DataArgs;
  chunkSamples?: number;
  untilNoError: boolean;
  /** --standardize: z-scores per feature from the training samples. */
  standardize?: boolean;
  /** --pocket: return the W and b with the fewest training errors seen. */
  pocket?: boolean;
  /** --trace's text (see parseTraceSpec). */
  trace?: string;
  /** --explain-sql: print the SQL of --backend sql and exit. */
  explainSql?: boolean;
  testSplit?: number;
  seed: number;
  json: boolean;
  outputs: OutputArgs;
}

/** Everything a finished run knows, for the printers. */
export interface RunFacts {
  args: TrainArgs;
  dataset: Dataset;
  initialWeights: readonly number[];
  initialBias: number;
  /** Predictions from the initial W and b (human output only). */
  before?: Predictions;
  result: TrainResult;
  train: Evaluation & { predictions: Predictions; outputs: OutputMetrics[] };
  test?: Evaluation & { outputs: OutputMetrics[] };
  testSamples?: number;
  /** Stats gathered during training (every few iterations; see `statsEvery`). */
  history: IterationStats[];
  /** What may have gone wrong: printed as `warning:` lines, and in --json's `warnings`. */
  findings: Finding[];
  /** With --trace: the traced iterations. */
  trace?: TraceStep[];
}

/** What `--json` prints: the core contract, plus fields for the options that were used. */
export interface TrainReport {
  /** What computed: `plain`, or the tfjs backend and its kernels, e.g. `wasm (SIMD kernel, 2 threads)`. */
  backend: string;
  iterations: number;
  /** features×outputs, as numpy's W */
  weights: number[][];
  bias: number;
  /** outputs×samples, from the final W and b (printed as nested rows by writeJson) */
  predictions: Predictions;
  errors: number;
  accuracy: number;
  /** With --until-no-error, or when interrupted: iterations whose update was applied. */
  iterationsRun?: number;
  stoppedBy?: 'no-error' | 'interrupt';
  /**
   * Read chunk by chunk (--chunk-samples, or a .npy larger than memory) on a kernel that screens:
   * the samples read over the run, and those left unread in chunks that could not add anything.
   */
  chunks?: { read: number; skipped: number };
  /** With --test-split: the training set's confusion counts. */
  confusion?: Confusion;
  /** With --test-split: the held-out samples (`metrics` as below). */
  test?: { samples: number; errors: number; accuracy: number; confusion: Confusion; metrics: LabelMetrics[] };
  /** Mean logistic loss of the final W and b on the training samples. */
  loss: number;
  /** Per output (label): confusion counts, precision, recall, F1 and ROC AUC on the training samples. */
  metrics: LabelMetrics[];
  /** With --pocket: the W and b returned, as the number of updates that made them, and their training errors and loss. */
  pocket?: { afterUpdates: number; errors: number; loss: number };
  /** Only when there are some: what may have gone wrong, as printed on stderr. */
  warnings?: { kind: string; message: string }[];
  /** With --trace: each traced iteration's z, s, y_pred, e, dW, db and W, b after the update, as nested rows. */
  trace?: { iteration: number; z: number[][]; s: number[][]; y_pred: number[][]; e: number[][]; dW: number[][]; db: number; W: number[][]; b: number }[];
}


/** One output's metrics, named by its label. */
export type LabelMetrics = { label: string } & OutputMetrics;
