import type { TopLevelSpec } from 'vega-lite';

/** One row of a training history: what iteration `iteration`'s forward pass found, before its update. */
export interface HistoryPoint {
  iteration: number;
  /** Training samples misclassified. */
  errors: number;
  /** Logistic (cross-entropy) loss. */
  loss: number;
}

/** 2-feature data and the learned W and b, for the decision-line panel. */
export interface Boundary {
  /** 2×samples, the article's layout. */
  x: number[][];
  /** One 0/1 label per sample. */
  y: number[];
  W: [number, number];
  b: number;
  featureNames: [string, string];
}

/** The most points a history series is drawn with, so 1e5+ iterations still make a small file. */
export const MAX_HISTORY_POINTS = 2000;
/** The most samples the decision panel draws (an even stride through the data beyond that). */
export const MAX_SAMPLE_POINTS = 5000;

const ERRORS_COLOR = '#4c78a8';
const LOSS_COLOR = '#e45756';
const PANEL = { width: 360, height: 260 };

type Point = { x1: number; x2: number };
type Box = { x1: [number, number]; x2: [number, number] };

/**
 * A vega-lite spec of a training run: training errors and logistic loss per iteration (one panel,
 * a y axis each), and, for 2-feature data, a second panel with the samples coloured by label and the
 * learned decision line `W1·x1 + W2·x2 + b = 0`. Render it with `writePlot`.
 *
 * Histories longer than {@link MAX_HISTORY_POINTS} are drawn from that many real rows: the first, the
 * last, and in each stretch of iterations between them the row with the most errors (so no spike of
 * errors is hidden).
 *
 * @example
 * await writePlot('and.png', trainingPlotSpec(history, { x, y: y[0], W: [0.05, 0.05], b: -0.075, featureNames: ['x1', 'x2'] }));
 */
export function trainingPlotSpec(history: HistoryPoint[], boundary?: Boundary): TopLevelSpec {
  const config = { view: { stroke: '#ddd' }, axis: { gridColor: '#eee' } };
  const schema = 'https://vega.github.io/schema/vega-lite/v5.json';
  const training = trainingPanel(history);
  if (!boundary) return { $schema: schema, ...training, config } as TopLevelSpec;
  return { $schema: schema, hconcat: [training, boundaryPanel(boundary)], spacing: 40, config } as TopLevelSpec;
}

