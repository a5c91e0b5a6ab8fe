import { Classifier, type BackendRequest } from '../classifier';
import { countErrors } from '../metrics';
import { ARTICLE_INIT, andGate, type Dataset } from '../data/dataset';
import { readCsv } from '../data/csv';
import { InputError } from '../errors';
import { matrix, toRows, type Matrix } from '../matrix';
import { BACKENDS, type Backend } from '../network/network';
import { checkCount, checkFinite, checkPositive } from '../validate';
import { parseNameList, parseNumber, parseNumberList, parseOptions } from './args';
import type { Io } from './run';

export const TRAIN_HELP = `Trains the article's network with no hidden layer (forward propagation + backpropagation).

Usage: npm run train -- [options]        (npm start: the article's AND gate example)

Options:
  --backend NAME     auto (default) | tensorflow | wasm | cpu | plain
                     auto: tensorflow when @tensorflow/tfjs-node loads, else wasm, else cpu
  --iterations N     iterations of the article's loop (default 1000)
  --lr A             learning rate a (default 0.1)
  --weights W1,W2,…  initial W, one value per feature (default: the article's 0.4,0.2 for
                     the built-in example, zeros for a data file)
  --bias B           initial b (default: 1 for the built-in example, 0 for a data file)
  --data FILE.csv    header row, one sample per row, numeric cells (default: the AND gate)
  --label COLUMN     the label column of --data, values 0 or 1 (default: the last column)
  --json             print one JSON object on stdout and nothing else
  -h, --help         this text
`;

/** What `--json` prints: the core contract. */
export interface TrainReport {
  backend: Backend;
  iterations: number;
  /** features×outputs, as numpy's W */
  weights: number[][];
  bias: number;
  /** outputs×samples, from the final W and b */
  predictions: number[][];
  errors: number;
  accuracy: number;
}

interface TrainArgs {
  backend: BackendRequest;
  iterations: number;
  a: number;
  weights?: number[];
  bias?: number;
  data?: string;
  labels?: string[];
  json: boolean;
}

/** `npm run train -- …`: parse, load, train, print. */
export async function train(argv: readonly string[], io: Io): Promise<void> {
  const values = parseOptions(argv, {
    backend: { type: 'string' },
    iterations: { type: 'string' },
    lr: { type: 'string' },
    weights: { type: 'string' },
    bias: { type: 'string' },
    data: { type: 'string' },
    label: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(TRAIN_HELP);
    return;
  }
  const args = readArgs(values);
  const data = args.data === undefined ? andGate() : await readCsv(args.data, { labels: args.labels });
  const init = args.data === undefined ? ARTICLE_INIT : { weights: undefined, bias: 0 };
  const weights = args.weights ?? init.weights ?? new Array<number>(data.x.rows).fill(0);
  checkWeightCount(weights, data);

  const net = await Classifier.create({
    backend: args.backend,
    learningRate: args.a,
    iterations: args.iterations,
    weights,
    bias: args.bias ?? init.bias,
  });
  try {
    const before = net.predict(data.x);
    net.fit(data.x, data.y);
    const report = makeReport(net, data, args.iterations);
    io.stdout(args.json ? `${JSON.stringify(report)}\n` : describe(net, data, args, weights, before, report));
  } finally {
    net.dispose();
  }
}

function readArgs(values: Record<string, string | boolean | undefined>): TrainArgs {
  const text = (name: string) => values[name] as string | undefined;
  const backend = text('backend') ?? 'auto';
  if (backend !== 'auto' && !(BACKENDS as readonly string[]).includes(backend)) {
    throw new InputError(`--backend: "${backend}" is not a backend; expected auto, ${BACKENDS.join(', ')}`);
  }
  const number = (name: string) => (text(name) === undefined ? undefined : parseNumber(`--${name}`, text(name)!));
  const iterations = number('iterations');
  const a = number('lr');
  const bias = number('bias');
  if (text('label') !== undefined && text('data') === undefined) {
    throw new InputError('--label needs --data: the built-in example has its own label');
  }
  return {
    backend: backend as BackendRequest,
    iterations: iterations === undefined ? 1000 : checkCount('--iterations', iterations),
    a: a === undefined ? 0.1 : checkPositive('--lr', a),
    weights: text('weights') === undefined ? undefined : parseNumberList('--weights', text('weights')!),
    bias: bias === undefined ? undefined : checkFinite('--bias', bias),
    data: text('data'),
    labels: text('label') === undefined ? undefined : parseNameList('--label', text('label')!),
    json: values.json === true,
  };
}

function checkWeightCount(weights: readonly number[], data: Dataset): void {
  const F = data.x.rows;
  const k = data.y.rows;
  if (weights.length !== F && weights.length !== F * k) {
    const expected = k === 1 ? `${F}` : `${F} (one per feature) or ${F * k} (features×outputs)`;
    throw new InputError(
      `--weights: got ${weights.length} value${weights.length === 1 ? '' : 's'}, but ${data.source} has ` +
        `${F} feature${F === 1 ? '' : 's'} (${data.featureNames.join(', ')}); expected ${expected}`,
    );
  }
}

function makeReport(net: Classifier, data: Dataset, iterations: number): TrainReport {
  const predictions = net.predict(data.x);
  const pred = matrix(data.y.rows, data.y.cols, Float64Array.from(predictions.flat()));
  const errors = countErrors(pred, data.y);
  return {
    backend: net.backend,
    iterations,
    weights: net.weights,
    bias: net.bias,
    predictions,
    errors,
    accuracy: 1 - errors / data.y.data.length,
  };
}

/** The article's story in words: predictions before, W and b after, predictions after, any error left. */
function describe(
  net: Classifier,
  data: Dataset,
  args: TrainArgs,
  initialWeights: readonly number[],
  before: number[][],
  report: TrainReport,
): string {
  const { x, y } = data;
  const total = y.data.length;
  const lines = [
    `backend: ${report.backend}${net.backendReason === 'asked for' ? '' : ` (${net.backendReason})`}`,
    `data: ${data.source}: ${x.rows} feature${x.rows === 1 ? '' : 's'} (${data.featureNames.join(', ')}) × ` +
      `${x.cols} sample${x.cols === 1 ? '' : 's'}, label${y.rows === 1 ? '' : 's'} ${data.labelNames.join(', ')}`,
    `labels y:                     ${formatRows(toRows(y))}`,
    `predictions before training:  ${formatRows(before)}`,
    `training: ${args.iterations} iterations, a = ${args.a}, starting from W = [${initialWeights.join(', ')}], ` +
      `b = ${args.bias ?? (args.data === undefined ? ARTICLE_INIT.bias : 0)}`,
    `W after training:             ${formatRows(report.weights)}`,
    `b after training:             ${report.bias}`,
    `predictions after training:   ${formatRows(report.predictions)}`,
    report.errors === 0
      ? `no error: all ${total} predictions match the labels`
      : `${report.errors} error${report.errors === 1 ? '' : 's'}: ${report.errors} of ${total} predictions differ ` +
        `from the labels (accuracy ${(report.accuracy * 100).toFixed(2)}%)`,
  ];
  return `${lines.join('\n')}\n`;
}

const SHOWN = 16;

/** [[a, b, …], …], each row cut after 16 values for big data. */
function formatRows(rows: number[][]): string {
  const row = (r: number[]) =>
    r.length <= SHOWN ? r.join(', ') : `${r.slice(0, SHOWN).join(', ')}, … (${r.length - SHOWN} more)`;
  return `[${rows.map((r) => `[${row(r)}]`).join(', ')}]`;
}

export type { Matrix };
