import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The paths of the files and links (not followed) under a folder, depth first, looking at `limit`
 * entries at most; it returns whether it saw them all. A folder it cannot read is an error, or with
 * `skipUnreadable` is passed over. With `everything`, pipes, devices and sockets are given too.
 */
export function* filesUnder(folder: string, limit: number, { skipUnreadable = false, everything = false } = {}): Generator<string, boolean> {
  const pending = [folder];
  let seen = 0;
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (skipUnreadable) continue;
      throw err;
    }
    for (const entry of entries) {
      if (++seen > limit) return false;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (everything || entry.isFile() || entry.isSymbolicLink()) yield path;
    }
  }
  return true;
}
