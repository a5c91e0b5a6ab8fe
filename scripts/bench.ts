/**
 * The benchmark: `npm run bench [-- --quick] [-- --out DIR]`.
 * Times every backend that loads here and the article's numpy code, and writes
 * DIR/results.json, results.md, chart.svg and chart.png (DIR defaults to bench/).
 */
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
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 ? argv[outAt + 1] : join(__dirname, '..', 'bench');
  const unknown = argv.filter((a, i) => a !== '--quick' && a !== '--out' && i !== outAt + 1);
  if (unknown.length > 0 || (outAt >= 0 && !dir)) {
    console.error(`usage: bench [--quick] [--out DIR]; got ${argv.join(' ')}`);
    process.exitCode = 2;
    return;
  }
  const results = await runBench({ quick, log: (line) => console.error(line) });
  const files = await writeResults(dir, results);
  console.log(markdown(results));
  console.error(`wrote ${files.join(', ')}`);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
