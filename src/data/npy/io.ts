import { closeSync, constants, fstatSync, openSync, readSync, statSync, writeSync, type Stats } from 'node:fs';
import { InputError, fileReadError, shownPath } from '../../errors';
import { fileKind } from '../../io/atomic';
import { kernelInputReason } from '../../io/kernel-fs';

/** readSync and writeSync move at most 2 GiB a call. */
const MAX_IO = 1 << 30;

/** Opens an npy file to read ('r') or to write ('w'); failures are errors naming it. */
export function openFile(path: string, flags: 'r' | 'w'): number {
  if (flags === 'r') return openInput(path, 'an npy file');
  try {
    return openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (flags === 'w' && (code === 'ENOENT' || code === 'ENOTDIR')) throw new InputError(`${path}: cannot create the file: no such folder`);
    throw fileReadError(path, err, 'an npy file');
  }
}

/**
 * Opens a file to read; it must be a regular file. A pipe (`<(cat x.npy)`, /dev/stdin), a socket
 * or a device is refused with an {@link InputError} naming it: they cannot be read at a position
 * or twice, and a device such as /dev/zero never ends. A named pipe is opened without waiting for
 * a writer, so refusing it never hangs. `expected` names what the file should be ("a CSV file").
 */
export function openInput(path: string, expected: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    // ENXIO: a socket (as /dev/stdin often is, for a child process), which cannot be opened
    const stat = (err as NodeJS.ErrnoException).code === 'ENXIO' ? statSync(path, { throwIfNoEntry: false }) : undefined;
    throw stat ? notRegular(path, stat) : fileReadError(path, err, expected);
  }
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (err) {
    closeSync(fd);
    throw fileReadError(path, err, expected);
  }
  const kernel = stat.isFile() ? kernelInputReason(path) : undefined;
  if (stat.isFile() && !kernel) return fd;
  closeSync(fd);
  if (kernel) throw new InputError(`${shownPath(path)}: ${kernel}`);
  if (stat.isDirectory()) throw new InputError(`${shownPath(path)}: is a directory, expected ${expected}`);
  throw notRegular(path, stat);
}

function notRegular(path: string, stat: Stats): InputError {
  return new InputError(`${shownPath(path)}: is ${fileKind(stat)}; it must be a regular file (save the data to a file and give its name)`);
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
