import { expect } from 'chai';
import type { Matrix } from '../src/matrix';
import { seededRandom } from '../src/random';

/** Deterministic pseudo-random numbers in [0, 1): the project's seeded generator. */
export { seededRandom as random };

/** The article's AND gate. */
export const AND_X = [
  [0, 1, 0, 1],
  [0, 0, 1, 1],
];
export const AND_Y = [[0, 0, 0, 1]];
export const AND_INIT = { weights: [0.4, 0.2], bias: 1, learningRate: 0.1 };

/** The article's numpy code on the AND gate (float64), from scripts/article.py. */
export const AND_GOLDEN = {
  1: { W: [[0.375], [0.17500000000000002]], b: 0.925 },
  2: { W: [[0.35], [0.15000000000000002]], b: 0.8500000000000001 },
  1000: { W: [[0.049999999999999954], [0.050000000000000024]], b: -0.07499999999999982 },
} as const;

/**
 * features×samples values that are multiples of 1/16 in [-2, 2) (exact in float32 too), and
 * outputs×samples labels from a hidden linear rule with a few flipped, so training keeps changing W.
 */
export function randomData(seed: number, features: number, samples: number, outputs = 1): { x: number[][]; y: number[][] } {
  const rand = seededRandom(seed);
  const x = Array.from({ length: features }, () => Array.from({ length: samples }, () => Math.floor(rand() * 64 - 32) / 16));
  const y = Array.from({ length: outputs }, () => {
    const w = Array.from({ length: features }, () => rand() - 0.5);
    return Array.from({ length: samples }, (_, j) => {
      const score = w.reduce((acc, wf, f) => acc + wf * x[f][j], 0);
      return (score > 0) !== (rand() < 0.1) ? 1 : 0;
    });
  });
  return { x, y };
}

/** Asserts two nested arrays are equal within `relative` tolerance (of max(1, |expected|)). */
export function expectClose(actual: number[][] | number, expected: readonly (readonly number[])[] | number, relative: number): void {
  const a = typeof actual === 'number' ? [[actual]] : actual;
  const e = typeof expected === 'number' ? [[expected]] : expected;
  expect(a.length, 'rows').to.equal(e.length);
  e.forEach((row, r) => {
    expect(a[r].length, `row ${r} length`).to.equal(row.length);
    row.forEach((v, c) => {
      const tol = relative * Math.max(1, Math.abs(v));
      expect(Math.abs(a[r][c] - v), `[${r}][${c}]: ${a[r][c]} vs ${v}`).to.be.at.most(tol);
    });
  });
}

export function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

/**
 * The article's numpy code (scripts/article.py) on {@link randomData}: W and b after some iterations,
 * and the predictions from the last W and b. Regenerate with scripts/article.py if randomData changes.
 */
