import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, fileReadError } from '../errors';
import { writeFilesAtomic } from '../io/atomic';
import { checkFinite, toMatrix } from '../validate';

// The CLI says which backend runs; tfjs's "install tfjs-node" banner on stderr would only confuse.
tf.enableProdMode();

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Writes the network as a TensorFlow.js LayersModel in the standard artifacts format
 * (`dir/model.json` + `dir/weights.bin`, as `model.save('file://dir')` writes them), loadable with
 * `tf.loadLayersModel` in a browser, with tfjs-node, or with {@link loadTfjsLayersModel}.
 *
 * The model is one `dense` layer with `units` = outputs and a sigmoid: its kernel is W exactly
 * (features×outputs, the article's layout) and its bias is b repeated for every output, since the
 * article's network has a single b — or one b per output when `b` is a list (a standardized model
 * folded into raw-input W and b: see `foldStandardization`). tfjs stores float32, so W and b are
 * rounded to float32.
 *
 * Mind the orientation: our x is features×samples (samples are columns), but a Keras/tfjs model takes
 * samples×features (samples are rows). `model.predict(xᵀ)` gives samples×outputs, the transpose of our
 * `sigmoid(Wᵀ·x + b)`; threshold it at 0.5 for the 0/1 predictions.
 *
 * The folder is created if missing; both files are written atomically. Every tensor made is disposed.
 *
 * @example
 * await exportTfjsLayersModel('and-tfjs', [[0.05], [0.05]], -0.075);
 * // in a browser: const model = await tf.loadLayersModel('and-tfjs/model.json');
 * //               model.predict(tf.tensor2d([[1, 1]]))  // ≈ [[0.506]] → class 1
 */
export async function exportTfjsLayersModel(dir: string, W: number[][], b: number | readonly number[]): Promise<void> {
  const { rows: features, cols: outputs } = toMatrix('weights', W);
  const biases = typeof b === 'number' ? new Array<number>(outputs).fill(b) : [...b];
  if (biases.length !== outputs) throw new InputError(`bias: got ${biases.length} values for ${outputs} outputs; expected one number, or one per output`);
  biases.forEach((v) => checkFinite('bias', v));
  const model = tf.sequential({
    name: 'simple_nn',
    layers: [tf.layers.dense({ name: 'dense', units: outputs, inputShape: [features], activation: 'sigmoid' })],
  });
  try {
    tf.tidy(() => model.setWeights([tf.tensor2d(W, [features, outputs]), tf.tensor1d(biases)]));
    await model.save(tf.io.withSaveHandler(async (artifacts) => saveArtifacts(dir, artifacts)));
  } finally {
    model.dispose();
  }
}

/**
 * Loads a LayersModel saved by {@link exportTfjsLayersModel} (or any tfjs `model.json` whose weight
 * files sit beside it) from the file system, without tfjs-node. It runs on the active tfjs backend;
 * the caller owns the model and must `dispose()` it. Predict on samples×features (x transposed).
 */
export async function loadTfjsLayersModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, MODEL_JSON);
  let modelJSON: tf.io.ModelJSON;
  try {
    modelJSON = JSON.parse(readBytes(jsonPath).toString('utf8'));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${jsonPath}: not a TensorFlow.js model file: the JSON is truncated or malformed (${(err as Error).message})`);
  }
  if (typeof modelJSON !== 'object' || modelJSON === null || typeof modelJSON.modelTopology !== 'object') {
    throw new InputError(`${jsonPath}: not a TensorFlow.js model file (expected an object with "modelTopology")`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = manifest.flatMap((group) => group.paths.map((p) => toArrayBuffer(readBytes(join(dir, p)))));
    return [specs, buffers];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** Writes `model.json` (topology + weights manifest) and `weights.bin`, as tfjs-node's file:// handler does. */
function saveArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology!,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  // weights.bin first, so model.json never refers to weights that are not yet in place.
  writeFilesAtomic(dir, { [WEIGHTS_BIN]: new Uint8Array(weightData), [MODEL_JSON]: JSON.stringify(modelJSON) });
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw fileReadError(path, err, 'a file of a tfjs model');
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
