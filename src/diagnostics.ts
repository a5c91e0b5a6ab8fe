import type { FeatureStats } from './data/standardize';
import { constantFeatures } from './data/standardize';
import { option, quote, render, shownList, type OptionName } from './errors';
import type { ErrorsAndLoss, Gradient, IterationStats } from './network/network';

/** What a finding is about; the `kind` of each entry of the CLI's JSON `warnings`. */
export type FindingKind = 'feature-scales' | 'constant-features' | 'loss-rising' | 'loss-falling' | 'not-converged' | 'loss-overflow' | 'trace-not-run';

/**
 * Something that says training may not have worked (the run still succeeded): a kind and a
 * one-line message that names options by key, as {@link InputError}s do (`describe(flagOf)` names
 * them by CLI flag).
 */
export class Finding {
  readonly parts: readonly (string | OptionName)[];

  constructor(
    readonly kind: FindingKind,
    ...parts: (string | OptionName)[]
  ) {
    this.parts = parts;
  }

  get message(): string {
    return render(this.parts, (key) => key);
  }

  describe(name: (key: string) => string): string {
    return render(this.parts, name);
  }
}

/** Largest |x| beyond which features count as large for the article's steps. */
export const LARGE_X = 100;
/** How far apart (max |x| of the largest feature over that of the smallest) features' scales may be. */
export const SCALES_APART = 1e3;
/** Runs shorter than this are not judged on their course (a look at the first steps, not a failed training). */
export const MIN_ITERATIONS_JUDGED = 20;
/** The last part of the run whose course is judged. */
export const LAST_PART = 0.2;
/** A loss that rose by more than this fraction over the last part "rose". */
const RISE = 1e-3;
/** A loss that fell by more than this fraction of its final value over the last part was "still falling steeply". */
const STEEP = 0.02;

/** Four significant digits: 2501, 0.1634, 1.235e-7. */
const fmt = (v: number) => String(Number(v.toPrecision(4)));

/**
 * (a) Features on very different scales: some |x| over {@link LARGE_X}, or the largest max |x| of a
 * feature {@link SCALES_APART} times the smallest non-zero one. Said only when the inputs are not
 * standardized (standardizing is the cure).
 */
export function scaleFinding(featureNames: readonly string[], stats: FeatureStats): Finding | undefined {
  const maxAbs = Array.from(stats.min, (lo, f) => Math.max(Math.abs(lo), Math.abs(stats.max[f])));
  const order = maxAbs.map((_, f) => f).filter((f) => maxAbs[f] > 0);
  if (order.length === 0) return undefined;
  const big = order.reduce((a, f) => (maxAbs[f] > maxAbs[a] ? f : a));
  const small = order.reduce((a, f) => (maxAbs[f] < maxAbs[a] ? f : a));
  const large = maxAbs[big] > LARGE_X;
  const ratio = maxAbs[big] / maxAbs[small];
  const apart = ratio >= SCALES_APART;
  if (!large && !apart) return undefined;
  const what = [
    `max |x| is ${fmt(maxAbs[big])} for ${quote(featureNames[big], 40)}${large ? ` (over ${LARGE_X})` : ''}`,
    ...(big !== small ? [`${fmt(maxAbs[small])} for ${quote(featureNames[small], 40)}${apart ? ` (${Number.isFinite(ratio) ? ratio.toExponential(1) : 'over 1e+308'} times smaller)` : ''}`] : []),
  ].join(' and ');
  const why = apart
    ? 'the update a·x·e then moves some weights far and others hardly at all'
    : 'the update a·x·e then takes large steps, and the sigmoid saturates';
  return new Finding('feature-scales', `features are on very different scales: ${what}; ${why}; `, option('standardize'), ' rescales each feature to mean 0 and standard deviation 1');
}

/** Features that are constant on the training samples, which `standardize` leaves at 0 (mean subtracted, not scaled). */
export function constantFinding(featureNames: readonly string[], stats: FeatureStats): Finding | undefined {
  const constant = constantFeatures(stats);
  if (constant.length === 0) return undefined;
  const one = constant.length === 1;
  const names = shownList(constant.map((f) => featureNames[f]), { quoted: true });
  const value = one ? ` (every value is ${stats.min[constant[0]]})` : '';
  return new Finding(
    'constant-features',
    `feature${one ? '' : 's'} ${names} ${one ? 'is' : 'are'} constant on the training samples${value}: `,
    option('standardize'),
    ` leaves ${one ? 'it' : 'them'} at 0 (mean subtracted, σ taken as 1), so ${one ? 'it takes' : 'they take'} no part in the predictions`,
  );
}