export const NUMPY_CASES = [
  {
    "name":"3 features × 40 samples, 1 output","seed":1,"features":3,"samples":40,"outputs":1,"a":0.1,"iterations":200,"W":[[0.5],[-0.25],[0.125]],"b":0.5,"gradient":"article",
    numpy: [
      {"iteration":1,"W":[[0.48765625],[-0.19203125],[0.0815625]],"b":0.485,"y_pred":[[1,0,1,1,1,1,1,1,1,1,1,0,0,1,1,0,1,0,1,1,0,0,0,1,1,1,0,1,1,1,1,0,1,1,1,1,1,1,0,1]]},
      {"iteration":10,"W":[[0.36859374999999994],[0.11640625000000004],[-0.09687500000000002]],"b":0.31249999999999983,"y_pred":[[1,0,1,1,1,0,1,1,1,1,1,1,0,1,0,1,1,1,1,1,1,1,0,0,1,1,1,0,1,1,1,1,1,0,1,1,0,1,0,0]]},
      {"iteration":200,"W":[[0.0010937499999996644],[0.025000000000000123],[-0.013281250000000043]],"b":0.0024999999999997646,"y_pred":[[0,0,0,1,0,0,0,0,1,1,0,1,1,0,0,1,1,1,1,1,1,1,0,0,1,0,1,0,1,1,0,1,1,0,1,0,0,0,1,0]]},
    ],
  },
  {
    "name":"4 features × 30 samples, 2 outputs","seed":2,"features":4,"samples":30,"outputs":2,"a":0.05,"iterations":150,"W":[[0,0],[0,0],[0,0],[0,0]],"b":0,"gradient":"article",
    numpy: [
      {"iteration":1,"W":[[0.025937500000000002,-0.012916666666666668],[-0.0075,-0.006979166666666667],[-0.008958333333333334,-0.0067708333333333336],[0.005729166666666667,-0.0121875]],"b":-0.05166666666666667,"y_pred":[[0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0]]},
      {"iteration":10,"W":[[0.04104166666666668,-0.014166666666666671],[-0.0022916666666666662,0.004479166666666668],[-0.023958333333333335,-0.009479166666666667],[0.014479166666666668,-0.004062499999999999]],"b":-0.0016666666666666666,"y_pred":[[1,1,0,0,1,1,1,0,1,0,1,0,0,1,1,0,1,0,1,0,1,0,0,0,0,1,1,0,1,0],[0,1,0,0,0,0,1,1,0,1,0,1,0,0,1,1,0,0,0,1,0,1,1,1,1,0,1,0,0,1]]},
      {"iteration":150,"W":[[0.04104166666666668,-0.009895833333333345],[-0.0022916666666666662,-0.0004166666666666659],[-0.023958333333333335,-0.008854166666666682],[0.014479166666666668,-0.004062499999999976]],"b":-0.0033333333333333314,"y_pred":[[1,1,0,0,1,1,1,0,1,0,1,0,0,1,1,0,1,0,1,0,1,0,0,0,0,1,1,0,1,0],[0,1,0,0,0,1,1,0,0,1,0,0,0,0,1,1,0,0,0,1,0,1,1,1,1,0,1,0,0,1]]},
    ],
  },
  {
    "name":"3 features × 40 samples, 1 output, logistic gradient","seed":1,"features":3,"samples":40,"outputs":1,"a":0.5,"iterations":300,"W":[[0.5],[-0.25],[0.125]],"b":0.5,"gradient":"logistic",
    numpy: [
      {"iteration":1,"W":[[0.5319469523406936],[-0.016772120659862277],[-0.028732469417602935]],"b":0.4680652125904488,"y_pred":[[1,0,1,1,1,0,1,1,1,1,1,1,0,1,0,0,1,0,1,1,0,0,0,1,1,1,1,0,1,1,1,0,1,1,1,1,0,1,0,1]]},
      {"iteration":10,"W":[[0.737910418501148],[0.8689569521495777],[-0.5694753643678048]],"b":0.24053371696704381,"y_pred":[[0,0,0,1,1,0,1,1,1,1,0,1,0,0,0,1,1,1,1,1,1,1,0,0,1,0,1,0,1,1,1,1,1,0,1,0,0,1,0,0]]},
      {"iteration":300,"W":[[1.816347983093818],[2.010213734205485],[-1.4039748988267118]],"b":-0.0007652437860349997,"y_pred":[[0,0,0,1,1,0,1,0,1,1,0,1,0,0,0,1,1,1,1,1,1,1,0,0,1,0,1,0,1,0,1,1,1,0,1,0,0,1,0,0]]},
    ],
  },
] as const;

/**
 * The article's numpy code on the AND gate (oracle/article.py's loop), printing z, s, y_pred, e,
 * dW, db and the W and b after the update at iterations 1, 2, 13 and 18 (1-based: the article's
 * loop index i is one less). At 13, z of the third sample is 2.2e-16 where exact arithmetic gives 0
 * (s = 0.5000000000000001); at 18 the second sample's s is exactly 0.5: both are class 1.
 */
export const NUMPY_TRACE = {
  1: { z: [[1.0, 1.4, 1.2, 1.6]], s: [[0.7310585786300049, 0.8021838885585817, 0.7685247834990175, 0.8320183851339245]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.375], [0.17500000000000002]], b: 0.925 },
  2: { z: [[0.925, 1.3, 1.1, 1.475]], s: [[0.7160597938157098, 0.7858349830425586, 0.7502601055951177, 0.8138161720984914]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.35], [0.15000000000000002]], b: 0.8500000000000001 },
  13: { z: [[0.1000000000000002, 0.20000000000000015, 2.220446049250313e-16, 0.10000000000000017]], s: [[0.52497918747894, 0.549833997312478, 0.5000000000000001, 0.52497918747894]], y_pred: [[1, 1, 1, 1]], e: [[1, 1, 1, 0]], dW: [[0.25], [0.25]], db: 0.75, W: [[0.07499999999999996], [-0.12499999999999997]], b: 0.02500000000000019 },
  18: { z: [[-0.049999999999999815, 1.3877787807814457e-16, -0.0999999999999998, -0.04999999999999984]], s: [[0.48750260351578967, 0.5, 0.47502081252106, 0.48750260351578967]], y_pred: [[0, 1, 0, 0]], e: [[0, 1, 0, -1]], dW: [[0.0], [-0.25]], db: 0.0, W: [[0.049999999999999954], [-0.02499999999999998]], b: -0.049999999999999815 },
} as const;
