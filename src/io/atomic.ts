import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, fileWriteError, shownPath } from '../errors';

/**
 * Writes a file so that readers see either the old contents or the new, never a mix:
 * the data goes to a temporary file in the same folder (`.NAME.PID.RANDOM.tmp`, NAME cut to
 * 100 bytes so the temporary name stays within the file system's 255), is fsynced, then renamed
 * over `path`. If anything fails the temporary file is removed and `path` is untouched.
 *
 * A symbolic link is written through: its final target is replaced and the link is kept.
 * The target must be a regular file or not exist: a folder, pipe, socket or device is an
 * {@link InputError} naming `path` (it is never replaced by a file), as are a missing folder and a
 * target that cannot be written. A write that fails midway (a full disk) is the system's error,
 * except inside {@link writeTogether}, where every failure with a known cause is an InputError.
 *
 * @example
 * writeFileAtomic('out/model.json', JSON.stringify(model));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const batch = current.getStore();
  const file = stage(path, data, batch !== undefined);
  if (batch) {
    batch.staged.push(file);
    return;
  }
  commit(file);
  syncFolder(dirname(file.target));
}

/**
 * Writes several files into `dir` (its missing folders made, and removed again if the writing
 * fails), each atomically as {@link writeFileAtomic}. Every file is staged and fsynced before the
 * first rename, so a failure while writing leaves all the old files in place; the renames then
 * happen in the order of `files` (name the file that refers to the others, such as a `model.json`, last).
 *
 * @example
 * writeFilesAtomic('out/tfjs', { 'weights.bin': bytes, 'model.json': json });
 */
export function writeFilesAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  const batch = current.getStore();
  const made = makeFolders(dir);
  batch?.made.push(...made);
  const staged: Staged[] = [];
  try {
    for (const [name, data] of Object.entries(files)) staged.push(stage(join(dir, name), data, batch !== undefined));
  } catch (err) {
    for (const file of staged) removeQuietly(file.tmp);
    if (!batch) removeFolders(made);
    throw err;
  }
  if (batch) {
    batch.staged.push(...staged);
    return;
  }
  commitAll(staged);
}

/**
 * Runs `write`, in which {@link writeFileAtomic} and {@link writeFilesAtomic} only stage their
 * files (temporary files, written and fsynced); when `write` has finished they are all renamed into
 * place, in the order they were written. If `write` or any staging fails, every temporary file and
 * every folder made for them is removed and no target is touched: several outputs are written all
 * or none (up to the renames themselves, which do not fail on a sane file system). Failures with a
 * known cause (full disk, read-only file system, …) are {@link InputError}s naming the file.
 * Temporary files are removed too if the process exits in the middle (`process.exit`), and a
 * signal whose handler ends the process is let in before the renames, so it leaves the targets as they were.
 *
 * @example
 * await writeTogether(async () => {
 *   saveModel('model.json', model);
 *   await writePlot('training.png', spec); // if this fails, model.json is as it was
 * });
 */
export async function writeTogether<T>(write: () => Promise<T>): Promise<T> {
  if (current.getStore()) return write(); // already inside one: part of it
  const batch: Batch = { staged: [], made: [] };
  const discardAll = () => discard(batch);
  process.on('exit', discardAll);
  try {
    const result = await current.run(batch, write);
    // A signal heard while the files were made (its handler waits for the event loop, and the
    // writing may have kept it busy for seconds) ends the process here, before any rename.
    await signalsHeard();
    commitAll(batch.staged.splice(0));
    return result;
  } catch (err) {
    discardAll();
    throw err;
  } finally {
    process.off('exit', discardAll);
  }
}

/**
 * Resolves once the event loop has turned, so that the handler of a signal that arrived while
 * JavaScript was busy has run (libuv hears signals in its poll phase, before the immediates).
 */
export function signalsHeard(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A file being written in pieces, in place of its target: see {@link stageStream}. */
export interface StreamedFile {
  /** Appends bytes (a string as UTF-8). */
  write(data: Uint8Array | string): void;
  /** Writes bytes at a position (e.g. a header whose sizes are known only at the end). */
  writeAt(bytes: Uint8Array, position: number): void;
}

/**
 * Opens a temporary file beside `path`, to be written in pieces — an output too large to hold in
 * memory — and renamed over `path` (links followed) with the other files of the
 * {@link writeTogether} it is called in, once all are written: all or none, as the others. If the
 * writing fails, the temporary file is removed and `path` is untouched. Failures with a known cause
 * (full disk, …) are {@link InputError}s naming `path`. With `makeFolder`, missing folders of `path`
 * are made (and removed again if the batch fails).
 *
 * @example
 * await writeTogether(async () => {
 *   const out = stageStream('predictions.csv');
 *   for (const row of rows) out.write(`${row}\n`);
 * });
 */
export function stageStream(path: string, { makeFolder = false }: { makeFolder?: boolean } = {}): StreamedFile {
  const batch = current.getStore();
  if (!batch) throw new Error('stageStream must be called inside writeTogether');
  // its folders, when asked, made now and removed again if the batch fails
  if (makeFolder) batch.made.push(...makeFolders(dirname(path)));
  const { target, tmp, fd } = openTemp(path);
  const file: Staged = { path, target, tmp, fd };
  batch.staged.push(file);
  const failed = (err: unknown) => fileWriteError(path, err);
  return {
    write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      try {
        for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done);
      } catch (err) {
        throw failed(err);
      }
    },
    writeAt(bytes, position) {
      try {
        for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
      } catch (err) {
        throw failed(err);
      }
    },
  };
}

