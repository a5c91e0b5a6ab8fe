/**
 * The article's network, visible: the project's own network (src/network/tensor.ts, tfjs ops),
 * training loop (src/training.ts), trace format (src/trace-format.ts) and CSV checks
 * (src/data/csv.ts) running in a page on TensorFlow.js's browser backends. Built by scripts/web.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { parseCsvText } from '../src/data/csv';
import { andGate, ARTICLE_INIT, type Dataset } from '../src/data/dataset';
import { InputError, option } from '../src/errors';
import { matrix, type Matrix } from '../src/matrix';
import type { TensorBackend, TraceStep } from '../src/network/network';
import { TensorNetwork } from '../src/network/tensor';
import { checkOption } from '../src/options';
import { formatMatrix, formatTraceStep } from '../src/trace-format';
import { train } from '../src/training';

/** The backends the page tries, best first. */
const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
type PageBackend = (typeof BACKENDS)[number];

/** The largest CSV the page reads (it plots every sample and trains in the page). */
const MAX_CSV_BYTES = 512 * 1024;
/** Samples listed in the table (all are plotted). */
const TABLE_ROWS = 8;
/** Points a chart series is drawn with at most (longer runs are bucketed, keeping each bucket's highest value). */
const CHART_POINTS = 600;

/** How the page names the library's options in messages (InputError.describe). */
const OPTION_LABELS: Readonly<Record<string, string>> = {
  learningRate: 'the learning rate a',
  iterations: 'Iterations',
  bias: 'Initial b',
  weights: 'Initial W',
};

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ui = {
  backend: $('backend'),
  lr: $<HTMLInputElement>('lr'),
  iterations: $<HTMLInputElement>('iterations'),
  w1: $<HTMLInputElement>('w1'),
  w2: $<HTMLInputElement>('w2'),
  b0: $<HTMLInputElement>('b0'),
  speed: $<HTMLSelectElement>('speed'),
  step: $<HTMLButtonElement>('step'),
  run: $<HTMLButtonElement>('run'),
  reset: $<HTMLButtonElement>('reset'),
  status: $('status'),
  dataName: $('data-name'),
  csv: $<HTMLInputElement>('csv'),
  useAnd: $<HTMLButtonElement>('use-and'),
  message: $('message'),
  plot: $('plot') as unknown as SVGSVGElement,
  lineEq: $('line-eq'),
  outIteration: $<HTMLOutputElement>('out-iteration'),
  outW: $<HTMLOutputElement>('out-w'),
  outB: $<HTMLOutputElement>('out-b'),
  outErrors: $<HTMLOutputElement>('out-errors'),
  outLoss: $<HTMLOutputElement>('out-loss'),
  chart: $('chart') as unknown as SVGSVGElement,
  samples: $<HTMLTableElement>('samples'),
  samplesMore: $('samples-more'),
  trace: $('trace'),
};

type RunState = 'starting' | 'ready' | 'running' | 'paused' | 'done' | 'diverged' | 'error';

/** One training session: the data, the network from its starting W and b, and what training has shown so far. */
interface Session {
  readonly data: Dataset;
  readonly net: TensorNetwork;
  /** Iterations whose update has been applied. */
  iteration: number;
  /** Per iteration (index i is iteration i + 1): errors and mean loss of its forward pass, before its update. */
  readonly errors: number[];
  readonly loss: number[];
  /** The last traced iteration (numbered from the session's start). */
  trace?: TraceStep;
  state: RunState;
}

let session: Session | undefined;
let data: Dataset = andGate();

// ---- start ----------------------------------------------------------------------------------

async function start(): Promise<void> {
  const { backend, notes } = await startBackend();
  const isolated = globalThis.crossOriginIsolated === true;
  ui.backend.dataset.backend = backend;
  ui.backend.innerHTML =
    `TensorFlow.js backend: <strong>${backend}</strong> (tfjs ops, float32)` +
    (notes.length ? ` <span class="hint">— ${escapeHtml(notes.join('; '))}</span>` : '') +
    (backend === 'wasm' ? ` <span class="hint">— ${isolated ? 'cross-origin isolated: threads allowed' : 'not cross-origin isolated: one thread'}</span>` : '');
  wireControls();
  reset();
  document.body.dataset.ready = 'true';
}

/**
 * webgl where it works with float32 textures, else wasm, else cpu; `?backend=wasm` (or webgl, cpu)
 * asks for one. The network is the project's TensorNetwork with tfjs's ops on whichever runs.
 */
