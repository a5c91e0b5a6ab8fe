import { InputError, option, quote } from '../errors';

/**
 * `--trace`'s iterations: `1,2,12,1000` (ranges too: `16-19`), `first:3`, `last:2` or `all`, as a
 * predicate on 1-based iteration numbers of a run of `iterations`.
 */
export function parseTraceSpec(text: string, iterations: number): (iteration: number) => boolean {
  const spec = text.trim();
  const bad = () => new InputError(option('trace'), `: ${quote(text)} is not a list of iterations; expected e.g. 1,2,12 or 16-19 or first:3 or last:2 or all`);
  if (spec === 'all') return () => true;
  const edge = /^(first|last):(\d+)$/.exec(spec);
  if (edge) {
    const n = Number(edge[2]);
    if (n < 1) throw new InputError(option('trace'), `: ${quote(text)} names no iteration; expected ${edge[1]}:N with N at least 1`);
    return edge[1] === 'first' ? (i) => i <= n : (i) => i > iterations - n;
  }
  const wanted = new Set<number>();
  for (const part of spec.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range) throw bad();
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (from < 1 || to < from || to - from > 1e6) throw bad();
    for (let i = from; i <= to; i++) wanted.add(i);
  }
  const beyond = Math.max(...wanted);
  if (beyond > iterations) {
    throw new InputError(option('trace'), `: iteration ${beyond} never runs; `, option('iterations'), ` is ${iterations}, so the run has iterations 1 to ${iterations}`);
  }
  return (i) => wanted.has(i);
}