/**
 * The path `path` names once every symbolic link in it is followed, as an absolute path; unlike
 * `realpath`, it also works for a path that does not exist yet (its existing part is resolved) and
 * for a link to a file that does not exist yet (the file the link would create).
 * Errors other than "no such file" (ENOTDIR, ELOOP, EACCES, ENAMETOOLONG) are thrown as the system's.
 */
export function realTarget(path: string): string {
  let at = resolve(path);
  for (let hops = 0; ; hops++) {
    try {
      return realpathSync.native(at);
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') throw err;
    }
    let link: string | undefined;
    try {
      if (lstatSync(at).isSymbolicLink()) link = readlinkSync(at);
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') throw err;
    }
    if (link === undefined) {
      const parent = dirname(at);
      return parent === at ? at : join(realTarget(parent), basename(at));
    }
    if (hops >= MAX_LINKS) throw Object.assign(new Error(`ELOOP: too many symbolic links encountered, '${path}'`), { code: 'ELOOP' });
    at = resolve(dirname(at), link); // a dangling link: follow it to where it points
  }
}

/**
 * The link through a process's open file descriptor that `path` leads through (/dev/stdout,
 * /dev/fd/N, /proc/self/fd/N, or a link to one: each link on the way is followed, and none may be
 * in a process's fd folder, /proc/PID/fd, where /dev/fd leads), or undefined. Such a link leads to
 * the file the descriptor is open on (`>> log.txt`), which a staged write would replace by rename,
 * losing what was there.
 */
export function throughDescriptor(path: string): string | undefined {
  let at = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let folder = dirname(at);
    try {
      folder = realpathSync.native(folder);
    } catch {
      // a folder that cannot be resolved is not a process's fd folder
    }
    if (/^\/proc\/[^/]+(\/task\/[^/]+)?\/fd$/.test(folder)) return at;
    let link: string;
    try {
      if (!lstatSync(at).isSymbolicLink()) return undefined;
      link = readlinkSync(at);
    } catch {
      return undefined; // missing or unreadable: for the checks that follow
    }
    at = resolve(folder, link);
  }
  return undefined;
}

/** What a file that is not a regular file is, for messages: "a folder", "a pipe", "a character device"…. */
export function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return stat.isFile() ? 'a regular file' : 'not a regular file';
}

/** Bytes of a target's name kept in its temporary file's name. */
const NAME_KEPT = 100;
/** The longest a temporary file's name gets, in bytes: `.` NAME `.` PID `.` 12 hex `.tmp`. */
export const TEMP_NAME_MAX = 1 + NAME_KEPT + 1 + 10 + 1 + 12 + 4;
/** Links followed in a row before giving up, as Linux does (ELOOP). */
const MAX_LINKS = 40;

/** A file written to its temporary name, waiting to be renamed to its target. */
interface Staged {
  /** The path the caller gave, for messages. */
  path: string;
  /** The file actually replaced: `path` with symbolic links followed. */
  target: string;
  tmp: string;
  /** A file still being written in pieces ({@link stageStream}): closed (and fsynced) before its rename. */
  fd?: number;
}

interface Batch {
  staged: Staged[];
  /** Folders made for the files, outermost first. */
  made: string[];
}

const current = new AsyncLocalStorage<Batch>();

