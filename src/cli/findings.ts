import type { Dataset } from '../data/dataset';
import type { FeatureStats } from '../data/standardize';
import { constantFinding, courseFindings, LAST_PART, lossOverflowFinding, scaleFinding, type Finding } from '../diagnostics';
import type { IterationStats, TrainResult } from '../network/network';
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
  return findings.filter((f): f is Finding => f !== undefined);
}
