// The article's update, one iteration's sums over a range of samples, in WebAssembly SIMD.
//
// AssemblyScript, compiled by `npm run build:wasm` to ../article.wasm (committed). The module
// imports a shared memory (env.memory) and allocates nothing: every pointer is given by the
// caller (src/kernels/wasm/simd.ts), which keeps x, y, W, the scratch and the output in its own
// heap (src/kernels/wasm/heap.ts), above this module's static data (the exp table), whose end
// `heapBase()` reports.
//
// For each output o and each sample j in [start, end), with x features×m, y outputs×m and
// W features×outputs, all float32 and row-major:
//   z      = f32( Σ_f W[f,o]·x[f,j] summed in float32 in feature order ) + b   (float32 add)
//   s      = f32( 1 / (1 + exp(−z)) )   (evaluated in float64, stored in float32, like tfjs)
//   y_pred = s >= 0.5 ? 1 : 0
//   e      = logistic ? f32(s − y) : y_pred − y
// and adds up xe[f,o] += x[f,j]·e (float32 products summed in f32x4 lanes over a block of 256
// samples, each block's lanes then added into a float64 sum), sumE += e, errors += (y_pred != y),
// and when tracking, loss += max(z, 0) − z·y + log1p(exp(−|z|)): with the article's gradient in
// float32 lanes (`lossLanes`, within 1e-6 relatively) added in float64, else in float64.
//
// Memory order: x is read from memory once. z is computed for a sweep of samples (up to 16384,
// and at most 2 MiB of x), 4 rows of x at a time, each row read as one run (long runs are what
// the hardware prefetchers stream well: on 32 features × 1e6 samples, runs of 1 KiB per row take
// ~10 ms, runs of 64 KiB ~7 ms); each lane still sums its sample's products in feature order.
// x·eᵀ then reads the sweep again, from cache, block by block. The sweep's size changes only
// the speed: the sums are the same for any size (blocks start at `start` + multiples of 256).
//
// Screening (`screen` ≠ 0): a block whose samples are all classified correctly adds exact zeros to
// x·eᵀ and sum(e), so while none of their predictions can change, its x need not be read at all.
// For each output o and block B the caller keeps, at screen + 8·(o·blocks + B), the iteration `ref`
// at which the block was last read (i32) and its radius ρ (f32): the least, over its samples, of
// the margin of z to the threshold over n_j = ‖(x_j, 1)‖₂, or −1 when a sample was wrong or within
// rounding of the threshold. `dist[ref·k + o]` (f64, the caller's) bounds |ẑ_now − ẑ_ref| / n_j for
// every sample, W and b's move plus float32 rounding; a block is read only when ρ ≤ dist. A block
// read refreshes its ref (to `now`) and ρ; `invn` holds 1/n_j per sample, rounded down, which a
// call with `norms` first writes for its samples (reading every block). With `track` (the loss needs
// every z) every block is read. Skipping changes no sum: skipped blocks' e are 0.

/** Samples in a block: the unit of the float32 partial sums of x·eᵀ, and of skipping them. */
const BLOCK: i32 = 256;
/** At most this many samples in a sweep (64 blocks: one bit each in a u64). */
const MAX_SWEEP: i32 = 16384;
/** Bytes of x a sweep reads at most, for x·eᵀ to find them in cache (L2 or L3) again. */
const SWEEP_BYTES: i32 = 2 << 20;

/** Samples whose z are computed in one sweep over the rows of x: a multiple of BLOCK. */
function sweepFor(features: i32): i32 {
  const blocks = <i64>SWEEP_BYTES / (<i64>max(features, 1) * <i64>(4 * BLOCK));
  return <i32>max<i64>(1, min<i64>(MAX_SWEEP / BLOCK, blocks)) * BLOCK;
}

/** Below −2⁻²⁰, exp(−z) > 1 + 2⁻²⁰, so 1 + exp(−z) > 2 and s < 0.5 (float32 s too); at z ≥ 0, s ≥ 0.5. */
const UNDECIDED: f32 = -9.5367431640625e-7;

/** Bytes of scratch one call needs (see `sums`): z and e of a sweep, then W splatted to f32x4. */
export function scratchBytes(features: i32, outputs: i32): usize {
  return <usize>sweepFor(features) * 8 + <usize>features * <usize>outputs * 16;
}

