import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { filesUnder } from './walk';

/** A path as DuckDB reads it: ~/… as the shell does. */
export function homed(path: string): string {
  return /^~(?=$|\/)/.test(path) ? join(homedir(), path.slice(1)) : path;
}

/** Whether a text read as a file name is a glob (a glob character, and a dot or slash: not just any text). */
export function isGlob(text: string): boolean {
  return /[*?[\]{}]/.test(text) && /[./]/.test(text);
}

/** The folders of a glob before its first segment with a glob character (`/data/part-*.parquet` → `/data`). */
export function globBase(pattern: string): string {
  const parts = pattern.split(sep);
  const first = parts.findIndex((part) => /[*?[\]{}]/.test(part));
  return first < 0 ? dirname(pattern) : parts.slice(0, first).join(sep) || sep;
}

/**
 * The entries that are not folders (files, links, pipes, devices) whose path matches an absolute
 * glob, looking at `limit` entries under its base at most.
 */
export function globbed(pattern: string, limit: number): string[] {
  const found: string[] = [];
  for (const path of filesUnder(globBase(pattern), limit, { skipUnreadable: true, everything: true })) {
    if (minimatch(path, pattern, { dot: true })) found.push(path);
  }
  return found;
}
