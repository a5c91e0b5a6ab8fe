import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
