import { expect } from 'chai';
import { flagOf } from '../src/options';
import { existsSync, readFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../src/errors';
import { renderVegaLite, svgToPng, writePlot } from '../src/plot/render';
import { rejects, tempDir } from './helpers';

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const SCATTER: TopLevelSpec = {
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }, { a: 3, b: 1 }] },
  mark: 'line',
  width: 200,
  height: 100,
  encoding: { x: { field: 'a', type: 'quantitative', title: 'alpha axis' }, y: { field: 'b', type: 'quantitative', title: 'beta axis' } },
};

describe('plot rendering', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('renderVegaLite: an SVG with the axis titles, a path, and the plot font stack', async () => {
    const svg = await renderVegaLite(SCATTER);
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg).to.include('alpha axis').and.include('beta axis').and.include('<path');
    expect(svg).to.include('font-family="Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif"');
  });

  it('svgToPng: a PNG at twice the SVG size', async () => {
    const svg = await renderVegaLite(SCATTER);
    const png = svgToPng(svg);
    expect([...png.subarray(0, 8)]).to.deep.equal(PNG_SIGNATURE);
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    const height = Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);
    expect(pngSize(png)).to.deep.equal({ width: 2 * width, height: 2 * height });
  });

  it('svgToPng draws text (fails on a machine with no font installed)', () => {
    const svg = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="30" font-size="20" font-family="sans-serif">${text}</text></svg>`;
    expect(Buffer.compare(svgToPng(svg('iteration')), svgToPng(svg('')))).to.not.equal(0);
  });

  it('writePlot: SVG or PNG by the extension, any case', async () => {
    await writePlot(dir.path('plot.svg'), SCATTER);
    expect(readFileSync(dir.path('plot.svg'), 'utf8')).to.match(/^<svg[^]*alpha axis[^]*<\/svg>$/);
    await writePlot(dir.path('plot.PNG'), SCATTER);
    expect([...readFileSync(dir.path('plot.PNG')).subarray(0, 8)]).to.deep.equal(PNG_SIGNATURE);
  });

  it('writePlot: another extension is an InputError, and nothing is written', async () => {
    const err = await rejects(writePlot(dir.path('x.gif'), SCATTER));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.equal(`plot: "${dir.path('x.gif')}" must end in .svg or .png`);
    expect((err as InputError).describe(flagOf)).to.equal(`--plot: "${dir.path('x.gif')}" must end in .svg or .png`);
    expect(existsSync(dir.path('x.gif'))).to.equal(false);
  });
});
