import { readFileSync, statSync, type Stats } from 'node:fs';
import { Classifier, type ClassifierOptions } from '../classifier';
import { fileReadError, given, InputError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { checkOptionsObject, filePath, names, text } from '../options';
import { jsonDepth } from './json-depth';
import { checkModel, MODEL_DEPTH, modelOf, type ModelMeta, type SavedModel } from './format';
import { kernelInputReason } from '../io/kernel-fs';

export * from './format';

/**
 * Writes a model file atomically (an existing file is replaced whole or not at all).
 * The model is checked first, with the same rules as {@link loadModel}, so what is saved can be loaded.
 *
 * @example
 * saveModel('and.model.json', { format: 'simple-nn-model', version: 1, weights: [[0.05], [0.05]], bias: -0.075, … });
 */
export function saveModel(path: string, model: SavedModel): void {
  checkPathArgument('saveModel', path);
  checkModel(path, model);
  writeFileAtomic(path, JSON.stringify({ ...model, savedAt: model.savedAt ?? new Date().toISOString() }, null, 2) + '\n');
}

/**
 * Reads and checks a model file written by {@link saveModel}. Anything wrong (missing file, not JSON,
 * another format, a newer version, shapes that disagree, a value that is not a finite number) is an
 * {@link InputError} naming the file, what was expected and what was found.
 */
export function loadModel(path: string): SavedModel {
  checkPathArgument('loadModel', path);
  let text: string;
  try {
    // a FIFO or a device would block the read, or never end: only a regular file, and of a model's size
    const info = statSync(path);
    if (!info.isFile()) throw new InputError(`${path}: is ${kindOf(info)}, expected a model file`);
    const kernel = kernelInputReason(path);
    if (kernel) throw new InputError(`${path}: ${kernel}`);
    if (info.size > MAX_MODEL_BYTES) {
      throw new InputError(`${path}: not a valid model file: it is ${info.size} bytes, more than any model file (at most ${MAX_MODEL_BYTES}, 256 MiB)`);
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fileReadError(path, err, 'a model file');
  }
  const depth = jsonDepth(text);
  if (depth > MODEL_DEPTH) throw new InputError(`${path}: not a valid model file: its JSON nests ${depth} levels deep; a model file nests ${MODEL_DEPTH} at most`);
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
export function saveClassifier(path: string, net: Classifier, meta?: Partial<ModelMeta> | null): void {
  checkPathArgument('saveClassifier', path);
  if (!(net instanceof Classifier)) throw new InputError(`saveClassifier: the classifier must be a Classifier (from Classifier.create or loadClassifier), got ${given(net)}`);
  checkOptionsObject('saveClassifier', meta ?? undefined, META_RULES);
  saveModel(path, modelOf(net, meta ?? undefined));
}

/** The keys of a {@link ModelMeta} and their rules (checkModel checks the rest, against W). */
const META_RULES = { featureNames: names, labelNames: names, positive: text, labelValues: undefined, ignoredColumns: names, metrics: undefined, training: undefined };

/** A file name given to the library: text, not empty. */
function checkPathArgument(where: string, path: unknown): asserts path is string {
  const wrong = filePath(path);
  if (wrong) throw new InputError(`${where}: the path${wrong}`);
}

/** Loads a model file (written by {@link saveClassifier} or `train --save`) as a classifier; see `Classifier.fromModel` for the backend. */
export async function loadClassifier(path: string, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
  checkPathArgument('loadClassifier', path);
  return Classifier.fromModel(loadModel(path), options);
}

/** The largest model file read: W of a million features with their names is about 50 MB. */
const MAX_MODEL_BYTES = 256 * 1024 * 1024;


function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}
