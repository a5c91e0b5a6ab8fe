/**
 * The cpu kernel's pass of the article's iteration over a range of samples: `z = Wᵀ·x + b`,
 * `s = sigmoid(z)`, `y_pred = (s >= 0.5)`, `e = y_pred − y` (or `s − y`), and the sums
 * `x·eᵀ`, `sum(e)` (and the stats), reading each value of x from memory once.
 *
 * It rounds as tfjs-backend-cpu's own kernels do: they compute in JavaScript numbers and store
 * float32, so z is its matMul's float64 sum rounded to float32, then `+ b` rounded again, and s is
 * `1 / (1 + exp(−z))` rounded to float32.
 *
 * The worker threads run this very function from its source text, so it must stay self-contained
 * (no imports, no module-level helpers).
 */
export interface Pass {
  /** features×m, row after row (one row per feature, as the article's x). */
  readonly x: Float32Array;
  /** outputs×m labels, 0 or 1. */
  readonly y: Float32Array;
  /** Samples in a row of x and y. */
  readonly m: number;
  readonly features: number;
  readonly outputs: number;
  /** features×outputs. */
  readonly W: Float32Array;
  readonly b: number;
  /** The samples of this pass: start ≤ j < end. */
  readonly start: number;
  readonly end: number;
  /** e = s − y instead of y_pred − y. */
  readonly logistic: boolean;
  /** Also count the errors ('errors'), and sum the logistic loss ('loss'). */
  readonly track: false | 'errors' | 'loss';
  /** Skip, exactly, the blocks whose predictions cannot have changed (see {@link PassScreen}); `start` is then a multiple of 128. */
  readonly screen?: PassScreen;
}

/**
 * Screening's state in a pass (as the wasm kernel's, `assembly/article.ts`, with blocks of 128): per
 * output o and block B of samples, at o·blocks + B, the `ref` the block was last read at and its
 * radius ρ — the least, over its samples, of z's margin to the threshold over n_j = ‖(x_j, 1)‖₂, or
 * −1 when a sample was wrong or within rounding of the threshold. `dist[ref·k + o]` bounds
 * |ẑ_now − ẑ_ref| / n_j (src/kernels/screen.ts); a block is read only when ρ ≤ dist. A block read
 * refreshes its ref (to `now`) and ρ. `invn` holds 1/n_j per sample, rounded down, or 0 where not
 * yet known: a block's are written the first time it needs a radius (all its samples right and
 * decided), from its x just read, so data whose blocks always hold an error never pays for them.
 * With track 'loss' every block is read.
 */
export interface PassScreen {
  readonly ref: Int32Array;
  readonly rho: Float64Array;
  readonly blocks: number;
  readonly now: number;
  readonly dist: Float64Array;
  readonly invn: Float64Array;
}

/** Buffers for one block of samples: z, e, and the indices of the samples with e ≠ 0. */
export interface Scratch {
  readonly zb: Float64Array;
  readonly eb: Float64Array;
  readonly wrongAt: Int32Array;
}

/** Buffers for passes over blocks of up to 128 samples, for callers that make many passes. */
export function scratch(): Scratch {
  return { zb: new Float64Array(128), eb: new Float64Array(128), wrongAt: new Int32Array(128) };
}

/** Length of a pass's output: x·eᵀ (features×outputs), then sum(e), errors, loss, and the samples (× outputs) read. */
export function sumsLength(features: number, outputs: number): number {
  return features * outputs + 4;
}

/**
 * Adds this pass's x·eᵀ, sum(e), errors and loss into `out` (see {@link sumsLength}).
 *
 * Each z is summed over the features in order, and each x·eᵀ entry and sum(e) over the samples
 * in order (output by output). Skipping samples whose e is 0 leaves every sum unchanged: adding
 * ±0 to a sum that starts at +0 never changes it.
 */
