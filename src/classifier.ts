import { isSampleSource, memorySource, type SampleSource } from './data/source';
import { InputError } from './errors';
import { toRows, type Matrix, type MatrixLike, type Predictions } from './matrix';
import { addConfusion, emptyConfusion, evaluate, evaluation, type Evaluation } from './metrics';
import { checkModel, modelOf, type ModelMeta, type SavedModel } from './model/format';
import { createNetwork } from './network/create';
import { checkDataFitsFloat32, checkSettingsFitFloat32 } from './network/float32';
import { startingW, asMatrix, type InitialWeights } from './network/init';
import type { Backend, Gradient, Kernels, Network, TrainResult, TrainSettings } from './network/network';
import { checkOption, optionOrDefault } from './options';
import { train, trainAsync } from './training';
import { checkLabels, toMatrix } from './validate';

export type BackendRequest = Backend | 'auto';

export interface ClassifierOptions {
  /** `auto` (default): tensorflow when @tensorflow/tfjs-node loads, else wasm, else cpu. */
  backend?: BackendRequest;
  /** The article's `a`; default 0.1. */
  learningRate?: number;
  /** Iterations per `fit`; default 1000. */
  iterations?: number;
  /** Initial W: one value per feature (filling its row), features×outputs values row by row, or a matrix. Default: zeros. */
  weights?: InitialWeights;
  /** Initial b; default 0. */
  bias?: number;
  /** `article` (default): the thresholded update `y_pred − y`; `logistic`: `s − y`. */
  gradient?: Gradient;
  /** tfjs backends: the backend's `fused` kernel (default) or tfjs's own `ops` (the design card's shape). */
  kernels?: Kernels;
}

/** Per-call settings of `fit`: see {@link TrainSettings}. */
export type FitOptions = Partial<Omit<TrainSettings, 'a' | 'gradient'>>;

