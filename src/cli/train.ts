import { Classifier } from '../classifier';
import { readCsv } from '../data/csv';
import { ARTICLE_INIT, andGate, type Dataset } from '../data/dataset';
import { iris } from '../data/iris';
import { npyDataset, npyMemoryBytes } from '../data/npy-source';
import { splitDataset } from '../data/split';
import { checkStandardizable, featureStats, standardization } from '../data/standardize';
import { synthetic } from '../data/synthetic';
import { checkWeightCount } from '../network/init';
import { flagOf } from '../options';
import { findingsOf, lossPoints, statsCadence } from './findings';
import type { IterationStats, TraceStep } from '../network/network';
import { parseTraceSpec } from './trace';
import { parseOptions } from './args';
import { TrainingProgress } from './progress';
import { writeJson } from './json';
import { checkOutputs, checkOutputsNotRead, checkSqlInputs, writeOutputs } from './outputs';
import { describeRun, makeReport } from './report';
import { signalName, signalStatus, type EndingSignal, type Io } from './run';
import { signalsHeard } from '../io/atomic';
import { checkSqlArgs, explainTraining, loadSqlData } from './sql-data';
import { TRAIN_HELP, TRAIN_OPTIONS, readTrainArgs } from './train-options';
import type { DataArgs, RunFacts, TrainArgs } from './types';
import type { SqlSpec } from '../sql/data';

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
  checkSqlArgs(args);
  checkSqlInputs(args.data);
  if (args.explainSql) {
    io.stdout(await explainTraining(args));
    return 0;
  }
  // before loading: a long run must not be lost to a typo in a path, nor write over its own data
  checkOutputs(args.outputs, args.data);
  const dataset = await loadDataset(args.data, args.chunkSamples, (files, views) => checkOutputsNotRead(args.outputs, files, args.data, views));
  try {
    return await trainOn(dataset, args, io);
  } finally {
    dataset.source.close?.();
  }
}

/** Trains and reports; returns the exit status: 0, or 128 + the signal's number when a signal stopped the run (results kept: 130 for Ctrl-C, 143 for SIGTERM). */
async function trainOn(dataset: Dataset, args: TrainArgs, io: Io): Promise<number> {
  const { train: trainSet, test, indices } =
    args.testSplit === undefined ? { train: dataset, test: undefined, indices: undefined } : splitDataset(dataset, args.testSplit, args.seed);
  const article = args.data.kind === 'article';
  const weights = args.weights ?? (article ? [...ARTICLE_INIT.weights] : new Array<number>(dataset.source.features).fill(0));
  const bias = args.bias ?? (article ? ARTICLE_INIT.bias : 0);
  checkWeightCount(weights, { name: dataset.name, featureNames: dataset.featureNames, outputs: dataset.source.outputs });
  // one pass over the training samples (after the split): for the scale warnings and --standardize
  // (not over samples that stay in a database, which cannot be standardized)
  if (args.standardize) checkStandardizable(trainSet.source);
  const stats = trainSet.source.remote ? undefined : featureStats(trainSet.source, args.chunkSamples);

  const net = await Classifier.create({
    backend: args.backend,
    learningRate: args.a,
    iterations: args.iterations,
    weights,
    bias,
    gradient: args.gradient,
    kernels: args.kernels,
    standardize: args.standardize && stats ? standardization(stats) : undefined,
  });
  // Ctrl-C, SIGTERM, SIGHUP, … (or npm gone): the first stops after the current iteration (then
  // results are printed and saved as usual, exit 128 + the signal's number); a second takes the
  // signal's default action at once. Outputs are renamed into place together at the end, so they
  // are never cut in half.
  let interrupted: EndingSignal | undefined;
  // a signal heard while the data loaded (synchronously, for seconds) ends the run as it would have then
  await signalsHeard();
  const progress = new TrainingProgress(io, args.iterations);
  let stopAfterTraining: (() => void) | undefined;
  const stopListening = io.onInterrupt?.((signal) => {
    interrupted = signal;
    progress.stop(); // so the bar does not draw over the message
    io.stderr(`interrupted: stopping after the current iteration (${signalName(signal)} again to quit at once)\n`);
  });
  try {
    const before = args.json ? undefined : (await net.evaluateAsync(trainSet.source, args.chunkSamples)).predictions;
    const { history, trace } = await fit(net, trainSet, args, progress, () => interrupted !== undefined);
    // Training is over: from here a signal (the first, or a second one) ends the run through
    // process.exit, whose handlers remove the outputs' temporary files; the outputs are renamed
    // into place synchronously, so a signal never cuts that in half.
    stopListening?.();
    stopAfterTraining = io.onInterrupt?.((signal) => {
      io.stderr(`interrupted (${signalName(signal)}) while the results were being made: no output written, the files as they were\n`);
      io.exitNow?.(signalStatus(signal));
    });
    const result = net.lastFit!;
    const facts: RunFacts = {
      args,
      dataset: trainSet,
      initialWeights: weights,
      initialBias: bias,
      before,
      result,
      train: await net.evaluateAsync(trainSet.source, args.chunkSamples),
      test: test && net.evaluate(test.source),
      testSamples: test?.source.samples,
      ...(args.trace !== undefined && { trace }),
      history,
      findings: findingsOf(args, trainSet, stats, result, history),
    };
    const report = makeReport(net, facts);
    const training = {
      data: dataset.name,
      ...(args.chunkSamples && { chunkSamples: args.chunkSamples }),
      ...(result.stoppedBy && { stoppedBy: result.stoppedBy }),
      ...(args.testSplit !== undefined && { testSplit: args.testSplit, seed: args.seed }),
      ...(args.pocket && { pocket: result.pocket }),
    };
    const rows = { numbering: args.data.kind === 'csv' ? 'row' : 'sample', train: trainSet, test, indices, chunkSamples: args.chunkSamples } as const;
    const written = await writeOutputs(args.outputs, net, trainSet, report, history, training, rows);
    if (args.json) writeJson(io.stdout, { ...report });
    else io.stdout(describeRun(net, facts, report) + written.map((w) => `wrote ${w}\n`).join(''));
    for (const finding of facts.findings) io.stderr(`warning: ${finding.describe(flagOf)}\n`);
    if (result.stoppedBy === 'interrupt') {
      const saved = args.outputs.save === undefined ? '' : `; saved the last completed state to ${args.outputs.save}`;
      io.stderr(`stopped after ${result.iterationsRun} iterations (interrupted)${saved}\n`);
      return signalStatus(interrupted ?? 'SIGINT');
    }
    return 0;
  } finally {
    stopListening?.();
    stopAfterTraining?.();
    net.dispose();
  }
}

