import type { BackendRequest } from '../classifier';
import { InputError, option, quote } from '../errors';
import type { Gradient, Kernels } from '../network/network';
import { checkOption, optionOrDefault, OPTIONS, type OptionKey } from '../options';
import { dataFormat } from '../sql/parquet';
import { parseNameList, parseNumber, parseNumberList } from './args';
import { parseTraceSpec } from './trace';
import type { DataArgs, TrainArgs } from './types';

export const TRAIN_HELP = `Trains the article's network with no hidden layer (forward propagation + backpropagation).

Usage: npm run train -- [options]        (npm start: the article's AND gate example)

Data (default: the article's AND gate):
  --data FILE.csv         a header row naming the columns (required), then one sample per
                          row, numeric cells; LF, CRLF or CR line endings
  --label COL[,COL…]      label column(s) of --data, values 0 or 1 (default: the last column);
                          for --dataset iris: a class, several, or all (default: setosa)
  --positive VALUE        --data, --sql: the label value that means 1, any other value 0 (labels may
                          then be text, e.g. --label diagnosis --positive M)
  --features A,B,…        --data, --sql: the feature columns, in this order (default: every column
                          but the labels)
  --ignore A,B,…          --data, --sql: columns that are neither features nor labels (an id, a name)
  --data FILE.parquet     Parquet, read through DuckDB: a file, a folder of .parquet files, or
                          a glob of shards ('data/part-*.parquet'); columns as for a CSV
  --sql "SELECT …"        a query's rows as samples, its columns as for a CSV (default label:
                          the last column); run by --db
  --db URL                duckdb: (default: DuckDB in memory, which can query Parquet and CSV
                          files itself), duckdb:FILE.duckdb, postgres://USER@HOST/DB; DuckDB
                          settings after ?, e.g. duckdb:?threads=2&memory_limit=300MB
  --x X.npy --y Y.npy     numpy arrays in the article's orientation: x features×samples,
                          y outputs×samples (or 1-D); float32/64, (u)int8–64, bool; C or Fortran
  --dataset iris          Fisher's iris (150 samples, 4 features), one-vs-rest labels
  --dataset synthetic     linearly separable data: --features N --samples M [--seed S]

Training:
  --backend NAME          auto (default) | tensorflow | wasm | cpu | plain | sql
                          auto: tensorflow when @tensorflow/tfjs-node loads, else wasm, else cpu;
                          sql: with --sql or Parquet, each iteration is one aggregate query run
                          in the database (x·eᵀ and sum(e) come back, never the samples)
  --explain-sql           print the SQL --backend sql runs for an iteration from the initial W
                          and b (one without stats; with --until-no-error, one with the errors;
                          with --pocket, the errors and loss), and exit; with --json as {"sql": "…"}
  --iterations N          iterations of the article's loop (default 1000)
  --lr A                  learning rate a (default 0.1)
  --weights W1,W2,…       initial W, one value per feature (default: the article's 0.4,0.2 for
                          the built-in example, zeros otherwise)
  --bias B                initial b (default: 1 for the built-in example, 0 otherwise)
  --gradient KIND         article (default): y_pred − y;  logistic: s − y (cross-entropy gradient)
  --kernels KIND          tfjs backends: fused (default): the backend's own kernel for the
                          article's sums, on every core (wasm: WebAssembly SIMD; cpu: JavaScript;
                          tensorflow has none and runs ops); on wasm with the article's gradient
                          it skips, exactly, blocks of samples whose predictions cannot have
                          changed (the same W and b; the report says what fraction it read);
                          unscreened: the same kernel reading every sample; ops: tfjs's own
                          matMul, sigmoid, threshold and a hand-written update in tf.tidy
  --chunk-samples N       stream the samples in chunks of N each iteration (full-batch update);
                          .npy files are then read from disk every iteration, never held whole
  --until-no-error        stop at the first iteration with no training error
  --standardize           z-scores per feature, from the training samples: (x − mean) / std;
                          saved in the model and applied by predict
  --pocket                keep the W and b with the fewest training errors seen (Gallant's
                          pocket algorithm) and return those, not the last ones
  --trace ITERATIONS      print z, s, y_pred, e, dW, db and W, b at these iterations, in the
                          article's notation: 1,2,12,1000 or 16-19 or first:3 or last:2 or all
                          (tfjs backends then compute with --kernels ops, whose values these are)
  --test-split F          hold out a fraction F of the samples (seeded shuffle) as a test set
  --seed S                seed for --test-split and --dataset synthetic, 0…2³²−1 (default 1)

Output:
  --json                  print one JSON object on stdout and nothing else
  --save FILE.json        save the trained model (atomically), for npm run predict
  --export-tfjs DIR       write a TensorFlow.js LayersModel (model.json + weights.bin)
  --plot FILE.svg|.png    plot training errors and loss per iteration (and, for 2 features,
                          the samples and the decision line); without --plot (or --pocket) the
                          loss, which needs a pass over every sample, is computed only at the
                          start, at 80% of the run and at the end; the errors at ~200 points
  --predictions FILE.csv  one row per sample: its row (or sample index), split, label(s),
                          prediction(s) and probability(ies)
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
  sql: { type: 'string' },
  db: { type: 'string' },
  'explain-sql': { type: 'boolean' },
  label: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  dataset: { type: 'string' },
  features: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  'chunk-samples': { type: 'string' },
  'until-no-error': { type: 'boolean' },
  trace: { type: 'string' },
  standardize: { type: 'boolean' },
  pocket: { type: 'boolean' },
  ignore: { type: 'string' },
  positive: { type: 'string' },
  predictions: { type: 'string' },
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
  // --explain-sql shows --backend sql's query
  const computes = values['explain-sql'] === true ? 'sql' : backend;
  if (text('kernels') !== undefined && (computes === 'plain' || computes === 'sql')) {
    throw new InputError(option('kernels'), ` chooses how a tfjs backend computes (wasm, cpu, tensorflow); `, option('backend'), ` ${computes} has no kernels`);
  }
  // a trace shows what tfjs's ops compute, so the tfjs backends then run them
  if (text('trace') !== undefined && text('kernels') === 'fused') {
    throw new InputError(option('trace'), ' shows what tfjs ops compute: give it without ', option('kernels'), ' fused');
  }
  const iterations = number('iterations', 'iterations') ?? (OPTIONS.iterations.default as number);
  if (text('trace') !== undefined) parseTraceSpec(text('trace')!, iterations); // checked here, before any data is read
  return {
    backend,
    iterations,
    a: number('lr', 'learningRate') ?? (OPTIONS.learningRate.default as number),
    weights: text('weights') === undefined ? undefined : parseNumberList('weights', text('weights')!),
    bias: number('bias', 'bias'),
    gradient,
    kernels: text('trace') !== undefined ? 'ops' : kernels,
    data: readDataArgs(values, number, seed),
    chunkSamples: number('chunk-samples', 'chunkSamples'),
    untilNoError: values['until-no-error'] === true,
    standardize: values.standardize === true,
    pocket: values.pocket === true,
    trace: text('trace'),
    explainSql: values['explain-sql'] === true,
    testSplit: number('test-split', 'testSplit'),
    seed,
    json: values.json === true,
    outputs: { save: text('save'), exportTfjs: text('export-tfjs'), plot: text('plot'), predictions: text('predictions') },
  };
}

function readDataArgs(values: Values, number: (name: string, key: OptionKey) => number | undefined, seed: number): DataArgs {
  const text = (name: string) => values[name] as string | undefined;
  const given = ['data', 'sql', 'x', 'y', 'dataset'].filter((name) => text(name) !== undefined);
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
  if (text('dataset') !== 'synthetic') only(['samples'], '--dataset synthetic');
  const tabular = text('data') ?? text('sql'); // columns by name: a CSV, Parquet, or a query's
  if (text('dataset') !== 'synthetic' && tabular === undefined) only(['features'], '--data (column names) or --dataset synthetic (a count)');
  if (tabular === undefined) only(['ignore', 'positive'], '--data');
  if (tabular === undefined && text('dataset') !== 'iris') only(['label'], '--data or --dataset iris');
  // a folder with no .parquet file in it is refused here, before anything is read
  const format = text('data') === undefined ? undefined : dataFormat(text('data')!);
  if (text('sql') === undefined && format !== 'parquet') only(['db'], '--sql or --data FILE.parquet');

  if (tabular !== undefined) {
    const names = (name: string, key: OptionKey) => (text(name) === undefined ? undefined : parseNameList(key, text(name)!));
    const [features, ignore] = [names('features', 'features'), names('ignore', 'ignore')];
    if (features && ignore) throw new InputError('--features and --ignore both choose the feature columns; give one of them');
    const positive = text('positive');
    if (positive === '') throw new InputError('--positive needs a label value, got ""');
    const inDatabase = { db: text('db'), inDatabase: text('backend') === 'sql', labels, features, ignore, positive };
    if (text('sql') !== undefined) return { kind: 'sql', query: text('sql')!, ...inDatabase };
    if (format === 'parquet') return { kind: 'parquet', path: text('data')!, ...inDatabase };
    return { kind: 'csv', path: text('data')!, labels, features, ignore, positive };
  }
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
