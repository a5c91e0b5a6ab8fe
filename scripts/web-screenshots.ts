/**
 * The page's screenshots in docs/, made by driving the page in headless Chromium as its tests do:
 *
 *   npx ts-node scripts/web-screenshots.ts    # writes docs/web-page.png, web-xor.png, web-scrubber.png, web-edit.png
 *
 * Each is clipped to the part of the page it shows, at 1× scale, to keep the PNGs small.
 */
import { join, resolve } from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium, NO_CHROMIUM } from '../test/browser/chromium';
import { buildPage, servePage } from './web';

const DOCS = resolve(__dirname, '..', 'docs');

// What runs inside the page uses the browser's globals (the root tsconfig has no DOM declarations).
declare const document: any;
declare const DOMPoint: any;

async function main(): Promise<void> {
  const chrome = findChromium();
  if (!chrome) throw new Error(NO_CHROMIUM);
  const { server, url } = await servePage(await buildPage(), 0);
  const browser = await puppeteer.launch({ executablePath: chrome, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1100 });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.select('#speed', '100');

    // the whole page at 1280×800 after 1000 iterations of the article's AND gate
    await page.setViewport({ width: 1280, height: 800 });
    await runToEnd(page);
    await shot(page, 'web-page.png', ['body'], { x: 0, y: 0, width: 1280, height: 800 });
    await page.setViewport({ width: 1280, height: 1100 });

    // XOR after 1000 iterations: the line cannot separate it, and the page says so
    await page.click('#use-xor');
    await runToEnd(page);
    // scrubbed back to the first iteration with the fewest errors: the best line this run drew still has one wrong
    const verdict = (await page.$eval('#verdict', (el) => el.textContent)) as string;
    const best = Number(/since iteration (\d+)/.exec(verdict)?.[1]);
    if (!Number.isInteger(best)) throw new Error(`the page did not say when the errors stopped falling: ${verdict}`);
    await scrubTo(page, best);
    await shot(page, 'web-xor.png', ['.plot', '.side']);

    // the AND gate, scrubbed back to iteration 13: the tie ringed on the plot and marked in the table; the numpy lines
    await page.click('#use-and');
    await runToEnd(page);
    await scrubTo(page, 13);
    await shot(page, 'web-scrubber.png', ['.plot', '.side', '.trace']);

    // the AND gate with two points added by clicks and one flipped: retrained from the initial W and b
    await page.click('#use-and');
    for (const [x1, x2] of [[0.5, 1], [1, 0.5]] as const) {
      await clickAt(page, x1, x2);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
    }
    await shot(page, 'web-edit.png', ['.controls', '.plot']);
  } finally {
    await browser.close();
    server.close();
  }
}

/** The scrubber moved to iteration k with the keyboard, as a student would. */
async function scrubTo(page: Page, k: number): Promise<void> {
  await page.focus('#scrub');
  await page.keyboard.press('Home');
  for (let i = 0; i < k; i++) await page.keyboard.press('ArrowRight');
}

async function runToEnd(page: Page): Promise<void> {
  await page.click('#run');
  await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
}

/** A click at data point (x1, x2), from the plot's own tick positions. */
async function clickAt(page: Page, x1: number, x2: number): Promise<void> {
  const at = await page.evaluate(
    (a: number, b: number) => {
      const svg = document.querySelector('#plot');
      const ticks = [...svg.querySelectorAll('text.tick')].map((t: any) => ({
        v: Number(t.textContent),
        x: Number(t.getAttribute('x')),
        y: Number(t.getAttribute('y')),
        middle: t.getAttribute('text-anchor') === 'middle',
      }));
      const tick = (v: number, middle: boolean) => ticks.find((t) => t.v === v && t.middle === middle)!;
      const sx = tick(0, true).x + a * (tick(1, true).x - tick(0, true).x);
      const sy = tick(0, false).y - 4 + b * (tick(1, false).y - tick(0, false).y);
      const p = new DOMPoint(sx, sy).matrixTransform(svg.getScreenCTM());
      return { x: p.x, y: p.y };
    },
    x1,
    x2,
  );
  await page.mouse.click(at.x, at.y);
}

/** A screenshot of the box around the given parts of the page. */
async function shot(page: Page, name: string, selectors: readonly string[], box?: { x: number; y: number; width: number; height: number }): Promise<void> {
  const path = join(DOCS, name) as `${string}.png`;
  if (box) {
    await page.screenshot({ path, clip: box });
    console.log(`wrote ${path}`);
    return;
  }
  const boxes = await Promise.all(selectors.map(async (s) => (await page.$(s))!.boundingBox()));
  const xs = boxes.flatMap((b) => [b!.x, b!.x + b!.width]);
  const ys = boxes.flatMap((b) => [b!.y, b!.y + b!.height]);
  const pad = 8;
  const clip = { x: Math.max(0, Math.min(...xs) - pad), y: Math.max(0, Math.min(...ys) - pad), width: 0, height: 0 };
  clip.width = Math.max(...xs) + pad - clip.x;
  clip.height = Math.max(...ys) + pad - clip.y;
  await page.screenshot({ path, clip, captureBeyondViewport: true });
  console.log(`wrote ${path}`);
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
