import { ChunkScreen } from './kernels/screen-chunks';
import { checkDataFitsFloat32, checkSettingsFitFloat32, FLOAT32_MAX } from './network/float32';
import { isTensorBackend } from './network/network';
import { checkedSampleSource, type Chunk, type RemoteSamples, type SampleSource } from './data/source';
import { given, InputError, option } from './errors';
import { checkOptionsObject, TRAIN_RULES } from './options';
import type { Matrix } from './matrix';
import type { ErrorsAndLoss, IterationStats, Network, TraceStep, Track, TrainResult, TrainSettings } from './network/network';

/**
 * The one training loop: the article's iterations, for every implementation.
 *
 * It owns what is the same everywhere — iterations, visiting the samples (whole, or chunk by chunk
 * with the chunks' sums added), the stop rules (`untilNoError`, `shouldStop`), when stats are
 * computed, `onIteration`, and (in {@link trainAsync}) giving the event loop its turns. A
 * {@link Network} supplies only the maths: one chunk's sums, and the update from them.
 *
 * A network that computes elsewhere (`sql`: in a database) gives its sums and stats as promises:
 * the loop yields each one ({@link settled}) to its driver, which awaits it and resumes the loop
 * with the value ({@link trainAsync}) or refuses it ({@link train}). The loop is the same.
 */
function* iterations<Samples, Sums>(where: string, net: Network<Samples, Sums>, data: SampleSource, settings: TrainSettings): Generator<Pending, TrainResult, unknown> {
  const { a, iterations: count } = settings;
  const gradient = settings.gradient ?? 'article';
  const m = data.samples;
  const whole = wholeInMemory(data, settings.chunkSamples);
  // Samples held in memory are made ready once (tfjs: uploaded as tensors), not every iteration;
  // samples that stay in their database are taken whole there.
  const loaded = whole ? net.load(whole) : data.remote && attach(net, data.remote);
  // read chunk by chunk: a chunk that cannot add anything is not read, where the network's kernel screens
  const chunks = !loaded && net.screensChunks && gradient === 'article' ? new ChunkScreen(data.features, data.outputs) : undefined;
  // the largest ‖x_j‖₂: of the samples in memory now, of chunks as the first pass reads them
  const xNorm: { value?: number } = { value: whole ? knownNorm(whole.x) : undefined };
  // W and b as the next pass uses them, read back once an iteration (after each update)
  let theta = { W: net.weights(), b: net.bias() };
  const pocket = settings.pocket ? new Pocket() : undefined;
  // with pocket or finalStats, the loop ends with one more forward pass (no update) for the stats of the last W and b
  const measureLast = pocket !== undefined || settings.finalStats === true;
  const start = theta;
  try {
    let result: TrainResult | undefined;
    let final: IterationStats | undefined;
    for (let i = 0; ; i++) {
      if (!result && i === count) result = { iterationsRun: count };
      else if (!result && settings.shouldStop?.()) result = { iterationsRun: i, stoppedBy: 'interrupt' };
      // a callback (shouldStop, onIteration, or the event loop's turn) may have let the network go
      if (net.disposed) throw disposedDuring(where);
      if (result && !measureLast) break;
      const track: Track = result !== undefined ? 'loss' : tracked(settings, i);
      const trace = !result && settings.trace?.(i + 1) === true;
      if (trace && !loaded) throw new InputError('tracing needs the samples whole in memory (not in chunks)');
      const sums = yield* settled(loaded ? net.sums(loaded, gradient, track, trace) : chunkedSums(net, data, settings.chunkSamples, gradient, track, chunks, xNorm, theta));
      let stats: IterationStats | undefined;
      let forward: ReturnType<typeof net.traced> | undefined;
      try {
        // the sums of a W and b whose z could overflow are not used (their errors would be wrong)
        if (xNorm.value !== undefined) checkRange(net, theta, xNorm.value, i);
        if (trace) forward = net.traced(sums);
        if (track) {
          const { errors, loss } = yield* settled(net.stats(sums));
          const meanLoss = loss / (net.outputs * m);
          stats = { iteration: i + 1, errors, ...(track === 'loss' && { loss: meanLoss }) };
          pocket?.consider({ errors, loss: meanLoss }, i, net); // the pocket's passes all track the loss
        }
        if (result) {
          final = stats; // the last pass: stats only
          break;
        }
        if (settings.untilNoError && stats!.errors === 0) {
          settings.onIteration?.(i + 1, stats);
          result = { iterationsRun: i, stoppedBy: 'no-error' };
          // the last W and b's loss, when this pass did not compute it: the next pass (result set, no update) does
          if (measureLast && stats!.loss === undefined) continue;
          final = stats;
          break;
        }
        net.update(sums, a, m);
      } finally {
        net.free(sums);
      }
      theta = { W: net.weights(), b: net.bias() };
      checkFinite(theta, i + 1, net.backend === 'plain' ? undefined : (xNorm.value ?? 0) * m);
      if (forward) settings.onTrace?.(traceStep(net, i + 1, forward, m));
      settings.onIteration?.(i + 1, stats);
      yield;
    }
    const ended = chunks ? { ...result!, chunks: { read: chunks.read, skipped: chunks.skipped } } : result!;
    if (!measureLast) return ended;
    const last = { ...ended, final: { errors: final!.errors, loss: final!.loss! } };
    return pocket ? { ...last, pocket: { afterUpdates: pocket.afterUpdates, ...pocket.restore(net) } } : last;
  } catch (err) {
    // a run that fails changes nothing: W and b as they were before it (not the last update's, which may be why it failed)
    if (!net.disposed) net.assign(start.W, start.b);
    throw err;
  } finally {
    if (loaded) net.unload(loaded);
  }
}