/** What the course of a run was, for {@link courseFindings}. */
export interface RunCourse {
  readonly gradient: Gradient;
  /** Updates applied. */
  readonly iterationsRun: number;
  /** Stats gathered during the run (each of the forward pass of its iteration, before its update), in order. */
  readonly history: readonly IterationStats[];
  /** Errors and mean loss of the W and b after the last update. */
  readonly end?: ErrorsAndLoss;
  /** Predictions in all (outputs × samples). */
  readonly total: number;
  /** Whether --pocket returned other W and b than the last (then `end` is the last ones' still). */
  readonly pocket?: ErrorsAndLoss & { readonly afterUpdates: number };
}

/**
 * (b) The loss rising over the last {@link LAST_PART} of the run (or, under the article's rule, which
 * works on the errors, the error count), or still falling
 * steeply there with errors left; (c) the article's rule still updating at the end (errors left).
 * Runs of fewer than {@link MIN_ITERATIONS_JUDGED} iterations are not judged.
 */
export function courseFindings(run: RunCourse): Finding[] {
  const { end, iterationsRun: N } = run;
  if (!end || N < MIN_ITERATIONS_JUDGED) return [];
  const findings: Finding[] = [];
  // the last point with a loss at or before the start of the last part; history point i is W after i − 1 updates
  const cut = Math.floor((1 - LAST_PART) * N);
  const before = [...run.history].reverse().filter((s) => s.iteration - 1 <= cut);
  const ref = before.find((s): s is IterationStats & { readonly loss: number } => s.loss !== undefined);
  if (ref) {
    const after = ref.iteration - 1;
    // the stretch judged: the last part, or (a run cut short, without a loss at its start) from an earlier point
    const part = ref === before[0] ? `${LAST_PART * 100}%` : `${Math.round((100 * (N - after)) / N)}%`;
    const lossRose = end.loss > ref.loss * (1 + RISE) + 1e-12;
    // the logistic gradient lowers the loss, not the error count, which may wobble by one as it does
    const errorsRose = run.gradient === 'article' && end.errors > ref.errors;
    const course = `(${fmt(ref.loss)} after ${after} updates → ${fmt(end.loss)} at the end; errors ${ref.errors} → ${end.errors})`;
    if (lossRose || errorsRose) {
      findings.push(
        run.gradient === 'article'
          ? new Finding('loss-rising', `the training ${lossRose ? 'loss' : 'error count'} rose over the last ${part} of the run ${course}: ` +
              "the article's rule is not settling (steps too large for the inputs' scale, or data it cannot separate); ", option('gradient'), ' logistic settles, ', option('pocket'), ' keeps the best W and b seen')
          : new Finding('loss-rising', `the training ${lossRose ? 'loss' : 'error count'} rose over the last ${part} of the run ${course}: ` +
              'the steps overshoot; lower ', option('learningRate')),
      );
    } else if (end.errors > 0 && ref.loss - end.loss > STEEP * end.loss) {
      findings.push(
        new Finding('loss-falling', `the training loss was still falling steeply at the end ${course}: more `, option('iterations'), ' or a larger ', option('learningRate'), ' would lower it further'),
      );
    }
  }
  if (run.gradient === 'article' && end.errors > 0) {
    findings.push(
      new Finding(
        'not-converged',
        `the article's rule was still making updates at the end: ${end.errors} of ${run.total} training predictions are wrong, so W and b never settle ` +
          '(the data is not linearly separable, or training has not converged); ',
        option('gradient'),
        ' logistic converges on such data',
        ...(run.pocket
          ? [` (`, option('pocket'), ` returned the W and b after ${run.pocket.afterUpdates} updates, with ${run.pocket.errors} errors)`]
          : [', and ', option('pocket'), ' keeps the best W and b seen']),
      ),
    );
  }
  return findings;
}

/**
 * (d) The loss not a number at some point of the run: z = Wᵀ·x + b left the range the backend
 * computes in (±Infinity, or Infinity − Infinity), so the loss is unknown there; the report shows
 * it as overflowed (null in JSON) rather than as a value. Said for the first such point.
 */
export function lossOverflowFinding(history: readonly IterationStats[], end?: ErrorsAndLoss & { readonly iterationsRun: number }): Finding | undefined {
  const points = [...history.map((h) => ({ updates: h.iteration - 1, loss: h.loss })), ...(end ? [{ updates: end.iterationsRun, loss: end.loss }] : [])];
  const first = points.find((p) => p.loss !== undefined && !Number.isFinite(p.loss));
  if (!first) return undefined;
  const when = first.updates === 0 ? 'with the initial W and b' : `after ${first.updates} update${first.updates === 1 ? '' : 's'}`;
  return new Finding(
    'loss-overflow',
    `the training loss overflowed ${when} (z = Wᵀ·x + b beyond the range the backend computes in, so the loss came out ${first.loss}): ` +
      'it is not known, and is shown as overflowed (null in JSON); ',
    option('standardize'),
    ' rescales the inputs, and a smaller ',
    option('learningRate'),
    ' keeps W smaller',
  );
}
