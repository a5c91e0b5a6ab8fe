import { InputError, option, shownList } from '../errors';
import { matrix, type Matrix, type MatrixLike } from '../matrix';
import { toMatrix } from '../validate';

/**
 * Initial weights as the user gives them: a flat list (one value per feature, as the article's
 * `W[0], W[1] = 0.4, 0.2`; or features×outputs values, row after row) or a features×outputs matrix.
 */
export type InitialWeights = readonly number[] | MatrixLike;

/**
 * W (features×outputs) to start training from: zeros, or the initial weights — a value per feature
 * fills its row, as numpy's `W[0] = 0.4` does.
 */
export function startingW(weights: InitialWeights | undefined, features: number, outputs: number): Matrix {
  const W = matrix(features, outputs);
  if (weights === undefined) return W;
  const init = asMatrix(weights, features, outputs);
  if (init.rows !== features || (init.cols !== 1 && init.cols !== outputs)) {
    throw new InputError(
      'initial ',
      option('weights'),
      ` are ${init.rows}×${init.cols}, but the data needs ${features} values (one per feature) or ${features}×${outputs}`,
    );
  }
  for (let f = 0; f < features; f++) {
    for (let o = 0; o < outputs; o++) W.data[f * outputs + o] = init.data[f * init.cols + (init.cols === 1 ? 0 : o)];
  }
  return W;
}

/**
 * Initial weights given as a flat list must have one value per feature, or features×outputs values;
 * else an {@link InputError} that names the data and its features (a matrix is checked by
 * {@link startingW}). The same message wherever weights meet data: training, and explaining the SQL.
 */
export function checkWeightCount(weights: InitialWeights | undefined, data: { readonly name: string; readonly featureNames: readonly string[]; readonly outputs: number }): void {
  if (weights === undefined || !isFlat(weights)) return;
  const F = data.featureNames.length;
  const k = data.outputs;
  if (weights.length === F || weights.length === F * k) return;
  const expected = k === 1 ? `${F}` : `${F} (one per feature) or ${F * k} (features×outputs)`;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  throw new InputError(
    option('weights'),
    `: got ${count(weights.length, 'value')}, but ${data.name} has ${count(F, 'feature')} (${shownList(data.featureNames)}); expected ${expected}`,
  );
}

/** The initial weights as a matrix: a flat list of features×outputs values is read row by row, any other flat list as one value per feature. */
export function asMatrix(weights: InitialWeights, features?: number, outputs?: number): Matrix {
  if (!isFlat(weights)) return toMatrix('weights', weights);
  if (weights.length === 0) throw new InputError(option('weights'), ' must not be empty');
  const perRow = features !== undefined && outputs !== undefined && outputs > 1 && weights.length === features * outputs ? outputs : 1;
  return toMatrix('weights', Array.from({ length: weights.length / perRow }, (_, f) => weights.slice(f * perRow, (f + 1) * perRow)));
}

function isFlat(weights: InitialWeights): weights is readonly number[] {
  return Array.isArray(weights) && weights.every((w) => typeof w === 'number');
}
