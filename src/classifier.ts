import { defaultNames } from './data/dataset';
import { isSampleSource, memorySource, type SampleSource } from './data/source';
import { InputError } from './errors';
import { matrix, toRows, type Matrix, type MatrixLike, type Predictions } from './matrix';
import { addConfusion, emptyConfusion, evaluation, type Evaluation } from './metrics';
import {
  BACKENDS,
  GRADIENTS,
  KERNELS,
  type Backend,
  type Gradient,
  type Kernels,
  type Network,
  type NetworkInit,
  type TrainResult,
  type TrainSettings,
} from './network/network';
import { PlainNetwork } from './network/plain';
import { train, trainAsync } from './training';
import { MODEL_FORMAT, MODEL_VERSION, checkModel, loadModel, saveModel, type SavedModel } from './model/file';
import { checkCount, checkFinite, checkLabels, checkPositive, toMatrix } from './validate';

export type BackendRequest = Backend | 'auto';

export interface ClassifierOptions {
  /** `auto` (default): tensorflow when @tensorflow/tfjs-node loads, else wasm, else cpu. */
  backend?: BackendRequest;
  /** The article's `a`; default 0.1. */
  learningRate?: number;
  /** Iterations per `fit`; default 1000. */
  iterations?: number;
  /**
   * Initial W: one value per feature (each row of W, as the article's `W[0], W[1] = 0.4, 0.2`),
   * or the whole features×outputs matrix. Default: zeros.
   */
  weights?: readonly number[] | MatrixLike;
  /** Initial b; default 0. */
  bias?: number;
  /** `article` (default): the thresholded update `y_pred − y`; `logistic`: `s − y`. */
  gradient?: Gradient;
  /** tfjs backends: `fused` kernels (default, fast) or tfjs's own `ops` (the design card's shape). */
  kernels?: Kernels;
}

/** What a model file says beyond W and b. */
export interface ModelMeta {
  featureNames: readonly string[];
  labelNames: readonly string[];
  metrics?: SavedModel['metrics'];
  /** Extra training facts to record (data source, chunking, …). */
  training?: Record<string, unknown>;
}

/** Per-call settings of `fit`: see {@link TrainSettings}. */
export type FitOptions = Partial<Omit<TrainSettings, 'a' | 'gradient'>>;

type NetworkFactory = (init: NetworkInit) => Network;

/**
 * The article's single-layer binary classifier, on any backend.
 *
 * x is features×samples and y is outputs×samples, as in the article.
 *
 * @example
 * const net = await Classifier.create({ backend: 'plain', weights: [0.4, 0.2], bias: 1 });
 * net.fit([[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]]);
 * net.predict([[0, 1, 0, 1], [0, 0, 1, 1]]); // [[0, 0, 0, 1]]
 * net.dispose();
 */
export class Classifier {
  private network: Network | undefined;
  private readonly initialWeights: Matrix | undefined;
  private readonly initialBias: number;
  readonly learningRate: number;
  readonly iterations: number;
  readonly gradient: Gradient;
  /** How the last `fit` ended. */
  lastFit: TrainResult | undefined;

  private constructor(
    /** The backend that runs (never `auto`). */
    readonly backend: Backend,
    /** Why this backend: `asked for`, or what `auto` tried first. */
    readonly backendReason: string,
    private readonly makeNetwork: NetworkFactory,
    options: ClassifierOptions,
  ) {
    this.learningRate = checkPositive('learningRate', options.learningRate ?? 0.1);
    this.iterations = checkCount('iterations', options.iterations ?? 1000);
    this.initialBias = checkFinite('bias', options.bias ?? 0);
    this.initialWeights = options.weights === undefined ? undefined : initialWeights(options.weights);
    this.gradient = options.gradient ?? 'article';
    if (!GRADIENTS.includes(this.gradient)) {
      throw new InputError(`gradient must be one of ${GRADIENTS.join(', ')}; got "${this.gradient}"`);
    }
  }

  /** Loads the backend (`auto` by default) and returns an untrained classifier. */
  static async create(options: ClassifierOptions = {}): Promise<Classifier> {
    const request = options.backend ?? 'auto';
    if (request !== 'auto' && !BACKENDS.includes(request)) {
      throw new InputError(`backend must be one of auto, ${BACKENDS.join(', ')}; got "${request}"`);
    }
    if (request === 'plain') {
      return new Classifier('plain', 'asked for', (init) => new PlainNetwork(init), options);
    }
    const { useBackend } = await import('./backend');
    const { TensorNetwork } = await import('./network/tensor');
    const kernels = options.kernels ?? 'fused';
    if (!KERNELS.includes(kernels)) throw new InputError(`kernels must be fused or ops; got "${kernels}"`);
    const choice = await useBackend(request);
    return new Classifier(choice.backend, choice.reason, (init) => new TensorNetwork(choice.backend, init, kernels), options);
  }

