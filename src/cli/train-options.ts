import type { BackendRequest } from '../classifier';
import { InputError, quote } from '../errors';
import type { Gradient, Kernels } from '../network/network';
import { checkOption, optionOrDefault, OPTIONS, type OptionKey } from '../options';
import { parseNameList, parseNumber, parseNumberList } from './args';
import type { DataArgs, TrainArgs } from './types';

export const TRAIN_HELP = `Trains the article's network with no hidden layer (forward propagation + backpropagation).

Usage: npm run train -- [options]        (npm start: the article's AND gate example)

Data (default: the article's AND gate):
  --data FILE.csv         a header row naming the columns (required), then one sample per
                          row, numeric cells; LF, CRLF or CR line endings
  --label COL[,COL…]      label column(s) of --data, values 0 or 1 (default: the last column);
                          for --dataset iris: a class, several, or all (default: setosa)
  --x X.npy --y Y.npy     numpy arrays in the article's orientation: x features×samples,
                          y outputs×samples (or 1-D); float32/64, (u)int8–64, bool; C or Fortran
  --dataset iris          Fisher's iris (150 samples, 4 features), one-vs-rest labels
  --dataset synthetic     linearly separable data: --features N --samples M [--seed S]

Training:
  --backend NAME          auto (default) | tensorflow | wasm | cpu | plain
                          auto: tensorflow when @tensorflow/tfjs-node loads, else wasm, else cpu
  --iterations N          iterations of the article's loop (default 1000)
  --lr A                  learning rate a (default 0.1)
  --weights W1,W2,…       initial W, one value per feature (default: the article's 0.4,0.2 for
                          the built-in example, zeros otherwise)
  --bias B                initial b (default: 1 for the built-in example, 0 otherwise)
  --gradient KIND         article (default): y_pred − y;  logistic: s − y (cross-entropy gradient)
  --kernels KIND          tfjs backends: fused (default): the backend's own kernel for the
                          article's sums, on every core (wasm: WebAssembly SIMD; cpu: JavaScript;
                          tensorflow has none and runs ops); ops: tfjs's own matMul, sigmoid,
                          threshold and a hand-written update in tf.tidy, as the article reads
  --chunk-samples N       stream the samples in chunks of N each iteration (full-batch update);
                          .npy files are then read from disk every iteration, never held whole
  --until-no-error        stop at the first iteration with no training error
  --test-split F          hold out a fraction F of the samples (seeded shuffle) as a test set
  --seed S                seed for --test-split and --dataset synthetic, 0…2³²−1 (default 1)

Output:
  --json                  print one JSON object on stdout and nothing else
  --save FILE.json        save the trained model (atomically), for npm run predict
  --export-tfjs DIR       write a TensorFlow.js LayersModel (model.json + weights.bin)
  --plot FILE.svg|.png    plot training errors and loss per iteration (and, for 2 features,
                          the samples and the decision line)
  -h, --help              this text
`;

export const TRAIN_OPTIONS = {
  backend: { type: 'string' },
  iterations: { type: 'string' },
  lr: { type: 'string' },
  weights: { type: 'string' },
  bias: { type: 'string' },
  gradient: { type: 'string' },
  kernels: { type: 'string' },
  data: { type: 'string' },
  label: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  dataset: { type: 'string' },
  features: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  'chunk-samples': { type: 'string' },
  'until-no-error': { type: 'boolean' },
  'test-split': { type: 'string' },
  json: { type: 'boolean' },
  save: { type: 'string' },
  'export-tfjs': { type: 'string' },
  plot: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Checks every option once, before anything is loaded; messages name the option. */
export function readTrainArgs(values: Values): TrainArgs {
  const text = (name: string) => values[name] as string | undefined;
  // every value is read from its flag's text, then checked by the options table's rule for its key
  const number = (name: string, key: OptionKey) => (text(name) === undefined ? undefined : checkOption(key, parseNumber(key, text(name)!)));
  const word = <T extends string>(name: string, key: OptionKey) => optionOrDefault(key, text(name) as T | undefined);
  const seed = number('seed', 'seed') ?? (OPTIONS.seed.default as number);
  const backend = word<BackendRequest>('backend', 'backend');
  const gradient = word<Gradient>('gradient', 'gradient');
  const kernels = word<Kernels>('kernels', 'kernels');
  return {
    backend,
    iterations: number('iterations', 'iterations') ?? (OPTIONS.iterations.default as number),
    a: number('lr', 'learningRate') ?? (OPTIONS.learningRate.default as number),
    weights: text('weights') === undefined ? undefined : parseNumberList('weights', text('weights')!),
    bias: number('bias', 'bias'),
    gradient,
    kernels,
    data: readDataArgs(values, number, seed),
    chunkSamples: number('chunk-samples', 'chunkSamples'),
    untilNoError: values['until-no-error'] === true,
    testSplit: number('test-split', 'testSplit'),
    seed,
    json: values.json === true,
    outputs: { save: text('save'), exportTfjs: text('export-tfjs'), plot: text('plot') },
  };
}

function readDataArgs(values: Values, number: (name: string, key: OptionKey) => number | undefined, seed: number): DataArgs {
  const text = (name: string) => values[name] as string | undefined;
  const given = ['data', 'x', 'y', 'dataset'].filter((name) => text(name) !== undefined);
  const sources = new Set(given.map((name) => (name === 'y' ? 'x' : name)));
  if (sources.size > 1) {
    throw new InputError(`choose one data source: ${given.map((n) => `--${n}`).join(', ')} were given together`);
  }
  const labels = text('label') === undefined ? undefined : parseNameList('labels', text('label')!);
  const only = (names: string[], forWhat: string) => {
    for (const name of names) {
      if (values[name] !== undefined) throw new InputError(`--${name} only goes with ${forWhat}`);
    }
  };
  if (text('dataset') !== 'synthetic') only(['features', 'samples'], '--dataset synthetic');
  if (text('data') === undefined && text('dataset') !== 'iris') only(['label'], '--data or --dataset iris');

  if (text('data') !== undefined) return { kind: 'csv', path: text('data')!, labels };
  if (text('x') !== undefined || text('y') !== undefined) {
    if (text('x') === undefined || text('y') === undefined) throw new InputError('--x and --y go together: give both .npy files');
    return { kind: 'npy', x: text('x')!, y: text('y')! };
  }
  switch (text('dataset')) {
    case undefined:
      return { kind: 'article' };
    case 'iris':
      return { kind: 'iris', labels };
    case 'synthetic': {
      const features = number('features', 'features');
      const samples = number('samples', 'samples');
      if (features === undefined || samples === undefined) {
        throw new InputError('--dataset synthetic needs --features N and --samples M');
      }
      return { kind: 'synthetic', features, samples, seed };
    }
    default:
      throw new InputError(`--dataset: ${quote(text('dataset'))} is not a data set; expected iris or synthetic`);
  }
}
