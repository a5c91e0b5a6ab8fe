/**
 * make-npy writes as train and convert do: its outputs are checked first, staged, and renamed into
 * place together once complete, so a full disk, a device, a pipe or a signal leaves the folder as
 * it was (no half files, no temporary files, no new folders). The CLI runs as a process
 * (dist/cli/main.js: npm test builds it first).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../src/data/npy';
import { synthetic } from '../src/data/synthetic';
import { cpuSeconds, expectRefused, spawnCollecting, tempDir, until } from './helpers';

const MAIN = join(__dirname, '..', 'dist', 'cli', 'main.js');
const IS_ROOT = process.getuid?.() === 0;

function makeNpy(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'make-npy', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('make-npy: staged, all-or-nothing outputs', function () {
  this.timeout(120_000);
  const dir = tempDir();
  after(() => dir.remove());
  let n = 0;
  const folder = () => {
    const at = dir.path(`case${n++}`);
    mkdirSync(at);
    return (name = '') => join(at, name);
  };

  it('writes the samples of --dataset synthetic (same seed), sample after sample, as numpy reads them', () => {
    const at = folder();
    const r = makeNpy(['--out', at('o'), '--features', '3', '--samples', '70000', '--seed', '4']);
    expect(r.code, r.stderr).to.equal(0);
    const x = readNpy(at('o/x.npy'));
    const y = readNpy(at('o/y.npy'));
    const want = synthetic({ features: 3, samples: 70000, seed: 4 }).source.inMemory!;
    expect([x.rows, x.cols, y.rows, y.cols]).to.deep.equal([3, 70000, 1, 70000]);
    expect(Array.from(x.data)).to.deep.equal(Array.from(want.x.data));
    expect(Array.from(y.data)).to.deep.equal(Array.from(want.y.data));
    expect(readdirSync(at('o')).sort()).to.deep.equal(['x.npy', 'y.npy']);
  });

  it('--out that is a file, /dev/null, or a folder whose x.npy links to /dev/null: exit 2, one line, nothing written', () => {
    const at = folder();
    writeFileSync(at('file'), 'mine');
    expectRefused(makeNpy(['--out', at('file'), '--features', '2', '--samples', '10']), /^error: --out: .*file.* (is|not) .*\n$/);
    expect(readFileSync(at('file'), 'utf8')).to.equal('mine');
    expectRefused(makeNpy(['--out', '/dev/null', '--features', '2', '--samples', '10']), /^error: --out: .*\/dev\/null.*\n$/);
    mkdirSync(at('linked'));
    symlinkSync('/dev/null', at('linked/x.npy'));
    expectRefused(makeNpy(['--out', at('linked'), '--features', '2', '--samples', '10']), /^error: --out: .*x\.npy.*\n$/);
    expect(readdirSync(at('linked'))).to.deep.equal(['x.npy']);
  });

  it('a FIFO named x.npy is refused at once (never opened, so never waited on)', function () {
    const at = folder();
    mkdirSync(at('o'));
    const made = spawnSync('mkfifo', [at('o/x.npy')]);
    if (made.status !== 0) this.skip();
    expectRefused(makeNpy(['--out', at('o'), '--features', '2', '--samples', '10']), /^error: --out: .*x\.npy.*\n$/);
  });

  it('--features too large for one chunk of memory is exit 2 with one line (not an allocation failure)', () => {
    const at = folder();
    expectRefused(makeNpy(['--out', at('o'), '--features', '4000000000', '--samples', '2']),
      '--features must be at most 1048576 (one sample of float32 values must fit in a chunk of memory), got 4000000000');
    expect(existsSync(at('o'))).to.equal(false);
  });

  it('a full disk is exit 2 with one line; the earlier x.npy and y.npy stay, no temporary file is left', function () {
    const mount = dir.path('tmpfs');
    mkdirSync(mount);
    if (!IS_ROOT || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]).status !== 0) {
      console.log('      skipped: cannot mount a tmpfs (needs root)');
      this.skip();
    }
    try {
      writeFileSync(join(mount, 'x.npy'), 'old x');
      writeFileSync(join(mount, 'y.npy'), 'old y');
      const r = makeNpy(['--out', mount, '--features', '8', '--samples', '100000']);
      expectRefused(r, /^error: .*\/tmpfs\/[xy]\.npy: cannot write: no space left on the device\n$/);
      expect(readFileSync(join(mount, 'x.npy'), 'utf8')).to.equal('old x');
      expect(readFileSync(join(mount, 'y.npy'), 'utf8')).to.equal('old y');
      expect(readdirSync(mount).sort()).to.deep.equal(['x.npy', 'y.npy']);
    } finally {
      spawnSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} in the middle: ends by the signal (a shell sees 128 + its number), the old files as they were, no temporary file, no new folder`, async () => {
      const at = folder();
      mkdirSync(at('keep'));
      writeFileSync(at('keep/x.npy'), 'old x');
      const runs = [
        ['--out', at('keep'), '--features', '32', '--samples', '50000000'],
        ['--out', at('new/deeper'), '--features', '32', '--samples', '50000000'],
      ];
      for (const args of runs) {
        const run = spawnCollecting(process.execPath, [MAIN, 'make-npy', ...args], at());
        await until(() => cpuSeconds(run.child.pid!) >= 1.5, 'make-npy to be writing', 60_000);
        run.child.kill(signal);
        // cleaned up, it re-raises the signal, so that its parent knows how it ended (a shell: $? = 128 + its number)
        const { code, signal: by, stdout } = await run.done;
        expect({ code, by }).to.deep.equal({ code: null, by: signal });
        expect(stdout).to.equal('');
      }
      expect(readdirSync(at('keep'))).to.deep.equal(['x.npy']);
      expect(readFileSync(at('keep/x.npy'), 'utf8')).to.equal('old x');
      expect(readdirSync(at()).sort()).to.deep.equal(['keep']);
    });
  }
});
