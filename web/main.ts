/**
 * The article's network, visible: the project's own network (src/network/tensor.ts, tfjs ops),
 * training loop (src/training.ts), trace format (src/trace-format.ts) and CSV checks
 * (src/data/csv.ts) running in a page on TensorFlow.js's browser backends. Built by scripts/web.ts.
 *
 * A student edits the data on the plot (click adds, shift-click or Space flips, drag or arrow keys
 * move, Delete removes) and the network retrains from the initial W and b. The page keeps W and b
 * after every update (nothing else); the scrubber shows any iteration already run by running that
 * one iteration again from its W and b, with the same ops, so z, s and y_pred are recomputed, not stored.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { parseCsvText } from '../src/data/csv';
import { ARTICLE_INIT, inMemory, type Dataset } from '../src/data/dataset';
import { InputError, option } from '../src/errors';
import { matrix } from '../src/matrix';
import type { TensorBackend, TraceStep } from '../src/network/network';
import { TensorNetwork } from '../src/network/tensor';
import { checkOption } from '../src/options';
import { formatMatrix, formatTraceStep } from '../src/trace-format';
import { train } from '../src/training';
import { numpyLines } from './numpy';
import { PRESETS, presetPoints, type Preset, type PresetName } from './presets';
import { linearlySeparable, type Point } from './separable';

/** The backends the page tries, best first. */
const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
type PageBackend = (typeof BACKENDS)[number];

/** The largest CSV the page reads (it plots every sample and trains in the page). */
const MAX_CSV_BYTES = 512 * 1024;
/** Samples listed in the table (all are plotted). */
const TABLE_ROWS = 8;
/** Up to this many samples, each point on the plot is a focusable button (more would be a long Tab trail); the mouse edits any. */
const FOCUSABLE_POINTS = 100;
/** Points a chart series is drawn with at most (longer runs are bucketed, keeping each bucket's highest value). */
const CHART_POINTS = 600;
/** Iterations without a new fewest-errors count after which the page says the errors stopped falling. */
const STALL = 100;
/**
 * A sample is at a tie when |z| is at most this fraction of the largest |W1·x1| + |W2·x2| + |b| over
 * the samples: z is 0 up to float32 rounding, s is 0.5, and the article's s >= 0.5 makes it class 1.
 * (On the AND gate, the exact ties land within about 1e-7 of 0 in float32; the other z are 0.025 or more.)
 */
const TIE = 1e-5;

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
  newLabel: $<HTMLSelectElement>('new-label'),
  addPoint: $<HTMLButtonElement>('add-point'),
  message: $('message'),
  plot: $('plot') as unknown as SVGSVGElement,
  lineEq: $('line-eq'),
  verdict: $('verdict'),
  scrub: $<HTMLInputElement>('scrub'),
  scrubText: $<HTMLOutputElement>('scrub-text'),
  outIteration: $<HTMLOutputElement>('out-iteration'),
  outW: $<HTMLOutputElement>('out-w'),
  outB: $<HTMLOutputElement>('out-b'),
  outErrors: $<HTMLOutputElement>('out-errors'),
  outLoss: $<HTMLOutputElement>('out-loss'),
  chart: $('chart') as unknown as SVGSVGElement,
  samples: $<HTMLTableElement>('samples'),
  samplesTitle: $('table-title'),
  samplesMore: $('samples-more'),
  tieNote: $('tie-note'),
  traceTitle: $('trace-title'),
  trace: $('trace'),
  numpy: $<HTMLTableElement>('numpy'),
  numpyCaption: $('numpy-caption'),
};

type RunState = 'starting' | 'ready' | 'running' | 'paused' | 'done' | 'diverged' | 'error';

/** The data on the page: the points the student sees and edits, and where they came from. */
interface PageData {
  readonly points: readonly Point[];
  readonly featureNames: readonly [string, string];
  readonly labelName: string;
  /** A file name or a preset's title; "(edited)" once changed on the plot. */
  readonly name: string;
  /** The preset these points are, unchanged. */
  readonly preset?: PresetName;
  /** The plotted ranges of x1 and x2: set when the data is chosen, kept while it is edited. */
  readonly domain: readonly [[number, number], [number, number]];
}

