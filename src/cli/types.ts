import type { BackendRequest } from '../classifier';
import type { Dataset } from '../data/dataset';
import type { Predictions } from '../matrix';
import type { Confusion, Evaluation } from '../metrics';
import type { Gradient, Kernels, TrainResult } from '../network/network';

/** The CLI's types, in one place: what the options say, what a run knows, what it prints. */

/** Where a run's results go besides stdout. */
export interface OutputArgs {
  save?: string;
  exportTfjs?: string;
  plot?: string;
}

/** Where the samples come from. */
export type DataArgs =
  | { kind: 'article' }
  | { kind: 'csv'; path: string; labels?: string[] }
  | { kind: 'npy'; x: string; y: string }
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
  train: Evaluation & { predictions: Predictions };
  test?: Evaluation;
  testSamples?: number;
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
  /** With --test-split: the training set's confusion counts. */
  confusion?: Confusion;
  /** With --test-split: the held-out samples. */
  test?: { samples: number; errors: number; accuracy: number; confusion: Confusion };
}

