/**
 * The article, visible: builds the page in web/ with esbuild and serves it on 127.0.0.1, or writes
 * it to a folder.
 *
 *   npm run web                      # build, serve on a free port, print the URL (Ctrl-C stops)
 *   npm run web -- --port 8080       # the same on a chosen port
 *   npm run web -- --out DIR         # write the static files to DIR instead
 *
 * The page bundles the project's own src/ (the network, the training loop, the trace format, the
 * CSV checks) with TensorFlow.js's browser backends. Some src modules import Node builtins at top
 * level for code paths the page never runs (the fused kernels' worker threads, file reading):
 * those imports are given stand-ins here (see {@link nodeBuiltinStub}).
 */
import { builtinModules } from 'node:module';
import { createServer, type Server } from 'node:http';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { checkOutputFolder } from '../src/cli/outputs';
import { runScript, signalStatus, type Io } from '../src/cli/run';
import { InputError } from '../src/errors';
import { writeFilesAtomic } from '../src/io/atomic';

const ROOT = resolve(__dirname, '..');
const WEB = join(ROOT, 'web');
const SRC = join(ROOT, 'src');
const WASM_DIST = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const CSV_PARSE = join(ROOT, 'node_modules', 'csv-parse');

/** The page's files, by name (flat: index.html, main.js, style.css, the tfjs wasm binaries). */
export type PageFiles = Map<string, Uint8Array>;

/**
 * Headers every response carries. COOP + COEP make the page cross-origin isolated, so that it has
 * SharedArrayBuffer (the data loaders' shared memory; tfjs's wasm backend uses it for threads).
 * The page also works without them (src/matrix.ts falls back to a plain ArrayBuffer, and the
 * wasm backend to one thread), as when the `--out` files are put on a host that cannot set headers.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/** Builds the page: web/main.ts bundled (with src/ and tfjs) to main.js, beside web/'s static files and tfjs's wasm binaries. */
export async function buildPage(): Promise<PageFiles> {
  const result = await build({
    entryPoints: [join(WEB, 'main.ts')],
    bundle: true,
    write: false,
    outdir: '/',
    entryNames: 'main',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    // src/kernels/wasm/module.ts names its .wasm file from __dirname at load (the page never reads it)
    define: { __dirname: JSON.stringify('/'), 'process.env.NODE_ENV': JSON.stringify('production') },
    plugins: [nodeBuiltinsForSrc(), csvParseForBrowsers()],
  });
  const files: PageFiles = new Map();
  for (const file of result.outputFiles) files.set(file.path.replace(/^\/+/, ''), file.contents);
  for (const name of ['index.html', 'style.css']) files.set(name, readFileSync(join(WEB, name)));
  for (const name of readdirSync(WASM_DIST).filter((n) => n.endsWith('.wasm'))) files.set(name, readFileSync(join(WASM_DIST, name)));
  return files;
}

/** Written beside the page's files: a folder that has it holds an earlier `web --out`, whose files may be replaced. */
const MARK = '.simple-nn-page';

/**
 * Writes the page's files to `dir` (made if missing), all or none ({@link writeFilesAtomic}); returns
 * their names. Files of the page's names already there are replaced only when an earlier `web --out`
 * wrote them (its mark is there) and they are not links: anything else is the user's, and an
 * {@link InputError} says so; nothing else in the folder is touched.
 */
export function writePage(files: PageFiles, dir: string): string[] {
  const names = [...files.keys()];
  checkOutputFolder('--out', dir, [...names, MARK]);
  const marked = existsSync(join(dir, MARK));
  for (const name of names) {
    const path = join(dir, name);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) throw new InputError(`--out: "${path}" is a symbolic link; writing the page there would replace the file it points to (choose an empty or new folder)`);
    if (!marked) throw new InputError(`--out: "${path}" exists and was not written by web --out; choose an empty or new folder (or remove it)`);
  }
  writeFilesAtomic(dir, { ...Object.fromEntries(files), [MARK]: 'written by simple-nn web --out; a later --out may replace the page files here\n' });
  return names.sort();
}

/**
 * Serves the page's files on 127.0.0.1 (port 0: a free one); resolves with the server and its URL.
 * `isolated: false` leaves out COOP and COEP, as a static host that cannot set headers would (tests).
 */
export function servePage(files: PageFiles, port = 0, { isolated = true } = {}): Promise<{ server: Server; url: string }> {
  const headers: Record<string, string> = { ...PAGE_HEADERS };
  if (!isolated) {
    delete headers['Cross-Origin-Opener-Policy'];
    delete headers['Cross-Origin-Embedder-Policy'];
  }
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\/+/, '') || 'index.html';
    } catch {
      path = '';
    }
    const body = files.get(path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (!body) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: /${path}\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Length': body.byteLength });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolvePromise({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

/**
 * Node builtins imported by src/ modules become stand-ins: every export Node's module has, as a
 * function that throws "… is Node-only" if the page ever calls it (none of those code paths runs
 * in the page), except the few that src calls at load time, which do what they would:
 * path's join/dirname/basename/resolve, os's endianness, async_hooks's AsyncLocalStorage.
 * tfjs's own Node-only requires are left to its packages' `browser` fields.
 */
function nodeBuiltinsForSrc(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'node-builtins-for-src',
    setup(b) {
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!args.importer.startsWith(SRC) || !(builtins.has(name) || args.path.startsWith('node:'))) return undefined;
        return { path: name, namespace: 'node-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: nodeBuiltinStub(args.path), loader: 'js' }));
    },
  };
}