/** One training session: the data, the network from its starting W and b, and what training has shown so far. */
interface Session {
  readonly page: PageData;
  readonly data: Dataset;
  /** Whether some straight line separates the classes (web/separable.ts). */
  readonly separable: boolean;
  readonly net: TensorNetwork;
  /** Iterations whose update has been applied. */
  iteration: number;
  /** Per iteration (index i is iteration i + 1): errors and mean loss of its forward pass, before its update. */
  readonly errors: number[];
  readonly loss: number[];
  /** The history the scrubber replays: W and b after k updates at index k (0: the initial ones), as float32 read back. */
  readonly w1: number[];
  readonly w2: number[];
  readonly b: number[];
  /** The learning rate each iteration ran with: `a` from iteration `from` on (the control may change between runs). */
  readonly rates: { from: number; a: number }[];
  /** The iteration the page shows: 'latest' follows training. */
  view: number | 'latest';
  /** The last iteration replayed or traced (0: the forward pass iteration 1 makes, before any update). */
  shown?: { k: number; step: TraceStep };
  state: RunState;
}

let session: Session | undefined;
let pageData: PageData = fromPreset(PRESETS.and);

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

/** A new session on the page's data from the initial W and b in the controls (the old one's tensors are freed). */
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
  const net = newNetwork(W[0], W[1], b);
  const [W0, b0] = [net.weights(), net.bias()];
  const data = toDataset(pageData);
  session = {
    page: pageData,
    data,
    separable: linearlySeparable(pageData.points),
    net,
    iteration: 0,
    errors: [],
    loss: [],
    w1: [W0.data[0]],
    w2: [W0.data[1]],
    b: [b0],
    rates: [],
    view: 'latest',
    state: 'ready',
  };
  render();
}

function newNetwork(w1: number, w2: number, b: number): TensorNetwork {
  return new TensorNetwork(tf.getBackend() as TensorBackend, { W: matrix(2, 1, Float64Array.of(w1, w2)), b }, 'ops');
}

/** Runs `count` iterations of the project's training loop on the session, keeping W and b after each, tracing the last. */
function trainSome(s: Session, count: number): void {
  const a = checkOption('learningRate', readNumber(ui.lr, 'Learning rate a'));
  const offset = s.iteration;
  if (s.rates.at(-1)?.a !== a) s.rates.push({ from: offset + 1, a });
  s.view = 'latest';
  train(s.net, s.data.source, {
    a,
    iterations: count,
    statsEvery: 1,
    trace: (i) => i === count,
    onTrace: (step) => {
      s.shown = { k: offset + step.iteration, step: { ...step, iteration: offset + step.iteration } };
    },
    onIteration: (i, stats) => {
      s.iteration = offset + i;
      const W = s.net.weights();
      s.w1.push(W.data[0]);
      s.w2.push(W.data[1]);
      s.b.push(s.net.bias());
      if (stats) {
        s.errors.push(stats.errors);
        s.loss.push(stats.loss!); // statsEvery 1 and no lossAt: every iteration's stats have the loss
      }
    },
  });
}

/** The learning rate iteration k (1-based) ran with. */
function rateAt(s: Session, k: number): number {
  let a = s.rates[0]?.a ?? 0.1;
  for (const r of s.rates) if (r.from <= k) a = r.a;
  return a;
}

/** The iteration the page shows: 0 before any, else 1…iteration. */
function viewed(s: Session): number {
  return s.view === 'latest' ? s.iteration : Math.min(s.view, s.iteration);
}

/**
 * Iteration k (1-based) again, from the W and b it started from, with the same tfjs ops and
 * learning rate: its z, s, y_pred, e, dW, db and the W and b after. For k = 0, the forward pass
 * iteration 1 makes from the initial W and b (its update is not shown).
 */
