import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Classifier } from '../classifier';
import type { Dataset } from '../data/dataset';
import { foldStandardization } from '../data/standardize';
import { InputError, fileWriteError, shownPath } from '../errors';
import { TEMP_NAME_MAX, fileKind, realTarget, throughDescriptor, writeTogether } from '../io/atomic';
import { globBase, homed, isGlob } from '../io/glob';
import { kernelFileSystem, kernelInputReason } from '../io/kernel-fs';
import { filesUnder } from '../io/walk';
import { toRows } from '../matrix';
import { saveClassifier } from '../model/file';
import { plotFormat } from '../plot/format';
import type { IterationStats } from '../network/network';
import { writePredictionsCsv, type PredictionRows } from './predictions-file';
import type { DataArgs, OutputArgs, TrainReport } from './types';
import { minimatch } from 'minimatch';
import { quotedTexts } from '../sql/literals';
import { parseDbUrl } from '../sql/url';

/** The longest file name (one path component) Linux file systems take, in bytes. */
const NAME_MAX = 255;
/** The longest path Linux takes, in bytes (PATH_MAX, less the final NUL). */
const PATH_MAX = 4095;
/** What --export-tfjs writes into its folder (src/model/tfjs-export.ts). */
const TFJS_FILES = ['model.json', 'weights.bin'];

/** A file the run reads or writes: its option, its name as given, the name with links followed, and its stats if it exists. */
interface Place {
  flag: string;
  path: string;
  real: string;
  stat?: Stats;
}

/**
 * Checks the output paths before anything is loaded, so a long run is neither lost to a typo nor
 * able to destroy a file: each output is resolved (symbolic links followed) and must be a regular
 * file or a new name, in a folder that exists and can be written, on a disk (not /proc or /sys),
 * with a name the file system takes; no output may be an input (`data`), another output, or inside
 * the --export-tfjs folder, and that folder's model.json and weights.bin may not be either.
 * Any violation is an {@link InputError}; nothing is written or made.
 */
export function checkOutputs({ save, exportTfjs, plot, predictions }: OutputArgs, data?: DataArgs): void {
  if (save !== undefined) checkName('--save', save);
  if (predictions !== undefined) checkName('--predictions', predictions);
  if (plot !== undefined) {
    checkName('--plot', plot);
    plotFormat(plot);
  }
  if (exportTfjs === '') throw new InputError('--export-tfjs needs a folder name, got ""');
  const given = [['--save', save], ['--plot', plot], ['--predictions', predictions]].filter((g): g is [string, string] => g[1] !== undefined);
  for (const [flag, path] of given) checkLength(flag, path);
  if (exportTfjs !== undefined) {
    checkLength('--export-tfjs', exportTfjs);
    // first, as the folder may not exist yet: a file in it would then be "in a missing folder"
    const folder = resolved('--export-tfjs', exportTfjs);
    for (const [flag, path] of given) {
      const real = resolved(flag, path);
      if (real === folder) throw new InputError(`${flag}: "${shownPath(path)}" is the --export-tfjs folder; give them different names`);
      if (inside(real, folder)) {
        throw new InputError(`${flag}: "${shownPath(path)}" is inside the --export-tfjs folder "${shownPath(exportTfjs)}"; choose a path outside it`);
      }
      if (inside(folder, real)) {
        throw new InputError(`--export-tfjs: "${shownPath(exportTfjs)}" would be a folder inside "${shownPath(path)}", the ${flag} file`);
      }
    }
  }
  const files = outputPlaces({ save, exportTfjs, plot, predictions });
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      if (!sameFile(files[i], files[j])) continue;
      const [a, b] = [files[i], files[j]];
      throw new InputError(
        a.path === b.path
          ? `${a.flag} and ${b.flag} name the same file "${shownPath(a.path)}"; give each output its own file`
          : `${a.flag} "${shownPath(a.path)}" and ${b.flag} "${shownPath(b.path)}" are the same file; give each output its own file`,
      );
    }
  }
  for (const input of inputs(data)) {
    const file = files.find((f) => sameFile(f, input));
    if (!file) continue;
    const what =
      input.flag === '--sql'
        ? file.path === input.path
          ? 'is a file the --sql query reads'
          : `is the same file as "${shownPath(input.path)}", which the --sql query reads`
        : file.path === input.path
          ? `is the ${input.flag} file`
          : `is the same file as ${input.flag} "${shownPath(input.path)}"`;
    throw new InputError(`${file.flag}: "${shownPath(file.path)}" ${what}; writing it would destroy the data (choose another name)`);
  }
  for (const area of files.length > 0 ? inputAreas(data) : []) {
    const file = files.find((f) => area.holds(f));
    if (file) throw new InputError(`${file.flag}: "${shownPath(file.path)}" ${area.what}; ${area.then ?? 'writing it would replace or add to the data (choose a path outside it)'}`);
  }
}