/** Bytes of a call's output: xe (features×outputs float64), then sumE, errors, loss, and the samples read (× outputs). */
export function outBytes(features: i32, outputs: i32): usize {
  return (<usize>features * <usize>outputs + 4) * 8;
}

/** End of this module's static data (its data segments): memory below it is the module's own. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * The sums of samples [start, end) into `out` (overwritten; see `outBytes`).
 * x: features×m float32, y: outputs×m float32, W: features×outputs float32, all row-major;
 * scratch: `scratchBytes` bytes, 16-byte aligned; out: 8-byte aligned. Errors are always counted;
 * the loss only with `track`. With `screen` (then `start` is a multiple of 256), see Screening above.
 */
export function sums(
  x: usize, y: usize, m: i32, features: i32, outputs: i32, W: usize, b: f32,
  start: i32, end: i32, logistic: i32, track: i32, scratch: usize, out: usize,
  screen: usize, now: i32, dist: usize, invn: usize, norms: i32,
): void {
  const F = features;
  const k = outputs;
  const sweep = sweepFor(F);
  const zb = scratch;
  const eb = scratch + (<usize>sweep << 2);
  const wv = scratch + (<usize>sweep << 3);
  const row = <usize>m << 2;
  const xeAt = <usize>F * <usize>k;
  // W splatted, output after output: wv[o·F + f] = W[f·k + o] in every lane
  for (let o = 0; o < k; o++) {
    for (let f = 0; f < F; f++) {
      v128.store(wv + ((<usize>o * <usize>F + <usize>f) << 4), f32x4.splat(load<f32>(W + ((<usize>f * <usize>k + <usize>o) << 2))));
    }
  }
  memory.fill(out, 0, (xeAt + 4) << 3);
  sumE = 0;
  errors = 0;
  loss = 0;
  let read: f64 = 0;
  const blocks = (m + BLOCK - 1) / BLOCK;
  for (let j0 = start; j0 < end; j0 += sweep) {
    const n = min(sweep, end - j0);
    const nb = (n + BLOCK - 1) / BLOCK;
    const xs = x + (<usize>j0 << 2);
    const all: u64 = nb == 64 ? ~(<u64>0) : (<u64>1 << <u64>nb) - 1;
    // the sweep's x, read here from memory, stays in cache for z
    if (norms) normSweep(xs, row, F, n, invn + (<usize>j0 << 2));
    for (let o = 0; o < k; o++) {
      // the blocks whose x is read: all, or (screening) those whose predictions may have changed
      const at = screen + ((<usize>o * <usize>blocks + <usize>(j0 / BLOCK)) << 3);
      const toRead = screen == 0 || track != 0 || norms != 0 ? all : unsafe(at, nb, dist, k, o);
      if (!toRead) continue;
      const wo = wv + ((<usize>o * <usize>F) << 4);
      zSweep(xs, row, F, n, wo, b, zb, toRead);
      const yb = y + ((<usize>o * <usize>m + <usize>j0) << 2);
      // e, block by block; a bit of `wrong` for each block with an e ≠ 0
      let wrong: u64 = 0;
      for (let i = 0, blk = 0; i < n; i += BLOCK, blk++) {
        if (!(toRead & (<u64>1 << <u64>blk))) continue;
        const len = min(BLOCK, n - i);
        read += len;
        const e = errorsOf(zb, yb, eb, i, len, logistic != 0, track != 0);
        if (e) wrong |= <u64>1 << <u64>blk;
        if (screen) {
          const st = at + (<usize>blk << 3);
          store<i32>(st, now);
          store<f32>(st, e ? -1 : radiusOf(zb, invn + (<usize>j0 << 2), i, len), 4);
        }
      }
      if (wrong) xeSweep(xs, row, F, k, o, n, eb, wrong, out);
    }
  }
  store<f64>(out + (xeAt << 3), sumE);
  store<f64>(out + ((xeAt + 1) << 3), errors);
  store<f64>(out + ((xeAt + 2) << 3), loss);
  store<f64>(out + ((xeAt + 3) << 3), read);
}