function replay(s: Session, k: number): TraceStep {
  if (s.shown?.k === k) return s.shown.step;
  const from = Math.max(0, k - 1);
  const net = newNetwork(s.w1[from], s.w2[from], s.b[from]);
  let traced: TraceStep | undefined;
  try {
    train(net, s.data.source, { a: rateAt(s, Math.max(1, k)), iterations: 1, trace: () => true, onTrace: (step) => (traced = step) });
  } finally {
    net.dispose();
  }
  const step = { ...traced!, iteration: k };
  s.shown = { k, step };
  return step;
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

function fromPreset(preset: Preset): PageData {
  const points = presetPoints(preset);
  return { points, featureNames: ['x1', 'x2'], labelName: 'y', name: preset.title, preset: preset.name, domain: domainOf(points) };
}

/** The points as the project's Dataset: x is features×samples, y outputs×samples, in the points' order. */
function toDataset(d: PageData): Dataset {
  const m = d.points.length;
  const x = matrix(2, m);
  const y = matrix(1, m);
  d.points.forEach((p, j) => {
    x.data[j] = p.x1;
    x.data[m + j] = p.x2;
    y.data[j] = p.y;
  });
  return inMemory(x, y, d.featureNames, [d.labelName], d.name);
}

function domainOf(points: readonly Point[]): [[number, number], [number, number]] {
  return [padded(points.map((p) => p.x1)), padded(points.map((p) => p.x2))];
}

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
    const { x, y } = parsed.source.inMemory!;
    const m = x.cols;
    const points: Point[] = Array.from({ length: m }, (_, j) => ({ x1: x.data[j], x2: x.data[m + j], y: y.data[j] === 1 ? 1 : 0 }));
    useData({ points, featureNames: [parsed.featureNames[0], parsed.featureNames[1]], labelName: parsed.labelNames[0], name: parsed.name, domain: domainOf(points) });
  } catch (err) {
    showError(err);
  } finally {
    ui.csv.value = '';
  }
}

function useData(next: PageData): void {
  pageData = next;
  reset();
}

/** A preset, from the article's initial W and b. */
function usePreset(preset: Preset): void {
  ui.w1.value = String(ARTICLE_INIT.weights[0]);
  ui.w2.value = String(ARTICLE_INIT.weights[1]);
  ui.b0.value = String(ARTICLE_INIT.bias);
  useData(fromPreset(preset));
}

/** The data after an edit on the plot; the network retrains from the initial W and b, up to Iterations. */
function edited(points: readonly Point[], focus?: number): void {
  const name = pageData.preset || !pageData.name.endsWith(' (edited)') ? `${pageData.name} (edited)` : pageData.name;
  pageData = { ...pageData, points, name, preset: undefined };
  focusPoint = focus;
  reset();
  // (a bad initial W or b leaves the old session: reset has said why)
  if (session?.page === pageData && session.state === 'ready') toggleRun();
}

// ---- editing on the plot ----------------------------------------------------------------------

/** A point being dragged (or just added, until the pointer is released). */
let drag: { index: number; pointerId: number; moved: boolean; added: boolean } | undefined;
/** The point to give the focus back to after the plot is redrawn. */
let focusPoint: number | undefined;

/** Where a pointer event is, in data coordinates, snapped to a tenth of the tick spacing; undefined outside the axes. */
function dataAt(event: PointerEvent): [number, number] | undefined {
  const ctm = ui.plot.getScreenCTM();
  if (!ctm) return undefined;
  const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
  const [d1, d2] = pageData.domain;
  const w = PLOT.size - PLOT.left - PLOT.right;
  const h = PLOT.size - PLOT.top - PLOT.bottom;
  const u = (p.x - PLOT.left) / w;
  const v = (PLOT.top + h - p.y) / h;
  if (u < 0 || u > 1 || v < 0 || v > 1) return undefined;
  return [snap(d1[0] + u * (d1[1] - d1[0]), d1), snap(d2[0] + v * (d2[1] - d2[0]), d2)];
}

/** A value rounded to a tenth of the axis's tick spacing (so that clicked points have short coordinates). */
function snap(v: number, dom: readonly [number, number]): number {
  const unit = tickStep(dom) / 10;
  return Number((Math.round(v / unit) * unit).toPrecision(12));
}

function pointIndex(target: EventTarget | null): number | undefined {
  const el = (target as Element | null)?.closest?.('[data-index]');
  return el ? Number(el.getAttribute('data-index')) : undefined;
}

function onPlotPointerDown(event: PointerEvent): void {
  if (event.button !== 0 || drag) return;
  const j = pointIndex(event.target);
  if (j !== undefined && event.shiftKey) {
    event.preventDefault();
    flip(j);
    return;
  }
  if (j !== undefined) {
    drag = { index: j, pointerId: event.pointerId, moved: false, added: false };
  } else {
    const at = dataAt(event);
    if (!at) return;
    const points = [...pageData.points, { x1: at[0], x2: at[1], y: (ui.newLabel.value === '0' ? 0 : 1) as 0 | 1 }];
    pageData = { ...pageData, points };
    drag = { index: points.length - 1, pointerId: event.pointerId, moved: true, added: true };
    renderPlotOnly();
  }
  event.preventDefault();
  ui.plot.setPointerCapture(event.pointerId);
}

