import { openSync, readSync, writeSync } from 'node:fs';
import { InputError, fileReadError } from '../../errors';

/** readSync and writeSync move at most 2 GiB a call. */
const MAX_IO = 1 << 30;

/** Opens an npy file to read ('r') or to write ('w'); failures are errors naming it. */
export function openFile(path: string, flags: 'r' | 'w'): number {
  try {
    return openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (flags === 'w' && (code === 'ENOENT' || code === 'ENOTDIR')) throw new InputError(`${path}: cannot create the file: no such folder`);
    throw fileReadError(path, err, 'an npy file');
  }
}

/** Fills `into` from the file at `position`; returns the bytes read, fewer at the end of the file. */
export function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(into.length - done, MAX_IO), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all of `bytes` at the file's current position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, MAX_IO));
}