async function startBackend(): Promise<{ backend: PageBackend; notes: string[] }> {
  setWasmPaths(new URL('./', location.href).href);
  const asked = new URLSearchParams(location.search).get('backend');
  const order: readonly PageBackend[] = BACKENDS.includes(asked as PageBackend) ? [asked as PageBackend] : BACKENDS;
  const notes: string[] = [];
  for (const name of order) {
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      if (ok) await tf.ready();
    } catch {
      ok = false;
    }
    if (ok && name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
      ok = false;
      notes.push('webgl has no float32 textures here');
    } else if (!ok) notes.push(`${name} unavailable`);
    if (ok) return { backend: name, notes };
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
}

// ---- sessions -------------------------------------------------------------------------------

/** A new session on the current data from the initial W and b in the controls (the old one's tensors are freed). */
function reset(): void {
  stopRunning();
  clearMessage();
  let W: [number, number];
  let b: number;
  try {
    W = [readNumber(ui.w1, 'Initial W1'), readNumber(ui.w2, 'Initial W2')];
    b = checkOption('bias', readNumber(ui.b0, 'Initial b'));
  } catch (err) {
    showError(err);
    return;
  }
  session?.net.dispose();
  // kernels 'ops': tfjs's own ops, line by line as in the article (the fused kernels are Node's,
  // on worker threads). With 'ops' the backend name only labels `compute`; no kernel is looked up by it.
  const net = new TensorNetwork(tf.getBackend() as TensorBackend, { W: matrix(2, 1, Float64Array.of(W[0], W[1])), b }, 'ops');
  session = { data, net, iteration: 0, errors: [], loss: [], state: 'ready' };
  render();
}

/** Runs `count` iterations of the project's training loop on the session, tracing the last one. */
function trainSome(s: Session, count: number): void {
  const a = checkOption('learningRate', readNumber(ui.lr, 'Learning rate a'));
  const offset = s.iteration;
  train(s.net, s.data.source, {
    a,
    iterations: count,
    statsEvery: 1,
    trace: (i) => i === count,
    onTrace: (step) => {
      s.trace = { ...step, iteration: offset + step.iteration };
    },
    onIteration: (i, stats) => {
      s.iteration = offset + i;
      if (stats) {
        s.errors.push(stats.errors);
        s.loss.push(stats.loss);
      }
    },
  });
}

/** The iteration count Run trains up to, from the control. */
function target(): number {
  const n = checkOption('iterations', readNumber(ui.iterations, 'Iterations'));
  if (n < 1) throw new InputError(option('iterations'), ` must be a whole number ≥ 1, got ${n}`);
  return n;
}

function step(): void {
  const s = session;
  if (!s || s.state === 'running' || s.state === 'diverged') return;
  clearMessage();
  try {
    trainSome(s, 1);
    s.state = s.iteration >= safeTarget() ? 'done' : 'paused';
  } catch (err) {
    failed(s, err);
  }
  render();
}

function toggleRun(): void {
  const s = session;
  if (!s) return;
  if (s.state === 'running') {
    s.state = 'paused';
    render();
    return;
  }
  clearMessage();
  try {
    if (s.iteration >= target()) return;
  } catch (err) {
    showError(err);
    return;
  }
  s.state = 'running';
  render();
  requestAnimationFrame(() => frame(s));
}

/** One animation frame of a run: `speed` iterations (fewer at the end), then the page redrawn. */
function frame(s: Session): void {
  if (s !== session || s.state !== 'running') return;
  try {
    const left = target() - s.iteration;
    if (left > 0) trainSome(s, Math.min(Number(ui.speed.value) || 1, left));
    if (s.iteration >= target()) s.state = 'done';
  } catch (err) {
    failed(s, err);
  }
  render();
  if (s.state === 'running') requestAnimationFrame(() => frame(s));
}

function stopRunning(): void {
  if (session?.state === 'running') session.state = 'paused';
}

/** Training stopped on an error: divergence (an InputError from the loop) ends the session; a bad control value pauses it. */
function failed(s: Session, err: unknown): void {
  s.state = err instanceof InputError && /diverged/.test(err.message) ? 'diverged' : s.iteration > 0 ? 'paused' : 'ready';
  showError(err);
}

function safeTarget(): number {
  try {
    return target();
  } catch {
    return Infinity;
  }
}

