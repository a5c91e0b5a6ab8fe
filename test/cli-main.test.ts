import { expect } from 'chai';
import { simpleNn } from '../src/cli/main';
import { runInProcess } from './helpers';

describe('simple-nn: the command itself', () => {
  const commands = 'train, predict, make-npy, bench, convert, shard, web';

  it('without a command: exit 2, one line pointing to --help, nothing on stdout (#21)', async () => {
    const { code, stdout, stderr } = await runInProcess(simpleNn, []);
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.equal(`error: no command given; commands: ${commands} (see simple-nn --help)\n`);
  });

  it('--help: the usage on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await runInProcess(simpleNn, ['--help']);
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    expect(stdout).to.match(/^simple-nn: the article's one-layer classifier on TensorFlow\.js\n\nUsage: simple-nn <command> \[options\]\n/);
    for (const name of commands.split(', ')) expect(stdout).to.match(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('an unknown command or an option before the command: exit 2, one line', async () => {
    const unknown = await runInProcess(simpleNn, ['trian']);
    expect([unknown.code, unknown.stdout, unknown.stderr]).to.deep.equal([2, '', `error: unknown command "trian"; commands: ${commands} (see simple-nn --help)\n`]);
    const option = await runInProcess(simpleNn, ['--lr', '0.1']);
    expect([option.code, option.stderr]).to.deep.equal([2, `error: unknown option --lr before the command; commands: ${commands} (see simple-nn --help)\n`]);
  });
});
