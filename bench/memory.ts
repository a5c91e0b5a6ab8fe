import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../src/backend';
import { readNpy } from '../src/data/npy';
import { memorySource } from '../src/data/source';
import { createNetwork } from '../src/network/create';
import { isTensorBackend, type Backend } from '../src/network/network';
import { train } from '../src/training';

/** Peak resident memory of one backend training on x and y, measured in a process of its own. */
export interface MemoryUse {
  /** RSS once the code is loaded, before the data. */
  readonly baselineRss: number;
  /** The process's highest RSS, through loading the data and training. */
  readonly peakRss: number;
}

/** In a child process (bench/memory-child.ts): loads the backend, then x and y, trains, and reports {@link MemoryUse}. */
export async function memoryChild(backend: Backend, xPath: string, yPath: string, iterations: number): Promise<MemoryUse> {
  if (isTensorBackend(backend)) await useBackend(backend);
  const baselineRss = process.memoryUsage.rss();
  const x = readNpy(xPath);
  const y = readNpy(yPath);
  const net = createNetwork(backend, { W: { rows: x.rows, cols: y.rows, data: new Float64Array(x.rows * y.rows) }, b: 0 });
  try {
    train(net, memorySource(x, y), { a: 0.1, iterations });
  } finally {
    net.dispose();
  }
  return { baselineRss, peakRss: peakRss() };
}

/**
 * This process's peak RSS: Linux's VmHWM, which starts afresh at exec (getrusage's maxrss would
 * carry over the parent's peak into a child).
 */
function peakRss(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs {@link memoryChild} in a fresh Node process, bench/memory-child.ts (so that backends' peaks do not mix). */
export function measureMemory(backend: Backend, xPath: string, yPath: string, iterations: number): MemoryUse {
  const script = join(__dirname, 'memory-child.ts');
  const args = ['-r', require.resolve('ts-node/register/transpile-only'), script, backend, xPath, yPath, String(iterations)];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()!) as MemoryUse;
}