// ---- data -----------------------------------------------------------------------------------

async function upload(): Promise<void> {
  const file = ui.csv.files?.[0];
  if (!file) return;
  clearMessage();
  try {
    if (file.size > MAX_CSV_BYTES) {
      throw new InputError(`${file.name}: ${Math.ceil(file.size / 1024)} KiB is more than the page reads (${MAX_CSV_BYTES / 1024} KiB); the CLI trains on larger files`);
    }
    // the project's CSV checks and messages, as the CLI gives them for a file of that name
    const parsed = parseCsvText(file.name, await file.text());
    const features = parsed.featureNames.length;
    if (features !== 2) {
      throw new InputError(
        `${file.name}: has ${features} feature column${features === 1 ? '' : 's'} (${parsed.featureNames.join(', ')}) and the label ${parsed.labelNames.join(', ')}; ` +
          'the page plots two features: give two feature columns and the 0/1 label last',
      );
    }
    useData(parsed);
  } catch (err) {
    showError(err);
  } finally {
    ui.csv.value = '';
  }
}

function useData(next: Dataset): void {
  data = next;
  reset();
}

function useAndGate(): void {
  ui.w1.value = String(ARTICLE_INIT.weights[0]);
  ui.w2.value = String(ARTICLE_INIT.weights[1]);
  ui.b0.value = String(ARTICLE_INIT.bias);
  useData(andGate());
}

// ---- controls -------------------------------------------------------------------------------

