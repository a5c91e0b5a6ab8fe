import type { Matrix } from '../matrix';

/** Training data in the article's orientation: x is features×samples, y is outputs×samples. */
export interface Dataset {
  readonly x: Matrix;
  readonly y: Matrix;
  /** One name per row of x. */
  readonly featureNames: readonly string[];
  /** One name per row of y. */
  readonly labelNames: readonly string[];
  /** Where it came from, for messages: a file path or a built-in name. */
  readonly source: string;
}

/** The article's AND gate: x = [[0,1,0,1],[0,0,1,1]], y = [[0,0,0,1]]. */
export function andGate(): Dataset {
  return {
    x: { rows: 2, cols: 4, data: Float64Array.of(0, 1, 0, 1, 0, 0, 1, 1) },
    y: { rows: 1, cols: 4, data: Float64Array.of(0, 0, 0, 1) },
    featureNames: ['x1', 'x2'],
    labelNames: ['y'],
    source: "the article's AND gate",
  };
}

/** The article's starting point for the AND gate: W = [0.4, 0.2], b = 1. */
export const ARTICLE_INIT = { weights: [0.4, 0.2], bias: 1 } as const;
