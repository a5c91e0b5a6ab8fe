import { InputError, option } from '../errors';
import { sharedFloats, type Matrix } from '../matrix';
import { memorySource, ofCheckedValues, type Chunk, type SampleSource } from './source';

/**
 * Per-feature statistics of the samples x (features×samples), gathered in one streaming pass:
 * mean and standard deviation (float64, population: divided by the sample count, as numpy's
 * `np.std`), smallest and largest value.
 */
export interface FeatureStats {
  readonly samples: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/**
 * z-scores per feature: a sample's feature f becomes `(x_f − mean[f]) / std[f]`.
 * A feature that is constant on the samples it was computed from has `std` 1 (its mean is still
 * subtracted, so it becomes 0 everywhere): see {@link standardization}.
 */
export interface Standardization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Mean, standard deviation, min and max of every feature, in one pass over the chunks of `data`
 * (`chunkSamples` at a time; whole when in memory and not chunked). Each chunk's mean and sum of
 * squared deviations are computed from the chunk itself, then merged with the running ones
 * (Chan, Golub and LeVeque's pairwise update), all in float64: no catastrophic cancellation, and
 * the same figures, within rounding, whatever the chunk size.
 */
export function featureStats(data: SampleSource, chunkSamples?: number): FeatureStats {
  const first = statsPass(data, chunkSamples);
  // values near the float64 range (±1e308) overflow their sums though each is finite; tiny ones
  // (1e-200) underflow their squares to 0, a spread feature then looking constant. For either, a
  // second pass on the values times a power of two (exact) that brings the largest to about 1.
  const extreme = (f: number) => !Number.isFinite(first.mean[f]) || !Number.isFinite(first.std[f]) || (first.min[f] !== first.max[f] && !(first.std[f] >= 1e-150));
  if (!Array.from(first.std, (_, f) => extreme(f)).some(Boolean)) return first;
  // 2^±1000 at most: a power of two beyond that is itself out of range (5e-324 needs 2^1074)
  const scale = Float64Array.from(first.min, (lo, f) => 2 ** Math.max(-1000, Math.min(1000, -Math.ceil(Math.log2(Math.max(Math.abs(lo), Math.abs(first.max[f]), Number.MIN_VALUE))))));
  const scaled = statsPass(data, chunkSamples, scale);
  return { ...scaled, mean: scaled.mean.map((v, f) => v / scale[f]), std: scaled.std.map((v, f) => v / scale[f]) };
}

/** One pass of {@link featureStats}, on each feature's values times `scale[f]` (min and max as they are). */
function statsPass(data: SampleSource, chunkSamples?: number, scale?: Float64Array): FeatureStats {
  const F = data.features;
  const mean = new Float64Array(F);
  const m2 = new Float64Array(F);
  const min = new Float64Array(F).fill(Infinity);
  const max = new Float64Array(F).fill(-Infinity);
  let seen = 0;
  data.forEachChunk(chunkSamples, ({ x }) => {
    const n = x.cols;
    if (n === 0) return;
    const total = seen + n;
    for (let f = 0; f < F; f++) {
      const row = x.data.subarray(f * n, (f + 1) * n);
      const k = scale?.[f] ?? 1;
      let sum = 0;
      let lo = min[f];
      let hi = max[f];
      for (let j = 0; j < n; j++) {
        const v = row[j];
        sum += v * k;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const chunkMean = sum / n;
      let chunkM2 = 0;
      for (let j = 0; j < n; j++) {
        const d = row[j] * k - chunkMean;
        chunkM2 += d * d;
      }
      const delta = chunkMean - mean[f];
      mean[f] += (delta * n) / total;
      m2[f] += chunkM2 + (delta * delta * seen * n) / total;
      min[f] = lo;
      max[f] = hi;
    }
    seen = total;
  });
  const std = m2.map((v) => Math.sqrt(v / seen));
  return { samples: seen, mean, std, min, max };
}

/**
 * Samples that stay in a database (`remote`) cannot be standardized: the network computes on them
 * there, raw. An {@link InputError} saying so.
 */
export function checkStandardizable(data: SampleSource): void {
  if (data.remote) {
    throw new InputError(option('standardize'), ` needs the samples read in this process; those of ${data.remote.name} stay in the database, where W and b see them as they are`);
  }
}

/** The features (row indices) whose every value is the same. */
export function constantFeatures(stats: FeatureStats): number[] {
  return Array.from(stats.min.keys()).filter((f) => stats.min[f] === stats.max[f]);
}

/**
 * The z-scores of these statistics. A constant feature (σ = 0) gets σ = 1 and μ its value, so
 * it becomes exactly 0: it carries no information, and left as it is a large constant would only
 * act as a second bias on another scale than the others.
 */
export function standardization(stats: FeatureStats): Standardization {
  const constant = new Set(constantFeatures(stats));
  const tiny = stats.std.findIndex((sigma, f) => !constant.has(f) && !(sigma >= SMALLEST_STD));
  if (tiny >= 0) {
    throw new InputError(
      `feature ${tiny + 1}'s values spread by a std of ${stats.std[tiny]}, below the smallest normal double (${SMALLEST_STD}): z-scores of them would overflow; scale the feature up instead of `,
      option('standardize'),
    );
  }
  return {
    mean: Array.from(stats.mean, (mu, f) => (constant.has(f) ? stats.min[f] : mu)),
    std: Array.from(stats.std, (sigma, f) => (constant.has(f) || sigma === 0 ? 1 : sigma)),
  };
}

/** The least std a standardization takes: the smallest normal double (below it, (x − mean) / std overflows for any x − mean ≥ 1e-15). */
export const SMALLEST_STD = 2 ** -1022;

/** What is wrong with a std, as "must be …, got …", or undefined when it is a finite number ≥ {@link SMALLEST_STD}. */
export function stdProblem(sigma: unknown): string | undefined {
  if (typeof sigma !== 'number' || !(Number.isFinite(sigma) && sigma > 0)) return `must be a finite number > 0, got ${typeof sigma === 'number' ? sigma : JSON.stringify(sigma)}`;
  if (sigma < SMALLEST_STD) return `must be at least ${SMALLEST_STD} (the smallest normal double; below it (x − mean) / std overflows), got ${sigma}`;
  return undefined;
}

/** A standardization given with initial weights: z-scores for as many features as W has rows. */
export function checkStandardizesW(s: Standardization, rows: number): void {
  if (s.mean.length !== rows) throw new InputError(`the standardization is for ${s.mean.length} features, but weights has ${rows} (one row per feature)`);
}

/** Checks that a standardization fits x with `features` rows: one finite mean and one std ≥ {@link SMALLEST_STD} per feature. */
export function checkStandardization(s: Standardization, features: number): void {
  if (s.mean.length !== features || s.std.length !== features) {
    throw new InputError(
      s.mean.length !== s.std.length
        ? `the standardization has ${s.mean.length} means and ${s.std.length} standard deviations; it needs one of each per feature`
        : `the standardization has ${s.mean.length} means and ${s.std.length} standard deviations, but x has ${features} features`,
    );
  }
  s.std.forEach((sigma, f) => {
    const problem = stdProblem(sigma);
    if (problem) throw new InputError(`the standardization's std[${f}] ${problem}`);
    if (!Number.isFinite(s.mean[f])) throw new InputError(`the standardization's mean[${f}] must be a finite number, got ${s.mean[f]}`);
  });
}

/**
 * `(x − mean) / std` per feature (row), written into `into` when given (its first rows×cols
 * values) or a new array of x's kind (float32 stays float32), in shared memory for the kernels' threads.
 * A value beyond the array's range (a std far smaller than the data's spread) is an {@link InputError}:
 * W and b could only turn it into NaN.
 */
export function standardizeMatrix(x: Matrix, s: Standardization, into?: Float32Array | Float64Array, offset = 0): Matrix {
  const n = x.cols;
  const data = into ? into.subarray(0, x.rows * n) : sharedFloats(x.data instanceof Float32Array ? 'float32' : 'float64', x.rows * n);
  for (let f = 0; f < x.rows; f++) {
    const mu = s.mean[f];
    const sigma = s.std[f];
    let finite = true;
    for (let j = f * n; j < (f + 1) * n; j++) finite = Number.isFinite((data[j] = (x.data[j] - mu) / sigma)) && finite;
    if (!finite) {
      // x − mean can overflow where the z-score does not (x = ±1.7e308, std 1.4e308): divided first
      for (let j = f * n; j < (f + 1) * n; j++) if (!Number.isFinite(data[j])) data[j] = x.data[j] / sigma - mu / sigma;
      finite = data.subarray(f * n, (f + 1) * n).every(Number.isFinite);
    }
    if (!finite) {
      const j = data.subarray(f * n, (f + 1) * n).findIndex((v) => !Number.isFinite(v));
      const kind = data instanceof Float32Array ? 'float32' : 'float64';
      throw new InputError(
        `standardizing x overflows: feature ${f + 1}, sample ${offset + j + 1}: (${x.data[f * n + j]} − ${mu}) / ${sigma} is beyond the ${kind} range; the standardization's std is too small for this data`,
      );
    }
  }
  return { rows: x.rows, cols: n, data };
}

/**
 * The samples of `data` standardized. Samples held in memory are standardized once, into a new x
 * (labels shared); streamed ones chunk by chunk, each into one buffer reused by every chunk, so
 * memory stays one chunk's whatever the size of the data.
 */
export function standardizedSource(data: SampleSource, s: Standardization): SampleSource {
  checkStandardization(s, data.features);
  checkStandardizable(data);
  const whole = data.inMemory;
  if (whole) {
    const source = memorySource(standardizeMatrix(whole.x, s), whole.y, data.cellName);
    return ofCheckedValues({ ...source, close: data.close && (() => data.close!()) });
  }
  let buffer: Float32Array | Float64Array | undefined;
  // z-scores of finite values by a checked standardization are finite; the labels are the data's
  return ofCheckedValues({
    features: data.features,
    outputs: data.outputs,
    samples: data.samples,
    dtype: data.dtype,
    cellName: data.cellName && ((r, c) => data.cellName!(r, c)),
    close: data.close && (() => data.close!()),
    forEachChunk(chunkSamples, visit, skip) {
      data.forEachChunk(chunkSamples, (chunk: Chunk) => {
        const size = chunk.x.rows * chunk.x.cols;
        const float32 = chunk.x.data instanceof Float32Array;
        if (!buffer || buffer.length < size || buffer instanceof Float32Array !== float32) {
          buffer = sharedFloats(float32 ? 'float32' : 'float64', size);
        }
        visit({ x: standardizeMatrix(chunk.x, s, buffer, chunk.offset), y: chunk.y, offset: chunk.offset });
      }, skip);
    },
  });
}

/**
 * W and b for raw inputs that give exactly the z a network with `W` and `b` gives on standardized
 * inputs: `z = Σ_f W_f·(x_f − μ_f)/σ_f + b = Σ_f (W_f/σ_f)·x_f + (b − Σ_f W_f·μ_f/σ_f)`, so
 * `W' = W/σ` (row by row) and, per output o, `b'_o = b − Σ_f W_fo·μ_f/σ_f`. The bias becomes one per
 * output: a layer with a bias vector (tfjs's Dense) takes it as it is.
 */
export function foldStandardization(W: readonly (readonly number[])[], b: number, s: Standardization): { W: number[][]; b: number[] } {
  const folded = W.map((row, f) => row.map((w) => w / s.std[f]));
  const bias = W[0].map((_, o) => W.reduce((acc, row, f) => acc - (row[o] * s.mean[f]) / s.std[f], b));
  return { W: folded, b: bias };
}

/**
 * The estimators' `standardize` option, checked: `'on fit'` for `true` (computed from the first
 * fit's samples), a copy of the given z-scores, or undefined for none.
 */
export function standardizeOption(value: unknown): Standardization | 'on fit' | undefined {
  if (value === true) return 'on fit';
  if (value === undefined || value === false) return undefined;
  if (typeof value === 'object' && value !== null) {
    const s = value as Standardization;
    if (!Array.isArray(s.mean) || !Array.isArray(s.std)) throw new InputError(option('standardize'), ' must be {mean, std}: two lists of numbers, one per feature');
    checkStandardization(s, s.mean.length);
    return { mean: [...s.mean], std: [...s.std] };
  }
  throw new InputError(option('standardize'), ` must be true, false or {mean, std}, got ${String(value)}`);
}
