import { expect } from 'chai';
import fs from 'node:fs';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../src/errors';
import { writeFileAtomic, writeFilesAtomic } from '../src/io/atomic';
import { tempDir, throws } from './helpers';

/** Runs `f` while every write of `data` fails as a full disk does, after the temporary file was created. */
function withFullDisk<T>(data: string, f: () => T): T {
  const real = fs.writeSync;
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const failing = (fd: number, buffer: Uint8Array, ...rest: unknown[]) => {
    if (Buffer.from(buffer).toString() === data) throw full;
    return (real as (...args: unknown[]) => number)(fd, buffer, ...rest);
  };
  (fs as { writeSync: unknown }).writeSync = failing;
  try {
    return f();
  } finally {
    (fs as { writeSync: unknown }).writeSync = real;
  }
}

describe('writeFileAtomic', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const folder = (name: string) => {
    mkdirSync(dir.path(name));
    return (file: string) => dir.path(`${name}/${file}`);
  };

  it('creates a file, then replaces its contents whole (text and bytes), leaving no temporary file', () => {
    const at = folder('ok');
    writeFileAtomic(at('a.json'), '{"v":1}');
    expect(readFileSync(at('a.json'), 'utf8')).to.equal('{"v":1}');
    writeFileAtomic(at('a.json'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(at('a.json'))]).to.deep.equal([1, 2, 3]);
    expect(readdirSync(dir.path('ok'))).to.deep.equal(['a.json']);
  });

  it('keeps the permissions of the file it replaces', () => {
    const at = folder('mode');
    writeFileAtomic(at('a.txt'), 'old');
    chmodSync(at('a.txt'), 0o600);
    writeFileAtomic(at('a.txt'), 'new');
    expect(statSync(at('a.txt')).mode & 0o777).to.equal(0o600);
  });

  it('leaves the previous file intact and no temporary file when the write fails', () => {
    const at = folder('fail');
    writeFileAtomic(at('a.json'), 'previous');
    const err = withFullDisk('next', () => throws(() => writeFileAtomic(at('a.json'), 'next')));
    expect(err.message).to.equal('ENOSPC: no space left on device, write');
    expect(readFileSync(at('a.json'), 'utf8')).to.equal('previous');
    expect(readdirSync(dir.path('fail'))).to.deep.equal(['a.json']);
  });

  it('is an InputError naming the file when its folder does not exist', () => {
    const target = dir.path('missing/a.json');
    const err = throws(() => writeFileAtomic(target, 'x'));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal(`${target}: cannot write: the folder "${dir.path('missing')}" does not exist`);
  });

  it('removes the temporary file when the rename fails (the target is a folder)', () => {
    const at = folder('rename');
    mkdirSync(at('a.json'));
    const err = throws(() => writeFileAtomic(at('a.json'), 'x'));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal(`${at('a.json')}: cannot write: it is a folder, expected a file name`);
    expect(readdirSync(dir.path('rename'))).to.deep.equal(['a.json']);
  });
});

describe('writeFilesAtomic', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('creates the folder and writes every file', () => {
    const out = dir.path('new/nested');
    writeFilesAtomic(out, { 'weights.bin': new Uint8Array([9, 8]), 'model.json': '{}' });
    expect(readdirSync(out).sort()).to.deep.equal(['model.json', 'weights.bin']);
    expect([...readFileSync(`${out}/weights.bin`)]).to.deep.equal([9, 8]);
    expect(readFileSync(`${out}/model.json`, 'utf8')).to.equal('{}');
  });

  it('changes none of the old files and leaves no temporary file when one write fails', () => {
    const out = dir.path('pair');
    writeFilesAtomic(out, { 'weights.bin': 'old weights', 'model.json': 'old model' });
    const err = withFullDisk('new model', () => throws(() => writeFilesAtomic(out, { 'weights.bin': 'new weights', 'model.json': 'new model' })));
    expect(err.message).to.equal('ENOSPC: no space left on device, write');
    expect(readdirSync(out).sort()).to.deep.equal(['model.json', 'weights.bin']);
    expect(readFileSync(`${out}/weights.bin`, 'utf8')).to.equal('old weights');
    expect(readFileSync(`${out}/model.json`, 'utf8')).to.equal('old model');
  });

  it('is an InputError when the folder is a file', () => {
    const file = dir.write('plain.txt', 'x');
    const err = throws(() => writeFilesAtomic(file, { 'a.txt': 'a' }));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal(`${file}: cannot write: it is a file, expected a folder`);
  });
});
