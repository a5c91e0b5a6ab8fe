import { SingleBar } from 'cli-progress';
import type { IterationStats } from '../network/network';
import type { Io } from './run';

/** Milliseconds a run must last before its progress bar appears. */
const SHOW_AFTER_MS = 1000;

/**
 * A progress bar on stderr (cli-progress) for runs longer than about a second, only when stderr
 * is a terminal: iteration, training errors (when known) and iterations per second.
 * Never writes to stdout.
 */
export class TrainingProgress {
  private bar: SingleBar | undefined;
  private readonly started = Date.now();
  private errors = '–';

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly showAfterMs = SHOW_AFTER_MS,
  ) {}

  /** Whether a bar may be shown: only on a terminal. */
  get enabled(): boolean {
    return this.io.stderrIsTTY === true && this.io.progressStream !== undefined;
  }

  update(iteration: number, stats?: IterationStats): void {
    if (!this.enabled) return;
    if (stats) this.errors = String(stats.errors);
    const elapsed = Date.now() - this.started;
    if (!this.bar) {
      if (elapsed < this.showAfterMs) return;
      this.bar = new SingleBar({
        stream: this.io.progressStream,
        format: 'training [{bar}] {value}/{total} iterations | errors {errors} | {rate} it/s | eta {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        noTTYOutput: true, // we decide when to draw (stderr is a terminal); this lets tests draw on a stream
      });
      this.bar.start(this.total, 0, { errors: this.errors, rate: '–' });
    }
    this.bar.update(iteration, { errors: this.errors, rate: ((iteration * 1000) / elapsed).toFixed(1) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
