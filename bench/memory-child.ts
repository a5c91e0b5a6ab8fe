/**
 * The benchmark's memory child: `memory-child.ts BACKEND X.npy Y.npy ITERATIONS`, started by
 * measureMemory (bench/memory.ts) in a Node process of its own. Trains BACKEND on x and y and prints
 * its {@link MemoryUse} as one line of JSON.
 */
import { memoryChild } from './memory';
import type { Backend } from '../src/network/network';

async function main(argv: string[]): Promise<void> {
  if (argv.length !== 4) {
    console.error(`usage: memory-child BACKEND X.npy Y.npy ITERATIONS; got ${argv.join(' ')}`);
    process.exitCode = 2;
    return;
  }
  const [backend, xPath, yPath, iterations] = argv;
  console.log(JSON.stringify(await memoryChild(backend as Backend, xPath, yPath, Number(iterations))));
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