/**
 * 1/n_j = 1/‖(x_j, 1)‖₂ of samples [0, n) of the sweep into out, rounded down: the float32 sum of
 * squares is within (F + 1)·2⁻²⁴ of the true one relatively (its terms are ≥ 0), sqrt and 1/… each
 * within 2⁻²⁴, so shrinking by (F + 8)·2⁻²³ stays below 1/n_j (0 where the squares overflow).
 */
function normSweep(xs: usize, row: usize, F: i32, n: i32, out: usize): void {
  const n4 = <usize>(n & ~3) << 2;
  const one = f32x4.splat(1);
  for (let j: usize = 0; j < n4; j += 16) v128.store(out + j, one);
  for (let f = 0; f < F; f++) {
    const p = xs + <usize>f * row;
    for (let j: usize = 0; j < n4; j += 16) {
      const v = v128.load(p + j);
      v128.store(out + j, f32x4.add(v128.load(out + j), f32x4.mul(v, v)));
    }
  }
  const shrink = f32x4.splat(<f32>(1 - <f64>(F + 8) * 1.1920928955078125e-7));
  for (let j: usize = 0; j < n4; j += 16) v128.store(out + j, f32x4.mul(f32x4.div(one, f32x4.sqrt(v128.load(out + j))), shrink));
  for (let j = n & ~3; j < n; j++) {
    let s: f32 = 1;
    for (let f = 0; f < F; f++) {
      const v = load<f32>(xs + <usize>f * row + (<usize>j << 2));
      s += v * v;
    }
    store<f32>(out + (<usize>j << 2), (1 / Mathf.sqrt(s)) * <f32>(1 - <f64>(F + 8) * 1.1920928955078125e-7));
  }
}

/** The bits of the sweep's `nb` blocks (their screening state from `at`) that must be read: ρ ≤ dist[ref·k + o]. */
// @ts-ignore: decorator
@inline function unsafe(at: usize, nb: i32, dist: usize, k: i32, o: i32): u64 {
  let bits: u64 = 0;
  for (let blk = 0; blk < nb; blk++) {
    const st = at + (<usize>blk << 3);
    const ref = load<i32>(st);
    const rho = <f64>load<f32>(st, 4);
    if (!(rho > load<f64>(dist + ((<usize>ref * <usize>k + <usize>o) << 3)))) bits |= <u64>1 << <u64>blk;
  }
  return bits;
}

/**
 * ρ of samples [i, i + n) of the sweep, all classified correctly: the least margin of z to the
 * threshold over n_j (z ≥ 0: z; z < −2⁻²⁰: −2⁻²⁰ − z), times 1 − 2⁻²⁰ for the float32 rounding of
 * that subtraction and product; −1 if a z lies in [−2⁻²⁰, 0) or is NaN (sigmoid decides there).
 */
// @ts-ignore: decorator
@inline function radiusOf(zb: usize, invn: usize, i: i32, n: i32): f32 {
  const zero = f32x4.splat(0);
  const undecided = f32x4.splat(UNDECIDED);
  let least = f32x4.splat(Infinity);
  let ok = i32x4.splat(-1);
  let j = i;
  const end = i + n;
  for (; j + 4 <= end; j += 4) {
    const at = <usize>j << 2;
    const z = v128.load(zb + at);
    const ge = f32x4.ge(z, zero);
    ok = v128.and(ok, v128.or(ge, f32x4.lt(z, undecided)));
    const margin = v128.bitselect(z, f32x4.sub(undecided, z), ge);
    least = f32x4.min(least, f32x4.mul(margin, v128.load(invn + at)));
  }
  if (!i32x4.all_true(ok)) return -1;
  let rho = min(min(f32x4.extract_lane(least, 0), f32x4.extract_lane(least, 1)), min(f32x4.extract_lane(least, 2), f32x4.extract_lane(least, 3)));
  for (; j < end; j++) {
    const z = load<f32>(zb + (<usize>j << 2));
    if (!(z >= 0 || z < UNDECIDED)) return -1;
    rho = min(rho, (z >= 0 ? z : UNDECIDED - z) * load<f32>(invn + (<usize>j << 2)));
  }
  return <f32>(<f64>rho * (1 - 9.5367431640625e-7));
}

// A call's float64 sums. Globals are each instance's own (so each thread's), not in the memory.
let sumE: f64 = 0;
let errors: f64 = 0;
let loss: f64 = 0;

