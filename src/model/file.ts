import { readFileSync } from 'node:fs';
import { Classifier, type ClassifierOptions } from '../classifier';
import { fileReadError, InputError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { checkModel, modelOf, type ModelMeta, type SavedModel } from './format';

export * from './format';

/**
 * Writes a model file atomically (an existing file is replaced whole or not at all).
 * The model is checked first, with the same rules as {@link loadModel}, so what is saved can be loaded.
 *
 * @example
 * saveModel('and.model.json', { format: 'simple-nn-model', version: 1, weights: [[0.05], [0.05]], bias: -0.075, … });
 */
export function saveModel(path: string, model: SavedModel): void {
  checkModel(path, model);
  writeFileAtomic(path, JSON.stringify({ ...model, savedAt: model.savedAt ?? new Date().toISOString() }, null, 2) + '\n');
}

/**
 * Reads and checks a model file written by {@link saveModel}. Anything wrong (missing file, not JSON,
 * another format, a newer version, shapes that disagree, a value that is not a finite number) is an
 * {@link InputError} naming the file, what was expected and what was found.
 */
export function loadModel(path: string): SavedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileReadError(path, err, 'a model file');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not a valid model file: the JSON is truncated or malformed (${(err as Error).message})`);
  }
  checkModel(path, value);
  return value;
}

/** Saves a classifier's model file atomically: an interrupted save never leaves a partial or damaged file. */
export function saveClassifier(path: string, net: Classifier, meta?: ModelMeta): void {
  saveModel(path, modelOf(net, meta));
}

/** Loads a model file (written by {@link saveClassifier} or `train --save`) as a classifier; see `Classifier.fromModel` for the backend. */
export async function loadClassifier(path: string, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
  return Classifier.fromModel(loadModel(path), options);
}
