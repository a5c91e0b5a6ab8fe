import { accessSync, constants } from 'node:fs';

/** Where the browser tests look for Chromium, after CHROME_PATH. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

/** How to get a browser, for the message when there is none. */
export const NO_CHROMIUM =
  `no Chromium found (CHROME_PATH unset or not executable; none of ${CHROMIUM_PATHS.join(', ')}): ` +
  'install it with `apt-get install chromium` (Debian), or set CHROME_PATH to a Chrome or Chromium binary';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** CHROME_PATH when it names an executable, else the first of {@link CHROMIUM_PATHS} that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROME_PATH) return executable(env.CHROME_PATH) ? env.CHROME_PATH : undefined;
  return CHROMIUM_PATHS.find(executable);
}

/**
 * Flags for headless Chromium here (puppeteer's `headless: true` adds `--headless=new`): no
 * sandbox (the tests run as root in CI), and WebGL on SwiftShader (no GPU: Chromium no longer falls back to software WebGL by itself),
 * so that the page's first choice, tfjs's webgl backend, is what runs.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'] as const;
