import type { Chunk, RemoteSamples } from '../data/source';
import { InputError } from '../errors';
import type { Matrix } from '../matrix';

/** The backends that can run the article's network. */
export type TensorBackend = 'tensorflow' | 'wasm' | 'cpu';
/** `sql`: the article's sums as one aggregate query per iteration, run where the data lives (src/sql/network.ts). */
export type Backend = TensorBackend | 'plain' | 'sql';
export const BACKENDS: readonly Backend[] = Object.freeze(['tensorflow', 'wasm', 'cpu', 'plain', 'sql']); // frozen: exported, and read by the library

/** Whether a backend is one of tfjs's (float32, loaded through `useBackend`). */
export function isTensorBackend(backend: string): backend is TensorBackend {
  return backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu';
}

/**
 * Which error drives the update:
 * - `article`: `y_pred − y` with `y_pred = (s >= 0.5)`, the article's thresholded update;
 * - `logistic`: `s − y`, the true gradient of the cross-entropy loss, which keeps learning on
 *   data that is not linearly separable.
 */
export type Gradient = 'article' | 'logistic';
export const GRADIENTS: readonly Gradient[] = Object.freeze(['article', 'logistic']);

/**
 * How a tfjs backend computes an iteration:
 * - `fused` (default): the backend's own kernel for the article's sums, registered with
 *   `tf.registerKernel` — WebAssembly SIMD on wasm, JavaScript on cpu, each one pass over x per
 *   iteration on every core — where the backend has one (tensorflow has none: it runs `ops`).
 *   On wasm with the article's gradient it is screened: blocks of samples whose predictions cannot
 *   have changed since they were last read are skipped, exactly (the same sums);
 * - `unscreened`: the fused kernel reading every sample every iteration (to measure screening);
 * - `ops`: tfjs's own ops, the design card's shape — `tf.matMul` + `tf.sigmoid` + the 0.5
 *   threshold, the update by hand inside `tf.tidy` — to hold against the article line by line.
 * Both give the same numbers within float32 rounding (tested).
 */
export type Kernels = 'fused' | 'unscreened' | 'ops';
export const KERNELS: readonly Kernels[] = Object.freeze(['fused', 'unscreened', 'ops']);

/** Starting point of training: W is features×outputs, b one number (the article starts at W = [0.4, 0.2], b = 1). */
export interface NetworkInit {
  readonly W: Matrix;
  readonly b: number;
}

/** What one iteration's forward pass found, before its update. */
export interface IterationStats {
  /** 1-based number of the iteration. */
  readonly iteration: number;
  /** Predictions (`s >= 0.5`) that differ from the labels, over all outputs and samples. */
  readonly errors: number;
  /**
   * Mean logistic (cross-entropy) loss of `s` against y; only on the iterations whose loss was asked
   * for ({@link TrainSettings.lossAt}): it needs every sample's z, where the errors do not.
   */
  readonly loss?: number;
}

/**
 * What an iteration's sums also gather: nothing (`false`), the errors, or the errors and the loss.
 * The errors come with the pass that the update makes anyway; the loss needs every z (a screened
 * kernel then reads every sample) and a logarithm for each.
 */
export type Track = false | 'errors' | 'loss';

/** Settings of a training run: `a` is the article's learning rate. */
export interface TrainSettings {
  readonly a: number;
  readonly iterations: number;
  /** Default `article`. */
  readonly gradient?: Gradient;
  /** Stream the samples in chunks of this many per iteration; the update is still the full-batch one. */
  readonly chunkSamples?: number;
  /** Stop before updating at the first iteration whose predictions have no error. */
  readonly untilNoError?: boolean;
  /** Compute {@link IterationStats} every this many iterations (and at the first), for `onIteration`; 0: never. */
  readonly statsEvery?: number;
  /**
   * Which iterations (1-based) compute the loss too, as well as their errors (their stats are then
   * computed whatever `statsEvery` says). Default: every iteration that computes stats.
   */
  readonly lossAt?: (iteration: number) => boolean;
  /** Called after every iteration, with stats when they were computed for it. */
  readonly onIteration?: (iteration: number, stats?: IterationStats) => void;
  /** Checked before each iteration; true ends training there (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /** Which iterations (1-based) to trace: their z, s, y_pred, e, dW, db and the W and b after, read back. Needs the samples whole in memory. */
  readonly trace?: (iteration: number) => boolean;
  /** Called with each traced iteration, after its update. */
  readonly onTrace?: (step: TraceStep) => void;
  /**
   * Gallant's pocket algorithm: compute the stats of every iteration and, at the end, put back the
   * W and b with the fewest training errors seen (ties: the lower loss; then the earliest), the final
   * ones included, instead of the last ones. See {@link TrainResult.pocket}.
   */
  readonly pocket?: boolean;
  /** After the last iteration, one more forward pass (no update) for the errors and loss of the last W and b: {@link TrainResult.final}. */
  readonly finalStats?: boolean;
}

/** The article's quantities at one iteration, in its orientation: what a trace prints. */
export interface TraceStep {
  /** 1-based. */
  readonly iteration: number;
  /** Wᵀ·x + b, s = sigmoid(z), y_pred = (s >= 0.5), e = y_pred − y (or s − y): outputs×samples. */
  readonly z: Matrix;
  readonly s: Matrix;
  readonly y_pred: Matrix;
  readonly e: Matrix;
  /** x·eᵀ / m (features×outputs) and sum(e) / m. */
  readonly dW: Matrix;
  readonly db: number;
  /** After the update. */
  readonly W: Matrix;
  readonly b: number;
}

/** What a traced forward pass computed, as the network read it back: outputs×samples each. */
export interface Forward {
  readonly z: Matrix;
  readonly s: Matrix;
  readonly y_pred: Matrix;
  readonly e: Matrix;
}