/** Something no output may be: `holds` says whether a file is in it, `what` says so in the message. */
interface InputArea {
  what: string;
  /** What writing there would do, and what to do instead (default: it would replace or add to the data). */
  then?: string;
  holds: (file: Place) => boolean;
}

/** The files the outputs write: --save, --plot, --predictions, and --export-tfjs's two. */
function outputPlaces({ save, exportTfjs, plot, predictions }: OutputArgs): Place[] {
  const given = [['--save', save], ['--plot', plot], ['--predictions', predictions]].filter((g): g is [string, string] => g[1] !== undefined);
  const files = given.map(([flag, path]) => outputFile(flag, path));
  if (exportTfjs !== undefined) {
    const folder = exportFolder(exportTfjs);
    files.push(...TFJS_FILES.map((name) => exportFile(folder, name)));
  }
  return files;
}

/**
 * No output may be one of the files the database opened to read the data (`paths`, as DuckDB
 * logged them: whatever the query's text, through a view, a computed name, `query()` or a
 * file:// URL). Checked when the database has read the query's columns, before any row is read,
 * so only the opening is lost; {@link checkOutputs} has already refused what the query names.
 *
 * Nor may a new output be where the next run of the same query could read it: inside a pattern the
 * query or a view of the database reads (`names`: the names the database's readers are given,
 * evaluated: `concat('g*', '/a.csv')` is `g*\/a.csv`), or, beside a file read through a name that
 * none of `names` writes out (a macro's, say), in that file's folder — that name may be a pattern,
 * which cannot be seen.
 */
