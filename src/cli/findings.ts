import type { Dataset } from '../data/dataset';
import type { FeatureStats } from '../data/standardize';
import { constantFinding, courseFindings, lossOverflowFinding, scaleFinding, type Finding } from '../diagnostics';
import type { IterationStats, TrainResult } from '../network/network';
import type { TrainArgs } from './types';

/** Points of the loss curve a run gathers for its report and warnings (the plot gathers every iteration). */
export const STATS_POINTS = 200;

/** Every how many iterations stats are computed so that about {@link STATS_POINTS} are gathered: 1 up to 200 iterations. */
export function statsCadence(iterations: number): number {
  return Math.max(1, Math.ceil(iterations / STATS_POINTS));
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
