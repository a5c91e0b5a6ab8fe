import type { Classifier } from '../classifier';
import type { Matrix, Predictions } from '../matrix';
import { shown } from '../errors';
import type { Confusion } from '../metrics';
import type { RunFacts, TrainReport } from './types';

export function makeReport(net: Classifier, facts: RunFacts): TrainReport {
  const { args, result, train, test } = facts;
  const report: TrainReport = {
    backend: net.compute,
    iterations: args.iterations,
    weights: net.weights,
    bias: net.bias,
    predictions: train.predictions,
    errors: train.errors,
    accuracy: train.accuracy,
  };
  if (args.untilNoError || result.stoppedBy) report.iterationsRun = result.iterationsRun;
  if (result.stoppedBy) report.stoppedBy = result.stoppedBy;
  if (test) {
    report.confusion = train.confusion;
    report.test = { samples: facts.testSamples!, errors: test.errors, accuracy: test.accuracy, confusion: test.confusion };
  }
  return report;
}

/** The article's story in words: predictions before, W and b after, predictions after, any error left. */
export function describeRun(net: Classifier, facts: RunFacts, report: TrainReport): string {
  const { args, dataset, result } = facts;
  const { features, outputs, samples } = dataset.source;
  const whole = dataset.source.inMemory;
  const lines = [
    `backend: ${report.backend}${net.backendReason === 'asked for' ? '' : `; ${net.backendReason}`}`,
    `data: ${dataset.name}: ${plural(features, 'feature')} (${listNames(dataset.featureNames)}) × ${plural(samples, 'sample')}, ` +
      `label${outputs === 1 ? '' : 's'} ${listNames(dataset.labelNames)}`,
    ...(whole ? [`labels y:                     ${formatRows(whole.y)}`] : []),
    ...(facts.before ? [`predictions before training:  ${formatRows(facts.before)}`] : []),
    `training: ${plural(args.iterations, 'iteration')}, a = ${args.a}, ${args.gradient === 'logistic' ? 'logistic gradient, ' : ''}` +
      `starting from W = [${shortList(facts.initialWeights)}], b = ${facts.initialBias}` +
      (args.chunkSamples ? `, in chunks of ${args.chunkSamples} samples` : ''),
    ...(result.stoppedBy === 'no-error' ? [`stopped early: no training error after ${result.iterationsRun} iterations`] : []),
    ...(result.stoppedBy === 'interrupt' ? [`interrupted after ${result.iterationsRun} iterations`] : []),
    `W after training:             ${formatRows(report.weights)}`,
    `b after training:             ${report.bias}`,
    `predictions after training:   ${formatRows(report.predictions)}`,
    errorLine(report.errors, outputs * samples, report.accuracy, args.testSplit === undefined ? '' : 'training set: '),
  ];
  if (report.test) {
    const t = report.test;
    lines.push(errorLine(t.errors, t.samples * outputs, t.accuracy, `test set (${t.samples} samples): `));
    lines.push(`confusion (train): ${confusionText(report.confusion!)}`, `confusion (test):  ${confusionText(t.confusion)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** "3 samples", "1 sample". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Whether any prediction is wrong, in words; `prefix` names the set ("training set: "). */
export function errorLine(errors: number, total: number, accuracy: number, prefix = ''): string {
  return errors === 0
    ? `${prefix}no error: all ${total} predictions match the labels`
    : `${prefix}${plural(errors, 'error')}: ${errors} of ${total} predictions differ from the labels ` +
        `(accuracy ${(accuracy * 100).toFixed(2)}%)`;
}

function confusionText(c: Confusion): string {
  return `${c.truePositives} true positives, ${c.falsePositives} false positives, ${c.trueNegatives} true negatives, ${c.falseNegatives} false negatives`;
}

const SHOWN = 16;

/** a, b, c — or the first few and a count, for wide data. */
export function listNames(list: readonly string[]): string {
  // each name escaped and cut (a CSV's header may hold anything), the list cut after 8
  const names = list.slice(0, 8).map((name) => shown(name, 40));
  return list.length <= 8 ? names.join(', ') : `${names.join(', ')}, … (${list.length} in all)`;
}

/** a, b, c — cut after 16 values; `total` is the full length when `values` is already cut. */
function shortList(values: readonly number[], total = values.length): string {
  return total <= SHOWN ? values.join(', ') : `${values.slice(0, SHOWN).join(', ')}, … (${total - SHOWN} more)`;
}

/** [[a, b, …], …], each row cut after 16 values and the rows after 16, for big data. */
export function formatRows(rows: number[][] | Matrix | Predictions): string {
  const rowCount = Array.isArray(rows) ? rows.length : rows.rows;
  const row = (r: number): number[] => {
    if (Array.isArray(rows)) return rows[r];
    const start = r * rows.cols;
    return Array.from(rows.data.subarray(start, start + Math.min(rows.cols, SHOWN + 1)));
  };
  const cols = Array.isArray(rows) ? undefined : rows.cols;
  const shown = Array.from({ length: Math.min(rowCount, SHOWN) }, (_, r) => `[${shortList(row(r), cols)}]`);
  if (rowCount > SHOWN) shown.push(`… (${rowCount - SHOWN} more rows)`);
  return `[${shown.join(', ')}]`;
}
