import { checkedSampleSource, isSampleSource, type SampleSource } from './data/source';
import { checkStandardizesW, featureStats, standardization, standardizedSource, standardizeMatrix, standardizeOption, type Standardization } from './data/standardize';
import { InputError } from './errors';
import { toRows, type Matrix, type MatrixLike } from './matrix';
import { addConfusion, emptyConfusion, evaluate, evaluateAsync, evaluation, type FullEvaluation } from './metrics';
import { checkModel, modelOf, type ModelMeta, type SavedModel } from './model/format';
import { parseModelText } from './model/json-depth';
import { checkDataFitsFloat32, checkSettingsFitFloat32 } from './network/float32';
import { asMatrix, type InitialWeights } from './network/init';
import { isTensorBackend, type Backend, type Gradient, type Kernels, type TrainResult, type TrainSettings } from './network/network';
import { NetworkSlot } from './network/slot';
import { stablePredictor, type Predictor } from './network/stable';
import { checkOption, checkOptionsObject, names, optionOrDefault, rulesOf, text, TRAIN_RULES, type Check } from './options';
import { train, trainAsync } from './training';
import { checkedSource, checkLabels, toMatrix } from './validate';

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
  /**
   * z-scores applied to every x the classifier sees (fit, predict, evaluate) before W and b:
   * `true` computes them per feature from the samples of the first `fit` (one streaming pass);
   * or give them (`{mean, std}`, one each per feature, as a model file records them). Default: none.
   */
  standardize?: boolean | Standardization;
}

/** Per-call settings of `fit`: see {@link TrainSettings}. */
export type FitOptions = Partial<Omit<TrainSettings, 'a' | 'gradient'>>;

