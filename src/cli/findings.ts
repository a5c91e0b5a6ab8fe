import type { Dataset } from '../data/dataset';
import type { FeatureStats } from '../data/standardize';
import { constantFinding, courseFindings, Finding, LAST_PART, lossOverflowFinding, scaleFinding } from '../diagnostics';
import { option } from '../errors';
import type { IterationStats, TrainResult } from '../network/network';
import { parseTraceSpec } from './trace';
import type { TrainArgs } from './types';

/** Points of the loss curve a run gathers for its report and warnings (the plot gathers every iteration). */
export const STATS_POINTS = 200;

/** Every how many iterations stats are computed so that about {@link STATS_POINTS} are gathered: 1 up to 200 iterations. */
export function statsCadence(iterations: number): number {
  return Math.max(1, Math.ceil(iterations / STATS_POINTS));
}

/**
 * The iterations (1-based) of a run of `iterations` whose stats include the loss, without `--plot`:
 * the first (the initial W and b), and the stats point that the course of training is judged from
 * (the last at or before the run's last {@link LAST_PART}); the end's loss comes from the final
 * pass. A loss costs a pass over every sample (which screening would skip) and a logarithm for each;
 * the errors come with every stats point, from the pass the update makes anyway.
 */
export function lossPoints(iterations: number): (iteration: number) => boolean {
  const every = statsCadence(iterations);
  const judged = 1 + every * Math.floor(Math.floor((1 - LAST_PART) * iterations) / every);
  return (iteration) => iteration === 1 || iteration === judged;
}

/** What may have gone wrong in a run, in the order it is printed: the data's scales (or constant features), the course of training, then a loss that overflowed. */
export function findingsOf(args: TrainArgs, data: Dataset, stats: FeatureStats | undefined, result: TrainResult, history: readonly IterationStats[]): Finding[] {
  const findings = [!stats ? undefined : args.standardize ? constantFinding(data.featureNames, stats) : scaleFinding(data.featureNames, stats)];
  findings.push(
    ...courseFindings({
      gradient: args.gradient,
      iterationsRun: result.iterationsRun,
      history,
      end: result.final,
      total: data.source.outputs * data.source.samples,
      pocket: result.pocket,
    }),
  );
  findings.push(lossOverflowFinding(history, result.final && { ...result.final, iterationsRun: result.iterationsRun }));
  findings.push(traceFinding(args, result));
  return findings.filter((f): f is Finding => f !== undefined);
}

/**
 * Iterations `--trace` names (not `all`) that never ran, the run having stopped early (no training
 * error left, or interrupted): their trace is missing, which is said rather than left silent.
 */
function traceFinding(args: TrainArgs, result: TrainResult): Finding | undefined {
  if (args.trace === undefined || args.trace.trim() === 'all' || result.iterationsRun >= args.iterations) return undefined;
  const asked = parseTraceSpec(args.trace, args.iterations);
  const run = result.iterationsRun;
  let first: number | undefined;
  let last = 0;
  let count = 0;
  for (let i = run + 1; i <= args.iterations; i++) {
    if (!asked(i)) continue;
    first ??= i;
    last = i;
    count++;
  }
  if (first === undefined) return undefined;
  const which = count === 1 ? `iteration ${first}` : count === last - first + 1 ? `iterations ${first}–${last}` : `${count} iterations from ${first} to ${last}`;
  const why = result.stoppedBy === 'no-error' ? 'no training error was left' : 'it was interrupted';
  const after = `training stopped after ${run} iteration${run === 1 ? '' : 's'} (${why})`;
  return new Finding('trace-not-run', option('trace'), ` names ${which}, which never ran: ${after}, so the trace has none of them`);
}
