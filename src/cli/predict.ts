import { Classifier } from '../classifier';
import { readCsvForModel } from '../data/csv';
import { inMemory, type Dataset } from '../data/dataset';
import { readNpy } from '../data/npy';
import { checkSamples } from '../data/npy-source';
import { InputError } from '../errors';
import type { Matrix } from '../matrix';
import { loadModel, type SavedModel } from '../model/file';
import { parseOptions } from './args';
import { checkOption } from '../options';
import type { BackendRequest } from '../classifier';
import { errorLine, formatRows, listNames, plural } from './report';
import type { Io } from './run';

export const PREDICT_HELP = `Predicts with a model saved by \`npm run train -- --save model.json\`.

Usage: npm run predict -- --model model.json (--data FILE.csv | --x X.npy [--y Y.npy]) [options]

  --model FILE       the saved model
  --data FILE.csv    a header row with the model's feature columns (any order); its label
                     columns may be there too, and then the predictions are scored (read as in
                     training: with the model's --positive value, text labels are fine), and the
                     columns training ignored (--ignore, --features) may be there
                     The model's standardization (--standardize), if any, is applied to x
  --x X.npy          x, features×samples (the article's orientation); --y Y.npy to score
  --proba            also print s = sigmoid(Wᵀ·x + b)
  --backend NAME     auto, tensorflow, wasm, cpu or plain (default: the backend the model was
                     trained on, so predictions match training's; auto if it cannot load)
  --json             print one JSON object on stdout and nothing else
  -h, --help         this text
`;

/** What `npm run predict -- --json` prints. */
export interface PredictReport {
  /** outputs×samples of 0/1 */
  predictions: number[][];
  /** With --proba: outputs×samples of s. */
  probabilities?: number[][];
  /** When the data has labels. */
  errors?: number;
  accuracy?: number;
}

/** `npm run predict -- …`: load a model and data, print predictions. */
export async function predict(argv: readonly string[], io: Io): Promise<void> {
  const values = parseOptions(argv, {
    model: { type: 'string' },
    data: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    proba: { type: 'boolean' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(PREDICT_HELP);
    return;
  }
  if (!values.model) throw new InputError('--model FILE is required (a model saved by npm run train -- --save FILE)');
  const backend = values.backend === undefined ? undefined : checkOption('backend', values.backend as BackendRequest);
  if (backend === 'sql') throw new InputError('--backend sql computes in a database; predict computes here: auto, tensorflow, wasm, cpu or plain');
  const model = loadModel(values.model);
  const data = await loadData(model, values);
  const net = await Classifier.fromModel(model, { backend });
  try {
    const { x, y } = data.source.inMemory!;
    const report: PredictReport = { predictions: net.predict(x) };
    if (values.proba) report.probabilities = net.predictProba(x);
    if (y.rows > 0) {
      const evaluation = net.evaluate(data.source);
      report.errors = evaluation.errors;
      report.accuracy = evaluation.accuracy;
    }
    io.stdout(values.json ? `${JSON.stringify(report)}\n` : describe(model, net, data, report));
  } finally {
    net.dispose();
  }
}

async function loadData(model: SavedModel, values: { data?: string; x?: string; y?: string }): Promise<Dataset> {
  if (values.data !== undefined && (values.x !== undefined || values.y !== undefined)) {
    throw new InputError('choose one data source: --data or --x');
  }
  if (values.data !== undefined) {
    return readCsvForModel(values.data, model.featureNames, model.labelNames, { positive: model.positive, ignoredColumns: model.ignoredColumns });
  }
  if (values.x === undefined) throw new InputError('give the data to predict: --data FILE.csv or --x X.npy');
  const x = readNpy(values.x);
  if (x.rows !== model.weights.length) {
    throw new InputError(
      `--x: ${values.x} has ${x.rows} features (rows), but the model was trained on ${model.weights.length} ` +
        `(${listNames(model.featureNames)})`,
    );
  }
  const y: Matrix = values.y === undefined ? { rows: 0, cols: x.cols, data: new Float64Array(0) } : readNpy(values.y);
  if (values.y !== undefined && (y.cols !== x.cols || y.rows !== model.labelNames.length)) {
    throw new InputError(
      `--y: ${values.y} is ${y.rows}×${y.cols}, expected ${model.labelNames.length}×${x.cols} (outputs×samples)`,
    );
  }
  checkSamples(values.x, x, 0, values.y ?? '', y);
  return inMemory(x, y, model.featureNames, model.labelNames, values.x);
}

function describe(model: SavedModel, net: Classifier, data: Dataset, report: PredictReport): string {
  const { samples, outputs } = data.source;
  const lines = [
    `model: ${listNames(model.featureNames)} → ${listNames(model.labelNames)} (W ${model.weights.length}×${model.labelNames.length}, b = ${model.bias}), trained on ${model.training.backend}`,
    `backend: ${net.backend}`,
    `data: ${data.name}: ${plural(samples, 'sample')}`,
    `predictions:   ${formatRows(report.predictions)}`,
  ];
  if (report.probabilities) lines.push(`probabilities: ${formatRows(report.probabilities)}`);
  if (report.errors !== undefined) lines.push(errorLine(report.errors, outputs * samples, report.accuracy!));
  return `${lines.join('\n')}\n`;
}

