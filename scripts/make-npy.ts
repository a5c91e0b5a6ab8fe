/**
 * `simple-nn make-npy` through ts-node, without a build (the command lives in src/cli/make-npy.ts):
 *
 *   npx ts-node scripts/make-npy.ts --out DIR --features 32 --samples 33554432 [--seed 1]   # a 4 GiB x.npy
 *
 * `npm run make-npy -- …` runs the compiled one (dist/cli/main.js make-npy).
 */
import { makeNpy } from '../src/cli/make-npy';
import { runScript } from '../src/cli/run';

runScript(makeNpy);