/**
 * Gallant's pocket (1990): the W and b with the fewest training errors seen so far (ties: the lower
 * loss, then the earlier), kept aside while the article's rule goes on updating.
 */
class Pocket {
  private best: ErrorsAndLoss | undefined;
  private W: Matrix | undefined;
  private b = 0;
  afterUpdates = 0;

  /** Keeps the network's current W and b if `stats` (of its forward pass, after `updates` updates) beat the pocket's. */
  consider(stats: ErrorsAndLoss, updates: number, net: Network<unknown, unknown>): void {
    const best = this.best;
    if (best && (stats.errors > best.errors || (stats.errors === best.errors && !(stats.loss < best.loss)))) return;
    this.best = { errors: stats.errors, loss: stats.loss };
    this.W = net.weights();
    this.b = net.bias();
    this.afterUpdates = updates;
  }

  /** Puts the pocket's W and b into the network; returns their stats. */
  restore(net: Network<unknown, unknown>): ErrorsAndLoss {
    net.assign(this.W!, this.b);
    return this.best!;
  }
}

/** The sums over all samples, chunk by chunk: each chunk is made ready, summed, and let go. */
function chunkedSums<Samples, Sums>(
  net: Network<Samples, Sums>,
  data: SampleSource,
  chunkSamples: number | undefined,
  gradient: NonNullable<TrainSettings['gradient']>,
  track: Track,
  screen?: ChunkScreen,
  xNorm: { value?: number } = {},
  theta?: { W: Matrix; b: number },
): Sums {
  let total: Sums | undefined;
  if (screen) screen.begin((theta?.W ?? net.weights()).data, theta?.b ?? net.bias(), track === 'loss');
  const first = xNorm.value === undefined;
  let norm = 0;
  try {
    data.forEachChunk(chunkSamples, (chunk) => {
      if (first) norm = Math.max(norm, largestNorm(chunk.x));
      screen?.readChunk(chunk);
      const samples = net.load(chunk);
      try {
        const part = net.sums(samples, gradient, track);
        if (isPending(part)) throw new Error('a network that computes asynchronously sums the samples where they live, not chunks read here');
        total = total === undefined ? part : net.add(total, part);
      } finally {
        net.unload(samples);
      }
    }, screen && ((offset, n) => (total !== undefined || offset + n < data.samples) && screen.skip(offset, n))); // the last chunk is read when no other was: the sums come from a read
  } catch (err) {
    if (total !== undefined) net.free(total); // the chunks summed before a chunk failed
    throw err;
  }
  if (first) xNorm.value = norm;
  return total!;
}

/** {@link largestNorm} of samples held in memory, once per buffer (a benchmark trains on the same x call after call). */
const norms = new WeakMap<object, number>();
function knownNorm(x: Matrix): number {
  let norm = norms.get(x.data);
  if (norm === undefined) norms.set(x.data, (norm = largestNorm(x)));
  return norm;
}

/** The largest ‖x_j‖₂ over the samples (columns) of x, in float64, scaled so that no square overflows (Infinity only past the range). */
function largestNorm(x: Matrix): number {
  const n = x.rows * x.cols;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(x.data[i]));
  if (scale === 0) return 0;
  const squares = new Float64Array(x.cols);
  for (let f = 0; f < x.rows; f++) {
    for (let j = 0; j < x.cols; j++) squares[j] += (x.data[f * x.cols + j] / scale) ** 2;
  }
  let most = 0;
  for (let j = 0; j < x.cols; j++) if (squares[j] > most) most = squares[j];
  return scale * Math.sqrt(most);
}

