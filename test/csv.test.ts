import { expect } from 'chai';
import { flagOf } from '../src/options';
import { readCsv, readCsvForModel } from '../src/data/csv';
import { InputError } from '../src/errors';
import { rowsOf } from './fixtures';
import { rejects, tempDir } from './helpers';

describe('readCsv', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('turns samples-as-rows into x features×samples and y outputs×samples (label: the last column)', async () => {
    const file = dir.write('and.csv', 'x1,x2,y\n0,0,0\n1,0,0\n0,1,0\n1,1,1\n');
    const data = await readCsv(file);
    expect(rowsOf(data.source.inMemory!.x)).to.deep.equal([
      [0, 1, 0, 1],
      [0, 0, 1, 1],
    ]);
    expect(rowsOf(data.source.inMemory!.y)).to.deep.equal([[0, 0, 0, 1]]);
    expect(data.featureNames).to.deep.equal(['x1', 'x2']);
    expect(data.labelNames).to.deep.equal(['y']);
  });

  it('options that are null, misspelt or of the wrong type are InputErrors naming the option (labels: "y" was read letter by letter)', async () => {
    const file = dir.write('opts.csv', 'x1,x2,y\n0,0,0\n1,1,1\n');
    const cases: [unknown, string][] = [
      [null, 'readCsv: the options must be an object, got null'],
      [{ labels: 'y' }, 'labels must be a list of column names (string[]), got "y"'],
      [{ features: ['x1', 2] }, 'features must be a list of column names (string[]), got ["x1",2]'],
      [{ ignore: [''] }, 'ignore must be a list of column names (string[]), got [""]'],
      [{ label: ['y'] }, 'readCsv: unknown option "label"; expected one of labels, features, ignore, positive'],
      [{ positive: 1 }, 'positive must be a non-empty label value (text, as the file has it: "1", "yes"), got 1'],
      [{ features: ['a', 'a'] }, 'features names the column "a" twice; give each once'],
    ];
    expect((await rejects(readCsv(null as never))).message).to.equal('readCsv: the path must be a file name, got null');
    for (const [options, message] of cases) {
      const err = await rejects(readCsv(file, options as never));
      expect(err, message).to.be.instanceOf(InputError);
      expect(err.message).to.equal(message);
    }
  });

  it('takes a named label column, quoted fields, CRLF, a BOM, blank lines and exponents', async () => {
    const file = dir.write('odd.csv', '\uFEFF"label","a",b\r\n1,"2.5",-1e-3\r\n\r\n0, .5 ,+3\r\n\r\n');
    const data = await readCsv(file, { labels: ['label'] });
    expect(rowsOf(data.source.inMemory!.x)).to.deep.equal([
      [2.5, 0.5],
      [-0.001, 3],
    ]);
    expect(rowsOf(data.source.inMemory!.y)).to.deep.equal([[1, 0]]);
    expect(data.featureNames).to.deep.equal(['a', 'b']);
  });

  const bad: [string, string, string][] = [
    ['an empty file', '', 'the file is empty; expected a header row and at least one sample'],
    ['a header only', 'x1,x2,y\n', 'no samples after the header row'],
    ['a ragged row', 'x1,x2,y\n0,0,0\n1,0\n', 'line 3 has 2 cells, expected 3 as in the header'],
    ['a non-numeric cell', 'x1,x2,y\n0,abc,0\n', 'line 2, column "x2": "abc" is not a number'],
    ['a NaN cell', 'x1,x2,y\n0,0,0\nNaN,1,1\n', 'line 3, column "x1": "NaN" is not a finite number'],
    ['an infinite cell', 'x1,x2,y\n-Infinity,1,1\n', 'line 2, column "x1": "-Infinity" is not a finite number'],
    ['an overflowing cell', 'x1,x2,y\n1e999,1,1\n', 'line 2, column "x1": "1e999" is not a finite number'],
    ['an empty cell', 'x1,x2,y\n1,,1\n', 'line 2, column "x2" is empty; expected a number'],
    ['a label that is not 0 or 1', 'x1,x2,y\n0,0,0\n1,1,2\n', 'line 3, column "y" is a label and must be 0 or 1, got 2; to read other values, name the one that means 1 with positive'],
    ['a single column', 'y\n1\n', 'the header has 1 column; expected at least one feature and a label'],
    ['a repeated column name', 'a,a,y\n1,1,1\n', 'line 1 (header) names column "a" twice'],
    ['an unclosed quote', 'a,y\n1,"1\n', 'Quote Not Closed: the parsing is finished with an opening quote at line 2'],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}, naming the file and where`, async () => {
      const file = dir.write('bad.csv', text);
      const err = await rejects(readCsv(file));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.equal(`${file}: ${message}`);
    });
  }

  it("reads a CSV for a model: its features by name in any order, all its labels or none", async () => {
    const both = await readCsvForModel(dir.write('m1.csv', 'b,y2,a,y1\n1,0,2,1\n'), ['a', 'b'], ['y1', 'y2']);
    expect(rowsOf(both.source.inMemory!.x)).to.deep.equal([[2], [1]]);
    expect(rowsOf(both.source.inMemory!.y)).to.deep.equal([[1], [0]]);
    const none = await readCsvForModel(dir.write('m2.csv', 'a,b\n1,2\n'), ['a', 'b'], ['y1', 'y2']);
    expect(none.source.outputs).to.equal(0);
    const some = dir.write('m3.csv', 'a,b,y2\n1,2,0\n');
    expect((await rejects(readCsvForModel(some, ['a', 'b'], ['y1', 'y2']))).message).to.equal(
      `${some}: has the label column "y2" but not "y1"; give all of the model's labels (to score the predictions) or none`,
    );
    const wrong = dir.write('m4.csv', 'a,c,y1\n1,2,0\n');
    expect((await rejects(readCsvForModel(wrong, ['a', 'b'], ['y1']))).message).to.equal(
      `${wrong}: the columns do not match the model's features (a, b): missing "b"; extra "c"`,
    );
  });

  it('rejects a missing file and an unknown label column', async () => {
    const missing = dir.path('missing.csv');
    expect((await rejects(readCsv(missing))).message).to.equal(`${missing}: no such file`);
    const file = dir.write('ok.csv', 'x1,x2,y\n0,0,0\n');
    // the library names the option by its key; the CLI prints its flag
    const err = (await rejects(readCsv(file, { labels: ['z'] }))) as InputError;
    expect(err.message).to.equal(`labels: ${file} has no column "z"; its columns are x1, x2, y`);
    expect(err.describe(flagOf)).to.equal(`--label: ${file} has no column "z"; its columns are x1, x2, y`);
  });
});
