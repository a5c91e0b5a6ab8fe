/**
 * The article's numpy lines beside one iteration's numbers: each line as the article writes it, and
 * the same line with W, b, x, y and the results filled in, so a student can hold one against the other.
 */
import { matrix, type Matrix } from '../src/matrix';
import type { TraceStep } from '../src/network/network';
import { formatMatrix } from '../src/trace-format';

/** Significant digits shown: float32, what the page computes in, has about 7. */
const DIGITS = 7;

export interface NumpyLine {
  /** The article's line(s) of numpy, verbatim. */
  readonly code: string;
  /** The same computation with this iteration's numbers. */
  readonly numbers: string;
}

const num = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(DIGITS))) : String(v));
const mat = (m: Matrix) => formatMatrix(matrix(m.rows, m.cols, Float64Array.from(m.data, (v) => Number(v.toPrecision(DIGITS)))));

/** The transpose of a matrix (Wᵀ for `W.T`). */
function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = m.data[r * m.cols + c];
  return out;
}

/**
 * The article's loop body, line by line, with iteration `step`'s numbers: `W` and `b` are those it
 * started from (before its update), `a` its learning rate.
 */
export function numpyLines(step: TraceStep, x: Matrix, y: Matrix, W: Matrix, b: number, a: number): NumpyLine[] {
  const m = x.cols;
  return [
    { code: 'z = np.dot ( W.T , x ) + b', numbers: `z = np.dot(${mat(transpose(W))}, ${mat(x)}) + ${num(b)} = ${mat(step.z)}` },
    { code: 's = 1 / ( 1 + np.exp(-z) )', numbers: `s = 1 / (1 + np.exp(-${mat(step.z)})) = ${mat(step.s)}` },
    { code: "s = s >= 0.5\ny_pred = np.array( s, dtype = 'int64' )", numbers: `y_pred = ${mat(step.s)} >= 0.5 = ${mat(step.y_pred)}` },
    { code: 'm = x.shape[1]', numbers: `m = ${m}` },
    { code: 'dW = np.dot( x, (y_pred - y).T ) / m', numbers: `dW = np.dot(${mat(x)}, (${mat(step.y_pred)} - ${mat(y)}).T) / ${m} = ${mat(step.dW)}` },
    { code: 'db = np.sum( y_pred - y ) / m', numbers: `db = np.sum(${mat(step.y_pred)} - ${mat(y)}) / ${m} = ${num(step.db)}` },
    { code: 'W = W - a * dW', numbers: `W = ${mat(W)} - ${num(a)} * ${mat(step.dW)} = ${mat(step.W)}` },
    { code: 'b = b - a * db', numbers: `b = ${num(b)} - ${num(a)} * ${num(step.db)} = ${num(step.b)}` },
  ];
}