  /** A classifier holding a saved model's W and b (see {@link Classifier.toModel}), ready to predict or train on. */
  static async fromModel(model: SavedModel, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    const gradient = GRADIENTS.includes(model.training.gradient as Gradient) ? (model.training.gradient as Gradient) : 'article';
    return Classifier.create({
      backend: options.backend,
      learningRate: model.training.learningRate,
      iterations: model.training.iterations,
      gradient,
      weights: model.weights,
      bias: model.bias,
    });
  }

  /** Loads a model file written by {@link Classifier.save} (or `npm run train -- --save`). */
  static async load(path: string, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    return Classifier.fromModel(loadModel(path), options);
  }

  /** The trained network as a model file's content: W, b, names, settings and metrics. */
  toModel(meta: ModelMeta): SavedModel {
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      weights: this.weights,
      bias: this.bias,
      featureNames: [...meta.featureNames],
      labelNames: [...meta.labelNames],
      training: {
        backend: this.backend,
        compute: this.compute,
        learningRate: this.learningRate,
        iterations: this.iterations,
        gradient: this.gradient,
        ...(this.lastFit && { iterationsRun: this.lastFit.iterationsRun }),
        ...meta.training,
      },
      ...(meta.metrics && { metrics: meta.metrics }),
      savedAt: new Date().toISOString(),
    };
  }

  /** Writes the model file atomically: an interrupted save never leaves a partial or damaged file. */
  save(path: string, meta: ModelMeta): void {
    saveModel(path, this.toModel(meta));
  }

  /**
   * Runs the article's loop on (x, y), or on a {@link SampleSource} (streamed in chunks with
   * `chunkSamples`), for `iterations` iterations (default: the constructor's).
   * A second call goes on from the current W and b. `lastFit` tells how it ended.
   */
  fit(x: MatrixLike, y: MatrixLike, options?: FitOptions): this;
  fit(data: SampleSource, options?: FitOptions): this;
  fit(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions): this {
    const { network, data, settings } = this.prepareFit(first, second, third);
    this.lastFit = train(network, data, settings);
    return this;
  }

  /**
   * Like `fit`, but gives the event loop a turn every ~50 ms of training, so that signals
   * (Ctrl-C → `shouldStop`), timers and output keep working during a long run. The result is
   * the same as `fit`'s: training resumes from the same W and b after each turn.
   */
  fitAsync(x: MatrixLike, y: MatrixLike, options?: FitOptions): Promise<this>;
  fitAsync(data: SampleSource, options?: FitOptions): Promise<this>;
  async fitAsync(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions): Promise<this> {
    const { network, data, settings } = this.prepareFit(first, second, third);
    this.lastFit = await trainAsync(network, data, settings);
    return this;
  }

  private prepareFit(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions) {
    const data = isSampleSource(first) ? first : this.checkedSource(first, second as MatrixLike);
    const options = (isSampleSource(first) ? second : third) as FitOptions | undefined;
    if (data.samples < 1 || data.features < 1 || data.outputs < 1) {
      throw new InputError(`the data has ${data.features} features, ${data.outputs} outputs and ${data.samples} samples; each must be ≥ 1`);
    }
    const network = this.networkFor(data.features, data.outputs);
    if (options?.chunkSamples !== undefined && (!Number.isInteger(options.chunkSamples) || options.chunkSamples < 1)) {
      throw new InputError(`chunkSamples must be a whole number ≥ 1, got ${options.chunkSamples}`);
    }
    const settings: TrainSettings = {
      ...options,
      a: this.learningRate,
      gradient: this.gradient,
      iterations: checkCount('iterations', options?.iterations ?? this.iterations),
    };
    return { network, data, settings };
  }

  /** Predictions and their comparison with the labels, chunk by chunk. */
  evaluate(data: SampleSource, chunkSamples?: number): Evaluation & { predictions: Predictions } {
    const network = this.networkFor(data.features, data.outputs);
    const predictions = { rows: network.outputs, cols: data.samples, data: new Uint8Array(network.outputs * data.samples) };
    const confusion = emptyConfusion();
    data.forEachChunk(chunkSamples, ({ x, y, offset }) => {
      const pred = network.predict(x);
      addConfusion(pred, y, confusion);
      for (let o = 0; o < pred.rows; o++) {
        predictions.data.set(pred.data.subarray(o * pred.cols, (o + 1) * pred.cols), o * data.samples + offset);
      }
    });
    return { ...evaluation(confusion), predictions };
  }

  private checkedSource(xLike: MatrixLike, yLike: MatrixLike): SampleSource {
    const x = toMatrix('x', xLike);
    const y = toMatrix('y', yLike);
    if (y.cols !== x.cols) {
      throw new InputError(`x has ${x.cols} samples (columns) but y has ${y.cols}; both are …×samples`);
    }
    checkLabels('y', y);
    return memorySource(x, y);
  }

  /** `y_pred = (sigmoid(Wᵀ·x + b) >= 0.5)`: outputs×samples of 0 and 1. */
  predict(xLike: MatrixLike): number[][] {
    return toRows(this.predictMatrix(xLike));
  }

  /** `s = sigmoid(Wᵀ·x + b)`: outputs×samples. */
  predictProba(xLike: MatrixLike): number[][] {
    const x = toMatrix('x', xLike);
    return toRows(this.networkFor(x.rows).predictProba(x));
  }

  /** The fraction of right predictions over all outputs and samples. */
  score(xLike: MatrixLike, yLike: MatrixLike): number {
    const y = toMatrix('y', yLike);
    checkLabels('y', y);
    const pred = this.predictMatrix(xLike);
    if (pred.rows !== y.rows || pred.cols !== y.cols) {
      throw new InputError(`y is ${y.rows}×${y.cols} but the predictions are ${pred.rows}×${pred.cols}`);
    }
    return evaluation(addConfusion(pred, y, emptyConfusion())).accuracy;
  }

  /**
   * What computes: `plain`, or the tfjs backend and its kernels as they ran in the last `fit`,
   * e.g. `wasm (SIMD kernel, 2 threads)`, `cpu (JS kernel, 1 thread)`, `wasm (tfjs ops)`.
   */
  get compute(): string {
    return this.network?.compute ?? this.backend;
  }

  /** W, features×outputs. */
  get weights(): number[][] {
    return toRows(this.fitted().weights());
  }

  get bias(): number {
    return this.fitted().bias();
  }

  /**
   * The model in the model file format (tagged `simple-nn-model`), with names x1…, y…:
   * `JSON.stringify(net)` can be saved and read back by `loadModel` or {@link Classifier.fromJSON}.
   */
  toJSON(): SavedModel {
    const W = this.fitted().weights();
    return this.toModel(defaultNames(W.rows, W.cols));
  }

  /** A classifier from `toJSON()`'s output (or a model file's content), checked as `loadModel` checks files. */
  static async fromJSON(json: unknown, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    checkModel('the model JSON', json);
    return Classifier.fromModel(json, options);
  }

  /** Frees the network's tensors; the classifier cannot be used afterwards. */
  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
  }

  private predictMatrix(xLike: MatrixLike): Matrix {
    const x = toMatrix('x', xLike);
    return this.networkFor(x.rows).predict(x);
  }

  private fitted(): Network {
    if (this.network) return this.network;
    if (this.initialWeights) return this.networkFor(this.initialWeights.rows, this.initialWeights.cols);
    throw new InputError('the classifier has no weights yet: call fit() first, or create it with initial weights');
  }

  /** The network for data with `features` rows (and `outputs` label rows), created on first use. */
  private networkFor(features: number, outputs?: number): Network {
    if (!this.network) {
      const k = outputs ?? this.initialWeights?.cols;
      if (k === undefined) {
        throw new InputError('the classifier has no weights yet: call fit() first, or create it with initial weights');
      }
      // Training sizes W from the data; predicting before any training uses the initial weights as given.
      const F = outputs === undefined && this.initialWeights ? this.initialWeights.rows : features;
      this.network = this.makeNetwork({ W: this.startingW(F, k), b: this.initialBias });
    }
    const net = this.network;
    if (features !== net.features) {
      throw new InputError(`x has ${features} features (rows), but W was made for ${net.features}`);
    }
    if (outputs !== undefined && outputs !== net.outputs) {
      throw new InputError(`y has ${outputs} outputs (rows), but W was made for ${net.outputs}`);
    }
    return net;
  }

  /** W = zeros(features, outputs), then the initial weights (a value per feature fills its row). */
  private startingW(features: number, outputs: number): Matrix {
    const W = matrix(features, outputs);
    const init = this.initialWeights;
    if (!init) return W;
    if (init.rows !== features || (init.cols !== 1 && init.cols !== outputs)) {
      throw new InputError(
        `initial weights are ${init.rows}×${init.cols}, but the data needs ${features} values (one per feature) ` +
          `or ${features}×${outputs}`,
      );
    }
    for (let f = 0; f < features; f++) {
      for (let o = 0; o < outputs; o++) W.data[f * outputs + o] = init.data[f * init.cols + (init.cols === 1 ? 0 : o)];
    }
    return W;
  }
}

/** Initial weights as a features×(1 or outputs) matrix: a flat list is one value per feature. */
function initialWeights(weights: readonly number[] | MatrixLike): Matrix {
  if (Array.isArray(weights) && weights.every((w) => typeof w === 'number')) {
    if (weights.length === 0) throw new InputError('weights must not be empty');
    return toMatrix('weights', (weights as number[]).map((w) => [w]));
  }
  return toMatrix('weights', weights as MatrixLike);
}
