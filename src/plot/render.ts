import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { InputError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { plotFormat } from './format';

/**
 * The font stack plots use unless the spec sets `config.font`: common sans-serif families first
 * (macOS, Windows), then the ones Linux distributions ship (DejaVu, Liberation). A browser reading the
 * SVG and resvg making the PNG both take the first family that is installed.
 */
export const PLOT_FONT = 'Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif';

/** The PNG's pixels per SVG pixel: 2 keeps text sharp on high-density screens and in documents. */
const PNG_SCALE = 2;

/**
 * Renders a vega-lite spec to an SVG document, headless (vega's `none` renderer, no browser or canvas).
 *
 * @example
 * const svg = await renderVegaLite({ data: { values: [{ a: 1, b: 2 }] }, mark: 'point',
 *   encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } });
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const withFont = { ...spec, config: { font: PLOT_FONT, ...spec.config } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withFont).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG document to PNG bytes with resvg, at twice the SVG's size.
 * Text is drawn with the system's fonts (the first family of the SVG's `font-family` that is installed,
 * else resvg's fallback): on a machine with no font at all, text would be missing from the PNG.
 */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true },
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/**
 * Renders a vega-lite spec to `path`, as SVG or PNG by its extension (`.svg` or `.png`), atomically.
 * Any other extension is an {@link InputError}.
 *
 * @example
 * await writePlot('training.png', trainingPlotSpec(history));
 */
export async function writePlot(path: string, spec: TopLevelSpec): Promise<void> {
  const format = plotFormat(path);
  const svg = await renderVegaLite(spec);
  writeFileAtomic(path, format === 'svg' ? svg : svgToPng(svg));
}
