import { statSync } from 'node:fs';
import { Classifier } from '../classifier';
import { readCsv } from '../data/csv';
import { ARTICLE_INIT, andGate, type Dataset } from '../data/dataset';
import { iris } from '../data/iris';
import { npyDataset } from '../data/npy-source';
import { splitDataset } from '../data/split';
import { synthetic } from '../data/synthetic';
import { InputError } from '../errors';
import type { IterationStats } from '../network/network';
import { parseOptions } from './args';
import { TrainingProgress } from './progress';
import { writeJson } from './json';
import { describeRun, listNames, makeReport, type RunFacts } from './report';
import type { Io } from './run';
import { TRAIN_HELP, TRAIN_OPTIONS, readTrainArgs, type DataArgs, type TrainArgs } from './train-options';

/** x.npy files larger than this are streamed from disk even without --chunk-samples. */
const STREAM_NPY_BYTES = 1 << 30;

/** `npm run train -- …`: parse, load, train, print. */
export async function train(argv: readonly string[], io: Io): Promise<void> {
  const values = parseOptions(argv, TRAIN_OPTIONS);
  if (values.help) {
    io.stdout(TRAIN_HELP);
    return;
  }
  const args = readTrainArgs(values);
  const dataset = await loadDataset(args.data, args.chunkSamples);
  try {
    await trainOn(dataset, args, io);
  } finally {
    dataset.samples.close?.();
  }
}

async function trainOn(dataset: Dataset, args: TrainArgs, io: Io): Promise<void> {
  const { train: trainSet, test } = args.testSplit === undefined ? { train: dataset, test: undefined } : splitDataset(dataset, args.testSplit, args.seed);
  const article = args.data.kind === 'article';
  const weights = args.weights ?? (article ? [...ARTICLE_INIT.weights] : new Array<number>(dataset.samples.features).fill(0));
  const bias = args.bias ?? (article ? ARTICLE_INIT.bias : 0);
  checkWeightCount(weights, dataset);

  const net = await Classifier.create({ backend: args.backend, learningRate: args.a, iterations: args.iterations, weights, bias, gradient: args.gradient });
  try {
    const before = args.json ? undefined : net.evaluate(trainSet.samples, args.chunkSamples).predictions;
    const history: IterationStats[] = [];
    const progress = new TrainingProgress(io, args.iterations);
    let interrupted = false;
    const stopListening = io.onInterrupt?.(() => {
      if (interrupted) io.exitNow?.(130);
      interrupted = true;
      io.stderr('\ninterrupted: stopping after the current iteration (Ctrl-C again to quit at once)\n');
    });
    try {
      net.fit(trainSet.samples, {
        chunkSamples: args.chunkSamples,
        untilNoError: args.untilNoError,
        statsEvery: progress.enabled ? 10 : 0,
        onIteration: (i, stats) => {
          if (stats) history.push(stats);
          progress.update(i, stats);
        },
        shouldStop: () => interrupted,
      });
    } finally {
      progress.stop();
      stopListening?.();
    }
    const facts: RunFacts = {
      args,
      dataset: trainSet,
      initialWeights: weights,
      initialBias: bias,
      before,
      result: net.lastFit!,
      train: net.evaluate(trainSet.samples, args.chunkSamples),
      test: test && net.evaluate(test.samples),
      testSamples: test?.samples.samples,
    };
    const report = makeReport(net, facts);
    if (args.json) writeJson(io.stdout, { ...report });
    else io.stdout(describeRun(net, facts, report));
    if (facts.result.stoppedBy === 'interrupt') io.stderr(`stopped after ${facts.result.iterationsRun} iterations (interrupted)\n`);
  } finally {
    net.dispose();
  }
}

/** The samples the options name, checked at the edge. */
async function loadDataset(data: DataArgs, chunkSamples: number | undefined): Promise<Dataset> {
  switch (data.kind) {
    case 'article':
      return andGate();
    case 'csv':
      return readCsv(data.path, { labels: data.labels });
    case 'npy':
      return npyDataset(data.x, data.y, { stream: chunkSamples !== undefined || fileSize(data.x) > STREAM_NPY_BYTES });
    case 'iris':
      return iris(data.labels);
    case 'synthetic':
      return synthetic(data);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the loader says what is wrong with the file
  }
}

function checkWeightCount(weights: readonly number[], data: Dataset): void {
  const F = data.samples.features;
  const k = data.samples.outputs;
  if (weights.length !== F && weights.length !== F * k) {
    const expected = k === 1 ? `${F}` : `${F} (one per feature) or ${F * k} (features×outputs)`;
    throw new InputError(
      `--weights: got ${weights.length} value${weights.length === 1 ? '' : 's'}, but ${data.name} has ` +
        `${F} feature${F === 1 ? '' : 's'} (${listNames(data.featureNames)}); expected ${expected}`,
    );
  }
}