function wireControls(): void {
  ui.step.addEventListener('click', step);
  ui.run.addEventListener('click', toggleRun);
  ui.reset.addEventListener('click', reset);
  ui.useAnd.addEventListener('click', useAndGate);
  ui.csv.addEventListener('change', () => void upload());
  for (const input of [ui.w1, ui.w2, ui.b0]) {
    // before the first iteration, a new starting point applies at once
    input.addEventListener('change', () => {
      if (session && session.iteration === 0 && session.state !== 'running') reset();
    });
  }
  for (const input of [ui.lr, ui.iterations, ui.w1, ui.w2, ui.b0]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  ui.iterations.addEventListener('input', () => {
    const s = session;
    if (s && (s.state === 'done' || s.state === 'paused')) {
      s.state = s.iteration >= safeTarget() ? 'done' : 'paused';
      render();
    }
  });
}

/** A number from an input; empty or not a number is an InputError naming the control. */
function readNumber(input: HTMLInputElement, label: string): number {
  const text = input.value.trim();
  if (text === '' || !Number.isFinite(Number(text))) {
    input.setAttribute('aria-invalid', 'true');
    throw new InputError(`${label} ${text === '' ? 'is empty or not a number' : `is not a finite number: ${text}`}`);
  }
  input.removeAttribute('aria-invalid');
  return Number(text);
}

function showError(err: unknown): void {
  const text = err instanceof InputError ? err.describe((key) => OPTION_LABELS[key] ?? key) : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  ui.message.textContent = text;
  if (err instanceof InputError) {
    const key = err.parts.find((p) => typeof p !== 'string') as { key: string } | undefined;
    const input = { learningRate: ui.lr, iterations: ui.iterations, bias: ui.b0 }[key?.key ?? ''];
    input?.setAttribute('aria-invalid', 'true');
  }
}

function clearMessage(): void {
  ui.message.textContent = '';
}

// ---- drawing --------------------------------------------------------------------------------

function render(): void {
  const s = session;
  if (!s) return;
  const W = s.net.weights();
  const b = s.net.bias();
  const { name, source, featureNames, labelNames } = s.data;
  ui.dataName.textContent = `${name}: ${source.samples} samples, features ${featureNames.join(', ')}, label ${labelNames.join(', ')}`;
  renderState(s, W, b);
  renderPlot(s, W, b);
  renderChart(s);
  renderTable(s);
  ui.trace.textContent = s.trace ? formatTraceStep(s.trace) : 'No iteration yet: Step runs iteration 1 and shows it here.';
  ui.trace.dataset.iteration = String(s.trace?.iteration ?? 0);
  document.body.dataset.tensors = String(tf.memory().numTensors);
}

function renderState(s: Session, W: Matrix, b: number): void {
  const last = s.errors.length - 1;
  setOutput(ui.outIteration, String(s.iteration), { value: String(s.iteration) });
  setOutput(ui.outW, formatMatrix(W), { w1: String(W.data[0]), w2: String(W.data[1]) });
  setOutput(ui.outB, String(b), { value: String(b) });
  setOutput(ui.outErrors, last < 0 ? '—' : `${s.errors[last]} of ${s.data.source.samples * s.data.source.outputs} (iteration ${last + 1})`, {
    value: last < 0 ? '' : String(s.errors[last]),
  });
  setOutput(ui.outLoss, last < 0 ? '—' : String(s.loss[last]), { value: last < 0 ? '' : String(s.loss[last]) });

  const goal = safeTarget();
  const goalText = Number.isFinite(goal) ? ` of ${goal}` : '';
  ui.status.dataset.state = s.state;
  const status: Record<RunState, string> = {
    starting: 'Starting…',
    ready: `Ready: iteration 0${goalText}.`,
    running: `Running to iteration ${goal}…`,
    paused: `Paused at iteration ${s.iteration}${goalText}.`,
    done: `Done: ${s.iteration} iterations.`,
    diverged: 'Stopped: training diverged. Lower the learning rate, then Reset.',
    error: 'Stopped on an error.',
  };
  if (ui.status.textContent !== status[s.state]) ui.status.textContent = status[s.state];
  ui.run.textContent = s.state === 'running' ? 'Pause' : 'Run';
  ui.run.disabled = s.state === 'diverged' || (s.state !== 'running' && s.iteration >= goal);
  ui.step.disabled = s.state === 'running' || s.state === 'diverged';
}

function setOutput(el: HTMLOutputElement, text: string, data: Record<string, string>): void {
  el.textContent = text;
  for (const [k, v] of Object.entries(data)) el.dataset[k] = v;
}

const PLOT = { size: 400, left: 46, right: 12, top: 12, bottom: 40 };

function renderPlot(s: Session, W: Matrix, b: number): void {
  const { x, y } = s.data.source.inMemory!;
  const m = x.cols;
  const [x1s, x2s] = [x.data.subarray(0, m), x.data.subarray(m, 2 * m)];
  const dom1 = padded(x1s);
  const dom2 = padded(x2s);
  const w = PLOT.size - PLOT.left - PLOT.right;
  const h = PLOT.size - PLOT.top - PLOT.bottom;
  const px = (v: number) => PLOT.left + ((v - dom1[0]) / (dom1[1] - dom1[0])) * w;
  const py = (v: number) => PLOT.top + h - ((v - dom2[0]) / (dom2[1] - dom2[0])) * h;
  const [w1, w2] = [W.data[0], W.data[1]];
  const f = (p: [number, number]) => w1 * p[0] + w2 * p[1] + b;
  const corners: [number, number][] = [[dom1[0], dom2[0]], [dom1[1], dom2[0]], [dom1[1], dom2[1]], [dom1[0], dom2[1]]];
  // the part of the plot where the network predicts 1 (f ≥ 0), and the line f = 0 across it
  const region: [number, number][] = [];
  const line: [number, number][] = [];
  corners.forEach((p, i) => {
    const q = corners[(i + 1) % 4];
    const [fp, fq] = [f(p), f(q)];
    if (fp >= 0) region.push(p);
    if ((fp >= 0) !== (fq >= 0)) {
      const t = fp / (fp - fq);
      const cross: [number, number] = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      region.push(cross);
      line.push(cross);
    }
  });
  const parts: string[] = [`<desc id="plot-desc">${escapeHtml(plotDescription(s, w1, w2, b, line.length === 2))}</desc>`];
  for (const t of ticks(dom1)) parts.push(`<line class="grid" x1="${px(t)}" x2="${px(t)}" y1="${PLOT.top}" y2="${PLOT.top + h}"/><text class="tick" x="${px(t)}" y="${PLOT.top + h + 14}" text-anchor="middle">${fmtTick(t)}</text>`);
  for (const t of ticks(dom2)) parts.push(`<line class="grid" x1="${PLOT.left}" x2="${PLOT.left + w}" y1="${py(t)}" y2="${py(t)}"/><text class="tick" x="${PLOT.left - 5}" y="${py(t) + 4}" text-anchor="end">${fmtTick(t)}</text>`);
  if (region.length >= 3) parts.push(`<polygon class="region" points="${region.map((p) => `${px(p[0])},${py(p[1])}`).join(' ')}"/>`);
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${w}" height="${h}" fill="none" class="axis"/>`);
  if (line.length === 2) parts.push(`<line class="boundary" x1="${px(line[0][0])}" y1="${py(line[0][1])}" x2="${px(line[1][0])}" y2="${py(line[1][1])}"/>`);
  else {
    const everywhere = region.length === 4 ? 'every point here is predicted 1' : 'every point here is predicted 0';
    parts.push(
      `<text class="plot-note" x="${PLOT.left + 8}" y="${PLOT.top + 20}"><tspan>the line lies outside this view:</tspan>` +
        `<tspan x="${PLOT.left + 8}" dy="17">${everywhere}</tspan></text>`,
    );
  }
  const r = m > 200 ? 3 : m > 40 ? 4.5 : 7;
  for (let j = 0; j < m; j++) {
    const [cx, cy] = [px(x1s[j]), py(x2s[j])];
    parts.push(
      y.data[j] === 1
        ? `<circle class="pt-one" cx="${cx}" cy="${cy}" r="${r}"/>`
        : `<rect class="pt-zero" x="${cx - r * 0.8}" y="${cy - r * 0.8}" width="${r * 1.6}" height="${r * 1.6}"/>`,
    );
  }
  const [n1, n2] = s.data.featureNames;
  const axisName = (name: string, article: string) => escapeHtml(name === article ? name : `${name} (${article})`);
  parts.push(`<text class="axis-label" x="${PLOT.left + w / 2}" y="${PLOT.size - 6}" text-anchor="middle">${axisName(n1, 'x1')}</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${PLOT.top + h / 2}) rotate(-90)" text-anchor="middle">${axisName(n2, 'x2')}</text>`);
  ui.plot.innerHTML = parts.join('');
  ui.lineEq.textContent = `${fmt(w1)}·x1 ${signed(w2)}·x2 ${signed(b)} = 0`;
}

function plotDescription(s: Session, w1: number, w2: number, b: number, visible: boolean): string {
  const ones = Array.from(s.data.source.inMemory!.y.data).reduce((n, v) => n + v, 0);
  return (
    `${s.data.source.samples} samples (${ones} labelled 1) of ${s.data.name}; decision line ${fmt(w1)}·x1 ${signed(w2)}·x2 ${signed(b)} = 0` +
    (visible ? '' : ', outside the plotted area')
  );
}

/** The data's range, padded by 30% (or ±1 when it is one value). */
function padded(values: ArrayLike<number>): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const pad = hi > lo ? (hi - lo) * 0.3 : 1;
  return [lo - pad, hi + pad];
}