function trainingPanel(history: HistoryPoint[]) {
  const rows = downsample(history, MAX_HISTORY_POINTS);
  const last = history.length > 0 ? history[history.length - 1].iteration : 0;
  const subtitle =
    rows.length < history.length
      ? `${count(last)} iterations, drawn as ${count(rows.length)} points (the most errors of each stretch)`
      : `${count(last)} iterations`;
  const y = (field: keyof HistoryPoint, title: string, color: string, axis: object) => ({
    field,
    type: 'quantitative',
    title,
    axis: { titleColor: color, ...axis },
  });
  return {
    ...PANEL,
    title: { text: 'Training', subtitle },
    data: { values: rows },
    encoding: { x: { field: 'iteration', type: 'quantitative', title: 'iteration' } },
    layer: [
      {
        mark: { type: 'line', color: ERRORS_COLOR, interpolate: 'step-after' },
        encoding: { y: y('errors', 'training errors', ERRORS_COLOR, { orient: 'left', format: 'd', tickMinStep: 1 }) },
      },
      {
        mark: { type: 'line', color: LOSS_COLOR, strokeDash: [6, 3] },
        encoding: { y: y('loss', 'logistic loss (dashed)', LOSS_COLOR, { orient: 'right', grid: false }) },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

function boundaryPanel({ x, y, W, b, featureNames }: Boundary) {
  if (x.length !== 2 || x[0].length !== y.length || x[1].length !== y.length) {
    throw new Error(`the decision panel needs x 2×samples and one label per sample; got x ${x.length}×${x[0]?.length} and ${y.length} labels`);
  }
  const samples = y.map((label, j) => ({ x1: x[0][j], x2: x[1][j], label }));
  const shown = strided(samples, MAX_SAMPLE_POINTS);
  const box: Box = { x1: padded(x[0]), x2: padded(x[1]) };
  const line = decisionLine(W, b, box);
  const title = line ? equation(W, b, featureNames) : W[0] === 0 && W[1] === 0 ? noLine(b) : `${equation(W, b, featureNames)} (outside the plotted area)`;
  const axis = (field: 'x1' | 'x2', name: string) => ({
    field,
    type: 'quantitative',
    title: name,
    scale: { domain: box[field], nice: false, zero: false },
    axis: { tickCount: 6 },
  });
  return {
    ...PANEL,
    title: { text: 'Decision line', subtitle: shown.length < samples.length ? [title, `${count(shown.length)} of ${count(samples.length)} samples shown`] : title },
    layer: [
      {
        data: { values: shown },
        mark: { type: 'point', filled: true, size: 70, opacity: 0.8 },
        encoding: {
          x: axis('x1', featureNames[0]),
          y: axis('x2', featureNames[1]),
          color: { field: 'label', type: 'nominal', title: 'label', scale: { range: [ERRORS_COLOR, '#f58518'] } },
          shape: { field: 'label', type: 'nominal', title: 'label' },
        },
      },
      {
        data: { values: line ?? [] },
        mark: { type: 'line', color: 'black', strokeWidth: 2 },
        encoding: { x: { field: 'x1', type: 'quantitative' }, y: { field: 'x2', type: 'quantitative' } },
      },
    ],
  };
}

/**
 * The part of `W1·x1 + W2·x2 + b = 0` inside `box`, as its two end points; undefined when the line
 * misses the box or W is 0 (no line). Handles W2 = 0, the vertical line x1 = −b/W1.
 */
function decisionLine(W: [number, number], b: number, box: Box): [Point, Point] | undefined {
  const [W1, W2] = W;
  const hits: Point[] = [];
  if (W2 !== 0) {
    for (const x1 of box.x1) hits.push({ x1, x2: -(W1 * x1 + b) / W2 });
  }
  if (W1 !== 0) {
    for (const x2 of box.x2) hits.push({ x1: -(W2 * x2 + b) / W1, x2 });
  }
  const inside = hits
    .filter((p) => within(p.x1, box.x1) && within(p.x2, box.x2))
    .sort((p, q) => p.x1 - q.x1 || p.x2 - q.x2);
  if (inside.length < 2) return undefined;
  const [first, last] = [inside[0], inside[inside.length - 1]];
  return first.x1 === last.x1 && first.x2 === last.x2 ? undefined : [first, last];
}

/** At most `max` rows: the first, the last, and the most errors in each of `max − 2` equal stretches between. */
function downsample(history: HistoryPoint[], max: number): HistoryPoint[] {
  if (history.length <= max) return history;
  const inner = history.length - 2;
  const buckets = max - 2;
  const kept = [history[0]];
  for (let k = 0; k < buckets; k++) {
    const start = 1 + Math.floor((k * inner) / buckets);
    const end = 1 + Math.floor(((k + 1) * inner) / buckets);
    let worst = history[start];
    for (let i = start + 1; i < end; i++) if (history[i].errors > worst.errors) worst = history[i];
    kept.push(worst);
  }
  kept.push(history[history.length - 1]);
  return kept;
}

/** At most `max` items, at an even stride (always including the first). */
function strided<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, k) => items[Math.floor((k * items.length) / max)]);
}

/** The data's range with 10% margin each side (±0.5 around a single value), so no point sits on an edge. */
function padded(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = hi > lo ? (hi - lo) * 0.1 : 0.5;
  return [lo - pad, hi + pad];
}

function within(v: number, [lo, hi]: [number, number]): boolean {
  const tol = (hi - lo) * 1e-9;
  return v >= lo - tol && v <= hi + tol;
}

/** "0.05·x1 + 0.05·x2 − 0.075 = 0", leaving out zero terms and coefficients of 1. */
function equation(W: [number, number], b: number, names: [string, string]): string {
  const terms: [number, string][] = [
    [W[0], names[0]],
    [W[1], names[1]],
    [b, ''],
  ];
  const text = terms
    .filter(([v]) => v !== 0)
    .map(([v, name], i) => {
      const sign = v < 0 ? (i === 0 ? '−' : ' − ') : i === 0 ? '' : ' + ';
      const size = Math.abs(v);
      return sign + (name === '' ? short(size) : size === 1 ? name : `${short(size)}·${name}`);
    })
    .join('');
  return `${text} = 0`;
}

function noLine(b: number): string {
  return `no decision line: W = 0, so every sample is class ${b >= 0 ? 1 : 0}`;
}

/** 4 significant digits, without trailing zeros. */
function short(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
