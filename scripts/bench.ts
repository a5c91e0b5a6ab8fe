/**
 * The benchmark: `npm run bench [-- --quick] [-- --out DIR] [-- --readme]`.
 * Times every backend that loads here and numpy, and writes DIR/results.json, results.md,
 * chart.svg and chart.png (DIR defaults to bench/). With --readme it also puts the tables into
 * README.md, between the `<!-- bench:start -->` and `<!-- bench:end -->` lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryChild } from '../src/bench/memory';
import { markdown, writeResults } from '../src/bench/report';
import { runBench } from '../src/bench/run';
import type { Backend } from '../src/network/network';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--memory-child') {
    const [, backend, xPath, yPath, iterations] = argv;
    console.log(JSON.stringify(await memoryChild(backend as Backend, xPath, yPath, Number(iterations))));
    return;
  }
  const quick = argv.includes('--quick');
  const readme = argv.includes('--readme');
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 ? argv[outAt + 1] : join(__dirname, '..', 'bench');
  const unknown = argv.filter((a, i) => a !== '--quick' && a !== '--readme' && a !== '--out' && (outAt < 0 || i !== outAt + 1));
  if (unknown.length > 0 || (outAt >= 0 && !dir)) {
    console.error(`usage: bench [--quick] [--out DIR] [--readme]; got ${argv.join(' ')}`);
    process.exitCode = 2;
    return;
  }
  const results = await runBench({ quick, log: (line) => console.error(line) });
  const files = await writeResults(dir, results);
  console.log(markdown(results));
  if (readme) files.push(updateReadme(markdown(results)));
  console.error(`wrote ${files.join(', ')}`);
}

/** Replaces the README's benchmark section (between its markers) with the tables of this run. */
function updateReadme(md: string): string {
  const path = join(__dirname, '..', 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const [i, j] = [text.indexOf(start), text.indexOf(end)];
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} section`);
  const body = md.split('\n').slice(1).join('\n').trim(); // without the "# Benchmark" title
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`);
  return path;
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