/**
 * z of the samples of the sweep at xs in the blocks marked in `blocks` into zb:
 * z = (Σ_f w_f·x_f in float32, in feature order) + b. Rows of x are read 4 at a time, each run of
 * consecutive marked blocks as one run; zb holds the running sums.
 */
// @ts-ignore: decorator
@inline function zSweep(xs: usize, row: usize, F: i32, n: i32, wo: usize, b: f32, zb: usize, blocks: u64): void {
  const n4 = <usize>(n & ~3) << 2;
  const zero = f32x4.splat(0);
  const bv = f32x4.splat(b);
  // each run of marked blocks, [from, to) in bytes up to n4 (the last, partial quad comes after)
  for (let rest = blocks; rest; ) {
    const lo = <i32>ctz(rest);
    const len = <i32>ctz(~(rest >> <u64>lo));
    rest = lo + len >= 64 ? 0 : rest & ~((<u64>1 << <u64>(lo + len)) - 1);
    const from = <usize>(lo * BLOCK) << 2;
    const to = min(<usize>((lo + len) * BLOCK) << 2, n4);
    for (let j = from; j < to; j += 16) v128.store(zb + j, zero);
    let f = 0;
    for (; f + 4 <= F; f += 4) {
      const wf = wo + (<usize>f << 4);
      const w0 = v128.load(wf), w1 = v128.load(wf, 16), w2 = v128.load(wf, 32), w3 = v128.load(wf, 48);
      const p = xs + <usize>f * row;
      for (let j = from; j < to; j += 16) {
        const q = p + j;
        let a = v128.load(zb + j);
        a = f32x4.add(a, f32x4.mul(w0, v128.load(q)));
        a = f32x4.add(a, f32x4.mul(w1, v128.load(q + row)));
        a = f32x4.add(a, f32x4.mul(w2, v128.load(q + row * 2)));
        a = f32x4.add(a, f32x4.mul(w3, v128.load(q + row * 3)));
        v128.store(zb + j, a);
      }
    }
    for (; f < F; f++) {
      const w = v128.load(wo + (<usize>f << 4));
      const p = xs + <usize>f * row;
      for (let j = from; j < to; j += 16) {
        v128.store(zb + j, f32x4.add(v128.load(zb + j), f32x4.mul(w, v128.load(p + j))));
      }
    }
    for (let j = from; j < to; j += 16) v128.store(zb + j, f32x4.add(v128.load(zb + j), bv));
  }
  // the last samples of the range, one at a time (when their block is marked)
  if (!(blocks & (<u64>1 << <u64>((n - 1) / BLOCK)))) return;
  for (let j = n & ~3; j < n; j++) {
    let p = xs + (<usize>j << 2);
    let a: f32 = 0;
    for (let g = 0; g < F; g++) {
      a += f32x4.extract_lane(v128.load(wo + (<usize>g << 4)), 0) * load<f32>(p);
      p += row;
    }
    store<f32>(zb + (<usize>j << 2), a + b);
  }
}

/**
 * e of samples [i, i + n) of the sweep (z in zb, y at yb) into eb, adding to sumE, errors and loss;
 * whether any e ≠ 0.
 */