/** The keys `create` takes and their rules (weights and standardize are checked where they are read). */
const CREATE_RULES = { ...rulesOf('backend', 'learningRate', 'iterations', 'bias', 'gradient', 'kernels'), weights: undefined, standardize: undefined };
/** What a model's description may hold (toModel); the rest of each value is checked as a model file's. */
const META_RULES: Readonly<Record<keyof ModelMeta, Check | undefined>> = {
  featureNames: names,
  labelNames: names,
  positive: text,
  labelValues: undefined,
  ignoredColumns: names,
  metrics: undefined,
  training: undefined,
};
// a and gradient are the classifier's own (learningRate and gradient at create)
const { a: _a, gradient: _gradient, ...FIT_RULES }: Record<keyof TrainSettings, Check | undefined> = TRAIN_RULES;

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
  private readonly slot: NetworkSlot;
  private scaling: Standardization | 'on fit' | undefined;

  private constructor(
    /** The backend that runs (never `auto`). */
    readonly backend: Backend,
    /** Why this backend: `asked for`, or what `auto` tried first. */
    readonly backendReason: string,
    options: ClassifierOptions,
    /** Whether the options are a saved model's (its values are then named as the model's, not as options). */
    fromModel = false,
  ) {
    this.learningRate = optionOrDefault('learningRate', options.learningRate);
    this.iterations = optionOrDefault('iterations', options.iterations);
    this.gradient = optionOrDefault('gradient', options.gradient);
    const b = optionOrDefault('bias', options.bias);
    const W = options.weights === undefined ? undefined : asMatrix(options.weights); // checked here, used when W is made
    if (isTensorBackend(backend)) checkSettingsFitFloat32(backend, this.learningRate, W, b, fromModel);
    this.scaling = standardizeOption(options.standardize);
    if (W && typeof this.scaling === 'object') checkStandardizesW(this.scaling, W.rows);
    this.slot = new NetworkSlot(backend, optionOrDefault('kernels', options.kernels), options.weights, b);
  }

  /** Checks the options, loads the backend (`auto` by default) and returns an untrained classifier. */
  static async create(options: ClassifierOptions = {}): Promise<Classifier> {
    return Classifier.made(options, false);
  }

  private static async made(options: ClassifierOptions, fromModel: boolean): Promise<Classifier> {
    checkOptionsObject('Classifier.create', options, CREATE_RULES);
    const request = optionOrDefault('backend', options.backend);
    const choice = request === 'plain' || request === 'sql' ? { backend: request, reason: 'asked for' } : await (await import('./backend')).useBackend(request);
    return new Classifier(choice.backend, choice.reason, options, fromModel);
  }

  /**
   * A classifier holding a saved model's W and b (see `modelOf`), ready to predict or train on,
   * on the backend asked for, else the one the model was trained on (float32 and float64 can
   * differ at an exact tie) when it loads here (plain for a model trained with `sql`), else `auto`.
   */
  static async fromModel(model: SavedModel, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    checkOptionsObject('Classifier.fromModel', options, rulesOf('backend'));
    if (model === null || typeof model !== 'object') throw new InputError(`Classifier.fromModel: the model must be an object (a model file's content), got ${model === null ? 'null' : typeof model}`);
    checkModel('Classifier.fromModel: the model', model);
    const settings: ClassifierOptions = {
      learningRate: model.training.learningRate,
      iterations: model.training.iterations,
      gradient: model.training.gradient === 'logistic' ? 'logistic' : 'article',
      weights: model.weights,
      bias: model.bias,
      standardize: model.standardize,
    };
    if (options.backend !== undefined) return Classifier.made({ ...settings, backend: options.backend }, true);
    // a model trained in a database (sql) predicts here with plain's formula, the float64 maths its W and b were updated with
    const trainedOn = model.training.backend === 'sql' ? 'plain' : model.training.backend;
    try {
      return await Classifier.made({ ...settings, backend: checkOption('backend', trainedOn as Backend) }, true);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return Classifier.made({ ...settings, backend: 'auto' }, true);
    }
  }

  /** A classifier from `toJSON()`'s output, or its text (`JSON.stringify(net)`), or a model file's content, checked as model files are. */
  static async fromJSON(json: unknown, options: Pick<ClassifierOptions, 'backend'> = {}): Promise<Classifier> {
    if (typeof json === 'string') json = parseModelText('the model JSON', json);
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
    return toRows(this.predictor(x.rows).predictProba(this.scaled(x)));
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

  /** Predictions and their comparison with the labels, chunk by chunk: errors, confusion counts, and per output precision, recall, F1 and ROC AUC. */
  evaluate(data: SampleSource, chunkSamples?: number): FullEvaluation {
    const source = checkSource('evaluate', data, chunkSamples);
    return evaluate(this.predictor(source.features, source.outputs), this.scaledSource(source), chunkSamples);
  }

  /** {@link evaluate}, for any source and for samples read asynchronously (in a database, as `backend: 'sql'` trains on them). */
  async evaluateAsync(data: SampleSource, chunkSamples?: number): Promise<FullEvaluation> {
    const source = checkSource('evaluateAsync', data, chunkSamples);
    return evaluateAsync(this.predictor(source.features, source.outputs), this.scaledSource(source), chunkSamples);
  }

  /** The z-scores applied to the inputs (`standardize`), once known. */
  get standardization(): Standardization | undefined {
    return this.scaling === 'on fit' ? undefined : this.scaling;
  }

  /** W, features×outputs. */
  get weights(): number[][] {
    return toRows(this.slot.current().weights());
  }

  get bias(): number {
    return this.slot.current().bias();
  }

  /** What computes: `plain`, or the tfjs backend and how, as it ran in the last `fit` (e.g. `wasm (SIMD kernel, 2 threads)`). */
  get compute(): string {
    return this.slot.compute ?? this.backend;
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
    checkOptionsObject('toModel', meta, META_RULES);
    const model = modelOf(this, meta);
    checkModel('toModel', model); // the names against W, the label values, the training facts: what reading it back checks
    return model;
  }

  /** Frees the network's tensors (and threads); the classifier cannot be used afterwards. */
  dispose(): void {
    this.slot.dispose();
  }

  private prepareFit(first: MatrixLike | SampleSource, second?: MatrixLike | FitOptions, third?: FitOptions) {
    const given = isSampleSource(first) ? checkSource('fit', first, undefined) : checkedSource(first, second as MatrixLike); // every pass, checked
    const asked = (isSampleSource(first) ? second : third) as FitOptions | undefined;
    checkOptionsObject('fit', asked, FIT_RULES);
    const options = asked ?? {};
    const chunkSamples = options.chunkSamples === undefined ? undefined : checkOption('chunkSamples', options.chunkSamples);
    if (this.scaling === 'on fit') {
      this.slot.usable();
      this.scaling = standardization(featureStats(given, chunkSamples));
    }
    const data = this.scaledSource(given);
    const iterations = optionOrDefault('iterations', options.iterations ?? this.iterations);
    const settings: TrainSettings = { ...options, a: this.learningRate, gradient: this.gradient, iterations, chunkSamples };
    const network = this.slot.forTraining(data);
    if (isTensorBackend(this.backend)) checkDataFitsFloat32(data, this.backend);
    return { network, data, settings };
  }

  private predictMatrix(xLike: MatrixLike): Matrix {
    const x = toMatrix('x', xLike);
    return this.predictor(x.rows).predict(this.scaled(x));
  }

  /** The network's predictions, never NaN where z overflowed ({@link stablePredictor}). */
  private predictor(features: number, outputs?: number): Predictor {
    return stablePredictor(this.slot.forPrediction(features, outputs));
  }

  /** x standardized as the classifier's inputs are, after checking it has the features W was made for. */
  private scaled(x: Matrix): Matrix {
    if (this.scaling === undefined || this.scaling === 'on fit') return x;
    this.slot.forPrediction(x.rows);
    return standardizeMatrix(x, this.scaling);
  }

  private scaledSource(data: SampleSource): SampleSource {
    return this.scaling === undefined || this.scaling === 'on fit' ? data : standardizedSource(data, this.scaling);
  }
}

/** The samples `evaluate` takes: a {@link SampleSource} (memorySource, a dataset's source), and a chunk size if any. */
function checkSource(where: string, data: unknown, chunkSamples: unknown): SampleSource {
  const source = checkedSampleSource(where, data, "the data must be a SampleSource (e.g. memorySource(x, y), or a dataset's source)");
  if (chunkSamples !== undefined) checkOption('chunkSamples', chunkSamples as number);
  return source;
}