/**
 * The article's single-layer binary classifier, on any backend: a thin facade over the network
 * (`src/network/`), the one training loop (`src/training.ts`) and the metrics.
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
  readonly learningRate: number;
  readonly iterations: number;
  readonly gradient: Gradient;
  /** How the last `fit` ended. */
  lastFit: TrainResult | undefined;
  private network: Network | undefined;
  private disposed = false;
  private readonly kernels: Kernels;
  private readonly initialWeights: InitialWeights | undefined;
  private readonly initialBias: number;

  private constructor(
    /** The backend that runs (never `auto`). */
    readonly backend: Backend,
    /** Why this backend: `asked for`, or what `auto` tried first. */
    readonly backendReason: string,
    options: ClassifierOptions,
  ) {
    this.learningRate = optionOrDefault('learningRate', options.learningRate);
    this.iterations = optionOrDefault('iterations', options.iterations);
    this.gradient = optionOrDefault('gradient', options.gradient);
    this.kernels = optionOrDefault('kernels', options.kernels);
    this.initialBias = optionOrDefault('bias', options.bias);
    this.initialWeights = options.weights;
    const W = options.weights === undefined ? undefined : asMatrix(options.weights); // checked here, used when W is made
    if (backend !== 'plain') checkSettingsFitFloat32(backend, this.learningRate, W, this.initialBias);
  }

  /** Checks the options, loads the backend (`auto` by default) and returns an untrained classifier. */
  static async create(options: ClassifierOptions = {}): Promise<Classifier> {
    const request = optionOrDefault('backend', options.backend);
    const choice = request === 'plain' ? { backend: 'plain' as const, reason: 'asked for' } : await (await import('./backend')).useBackend(request);
    return new Classifier(choice.backend, choice.reason, options);
  }

  /**
   * A classifier holding a saved model's W and b (see `modelOf`), ready to predict or train on,
   * on the backend asked for, else the one the model was trained on (float32 and float64 can
   * differ at an exact tie) when it loads here, else `auto`.
   */
  static async fromModel(model: SavedModel, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    const settings: ClassifierOptions = {
      learningRate: model.training.learningRate,
      iterations: model.training.iterations,
      gradient: model.training.gradient === 'logistic' ? 'logistic' : 'article',
      weights: model.weights,
      bias: model.bias,
    };
    if (options.backend !== undefined) return Classifier.create({ ...settings, backend: options.backend });
    try {
      return await Classifier.create({ ...settings, backend: checkOption('backend', model.training.backend as Backend) });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return Classifier.create({ ...settings, backend: 'auto' });
    }
  }

  /** A classifier from `toJSON()`'s output (or a model file's content), checked as model files are. */
  static async fromJSON(json: unknown, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    checkModel('the model JSON', json);
    return Classifier.fromModel(json, options);
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

  /** Like `fit`, but gives the event loop a turn every ~50 ms (signals, timers, output); same results. */
  fitAsync(x: MatrixLike, y: MatrixLike, options?: FitOptions): Promise<this>;
  fitAsync(data: SampleSource, options?: FitOptions): Promise<this>;
  async fitAsync(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions): Promise<this> {
    const { network, data, settings } = this.prepareFit(first, second, third);
    this.lastFit = await trainAsync(network, data, settings);
    return this;
  }

  /** `y_pred = (sigmoid(Wᵀ·x + b) >= 0.5)`: outputs×samples of 0 and 1. */
  predict(xLike: MatrixLike): number[][] {
    return toRows(this.predictMatrix(xLike));
  }

  /** `s = sigmoid(Wᵀ·x + b)`: outputs×samples. */
  predictProba(xLike: MatrixLike): number[][] {
    const x = toMatrix('x', xLike);
    return toRows(this.forPrediction(x.rows).predictProba(x));
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

  /** Predictions and their comparison with the labels, chunk by chunk. */
  evaluate(data: SampleSource, chunkSamples?: number): Evaluation & { predictions: Predictions } {
    return evaluate(this.forPrediction(data.features), data, chunkSamples);
  }

  /** W, features×outputs. */
  get weights(): number[][] {
    return toRows(this.fitted().weights());
  }

  get bias(): number {
    return this.fitted().bias();
  }

  /** What computes: `plain`, or the tfjs backend and how, as it ran in the last `fit` (e.g. `wasm (SIMD kernel, 2 threads)`). */
  get compute(): string {
    return this.network?.compute ?? this.backend;
  }

  /**
   * The model in the model file format (tagged `simple-nn-model`), with names x1…, y…:
   * `JSON.stringify(net)` can be read back by {@link Classifier.fromJSON}.
   */
  toJSON(): SavedModel {
    return modelOf(this);
  }

  /** The model file's content, with the data's names, metrics and training facts. */
  toModel(meta?: ModelMeta): SavedModel {
    return modelOf(this, meta);
  }

  /** Frees the network's tensors (and threads); the classifier cannot be used afterwards. */
  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
    this.disposed = true;
  }

  private prepareFit(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions) {
    const data = isSampleSource(first) ? first : checkedSource(first, second as MatrixLike);
    const options = ((isSampleSource(first) ? second : third) ?? {}) as FitOptions;
    const settings: TrainSettings = {
      ...options,
      a: this.learningRate,
      gradient: this.gradient,
      iterations: optionOrDefault('iterations', options.iterations ?? this.iterations),
      chunkSamples: options.chunkSamples === undefined ? undefined : checkOption('chunkSamples', options.chunkSamples),
    };
    const network = this.forTraining(data);
    if (this.backend !== 'plain') checkDataFitsFloat32(data, this.backend);
    return { network, data, settings };
  }

  private predictMatrix(xLike: MatrixLike): Matrix {
    const x = toMatrix('x', xLike);
    return this.forPrediction(x.rows).predict(x);
  }

  /** W and b as they are now: trained, or the initial weights before any training. */
  private fitted(): Network {
    this.usable();
    const init = this.initialWeights;
    return this.forPrediction(this.network?.features ?? (init === undefined ? 0 : asMatrix(init).rows));
  }

  /** The network to train on `data`, made on first use with W sized from the data. */
  private forTraining(data: SampleSource): Network {
    this.usable();
    if (data.samples < 1 || data.features < 1 || data.outputs < 1) {
      throw new InputError(`the data has ${data.features} features, ${data.outputs} outputs and ${data.samples} samples; each must be ≥ 1`);
    }
    this.network ??= this.make(startingW(this.initialWeights, data.features, data.outputs));
    return this.matching(data.features, data.outputs);
  }

  /** The network to predict on x with `features` rows: trained, or made from the initial weights as given. */
  private forPrediction(features: number): Network {
    this.usable();
    if (!this.network) {
      if (this.initialWeights === undefined) {
        throw new InputError('the classifier has no weights yet: call fit() first, or create it with initial weights');
      }
      const init = asMatrix(this.initialWeights);
      this.network = this.make(startingW(init, init.rows, init.cols));
    }
    return this.matching(features);
  }

  private make(W: Matrix): Network {
    return createNetwork(this.backend, { W, b: this.initialBias }, this.kernels);
  }

  private usable(): void {
    if (this.disposed) throw new InputError('the classifier was disposed: create a new one');
  }

  private matching(features: number, outputs?: number): Network {
    const net = this.network!;
    if (features !== net.features) throw new InputError(`x has ${features} features (rows), but W was made for ${net.features}`);
    if (outputs !== undefined && outputs !== net.outputs) {
      throw new InputError(`y has ${outputs} outputs (rows), but W was made for ${net.outputs}`);
    }
    return net;
  }
}

/** x and y from nested arrays or matrices, checked: same samples, labels 0 or 1. */
function checkedSource(xLike: MatrixLike, yLike: MatrixLike): SampleSource {
  const x = toMatrix('x', xLike);
  const y = toMatrix('y', yLike);
  if (y.cols !== x.cols) throw new InputError(`x has ${x.cols} samples (columns) but y has ${y.cols}; both are …×samples`);
  checkLabels('y', y);
  return memorySource(x, y);
}
