import type { Matrix } from '../matrix';
import { memorySource, type SampleSource } from './source';

/** Training data: the samples (x features×samples, y outputs×samples) and their names. */
export interface Dataset {
  readonly source: SampleSource;
  /** One name per row of x. */
  readonly featureNames: readonly string[];
  /** One name per row of y. */
  readonly labelNames: readonly string[];
  /** Where it came from, for messages: a file path or a built-in name. */
  readonly name: string;
  /** When labels were read as one value against the rest: the value that means 1. */
  readonly positive?: string;
  /** With `positive`: the label values seen (up to 100) and the class each was read as. */
  readonly labelValues?: Readonly<Record<string, 0 | 1>>;
  /** Columns of the file that are neither features nor labels. */
  readonly ignoredColumns?: readonly string[];
}

/** A dataset over x and y held in memory. */
export function inMemory(
  x: Matrix,
  y: Matrix,
  featureNames: readonly string[],
  labelNames: readonly string[],
  name: string,
  cellName?: SampleSource['cellName'],
): Dataset {
  return { source: memorySource(x, y, cellName), featureNames, labelNames, name };
}

/** Names for unnamed data: features x1, x2, …; labels y (one) or y1, y2, …. */
export function defaultNames(features: number, outputs: number): { featureNames: string[]; labelNames: string[] } {
  const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  return { featureNames: numbered('x', features), labelNames: outputs === 1 ? ['y'] : numbered('y', outputs) };
}

/** The article's AND gate: x = [[0,1,0,1],[0,0,1,1]], y = [[0,0,0,1]]. */
export function andGate(): Dataset {
  return inMemory(
    { rows: 2, cols: 4, data: Float64Array.of(0, 1, 0, 1, 0, 0, 1, 1) },
    { rows: 1, cols: 4, data: Float64Array.of(0, 0, 0, 1) },
    ['x1', 'x2'],
    ['y'],
    "the article's AND gate",
  );
}

/** The article's starting point for the AND gate: W = [0.4, 0.2], b = 1. */
export const ARTICLE_INIT = Object.freeze({ weights: Object.freeze([0.4, 0.2] as const), bias: 1 } as const);
