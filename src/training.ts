import type { Chunk, SampleSource } from './data/source';
import { InputError, option } from './errors';
import type { IterationStats, Network, TraceStep, TrainResult, TrainSettings } from './network/network';

/**
 * The one training loop: the article's iterations, for every implementation.
 *
 * It owns what is the same everywhere — iterations, visiting the samples (whole, or chunk by chunk
 * with the chunks' sums added), the stop rules (`untilNoError`, `shouldStop`), when stats are
 * computed, `onIteration`, and (in {@link trainAsync}) giving the event loop its turns. A
 * {@link Network} supplies only the maths: one chunk's sums, and the update from them.
 */
function* iterations<Samples, Sums>(net: Network<Samples, Sums>, data: SampleSource, settings: TrainSettings): Generator<void, TrainResult> {
  const { a, iterations: count } = settings;
  const gradient = settings.gradient ?? 'article';
  const m = data.samples;
  const whole = wholeInMemory(data, settings.chunkSamples);
  // Samples held in memory are made ready once (tfjs: uploaded as tensors), not every iteration.
  const loaded = whole && net.load(whole);
  try {
    for (let i = 0; i < count; i++) {
      if (settings.shouldStop?.()) return { iterationsRun: i, stoppedBy: 'interrupt' };
      const track = wantsStats(settings, i);
      const trace = settings.trace?.(i + 1) === true;
      if (trace && !loaded) throw new InputError('tracing needs the samples whole in memory (not in chunks)');
      const sums = loaded ? net.sums(loaded, gradient, track, trace) : chunkedSums(net, data, settings.chunkSamples, gradient, track);
      let stats: IterationStats | undefined;
      let forward: ReturnType<typeof net.traced> | undefined;
      try {
        if (trace) forward = net.traced(sums);
        if (track) {
          const { errors, loss } = net.stats(sums);
          stats = { iteration: i + 1, errors, loss: loss / (net.outputs * m) };
        }
        if (settings.untilNoError && stats!.errors === 0) {
          settings.onIteration?.(i + 1, stats);
          return { iterationsRun: i, stoppedBy: 'no-error' };
        }
        net.update(sums, a, m);
      } finally {
        net.free(sums);
      }
      checkFinite(net, i + 1);
      if (forward) settings.onTrace?.(traceStep(net, i + 1, forward, m));
      settings.onIteration?.(i + 1, stats);
      yield;
    }
    return { iterationsRun: count };
  } finally {
    if (loaded) net.unload(loaded);
  }
}

/** The sums over all samples, chunk by chunk: each chunk is made ready, summed, and let go. */
function chunkedSums<Samples, Sums>(
  net: Network<Samples, Sums>,
  data: SampleSource,
  chunkSamples: number | undefined,
  gradient: NonNullable<TrainSettings['gradient']>,
  track: boolean,
): Sums {
  let total: Sums | undefined;
  data.forEachChunk(chunkSamples, (chunk) => {
    const samples = net.load(chunk);
    try {
      const part = net.sums(samples, gradient, track);
      total = total === undefined ? part : net.add(total, part);
    } finally {
      net.unload(samples);
    }
  });
  return total!;
}

/** Runs the article's loop on the samples, updating the network's W and b in place. */
export function train<Samples, Sums>(net: Network<Samples, Sums>, data: SampleSource, settings: TrainSettings): TrainResult {
  const run = iterations(net, data, settings);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
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
  const run = iterations(net, data, settings);
  let sliceStart = Date.now();
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    if (Date.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = Date.now();
    }
  }
}

/**
 * Training has diverged when W or b is no longer a finite number (the sums overflowed): an
 * {@link InputError}, since what fixes it is the user's (a smaller learning rate, scaled features).
 * Reading W and b back costs about nothing on every backend here (they are features×outputs + 1 values).
 */
function checkFinite(net: Network<unknown, unknown>, iteration: number): void {
  const which = !net.weights().data.every(Number.isFinite) ? 'W is' : !Number.isFinite(net.bias()) ? 'b is' : undefined;
  if (which) {
    throw new InputError(`training diverged at iteration ${iteration}: ${which} no longer finite; lower `, option('learningRate'), ' or scale the features');
  }
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

/** Whether iteration `i` (0-based) computes stats under these settings. */
export function wantsStats(settings: TrainSettings, i: number): boolean {
  if (settings.untilNoError) return true;
  const every = settings.statsEvery ?? 0;
  return every > 0 && i % every === 0;
}

/** All the samples as one chunk when training takes them whole from memory; else undefined (they stream in chunks). */
function wholeInMemory(data: SampleSource, chunkSamples: number | undefined): Chunk | undefined {
  const unchunked = chunkSamples === undefined || chunkSamples >= data.samples;
  return unchunked && data.inMemory ? { ...data.inMemory, offset: 0 } : undefined;
}