/** `.NAME.PID.RANDOM.tmp`, with NAME cut to {@link NAME_KEPT} bytes (at a character boundary). */
function tempName(name: string): string {
  let kept = name;
  while (Buffer.byteLength(kept) > NAME_KEPT) kept = kept.slice(0, -1);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1); // not half a surrogate pair
  return `.${kept}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** A fresh temporary file beside the file `path` names (links followed), open for writing, with the target's mode. */
function openTemp(path: string): { target: string; tmp: string; fd: number } {
  const target = targetOf(path);
  const tmp = join(dirname(target), tempName(basename(target)));
  try {
    return { target, tmp, fd: openSync(tmp, 'wx', modeOf(target)) };
  } catch (err) {
    // a folder that is there but makes no new file says ENOENT too: /proc, /sys (kernel file systems)
    if (codeOf(err) === 'ENOENT' && statIfAny(dirname(tmp))?.isDirectory()) {
      throw new InputError(`${shownPath(path)}: cannot write: the folder "${shownPath(dirname(tmp))}" takes no new files (as /proc and /sys do); choose a folder on a disk`);
    }
    throw fileWriteError(path, err);
  }
}

/**
 * Writes `data` to a fresh temporary file beside the file `path` names (links followed), fsynced.
 * Errors while writing are the system's, or {@link InputError}s when `asInputError`.
 */
function stage(path: string, data: string | Uint8Array, asInputError: boolean): Staged {
  const { target, tmp, fd } = openTemp(path);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    removeQuietly(tmp);
    throw asInputError ? fileWriteError(path, err) : err;
  }
  closeSync(fd);
  return { path, target, tmp };
}

/** The file to replace for `path`: links followed; it must be a regular file or not exist. */
function targetOf(path: string): string {
  let stat: Stats | undefined;
  let target: string;
  try {
    stat = statIfAny(path);
    target = realTarget(path);
  } catch (err) {
    throw fileWriteError(path, err);
  }
  const descriptor = throughDescriptor(path);
  if (descriptor) {
    const via = descriptor === resolve(path) ? '' : ` (through ${descriptor})`;
    throw new InputError(`${path}: cannot write: it is an open file descriptor${via}, not a file; give a file name (writing through it would replace the file it is open on)`);
  }
  if (stat?.isDirectory()) throw fileWriteError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
  if (stat && !stat.isFile()) throw new InputError(`${path}: cannot write: it is ${fileKind(stat)}, expected a regular file`);
  return target;
}

/** Renames the staged file over its target, removing it if the rename fails. */
function commit(file: Staged): void {
  try {
    renameSync(file.tmp, file.target);
  } catch (err) {
    removeQuietly(file.tmp);
    throw fileWriteError(file.path, err);
  }
}

/** Closes a streamed file, fsynced first when `sync`; failures are InputErrors naming it. */
function closeStreamed(file: Staged, sync: boolean): void {
  const fd = file.fd;
  if (fd === undefined) return;
  file.fd = undefined;
  try {
    if (sync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    throw fileWriteError(file.path, err);
  }
  closeSync(fd);
}

/** Renames every staged file in order, then syncs their folders; on a failure the rest are removed. */
function commitAll(files: Staged[]): void {
  try {
    for (const file of files) closeStreamed(file, true);
    for (let i = 0; i < files.length; i++) {
      commit(files[i]);
      files[i].tmp = '';
    }
  } finally {
    for (const file of files) {
      closeQuietly(file);
      if (file.tmp) removeQuietly(file.tmp);
    }
  }
  for (const folder of new Set(files.map((file) => dirname(file.target)))) syncFolder(folder);
}

/** Removes what a batch staged and the folders it made. */
function discard(batch: Batch): void {
  for (const file of batch.staged.splice(0)) {
    closeQuietly(file);
    removeQuietly(file.tmp);
  }
  removeFolders(batch.made.splice(0));
}

/**
 * Makes `dir` and any missing folder above it, one at a time (not `mkdirSync`'s `recursive`, which
 * never returns on /proc); returns the folders it made, outermost first.
 */
function makeFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(dir); ; ) {
    let stat: Stats | undefined;
    try {
      stat = statIfAny(at);
    } catch (err) {
      throw fileWriteError(dir, err);
    }
    if (stat?.isDirectory()) break;
    if (stat) {
      throw at === resolve(dir)
        ? fileWriteError(dir, Object.assign(new Error('EEXIST'), { code: 'EEXIST' }))
        : new InputError(`${dir}: cannot write: "${at}" is ${fileKind(stat)}, not a folder`);
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  const made: string[] = [];
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (err) {
      removeFolders(made);
      if (codeOf(err) === 'ENOENT') throw new InputError(`${dir}: cannot write: the folder "${folder}" cannot be made there`);
      throw fileWriteError(dir, err);
    }
    made.push(folder);
  }
  return made;
}

/** Removes folders made for files that were not written, innermost first (each only if empty). */
function removeFolders(made: readonly string[]): void {
  for (const folder of [...made].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      // not empty, or already gone
    }
  }
}

/** `path`'s stats (links followed), or undefined when there is no such file. */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw err;
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

function closeQuietly(file: Staged): void {
  try {
    closeStreamed(file, false);
  } catch {
    // already closed
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}
