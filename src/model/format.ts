import { defaultNames } from '../data/dataset';
import { InputError, quote } from '../errors';
import { BACKENDS, GRADIENTS } from '../network/network';
import { stdProblem } from '../data/standardize';

/** The `format` tag of a saved model file. */
export const MODEL_FORMAT = 'simple-nn-model';
/**
 * The newest model file version this program reads. It writes version 1 unless the model
 * standardizes its inputs: then 2, since a program that reads only version 1 would apply W and b
 * to raw inputs and predict wrongly without a word; it refuses a version 2 file instead.
 */
export const MODEL_VERSION = 2;

/**
 * A trained network as saved on disk (pretty-printed JSON).
 * Shapes are the article's: W is features×outputs and b one number, so a sample x (one column of
 * the features×samples x) is classified by `sigmoid(Wᵀ·x + b) >= 0.5`.
 */
export interface SavedModel {
  format: typeof MODEL_FORMAT;
  version: 1 | 2;
  /** W, features×outputs. */
  weights: number[][];
  /** b. */
  bias: number;
  /** One name per row of W. */
  featureNames: string[];
  /** One name per column of W. */
  labelNames: string[];
  /** The label value that means 1 (option `positive`): every other value of a label column means 0. */
  positive?: string;
  /** The label values seen in training (up to 100) and the class each was read as. */
  labelValues?: Record<string, 0 | 1>;
  /** Columns of the training file that were neither features nor labels: a file to predict on may have them. */
  ignoredColumns?: string[];
  /** z-scores applied to every x before W and b (version 2): `(x_f − mean[f]) / std[f]`. */
  standardize?: { mean: number[]; std: number[] };
  training: {
    backend: string;
    learningRate: number;
    iterations: number;
    iterationsRun?: number;
    gradient?: string;
    [k: string]: unknown;
  };
  /** How the model did on its training data (absent in `Classifier.toJSON()`, which has no data). */
  metrics?: { errors: number; accuracy: number; [k: string]: unknown };
  /** ISO 8601 time of saving (written by {@link saveModel}; absent in `toJSON()`). */
  savedAt?: string;
}

/** What a model file says beyond W and b. */
export interface ModelMeta {
  featureNames: readonly string[];
  labelNames: readonly string[];
  positive?: string;
  labelValues?: Record<string, 0 | 1>;
  ignoredColumns?: readonly string[];
  metrics?: SavedModel['metrics'];
  /** Extra training facts to record (data source, chunking, …). */
  training?: Record<string, unknown>;
}

