import type { Matrix } from '../matrix';

/** The backends that can run the article's network. */
export type TensorBackend = 'tensorflow' | 'wasm' | 'cpu';
export type Backend = TensorBackend | 'plain';
export const BACKENDS: readonly Backend[] = ['tensorflow', 'wasm', 'cpu', 'plain'];

/** Starting point of training: W is features×outputs, b one number (the article starts at W = [0.4, 0.2], b = 1). */
export interface NetworkInit {
  readonly W: Matrix;
  readonly b: number;
}

/** Settings of a training run: `a` is the article's learning rate. */
export interface TrainSettings {
  readonly a: number;
  readonly iterations: number;
}

/**
 * The article's network with no hidden layer, on one backend:
 * `z = Wᵀ·x + b`, `s = sigmoid(z)`, `y_pred = (s >= 0.5)`,
 * `dW = x·(y_pred − y)ᵀ / m`, `db = sum(y_pred − y) / m`, `W -= a·dW`, `b -= a·db`.
 *
 * x is features×samples, y is outputs×samples; the network owns W and b.
 */
export interface Network {
  readonly backend: Backend;
  readonly features: number;
  readonly outputs: number;
  /** Runs `settings.iterations` iterations of the article's loop on (x, y), in place. */
  train(x: Matrix, y: Matrix, settings: TrainSettings): void;
  /** `y_pred = (sigmoid(Wᵀ·x + b) >= 0.5)`, outputs×samples of 0 and 1. */
  predict(x: Matrix): Matrix;
  /** `s = sigmoid(Wᵀ·x + b)`, outputs×samples. */
  predictProba(x: Matrix): Matrix;
  /** A float64 copy of W, features×outputs. */
  weights(): Matrix;
  bias(): number;
  /** Frees what the network holds (its tensors, for a tfjs backend). */
  dispose(): void;
}