/** How a training run ended. */
export interface TrainResult {
  /** Iterations whose update was applied. */
  readonly iterationsRun: number;
  /** Why it ended before `iterations`: no error left, or `shouldStop`. */
  readonly stoppedBy?: 'no-error' | 'interrupt';
  /** With `finalStats` or `pocket`: the training errors and mean loss of the W and b after the last update (with `pocket`, not those returned). */
  readonly final?: ErrorsAndLoss;
  /** With `pocket`: the W and b returned, as the number of updates that had made them (0: the initial ones), and their errors and mean loss. */
  readonly pocket?: ErrorsAndLoss & { readonly afterUpdates: number };
  /**
   * Read chunk by chunk on a kernel that screens: the samples read, and those left unread in
   * chunks that could not add anything (`src/kernels/screen-chunks.ts`), over all passes.
   */
  readonly chunks?: { readonly read: number; readonly skipped: number };
}

/** What one iteration's forward pass found over some samples, before the update: read back from the sums. */
export interface ErrorsAndLoss {
  /** Predictions (`s >= 0.5`) that differ from the labels. */
  readonly errors: number;
  /** Summed (not mean) logistic loss. */
  readonly loss: number;
}

/**
 * The article's network with no hidden layer, on one backend:
 * `z = Wᵀ·x + b`, `s = sigmoid(z)`, `y_pred = (s >= 0.5)`,
 * `dW = x·(y_pred − y)ᵀ / m`, `db = sum(y_pred − y) / m`, `W -= a·dW`, `b -= a·db`.
 *
 * x is features×samples, y is outputs×samples; the network owns W and b.
 *
 * It supplies the maths of one iteration to the one training loop (`train` in `src/training.ts`),
 * which owns everything else: `Samples` is a chunk made ready for the maths (tfjs: tensors), `Sums`
 * one chunk's (or all chunks') x·eᵀ, sum(e), and when tracked the errors and loss.
 */
export interface Network<Samples = unknown, Sums = unknown> {
  readonly backend: Backend;
  readonly features: number;
  readonly outputs: number;
  /** What computed the last training run, e.g. `wasm (SIMD kernel, 2 threads)` or `cpu (tfjs ops)`. */
  readonly compute: string;
  /**
   * Whether chunks it would read can be screened whole (`src/kernels/screen-chunks.ts`): its fused
   * kernel screens, in float32, as that screening's bounds assume.
   */
  readonly screensChunks?: boolean;
  /** Makes a chunk of samples ready for {@link sums}; {@link unload} lets it go. */
  load(chunk: Chunk): Samples;
  /**
   * Samples that stay where they live (`SampleSource.remote`: a database), taken whole for
   * {@link sums}, which then computes there; only a network that computes there has it (`sql`).
   */
  attach?(remote: RemoteSamples): Samples;
  unload(samples: Samples): void;
  /**
   * One chunk's x·eᵀ (features×outputs) and sum(e), with e = y_pred − y (article) or s − y
   * (logistic); the errors, and the loss, as `track` asks; and with `trace`, the forward pass's z, s, y_pred
   * and e for {@link traced} (a tfjs network then computes with tfjs's ops, whose values these are).
   * A network that computes elsewhere (a database) returns a promise of them: `trainAsync` awaits
   * it, `train` refuses it.
   */
  sums(samples: Samples, gradient: Gradient, track: Track, trace?: boolean): Sums | PromiseLike<Sums>;
  /** The traced forward pass and x·eᵀ and sum(e) of sums made with `trace`, read back. */
  traced(sums: Sums): Forward & { readonly xe: Matrix; readonly sumE: number };
  /** The sums of two chunks together (`total` and `part` are freed). */
  add(total: Sums, part: Sums): Sums;
  /** The errors and summed loss of tracked sums, read back (the loss NaN unless `track` was `loss`). */
  stats(sums: Sums): ErrorsAndLoss | PromiseLike<ErrorsAndLoss>;
  /** `dW = x·eᵀ / m`, `db = sum(e) / m`, `W = W − a·dW`, `b = b − a·db`. */
  update(sums: Sums, a: number, m: number): void;
  /** Frees sums (tfjs: their tensors). */
  free(sums: Sums): void;
  /** `y_pred = (sigmoid(Wᵀ·x + b) >= 0.5)`, outputs×samples of 0 and 1. */
  predict(x: Matrix): Matrix;
  /** `s = sigmoid(Wᵀ·x + b)`, outputs×samples. */
  predictProba(x: Matrix): Matrix;
  /** A float64 copy of W, features×outputs. */
  weights(): Matrix;
  /** Sets W (features×outputs) and b, e.g. back to values read with {@link weights} and {@link bias}. */
  assign(W: Matrix, b: number): void;
  bias(): number;
  /** Frees what the network holds (its tensors, for a tfjs backend); it cannot train or predict after. */
  dispose(): void;
  /** Whether {@link dispose} was called. */
  readonly disposed: boolean;
}

/**
 * What every network checks of a call made on it directly (createNetwork's, without the
 * Classifier's checks): it is not disposed, x has its features, and W (to assign) its shape.
 */
export function checkUse(net: Pick<Network, 'disposed' | 'features' | 'outputs'>, x?: Matrix, W?: Matrix): void {
  if (net.disposed) throw new InputError('the network was disposed; make another with createNetwork');
  if (x && x.rows !== net.features) throw new InputError(`x has ${x.rows} features (rows), but W was made for ${net.features}`);
  if (W && (W.rows !== net.features || W.cols !== net.outputs)) {
    throw new InputError(`W is ${W.rows}×${W.cols}, but the network's is ${net.features}×${net.outputs}`);
  }
}
