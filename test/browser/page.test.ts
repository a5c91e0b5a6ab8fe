import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { buildPage, servePage, type PageFiles } from '../../scripts/web';
import { parseCsvText } from '../../src/data/csv';
import { andGate, ARTICLE_INIT } from '../../src/data/dataset';
import { matrix } from '../../src/matrix';
import { createNetwork } from '../../src/network/create';
import { formatTraceStep } from '../../src/trace-format';
import { train } from '../../src/training';
import { CHROMIUM_ARGS, findChromium, NO_CHROMIUM } from './chromium';

// What runs inside the page uses the browser's globals; these tests compile without the DOM's
// declarations (the root tsconfig's lib is ES2022), so they are declared loosely here.
declare const document: any;
declare const getComputedStyle: any;
declare const crossOriginIsolated: boolean;
declare const Event: any;
declare const DOMPoint: any;

/** numpy's (float64) result for the article's AND example; the page computes in float32. */
const ARTICLE = { W: [0.049999999999999954, 0.050000000000000024], b: -0.07499999999999982 };
const ARTIFACTS = join(__dirname, 'artifacts');
const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

interface OpenPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions, failed requests and HTTP errors seen so far. */
  readonly problems: string[];
}

describe('the page, in headless Chromium', function () {
  let browser: Browser | undefined;
  let files: PageFiles;
  const servers: Server[] = [];
  let url: string;
  const pages: Page[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'simple-nn-web-'));

  before(async function () {
    const chrome = findChromium();
    if (!chrome) {
      if (process.env.REQUIRE_BROWSER === '1') throw new Error(`${NO_CHROMIUM} (REQUIRE_BROWSER=1: the browser tests must run)`);
      console.log(`    browser tests skipped: ${NO_CHROMIUM}`);
      this.skip();
    }
    files = await buildPage();
    url = await serve();
    browser = await puppeteer.launch({ executablePath: chrome, headless: true, args: [...CHROMIUM_ARGS] });
  });

  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function serve(options?: { isolated?: boolean }): Promise<string> {
    const { server, url: served } = await servePage(files, 0, options);
    servers.push(server);
    return served;
  }

  /** The page at 1280×800, ready (its backend started), with its problems collected. */
  async function open(query = '', base = url): Promise<OpenPage> {
    const page = await browser!.newPage();
    pages.push(page);
    await page.setViewport({ width: 1280, height: 800 });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err instanceof Error ? err.message : String(err)}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(base + query, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    expect(await attr(page, 'body', 'ready'), `the page started (${await text(page, '#message')})`).to.equal('true');
    return { page, problems };
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent as string);
  const attr = (page: Page, selector: string, key: string) => page.$eval(selector, (el, k) => el.dataset[k as string] as string, key);

  /** Runs to the Iterations control's count at the fastest speed; resolves when the page says done. */
  async function runToEnd(page: Page): Promise<void> {
    await page.select('#speed', '100');
    await page.click('#run');
    await page.waitForSelector('#status[data-state="done"], #status[data-state="diverged"]', { timeout: 120_000 });
    expect(await attr(page, '#status', 'state'), await text(page, '#message')).to.equal('done');
  }

  async function weightsAndBias(page: Page): Promise<{ W: number[]; b: number }> {
    return {
      W: [Number(await attr(page, '#out-w', 'w1')), Number(await attr(page, '#out-w', 'w2'))],
      b: Number(await attr(page, '#out-b', 'value')),
    };
  }

  function expectArticle({ W, b }: { W: number[]; b: number }): void {
    expect(W[0]).to.be.closeTo(ARTICLE.W[0], 1e-6);
    expect(W[1]).to.be.closeTo(ARTICLE.W[1], 1e-6);
    expect(b).to.be.closeTo(ARTICLE.b, 1e-6);
  }

  async function upload(page: Page, name: string, content: string): Promise<void> {
    const path = join(tmp, name);
    writeFileSync(path, content);
    const input = (await page.$('#csv')) as ElementHandle<any>;
    const before = await text(page, '#data-name');
    await input.uploadFile(path);
    // the page reads the file asynchronously: wait for a message or for the data to change
    await page.waitForFunction(
      (old: string) => document.querySelector('#message').textContent !== '' || document.querySelector('#data-name').textContent !== old,
      { timeout: 10_000 },
      before,
    );
  }

  it('loads with no console errors, says which backend runs, and labels every control', async () => {
    const { page, problems } = await open();
    expect(['webgl', 'wasm', 'cpu']).to.include(await attr(page, '#backend', 'backend'));
    expect(await text(page, '#backend')).to.match(/TensorFlow\.js backend: (webgl|wasm|cpu) \(tfjs ops, float32\)/);
    expect(await page.evaluate(() => crossOriginIsolated), 'served with COOP + COEP').to.equal(true);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')].filter((el: any) => el.labels.length === 0).map((el: any) => el.id),
    );
    expect(unlabelled, 'controls without a <label>').to.deep.equal([]);
    const buttons = await page.$$eval('button', (els) => els.map((el) => (el.textContent as string).trim()));
    expect(buttons).to.include.members(['Step', 'Run', 'Reset']);
    expect(await page.$eval('#message', (el) => el.getAttribute('role'))).to.equal('alert');
    expect(await text(page, '#line-eq')).to.equal('0.4·x1 + 0.2·x2 + 1 = 0');
    expect(await page.$$eval('#plot circle.pt-one', (els) => els.length), 'one sample labelled 1').to.equal(1);
    expect(await page.$$eval('#plot rect.pt-zero', (els) => els.length), 'three samples labelled 0').to.equal(3);
    // the article's starting line 0.4·x1 + 0.2·x2 + 1 = 0 passes far from the samples: all are predicted 1
    expect(await page.$$eval('#plot line.boundary', (els) => els.length), 'no decision line in the plotted area').to.equal(0);
    expect(await text(page, '#plot .plot-note')).to.equal('the line lies outside this view:every point here is predicted 1');
    expect(problems).to.deep.equal([]);
  });

  it("Run: 1000 iterations on the AND gate reach the article's W and b (within 1e-6), and saves a screenshot", async () => {
    const { page, problems } = await open();
    await runToEnd(page);
    expect(await attr(page, '#out-iteration', 'value')).to.equal('1000');
    expectArticle(await weightsAndBias(page));
    expect(await page.$$eval('#plot line.boundary', (els) => els.length), 'the line moved into the plot').to.equal(1);
    expect(await text(page, '#line-eq')).to.equal('0.05·x1 + 0.05·x2 − 0.075 = 0');
    expect(await attr(page, '#out-errors', 'value'), 'no error left').to.equal('0');
    expect(await page.$$eval('#chart polyline', (els) => els.length), 'errors and loss drawn').to.equal(2);
    expect(await text(page, '#trace')).to.match(/^iteration 1000\n {2}z = Wᵀ·x \+ b /);
    expect(await text(page, '#run')).to.equal('Run');
    expect(await page.$eval('#run', (el) => el.disabled), 'nothing left to run').to.equal(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'page.png') as `${string}.png` });
    expect(problems).to.deep.equal([]);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`Run on ${backend} (?backend=${backend}) reaches the article's W and b too`, async () => {
      const { page, problems } = await open(`?backend=${backend}`);
      expect(await attr(page, '#backend', 'backend')).to.equal(backend);
      await runToEnd(page);
      expectArticle(await weightsAndBias(page));
      expect(problems).to.deep.equal([]);
    });
  }

  it("Step: one iteration at a time, traced in the article's notation as the plain network traces it", async () => {
    const expected: string[] = [];
    const plain = createNetwork('plain', { W: matrix(2, 1, Float64Array.from(ARTICLE_INIT.weights)), b: ARTICLE_INIT.bias });
    train(plain, andGate().source, { a: 0.1, iterations: 2, trace: () => true, onTrace: (step) => expected.push(formatTraceStep(step)) });

    const { page, problems } = await open();
    expect(await attr(page, '#trace', 'iteration')).to.equal('0');
    await page.click('#step');
    await page.waitForSelector('#trace[data-iteration="1"]');
    const first = await text(page, '#trace');
    expectTraceClose(first, expected[0]);
    expect(first).to.match(/z = Wᵀ·x \+ b\s+\[\[1, 1\.399999\d*, 1\.2000000\d*, 1\.600000\d*\]\]/);
    expect(await attr(page, '#out-iteration', 'value')).to.equal('1');
    await page.click('#step');
    await page.waitForSelector('#trace[data-iteration="2"]');
    const second = await text(page, '#trace');
    expectTraceClose(second, expected[1]);
    const line = (trace: string, name: string) => trace.split('\n').find((l) => l.trimStart().startsWith(name));
    expect(line(second, 'z ='), 'z changed').to.not.equal(line(first, 'z ='));
    expect(line(second, 's ='), 's changed').to.not.equal(line(first, 's ='));
    expect(await attr(page, '#out-iteration', 'value')).to.equal('2');
    expect(await attr(page, '#status', 'state')).to.equal('paused');
    // Reset: back to iteration 0 and the article's start, without leaking tensors
    const tensors = await attr(page, 'body', 'tensors');
    await page.click('#reset');
    expect(await attr(page, '#out-iteration', 'value')).to.equal('0');
    expect(await attr(page, '#out-w', 'w1')).to.equal(String(Math.fround(0.4)));
    expect(await attr(page, 'body', 'tensors'), 'tensors held after a reset').to.equal(tensors);
    expect(problems).to.deep.equal([]);
  });

  it('is keyboard operable: Tab moves focus with a visible outline, Space on Step steps', async () => {
    const { page, problems } = await open();
    await page.focus('#lr');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id)).to.equal('iterations');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    expect(outline, 'focus is visible').to.not.equal('none');
    await page.focus('#step');
    await page.keyboard.press('Space');
    await page.waitForSelector('#trace[data-iteration="1"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#trace[data-iteration="2"]');
    expect(problems).to.deep.equal([]);
  });

  it('a bad control value is refused with a message naming it; divergence stops the run until Reset', async () => {
    const { page, problems } = await open();
    const setValue = (selector: string, value: string) =>
      page.$eval(
        selector,
        (el, v) => {
          el.value = v;
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
        },
        value,
      );
    await setValue('#lr', '-1');
    await page.click('#step');
    expect(await text(page, '#message')).to.equal('the learning rate a must be a finite number > 0, got -1');
    expect(await page.$eval('#lr', (el) => el.getAttribute('aria-invalid'))).to.equal('true');
    expect(await attr(page, '#out-iteration', 'value'), 'no iteration ran').to.equal('0');
    // float32 overflows: W is no longer finite after the first update
    await setValue('#lr', '1e39');
    await page.click('#step');
    expect(await text(page, '#message')).to.match(/^training diverged at iteration 1: W is no longer finite; lower the learning rate a or scale the features$/);
    expect(await attr(page, '#status', 'state')).to.equal('diverged');
    expect(await page.$eval('#step', (el) => el.disabled)).to.equal(true);
    await setValue('#lr', '0.1');
    await page.click('#reset');
    expect(await attr(page, '#status', 'state')).to.equal('ready');
    expect(await text(page, '#message')).to.equal('');
    expect(problems).to.deep.equal([]);
  });

  it("a bad CSV upload shows the CLI's one-line message (role=alert) and keeps the data", async () => {
    const csv = 'x1,x2,y\n0,0,0\n1,abc,1\n';
    let expected = '';
    try {
      parseCsvText('bad.csv', csv);
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(expected).to.match(/^bad\.csv: line 3/);
    const { page, problems } = await open();
    await upload(page, 'bad.csv', csv);
    const message = await text(page, '#message');
    expect(message).to.equal(expected);
    expect(message).to.not.include('\n');
    expect(await text(page, '#data-name')).to.equal("the article's AND gate: 4 samples, features x1, x2, label y");
    // a CSV with the wrong number of features is refused too, in the same place
    await upload(page, 'three.csv', 'a,b,c,y\n0,0,0,0\n1,1,1,1\n');
    expect(await text(page, '#message')).to.match(/^three\.csv: has 3 feature columns \(a, b, c\)/);
    expect(problems).to.deep.equal([]);
  });

  it('a good 2-feature CSV replaces the data and trains on it; no cross-origin isolation needed (static hosting)', async () => {
    const plainUrl = await serve({ isolated: false });
    const { page, problems } = await open('?backend=wasm', plainUrl);
    expect(await page.evaluate(() => crossOriginIsolated), 'served without COOP + COEP').to.equal(false);
    expect(await page.evaluate('typeof SharedArrayBuffer'), 'so no SharedArrayBuffer: the loaders fall back to ArrayBuffer').to.equal('undefined');
    await upload(page, 'or.csv', 'p,q,label\n0,0,0\n1,0,1\n0,1,1\n1,1,1\n');
    expect(await text(page, '#message')).to.equal('');
    expect(await text(page, '#data-name')).to.equal('or.csv: 4 samples, features p, q, label label');
    expect(await page.$$eval('#plot circle.pt-one', (els) => els.length)).to.equal(3);
    expect(await page.$$eval('#samples tbody tr', (els) => els.length)).to.equal(4);
    await page.$eval('#iterations', (el) => {
      el.value = '200';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await runToEnd(page);
    expect(await attr(page, '#out-errors', 'value'), 'OR learnt').to.equal('0');
    expect(problems).to.deep.equal([]);
  });

  /** Iterations control set to n (as typed). */
  async function setIterations(page: Page, n: number): Promise<void> {
    await page.$eval(
      '#iterations',
      (el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      n,
    );
  }

  /** Where data point (x1, x2) is on the screen, from the plot's own axes (ticks at 0 and 1 on the presets). */
  async function screenAt(page: Page, x1: number, x2: number): Promise<{ x: number; y: number }> {
    return page.evaluate(
      (a: number, b: number) => {
        const svg = document.querySelector('#plot');
        const ticks = [...svg.querySelectorAll('text.tick')].map((t: any) => ({ v: Number(t.textContent), x: Number(t.getAttribute('x')), y: Number(t.getAttribute('y')) }));
        // x ticks are centred below the axes, y ticks end left of them
        const xt = ticks.filter((t) => svg.querySelector(`text.tick[x="${t.x}"][text-anchor="middle"]`));
        const yt = ticks.filter((t) => !xt.includes(t));
        const [x0, x1t] = [xt.find((t) => t.v === 0)!, xt.find((t) => t.v === 1)!];
        const [y0, y1t] = [yt.find((t) => t.v === 0)!, yt.find((t) => t.v === 1)!];
        const sx = x0.x + a * (x1t.x - x0.x);
        const sy = y0.y - 4 + b * (y1t.y - y0.y);
        const p = new DOMPoint(sx, sy).matrixTransform(svg.getScreenCTM());
        return { x: p.x, y: p.y };
      },
      x1,
      x2,
    );
  }

  const count = (page: Page, selector: string) => page.$$eval(selector, (els) => els.length);

  it('preset XOR never reaches 0 errors, and the page says why once they stop falling; AND, OR and NAND reach 0', async () => {
    const { page, problems } = await open();
    await page.click('#use-xor');
    expect(await text(page, '#data-name')).to.equal('the XOR gate: 4 samples, features x1, x2, label y');
    expect(await count(page, '#plot circle.pt-one')).to.equal(2);
    expect(await text(page, '#verdict'), 'nothing said before training').to.equal('');
    await runToEnd(page);
    expect(await attr(page, '#out-iteration', 'value')).to.equal('1000');
    expect(Number(await attr(page, '#out-errors', 'fewest')), 'the fewest errors over all 1000 iterations').to.be.greaterThan(0);
    expect(await attr(page, '#verdict', 'state')).to.equal('not-separable');
    const verdict = await text(page, '#verdict');
    expect(verdict).to.match(/^The errors have stopped falling: none fewer than [12] of 4 since iteration \d+\. They never will: no straight line puts every ● \(y = 1\) on one side and every ■ \(y = 0\) on the other\./);
    expect(verdict).to.include('In XOR, (0, 1) and (1, 0) are 1, and (0, 0) and (1, 1) are 0');
    expect(verdict).to.include('This network has no hidden layer');
    expect(await page.$eval('#verdict', (el) => el.getAttribute('role'))).to.equal('status');
    // the separable gates need far fewer iterations (in plain float64 the last error is at iteration 25 for AND, 40 for OR, 22 for NAND)
    await setIterations(page, 100);
    for (const gate of ['and', 'or', 'nand']) {
      await page.click(`#use-${gate}`);
      expect(await text(page, '#verdict'), `${gate}: reset clears it`).to.equal('');
      await runToEnd(page);
      expect(await attr(page, '#out-errors', 'value'), `${gate} learnt`).to.equal('0');
      expect(await attr(page, '#verdict', 'state'), gate).to.equal('');
    }
    expect(problems).to.deep.equal([]);
  });

  it('a click on the plot adds a sample and retrains from the initial W and b; shift-click flips it, drag moves it, keys do both', async () => {
    const { page, problems } = await open();
    await setIterations(page, 200);
    const at = await screenAt(page, 0.5, 0.5);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await count(page, '#plot [data-index]'), 'five samples plotted').to.equal(5);
    expect(await count(page, '#plot circle.pt-one'), 'the new one labelled 1 (the default)').to.equal(2);
    expect(await text(page, '#data-name')).to.equal("the article's AND gate (edited): 5 samples, features x1, x2, label y");
    expect(await page.$eval('#plot [data-index="4"]', (el) => el.getAttribute('aria-label'))).to.match(/^sample 5: x1 0\.5, x2 0\.5, y = 1/);
    expect(await count(page, '#samples tbody tr')).to.equal(5);
    expect(await attr(page, '#out-iteration', 'value'), 'retrained up to Iterations').to.equal('200');
    // the scrubber at 0: the initial W and b again (a retrain starts from them, not from where the last run ended)
    await page.focus('#scrub');
    await page.keyboard.press('Home');
    expect(await attr(page, '#out-w', 'w1')).to.equal(String(Math.fround(0.4)));
    expect(await attr(page, '#out-b', 'value')).to.equal('1');

    // shift-click flips the new sample's label
    await page.keyboard.down('Shift');
    await page.mouse.click(at.x, at.y);
    await page.keyboard.up('Shift');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await count(page, '#plot circle.pt-one')).to.equal(1);
    expect(await count(page, '#plot rect.pt-zero')).to.equal(4);

    // drag moves it
    const to = await screenAt(page, 0.5, 0.25);
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await page.$eval('#plot [data-index="4"]', (el) => el.getAttribute('aria-label'))).to.match(/^sample 5: x1 0\.5, x2 0\.25, y = 0/);
    expect(await count(page, '#plot [data-index]')).to.equal(5);

    // keys on the focused sample: Space flips, ArrowRight moves (by a tenth of the tick spacing, 0.05), Delete removes; the focus stays on it
    // Tab reaches the samples, in order, after the controls
    await page.focus('#csv');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-index')), 'Tab after the controls').to.equal('0');
    await page.$eval('#plot [data-index="4"]', (el) => el.focus());
    await page.keyboard.press('Space');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-index'))).to.equal('4');
    expect(await page.$eval('#plot [data-index="4"]', (el) => el.getAttribute('aria-label'))).to.match(/^sample 5: x1 0\.5, x2 0\.25, y = 1/);
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await page.$eval('#plot [data-index="4"]', (el) => el.getAttribute('aria-label'))).to.match(/^sample 5: x1 0\.55, x2 0\.25, y = 1/);
    await page.keyboard.press('Delete');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await count(page, '#plot [data-index]')).to.equal(4);
    // Add a point (keyboard): at the middle of the plot, focused
    await page.select('#new-label', '0');
    await page.click('#add-point');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await count(page, '#plot rect.pt-zero')).to.equal(4);
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-index'))).to.equal('4');
    expect(problems).to.deep.equal([]);
  });

  it('the scrubber (arrow keys) shows an earlier iteration: the ties at 13, 15, 17–20, 22 and 24 of the AND gate, the trace as plain gives it', async () => {
    const expected = new Map<number, string>();
    const plain = createNetwork('plain', { W: matrix(2, 1, Float64Array.from(ARTICLE_INIT.weights)), b: ARTICLE_INIT.bias });
    train(plain, andGate().source, { a: 0.1, iterations: 30, trace: () => true, onTrace: (step) => expected.set(step.iteration, formatTraceStep(step)) });

    const { page, problems } = await open();
    await setIterations(page, 30);
    await runToEnd(page);
    const tensors = await attr(page, 'body', 'tensors');
    expect(await page.$eval('#scrub', (el) => [el.min, el.max, el.value, el.disabled])).to.deep.equal(['0', '30', '30', false]);
    await page.focus('#scrub');
    await page.keyboard.press('Home');
    expect(await attr(page, '#trace', 'iteration')).to.equal('0');
    const tied: number[] = [];
    for (let k = 1; k <= 30; k++) {
      await page.keyboard.press('ArrowRight');
      expect(await attr(page, '#trace', 'iteration')).to.equal(String(k));
      expect(await attr(page, '#out-iteration', 'value')).to.equal(String(k));
      expectTraceClose(await text(page, '#trace'), expected.get(k)!);
      const rings = await count(page, '#plot .tie-ring');
      expect(await count(page, '#samples tbody tr.tie'), `iteration ${k}: the table and the plot mark the same ties`).to.equal(rings);
      if (rings > 0) tied.push(k);
    }
    expect(tied).to.deep.equal([13, 15, 17, 18, 19, 20, 22, 24]);
    // Page Down moves further than one iteration; End goes back to the latest
    await page.keyboard.press('PageDown');
    expect(Number(await attr(page, '#trace', 'iteration'))).to.be.lessThan(29);
    await page.keyboard.press('End');
    expect(await attr(page, '#trace', 'iteration')).to.equal('30');

    // iteration 13: the third sample (x = (0, 1), y = 0) is at a tie, s = 0.5, classed 1
    for (let k = 30; k > 13; k--) await page.keyboard.press('ArrowLeft');
    expect(await page.$eval('#scrub', (el) => el.getAttribute('aria-valuetext'))).to.equal('iteration 13 of 30');
    expect(await text(page, '#trace')).to.match(/^iteration 13\n/);
    const row = await page.$$eval('#samples tbody tr.tie td', (tds) => tds.map((td) => (td.textContent as string).trim()));
    expect(row.slice(0, 4)).to.deep.equal(['3', '0', '1', '0']);
    expect(Math.abs(Number(row[4])), 'z is 0 but for float32 rounding').to.be.lessThan(1e-6);
    expect(row[5]).to.equal('0.5000');
    expect(row[6]).to.match(/^1 ✗ \(wrong\) tie$/);
    expect(await text(page, '#tie-note')).to.match(/^tie: z is 0 but for float32 rounding/);
    expect(await text(page, '#table-title')).to.equal('Samples in iteration 13 (W and b before its update)');
    expect(await attr(page, '#out-errors', 'value')).to.equal('3');
    expect(await page.$eval('#plot desc', (el) => el.textContent)).to.include('1 sample at a tie (ringed)');
    expect(await count(page, '#chart line.cursor'), 'the chart marks the iteration').to.equal(1);
    expect(await attr(page, 'body', 'tensors'), 'replaying iterations holds no tensor').to.equal(tensors);
    // Step goes back to the latest and runs on
    await setIterations(page, 31);
    await page.click('#step');
    await page.waitForSelector('#trace[data-iteration="31"]');
    expect(problems).to.deep.equal([]);
  });

  it("beside the trace, the article's numpy lines with the iteration's numbers; a replayed iteration is the stepped one, digit for digit", async () => {
    const { page, problems } = await open();
    await page.click('#step');
    await page.waitForSelector('#trace[data-iteration="1"]');
    const first = await text(page, '#trace');
    // float32's sigmoid: 0.7310585 where float64 rounds to 0.7310586
    const rows = await page.$$eval('#numpy tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th').innerText, tr.querySelector('td').innerText]));
    expect(rows).to.deep.equal([
      ['z = np.dot ( W.T , x ) + b', 'z = np.dot([[0.4, 0.2]], [[0, 1, 0, 1], [0, 0, 1, 1]]) + 1 = [[1, 1.4, 1.2, 1.6]]'],
      ['s = 1 / ( 1 + np.exp(-z) )', 's = 1 / (1 + np.exp(-[[1, 1.4, 1.2, 1.6]])) = [[0.7310585, 0.8021838, 0.7685248, 0.8320184]]'],
      ["s = s >= 0.5\ny_pred = np.array( s, dtype = 'int64' )", 'y_pred = [[0.7310585, 0.8021838, 0.7685248, 0.8320184]] >= 0.5 = [[1, 1, 1, 1]]'],
      ['m = x.shape[1]', 'm = 4'],
      ['dW = np.dot( x, (y_pred - y).T ) / m', 'dW = np.dot([[0, 1, 0, 1], [0, 0, 1, 1]], ([[1, 1, 1, 1]] - [[0, 0, 0, 1]]).T) / 4 = [[0.25], [0.25]]'],
      ['db = np.sum( y_pred - y ) / m', 'db = np.sum([[1, 1, 1, 1]] - [[0, 0, 0, 1]]) / 4 = 0.75'],
      ['W = W - a * dW', 'W = [[0.4], [0.2]] - 0.1 * [[0.25], [0.25]] = [[0.375], [0.175]]'],
      ['b = b - a * db', 'b = 1 - 0.1 * 0.75 = 0.925'],
    ]);
    await page.click('#step');
    await page.waitForSelector('#trace[data-iteration="2"]');
    await page.focus('#scrub');
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#trace[data-iteration="1"]');
    expect(await text(page, '#trace')).to.equal(first);
    expect(await text(page, '#numpy caption')).to.equal("The article's numpy beside iteration 1's numbers (W and b before its update; 7 significant digits, float32's precision)");
    expect(problems).to.deep.equal([]);
  });
});

/** The page's trace and the expected one agree line by line: the same words, every number within 1e-6. */
function expectTraceClose(actual: string, expected: string): void {
  const got = actual.trimEnd().split('\n');
  const want = expected.trimEnd().split('\n');
  expect(got.length, actual).to.equal(want.length);
  got.forEach((line, i) => {
    expect(line.replace(NUMBER, '#'), 'the trace line').to.equal(want[i].replace(NUMBER, '#'));
    const [a, b] = [line.match(NUMBER) ?? [], want[i].match(NUMBER) ?? []].map((m) => m.map(Number));
    a.forEach((v, k) => expect(v, `${line} vs ${want[i]}`).to.be.closeTo(b[k], 1e-6));
  });
}
