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
import { dataFormat } from '../sql/parquet';
import type { SqlSpec } from '../sql/data';
import { errorLine, formatRows, listNames, plural } from './report';
import type { Io } from './run';

export const PREDICT_HELP = `Predicts with a model saved by \`npm run train -- --save model.json\`.

Usage: npm run predict -- --model model.json (--data FILE | --sql "SELECT …" | --x X.npy [--y Y.npy]) [options]

  --model FILE       the saved model
  --data FILE.csv    a header row with the model's feature columns (any order); its label
                     columns may be there too, and then the predictions are scored (read as in
                     training: with the model's --positive value, text labels are fine), and the
                     columns training ignored (--ignore, --features) may be there
                     The model's standardization (--standardize), if any, is applied to x
  --data FILE.parquet
                     Parquet, read through DuckDB as train reads it: a file, a folder of
                     .parquet files, or a glob of shards; its columns as for a CSV
  --sql "SELECT …"   a query's rows, its columns as for a CSV
  --db URL           who runs --sql (or reads --data FILE.parquet): duckdb: (default, DuckDB in
                     memory), duckdb:FILE.duckdb, postgres://USER@HOST/DB (--sql only)
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
    sql: { type: 'string' },
    db: { type: 'string' },
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

async function loadData(model: SavedModel, values: { data?: string; sql?: string; db?: string; x?: string; y?: string }): Promise<Dataset> {
  const given = (['data', 'sql', 'x', 'y'] as const).filter((name) => values[name] !== undefined);
  if (new Set(given.map((name) => (name === 'y' ? 'x' : name))).size > 1) {
    throw new InputError(`choose one data source: ${given.map((n) => `--${n}`).join(', ')} were given together`);
  }
  // a folder with no .parquet file in it is refused here
  const format = values.data === undefined ? undefined : dataFormat(values.data);
  if (values.db !== undefined && values.sql === undefined && format !== 'parquet') throw new InputError('--db only goes with --sql or --data FILE.parquet');
  if (values.sql !== undefined) {
    const { checkSqlInputs } = await import('./outputs');
    checkSqlInputs({ kind: 'sql', query: values.sql, db: values.db, inDatabase: false });
    return loadSqlForModel(model, { sql: values.sql, db: values.db });
  }
  if (values.data !== undefined && format === 'parquet') return loadSqlForModel(model, { parquet: values.data, db: values.db });
  if (values.data !== undefined) {
    return readCsvForModel(values.data, model.featureNames, model.labelNames, { positive: model.positive, ignoredColumns: model.ignoredColumns, labelValues: model.labelValues });
  }
  if (values.x === undefined) throw new InputError('give the data to predict: --data FILE (CSV or Parquet), --sql "SELECT …" or --x X.npy');
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

/** Parquet or a query's rows, read whole into memory with the model's columns (the SQL modules load only then). */
async function loadSqlForModel(model: SavedModel, spec: Omit<SqlSpec, 'columns'>): Promise<Dataset> {
  const [{ loadSqlDataset }, { modelColumns }] = await Promise.all([import('../sql/load'), import('../sql/columns')]);
  return loadSqlDataset({ ...spec, columns: modelColumns(model) }, { predicting: true });
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

