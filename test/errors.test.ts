import { expect } from 'chai';
import { InputError, escapeControls, LINE_WIDTH, oneLine, option, quote, shown, shownList, shownPath } from '../src/errors';
import { flagOf } from '../src/options';

/** Every control character a message must never carry raw: C0, DEL, C1, U+2028/9. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('messages echo user text safely (one error, one line)', () => {
  it('escapes control characters visibly: \\n, \\r, \\t, \\x00, \\x1b, \\x7f, C1, U+2028', () => {
    expect(escapeControls('a\nb\rc\td\0e\x1b[31mf\x7fg\x85h\u2028i')).to.equal('a\\nb\\rc\\td\\x00e\\x1b[31mf\\x7fg\\x85h\\u2028i');
    expect(escapeControls('plain text, «ü», 😀, \\n as typed')).to.equal('plain text, «ü», 😀, \\n as typed');
  });

  it('shown/quote leave short printable text as it is, and cut long text to the width with "…"', () => {
    expect(shown('x1')).to.equal('x1');
    expect(quote('abc')).to.equal('"abc"');
    expect(shown(1.5)).to.equal('1.5');
    const long = shown('n'.repeat(1 << 20));
    expect(long).to.equal(`${'n'.repeat(79)}…`);
    expect(shown('n'.repeat(80))).to.equal('n'.repeat(80)); // exactly the width: not cut
    expect(shown('n'.repeat(81))).to.equal(`${'n'.repeat(79)}…`);
  });

  it('never cuts inside an escape or a surrogate pair', () => {
    expect(shown('abcd\n', 5)).to.equal('abcd…');
    expect(shown('abc\x1b', 6)).to.equal('abc…');
    expect(shown('abc😀x', 5)).to.equal('abc…');
    expect(shown('ab😀', 4)).to.equal('ab😀');
    for (let width = 1; width < 12; width++) {
      const s = shown('a😀\x1bb\n😀c😀d', width);
      expect(s.length).to.be.at.most(width);
      expect(s).not.to.match(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
    }
  });

  it('lists: short ones unchanged, long ones cut to the first 8 names and "… (N more)"', () => {
    expect(shownList(['a', 'b', 'y'])).to.equal('a, b, y');
    expect(shownList(['a', 'b'], { quoted: true })).to.equal('"a", "b"');
    const names = Array.from({ length: 10000 }, (_, i) => `column_${i}`);
    expect(shownList(names)).to.equal('column_0, column_1, column_2, column_3, column_4, column_5, column_6, column_7, … (9992 more)');
    expect(shownList(['n'.repeat(1000)])).to.equal(`${'n'.repeat(39)}…`);
  });

  it('paths: control characters escaped, a long one cut in the middle so its end stays', () => {
    expect(shownPath('/tmp/new\nline.csv')).to.equal('/tmp/new\\nline.csv');
    const path = `/data/${'deep/'.repeat(100)}file.csv`;
    const cut = shownPath(path);
    expect(cut).to.have.length(160);
    expect(cut.startsWith('/data/deep/')).to.equal(true);
    expect(cut.endsWith('deep/file.csv')).to.equal(true);
    expect(cut).to.contain('…');
  });

  it('InputError renders every text part with its control characters escaped, in message and describe()', () => {
    const err = new InputError('/tmp/a\nb.csv: line 2, column "x\x1b[0m": ', option('learningRate'), ' bad\r');
    expect(err.message).to.equal('/tmp/a\\nb.csv: line 2, column "x\\x1b[0m": learningRate bad\\r');
    expect(err.describe(flagOf)).to.equal('/tmp/a\\nb.csv: line 2, column "x\\x1b[0m": --lr bad\\r');
  });

  it(`oneLine (the CLI's last guard) escapes and caps a line at ${LINE_WIDTH} characters, keeping its start and end`, () => {
    const line = oneLine(`error: ${'x'.repeat(100000)}\nsecond line (an .npy file? give it with --x and --y)`);
    expect(line).to.have.length(LINE_WIDTH);
    expect(line).not.to.match(CONTROL);
    expect(line.startsWith('error: xxx')).to.equal(true);
    expect(line.endsWith('\\nsecond line (an .npy file? give it with --x and --y)')).to.equal(true);
    expect(oneLine('error: short')).to.equal('error: short');
  });
});
