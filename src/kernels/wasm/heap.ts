import { instantiate, MAX_PAGES, PAGE_BYTES, sharedMemory, type ArticleExports, type SharedMemory } from './module';

/**
 * One process-wide shared WebAssembly.Memory — the SIMD kernel's heap — with a small allocator
 * (process-wide as loaded by the main thread; a worker thread that loads this module has its own).
 *
 * The memory starts at one page and grows on demand up to 4 GiB (65536 pages). Growing a shared
 * memory never moves or detaches it: views made before a grow stay valid, but `memory.buffer` is a
 * new SharedArrayBuffer object after each grow, so the heap remembers every buffer object the
 * memory has had (a WeakSet) to tell whether a view is in it.
 *
 * The kernel's module owns the bottom of the memory: its static data (the exp table) is written
 * there by its data segments, again each time a thread instantiates it. The heap asks the module
 * where that region ends — its export `heapBase()` returns asc's `__heap_base`, the end of the
 * data segments (asc lays them out from offset 1024 up, and the module allocates nothing at run
 * time: it is built with the stub runtime and never calls it; its mutable globals are each
 * instance's own, not in the memory) — and never hands out memory below that, rounded up to the
 * allocator's 64-byte alignment. test/wasm-kernel.test.ts checks it against the data section of
 * article.wasm read from the binary.
 *
 * The allocator is first-fit over a free list kept sorted by address and coalesced on free; every
 * block is a multiple of 64 bytes (a cache line) and starts on one.
 */

const ALIGN = 64;
/** Pages a grow adds at least (1 MiB), so that many small allocations do not grow one page at a time. */
const MIN_GROW_PAGES = 16;
/** The heap's size limit: the memory's 4 GiB. */
const MAX_BYTES = MAX_PAGES * PAGE_BYTES;

interface Block {
  start: number;
  end: number;
}

interface Heap {
  readonly memory: SharedMemory;
  /** The kernel instantiated in this thread over the memory. */
  readonly kernel: ArticleExports;
  /** Bytes below this belong to the module's static data. */
  readonly reserved: number;
  /** Free blocks, sorted by start, never touching one another. */
  readonly free: Block[];
  /** The size of each block handed out, by its start. */
  readonly used: Map<number, number>;
  /** Every object that `memory.buffer` has been. */
  readonly buffers: WeakSet<object>;
  /** Memory from here up has never been handed out, so it is still zero. */
  fresh: number;
}

let heap: Heap | undefined;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

function theHeap(): Heap {
  if (heap) return heap;
  const memory = sharedMemory(1);
  const kernel = instantiate(memory);
  const reserved = roundUp(kernel.heapBase(), ALIGN);
  const size = memory.buffer.byteLength;
  heap = {
    memory,
    kernel,
    reserved,
    free: reserved < size ? [{ start: reserved, end: size }] : [],
    used: new Map(),
    buffers: new WeakSet([memory.buffer]),
    fresh: reserved,
  };
  return heap;
}

/** The heap's memory (created with the first use of the heap). */
export function heapMemory(): SharedMemory {
  return theHeap().memory;
}

/** The kernel instantiated in this thread over the heap's memory. */
export function heapKernel(): ArticleExports {
  return theHeap().kernel;
}

/** Where the heap starts: the bytes below belong to the kernel's module. */
export function heapStart(): number {
  return theHeap().reserved;
}

/** Bytes handed out and the heap's free blocks (for tests). */
export function heapUsage(): { used: number; size: number; free: readonly Readonly<Block>[] } {
  const h = theHeap();
  let used = 0;
  for (const size of h.used.values()) used += size;
  return { used, size: h.memory.buffer.byteLength, free: h.free.map((b) => ({ ...b })) };
}

