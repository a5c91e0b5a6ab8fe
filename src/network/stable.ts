import type { Matrix } from '../matrix';
import type { Network } from './network';

/** What predicting needs of a network. */
export type Predictor = Pick<Network, 'backend' | 'outputs' | 'predict' | 'predictProba' | 'weights' | 'bias'>;

/**
 * A network's predictions, never NaN for finite x: where its z = Wᵀ·x + b overflowed (terms of
 * ±Infinity of both signs add up to NaN; in float32 that is past 3.4e38), the sample's z is
 * computed again by {@link stableZ}, which overflows at most to ±Infinity, and s = sigmoid(z) is
 * then 0 or 1 as the exact z's sign says. Every other sample keeps the network's own value.
 * `predict` thresholds these s (the article's `s >= 0.5`, as every network does).
 */
export function stablePredictor(network: Network): Predictor {
  const predictProba = (x: Matrix): Matrix => {
    const s = network.predictProba(x);
    const { rows: k, cols: m } = s;
    let W: Matrix | undefined;
    for (let j = 0; j < m; j++) {
      let finite = true;
      for (let o = 0; o < k; o++) finite &&= !Number.isNaN(s.data[o * m + j]);
      if (finite) continue;
      W ??= network.weights();
      for (let o = 0; o < k; o++) s.data[o * m + j] = sigmoid(stableZ(W, network.bias(), x, j, o));
    }
    return s;
  };
  return {
    backend: network.backend,
    outputs: network.outputs,
    weights: () => network.weights(),
    bias: () => network.bias(),
    predictProba,
    predict: (x) => {
      const s = predictProba(x);
      const yPred = new Float64Array(s.data.length);
      for (let i = 0; i < yPred.length; i++) yPred[i] = s.data[i] >= 0.5 ? 1 : 0;
      return { rows: s.rows, cols: s.cols, data: yPred };
    },
  };
}

/**
 * z = Σᵢ W[i][o]·x[i][j] + b for sample j, in float64, from W and b scaled by one power of two and
 * x_j by another, so that every term is at most 1 in size (scaling by 2ⁿ is exact), summed with
 * compensation, and scaled back: it is ±Infinity only where the exact z is beyond the float64 range, never NaN.
 */
export function stableZ(W: Matrix, b: number, x: Matrix, j: number, o: number): number {
  const F = x.rows;
  let wMax = Math.abs(b);
  let xMax = 1;
  for (let i = 0; i < F; i++) {
    wMax = Math.max(wMax, Math.abs(W.data[i * W.cols + o]));
    xMax = Math.max(xMax, Math.abs(x.data[i * x.cols + j]));
  }
  const wScale = powerAbove(wMax);
  const xScale = powerAbove(xMax);
  // Neumaier's compensated sum: large terms that cancel do not absorb a small one (b beside two huge, opposite terms)
  let z = times(b, -wScale - xScale);
  let lost = 0;
  for (let i = 0; i < F; i++) {
    const term = times(W.data[i * W.cols + o], -wScale) * times(x.data[i * x.cols + j], -xScale);
    const sum = z + term;
    lost += Math.abs(z) >= Math.abs(term) ? z - sum + term : term - sum + z;
    z = sum;
  }
  return times(z + lost, wScale + xScale);
}

/** The n of the least power of two 2ⁿ ≥ v (0 for v = 0). */
function powerAbove(v: number): number {
  return v === 0 ? 0 : Math.ceil(Math.log2(v));
}

/** v·2ⁿ, in two steps so that 2ⁿ itself never overflows or underflows (n from −2200 to 2200). */
function times(v: number, n: number): number {
  const half = Math.trunc(n / 2);
  return v * 2 ** half * 2 ** (n - half);
}

/** sigmoid(z) without overflow: exp of a non-positive number only. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
