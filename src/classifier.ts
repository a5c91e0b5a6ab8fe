import { InputError } from './errors';
import { matrix, toRows, type Matrix, type MatrixLike } from './matrix';
import { BACKENDS, type Backend, type Network, type NetworkInit } from './network/network';
import { PlainNetwork } from './network/plain';
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
}

/** What `toJSON` returns. */
export interface ClassifierJSON {
  backend: Backend;
  learningRate: number;
  iterations: number;
  /** features×outputs */
  weights: number[][];
  bias: number;
}

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
    const choice = await useBackend(request);
    return new Classifier(choice.backend, choice.reason, (init) => new TensorNetwork(choice.backend, init), options);
  }

  /**
   * Runs the article's loop for `iterations` iterations (default: the constructor's) on (x, y).
   * A second call goes on from the current W and b.
   */
  fit(xLike: MatrixLike, yLike: MatrixLike, { iterations }: { iterations?: number } = {}): this {
    const x = toMatrix('x', xLike);
    const y = toMatrix('y', yLike);
    if (y.cols !== x.cols) {
      throw new InputError(`x has ${x.cols} samples (columns) but y has ${y.cols}; both are …×samples`);
    }
    checkLabels('y', y);
    const network = this.networkFor(x.rows, y.rows);
    network.train(x, y, { a: this.learningRate, iterations: checkCount('iterations', iterations ?? this.iterations) });
    return this;
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
    const pred = this.predictMatrix(xLike);
    if (pred.rows !== y.rows || pred.cols !== y.cols) {
      throw new InputError(`y is ${y.rows}×${y.cols} but the predictions are ${pred.rows}×${pred.cols}`);
    }
    return 1 - countErrors(pred, y) / y.data.length;
  }

  /** W, features×outputs. */
  get weights(): number[][] {
    return toRows(this.fitted().weights());
  }

  get bias(): number {
    return this.fitted().bias();
  }

  /** The weights matrix (float64 copy), features×outputs. */
  weightsMatrix(): Matrix {
    return this.fitted().weights();
  }

  toJSON(): ClassifierJSON {
    return {
      backend: this.backend,
      learningRate: this.learningRate,
      iterations: this.iterations,
      weights: this.weights,
      bias: this.bias,
    };
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

/** How many entries of the 0/1 predictions differ from the labels. */
export function countErrors(pred: Matrix, y: Matrix): number {
  let errors = 0;
  for (let i = 0; i < y.data.length; i++) if (pred.data[i] !== y.data[i]) errors++;
  return errors;
}
