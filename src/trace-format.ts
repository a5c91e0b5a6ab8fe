import type { Matrix } from './matrix';
import type { Gradient, TraceStep } from './network/network';

/** Rows or columns shown at each end of a long matrix, as numpy's print does with "…" between. */
const EDGE = 3;

/** Indices 0…n−1, or the first and last {@link EDGE} with `undefined` for the "…" between. */
function shownIndices(n: number): (number | undefined)[] {
  if (n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), undefined, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/** A matrix as nested rows, `[[1, 1.4], [0.2, 0]]`, long ones shortened with "…" as numpy prints them. */
export function formatMatrix(m: Matrix): string {
  const rows = shownIndices(m.rows).map((r) =>
    r === undefined
      ? '…'
      : `[${shownIndices(m.cols)
          .map((c) => (c === undefined ? '…' : String(m.data[r * m.cols + c])))
          .join(', ')}]`,
  );
  return `[${rows.join(', ')}]`;
}

/**
 * One traced iteration in the article's notation and orientation, a quantity per line:
 *
 * ```
 * iteration 1
 *   z = Wᵀ·x + b              [[1, 1.4, 1.2, 1.6]]
 *   s = sigmoid(z)            [[0.7310585786300049, …]]
 *   …
 * ```
 */
export function formatTraceStep(step: TraceStep, gradient: Gradient = 'article'): string {
  const e = gradient === 'logistic' ? 's − y' : 'y_pred − y';
  const lines: [string, string][] = [
    ['z = Wᵀ·x + b', formatMatrix(step.z)],
    ['s = sigmoid(z)', formatMatrix(step.s)],
    ['y_pred = (s >= 0.5)', formatMatrix(step.y_pred)],
    [`e = ${e}`, formatMatrix(step.e)],
    ['dW = x·eᵀ / m', formatMatrix(step.dW)],
    ['db = sum(e) / m', String(step.db)],
    ['W = W − a·dW', formatMatrix(step.W)],
    ['b = b − a·db', String(step.b)],
  ];
  const width = Math.max(...lines.map(([name]) => name.length));
  return [`iteration ${step.iteration}`, ...lines.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join('\n') + '\n';
}
