/**
 * The article's neural network with no hidden layer, for binary classification,
 * on TensorFlow.js tensors (tensorflow, wasm, cpu backends) or plain TypeScript.
 *
 * Shapes are the article's: x is features×samples, y is outputs×samples, W is features×outputs, b one number.
 *
 * @example
 * import { Classifier } from './src';
 * const net = await Classifier.create({ backend: 'auto', weights: [0.4, 0.2], bias: 1, learningRate: 0.1 });
 * net.fit([[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]]);
 * console.log(net.backend, net.weights, net.bias, net.predict([[0, 1, 0, 1], [0, 0, 1, 1]]));
 * net.dispose();
 */
export { Classifier, type BackendRequest, type ClassifierOptions, type FitOptions } from './classifier';
export { loadClassifier, loadModel, saveClassifier, saveModel, type ModelMeta, type SavedModel } from './model/file';
export { OPTIONS, checkOption, type OptionKey } from './options';
export { train, trainAsync } from './training';
export { createNetwork, useBackend } from './network/create';
export type { BackendChoice } from './backend';
export type { Confusion, Evaluation } from './metrics';
export { type Chunk, type SampleSource } from './data/source';
export { checkedSource as memorySource } from './validate';
export { andGate, ARTICLE_INIT, type Dataset } from './data/dataset';
export { readCsv, type CsvOptions } from './data/csv';
export { loadSqlDataset } from './sql/load';
export { databaseDataset } from './sql/samples';
export { explainSql } from './sql/explain';
export type { SqlSpec } from './sql/data';
export { InputError } from './errors';
export { type Matrix, type MatrixLike } from './matrix';
// checked at the call: the exported helpers are an edge too
export { checkedMatrix as matrix, checkedToRows as toRows } from './validate';
export { BACKENDS, GRADIENTS, KERNELS, type Backend, type Gradient, type Kernels, type IterationStats, type TensorBackend, type TrainResult } from './network/network';