/**
 * The pass just made with W and b (after `updates` updates) could not have overflowed: every partial
 * sum of z = Wᵀ·x_j + b is at most |b| + ‖W‖·‖x_j‖ (Cauchy–Schwarz), which must stay below the
 * largest value the network computes in (float64 for plain, float32 otherwise), less the roundings. Beyond it a sum
 * could come out ±Infinity or NaN, and the errors and the update with it.
 */
function checkRange(net: Network<unknown, unknown>, { W, b }: { W: Matrix; b: number }, xNorm: number, updates: number): void {
  if (net.backend === 'sql') return; // a database computes in double precision, beyond this loop's sight
  let w2 = 0;
  for (const w of W.data) w2 += w * w;
  const bound = Math.abs(b) + (w2 === 0 ? 0 : Math.sqrt(w2) * xNorm);
  const [limit, type, u] = net.backend === 'plain' ? [Number.MAX_VALUE, 'float64', 2 ** -53] : [FLOAT32_MAX, 'float32', 2 ** -24];
  // each partial sum is within (F + 2) roundings of one of at most this size
  const safe = limit / (1 + 2 * (net.features + 2) * u);
  if (!(bound < safe)) {
    throw new InputError(
      `z = Wᵀ·x + b could overflow ${type} ${updates === 0 ? 'with the initial W and b' : `after ${updates} update${updates === 1 ? '' : 's'}`}: ` +
        `|b| + ‖W‖·max‖x_j‖ is ${bound.toPrecision(3)}, past ${type}'s largest value (${limit.toPrecision(3)}), so the errors and the update could be wrong; ` +
        'scale the features (',
      option('standardize'),
      '), start from smaller W and b, or lower ',
      option('learningRate'),
      net.backend === 'plain' ? '' : ' (or train on plain, in float64)',
    );
  }
}

/** A value that is not what was expected, for a message. */
const what = (value: unknown) => (value === null ? 'null' : typeof value === 'object' ? 'another object' : given(value));

/**
 * What `train` and `trainAsync` are given, checked once at the call: a network (createNetwork), a
 * sample source (memorySource) and settings with a and iterations, each by its rule.
 */
function checkTraining(where: string, net: unknown, data: unknown, settings: unknown): SampleSource {
  if (typeof net !== 'object' || net === null || typeof (net as Network<unknown, unknown>).sums !== 'function') {
    throw new InputError(`${where}: the network must be one that createNetwork made, got ${what(net)}`);
  }
  if ((net as Network<unknown, unknown>).disposed) throw new InputError(`${where}: the network was disposed; make another with createNetwork`);
  const source = checkedSampleSource(where, data, 'the samples must be a SampleSource (memorySource(x, y))');
  const { features, outputs } = net as Network<unknown, unknown>;
  if (features !== source.features || outputs !== source.outputs) {
    throw new InputError(
      `${where}: the network's W is ${features}×${outputs}, but the samples have ${source.features} feature${source.features === 1 ? '' : 's'} and ${source.outputs} output${source.outputs === 1 ? '' : 's'}; W must be features×outputs`,
    );
  }
  if (settings === undefined) throw new InputError(`${where}: the settings are missing; expected at least { a, iterations }`);
  checkOptionsObject(where, settings, TRAIN_RULES);
  for (const key of ['a', 'iterations'] as const) {
    if ((settings as TrainSettings)[key] === undefined) throw new InputError(`${where}: the settings have no ${key}; expected at least { a, iterations }`);
  }
  const { backend } = net as Network<unknown, unknown>;
  if (isTensorBackend(backend)) {
    // a and x as a float32 backend holds them (1e39 would be Infinity there); the Classifier checks the same
    checkSettingsFitFloat32(backend, (settings as TrainSettings).a, undefined, 0);
    if (!source.remote) checkDataFitsFloat32(source, backend);
  }
  return source;
}

/** Runs the article's loop on the samples, updating the network's W and b in place. */
export function train<Samples, Sums>(net: Network<Samples, Sums>, data: SampleSource, settings: TrainSettings): TrainResult {
  const run = iterations('train', net, checkTraining('train', net, data, settings), settings);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    if (step.value) {
      step.value.then(undefined, () => undefined); // its outcome no longer matters
      const err = new InputError(`this network computes asynchronously (${net.compute}): train it with trainAsync (fitAsync), not train (fit)`);
      run.throw(err); // the loop lets its samples go
      throw err;
    }
  }
}

/**
 * {@link train}, giving the event loop a turn every `sliceMs` of training, so that signals
 * (Ctrl-C → `shouldStop`), timers and output keep working during a long run. The iterations and
 * their results are exactly {@link train}'s.
 */
