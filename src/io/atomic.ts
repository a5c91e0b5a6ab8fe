import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors';

/**
 * Writes a file so that readers see either the old contents or the new, never a mix:
 * the data goes to a temporary file in the same folder (`.NAME.PID.RANDOM.tmp`), is fsynced,
 * then renamed over `path`. If anything fails the temporary file is removed and `path` is untouched.
 * A missing folder or a target that cannot be written is an {@link InputError} naming `path`.
 *
 * @example
 * writeFileAtomic('out/model.json', JSON.stringify(model));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = stage(path, data);
  commit(tmp, path);
  syncFolder(dirname(path));
}

/**
 * Writes several files into `dir` (created if missing), each atomically as {@link writeFileAtomic}.
 * Every file is staged and fsynced before the first rename, so a failure while writing leaves all
 * the old files in place; the renames then happen in the order of `files` (name the file that refers
 * to the others, such as a `model.json`, last).
 *
 * @example
 * writeFilesAtomic('out/tfjs', { 'weights.bin': bytes, 'model.json': json });
 */
export function writeFilesAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw asInputError(dir, err);
  }
  const staged = new Map<string, string>(); // target path → its temporary file, until renamed
  try {
    for (const [name, data] of Object.entries(files)) {
      const path = join(dir, name);
      staged.set(path, stage(path, data));
    }
    for (const [path, tmp] of staged) {
      commit(tmp, path);
      staged.delete(path);
    }
  } finally {
    for (const tmp of staged.values()) removeQuietly(tmp);
  }
  syncFolder(dir);
}

/** Writes `data` to a fresh temporary file beside `path`, fsynced; returns its name. */
function stage(path: string, data: string | Uint8Array): string {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', modeOf(path));
  } catch (err) {
    throw asInputError(path, err);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    removeQuietly(tmp);
    throw err;
  }
  closeSync(fd);
  return tmp;
}

/** Renames the staged file over `path`, removing it if the rename fails. */
function commit(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (err) {
    removeQuietly(tmp);
    throw asInputError(path, err);
  }
}

/** Keeps the permissions of a file being replaced; new files get the usual 0o666 (less umask). */
function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o666;
  }
}

/** Makes the rename itself durable; not every platform can fsync a folder, so this is best effort. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a folder for fsync; the rename has happened all the same.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function asInputError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${path}: cannot write: the folder "${dirname(path)}" does not exist`);
  if (code === 'ENOTDIR') return new InputError(`${path}: cannot write: "${dirname(path)}" is not a folder`);
  if (code === 'EISDIR') return new InputError(`${path}: cannot write: it is a folder, expected a file name`);
  if (code === 'EEXIST') return new InputError(`${path}: cannot write: it is a file, expected a folder`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${path}: cannot write: permission denied`);
  return err instanceof Error ? err : new Error(String(err));
}
