import type { Classifier } from '../classifier';
import { toRows, type Matrix, type Predictions } from '../matrix';
import { formatTraceStep } from '../trace-format';
import { shown } from '../errors';
import type { Confusion, OutputMetrics } from '../metrics';
import { flagOf } from '../options';
import { statsCadence } from './findings';
import type { LabelMetrics, RunFacts, TrainReport } from './types';

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
    loss: (result.pocket ?? result.final)?.loss ?? NaN,
    metrics: labelled(train.outputs, facts.dataset.labelNames),
  };
  if (args.untilNoError || result.stoppedBy) report.iterationsRun = result.iterationsRun;
  if (result.stoppedBy) report.stoppedBy = result.stoppedBy;
  if (result.chunks) report.chunks = { ...result.chunks };
  if (test) {
    report.confusion = train.confusion;
    report.test = {
      samples: facts.testSamples!,
      errors: test.errors,
      accuracy: test.accuracy,
      confusion: test.confusion,
      metrics: labelled(test.outputs, facts.dataset.labelNames),
    };
  }
  if (result.pocket) report.pocket = { ...result.pocket };
  if (facts.trace) {
    report.trace = facts.trace.map(({ iteration, z, s, y_pred, e, dW, db, W, b }) => ({
      iteration,
      z: toRows(z),
      s: toRows(s),
      y_pred: toRows(y_pred),
      e: toRows(e),
      dW: toRows(dW),
      db,
      W: toRows(W),
      b,
    }));
  }
  if (facts.findings.length > 0) report.warnings = facts.findings.map((f) => ({ kind: f.kind, message: f.describe(flagOf) }));
  return report;
}

/** What chunk screening left unread, as a share of the samples every iteration would have read. */
function chunkLine({ read, skipped }: { read: number; skipped: number }): string {
  const share = read + skipped === 0 ? 0 : (100 * read) / (read + skipped);
  return `chunks read: ${share < 1 && share > 0 ? share.toPrecision(2) : share.toFixed(1)}% of the samples (${skipped} left unread, in chunks whose samples were all right by a margin W and b could not cross)`;
}

function labelled(outputs: readonly OutputMetrics[], labelNames: readonly string[]): LabelMetrics[] {
  return outputs.map((m, o) => ({ label: labelNames[o], ...m }));
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
      (args.chunkSamples ? `, in chunks of ${args.chunkSamples} samples` : '') +
      (args.standardize ? ', inputs standardized' : '') +
      (args.pocket ? ', pocket' : ''),
    ...(result.chunks ? [chunkLine(result.chunks)] : []),
    ...(facts.trace ?? []).map((step) => formatTraceStep(step, args.gradient).trimEnd()),
    ...(result.stoppedBy === 'no-error' ? [`stopped early: no training error after ${result.iterationsRun} iterations`] : []),
    ...(result.stoppedBy === 'interrupt' ? [`interrupted after ${result.iterationsRun} iterations`] : []),
    `W after training:             ${formatRows(report.weights)}`,
    `b after training:             ${report.bias}`,
    `predictions after training:   ${formatRows(report.predictions)}`,
    errorLine(report.errors, outputs * samples, report.accuracy, args.testSplit === undefined ? '' : 'training set: '),
    ...lossLines(facts),
    ...metricLines(report.metrics, args.testSplit === undefined ? '' : ' (train)'),
  ];
  if (report.test) {
    const t = report.test;
    lines.push(errorLine(t.errors, t.samples * outputs, t.accuracy, `test set (${t.samples} samples): `));
    lines.push(`confusion (train): ${confusionText(report.confusion!)}`, `confusion (test):  ${confusionText(t.confusion)}`);
    lines.push(...metricLines(t.metrics, ' (test)'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The final loss, the best iteration seen (fewest errors, then lowest loss, among the stats gathered
 * and the final W and b), and with --pocket which W and b were returned.
 */
function lossLines({ result, history, args }: RunFacts): string[] {
  const final = result.final;
  if (!final) return [];
  const lines = [`loss: ${lossText(final.loss)} at the end (mean logistic loss of the last W and b on the training samples)`];
  if (result.pocket) {
    const p = result.pocket;
    lines.push(`pocket: returned W and b after ${plural(p.afterUpdates, 'update')} (${plural(p.errors, 'error')}, loss ${lossText(p.loss)}), not the last ones (${plural(final.errors, 'error')})`);
    return lines;
  }
  const points: { updates: number; errors: number; loss?: number }[] = [...history.map((h) => ({ updates: h.iteration - 1, errors: h.errors, loss: h.loss })), { updates: result.iterationsRun, ...final }];
  // the fewest errors; ties: the lower loss where both are known, else the earlier
  const best = points.reduce((a, p) => (p.errors < a.errors || (p.errors === a.errors && p.loss !== undefined && a.loss !== undefined && p.loss < a.loss) ? p : a));
  const every = args.outputs.plot === undefined ? statsCadence(args.iterations) : 1;
  lines.push(
    `best seen: ${plural(best.errors, 'error')}, ${best.loss === undefined ? '' : `loss ${lossText(best.loss)}, `}` +
      (best.updates === result.iterationsRun ? 'at the end' : best.updates === 0 ? 'at the start (the initial W and b)' : `after ${plural(best.updates, 'update')}`) +
      (every > 1 ? ` (stats every ${every} iterations)` : ''),
  );
  return lines;
}

/** Per output: precision, recall, F1, ROC AUC and its counts; n/a where a ratio has no denominator. */
function metricLines(metrics: readonly LabelMetrics[], which: string): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : num(v));
  return metrics.map(
    (m) =>
      `metrics${which}, ${shown(m.label, 40)}: precision ${f(m.precision)}, recall ${f(m.recall)}, F1 ${f(m.f1)}, ROC AUC ${f(m.auc)} ` +
      `(TP ${m.truePositives}, FP ${m.falsePositives}, TN ${m.trueNegatives}, FN ${m.falseNegatives})`,
  );
}

/** Four significant digits: 0.6746, 1, 2.5e-7. */
/** A loss as the report shows it: its value, or "overflowed" where it is not a finite number (see lossOverflowFinding). */
function lossText(loss: number): string {
  return Number.isFinite(loss) ? num(loss) : 'overflowed';
}

function num(v: number): string {
  return String(Number(v.toPrecision(4)));
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
