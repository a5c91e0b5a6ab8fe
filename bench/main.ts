/**
 * The benchmark: `npm run bench [-- --quick] [-- --out DIR] [-- --readme]`.
 * Times every backend that loads here and numpy, and writes DIR/results.json, results.md,
 * chart.svg and chart.png (DIR defaults to bench/out/). With --readme it also puts the tables into
 * docs/benchmark.md, between the `<!-- bench:start -->` and `<!-- bench:end -->` lines, and the
 * headline table into README.md, between `<!-- bench-headline:start -->` and `<!-- bench-headline:end -->`.
 */
import { join } from 'node:path';
import { markdown, updateDocs, writeResults } from './report';
import { runBench } from './run';

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const readme = argv.includes('--readme');
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 ? argv[outAt + 1] : join(__dirname, 'out');
  const unknown = argv.filter((a, i) => a !== '--quick' && a !== '--readme' && a !== '--out' && (outAt < 0 || i !== outAt + 1));
  if (unknown.length > 0 || (outAt >= 0 && !dir)) {
    console.error(`usage: bench [--quick] [--out DIR] [--readme]; got ${argv.join(' ')}`);
    process.exitCode = 2;
    return;
  }
  const results = await runBench({ quick, log: (line) => console.error(line) });
  const files = await writeResults(dir, results);
  console.log(markdown(results));
  if (readme) files.push(...updateDocs(results));
  console.error(`wrote ${files.join(', ')}`);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
