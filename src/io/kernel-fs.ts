import { readFileSync, realpathSync, statfsSync, statSync } from 'node:fs';

/**
 * Kernel file systems: a file there is not kept (and mkdir on /proc never returns), so no output goes
 * there; and a file there is no data (/proc/kmsg looks like a regular file, and a read of it waits
 * for the kernel's next message), so no input is read there. Their statfs magic numbers (linux/magic.h).
 */
const KERNEL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
]);

/** Whether a folder is on a devtmpfs mount (Linux's /proc/self/mountinfo: its device's major:minor). */
function onDevtmpfs(folder: string): boolean {
  let mounts: string;
  let dev: number;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    dev = statSync(folder).dev;
  } catch {
    return false; // not Linux, or no such folder (the caller says so)
  }
  // glibc's dev_t: major in bits 8–19 and 32–63, minor in bits 0–7 and 20–31
  const major = Number((BigInt(dev) >> 8n) & 0xfffn) | Number((BigInt(dev) >> 32n) << 12n);
  const minor = Number(BigInt(dev) & 0xffn) | Number(((BigInt(dev) >> 20n) & 0xfffn) << 8n);
  return mounts.split('\n').some((line) => {
    const [fields, rest] = line.split(' - ');
    return rest?.split(' ')[0] === 'devtmpfs' && fields.split(' ')[2] === `${major}:${minor}`;
  });
}

/**
 * The kernel file system `path` is on (`proc`, `sysfs`, `devtmpfs (the devices)`, …), or undefined
 * for a disk; statfs's errors (no such file, no statfs) are the caller's.
 */
export function kernelFileSystem(path: string): string | undefined {
  const kind = KERNEL_FILE_SYSTEMS.get(statfsSync(path).type);
  if (kind) return kind;
  // devtmpfs has tmpfs's magic number: it is told by its mount (and /dev is the devices' folder, whatever is mounted there)
  let real = path;
  try {
    real = realpathSync.native(path);
  } catch {}
  return real === '/dev' || onDevtmpfs(path) ? 'devtmpfs (the devices)' : undefined;
}

/** `path` (an input, a regular file) is not on a kernel file system; else the reason, for a message. */
export function kernelInputReason(path: string): string | undefined {
  let kind: string | undefined;
  try {
    kind = kernelFileSystem(path);
  } catch {
    return undefined; // not there, or no statfs: the reader says what it finds
  }
  return kind && `is on ${kind}, a kernel file system, not a file of data; give a file on a disk`;
}
