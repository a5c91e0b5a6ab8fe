import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..');

describe("README's library example", function () {
  this.timeout(60000);
  const dir = tempDir();
  after(() => dir.remove());

  it('runs as written and prints what its comments say', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```ts\n(import \{ Classifier \} from '\.\/src';[\s\S]*?)```/.exec(readme);
    expect(block, 'the ```ts block of the library API').to.not.equal(null);
    const file = dir.write('example.ts', block![1].replace("'./src'", JSON.stringify(join(ROOT, 'src'))));
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', file], { cwd: ROOT, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines[0]).to.match(/^(tensorflow \(tfjs ops\)|wasm \(SIMD kernel, 1 thread, screened: 5\.4% of samples read\)|cpu \(JS kernel, 1 thread\)) auto/);
    expect(lines).to.include('[ [ 0, 0, 0, 1 ] ]');
    expect(lines).to.include('1');
    expect(JSON.parse(lines[lines.length - 1])).to.include({ format: 'simple-nn-model', version: 1 });
  });
});