/** About 5 round tick values across a range. */
function ticks([lo, hi]: [number, number], count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const stepSize = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / stepSize) * stepSize; t <= hi + 1e-12; t += stepSize) out.push(Math.abs(t) < stepSize / 1e6 ? 0 : t);
  return out;
}

const fmtTick = (t: number) => String(Number(t.toPrecision(6)));
const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
const signed = (v: number) => (v < 0 ? `− ${fmt(-v)}` : `+ ${fmt(v)}`);

const CHART = { width: 460, height: 190, left: 46, right: 12, top: 18, gap: 24, bottom: 24 };

function renderChart(s: Session): void {
  const n = s.errors.length;
  // the x axis grows with the run (from 20 iterations), so that the first steps are visible
  const span = Math.max(n, 20);
  const plotW = CHART.width - CHART.left - CHART.right;
  const panelH = (CHART.height - CHART.top - CHART.gap - CHART.bottom) / 2;
  const px = (i: number) => CHART.left + ((i - 1) / (span - 1)) * plotW;
  const parts: string[] = [];
  const lastErrors = n ? s.errors[n - 1] : undefined;
  const lastLoss = n ? s.loss[n - 1] : undefined;
  parts.push(
    `<desc id="chart-desc">${n === 0 ? 'No iteration yet.' : `${n} iterations; last: ${lastErrors} errors, mean loss ${fmt(lastLoss!)}.`}</desc>`,
  );
  const panels = [
    { title: `errors${lastErrors === undefined ? '' : ` (last: ${lastErrors})`}`, values: s.errors, max: Math.max(1, s.data.source.samples * s.data.source.outputs), cls: 'series-errors', whole: true },
    { title: `mean loss${lastLoss === undefined ? '' : ` (last: ${fmt(lastLoss)})`}`, values: s.loss, max: n ? Math.max(1e-9, ...bucketed(s.loss).map((p) => p[1])) : 1, cls: 'series-loss', whole: false },
  ];
  panels.forEach((panel, k) => {
    const top = CHART.top + k * (panelH + CHART.gap);
    const py = (v: number) => top + panelH - (v / panel.max) * panelH;
    parts.push(`<text class="panel-title" x="${CHART.left}" y="${top - 5}">${escapeHtml(panel.title)}</text>`);
    parts.push(`<line class="grid" x1="${CHART.left}" x2="${CHART.left + plotW}" y1="${py(panel.max)}" y2="${py(panel.max)}"/>`);
    parts.push(`<text class="tick" x="${CHART.left - 5}" y="${py(panel.max) + 4}" text-anchor="end">${panel.whole ? panel.max : fmt(panel.max)}</text>`);
    parts.push(`<text class="tick" x="${CHART.left - 5}" y="${py(0) + 4}" text-anchor="end">0</text>`);
    parts.push(`<line class="axis" x1="${CHART.left}" x2="${CHART.left + plotW}" y1="${py(0)}" y2="${py(0)}"/><line class="axis" x1="${CHART.left}" x2="${CHART.left}" y1="${top}" y2="${py(0)}"/>`);
    const points = bucketed(panel.values);
    // a dot per iteration while they are few (Step), a line after
    if (points.length <= 40) for (const [i, v] of points) parts.push(`<circle class="${panel.cls} dot" cx="${px(i).toFixed(1)}" cy="${py(v).toFixed(1)}" r="2.5"/>`);
    if (points.length > 1) parts.push(`<polyline class="${panel.cls}" points="${points.map(([i, v]) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`);
  });
  const axisY = CHART.height - CHART.bottom + 14;
  parts.push(`<text class="tick" x="${CHART.left}" y="${axisY}" text-anchor="start">1</text>`);
  parts.push(`<text class="tick" x="${CHART.left + plotW}" y="${axisY}" text-anchor="end">${span}</text>`);
  parts.push(`<text class="axis-label" x="${CHART.left + plotW / 2}" y="${axisY + 2}" text-anchor="middle">iteration</text>`);
  ui.chart.innerHTML = parts.join('');
}

