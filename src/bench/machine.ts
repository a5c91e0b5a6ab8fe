import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** What the benchmark ran on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  /** `python3 x.y.z, numpy a.b.c`, or why the numpy baseline could not run. */
  readonly numpy: string;
  readonly numpyAvailable: boolean;
  /** Single-core memory read bandwidth, bytes per second (see {@link readBandwidth}). */
  readonly readBandwidth: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return cpus()[0]?.model ?? 'unknown';
}

function numpyVersion(): { numpy: string; numpyAvailable: boolean } {
  try {
    const out = execFileSync('python3', ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [python, numpy] = out.trim().split(' ');
    return { numpy: `python3 ${python}, numpy ${numpy}`, numpyAvailable: true };
  } catch (err) {
    return { numpy: `unavailable (${(err as Error).message.split('\n')[0]})`, numpyAvailable: false };
  }
}

/**
 * Single-core memory read bandwidth: the best of `repeats` sums of a 256 MB Float64Array in one tight
 * loop with four running sums (so the adds do not wait on each other and memory is the limit).
 */
export function readBandwidth(repeats = 5, bytes = 256 * 2 ** 20): number {
  const a = new Float64Array(bytes / 8);
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < a.length; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    best = Math.min(best, performance.now() - start);
    sink += s0 + s1 + s2 + s3;
  }
  if (sink !== repeats * (a.length / 8) * 28) throw new Error('readBandwidth: wrong sum');
  return bytes / (best / 1000);
}

export function describeMachine(): Machine {
  return { cpu: cpuModel(), cores: availableParallelism(), node: process.version, ...numpyVersion(), readBandwidth: readBandwidth() };
}