/** What a trained classifier says of itself, for its model file. */
export interface Trained {
  readonly weights: number[][];
  readonly bias: number;
  readonly backend: string;
  readonly compute: string;
  readonly learningRate: number;
  readonly iterations: number;
  readonly gradient: string;
  readonly lastFit?: { readonly iterationsRun: number };
  /** The z-scores the classifier applies to its inputs, if any. */
  readonly standardization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** A model file's content for a trained classifier: W, b, names (default x1…, y…), settings and metrics. */
export function modelOf(net: Trained, meta?: Partial<ModelMeta>): SavedModel {
  const W = net.weights;
  const defaults = defaultNames(W.length, W[0].length);
  // names not given are the defaults (x1, x2, …; y): checkModel then checks those given against W
  const names = { featureNames: meta?.featureNames ?? defaults.featureNames, labelNames: meta?.labelNames ?? defaults.labelNames };
  const scaling = net.standardization;
  return {
    format: MODEL_FORMAT,
    version: scaling ? 2 : 1,
    weights: W,
    bias: net.bias,
    featureNames: [...names.featureNames],
    labelNames: [...names.labelNames],
    ...(meta?.positive !== undefined && { positive: meta.positive }),
    ...(meta?.labelValues && { labelValues: { ...meta.labelValues } }),
    ...(meta?.ignoredColumns?.length && { ignoredColumns: [...meta.ignoredColumns] }),
    ...(scaling && { standardize: { mean: [...scaling.mean], std: [...scaling.std] } }),
    training: {
      backend: net.backend,
      compute: net.compute,
      learningRate: net.learningRate,
      iterations: net.iterations,
      gradient: net.gradient,
      ...(net.lastFit && { iterationsRun: net.lastFit.iterationsRun }),
      ...meta?.training,
    },
    ...(meta?.metrics && { metrics: meta.metrics }),
  };
}

/** How deep a model's arrays and objects may nest (a model file's JSON, too: see `loadModel`). */
export const MODEL_DEPTH = 64;

/** Whether `value`'s arrays and objects nest more than `limit` levels, walked without recursion (and no further than the limit). */
function nestsDeeper(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Checks a model's content as {@link loadModel} does; `path` names where it came from, for messages. */
export function checkModel(path: string, value: unknown): asserts value is SavedModel {
  // before anything walks it (a message showing it, a check of its fields): a deep one overflows the stack
  if (nestsDeeper(value, MODEL_DEPTH)) throw new InputError(`${path}: not a valid model: it nests more than ${MODEL_DEPTH} levels deep; a model nests ${MODEL_DEPTH} at most`);
  if (!isObject(value)) throw new InputError(`${path}: not a simple-nn model file (expected a JSON object, got ${show(value)})`);
  if (value.format === undefined) {
    throw new InputError(`${path}: not a simple-nn model file (it has no "format" field, expected "${MODEL_FORMAT}")`);
  }
  if (value.format !== MODEL_FORMAT) {
    throw new InputError(`${path}: not a simple-nn model file (format is ${show(value.format)}, expected "${MODEL_FORMAT}")`);
  }
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new InputError(`${path}: version must be a whole number ≥ 1, got ${show(version)}`);
  }
  if (version > MODEL_VERSION) {
    throw new InputError(`${path}: model format version ${version} is newer than this program reads (${MODEL_VERSION}); update simple-nn`);
  }
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new InputError(`${path}: ${field} must be ${expected}, got ${show(got)}`);
  };
  const [features, outputs] = checkWeights(path, value.weights);
  if (!isFinite(value.bias)) fail('bias', 'a finite number', value.bias);
  checkNames(path, 'featureNames', value.featureNames, features, 'row');
  checkNames(path, 'labelNames', value.labelNames, outputs, 'column');
  if (value.positive !== undefined && typeof value.positive !== 'string') fail('positive', 'a string', value.positive);
  if (value.labelValues !== undefined) {
    const values = value.labelValues;
    if (!isObject(values) || Object.values(values).some((v) => v !== 0 && v !== 1)) {
      fail('labelValues', 'an object mapping each label value to 0 or 1', values);
    }
  }
  if (value.ignoredColumns !== undefined && (!Array.isArray(value.ignoredColumns) || value.ignoredColumns.some((n) => typeof n !== 'string'))) {
    fail('ignoredColumns', 'an array of strings', value.ignoredColumns);
  }
  if (value.standardize !== undefined) checkStandardize(path, value.standardize, features);
  const shared = (value.featureNames as string[]).find((n) => (value.labelNames as string[]).includes(n));
  if (shared !== undefined) throw new InputError(`${path}: not a valid model file: `, quote(shared), ' is both a feature and a label');
  const both = (value.ignoredColumns as string[] | undefined)?.find((n) => (value.featureNames as string[]).includes(n) || (value.labelNames as string[]).includes(n));
  if (both !== undefined) fail('ignoredColumns', 'columns that are neither features nor labels', both);

