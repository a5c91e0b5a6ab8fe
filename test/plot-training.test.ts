import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { renderVegaLite, writePlot } from '../src/plot/render';
import { MAX_HISTORY_POINTS, trainingPlotSpec, type Boundary, type HistoryPoint } from '../src/plot/training';
import { AND_X, AND_Y } from './fixtures';
import { tempDir } from './helpers';

// The tests read into the spec's JSON.
type Panel = { title: { text: string; subtitle: string | string[] }; data?: { values: any[] }; layer: any[] };
const panels = (spec: unknown): Panel[] => ((spec as { hconcat?: Panel[] }).hconcat ?? [spec as Panel]);
const lineOf = (panel: Panel): { x1: number; x2: number }[] => panel.layer[1].data.values;
const domains = (panel: Panel) => ({ x1: panel.layer[0].encoding.x.scale.domain, x2: panel.layer[0].encoding.y.scale.domain });

/** A made-up history of the AND run: 3 errors at first, oscillating, then none; loss falling. */
function andHistory(iterations: number): HistoryPoint[] {
  return Array.from({ length: iterations + 1 }, (_, i) => ({
    iteration: i,
    errors: i < 30 ? 3 : i < 400 ? 1 + (i % 7 === 0 ? 1 : 0) : 0,
    loss: 0.45 + 0.9 * Math.exp(-i / 200),
  }));
}

const AND_BOUNDARY: Boundary = { x: AND_X, y: AND_Y[0], W: [0.05, 0.05], b: -0.075, featureNames: ['x1', 'x2'] };

describe('trainingPlotSpec', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('one panel of errors and loss per iteration, each on its own y axis, every row kept', async () => {
    const history = andHistory(1000);
    const spec = trainingPlotSpec(history);
    const [training] = panels(spec);
    expect(panels(spec)).to.have.length(1);
    expect(training.title).to.deep.equal({ text: 'Training', subtitle: '1,000 iterations' });
    expect(training.data!.values).to.deep.equal(history);
    expect(training.layer.map((l) => l.encoding.y.field)).to.deep.equal(['errors', 'loss']);
    const svg = await renderVegaLite(spec);
    expect(svg).to.include('iteration').and.include('training errors').and.include('logistic loss (dashed)').and.include('<path');
  });

  it(`draws a 100,000-iteration history with at most ${MAX_HISTORY_POINTS} real rows: first, last and every spike of errors`, () => {
    const history = andHistory(100_000);
    history[54_321] = { ...history[54_321], errors: 4 };
    const [training] = panels(trainingPlotSpec(history));
    const rows: HistoryPoint[] = training.data!.values;
    expect(rows.length).to.be.at.most(MAX_HISTORY_POINTS).and.at.least(MAX_HISTORY_POINTS - 1);
    expect(rows[0]).to.equal(history[0]);
    expect(rows[rows.length - 1]).to.equal(history[100_000]);
    expect(rows).to.include(history[54_321]);
    rows.forEach((row) => expect(row).to.equal(history[row.iteration]));
    expect(rows.every((row, k) => k === 0 || row.iteration > rows[k - 1].iteration)).to.equal(true);
    expect(training.title.subtitle).to.equal('100,000 iterations, drawn as 2,000 points (the most errors of each stretch)');
  });

  it("the article's AND result: samples by label and the line x1 + x2 = 1.5 across the plotted area", async () => {
    const spec = trainingPlotSpec(andHistory(1000), AND_BOUNDARY);
    const [, decision] = panels(spec);
    expect(decision.title).to.deep.equal({ text: 'Decision line', subtitle: '0.05·x1 + 0.05·x2 − 0.075 = 0' });
    expect(decision.layer[0].data.values).to.deep.equal([
      { x1: 0, x2: 0, label: 0 },
      { x1: 1, x2: 0, label: 0 },
      { x1: 0, x2: 1, label: 0 },
      { x1: 1, x2: 1, label: 1 },
    ]);
    expect(domains(decision)).to.deep.equal({ x1: [-0.1, 1.1], x2: [-0.1, 1.1] });
    const [p, q] = lineOf(decision);
    for (const end of [p, q]) expect(end.x1 + end.x2).to.be.closeTo(1.5, 1e-12);
    expect(p.x1).to.be.closeTo(0.4, 1e-12);
    expect(q.x1).to.be.closeTo(1.1, 1e-12);
    const svg = await renderVegaLite(spec);
    expect(svg).to.include('Decision line').and.include('0.05·x1 + 0.05·x2 − 0.075 = 0').and.include('label');
  });

  it('W2 = 0: the vertical line x1 = −b/W1, top to bottom', () => {
    const [, decision] = panels(trainingPlotSpec([], { ...AND_BOUNDARY, W: [0.5, 0], b: -0.25 }));
    expect(decision.title.subtitle).to.equal('0.5·x1 − 0.25 = 0');
    expect(lineOf(decision)).to.deep.equal([
      { x1: 0.5, x2: -0.1 },
      { x1: 0.5, x2: 1.1 },
    ]);
  });

  it('W = 0: no line, and the title says every sample gets one class', () => {
    const [, decision] = panels(trainingPlotSpec([], { ...AND_BOUNDARY, W: [0, 0] }));
    expect(decision.title.subtitle).to.equal('no decision line: W = 0, so every sample is class 0');
    expect(lineOf(decision)).to.deep.equal([]);
  });

  it('a line that misses the data: no line, and the title says where it went', () => {
    const [, decision] = panels(trainingPlotSpec([], { ...AND_BOUNDARY, W: [1, -2], b: 10 }));
    expect(decision.title.subtitle).to.equal('x1 − 2·x2 + 10 = 0 (outside the plotted area)');
    expect(lineOf(decision)).to.deep.equal([]);
  });

  it('renders the AND example to a readable PNG', async () => {
    const path = dir.path('and-plot.png');
    await writePlot(path, trainingPlotSpec(andHistory(1000), AND_BOUNDARY));
    const png = readFileSync(path);
    expect([...png.subarray(0, 8)]).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).to.be.within(1200, 2400);
    expect(height).to.be.within(500, 1000);
    expect(png.length).to.be.within(20_000, 400_000);
  });
});
