import { expect } from 'chai';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
/** `npm run web` is `ts-node scripts/web.ts`: the same, without npm in between. */
const WEB = [require.resolve('ts-node/dist/bin.js'), join(ROOT, 'scripts', 'web.ts')];

/** A GET on 127.0.0.1: status, headers and body. */
function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('npm run web (no browser needed)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'simple-nn-web-out-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('--out DIR writes the page: index.html, the bundle, the style and tfjs wasm binaries', async () => {
    const out = join(tmp, 'site');
    const { stdout } = await promisify(execFile)(process.execPath, [...WEB, '--out', out], { cwd: ROOT });
    expect(stdout).to.match(/^wrote 7 files to /);
    expect(readdirSync(out).sort()).to.deep.equal([
      '.simple-nn-page',
      'index.html',
      'main.js',
      'main.js.map',
      'style.css',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
      'tfjs-backend-wasm.wasm',
    ]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).to.include('<script type="module" src="main.js"></script>');
  });

  it('--out onto a file, under a file, or a bad option: exit 2 and one line, before the build, the file untouched', async () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'mine\n');
    const run = (...args: string[]) => spawnSync(process.execPath, [...WEB, ...args], { cwd: ROOT, encoding: 'utf8' });
    for (const [args, line] of [
      [['--out', file], `error: --out: "${file}" is a file; expected a folder (made if missing)`],
      [['--out', join(file, 'site')], `error: --out: cannot write "${join(file, 'site')}": part of its path is a file, not a folder`],
      [['--port', '99999'], 'error: --port must be a whole number from 0 to 65535, got 99999'],
      [['--outt', 'x'], 'error: unknown option --outt; expected --out DIR or --port N'],
    ] as const) {
      const r = run(...args);
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }, args.join(' ')).to.deep.equal({ status: 2, stdout: '', stderr: `${line}\n` });
    }
    expect(readFileSync(file, 'utf8')).to.equal('mine\n');
  });

  it("--out over an earlier --out replaces the page's files only; a user's index.html, or a link among the names, is exit 2 and untouched", async () => {
    const out = join(tmp, 'again');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine\n');
    writeFileSync(join(out, 'index.html'), 'mine too\n');
    const run = () => spawnSync(process.execPath, [...WEB, '--out', out], { cwd: ROOT, encoding: 'utf8' });
    let r = run();
    expect([r.status, r.stderr]).to.deep.equal([2, `error: --out: "${join(out, 'index.html')}" exists and was not written by web --out; choose an empty or new folder (or remove it)\n`]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).to.equal('mine too\n');
    rmSync(join(out, 'index.html'));
    expect(run().status).to.equal(0);
    r = run(); // over its own earlier page: replaced
    expect(r.status, r.stderr).to.equal(0);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).to.equal('mine\n');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).to.include('<script type="module" src="main.js"></script>');
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
    // a link among the page's names would write through to the file outside
    writeFileSync(join(tmp, 'data.csv'), 'a,y\n1,0\n');
    rmSync(join(out, 'style.css'));
    symlinkSync(join(tmp, 'data.csv'), join(out, 'style.css'));
    r = run();
    expect([r.status, r.stderr]).to.deep.equal([2, `error: --out: "${join(out, 'style.css')}" is a symbolic link; writing the page there would replace the file it points to (choose an empty or new folder)\n`]);
    expect(readFileSync(join(tmp, 'data.csv'), 'utf8')).to.equal('a,y\n1,0\n');
  });

  it('serves on 127.0.0.1 on a free port, prints the URL, and sends COOP + COEP', async () => {
    const child = spawn(process.execPath, WEB, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let printed = '';
        child.stdout.on('data', (c: Buffer) => {
          printed += c.toString();
          const m = /serving the page at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed);
          if (m) resolve(m[1]);
        });
        child.stderr.on('data', (c: Buffer) => (printed += c.toString()));
        child.on('exit', (code) => reject(new Error(`npm run web exited (${code}): ${printed}`)));
      });
      const page = await get(url);
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.headers['cross-origin-opener-policy']).to.equal('same-origin');
      expect(page.headers['cross-origin-embedder-policy']).to.equal('require-corp');
      const wasm = await get(`${url}tfjs-backend-wasm-simd.wasm`);
      expect(wasm.headers['content-type']).to.equal('application/wasm');
      expect(wasm.body.subarray(0, 4).toString('latin1')).to.equal('\0asm');
      expect((await get(`${url}nothing-here`)).status).to.equal(404);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it("web/ type-checks with the DOM's declarations (web/tsconfig.json; the root tsconfig has none)", async () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(ROOT, 'web', 'tsconfig.json')], { cwd: ROOT }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    expect(result.stdout).to.equal('');
  });
});