function onPlotPointerMove(event: PointerEvent): void {
  if (!drag || event.pointerId !== drag.pointerId) return;
  const at = dataAt(event);
  if (!at) return;
  const p = pageData.points[drag.index];
  if (p.x1 === at[0] && p.x2 === at[1]) return;
  const points = pageData.points.map((q, j) => (j === drag!.index ? { ...q, x1: at[0], x2: at[1] } : q));
  pageData = { ...pageData, points };
  drag.moved = true;
  renderPlotOnly();
}

function onPlotPointerUp(event: PointerEvent): void {
  if (!drag || event.pointerId !== drag.pointerId) return;
  const { moved, index } = drag;
  drag = undefined;
  if (moved) edited(pageData.points);
  else (ui.plot.querySelector(`[data-index="${index}"]`) as SVGElement | null)?.focus();
}

/** Keys on a focused point: Space, Enter or F flips its label; the arrow keys move it (Shift: 5 steps); Delete removes it. */
function onPlotKey(event: KeyboardEvent): void {
  const j = pointIndex(event.target);
  if (j === undefined) return;
  const p = pageData.points[j];
  const [d1, d2] = pageData.domain;
  const steps = event.shiftKey ? 5 : 1;
  // within the plotted ranges, as a drag is
  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
  const move = (dx: number, dy: number) => {
    const x1 = clamp(snap(p.x1 + dx * steps * (tickStep(d1) / 10), d1), d1);
    const x2 = clamp(snap(p.x2 + dy * steps * (tickStep(d2) / 10), d2), d2);
    edited(pageData.points.map((q, i) => (i === j ? { ...q, x1, x2 } : q)), j);
  };
  switch (event.key) {
    case ' ':
    case 'Enter':
    case 'f':
    case 'F':
      flip(j);
      break;
    case 'ArrowLeft':
      move(-1, 0);
      break;
    case 'ArrowRight':
      move(1, 0);
      break;
    case 'ArrowUp':
      move(0, 1);
      break;
    case 'ArrowDown':
      move(0, -1);
      break;
    case 'Delete':
    case 'Backspace':
      if (pageData.points.length === 1) {
        showError(new InputError('the data needs at least one sample: add another before removing this one'));
        break;
      }
      edited(
        pageData.points.filter((_, i) => i !== j),
        Math.min(j, pageData.points.length - 2),
      );
      break;
    default:
      return;
  }
  event.preventDefault();
}

function flip(j: number): void {
  edited(pageData.points.map((q, i) => (i === j ? { ...q, y: (1 - q.y) as 0 | 1 } : q)), j);
}

/** The Add a point button: one at the middle of the plot with the chosen label, focused, to move with the arrow keys. */
function addPointByKeyboard(): void {
  const [d1, d2] = pageData.domain;
  const at: Point = { x1: snap((d1[0] + d1[1]) / 2, d1), x2: snap((d2[0] + d2[1]) / 2, d2), y: ui.newLabel.value === '0' ? 0 : 1 };
  edited([...pageData.points, at], pageData.points.length);
}

// ---- controls -------------------------------------------------------------------------------

