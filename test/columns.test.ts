import { expect } from 'chai';
import { predict as predictCli } from '../src/cli/predict';
import { train as trainCli } from '../src/cli/train';
import { readCsv, readCsvForModel } from '../src/data/csv';
import { InputError } from '../src/errors';
import { loadModel } from '../src/model/file';
import { rowsOf } from './fixtures';
import { rejects, runInProcess, tempDir } from './helpers';

/** A small data set as real ones come: an id, a name, numeric features, and a text label (M: malignant, B: benign). */
const CANCER = `id,name,radius,texture,area,diagnosis
842302,ann,17.99,10.38,1001,M
842517,bob,20.57,17.77,1326,M
84300903,cy,11.42,20.38,386.1,B
84348301,dee,12.45,15.7,477.1,B
84358402,eve,20.29,14.34,1297,M
843786,fay,9.504,12.44,273.9,B
`;

describe('columns and labels: --features, --ignore, --positive', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const cancer = () => dir.write('cancer.csv', CANCER);

  it('readCsv: --ignore drops columns unread (text is fine there); --positive reads a text label as 1 against the rest', async () => {
    const data = await readCsv(cancer(), { ignore: ['id', 'name'], labels: ['diagnosis'], positive: 'M' });
    expect(data.featureNames).to.deep.equal(['radius', 'texture', 'area']);
    expect(rowsOf(data.source.inMemory!.y)).to.deep.equal([[1, 1, 0, 0, 1, 0]]);
    expect(data.positive).to.equal('M');
    expect(data.labelValues).to.deep.equal({ M: 1, B: 0 });
    expect(data.ignoredColumns).to.deep.equal(['id', 'name']);
  });

  it('readCsv: --features chooses columns in the order given (W\'s rows); the rest are ignored', async () => {
    const data = await readCsv(cancer(), { features: ['area', 'radius'], positive: 'M' });
    expect(data.featureNames).to.deep.equal(['area', 'radius']);
    expect(rowsOf(data.source.inMemory!.x)[0]).to.deep.equal([1001, 1326, 386.1, 477.1, 1297, 273.9]);
    expect(data.ignoredColumns).to.deep.equal(['id', 'name', 'texture']);
  });

  it('--positive: a number matches by value (4 is 4.0), any other value is 0', async () => {
    const file = dir.write('num.csv', 'a,class\n1,2\n2,4.0\n3,4\n4,2.0\n5,3\n');
    const data = await readCsv(file, { positive: '4' });
    expect(rowsOf(data.source.inMemory!.y)).to.deep.equal([[0, 1, 1, 0, 0]]);
    expect(data.labelValues).to.deep.equal({ 2: 0, '4.0': 1, 4: 1, '2.0': 0, 3: 0 });
  });

  const refused: [string, () => Promise<unknown>, string][] = [
    ['an unknown --features name', () => readCsv(cancer(), { features: ['radius', 'size'] }), 'features: CANCER has no column "size"; its columns are id, name, radius, texture, area, diagnosis'],
    ['an unknown --ignore name', () => readCsv(cancer(), { ignore: ['ID'] }), 'ignore: CANCER has no column "ID"; its columns are id, name, radius, texture, area, diagnosis'],
    ['a label among --features', () => readCsv(cancer(), { features: ['radius', 'diagnosis'], labels: ['diagnosis'] }), 'features: "diagnosis" is a label column (labels), so it cannot be a feature'],
    ['the default label among --features', () => readCsv(cancer(), { features: ['diagnosis'] }),
      'features: "diagnosis" is the label column (the last one, by default: name the labels with labels), so it cannot be a feature'],
    ['--features and --ignore together', () => readCsv(cancer(), { features: ['radius'], ignore: ['id'] }), 'features and ignore both choose the feature columns; give one of them'],
    ['every feature ignored', () => readCsv(cancer(), { ignore: ['id', 'name', 'radius', 'texture', 'area'] }), 'ignore: no feature column of CANCER is left'],
    ['text labels without --positive', () => readCsv(cancer(), { ignore: ['id', 'name'] }),
      'CANCER: line 2, column "diagnosis" is a label and must be 0 or 1, got M; to read other values, name the one that means 1 with positive'],
    ['a --positive no label has', () => readCsv(cancer(), { ignore: ['id', 'name'], positive: 'm' }), 'positive: no label of column "diagnosis" in CANCER is "m"; its values include "M", "B"'],
    ['an empty --positive', () => readCsv(cancer(), { positive: '' }), 'positive must be a non-empty label value (text, as the file has it: "1", "yes"), got ""'],
  ];
  for (const [what, run, message] of refused) {
    it(`readCsv refuses ${what}, naming the option by key and listing the columns`, async () => {
      const err = await rejects(run());
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.equal(message.replace('CANCER', dir.path('cancer.csv')).replace('CANCER', dir.path('cancer.csv')));
    });
  }

  it('the CLI names columns exactly, and an unknown one is exit 2 with the columns listed (cut after 8)', async () => {
    const wide = dir.write('wide.csv', `${Array.from({ length: 20 }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 20 }, () => '1').join(',')}\n`);
    expect(await runInProcess(trainCli, ['--data', wide, '--features', 'c1,C2'])).to.deep.equal({
      code: 2,
      stdout: '',
      stderr: `error: --features: ${wide} has no column "C2"; its columns are c0, c1, c2, c3, c4, c5, c6, c7, … (12 more)\n`,
    });
    const cases: [string[], string][] = [
      [['--data', cancer(), '--ignore', 'id,name'], `error: ${dir.path('cancer.csv')}: line 2, column "diagnosis" is a label and must be 0 or 1, got M; to read other values, name the one that means 1 with --positive\n`],
      [['--data', cancer(), '--features', 'radius', '--ignore', 'id'], 'error: --features and --ignore both choose the feature columns; give one of them\n'],
      [['--data', cancer(), '--features', 'radius,radius'], 'error: --features: "radius" is named twice\n'],
      [['--dataset', 'iris', '--positive', 'M'], 'error: --positive only goes with --data\n'],
      [['--ignore', 'id'], 'error: --ignore only goes with --data\n'],
      [['--data', cancer(), '--positive', ''], 'error: --positive needs a label value, got ""\n'],
      [['--data', cancer(), '--features', 'diagnosis', '--positive', 'M'], `error: --features: "diagnosis" is the label column (the last one, by default: name the labels with --label), so it cannot be a feature\n`],
    ];
    for (const [argv, stderr] of cases) expect(await runInProcess(trainCli, argv), argv.join(' ')).to.deep.equal({ code: 2, stdout: '', stderr });
  });

  it('the model records positive, the label values and the ignored columns; predict reads new files the same way and scores them', async () => {
    const model = dir.path('cancer.json');
    const trained = await runInProcess(trainCli, [
      '--backend', 'plain', '--data', cancer(), '--ignore', 'id,name', '--label', 'diagnosis', '--positive', 'M',
      '--standardize', '--gradient', 'logistic', '--iterations', '300', '--save', model, '--json',
    ]);
    expect(trained.code, trained.stderr).to.equal(0);
    const report = JSON.parse(trained.stdout);
    expect(report.errors).to.equal(0);
    const saved = loadModel(model);
    expect(saved).to.include({ positive: 'M' });
    expect(saved.labelValues).to.deep.equal({ M: 1, B: 0 });
    expect(saved.ignoredColumns).to.deep.equal(['id', 'name']);
    expect(saved.featureNames).to.deep.equal(['radius', 'texture', 'area']);

    // new patients, columns in another order, text labels, the id and name columns still there
    const fresh = dir.write('fresh.csv', 'diagnosis,area,name,id,texture,radius\nM,1200,gus,1,19,19.5\nB,300,hal,2,14,10.1\nM,1100,ivy,3,21,18.2\nB,500,jo,4,16,12\n');
    const scored = await runInProcess(predictCli, ['--model', model, '--data', fresh, '--json', '--proba']);
    expect(scored.code, scored.stderr).to.equal(0);
    const out = JSON.parse(scored.stdout);
    expect(out.predictions).to.deep.equal([[1, 0, 1, 0]]);
    expect(out).to.include({ errors: 0, accuracy: 1 });
    // a label value training never saw is simply not the positive one
    const other = dir.write('other.csv', 'radius,texture,area,diagnosis\n19.5,19,1200,?\n');
    expect(JSON.parse((await runInProcess(predictCli, ['--model', model, '--data', other, '--json'])).stdout)).to.include({ errors: 1 });
    // a column the model neither uses nor ignored is still refused
    const extra = dir.write('extra.csv', 'radius,texture,area,zip\n1,2,3,4\n');
    expect((await runInProcess(predictCli, ['--model', model, '--data', extra])).stderr).to.equal(
      `error: ${extra}: the columns do not match the model's features (radius, texture, area): extra "zip"\n`,
    );
  });

  it('readCsvForModel without positive keeps the 0/1 rule; with it, reads as training did', async () => {
    const file = dir.write('m.csv', 'a,y\n1,yes\n2,no\n');
    expect((await rejects(readCsvForModel(file, ['a'], ['y']))).message).to.match(/is a label and must be 0 or 1, got yes/);
    expect(rowsOf((await readCsvForModel(file, ['a'], ['y'], { positive: 'yes' })).source.inMemory!.y)).to.deep.equal([[1, 0]]);
  });
});