function grow(h: Heap, size: number): void {
  const end = h.memory.buffer.byteLength;
  const last = h.free.at(-1);
  const tail = last && last.end === end ? last.end - last.start : 0;
  const needed = Math.ceil((size - tail) / PAGE_BYTES);
  const now = end / PAGE_BYTES;
  if (now + needed > MAX_PAGES) {
    throw new RangeError(`the SIMD kernel's heap cannot hold ${size} more bytes: it is limited to 4 GiB`);
  }
  h.memory.grow(Math.min(Math.max(needed, MIN_GROW_PAGES), MAX_PAGES - now));
  h.buffers.add(h.memory.buffer);
  const newEnd = h.memory.buffer.byteLength;
  if (last && tail > 0) last.end = newEnd;
  else h.free.push({ start: end, end: newEnd });
}

/** A block of at least `bytes` bytes, 64-byte aligned; `dirty`: how many of its first bytes may not be zero. */
function allocate(bytes: number): { offset: number; dirty: number } {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BYTES) {
    throw new RangeError(`cannot allocate ${bytes} bytes in the SIMD kernel's heap`);
  }
  const h = theHeap();
  const size = roundUp(Math.max(bytes, 1), ALIGN);
  let i = h.free.findIndex((b) => b.end - b.start >= size);
  if (i < 0) {
    grow(h, size);
    i = h.free.length - 1;
  }
  const block = h.free[i];
  const offset = block.start;
  block.start += size;
  if (block.start === block.end) h.free.splice(i, 1);
  h.used.set(offset, size);
  // memory the heap has never handed out is still zero (the module writes only below `reserved`)
  const dirty = Math.min(size, Math.max(0, h.fresh - offset));
  h.fresh = Math.max(h.fresh, offset + size);
  return { offset, dirty };
}

/** A block of at least `bytes` bytes in the heap, 64-byte aligned, not zeroed: its offset. */
export function allocateBytes(bytes: number): number {
  return allocate(bytes).offset;
}

/** Gives back a block from {@link allocateBytes}; false if `offset` is not one (or is already free). */
export function freeBytes(offset: number): boolean {
  const h = heap;
  const size = h?.used.get(offset);
  if (!h || size === undefined) return false;
  h.used.delete(offset);
  const end = offset + size;
  // the first free block after this one
  let lo = 0;
  let hi = h.free.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.free[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  const prev = h.free[lo - 1] as Block | undefined;
  const next = h.free[lo] as Block | undefined;
  let merged: Block;
  if (prev && prev.end === offset) {
    prev.end = end;
    merged = prev;
  } else {
    merged = { start: offset, end };
    h.free.splice(lo, 0, merged);
  }
  if (next && merged.end === next.start) {
    merged.end = next.end;
    h.free.splice(h.free.indexOf(next), 1);
  }
  return true;
}

/** The views {@link heapFloats} handed out and not yet freed, with their blocks' offsets. */
const owned = new WeakMap<Float32Array, number>();
const finalizer = new FinalizationRegistry<number>((offset) => void freeBytes(offset));

/**
 * A zeroed Float32Array of `length` values in the heap. Its block is freed by {@link freeFloats},
 * or when the view is garbage-collected: keep this very view alive while the memory is used
 * (a subarray of it, or another view on the same bytes, does not keep the block).
 */
export function heapFloats(length: number): Float32Array {
  if (!Number.isInteger(length) || length < 0 || length * 4 > MAX_BYTES) {
    throw new RangeError(`heapFloats: cannot allocate ${length} float32 values`);
  }
  const { offset, dirty } = allocate(length * 4);
  const view = new Float32Array(theHeap().memory.buffer, offset, length);
  if (dirty > 0) view.fill(0, 0, Math.ceil(dirty / 4));
  owned.set(view, offset);
  finalizer.register(view, offset, view);
  return view;
}

/** Frees a view from {@link heapFloats} now (the view must not be used after). Does nothing for other arrays or a second time. */
export function freeFloats(view: Float32Array): void {
  const offset = owned.get(view);
  if (offset === undefined) return;
  owned.delete(view);
  finalizer.unregister(view);
  freeBytes(offset);
}

/** The byte offset of `view` in the heap's memory, or undefined if it is not on the heap's memory. */
export function heapOffset(view: Float32Array): number | undefined {
  if (!heap) return undefined;
  heap.buffers.add(heap.memory.buffer);
  return heap.buffers.has(view.buffer) ? view.byteOffset : undefined;
}