// @ts-ignore: decorator
@inline function errorsOf(zb: usize, yb: usize, eb: usize, i: i32, n: i32, logistic: bool, track: bool): bool {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const undecided = f32x4.splat(UNDECIDED);
  let wrong = zero;
  let sum = sumE;
  let j = i;
  const end = i + n;
  if (!logistic) {
    let blockE = zero;
    let blockErrors = i32x4.splat(0);
    let lossLo = f64x2.splat(0);
    let lossHi = f64x2.splat(0);
    for (; j + 4 <= end; j += 4) {
      const at = <usize>j << 2;
      const z = v128.load(zb + at);
      const yv = v128.load(yb + at);
      const ge = f32x4.ge(z, zero);
      let e: v128;
      if (i32x4.all_true(v128.or(ge, f32x4.lt(z, undecided)))) {
        e = f32x4.sub(v128.and(ge, one), yv);
        v128.store(eb + at, e);
      } else {
        // a lane between −2⁻²⁰ and 0 (or NaN): sigmoid decides
        for (let l: usize = 0; l < 16; l += 4) store<f32>(eb + at + l, predict(load<f32>(zb + at + l)) - load<f32>(yb + at + l));
        e = v128.load(eb + at);
      }
      blockE = f32x4.add(blockE, e);
      const ne = f32x4.ne(e, zero);
      blockErrors = i32x4.sub(blockErrors, ne);
      wrong = v128.or(wrong, ne);
      if (track) {
        const l = lossLanes(z, yv);
        lossLo = f64x2.add(lossLo, f64x2.promote_low_f32x4(l));
        lossHi = f64x2.add(lossHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(l, l, 2, 3, 0, 1)));
      }
    }
    errors += <f64>(i32x4.extract_lane(blockErrors, 0) + i32x4.extract_lane(blockErrors, 1) +
      i32x4.extract_lane(blockErrors, 2) + i32x4.extract_lane(blockErrors, 3));
    // whole numbers of magnitude ≤ 64 (y is 0 or 1): the float32 lanes are exact
    sum += <f64>f32x4.extract_lane(blockE, 0) + <f64>f32x4.extract_lane(blockE, 1) +
      <f64>f32x4.extract_lane(blockE, 2) + <f64>f32x4.extract_lane(blockE, 3);
    loss += f64x2.extract_lane(lossLo, 0) + f64x2.extract_lane(lossLo, 1) + f64x2.extract_lane(lossHi, 0) + f64x2.extract_lane(lossHi, 1);
  }
  let any = v128.any_true(wrong);
  for (; j < end; j++) {
    const at = <usize>j << 2;
    const z = load<f32>(zb + at);
    const yj = load<f32>(yb + at);
    // sigmoid itself only where e needs it (logistic) or z alone does not decide y_pred
    let yPred: f32;
    let e: f32;
    if (logistic) {
      const s = sigmoid(z);
      yPred = s >= 0.5 ? 1 : 0;
      e = s - yj;
    } else {
      yPred = predict(z);
      e = yPred - yj;
    }
    if (yPred != yj) errors += 1;
    if (track) {
      const zd = <f64>z;
      loss += max(zd, 0) - zd * <f64>yj + Math.log1p(Math.exp(-Math.abs(zd)));
    }
    store<f32>(eb + at, e);
    sum += e;
    if (e != 0) any = true;
  }
  sumE = sum;
  return any;
}

/**
 * Adds x·eᵀ of the sweep's blocks marked in `wrong` into out[f·k + o]: each block's products
 * summed in f32x4 lanes (4 features at a time), then its lanes added into the float64 sums.
 */
// @ts-ignore: decorator
@inline function xeSweep(xs: usize, row: usize, F: i32, k: i32, o: i32, n: i32, eb: usize, wrong: u64, out: usize): void {
  const zero = f32x4.splat(0);
  const step = <usize>k << 3;
  let f = 0;
  for (; f + 4 <= F; f += 4) {
    const p = xs + <usize>f * row;
    const at = out + ((<usize>f * <usize>k + <usize>o) << 3);
    let s0 = load<f64>(at), s1 = load<f64>(at + step), s2 = load<f64>(at + step * 2), s3 = load<f64>(at + step * 3);
    for (let i = 0, blk = 0; i < n; i += BLOCK, blk++) {
      if (!(wrong & (<u64>1 << <u64>blk))) continue;
      const end = min(i + BLOCK, n);
      const end4 = i + ((end - i) & ~3);
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (let j = i; j < end4; j += 4) {
        const e = v128.load(eb + (<usize>j << 2));
        const q = p + (<usize>j << 2);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(q), e));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(q + row), e));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(q + row * 2), e));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(q + row * 3), e));
      }
      let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
      for (let j = end4; j < end; j++) {
        const e = load<f32>(eb + (<usize>j << 2));
        const q = p + (<usize>j << 2);
        t0 += load<f32>(q) * e;
        t1 += load<f32>(q + row) * e;
        t2 += load<f32>(q + row * 2) * e;
        t3 += load<f32>(q + row * 3) * e;
      }
      s0 += lanes(a0, t0);
      s1 += lanes(a1, t1);
      s2 += lanes(a2, t2);
      s3 += lanes(a3, t3);
    }
    store<f64>(at, s0);
    store<f64>(at + step, s1);
    store<f64>(at + step * 2, s2);
    store<f64>(at + step * 3, s3);
  }
  for (; f < F; f++) {
    const p = xs + <usize>f * row;
    const at = out + ((<usize>f * <usize>k + <usize>o) << 3);
    let s0 = load<f64>(at);
    for (let i = 0, blk = 0; i < n; i += BLOCK, blk++) {
      if (!(wrong & (<u64>1 << <u64>blk))) continue;
      const end = min(i + BLOCK, n);
      const end4 = i + ((end - i) & ~3);
      let a0 = zero;
      for (let j = i; j < end4; j += 4) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p + (<usize>j << 2)), v128.load(eb + (<usize>j << 2))));
      }
      let t0: f32 = 0;
      for (let j = end4; j < end; j++) t0 += load<f32>(p + (<usize>j << 2)) * load<f32>(eb + (<usize>j << 2));
      s0 += lanes(a0, t0);
    }
    store<f64>(at, s0);
  }
}

