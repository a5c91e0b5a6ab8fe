/**
 * Screening's bookkeeping on the caller's side, for every kernel that screens (wasm's SIMD kernel,
 * cpu's JS kernel): the W and b each block was last read at (its ref), how far the current ones
 * have moved from each (dist), and when to stop screening for a while. The kernels keep, per
 * output and block, the ref and the radius ρ; a block is read only when ρ ≤ dist[ref·k + o].
 */

/** W and b kept at most: a history starts again (every block read) when it is full. */
export const HISTORY = 256;
/** A screened call reading more than this fraction of the samples makes the next calls unscreened… */
const FALLBACK = 0.8;
/** …for 1, 2, 4, … up to this many calls, the longer the more often screening reads most samples. */
const MAX_BACKOFF = 16;
/** float32's unit roundoff. */
const U = 2 ** -24;

/** The refs (float32 W, features×outputs, then b), oldest first, and the backoff. */
export interface ScreenHistory {
  refs: Float32Array[];
  /** Unscreened calls to make before screening again, and the next such wait. */
  skip: number;
  backoff: number;
}

export function newHistory(): ScreenHistory {
  return { refs: [], skip: 0, backoff: 1 };
}

/**
 * The ref of this call's W and b (the last one's again when they did not move), with `dist`
 * (HISTORY × k) written for every ref: ‖θ_now − θ_ref‖₂ + γ·(‖θ_now‖₂ + ‖θ_ref‖₂) + underflow, per
 * output o, where θ = (W[·, o], b) as the kernels read them (float32). By Cauchy–Schwarz on
 * (x_j, 1), the first term bounds |z_now − z_ref| / n_j of the exact z; a kernel's z of F products
 * and b is within γ = (F+2)u/(1 − (F+2)u) of Σ|w·x| + |b| ≤ ‖θ‖₂·n_j (u = 2⁻²⁴: float32 sums, or
 * a float64 sum rounded to float32 and b added in float32), plus 2⁻¹⁴⁸ per term in underflow.
 * `forget` is called when the history is full and starts again: every block must then be read.
 */
export function refFor(history: ScreenHistory, W: ArrayLike<number>, b: number, F: number, k: number, dist: Float64Array, forget: () => void): number {
  const n = F * k;
  const last = history.refs.at(-1);
  let same = last !== undefined && Object.is(last[n], Math.fround(b));
  for (let i = 0; same && i < n; i++) same = Object.is(last![i], Math.fround(W[i]));
  if (!same) {
    const theta = new Float32Array(n + 1);
    theta.set(W);
    theta[n] = b;
    if (history.refs.length === HISTORY) {
      forget();
      history.refs = [];
    }
    history.refs.push(theta);
  }
  const now = history.refs.at(-1)!;
  for (let o = 0; o < k; o++) {
    const nowNorm = thetaNorm(now, F, k, o);
    history.refs.forEach((ref, r) => {
      dist[r * k + o] = moved(now, ref, F, k, o, nowNorm);
    });
  }
  return history.refs.length - 1;
}

/** ‖θ_o‖₂ of θ = (W[·, o], b), W features×outputs then b. */
export function thetaNorm(t: ArrayLike<number>, F: number, k: number, o: number): number {
  const n = F * k;
  let s = t[n] * t[n];
  for (let f = 0; f < F; f++) s += t[f * k + o] * t[f * k + o];
  return Math.sqrt(s);
}

/**
 * How far a float32 kernel's z can have moved, over n_j = ‖(x_j, 1)‖₂, from θ_ref to θ_now (output
 * o): ‖θ_now − θ_ref‖₂ + γ·(‖θ_now‖₂ + ‖θ_ref‖₂) + underflow (see {@link refFor}).
 */
export function moved(now: ArrayLike<number>, ref: ArrayLike<number>, F: number, k: number, o: number, nowNorm = thetaNorm(now, F, k, o)): number {
  const n = F * k;
  const g = ((F + 2) * U) / (1 - (F + 2) * U);
  const underflow = (F + 2) * 2 ** -148;
  let d2 = (now[n] - ref[n]) ** 2;
  for (let f = 0; f < F; f++) d2 += (now[f * k + o] - ref[f * k + o]) ** 2;
  // float64 rounding of this bound itself: well inside the factor
  return (Math.sqrt(d2) + g * (nowNorm + thetaNorm(ref, F, k, o)) + underflow) * (1 + 1e-9);
}

/** After a screened call that read `fraction` of the samples: whether (and how long) to stop screening. */
export function afterScreened(history: ScreenHistory, fraction: number): void {
  if (fraction <= FALLBACK) {
    history.backoff = 1;
    return;
  }
  history.skip = history.backoff;
  history.backoff = Math.min(MAX_BACKOFF, 2 * history.backoff);
}
