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