function wireControls(): void {
  ui.step.addEventListener('click', step);
  ui.run.addEventListener('click', toggleRun);
  ui.reset.addEventListener('click', reset);
  for (const preset of Object.values(PRESETS)) $(`use-${preset.name}`).addEventListener('click', () => usePreset(preset));
  ui.csv.addEventListener('change', () => void upload());
  ui.addPoint.addEventListener('click', addPointByKeyboard);
  ui.plot.addEventListener('pointerdown', onPlotPointerDown);
  ui.plot.addEventListener('pointermove', onPlotPointerMove);
  ui.plot.addEventListener('pointerup', onPlotPointerUp);
  ui.plot.addEventListener('pointercancel', onPlotPointerUp);
  ui.plot.addEventListener('keydown', onPlotKey);
  ui.scrub.addEventListener('input', () => {
    const s = session;
    if (!s) return;
    stopRunning();
    const k = Number(ui.scrub.value);
    s.view = k >= s.iteration ? 'latest' : k;
    render();
  });
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

/** What the page shows for iteration k: the W and b it classified with, the step (z, s, y_pred, …), and the W and b after. */
interface View {
  readonly k: number;
  readonly step: TraceStep;
  readonly before: { readonly w1: number; readonly w2: number; readonly b: number };
  /** After iteration k's update (k ≥ 1). */
  readonly after?: { readonly w1: number; readonly w2: number; readonly b: number };
  /** Samples at a tie in iteration k's forward pass (see {@link TIE}). */
  readonly ties: ReadonlySet<number>;
}

function viewOf(s: Session): View {
  const k = viewed(s);
  const at = (i: number) => ({ w1: s.w1[i], w2: s.w2[i], b: s.b[i] });
  const before = at(Math.max(0, k - 1));
  const step = replay(s, k);
  const { x } = s.data.source.inMemory!;
  const m = x.cols;
  // the size of z's terms over the data (not per sample: at x = (0, 0), z is b alone, and a tie there is b ≈ 0)
  let scale = 0;
  for (let j = 0; j < m; j++) scale = Math.max(scale, Math.abs(before.w1 * x.data[j]) + Math.abs(before.w2 * x.data[m + j]) + Math.abs(before.b));
  const ties = new Set<number>();
  for (let j = 0; j < m; j++) if (Math.abs(step.z.data[j]) <= TIE * scale) ties.add(j);
  return { k, step, before, after: k >= 1 ? at(k) : undefined, ties };
}

function render(): void {
  const s = session;
  if (!s) return;
  const v = viewOf(s);
  const { name, source, featureNames, labelNames } = s.data;
  ui.dataName.textContent = `${name}: ${source.samples} samples, features ${featureNames.join(', ')}, label ${labelNames.join(', ')}`;
  renderState(s, v);
  renderScrubber(s, v);
  renderPlot(s, v);
  renderVerdict(s);
  renderChart(s, v);
  renderTable(s, v);
  renderTrace(s, v);
  document.body.dataset.tensors = String(tf.memory().numTensors);
}

/** While a point is dragged: the points move, the line stays the session's until the network retrains. */
function renderPlotOnly(): void {
  if (session) renderPlot(session, viewOf(session));
}

function renderState(s: Session, v: View): void {
  const W = v.after ?? v.before;
  const i = v.k - 1;
  const of = v.k < s.iteration ? ` of ${s.iteration}` : '';
  setOutput(ui.outIteration, `${v.k}${of}`, { value: String(v.k) });
  setOutput(ui.outW, formatMatrix(matrix(2, 1, Float64Array.of(W.w1, W.w2))), { w1: String(W.w1), w2: String(W.w2) });
  setOutput(ui.outB, String(W.b), { value: String(W.b) });
  setOutput(ui.outErrors, i < 0 ? '—' : `${s.errors[i]} of ${s.data.source.samples * s.data.source.outputs} (iteration ${v.k})`, {
    value: i < 0 ? '' : String(s.errors[i]),
    fewest: s.errors.length ? String(Math.min(...s.errors)) : '',
  });
  setOutput(ui.outLoss, i < 0 ? '—' : String(s.loss[i]), { value: i < 0 ? '' : String(s.loss[i]) });

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

function renderScrubber(s: Session, v: View): void {
  ui.scrub.max = String(s.iteration);
  ui.scrub.value = String(v.k);
  ui.scrub.disabled = s.iteration === 0;
  const text = s.iteration === 0 ? 'no iteration run yet' : `iteration ${v.k} of ${s.iteration}${v.k === s.iteration ? ' (the latest)' : ''}`;
  ui.scrub.setAttribute('aria-valuetext', text);
  ui.scrubText.textContent = text;
}

function setOutput(el: HTMLOutputElement, text: string, data: Record<string, string>): void {
  el.textContent = text;
  for (const [k, v] of Object.entries(data)) el.dataset[k] = v;
}

/**
 * Once the errors have not fallen for {@link STALL} iterations and are not 0: why, in words. When
 * no straight line separates the classes (XOR), the network, which draws one line, never can.
 */
function renderVerdict(s: Session): void {
  const n = s.errors.length;
  const fewest = n ? Math.min(...s.errors) : 0;
  const first = s.errors.indexOf(fewest) + 1;
  const stalled = n > 0 && fewest > 0 && n - first >= STALL;
  ui.verdict.dataset.state = stalled ? (s.separable ? 'stalled' : 'not-separable') : '';
  if (!stalled) {
    if (ui.verdict.textContent !== '') ui.verdict.textContent = '';
    return;
  }
  const m = s.data.source.samples;
  const head = `The errors have stopped falling: none fewer than ${fewest} of ${m} since iteration ${first}.`;
  const xor =
    s.page.preset === 'xor'
      ? ' In XOR, (0, 1) and (1, 0) are 1, and (0, 0) and (1, 1) are 0: a line with both 1s on its side always has a 0 there too.'
      : '';
  const text = s.separable
    ? `${head} A straight line does separate these points, so some W and b make 0 errors; this run has not found them (try more iterations or another learning rate).`
    : `${head} They never will: no straight line puts every ● (y = 1) on one side and every ■ (y = 0) on the other.${xor} ` +
      'This network has no hidden layer, so all it can draw is one straight line, W1·x1 + W2·x2 + b = 0, and say 1 on one side and 0 on the other. ' +
      'Data like this needs a hidden layer: several lines, combined.';
  // a live region: set only when it changes, so that it is announced once
  if (ui.verdict.textContent !== text) ui.verdict.textContent = text;
}

const PLOT = { size: 400, left: 46, right: 12, top: 12, bottom: 40 };

/** Where the line w1·x1 + w2·x2 + b = 0 crosses the plotted box, and the part of the box where it predicts 1. */
function cut(dom1: readonly [number, number], dom2: readonly [number, number], w1: number, w2: number, b: number): { region: [number, number][]; line: [number, number][] } {
  const f = (p: [number, number]) => w1 * p[0] + w2 * p[1] + b;
  const corners: [number, number][] = [[dom1[0], dom2[0]], [dom1[1], dom2[0]], [dom1[1], dom2[1]], [dom1[0], dom2[1]]];
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
  return { region, line };
}

function renderPlot(s: Session, v: View): void {
  // the page's points (they move while dragged); the line and the ties are the session's
  const points = pageData.points;
  const current = points === s.page.points;
  const m = points.length;
  const [dom1, dom2] = pageData.domain;
  const w = PLOT.size - PLOT.left - PLOT.right;
  const h = PLOT.size - PLOT.top - PLOT.bottom;
  const px = (x: number) => PLOT.left + ((x - dom1[0]) / (dom1[1] - dom1[0])) * w;
  const py = (x: number) => PLOT.top + h - ((x - dom2[0]) / (dom2[1] - dom2[0])) * h;
  const { w1, w2, b } = v.before;
  const { region, line } = cut(dom1, dom2, w1, w2, b);
  const parts: string[] = [`<desc id="plot-desc">${escapeHtml(plotDescription(s, v, line.length === 2))}</desc>`];
  for (const t of ticks(dom1)) parts.push(`<line class="grid" x1="${px(t)}" x2="${px(t)}" y1="${PLOT.top}" y2="${PLOT.top + h}"/><text class="tick" x="${px(t)}" y="${PLOT.top + h + 14}" text-anchor="middle">${fmtTick(t)}</text>`);
  for (const t of ticks(dom2)) parts.push(`<line class="grid" x1="${PLOT.left}" x2="${PLOT.left + w}" y1="${py(t)}" y2="${py(t)}"/><text class="tick" x="${PLOT.left - 5}" y="${py(t) + 4}" text-anchor="end">${fmtTick(t)}</text>`);
  if (region.length >= 3) parts.push(`<polygon class="region" points="${region.map((p) => `${px(p[0])},${py(p[1])}`).join(' ')}"/>`);
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${w}" height="${h}" class="axis frame"/>`);
  if (v.after) {
    const next = cut(dom1, dom2, v.after.w1, v.after.w2, v.after.b).line;
    if (next.length === 2) parts.push(`<line class="boundary-next" x1="${px(next[0][0])}" y1="${py(next[0][1])}" x2="${px(next[1][0])}" y2="${py(next[1][1])}"/>`);
  }
  if (line.length === 2) parts.push(`<line class="boundary" x1="${px(line[0][0])}" y1="${py(line[0][1])}" x2="${px(line[1][0])}" y2="${py(line[1][1])}"/>`);
  else {
    const everywhere = region.length === 4 ? 'every point here is predicted 1' : 'every point here is predicted 0';
    parts.push(
      `<text class="plot-note" x="${PLOT.left + 8}" y="${PLOT.top + 20}"><tspan>the line lies outside this view:</tspan>` +
        `<tspan x="${PLOT.left + 8}" dy="17">${everywhere}</tspan></text>`,
    );
  }
  const r = m > 200 ? 3 : m > 40 ? 4.5 : 7;
  const [n1, n2] = pageData.featureNames;
  points.forEach((p, j) => {
    const [cx, cy] = [px(p.x1), py(p.x2)];
    const tie = current && v.ties.has(j);
    const label =
      `sample ${j + 1}: ${n1} ${p.x1}, ${n2} ${p.x2}, ${pageData.labelName} = ${p.y}${tie ? ', at a tie (z is 0, s = 0.5)' : ''}. ` +
      'Space flips its label, the arrow keys move it, Delete removes it';
    const attrs = m <= FOCUSABLE_POINTS ? `data-index="${j}" tabindex="0" role="button" aria-label="${escapeHtml(label)}"` : `data-index="${j}"`;
    if (tie) parts.push(`<circle class="tie-ring" cx="${cx}" cy="${cy}" r="${r + 5}"/>`);
    parts.push(
      p.y === 1
        ? `<circle class="pt-one" cx="${cx}" cy="${cy}" r="${r}" ${attrs}/>`
        : `<rect class="pt-zero" x="${cx - r * 0.8}" y="${cy - r * 0.8}" width="${r * 1.6}" height="${r * 1.6}" ${attrs}/>`,
    );
  });
  const axisName = (name: string, article: string) => escapeHtml(name === article ? name : `${name} (${article})`);
  parts.push(`<text class="axis-label" x="${PLOT.left + w / 2}" y="${PLOT.size - 6}" text-anchor="middle">${axisName(n1, 'x1')}</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${PLOT.top + h / 2}) rotate(-90)" text-anchor="middle">${axisName(n2, 'x2')}</text>`);
  // the plot is redrawn whole: a focused point gets the focus back
  const active = pointIndex(document.activeElement);
  const refocus = focusPoint ?? (ui.plot.contains(document.activeElement) ? active : undefined);
  focusPoint = undefined;
  ui.plot.innerHTML = parts.join('');
  if (refocus !== undefined) (ui.plot.querySelector(`[data-index="${refocus}"]`) as SVGElement | null)?.focus();
  ui.lineEq.textContent = `${fmt(w1)}·x1 ${signed(w2)}·x2 ${signed(b)} = 0`;
}

function plotDescription(s: Session, v: View, visible: boolean): string {
  const ones = pageData.points.filter((p) => p.y === 1).length;
  const { w1, w2, b } = v.before;
  return (
    `${pageData.points.length} samples (${ones} labelled 1) of ${s.data.name}; ` +
    `${v.k === 0 ? 'starting' : `iteration ${v.k}'s`} decision line ${fmt(w1)}·x1 ${signed(w2)}·x2 ${signed(b)} = 0` +
    (visible ? '' : ', outside the plotted area') +
    (v.ties.size ? `; ${v.ties.size} sample${v.ties.size === 1 ? '' : 's'} at a tie (ringed)` : '')
  );
}

/** The data's range, padded by 30% (or ±1 when it is one value). */
function padded(values: readonly number[]): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const pad = hi > lo ? (hi - lo) * 0.3 : 1;
  return [lo - pad, hi + pad];
}

/** The spacing of about `count` round tick values across a range. */
function tickStep([lo, hi]: readonly [number, number], count = 5): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw) ?? raw;
}