  const training = value.training;
  if (!isObject(training)) return fail('training', 'an object', training);
  if (!(BACKENDS as readonly unknown[]).includes(training.backend)) fail('training.backend', `one of ${BACKENDS.join(', ')}`, training.backend);
  if (!isFinite(training.learningRate) || training.learningRate <= 0) fail('training.learningRate', 'a finite number > 0', training.learningRate);
  if (!isCount(training.iterations)) fail('training.iterations', 'a whole number ≥ 0', training.iterations);
  if (training.iterationsRun !== undefined && !isCount(training.iterationsRun)) {
    fail('training.iterationsRun', 'a whole number ≥ 0', training.iterationsRun);
  }
  // a gradient this program does not know would be trained on as the article's and saved so
  if (training.gradient !== undefined && !(GRADIENTS as readonly unknown[]).includes(training.gradient)) fail('training.gradient', `one of ${GRADIENTS.join(', ')}`, training.gradient);

  const metrics = value.metrics;
  if (metrics !== undefined) {
    if (!isObject(metrics)) return fail('metrics', 'an object', metrics);
    if (!isCount(metrics.errors)) fail('metrics.errors', 'a whole number ≥ 0', metrics.errors);
    if (!isFinite(metrics.accuracy) || metrics.accuracy < 0 || metrics.accuracy > 1) {
      fail('metrics.accuracy', 'a number from 0 to 1', metrics.accuracy);
    }
  }
  if (value.savedAt !== undefined && typeof value.savedAt !== 'string') fail('savedAt', 'a string (an ISO 8601 time)', value.savedAt);
}

/** Checks {mean, std}: one finite mean and one std ≥ the smallest normal double per feature. */
function checkStandardize(path: string, value: unknown, features: number): void {
  if (!isObject(value)) throw new InputError(`${path}: standardize must be an object {mean, std}, got ${show(value)}`);
  for (const key of ['mean', 'std'] as const) {
    const list = value[key];
    if (!Array.isArray(list) || list.length !== features) {
      throw new InputError(`${path}: standardize.${key} must have ${plural(features, 'number')} (one per feature), got ${show(list)}`);
    }
    list.forEach((v: unknown, f) => {
      const problem = !isFinite(v) ? `must be a finite number${key === 'std' ? ' > 0' : ''}, got ${show(v)}` : key === 'std' ? stdProblem(v) : undefined;
      if (problem) throw new InputError(`${path}: standardize.${key}[${f}] ${problem}`);
    });
  }
}

/** Checks W is a non-empty features×outputs array of finite numbers; returns [features, outputs]. */
function checkWeights(path: string, W: unknown): [number, number] {
  const shape = 'a non-empty features×outputs array of finite numbers (number[][])';
  if (!Array.isArray(W) || W.length === 0 || !Array.isArray(W[0]) || W[0].length === 0) {
    throw new InputError(`${path}: weights must be ${shape}, got ${show(W)}`);
  }
  const outputs = W[0].length;
  W.forEach((row: unknown, f) => {
    if (!Array.isArray(row) || row.length !== outputs) {
      const got = Array.isArray(row) ? plural(row.length, 'value') : show(row);
      throw new InputError(`${path}: weights row ${f} must have ${plural(outputs, 'value')} (outputs) as row 0 has, got ${got}`);
    }
    row.forEach((v: unknown, o) => {
      if (!isFinite(v)) throw new InputError(`${path}: weights[${f}][${o}] must be a finite number, got ${show(v)}`);
    });
  });
  return [W.length, outputs];
}

/** Checks one name per row or column of W. */
function checkNames(path: string, field: string, names: unknown, count: number, unit: string): void {
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new InputError(`${path}: ${field} must be an array of strings, got ${show(names)}`);
  }
  if (names.length !== count) {
    throw new InputError(`${path}: ${field} has ${plural(names.length, 'name')}, but weights has ${plural(count, unit)}`);
  }
  if (names.includes('')) throw new InputError(`${path}: not a valid model file: ${field} has an empty name; every column has one`);
  // a model reads its columns by name: two with one name could not both be found
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(`${path}: not a valid model file: ${field} names `, quote(twice), ' twice');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFinite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** "1 row", "2 rows". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A value as the user would recognise it in the file, shortened to stay on one line. */
function show(v: unknown): string {
  if (v === undefined) return 'no value';
  if (typeof v === 'number') return String(v);
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
