import { InputError } from '../errors';
import type { Matrix } from '../matrix';
import type { SampleSource } from '../data/source';
import { createNetwork } from './create';
import { asMatrix, startingW, type InitialWeights } from './init';
import type { Backend, Kernels, Network } from './network';

/**
 * The one network an estimator owns: made on first use (W sized from the data for training, or
 * from the initial weights alone for prediction), checked against the shape of every x and y it
 * meets, and disposed once, after which every use is an {@link InputError}.
 */
export class NetworkSlot {
  private network: Network | undefined;
  private disposed = false;

  constructor(
    private readonly backend: Backend,
    private readonly kernels: Kernels,
    private readonly initialWeights: InitialWeights | undefined,
    private readonly initialBias: number,
  ) {}

  /** What computes, once the network exists (e.g. `wasm (SIMD kernel, 2 threads)`). */
  get compute(): string | undefined {
    return this.network?.compute;
  }

  /** The network to train on `data`, made on first use with W sized from the data. */
  forTraining(data: SampleSource): Network {
    this.usable();
    if (data.samples < 1 || data.features < 1 || data.outputs < 1) {
      throw new InputError(`the data has ${data.features} features, ${data.outputs} outputs and ${data.samples} samples; each must be ≥ 1`);
    }
    this.network ??= this.make(startingW(this.initialWeights, data.features, data.outputs));
    return this.matching(data.features, data.outputs);
  }

  /**
   * The network to predict on x with `features` rows: trained, or made from the initial weights —
   * as given, or for `outputs` outputs (a value per feature filling its row, as training makes W)
   * when the data's outputs are known.
   */
  forPrediction(features: number, outputs?: number): Network {
    this.usable();
    if (!this.network) {
      if (this.initialWeights === undefined) {
        throw new InputError('the classifier has no weights yet: call fit() first, or create it with initial weights');
      }
      const init = asMatrix(this.initialWeights);
      this.network = this.make(outputs === undefined ? startingW(init, init.rows, init.cols) : startingW(this.initialWeights, features, outputs));
    }
    // evaluating: the labels' rows must be the outputs (a second row was ignored, a missing one scored against the first)
    return this.matching(features, outputs);
  }

  /** W and b as they are now: trained, or the initial weights before any training. */
  current(): Network {
    this.usable();
    const init = this.initialWeights;
    return this.forPrediction(this.network?.features ?? (init === undefined ? 0 : asMatrix(init).rows));
  }

  usable(): void {
    if (this.disposed) throw new InputError('the classifier was disposed: create a new one');
  }

  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
    this.disposed = true;
  }

  private make(W: Matrix): Network {
    return createNetwork(this.backend, { W, b: this.initialBias }, this.kernels);
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