/** [iteration, value] points, at most CHART_POINTS: each bucket of iterations as its highest value. */
function bucketed(values: readonly number[]): [number, number][] {
  const size = Math.max(1, Math.ceil(values.length / CHART_POINTS));
  const out: [number, number][] = [];
  for (let start = 0; start < values.length; start += size) {
    let best = values[start];
    const end = Math.min(values.length, start + size);
    for (let i = start + 1; i < end; i++) best = Math.max(best, values[i]);
    out.push([end, best]);
  }
  return out;
}

function renderTable(s: Session): void {
  const { x, y } = s.data.source.inMemory!;
  const m = x.cols;
  const shown = Math.min(m, TABLE_ROWS);
  // s and y_pred for the shown samples with the current W and b, from the network's own predict
  const head = columns(x, shown);
  const proba = s.net.predictProba(head);
  const pred = s.net.predict(head);
  const [n1, n2] = s.data.featureNames;
  ui.samples.querySelector('#h-x1')!.textContent = n1;
  ui.samples.querySelector('#h-x2')!.textContent = n2;
  const rows: string[] = [];
  for (let j = 0; j < shown; j++) {
    const wrong = pred.data[j] !== y.data[j];
    rows.push(
      `<tr><td>${j + 1}</td><td>${x.data[j]}</td><td>${x.data[m + j]}</td><td>${y.data[j]}</td><td>${proba.data[j].toFixed(4)}</td>` +
        `<td${wrong ? ' class="wrong"' : ''}>${pred.data[j]}${wrong ? ' ✗<span class="sr-only"> (wrong)</span>' : ''}</td></tr>`,
    );
  }
  ui.samples.tBodies[0].innerHTML = rows.join('');
  ui.samplesMore.textContent = m > shown ? `… and ${m - shown} more (all are plotted).` : '';
}

/** The first `n` columns (samples) of a features×samples matrix. */
function columns(x: Matrix, n: number): Matrix {
  const out = matrix(x.rows, n);
  for (let r = 0; r < x.rows; r++) out.data.set(x.data.subarray(r * x.cols, r * x.cols + n), r * n);
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

start().catch((err: unknown) => {
  ui.status.dataset.state = 'error';
  ui.status.textContent = 'The page could not start.';
  showError(err);
  document.body.dataset.ready = 'error';
});