export async function trainAsync<Samples, Sums>(
  net: Network<Samples, Sums>,
  data: SampleSource,
  settings: TrainSettings,
  sliceMs = 50,
): Promise<TrainResult> {
  const run = iterations('trainAsync', net, checkTraining('trainAsync', net, data, settings), settings);
  let sliceStart = Date.now();
  let step = run.next();
  for (;;) {
    if (step.done) return step.value;
    if (step.value) {
      // a network's sums or stats, computed elsewhere: awaiting them gives the event loop its turns
      let value: unknown;
      try {
        value = await step.value;
      } catch (err) {
        step = run.throw(err); // the loop lets its samples go, and the error comes out of it
        continue;
      }
      step = net.disposed
        ? run.throw(disposedDuring('trainAsync'))
        : run.next(value);
      sliceStart = Date.now();
      continue;
    }
    if (Date.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = Date.now();
      // the caller ran in that turn, and may have let the network go
      if (net.disposed) {
        step = run.throw(disposedDuring('trainAsync'));
        continue;
      }
    }
    step = run.next();
  }
}

/** The error of a network disposed while trainAsync ran on it (in a turn it gave the event loop). */
function disposedDuring(where: string): InputError {
  return new InputError(`${where}: the network was disposed during training; its W and b are gone (dispose it after ${where} ${where === 'train' ? 'returns' : 'settles'})`);
}

/** What the loop yields to its driver: a value a network computes elsewhere, to await; or nothing (a place for the event loop's turn). */
type Pending = PromiseLike<unknown> | undefined;

function isPending<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** A value as the loop uses it: at once, or (computed elsewhere) yielded to the driver, which resumes the loop with it. */
function* settled<T>(value: T | PromiseLike<T>): Generator<Pending, T, unknown> {
  return isPending(value) ? ((yield value) as T) : value;
}

/** Samples that stay in their database, taken whole by a network that computes there. */
function attach<Samples>(net: Network<Samples, unknown>, remote: RemoteSamples): Samples {
  if (!net.attach) throw new InputError(`${remote.name}: the samples stay in their database, where only `, option('backend'), ' sql trains; read them into memory for this backend');
  return net.attach(remote);
}

/**
 * Training has diverged when W or b is no longer a finite number (the sums overflowed): an
 * {@link InputError}, since what fixes it is the user's (a smaller learning rate, scaled features).
 * Reading W and b back costs about nothing on every backend here (they are features×outputs + 1 values).
 */
function checkFinite({ W, b }: { W: Matrix; b: number }, iteration: number, float32Sum?: number): void {
  const which = !W.data.every(Number.isFinite) ? 'W is' : !Number.isFinite(b) ? 'b is' : undefined;
  if (!which) return;
  // x·eᵀ is summed over the samples before the division by m: in float32 that sum can overflow whatever a is
  if (float32Sum !== undefined && !(float32Sum < FLOAT32_MAX)) {
    throw new InputError(
      `training diverged at iteration ${iteration}: ${which} no longer finite: the sum x·eᵀ over the samples can pass float32's largest value ` +
        `(m·max‖x_j‖ is ${float32Sum.toPrecision(3)}), whatever the learning rate; scale the features (`,
      option('standardize'),
      ') or train on plain (float64)',
    );
  }
  throw new InputError(`training diverged at iteration ${iteration}: ${which} no longer finite; lower `, option('learningRate'), ' or scale the features');
}

/** A traced iteration, in the article's names: dW = x·eᵀ / m and db = sum(e) / m as the update used them, then W and b after it. */
function traceStep(net: Network<unknown, unknown>, iteration: number, traced: ReturnType<Network['traced']>, m: number): TraceStep {
  const { xe, sumE, ...forward } = traced;
  const dW = { ...xe, data: xe.data.map((v) => v / m) };
  return { iteration, ...forward, dW, db: sumE / m, W: net.weights(), b: net.bias() };
}

/** A turn of the event loop: setImmediate in Node, a zero timeout where there is none (browsers). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * What iteration `i` (0-based) tracks under these settings: the errors (every `statsEvery`, or
 * every iteration to stop at no error), and the loss where `lossAt` asks (default: with the
 * errors); the pocket ranks by both, every iteration.
 */
function tracked(settings: TrainSettings, i: number): Track {
  if (settings.pocket) return 'loss';
  const every = settings.statsEvery ?? 0;
  const errors = settings.untilNoError === true || (every > 0 && i % every === 0);
  if (settings.lossAt ? settings.lossAt(i + 1) : errors) return 'loss';
  return errors ? 'errors' : false;
}

/** All the samples as one chunk when training takes them whole from memory; else undefined (they stream in chunks). */
function wholeInMemory(data: SampleSource, chunkSamples: number | undefined): Chunk | undefined {
  const unchunked = chunkSamples === undefined || chunkSamples >= data.samples;
  return unchunked && data.inMemory ? { ...data.inMemory, offset: 0 } : undefined;
}
