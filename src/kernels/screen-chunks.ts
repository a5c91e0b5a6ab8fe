import type { Chunk } from '../data/source';
import { moved, thetaNorm } from './screen';

/**
 * Screening of whole chunks, for data read chunk by chunk (`chunkSamples`, a .npy larger than
 * memory): a chunk whose every sample is classified right, with a margin wider than W and b can
 * have moved since, is not read at all — it would add exact zeros to x·eᵀ and sum(e), and no error.
 *
 * When a chunk is read, its samples' z at the W and b of that iteration (θ_c, as float32 kernels
 * read them) give, per output o, the chunk's radius ρ_c = min over its samples of the margin of z
 * to the threshold, over n_j = ‖(x_j, 1)‖₂, or −1 when a sample is wrong or too near the threshold.
 * A later iteration skips the chunk while ρ_c > {@link moved}(θ_now, θ_c) for every output: by
 * Cauchy–Schwarz on (x_j, 1), no sample's z (exact, or the kernel's float32 one) can then have
 * crossed the threshold. The margin is measured as the kernels measure it: z ≥ 0 is class 1, z
 * below −2⁻²⁰ class 0 (s < 0.5 in float32), and between them sigmoid decides, so no margin.
 *
 * Only for a network whose fused kernel screens (float32, the article's gradient), on iterations
 * that need no loss (the loss needs every z). Making a chunk's radii costs a pass over it in
 * JavaScript, so it is done only while it pays: a chunk read although it has radii waits 1, 2, 4,
 * … up to 8 reads before they are made again. Radii stay valid however old, being bounds relative
 * to their own θ_c.
 */
/** Samples a chunk's radii are made over at a time. */
const BLOCK = 256;
/** The most reads of a chunk between two makings of its radii, when they keep not paying. */
const MAX_WAIT = 8;

export class ChunkScreen {
  /** Per chunk, by its first sample's index: its size, θ_c, ρ_c per output, and reads to make before its radii are made again. */
  private readonly chunks = new Map<number, { n: number; theta: Float32Array; rho: Float64Array; fresh: boolean; wait: number; backoff: number }>();
  private now = new Float32Array(0);
  private nowNorms = new Float64Array(0);
  /** Samples read, and skipped, over all iterations so far. */
  read = 0;
  skipped = 0;

  constructor(
    private readonly features: number,
    private readonly outputs: number,
  ) {}

  /** Starts an iteration at W (features×outputs, float32 values) and b; `all` when every chunk must be read (the loss is tracked). */
  begin(W: ArrayLike<number>, b: number, all: boolean): void {
    const [F, k] = [this.features, this.outputs];
    this.now = new Float32Array(F * k + 1);
    this.now.set(W);
    this.now[F * k] = b;
    this.nowNorms = Float64Array.from({ length: k }, (_, o) => thetaNorm(this.now, F, k, o));
    this.all = all;
  }

  private all = false;
  private readonly scratch: { s2?: Float64Array; z?: Float64Array } = {};

  /** Whether the chunk of `n` samples from `offset` can be left unread this iteration. */
  skip(offset: number, n: number): boolean {
    const chunk = this.chunks.get(offset);
    let safe = !this.all && chunk !== undefined && chunk.n === n;
    for (let o = 0; safe && o < this.outputs; o++) safe = chunk!.rho[o] > moved(this.now, chunk!.theta, this.features, this.outputs, o, this.nowNorms[o]);
    if (safe) {
      this.skipped += n;
      chunk!.backoff = 1;
      chunk!.fresh = false;
    } else if (chunk && !this.all && chunk.fresh) {
      // radii made at its last read did not pay: made again only after 1, 2, 4, … up to MAX_WAIT reads
      chunk.fresh = false;
      chunk.wait = chunk.backoff;
      chunk.backoff = Math.min(MAX_WAIT, 2 * chunk.backoff);
    }
    return safe;
  }

  /** A chunk read this iteration: its radii at this iteration's W and b, when they are being made. */
  readChunk({ x, y, offset }: Chunk): void {
    const n = x.cols;
    this.read += n;
    const known = this.chunks.get(offset);
    if (known && known.n === n && known.wait > 0) {
      known.wait--;
      return;
    }
    const [F, k] = [this.features, this.outputs];
    const rho = new Float64Array(k);
    const shrink = 1 - (F + 8) * 2 ** -52;
    // x is float32 as the kernels read it
    const xf = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data.subarray(0, F * n));
    const z = (this.scratch.z ??= new Float64Array(BLOCK));
    const s2 = (this.scratch.s2 ??= new Float64Array(BLOCK));
    const b = this.now[F * k];
    for (let o = 0; o < k; o++) {
      // z in float64 from the float32 values is within (F + 2)·2⁻⁵³·‖θ‖·n_j of the exact z
      const slack = (F + 2) * 2 ** -52 * this.nowNorms[o];
      let least = Infinity;
      // block by block, feature by feature over its samples (as x is laid out); a block with a
      // sample wrong or too near ends it: the chunk must be read next time
      for (let j0 = 0; j0 < n && least > slack; j0 += BLOCK) {
        const size = Math.min(BLOCK, n - j0);
        z.fill(b, 0, size);
        s2.fill(1, 0, size);
        for (let f = 0; f < F; f++) {
          const w = this.now[f * k + o];
          const r = f * n + j0;
          for (let j = 0; j < size; j++) {
            const v = xf[r + j];
            z[j] += w * v;
            s2[j] += v * v;
          }
        }
        const yRow = o * n + j0;
        for (let j = 0; j < size; j++) {
          const margin = y.data[yRow + j] === 1 ? z[j] : -(2 ** -20) - z[j];
          const r = (margin / Math.sqrt(s2[j])) * shrink;
          if (r < least) least = r;
        }
      }
      rho[o] = least > slack ? (least - slack) * (1 - 2 ** -40) : -1;
      if (rho[o] < 0) {
        rho.fill(-1);
        break;
      }
    }
    this.chunks.set(offset, { n, theta: this.now.slice(), rho, fresh: true, wait: 0, backoff: known?.backoff ?? 1 });
  }
}

