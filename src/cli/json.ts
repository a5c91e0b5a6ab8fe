import type { Predictions } from '../matrix';

const VALUES_PER_PIECE = 1 << 16;

/**
 * Writes `value` as one line of JSON, where each {@link Predictions} field becomes nested rows
 * (`[[0,1,…],…]`) written in pieces, so that the predictions of a large data set are never
 * held as one giant array or string.
 */
export function writeJson(write: (text: string) => void, value: Record<string, unknown>): void {
  const matrices: Predictions[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (isPredictions(v)) {
      matrices.push(v);
      return `\u0000${matrices.length - 1}\u0000`;
    }
    return v;
  });
  const parts = text.split(/"\\u0000(\d+)\\u0000"/);
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) write(parts[i]);
    else writeRows(write, matrices[Number(parts[i])]);
  }
  write('\n');
}

function writeRows(write: (text: string) => void, m: Predictions): void {
  write('[');
  for (let r = 0; r < m.rows; r++) {
    write(r === 0 ? '[' : ',[');
    for (let c = 0; c < m.cols; c += VALUES_PER_PIECE) {
      const piece = m.data.subarray(r * m.cols + c, r * m.cols + Math.min(m.cols, c + VALUES_PER_PIECE));
      write((c === 0 ? '' : ',') + piece.join(','));
    }
    write(']');
  }
  write(']');
}

function isPredictions(v: unknown): v is Predictions {
  return typeof v === 'object' && v !== null && (v as Predictions).data instanceof Uint8Array && 'rows' in v && 'cols' in v;
}
