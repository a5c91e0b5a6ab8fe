import { InputError, option, quote } from '../errors';

/**
 * A database as the option `db` names it:
 * - `duckdb:` (the default): DuckDB in memory, which can itself query Parquet and CSV files;
 * - `duckdb:FILE.duckdb`: a DuckDB database file, opened read-only;
 * - either with DuckDB settings after `?`: `duckdb:?threads=2&memory_limit=300MB`;
 * - `postgres://user:password@host:port/db` (or `postgresql://`; `?host=/socket/folder` for a
 *   Unix socket): PostgreSQL, through the `pg` client.
 *
 * `shown` is the URL with any password replaced by `***`: the only form a message ever prints.
 */
export type DbUrl =
  | { readonly kind: 'duckdb'; readonly path: string | undefined; readonly settings: Readonly<Record<string, string>>; readonly shown: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly shown: string; readonly secrets: readonly string[] };

/** DuckDB in memory. */
export const DEFAULT_DB = 'duckdb:';

const SETTING = /^[a-z_][a-z0-9_]*$/i;

/** The most threads a DuckDB URL may ask for. */
const MAX_THREADS = 1024;

/** A part of a duckdb: URL with its %-escapes decoded; a malformed one (`%ZZ`) is an {@link InputError}. */
function decode(url: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InputError(option('db'), `: ${quote(url)} has a malformed %-escape (a % must be followed by two hex digits, e.g. %20)`);
  }
}

/** Reads a database URL; anything else is an {@link InputError} naming the option (the URL shown redacted). */
export function parseDbUrl(text: string): DbUrl {
  if (/^duckdb:/i.test(text)) {
    const rest = text.slice('duckdb:'.length);
    const at = rest.indexOf('?');
    const path = decode(text, at < 0 ? rest : rest.slice(0, at));
    const settings: Record<string, string> = {};
    for (const pair of at < 0 ? [] : rest.slice(at + 1).split('&').filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      const key = decode(text, eq < 0 ? pair : pair.slice(0, eq));
      if (eq < 0 || !SETTING.test(key)) {
        throw new InputError(option('db'), `: ${quote(pair)} is not a DuckDB setting; expected NAME=VALUE, e.g. threads=2 or memory_limit=300MB`);
      }
      const name = key.toLowerCase();
      const value = decode(text, pair.slice(eq + 1));
      // DuckDB starts as many threads as asked: a typo of a few more digits would swamp the machine
      if ((name === 'threads' || name === 'worker_threads') && !(/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_THREADS)) {
        throw new InputError(option('db'), `: ${quote(`${key}=${value}`)}: expected a whole number of threads from 1 to ${MAX_THREADS}`);
      }
      settings[name] = value;
    }
    return { kind: 'duckdb', path: path === '' || path === ':memory:' ? undefined : path, settings, shown: text };
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    return { kind: 'postgres', url: text, shown: redactUrl(text), secrets: secretsOf(text) };
  }
  throw new InputError(
    option('db'),
    `: ${quote(redactUrl(text))} is not a database URL; expected duckdb: (in memory), duckdb:FILE.duckdb or postgres://USER@HOST/DB`,
  );
}

/** The parts of a URL's authority: what is before the path, and the user information in it (up to its last `@`). */
function authority(url: string): { start: number; userinfo?: { end: number; colon: number } } | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return undefined;
  const start = scheme[0].length;
  const rest = url.slice(start);
  const stop = rest.search(/[/?#]/);
  const auth = stop < 0 ? rest : rest.slice(0, stop);
  const atSign = auth.lastIndexOf('@');
  if (atSign < 0) return { start };
  const colon = auth.slice(0, atSign).indexOf(':');
  return { start, userinfo: { end: start + atSign, colon: colon < 0 ? -1 : start + colon } };
}

/**
 * A URL as messages show it: the password in its user information (`user:secret@`) and any
 * `password=` parameter replaced by `***`. A password with a raw `@` is cut at the last `@` of the
 * host part, so none of it shows.
 *
 * @example
 * redactUrl('postgres://nn:s3cret@db:5432/x?sslmode=require') // 'postgres://nn:***@db:5432/x?sslmode=require'
 */
export function redactUrl(url: string): string {
  let out = url;
  const a = authority(url);
  if (a?.userinfo && a.userinfo.colon >= 0) out = `${url.slice(0, a.userinfo.colon + 1)}***${url.slice(a.userinfo.end)}`;
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** The secrets a URL holds (its password, as written and decoded), to scrub from any message a driver makes. */
function secretsOf(url: string): string[] {
  const found: string[] = [];
  const a = authority(url);
  if (a?.userinfo && a.userinfo.colon >= 0) found.push(url.slice(a.userinfo.colon + 1, a.userinfo.end));
  for (const match of url.matchAll(/[?&]password=([^&#]*)/gi)) found.push(match[1]);
  const decoded = found.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return [...new Set([...found, ...decoded])].filter((s) => s.length > 0);
}

/** `message` with every secret replaced by `***`. */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
