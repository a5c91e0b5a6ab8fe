import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The compiled kernel, built from `assembly/article.ts` by `npm run build:wasm` (and committed;
 * test/wasm-kernel.test.ts checks that rebuilding gives the same bytes).
 */
export const ARTICLE_WASM = join(__dirname, 'article.wasm');

/** The module's exports (see `assembly/article.ts`). Pointers are byte offsets in the shared memory. */
export interface ArticleExports {
  /** Adds up samples [start, end) into `out` (overwritten): xe (features×outputs float64), sumE, errors, loss, samples read. */
  sums(
    x: number, y: number, m: number, features: number, outputs: number, W: number, b: number,
    start: number, end: number, logistic: number, track: number, scratch: number, out: number,
    screen: number, now: number, dist: number, invn: number, norms: number,
  ): void;
  /** Bytes of scratch a call needs (16-byte aligned). */
  scratchBytes(features: number, outputs: number): number;
  /** Bytes of a call's output (8-byte aligned). */
  outBytes(features: number, outputs: number): number;
  /** End of the module's static data (asc's `__heap_base`): the module owns the memory below it. */
  heapBase(): number;
}

const EXPORTS = ['sums', 'scratchBytes', 'outBytes', 'heapBase'] as const;

// The project compiles against lib ES2022 without the DOM's declarations, where the WebAssembly
// namespace lives: these are the few parts of it used here, typed locally.

declare const compiledModule: unique symbol;
/** A compiled WebAssembly.Module (opaque; it can be posted to a worker). */
export interface CompiledModule {
  readonly [compiledModule]: true;
}

/** A shared WebAssembly.Memory. `grow` leaves old views valid, but `buffer` becomes a new object. */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => SharedMemory;
  Module: new (bytes: Uint8Array) => CompiledModule;
  Instance: new (module: CompiledModule, imports: { env: { memory: SharedMemory } }) => { exports: Record<string, unknown> };
}

const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
/** The global WebAssembly, typed as above. */
export const webAssembly: WebAssemblyApi = wasm;

/** Bytes in a page of WebAssembly memory. */
export const PAGE_BYTES = 65536;
/** The memory's maximum, in pages (4 GiB), as the module declares it. */
export const MAX_PAGES = 65536;

/** A new shared WebAssembly.Memory that the kernel can import. */
export function sharedMemory(pages: number): SharedMemory {
  return new wasm.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
}

let compiled: CompiledModule | undefined;

/** The kernel's WebAssembly.Module, compiled once. */
export function articleModule(): CompiledModule {
  compiled ??= new wasm.Module(readFileSync(ARTICLE_WASM));
  return compiled;
}

/**
 * An instance of the kernel over `memory` (shared, imported as env.memory).
 *
 * Instantiating writes the module's data segments (its exp table, below `heapBase()`) into the
 * memory again: the same bytes each time, and never where the heap hands out memory.
 */
export function instantiate(memory: SharedMemory): ArticleExports {
  const { exports } = new wasm.Instance(articleModule(), { env: { memory } });
  for (const name of EXPORTS) {
    if (typeof exports[name] !== 'function') throw new Error(`${ARTICLE_WASM} does not export ${name}`);
  }
  return exports as unknown as ArticleExports;
}