/** Stand-ins that src calls at load time (module top level), written for a page. */
const AT_LOAD: Readonly<Record<string, string>> = {
  path: `
    export const sep = '/';
    export function join(...parts) { return parts.filter((p) => p !== '').join('/').replace(/\\/+/g, '/'); }
    export function dirname(p) { const i = p.lastIndexOf('/'); return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i); }
    export function basename(p) { return p.slice(p.lastIndexOf('/') + 1); }
    export function resolve(...parts) { return join(...parts); }`,
  os: `
    export function endianness() { return new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 'LE' : 'BE'; }`,
  async_hooks: `
    export class AsyncLocalStorage {
      run(store, fn, ...args) { return fn(...args); }
      getStore() { return undefined; }
      enterWith() {}
      exit(fn, ...args) { return fn(...args); }
      disable() {}
    }`,
};

/** An ES module standing in for Node's builtin `name` (see {@link nodeBuiltinsForSrc}). */
function nodeBuiltinStub(name: string): string {
  const real = require(`node:${name}`) as Record<string, unknown>;
  const own = AT_LOAD[name] ?? '';
  const defined = new Set([...own.matchAll(/export (?:const|function|class) (\w+)/g)].map((m) => m[1]));
  const lines = [
    `const nodeOnly = (what) => function () { throw new Error(what + ' is Node-only: the page cannot run it'); };`,
    own,
  ];
  for (const key of Object.keys(real)) {
    if (defined.has(key) || !/^[A-Za-z_$][\w$]*$/.test(key) || key === 'default') continue;
    const value = real[key];
    const plain = value === null || ['number', 'string', 'boolean'].includes(typeof value);
    lines.push(`export const ${key} = ${plain ? JSON.stringify(value) : `nodeOnly(${JSON.stringify(`node:${name}'s ${key}`)})`};`);
  }
  lines.push(`export default { ${[...defined, ...Object.keys(real).filter((k) => !defined.has(k) && /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default')].join(', ')} };`);
  return lines.join('\n');
}

/**
 * csv-parse for the page: src/data/csv.ts takes `parse` (streaming, for files: Node-only) and
 * `CsvError` from 'csv-parse', and `parse` from 'csv-parse/sync' (what parseCsvText uses). The
 * package's Node entry points need Node's stream and Buffer; its dist/esm/sync.js is the same code
 * built for browsers. Both imports come from that one file, so `err instanceof CsvError` holds as in Node.
 */
function csvParseForBrowsers(): Plugin {
  const sync = join(CSV_PARSE, 'dist', 'esm', 'sync.js');
  return {
    name: 'csv-parse-for-browsers',
    setup(b) {
      b.onResolve({ filter: /^csv-parse\/sync$/ }, () => ({ path: sync }));
      b.onResolve({ filter: /^csv-parse$/ }, () => ({ path: 'csv-parse', namespace: 'csv-parse-browser' }));
      b.onLoad({ filter: /.*/, namespace: 'csv-parse-browser' }, () => ({
        contents: [
          `export { CsvError } from ${JSON.stringify(sync)};`,
          `export function parse() { throw new Error("csv-parse's streaming parse is Node-only: the page cannot run it"); }`,
        ].join('\n'),
        resolveDir: dirname(sync),
        loader: 'js',
      }));
    },
  };
}

/** `--out DIR` and `--port N` from the command line; a bad one is an {@link InputError} (exit 2, one line). */
function parseArgs(argv: readonly string[], io: Io): { out?: string; port: number } | undefined {
  let out: string | undefined;
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new InputError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--out') out = value();
    else if (flag === '--port') {
      const v = value();
      port = Number(v);
      if (!/^\d+$/.test(v) || port > 65535) throw new InputError(`--port must be a whole number from 0 to 65535, got ${v}`);
    } else if (flag === '--help' || flag === '-h') {
      io.stdout('usage: npm run web [-- --out DIR | --port N]\n');
      return undefined;
    } else throw new InputError(`unknown option ${arg}; expected --out DIR or --port N`);
  }
  return { out, port };
}

async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, io);
  if (!args) return 0;
  const { out, port } = args;
  // before the build: a folder that cannot be written is said at once
  if (out !== undefined) checkOutputFolder('--out', out, ['index.html']);
  const files = await buildPage();
  if (out !== undefined) {
    const names = writePage(files, out);
    io.stdout(
      `wrote ${names.length} files to ${resolve(out)}: ${names.join(', ')}\n` +
        'Serve them over http (not file://). With the headers Cross-Origin-Opener-Policy: same-origin and\n' +
        'Cross-Origin-Embedder-Policy: require-corp the page is cross-origin isolated (SharedArrayBuffer,\n' +
        "tfjs wasm threads); without them it still works, single-threaded on wasm.\n",
    );
    return 0;
  }
  const { server, url } = await servePage(files, port);
  io.stdout(`serving the page at ${url} (127.0.0.1 only; Ctrl-C stops)\n`);
  // until a signal: the server is closed, and the run ends as that signal's status says
  const signal = await new Promise<NodeJS.Signals>((resolve) => io.onInterrupt?.(resolve));
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return signalStatus(signal);
}

if (require.main === module) runScript(main);
