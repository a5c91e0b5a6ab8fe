import { FLOAT32_MAX } from './float32';
import type { Matrix } from '../matrix';
import type { Network } from './network';

/** What predicting needs of a network. */
export type Predictor = Pick<Network, 'backend' | 'outputs' | 'predict' | 'predictProba' | 'weights' | 'bias'>;

/**
 * A network's predictions, right for finite x where z = Wᵀ·x + b overflowed: terms of ±Infinity
 * of both signs add up to NaN, and finite terms whose running sum passes the range add up to
 * ±Infinity whatever the exact z (in float32 that is past 3.4e38). A sample whose s is NaN, 0 or 1
 * (where an overflowed z lands) and whose |b| + Σ|Wᵢ·xᵢ| could pass the range the network computes
 * in has its z computed again by {@link stableZ}, exactly, and s = sigmoid(z) is then as the exact
 * z says. Every other sample keeps the network's own value. `predict` thresholds these s (the
 * article's `s >= 0.5`, as every network does).
 */
export function stablePredictor(network: Network): Predictor {
  // no partial sum of terms whose magnitudes add up to less than half the range can leave it
  const safe = (network.backend === 'plain' ? Number.MAX_VALUE : FLOAT32_MAX) / 2;
  const predictProba = (x: Matrix): Matrix => {
    const s = network.predictProba(x);
    const { rows: k, cols: m } = s;
    let W: Matrix | undefined;
    let b = 0;
    for (let j = 0; j < m; j++) {
      for (let o = 0; o < k; o++) {
        const v = s.data[o * m + j];
        if (!(Number.isNaN(v) || v === 0 || v === 1)) continue;
        if (!W) [W, b] = [network.weights(), network.bias()];
        if (magnitude(W, b, x, j, o) >= safe) s.data[o * m + j] = sigmoid(stableZ(W, b, x, j, o));
      }
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

/** |b| + Σᵢ |W[i][o]·x[i][j]| in float64: Infinity where a product is past its range. */
function magnitude(W: Matrix, b: number, x: Matrix, j: number, o: number): number {
  let sum = Math.abs(b);
  for (let i = 0; i < x.rows; i++) sum += Math.abs(W.data[i * W.cols + o] * x.data[i * x.cols + j]);
  return Number.isNaN(sum) ? Infinity : sum;
}

/**
 * z = Σᵢ W[i][o]·x[i][j] + b for sample j, exactly, rounded once to float64: each double is an
 * integer times a power of two, so each product is one too, and their sum is an exact integer
 * (BigInt) on the smallest of their powers. It is ±Infinity only where the exact z is beyond the
 * float64 range, never NaN, and huge terms that cancel leave b whole (W = [1e308, 1e308],
 * x_j = (1e308, −1e308), b = 1: z = 1). Slow beside a dot product; it is for the few samples whose z
 * overflowed.
 */
export function stableZ(W: Matrix, b: number, x: Matrix, j: number, o: number): number {
  const terms: Exact[] = [exact(b)];
  for (let i = 0; i < x.rows; i++) {
    const w = exact(W.data[i * W.cols + o]);
    const v = exact(x.data[i * x.cols + j]);
    terms.push({ m: w.m * v.m, e: w.e + v.e });
  }
  const e = Math.min(...terms.map((t) => t.e));
  let sum = 0n;
  for (const t of terms) sum += t.m << BigInt(t.e - e);
  return toDouble(sum, e);
}

/** A finite double as m·2^e, m an integer. */
interface Exact {
  m: bigint;
  e: number;
}

const bits = new DataView(new ArrayBuffer(8));

function exact(v: number): Exact {
  bits.setFloat64(0, v);
  const high = bits.getUint32(0);
  const sign = high >>> 31 ? -1n : 1n;
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(bits.getUint32(4));
  // normal: 1.f·2^(E−1023) = (2⁵² + f)·2^(E−1075); subnormal: f·2^−1074
  return biased === 0 ? { m: sign * fraction, e: -1074 } : { m: sign * ((1n << 52n) | fraction), e: biased - 1075 };
}

/**
 * m·2^e as the nearest double: m cut to 62 bits, with a sticky bit for what was cut (so the one
 * rounding, to 53 bits, is as of the whole m), then scaled by the power of two.
 */
function toDouble(m: bigint, e: number): number {
  const negative = m < 0n;
  let a = negative ? -m : m;
  const cut = Math.max(0, a.toString(2).length - 62);
  if (cut > 0) {
    const lost = a & ((1n << BigInt(cut)) - 1n);
    a = (a >> BigInt(cut)) | (lost === 0n ? 0n : 1n);
  }
  const z = times(Number(a), e + cut);
  return negative ? -z : z;
}

/** v·2ⁿ, in steps of at most 2¹⁰⁰⁰ so that no power of two itself overflows or underflows. */
function times(v: number, n: number): number {
  let z = v;
  for (let left = n; left !== 0 && z !== 0 && Number.isFinite(z); ) {
    const step = Math.max(-1000, Math.min(1000, left));
    z *= 2 ** step;
    left -= step;
  }
  return z;
}

/** sigmoid(z) without overflow: exp of a non-positive number only. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