export function checkOutputsNotRead(outputs: OutputArgs, paths: readonly string[], data?: DataArgs, names: readonly string[] = []): void {
  const places = outputPlaces(outputs);
  const files = places.filter((file) => file.stat);
  // and the files the query names by evaluated names: read_text(concat('notes', '.txt')) opens its file only when run, not when prepared
  const byName = names.filter((name) => name !== '' && !isGlob(name) && !/^[A-Za-z][\w+.-]*:\/\//.test(name.replace(/^file:\/\//i, ''))).map((name) => homed(name.replace(/^file:\/\//i, '')));
  for (const path of files.length === 0 ? [] : [...paths, ...byName]) {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    const file = files.find((f) => f.stat!.dev === stat.dev && f.stat!.ino === stat.ino);
    if (file) {
      const what = resolve(path) === resolve(file.path) ? 'is a file' : `is "${shownPath(path)}", a file`;
      throw new InputError(`${file.flag}: "${shownPath(file.path)}" ${what} the database read for the data; writing it would destroy the data (choose another name)`);
    }
  }
  const fresh = places.filter((file) => !file.stat);
  if (data?.kind !== 'sql' || fresh.length === 0) return;
  const given = new Set(sqlReads(data.query));
  const evaluated = names.filter((name) => name !== '' && !given.has(name) && !/^[A-Za-z][\w+.-]*:\/\//.test(name.replace(/^file:\/\//i, '')));
  for (const area of readAreas(evaluated.map((name) => name.replace(/^file:\/\//i, '')), 'the --sql query (or a view or macro of the database) reads')) {
    const file = fresh.find((f) => area.holds(f));
    if (file) throw new InputError(`${file.flag}: "${shownPath(file.path)}" ${area.what}; ${area.then ?? 'writing it would replace or add to the data (choose a path outside it)'}`);
  }
  const written = [...given, ...evaluated].map((text) => homed(text.replace(/^file:\/\//i, '')));
  const named = new Set(written.filter((text) => !isGlob(text)).map((text) => realOr(resolve(text))));
  const globs = written.filter(isGlob).map((text) => resolve(text));
  for (const path of paths) {
    const real = realOr(resolve(path));
    if (named.has(real) || globs.some((glob) => minimatch(resolve(path), glob, { dot: true }) || minimatch(real, glob, { dot: true }))) continue;
    const file = fresh.find((f) => dirname(f.real) === dirname(real));
    if (file) {
      throw new InputError(
        `${file.flag}: "${shownPath(file.path)}" would be a new file beside "${shownPath(path)}", which the database read by a name the --sql query does not show; if that name is a pattern, the next run would read the output as data (choose another folder)`,
      );
    }
  }
}

/** The areas of the patterns among `texts` (names the database reads files by), which `by` gives in messages. */
function readAreas(texts: readonly string[], by: string): InputArea[] {
  return texts
    .filter(isGlob)
    .flatMap((text) => manyFiles(text, { pattern: `matches "${shownPath(text)}", a pattern ${by}`, link: `is, through a link, one of the files ${by} ("${shownPath(text)}")` }));
}

/**
 * The data given as many files — a folder of Parquet files (every file under it is data), a glob
 * of shards (every file that matches is), or a glob a --sql query reads — as places no output may
 * be in: inside the folder or matching the glob, by its name as given or with links followed (in
 * the output and in the pattern's folders), or one of the files read now under another name (a
 * shard that is a link).
 */
function inputAreas(data: DataArgs | undefined): InputArea[] {
  return [...walAreas(data), duckDbLogArea(), duckDbFileArea(), ...dataAreas(data)];
}

/** Any DuckDB database file, whatever this run reads: an output would replace the database (the fifth hostile pass: --predictions lab.duckdb did). */
function duckDbFileArea(): InputArea {
  return {
    what: 'is a DuckDB database',
    then: 'writing it would replace the database (choose another name)',
    holds: (file) => file.stat !== undefined && isDuckDbFile(file.real),
  };
}

/**
 * Any DuckDB database's write-ahead log, whatever this run reads: an output named `X.wal`, by its
 * name or with links followed, where X is a DuckDB database file (by any of its names: a hard link
 * has its own log, and the file's changes may wait in either). DuckDB replays what it finds there.
 */
function duckDbLogArea(): InputArea {
  return { what: DUCKDB_LOG.what, then: DUCKDB_LOG.then, holds: (file) => isDuckDbLog(resolve(file.path)) || isDuckDbLog(file.real) };
}

const DUCKDB_LOG = {
  what: 'is the write-ahead log of a DuckDB database (the file without ".wal")',
  then: 'writing it would lose the changes not yet in the database file (choose another name)',
};

/** Whether `path` is `X.wal` for a DuckDB database file X. */
function isDuckDbLog(path: string): boolean {
  return path.endsWith('.wal') && isDuckDbFile(path.slice(0, -'.wal'.length));
}

/** DuckDB's magic bytes, after the header's 8-byte checksum. */
const DUCKDB_MAGIC = Buffer.from('DUCK');

/** Whether `path` is a regular file that begins as a DuckDB database does. */
function isDuckDbFile(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(12);
    return readSync(fd, head, 0, 12, 0) === 12 && head.subarray(8).equals(DUCKDB_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A duckdb: database file's write-ahead log (`FILE.wal`, beside it), whether it is there or not:
 * it holds what was not yet written into the file, and DuckDB would replay an output put there.
 */
function walAreas(data: DataArgs | undefined): InputArea[] {
  if ((data?.kind !== 'sql' && data?.kind !== 'parquet') || data.db === undefined) return [];
  const url = parseDbUrl(data.db);
  if (url.kind !== 'duckdb' || url.path === undefined) return [];
  const wals = new Set([resolve(url.path) + '.wal', realOr(resolve(url.path)) + '.wal']);
  const stats = [...wals].flatMap((wal) => statOf('--db', wal) ?? []);
  return [
    {
      what: `is the write-ahead log of the --db database "${shownPath(url.path)}"`,
      then: 'writing it would lose the changes not yet in the database file (choose another name)',
      holds: (file) => wals.has(resolve(file.path)) || wals.has(file.real) || stats.some((stat) => file.stat !== undefined && stat.dev === file.stat.dev && stat.ino === file.stat.ino),
    },
  ];
}

function dataAreas(data: DataArgs | undefined): InputArea[] {
  if (data?.kind === 'sql') {
    return readAreas(sqlReads(data.query), 'the --sql query reads');
  }
  if (data?.kind !== 'parquet') return [];
  const shown = shownPath(data.path);
  return manyFiles(data.path, {
    folder: `is inside the --data folder "${shown}"`,
    pattern: `matches the --data pattern "${shown}"`,
    link: `is, through a link, one of the files --data "${shown}" reads`,
  });
}

/** The areas of a folder or a glob of files read (none for a single file: that is one of inputs()). */
function manyFiles(given: string, what: { folder?: string; pattern: string; link: string }): InputArea[] {
  const path = homed(given);
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {}
  // a file named with glob characters is still read as a pattern (DuckDB has no escape for them)
  if (stat && !stat.isDirectory() && isGlob(path)) stat = undefined;
  if (stat && (!stat.isDirectory() || what.folder === undefined)) return [];
  const pattern = resolve(stat ? join(path, '**', '*.parquet') : path);
  const base = globBase(pattern);
  const realBase = realOr(base);
  const patterns = [pattern, join(realBase, relative(base, pattern))];
  const matches = (p: string) => patterns.some((glob) => minimatch(p, glob, { dot: true }));
  const read = filesMatching(realBase, (p) => minimatch(p, patterns[1], { dot: true }));
  const folders = stat ? [resolve(path), realBase] : [];
  const within = (p: string) => folders.some((folder) => inside(p, folder));
  return [
    {
      what: stat ? what.folder! : what.pattern,
      holds: (file) => within(resolve(file.path)) || within(file.real) || matches(resolve(file.path)) || matches(file.real),
    },
    { what: what.link, holds: (file) => read.has(file.real) },
  ];
}

/**
 * The names a --sql query may read files by: its quoted texts ({@link quotedTexts}), less the
 * empty ones and URLs (https://…, s3://…), ~/… as DuckDB reads it.
 */
function sqlReads(query: string): string[] {
  return quotedTexts(query).filter((text) => text !== '' && !/^[A-Za-z][\w+.-]*:\/\//.test(text));
}

/** A path with links followed, or as it is when it cannot be (missing, unreadable). */
function realOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** Entries under a folder looked at, at most, for the files a folder or glob of Parquet reads. */
const LOOK_AT = 100_000;

/** The files (links followed) under `folder` whose path `matches`: what DuckDB reads of a folder or a glob. */
function filesMatching(folder: string, matches: (path: string) => boolean): Set<string> {
  const found = new Set<string>();
  for (const path of filesUnder(folder, LOOK_AT, { skipUnreadable: true })) if (matches(path)) found.add(realOr(path));
  return found;
}

/** A name that can be a file: not empty, not ending in "/". */
function checkName(flag: string, path: string): void {
  if (path === '' || path.endsWith('/') || path.endsWith(sep)) throw notAFileName(flag, path);
}

function notAFileName(flag: string, path: string): InputError {
  const example = flag === '--plot' ? 'plot.png' : flag === '--predictions' ? 'predictions.csv' : 'model.json';
  return new InputError(`${flag}: "${shownPath(path)}" is not a file name; expected e.g. ${example}`);
}

/** --save, --plot or --predictions: a regular file or a new name, in a folder that exists and can be written. */
function outputFile(flag: string, path: string): Place {
  checkLength(flag, path);
  checkNotDescriptor(flag, path);
  const stat = statOf(flag, path);
  if (stat?.isDirectory()) throw notAFileName(flag, path);
  if (stat && !stat.isFile()) throw notRegular(flag, path, stat);
  const real = resolved(flag, path);
  checkLength(flag, path, real);
  const folder = dirname(real);
  const folderStat = statOf(flag, folder);
  const shownFolder = real === resolve(path) ? dirname(path) : folder; // a link's target lives elsewhere
  if (!folderStat) throw new InputError(`${flag}: the folder "${shownPath(shownFolder)}" of "${shownPath(path)}" does not exist`);
  if (!folderStat.isDirectory()) throw new InputError(`${flag}: "${shownPath(shownFolder)}", the folder of "${shownPath(path)}", is ${fileKind(folderStat)}`);
  checkWritable(flag, path, folder);
  return { flag, path, real, stat };
}

/** --export-tfjs (or convert's --out): a folder, or a name for one under a folder that exists and can be written. */
function exportFolder(dir: string, flag = '--export-tfjs', firstFile = TFJS_FILES[0]): Place {
  checkLength(flag, dir);
  checkNotDescriptor(flag, dir);
  const stat = statOf(flag, dir);
  if (stat && !stat.isDirectory()) {
    throw new InputError(
      stat.isFile()
        ? `${flag}: "${shownPath(dir)}" is a file; expected a folder (made if missing)`
        : `${flag}: "${shownPath(dir)}" is ${fileKind(stat)}; expected a folder (made if missing)`,
    );
  }
  const real = resolved(flag, dir);
  // a folder there would be replayed as the log (and DuckDB then cannot open the database at all)
  if (isDuckDbLog(resolve(dir)) || isDuckDbLog(real)) {
    throw new InputError(`${flag}: "${shownPath(dir)}" ${DUCKDB_LOG.what}; a folder there ${DUCKDB_LOG.then.replace('writing it ', '')}`);
  }
  checkLength(flag, dir, join(real, firstFile));
  let existing = real; // the folder written into, or the deepest of its folders that exists
  let existingStat = stat;
  while (!existingStat) {
    existing = dirname(existing);
    existingStat = statOf(flag, existing);
  }
  if (!existingStat.isDirectory()) {
    throw new InputError(`${flag}: cannot make the folder "${shownPath(dir)}": "${shownPath(existing)}" is ${fileKind(existingStat)}, not a folder`);
  }
  checkWritable(flag, dir, existing);
  return { flag, path: dir, real, stat };
}

/** model.json or weights.bin in the export folder: a regular file, or not there yet. */
function exportFile(folder: Place, name: string): Place {
  const path = join(folder.path, name);
  const stat = folder.stat ? statOf(folder.flag, path) : undefined;
  if (stat && !stat.isFile()) throw notRegular(folder.flag, path, stat);
  return { flag: folder.flag, path, real: stat ? resolved(folder.flag, path) : join(folder.real, name), stat };
}

/**
 * An output named through an open file descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N, or a
 * link to one) is refused, before training: see {@link throughDescriptor} (the staged write refuses
 * it too, for the library's callers).
 */
function checkNotDescriptor(flag: string, path: string): void {
  const descriptor = throughDescriptor(path);
  if (!descriptor) return;
  const via = descriptor === resolve(path) ? '' : ` (through ${shownPath(descriptor)})`;
  throw new InputError(`${flag}: "${shownPath(path)}" is an open file descriptor${via}, not a file; give a file name (writing through it would replace the file it is open on)`);
}

function notRegular(flag: string, path: string, stat: Stats): InputError {
  return new InputError(`${flag}: "${shownPath(path)}" is ${fileKind(stat)}, not a regular file; writing would replace it (give a regular file or a new file name)`);
}

/**
 * The input files of the data options (a CSV, x and y, a Parquet file, a DuckDB database, the files
 * a --sql query names), as far as they exist (a missing one is the loader's to report).
 */
function inputs(data: DataArgs | undefined): Place[] {
  const given: string[][] = [];
  if (data?.kind === 'csv' || data?.kind === 'parquet') given.push(['--data', data.path]);
  if (data?.kind === 'npy') given.push(['--x', data.x], ['--y', data.y]);
  if ((data?.kind === 'sql' || data?.kind === 'parquet') && data.db !== undefined) {
    const url = parseDbUrl(data.db);
    if (url.kind === 'duckdb' && url.path !== undefined) given.push(['--db', url.path]);
  }
  if (data?.kind === 'sql') for (const text of sqlReads(data.query)) given.push(['--sql', homed(text), text]);
  return given.flatMap(([flag, path, shown = path]) => {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch {
      return [];
    }
    if (stat.isDirectory()) return [];
    let real: string;
    try {
      real = realpathSync.native(path);
    } catch {
      real = resolve(path);
    }
    return [{ flag, path: shown, real, stat }];
  });
}

/**
 * The files a database reads for --sql and --db (the files the query names, a duckdb: database
 * file) must be regular files: DuckDB opening a named pipe or a device waits on it, or reads it
 * forever. Checked by stat (links followed), which never opens, so never waits. The other inputs
 * (--data, --x, --y, --model) are opened by this project's readers, which refuse them the same way.
 */
export function checkSqlInputs(data: DataArgs | undefined): void {
  for (const input of inputs(data)) {
    if (input.flag !== '--sql' && input.flag !== '--db') continue;
    const what = input.flag === '--sql' ? `"${shownPath(input.path)}", which the --sql query reads,` : `"${shownPath(input.path)}"`;
    const kernel = input.stat!.isFile() ? kernelInputReason(input.path) : undefined;
    if (kernel) throw new InputError(`${input.flag}: ${what} ${kernel}`);
    if (input.stat!.isFile()) continue;
    throw new InputError(`${input.flag}: ${what} is ${fileKind(input.stat!)}; it must be a regular file (save the data to a file and give its name)`);
  }
}

/** Two places are the same file: the same inode when both exist, else the same resolved name. */
function sameFile(a: Place, b: Place): boolean {
  if (a.stat && b.stat) return a.stat.dev === b.stat.dev && a.stat.ino === b.stat.ino;
  return a.real === b.real;
}

function inside(path: string, folder: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Stats with links followed, or undefined when there is no such file; other failures are InputErrors. */
function statOf(flag: string, path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw flagged(flag, path, err);
  }
}

function resolved(flag: string, path: string): string {
  try {
    return realTarget(path);
  } catch (err) {
    throw flagged(flag, path, err);
  }
}

/** A system error about `path` as an InputError for `flag`: "--save: PATH: cannot write: REASON". */
function flagged(flag: string, path: string, err: unknown): Error {
  if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
    return new InputError(`${flag}: cannot write "${shownPath(path)}": part of its path is a file, not a folder`);
  }
  const error = fileWriteError(path, err);
  return error instanceof InputError ? new InputError(`${flag}: ${error.message}`) : error;
}

/**
 * Every name in the path (as given, and with links followed) within {@link NAME_MAX} bytes and the
 * whole within {@link PATH_MAX}, room left for the temporary file written beside it.
 */
function checkLength(flag: string, path: string, real?: string): void {
  for (const name of (real ?? path).split(sep)) {
    const bytes = Buffer.byteLength(name);
    if (bytes > NAME_MAX) {
      const where = name === basename(path) ? `the file name "${shownPath(name, 60)}"` : `the folder name "${shownPath(name, 60)}" in "${shownPath(path)}"`;
      throw new InputError(`${flag}: ${where} is ${bytes} bytes long; the limit is ${NAME_MAX}`);
    }
  }
  if (real === undefined) return;
  const bytes = Buffer.byteLength(dirname(real)) + 1 + Math.max(Buffer.byteLength(basename(real)), TEMP_NAME_MAX);
  if (bytes > PATH_MAX) {
    throw new InputError(`${flag}: cannot write "${shownPath(path)}": the path is ${bytes} bytes long; the limit is ${PATH_MAX}`);
  }
}

/** The folder `path` goes into is on a disk and can be written (not read-only, not forbidden). */
function checkWritable(flag: string, path: string, folder: string): void {
  let kind: string | undefined;
  try {
    kind = kernelFileSystem(folder);
  } catch {
    // no statfs here (Windows): nothing to learn
  }
  if (kind) {
    throw new InputError(`${flag}: cannot write "${shownPath(path)}": "${shownPath(folder)}" is on ${kind}, a kernel file system; choose a folder on a disk`);
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS' ? 'is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'cannot be written (permission denied)' : undefined;
    if (!why) throw flagged(flag, folder, err);
    throw new InputError(`${flag}: cannot write "${shownPath(path)}": the folder "${shownPath(folder)}" ${why}`);
  }
}

/**
 * Checks an output folder (`convert --out DIR`) as {@link checkOutputs} checks --export-tfjs's: a
 * folder or a new name under one that can be written, the files `names` in it regular files or new,
 * and none of them an input of `data`.
 */
export function checkOutputFolder(flag: string, dir: string, names: readonly string[], data?: DataArgs): void {
  if (dir === '') throw new InputError(`${flag} needs a folder name, got ""`);
  const folder = exportFolder(dir, flag, names[0]);
  const files = names.map((name) => exportFile(folder, name));
  for (const input of inputs(data)) {
    const file = files.find((f) => sameFile(f, input));
    if (!file) continue;
    throw new InputError(`${flag}: "${shownPath(file.path)}" is the ${input.flag} file; writing it would destroy the data (choose another folder)`);
  }
}

/**
 * Saves the model, exports it for tfjs and draws the plot, as asked; returns what it wrote.
 * All or none: every file is staged first and renamed into place only once all are written
 * ({@link writeTogether}), so a plot that fails leaves the --save file as it was.
 */
export async function writeOutputs(
  outputs: OutputArgs,
  net: Classifier,
  data: Dataset,
  report: TrainReport,
  history: IterationStats[],
  training: Record<string, unknown>,
  predictions?: PredictionRows,
): Promise<string[]> {
  const written: string[] = [];
  await writeTogether(async () => {
    if (outputs.save !== undefined) {
      saveClassifier(outputs.save, net, {
        featureNames: data.featureNames,
        labelNames: data.labelNames,
        positive: data.positive,
        labelValues: data.labelValues,
        ignoredColumns: data.ignoredColumns,
        metrics: { errors: report.errors, accuracy: report.accuracy, ...(report.test && { test: report.test }) },
        training,
      });
      written.push(`model: ${outputs.save}`);
    }
    if (outputs.exportTfjs !== undefined) {
      const { exportTfjsLayersModel } = await import('../model/tfjs-export');
      const { W, b } = rawInputs(net);
      await exportTfjsLayersModel(outputs.exportTfjs, W, b);
      written.push(`tfjs LayersModel: ${outputs.exportTfjs}/model.json`);
    }
    if (outputs.plot !== undefined) {
      const { writePlot } = await import('../plot/render');
      const { trainingPlotSpec } = await import('../plot/training');
      // with --plot every iteration's stats have the loss
      await writePlot(outputs.plot, trainingPlotSpec(history.filter(hasLoss), boundary(net, data)));
      written.push(`plot: ${outputs.plot}`);
    }
    if (outputs.predictions !== undefined && predictions) {
      writePredictionsCsv(outputs.predictions, net, predictions);
      written.push(`predictions: ${outputs.predictions}`);
    }
  });
  return written;
}

/** The samples and the decision line, for data with 2 features and 1 output held in memory. */
function boundary(net: Classifier, data: Dataset) {
  const whole = data.source.inMemory;
  if (!whole || whole.x.rows !== 2 || whole.y.rows !== 1) return undefined;
  const { W, b } = rawInputs(net);
  const [[w1], [w2]] = W;
  return {
    x: toRows(whole.x),
    y: Array.from(whole.y.data),
    W: [w1, w2] as [number, number],
    b: typeof b === 'number' ? b : b[0],
    featureNames: [data.featureNames[0], data.featureNames[1]] as [string, string],
  };
}

/** W and b for raw inputs: the classifier's own, or with its standardization folded in (one b per output). */
function rawInputs(net: Classifier): { W: number[][]; b: number | number[] } {
  return net.standardization ? foldStandardization(net.weights, net.bias, net.standardization) : { W: net.weights, b: net.bias };
}

/** A history point that has the loss (see `TrainSettings.lossAt`). */
function hasLoss(h: IterationStats): h is IterationStats & { readonly loss: number } {
  return h.loss !== undefined;
}