/** About 5 round tick values across a range. */
function ticks(dom: readonly [number, number]): number[] {
  const stepSize = tickStep(dom);
  const out: number[] = [];
  for (let t = Math.ceil(dom[0] / stepSize) * stepSize; t <= dom[1] + 1e-12; t += stepSize) out.push(Math.abs(t) < stepSize / 1e6 ? 0 : t);
  return out;
}

const fmtTick = (t: number) => String(Number(t.toPrecision(6)));
const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
const signed = (v: number) => (v < 0 ? `− ${fmt(-v)}` : `+ ${fmt(v)}`);

const CHART = { width: 460, height: 190, left: 46, right: 12, top: 18, gap: 24, bottom: 24 };

function renderChart(s: Session, v: View): void {
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
  if (v.k >= 1) {
    // the iteration the scrubber shows
    const x = px(v.k).toFixed(1);
    parts.push(`<line class="cursor" x1="${x}" x2="${x}" y1="${CHART.top}" y2="${CHART.height - CHART.bottom}"/>`);
  }
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

function renderTable(s: Session, v: View): void {
  const { x, y } = s.data.source.inMemory!;
  const m = x.cols;
  // the shown samples first, then those at a tie (so that a tie is never hidden past the table's end)
  const rowsShown = [...Array.from({ length: Math.min(m, TABLE_ROWS) }, (_, j) => j), ...[...v.ties].filter((j) => j >= TABLE_ROWS).slice(0, TABLE_ROWS)];
  const [n1, n2] = s.data.featureNames;
  ui.samples.querySelector('#h-x1')!.textContent = n1;
  ui.samples.querySelector('#h-x2')!.textContent = n2;
  ui.samplesTitle.textContent = v.k === 0 ? 'Samples, with the initial W and b' : `Samples in iteration ${v.k} (W and b before its update)`;
  const { z, s: sig, y_pred } = v.step;
  const rows: string[] = [];
  for (const j of rowsShown) {
    const wrong = y_pred.data[j] !== y.data[j];
    const tie = v.ties.has(j);
    rows.push(
      `<tr${tie ? ' class="tie"' : ''}><td>${j + 1}</td><td>${x.data[j]}</td><td>${x.data[m + j]}</td><td>${y.data[j]}</td>` +
        `<td>${fmtZ(z.data[j])}</td><td>${sig.data[j].toFixed(4)}</td>` +
        `<td${wrong ? ' class="wrong"' : ''}>${y_pred.data[j]}${wrong ? ' ✗<span class="sr-only"> (wrong)</span>' : ''}${tie ? ' <span class="tie-mark">tie</span>' : ''}</td></tr>`,
    );
  }
  ui.samples.tBodies[0].innerHTML = rows.join('');
  ui.samplesMore.textContent = m > rowsShown.length ? `… and ${m - rowsShown.length} more (all are plotted).` : '';
  ui.tieNote.textContent = v.ties.size
    ? `tie: z is 0 but for float32 rounding (|z| ≤ ${TIE} of the largest |W1·x1| + |W2·x2| + |b| over the samples), so s = sigmoid(z) is 0.5, and the article's s >= 0.5 makes y_pred 1.`
    : '';
}

/** z to 4 significant digits; near 0, in full, so that a tie's rounding shows. */
const fmtZ = (z: number) => (Math.abs(z) < 1e-3 && z !== 0 ? z.toExponential(2) : fmt(z));

function renderTrace(s: Session, v: View): void {
  ui.trace.dataset.iteration = String(v.k);
  ui.traceTitle.textContent = v.k === s.iteration ? "Trace of the last iteration, in the article's notation" : `Trace of iteration ${v.k} of ${s.iteration}, in the article's notation`;
  if (v.k === 0) {
    ui.trace.textContent = 'No iteration yet: Step runs iteration 1 and shows it here.';
    ui.numpyCaption.textContent = "The article's numpy, line by line: Step runs iteration 1 and fills in its numbers.";
    ui.numpy.tBodies[0].innerHTML = '';
    return;
  }
  ui.trace.textContent = formatTraceStep(v.step);
  const { x, y } = s.data.source.inMemory!;
  const W = matrix(2, 1, Float64Array.of(v.before.w1, v.before.w2));
  ui.numpyCaption.textContent = `The article's numpy beside iteration ${v.k}'s numbers (W and b before its update; 7 significant digits, float32's precision)`;
  ui.numpy.tBodies[0].innerHTML = numpyLines(v.step, x, y, W, v.before.b, rateAt(s, v.k))
    .map((l) => `<tr><th scope="row"><code>${escapeHtml(l.code).replace('\n', '<br>')}</code></th><td><code>${escapeHtml(l.numbers)}</code></td></tr>`)
    .join('');
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