export function fusedPass(p: Pass, out: Float64Array, scratch?: Scratch): void {
  const { x, y, m, features: F, outputs: k, W, b, start, end, logistic, track, screen } = p;
  const fround = Math.fround;
  // Below −2⁻²⁰, exp(−z) > 1 + 2⁻²⁰, so 1 + exp(−z) rounds above 2 and s < 0.5 (also after float32
  // rounding); at z ≥ 0, s ≥ 0.5. Only between them does sigmoid have to be evaluated to decide.
  const UNDECIDED = -9.5367431640625e-7;
  const { zb, eb, wrongAt } = scratch ?? { zb: new Float64Array(128), eb: new Float64Array(128), wrongAt: new Int32Array(128) };
  const B = zb.length;
  const xeAt = F * k;
  let sumE = out[xeAt];
  let errors = out[xeAt + 1];
  let loss = out[xeAt + 2];
  let read = out[xeAt + 3];
  const readAll = screen === undefined || track === 'loss';
  for (let o = 0; o < k; o++) {
    for (let j0 = start; j0 < end; j0 += B) {
      const n = Math.min(B, end - j0);
      const at = screen === undefined ? 0 : o * screen.blocks + ((j0 / B) | 0);
      // screened: a block whose radius exceeds how far z can have moved since it was read is skipped
      if (!readAll && screen!.rho[at] > screen!.dist[screen!.ref[at] * k + o]) continue;
      read += n;
      // z = Wᵀ·x over this block, 8 features a step; left-to-right adds keep the features' order
      zb.fill(0, 0, n);
      let f = 0;
      for (; f + 8 <= F; f += 8) {
        const w0 = W[f * k + o], w1 = W[(f + 1) * k + o], w2 = W[(f + 2) * k + o], w3 = W[(f + 3) * k + o];
        const w4 = W[(f + 4) * k + o], w5 = W[(f + 5) * k + o], w6 = W[(f + 6) * k + o], w7 = W[(f + 7) * k + o];
        const r0 = f * m + j0, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m, r4 = r3 + m, r5 = r4 + m, r6 = r5 + m, r7 = r6 + m;
        for (let j = 0; j < n; j++) {
          zb[j] = zb[j] + w0 * x[r0 + j] + w1 * x[r1 + j] + w2 * x[r2 + j] + w3 * x[r3 + j] +
            w4 * x[r4 + j] + w5 * x[r5 + j] + w6 * x[r6 + j] + w7 * x[r7 + j];
        }
      }
      for (; f < F; f++) {
        const w = W[f * k + o];
        const r = f * m + j0;
        for (let j = 0; j < n; j++) zb[j] = zb[j] + w * x[r + j];
      }
      // s = sigmoid(z), y_pred = (s >= 0.5), e
      let wrong = 0;
      // screening: each z's margin to the threshold (in zb, done with), or −1 when undecided (or NaN)
      let undecided = false;
      const yRow = o * m + j0;
      for (let j = 0; j < n; j++) {
        const z = fround(fround(zb[j]) + b);
        const yj = y[yRow + j];
        let s = NaN;
        if (logistic || (z < 0 && z >= UNDECIDED) || z !== z) {
          s = fround(1 / (1 + Math.exp(-z)));
        }
        const yPred = z >= 0 ? 1 : z < UNDECIDED ? 0 : s >= 0.5 ? 1 : 0;
        const e = logistic ? fround(s - yj) : yPred - yj;
        eb[j] = e;
        sumE += e;
        // the wrong samples' indices, without a branch: only they add to x·eᵀ
        wrongAt[wrong] = j;
        wrong += e !== 0 ? 1 : 0;
        if (track && yPred !== yj) errors++;
        // logistic loss, stable for large |z|: max(z, 0) − z·y + log(1 + e^−|z|)
        if (track === 'loss') loss += Math.max(z, 0) - z * yj + Math.log1p(Math.exp(-Math.abs(z)));
        if (screen !== undefined) {
          zb[j] = z >= 0 ? z : z < UNDECIDED ? UNDECIDED - z : -1;
          undecided ||= zb[j] < 0;
        }
      }
      if (screen !== undefined) {
        screen.ref[at] = screen.now;
        let rho = -1;
        if (wrong === 0 && !undecided) {
          const invn = screen.invn;
          if (invn[j0] === 0) {
            // 1/‖(x_j, 1)‖₂ in float64, rounded down by far more than its few roundings; the squares
            // summed feature after feature (in eb: no e is needed), row by row along x as z is
            const shrink = 1 - (F + 8) * 2 ** -52;
            eb.fill(1, 0, n);
            for (let f = 0; f < F; f++) {
              const r = f * m + j0;
              for (let j = 0; j < n; j++) eb[j] += x[r + j] * x[r + j];
            }
            for (let j = 0; j < n; j++) invn[j0 + j] = (1 / Math.sqrt(eb[j])) * shrink;
          }
          rho = Infinity;
          for (let j = 0; j < n; j++) rho = Math.min(rho, zb[j] * invn[j0 + j]);
          // ρ rounded down past the float64 roundings of the margins and their products
          rho *= 1 - 2 ** -40;
        }
        screen.rho[at] = rho;
      }
      if (wrong === 0) continue;
      // x·eᵀ, 8 features at a time in running sums that do not wait on each other; each still
      // sums the samples in order
      let g = 0;
      for (; g + 8 <= F; g += 8) {
        const r0 = g * m + j0, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m, r4 = r3 + m, r5 = r4 + m, r6 = r5 + m, r7 = r6 + m;
        let a0 = out[g * k + o], a1 = out[(g + 1) * k + o], a2 = out[(g + 2) * k + o], a3 = out[(g + 3) * k + o];
        let a4 = out[(g + 4) * k + o], a5 = out[(g + 5) * k + o], a6 = out[(g + 6) * k + o], a7 = out[(g + 7) * k + o];
        for (let i = 0; i < wrong; i++) {
          const j = wrongAt[i];
          const e = eb[j];
          a0 += x[r0 + j] * e; a1 += x[r1 + j] * e; a2 += x[r2 + j] * e; a3 += x[r3 + j] * e;
          a4 += x[r4 + j] * e; a5 += x[r5 + j] * e; a6 += x[r6 + j] * e; a7 += x[r7 + j] * e;
        }
        out[g * k + o] = a0; out[(g + 1) * k + o] = a1; out[(g + 2) * k + o] = a2; out[(g + 3) * k + o] = a3;
        out[(g + 4) * k + o] = a4; out[(g + 5) * k + o] = a5; out[(g + 6) * k + o] = a6; out[(g + 7) * k + o] = a7;
      }
      for (; g < F; g++) {
        const r = g * m + j0;
        let acc = out[g * k + o];
        for (let i = 0; i < wrong; i++) acc += x[r + wrongAt[i]] * eb[wrongAt[i]];
        out[g * k + o] = acc;
      }
    }
  }
  out[xeAt] = sumE;
  out[xeAt + 1] = errors;
  out[xeAt + 2] = loss;
  out[xeAt + 3] = read;
}