/**
 * max(z, 0) − z·y + log1p(exp(−|z|)) in float32 lanes, within about 1e-6 of the float64 value
 * relatively: exp(−|z|) as 2⁻ᵏ·exp(−r) (|r| ≤ ln2/2, Taylor to r⁷; 0 past |z| = 87), then
 * log1p(t) = 2·atanh(t / (2 + t)) by its series to the 15th power (t / (2 + t) ≤ 1/3).
 * NaN and ±∞ give what the float64 form gives (NaN where it is NaN).
 */
// @ts-ignore: decorator
@inline function lossLanes(z: v128, y: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const a = f32x4.abs(z);
  const k = f32x4.nearest(f32x4.mul(a, f32x4.splat(1.4426950408889634)));
  // r = a − k·ln2, ln2 in two parts so that k·ln2_hi is exact
  const r = f32x4.sub(f32x4.sub(a, f32x4.mul(k, f32x4.splat(0.693145751953125))), f32x4.mul(k, f32x4.splat(1.428606765330187e-6)));
  const q = f32x4.neg(r);
  let p = f32x4.splat(1.0 / 5040);
  p = f32x4.add(f32x4.mul(p, q), f32x4.splat(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, q), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, q), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, q), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, q), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, q), one);
  p = f32x4.add(f32x4.mul(p, q), one);
  // 2⁻ᵏ from its exponent bits (k ≤ 126 below the cut; NaN lanes stay NaN through p)
  const scale = i32x4.shl(i32x4.sub(i32x4.splat(127), i32x4.trunc_sat_f32x4_s(k)), 23);
  const t = v128.bitselect(f32x4.mul(p, scale), zero, f32x4.le(a, f32x4.splat(87)));
  const s = f32x4.div(t, f32x4.add(f32x4.splat(2), t));
  const s2 = f32x4.mul(s, s);
  let c = f32x4.splat(1.0 / 15);
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 13));
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 11));
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 9));
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 7));
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 5));
  c = f32x4.add(f32x4.mul(c, s2), f32x4.splat(1.0 / 3));
  c = f32x4.add(f32x4.mul(c, s2), one);
  const log1p = f32x4.mul(f32x4.mul(c, s), f32x4.splat(2));
  return f32x4.add(f32x4.sub(f32x4.max(z, zero), f32x4.mul(z, y)), log1p);
}

/** s = sigmoid(z), evaluated in float64 and rounded to float32 (tfjs's float32 sigmoid). */
// @ts-ignore: decorator
@inline function sigmoid(z: f32): f32 {
  return <f32>(1 / (1 + Math.exp(-<f64>z)));
}

/** y_pred = (sigmoid(z) >= 0.5), evaluating sigmoid only where z alone does not decide it. */
// @ts-ignore: decorator
@inline function predict(z: f32): f32 {
  return z >= 0 ? 1 : z < UNDECIDED ? 0 : sigmoid(z) >= 0.5 ? 1 : 0;
}

/** A block's float32 lanes and tail added up in float64, lane by lane. */
// @ts-ignore: decorator
@inline function lanes(a: v128, tail: f32): f64 {
  return <f64>f32x4.extract_lane(a, 0) + <f64>f32x4.extract_lane(a, 1) +
    <f64>f32x4.extract_lane(a, 2) + <f64>f32x4.extract_lane(a, 3) + <f64>tail;
}
