import { expect } from 'chai';
import { readFileSync, existsSync } from 'node:fs';
import { Classifier } from '../src/classifier';
import { train as trainCli } from '../src/cli/train';
import { readCsv } from '../src/data/csv';
import { iris } from '../src/data/iris';
import { memorySource } from '../src/data/source';
import { writeNpy } from '../src/data/npy';
import { splitDataset } from '../src/data/split';
import { matrix } from '../src/matrix';
import { outputMetrics, rocAuc } from '../src/metrics';
import { random, randomData } from './fixtures';
import { runInProcess, tempDir } from './helpers';

const fromRows = (rows: readonly (readonly number[])[]) => matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

/** The ROC AUC by its definition: over every (positive, negative) pair, 1 if the positive scores higher, ½ if equal. */
function bruteAuc(pos: number[], neg: number[]): number {
  let won = 0;
  for (const p of pos) for (const n of neg) won += p > n ? 1 : p === n ? 0.5 : 0;
  return won / (pos.length * neg.length);
}

describe('metrics: precision, recall, F1 and the exact ROC AUC, per output', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it("rocAuc equals numpy's rank formula with ties averaged (pinned) and the pairwise definition (random, many ties)", () => {
    // numpy: ranks averaged over ties, (sum of the positives' ranks − P(P+1)/2) / (P·N) = 0.6833333333333333
    expect(rocAuc(Float64Array.of(0.9, 0.8, 0.8, 0.3, 0.7), Float64Array.of(0.8, 0.5, 0.3, 0.1, 0.1, 0.95))).to.equal(0.6833333333333333);
    const rand = random(7);
    for (let trial = 0; trial < 50; trial++) {
      const pos = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 8) / 8);
      const neg = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 8) / 8);
      expect(rocAuc(Float64Array.from(pos), Float64Array.from(neg))).to.be.closeTo(bruteAuc(pos, neg), 1e-15);
      expect(rocAuc(Float32Array.from(pos), Float32Array.from(neg))).to.be.closeTo(bruteAuc(pos, neg), 1e-15);
    }
  });

  it('rocAuc: null without positives or negatives; NaN scores (from unusable inputs) rank highest and never hang', () => {
    expect(rocAuc(new Float64Array(0), Float64Array.of(0.5))).to.equal(null);
    expect(rocAuc(Float64Array.of(0.5), new Float64Array(0))).to.equal(null);
    expect(rocAuc(Float64Array.of(NaN, 0.2), Float64Array.of(NaN, 0.5))).to.equal(bruteAuc([Infinity, 0.2], [Infinity, 0.5]));
  });

  it('precision, recall and F1 from the counts; null where a ratio has no denominator', () => {
    expect(outputMetrics({ truePositives: 3, falsePositives: 1, trueNegatives: 5, falseNegatives: 2 }, 0.9)).to.deep.equal({
      truePositives: 3, falsePositives: 1, trueNegatives: 5, falseNegatives: 2, precision: 0.75, recall: 0.6, f1: 6 / 9, auc: 0.9,
    });
    expect(outputMetrics({ truePositives: 0, falsePositives: 0, trueNegatives: 4, falseNegatives: 0 }, null)).to.include({ precision: null, recall: null, f1: null });
  });

  it('Classifier.evaluate: per output counts add up to the overall confusion; AUC from the probabilities', async () => {
    const { x, y } = randomData(12, 3, 80, 2);
    const net = await Classifier.create({ backend: 'plain', gradient: 'logistic', learningRate: 0.5, iterations: 50 });
    try {
      net.fit(x, y);
      const e = net.evaluate(memorySource(fromRows(x), fromRows(y)), 7);
      expect(e.outputs).to.have.length(2);
      for (const key of ['truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives'] as const) {
        expect(e.outputs[0][key] + e.outputs[1][key]).to.equal(e.confusion[key]);
      }
      const s = net.predictProba(x);
      e.outputs.forEach((m, o) => {
        const pos = s[o].filter((_, j) => y[o][j] === 1);
        const neg = s[o].filter((_, j) => y[o][j] === 0);
        expect(m.auc).to.be.closeTo(bruteAuc(pos, neg), 1e-15);
        expect(m.precision).to.equal(m.truePositives / (m.truePositives + m.falsePositives));
      });
    } finally {
      net.dispose();
    }
  });

  it('the CLI: metrics per label for train and test, in --json (fields added, the old ones kept) and in words', async () => {
    const args = ['--backend', 'plain', '--dataset', 'iris', '--label', 'all', '--standardize', '--gradient', 'logistic', '--test-split', '0.2'];
    const r = await runInProcess(trainCli, [...args, '--json']);
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report.metrics.map((m: { label: string }) => m.label)).to.deep.equal(['setosa', 'versicolor', 'virginica']);
    expect(Object.keys(report.metrics[0])).to.deep.equal([
      'label', 'truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives', 'precision', 'recall', 'f1', 'auc',
    ]);
    expect(report.test).to.include.keys('samples', 'errors', 'accuracy', 'confusion', 'metrics');
    expect(report.confusion.truePositives).to.equal(report.metrics.reduce((s: number, m: { truePositives: number }) => s + m.truePositives, 0));
    expect(report.metrics[0]).to.include({ precision: 1, recall: 1, f1: 1, auc: 1 }); // setosa is separable
    const human = await runInProcess(trainCli, args);
    const setosa = report.test.metrics[0];
    expect(human.stdout).to.contain(`metrics (test), setosa: precision 1, recall 1, F1 1, ROC AUC 1 (TP ${setosa.truePositives}, FP 0, TN ${setosa.trueNegatives}, FN 0)\n`);
    expect(human.stdout).to.match(/\nmetrics \(train\), versicolor: precision [\d.]+, recall [\d.]+, F1 [\d.]+, ROC AUC [\d.]+ \(TP \d+, FP \d+, TN \d+, FN \d+\)\n/);
  });

  it('--predictions: one row per sample in the data\'s order, its row, split, label, prediction and probability', async () => {
    const csv = dir.write('p.csv', 'id,"a,1",b,label\n7,0,0,0\n8,1,0,0\n9,0,1,0\n10,1,1,1\n11,2,2,1\n12,0.5,0.5,0\n13,1.5,1,1\n14,0,2,1\n15,2,0,1\n16,0.2,0.1,0\n');
    const out = dir.path('pred.csv');
    const args = ['--backend', 'plain', '--data', csv, '--ignore', 'id', '--gradient', 'logistic', '--iterations', '200', '--test-split', '0.3', '--seed', '2'];
    const r = await runInProcess(trainCli, [...args, '--predictions', out, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).to.equal('row,split,label,predicted_label,probability_label');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((f) => Number(f[0]))).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows.filter((f) => f[1] === 'test')).to.have.length(3);
    // the split is the one training used, and the rows are those samples: labels, predictions and probabilities agree
    const { indices } = splitDataset(await readCsv(csv, { ignore: ['id'] }), 0.3, 2);
    expect(rows.filter((f) => f[1] === 'test').map((f) => Number(f[0]) - 1).sort()).to.deep.equal(Array.from(indices.test).sort());
    const labels = [0, 0, 0, 1, 1, 0, 1, 1, 1, 0];
    expect(rows.map((f) => Number(f[2]))).to.deep.equal(labels);
    rows.forEach((f) => expect(Number(f[3])).to.equal(Number(f[4]) >= 0.5 ? 1 : 0));
    const trainPred = Array.from(indices.train, (i) => Number(rows[i][3]));
    expect(trainPred).to.deep.equal(report.predictions[0]);
    const testErrors = Array.from(indices.test).filter((i) => Number(rows[i][3]) !== labels[i]).length;
    expect(testErrors).to.equal(report.test.errors);
  });

  it('--predictions for .npy data numbers samples from 0, streams with --chunk-samples, one column per output', async () => {
    const { x, y } = randomData(3, 2, 23, 2);
    writeNpy(dir.path('x.npy'), fromRows(x), 'float32');
    writeNpy(dir.path('y.npy'), fromRows(y), 'float32');
    const out = dir.path('npy-pred.csv');
    const r = await runInProcess(trainCli, ['--backend', 'plain', '--x', dir.path('x.npy'), '--y', dir.path('y.npy'), '--chunk-samples', '5', '--iterations', '20', '--predictions', out, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).to.equal('sample,split,y1,y2,predicted_y1,predicted_y2,probability_y1,probability_y2');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).to.deep.equal(Array.from({ length: 23 }, (_, j) => j));
    const report = JSON.parse(r.stdout);
    expect([0, 1].map((o) => lines.slice(1).map((l) => Number(l.split(',')[4 + o])))).to.deep.equal(report.predictions);
  });

  it('--predictions is checked before training like every output, and written with the others', async () => {
    const csv = dir.write('d.csv', 'a,b,y\n0,0,0\n1,1,1\n');
    const same = await runInProcess(trainCli, ['--data', csv, '--predictions', csv]);
    expect(same).to.deep.equal({ code: 2, stdout: '', stderr: `error: --predictions: "${csv}" is the --data file; writing it would destroy the data (choose another name)\n` });
    const twice = await runInProcess(trainCli, ['--data', csv, '--predictions', dir.path('o.json'), '--save', dir.path('o.json')]);
    expect(twice.stderr).to.equal(`error: --save and --predictions name the same file "${dir.path('o.json')}"; give each output its own file\n`);
    const folder = await runInProcess(trainCli, ['--predictions', dir.path('')]);
    expect(folder.stderr).to.equal(`error: --predictions: "${dir.path('')}" is not a file name; expected e.g. predictions.csv\n`);
    const ok = await runInProcess(trainCli, ['--backend', 'plain', '--data', csv, '--iterations', '2', '--predictions', dir.path('ok.csv'), '--save', dir.path('ok.json')]);
    expect(ok.code).to.equal(0);
    expect(ok.stdout).to.contain(`wrote predictions: ${dir.path('ok.csv')}\n`);
    expect(existsSync(dir.path('ok.csv')) && existsSync(dir.path('ok.json'))).to.equal(true);
  });

  it('iris versicolor vs rest: AUC above chance, and all four counts add up to the samples', async () => {
    const { source } = iris(['versicolor']);
    const net = await Classifier.create({ backend: 'plain', standardize: true, gradient: 'logistic', iterations: 500 });
    try {
      net.fit(source);
      const e = net.evaluate(source);
      const m = e.outputs[0];
      expect(m.truePositives + m.falsePositives + m.trueNegatives + m.falseNegatives).to.equal(150);
      expect(m.auc).to.be.above(0.7);
    } finally {
      net.dispose();
    }
  });
});