/** Trains, with a progress bar on a terminal; returns the per-iteration stats and the traced iterations it gathered. */
async function fit(
  net: Classifier,
  data: Dataset,
  args: TrainArgs,
  progress: TrainingProgress,
  interrupted: () => boolean,
): Promise<{ history: IterationStats[]; trace: TraceStep[] }> {
  const history: IterationStats[] = [];
  const trace: TraceStep[] = [];
  try {
    await net.fitAsync(data.source, {
      chunkSamples: args.chunkSamples,
      untilNoError: args.untilNoError,
      ...(args.trace !== undefined && { trace: parseTraceSpec(args.trace, args.iterations), onTrace: (step: TraceStep) => trace.push(step) }),
      // The plot needs every iteration's errors and loss; the report and warnings about 200 points'
      // errors (a progress bar is fine with every 10th) and a few points' loss; and the errors and
      // loss of the last W and b.
      statsEvery: args.outputs.plot !== undefined ? 1 : Math.min(progress.enabled ? 10 : Infinity, statsCadence(args.iterations)),
      ...(args.outputs.plot === undefined && { lossAt: lossPoints(args.iterations) }),
      finalStats: true,
      pocket: args.pocket,
      onIteration: (i, stats) => {
        if (stats && (args.outputs.plot !== undefined || (stats.iteration - 1) % statsCadence(args.iterations) === 0)) history.push(stats);
        if (!interrupted()) progress.update(i, stats);
      },
      shouldStop: interrupted,
    });
  } finally {
    progress.stop();
  }
  return { history, trace };
}

/** The samples the options name, checked at the edge. */
export async function loadDataset(data: DataArgs, chunkSamples: number | undefined, onFilesRead?: SqlSpec['onFilesRead']): Promise<Dataset> {
  switch (data.kind) {
    case 'article':
      return andGate();
    case 'csv':
      return readCsv(data.path, { labels: data.labels, features: data.features, ignore: data.ignore, positive: data.positive });
    case 'npy':
      return npyDataset(data.x, data.y, { stream: chunkSamples !== undefined || npyMemoryBytes(data.x) > STREAM_NPY_BYTES });
    case 'iris':
      return iris(data.labels);
    case 'synthetic':
      return synthetic(data);
    case 'sql':
    case 'parquet':
      return loadSqlData(data, chunkSamples, onFilesRead);
  }
}

