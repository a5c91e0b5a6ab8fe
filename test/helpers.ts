import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type Io } from '../src/cli/run';

/** A temporary folder for the files a test writes; removed after the suite. */
export function tempDir(): { path: (name: string) => string; write: (name: string, text: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'simple-nn-test-'));
  return {
    path: (name) => join(dir, name),
    write: (name, text) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a CLI command in this process, capturing what it writes. */
export async function runInProcess(
  main: (argv: readonly string[], io: Io) => Promise<void | number>,
  argv: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await runCommand((out) => main(argv, out), io);
  return { code, stdout, stderr };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** The error a function throws; fails the test when it returns. */
export function throws(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

/** A child process whose stdout and stderr are collected; `done` resolves with them when it closes. */
export function spawnCollecting(command: string, args: readonly string[], cwd: string) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

/** CPU seconds a process has used (Linux): a measure of progress that does not depend on the machine's load. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** Waits until `condition` holds, polling; fails naming `what` after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Checks a refused run: exit 2, nothing on stdout, and one line on stderr (`error: ` + message, or matching it). */
export function expectRefused(r: { code: number | null; stdout: string; stderr: string }, message: string | RegExp): void {
  expect(r.stdout, 'stdout').to.equal('');
  if (typeof message === 'string') expect(r.stderr).to.equal(`error: ${message}\n`);
  else {
    expect(r.stderr.split('\n').filter(Boolean), r.stderr).to.have.length(1);
    expect(r.stderr).to.match(message);
  }
  expect(r.code, r.stderr).to.equal(2);
}
