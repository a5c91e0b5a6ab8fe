import { Classifier } from '../classifier';
import { readCsv } from '../data/csv';
import { ARTICLE_INIT, andGate, type Dataset } from '../data/dataset';
import { iris } from '../data/iris';
import { npyDataset, npyMemoryBytes } from '../data/npy-source';
import { splitDataset } from '../data/split';
import { synthetic } from '../data/synthetic';
import { InputError } from '../errors';
import type { IterationStats } from '../network/network';
import { parseOptions } from './args';
import { TrainingProgress } from './progress';
import { writeJson } from './json';
import { checkOutputs, writeOutputs } from './outputs';
import { describeRun, listNames, makeReport, plural } from './report';
import type { Io } from './run';
import { TRAIN_HELP, TRAIN_OPTIONS, readTrainArgs } from './train-options';
import type { DataArgs, RunFacts, TrainArgs } from './types';

/** x.npy files that would take more memory than this are streamed from disk even without --chunk-samples. */
const STREAM_NPY_BYTES = 1 << 30;

/** `npm run train -- …`: parse, load, train, print. */
export async function train(argv: readonly string[], io: Io): Promise<number> {
  const values = parseOptions(argv, TRAIN_OPTIONS);
  if (values.help) {
    io.stdout(TRAIN_HELP);
    return 0;
  }
  const args = readTrainArgs(values);
  // before loading: a long run must not be lost to a typo in a path, nor write over its own data
  checkOutputs(args.outputs, args.data);
  const dataset = await loadDataset(args.data, args.chunkSamples);
  try {
    return await trainOn(dataset, args, io);
  } finally {
    dataset.source.close?.();
  }
}

/** Trains and reports; returns the exit status: 0, or 130 when Ctrl-C stopped the run (results kept). */
async function trainOn(dataset: Dataset, args: TrainArgs, io: Io): Promise<number> {
  const { train: trainSet, test } =
    args.testSplit === undefined ? { train: dataset, test: undefined } : splitDataset(dataset, args.testSplit, args.seed);
  const article = args.data.kind === 'article';
  const weights = args.weights ?? (article ? [...ARTICLE_INIT.weights] : new Array<number>(dataset.source.features).fill(0));
  const bias = args.bias ?? (article ? ARTICLE_INIT.bias : 0);
  checkWeightCount(weights, dataset);

  const net = await Classifier.create({
    backend: args.backend,
    learningRate: args.a,
    iterations: args.iterations,
    weights,
    bias,
    gradient: args.gradient,
    kernels: args.kernels,
  });
  // Ctrl-C: the first stops after the current iteration (then results are printed and saved as
  // usual); a second exits at once. Saving is synchronous and atomic, so it is never cut in half.
  let interrupted = false;
  const progress = new TrainingProgress(io, args.iterations);
  const stopListening = io.onInterrupt?.(() => {
    if (interrupted) io.exitNow?.(130);
    interrupted = true;
    progress.stop(); // so the bar does not draw over the message
    io.stderr('interrupted: stopping after the current iteration (Ctrl-C again to quit at once)\n');
  });
  try {
    const before = args.json ? undefined : net.evaluate(trainSet.source, args.chunkSamples).predictions;
    const history = await fit(net, trainSet, args, progress, () => interrupted);
    const result = net.lastFit!;
    const facts: RunFacts = {
      args,
      dataset: trainSet,
      initialWeights: weights,
      initialBias: bias,
      before,
      result,
      train: net.evaluate(trainSet.source, args.chunkSamples),
      test: test && net.evaluate(test.source),
      testSamples: test?.source.samples,
    };
    const report = makeReport(net, facts);
    const training = { data: dataset.name, ...(args.chunkSamples && { chunkSamples: args.chunkSamples }), ...(result.stoppedBy && { stoppedBy: result.stoppedBy }) };
    const written = await writeOutputs(args.outputs, net, trainSet, report, history, training);
    if (args.json) writeJson(io.stdout, { ...report });
    else io.stdout(describeRun(net, facts, report) + written.map((w) => `wrote ${w}\n`).join(''));
    if (result.stoppedBy === 'interrupt') {
      const saved = args.outputs.save === undefined ? '' : `; saved the last completed state to ${args.outputs.save}`;
      io.stderr(`stopped after ${result.iterationsRun} iterations (interrupted)${saved}\n`);
      return 130;
    }
    return 0;
  } finally {
    stopListening?.();
    net.dispose();
  }
}

/** Trains, with a progress bar on a terminal; returns the per-iteration stats it gathered. */
async function fit(
  net: Classifier,
  data: Dataset,
  args: TrainArgs,
  progress: TrainingProgress,
  interrupted: () => boolean,
): Promise<IterationStats[]> {
  const history: IterationStats[] = [];
  try {
    await net.fitAsync(data.source, {
      chunkSamples: args.chunkSamples,
      untilNoError: args.untilNoError,
      // The plot needs every iteration's stats; a progress bar is fine with every 10th.
      statsEvery: args.outputs.plot !== undefined ? 1 : progress.enabled ? 10 : 0,
      onIteration: (i, stats) => {
        if (stats && args.outputs.plot !== undefined) history.push(stats);
        if (!interrupted()) progress.update(i, stats);
      },
      shouldStop: interrupted,
    });
  } finally {
    progress.stop();
  }
  return history;
}

/** The samples the options name, checked at the edge. */
async function loadDataset(data: DataArgs, chunkSamples: number | undefined): Promise<Dataset> {
  switch (data.kind) {
    case 'article':
      return andGate();
    case 'csv':
      return readCsv(data.path, { labels: data.labels });
    case 'npy':
      return npyDataset(data.x, data.y, { stream: chunkSamples !== undefined || npyMemoryBytes(data.x) > STREAM_NPY_BYTES });
    case 'iris':
      return iris(data.labels);
    case 'synthetic':
      return synthetic(data);
  }
}

function checkWeightCount(weights: readonly number[], data: Dataset): void {
  const F = data.source.features;
  const k = data.source.outputs;
  if (weights.length !== F && weights.length !== F * k) {
    const expected = k === 1 ? `${F}` : `${F} (one per feature) or ${F * k} (features×outputs)`;
    throw new InputError(
      `--weights: got ${plural(weights.length, 'value')}, but ${data.name} has ` +
        `${plural(F, 'feature')} (${listNames(data.featureNames)}); expected ${expected}`,
    );
  }
}
