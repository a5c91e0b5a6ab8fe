/** Median and spread of a benchmark's samples. */
export interface Summary {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
}

/** Linear-interpolated quantile q (0…1) of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no samples');
  const sorted = [...values].sort((p, q) => p - q);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    samples: sorted.length,
  };
}

/** Every summary value divided by `by` (e.g. ms per run → ms per iteration). */
export function scaled(s: Summary, by: number): Summary {
  return { median: s.median / by, p25: s.p25 / by, p75: s.p75 / by, min: s.min / by, max: s.max / by, samples: s.samples };
}
