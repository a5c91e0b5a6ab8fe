import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeFloats, heapFloats, heapMemory, heapOffset, heapStart, heapUsage } from '../src/kernels/wasm/heap';
import { ARTICLE_WASM } from '../src/kernels/wasm/module';
import {
  bindSamples, disposeKernelThreads, injectWorkerFailure, kernelThreads, PARALLEL_MIN_VALUES, releaseSamples, sums,
  type BoundSamples, type KernelSums, type SumsOptions,
} from '../src/kernels/wasm/simd';
import { seededRandom } from '../src/random';

const root = join(__dirname, '..');
const fround = Math.fround;

interface Data {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly F: number;
  readonly k: number;
  readonly m: number;
}

/** x uniform in [-2, 2) (float32), y 0/1 — output 0 from a linear rule with noise, the others at random. */
function randomData(seed: number, F: number, k: number, m: number): Data {
  const rand = seededRandom(seed);
  const x = new Float32Array(F * m);
  for (let i = 0; i < x.length; i++) x[i] = rand() * 4 - 2;
  const y = new Float32Array(k * m);
  for (let j = 0; j < m; j++) y[j] = x[j] - x[(F - 1) * m + j] + (rand() - 0.5) > 0 ? 1 : 0;
  for (let i = m; i < y.length; i++) y[i] = rand() < 0.5 ? 1 : 0;
  return { x, y, F, k, m };
}

function randomW(seed: number, length: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length }, () => rand() * 2 - 1);
}

interface Reference extends KernelSums {
  /** Σ|x·e| for each entry of xe, and Σ|e|: the scale of the float32 sums' rounding. */
  readonly xeScale: Float64Array;
  readonly eScale: number;
}

/** The article's iteration written plainly: float32 where tfjs's float32 ops round (Math.fround), sigmoid always evaluated. */
function reference(d: Data, W: ArrayLike<number>, b: number, logistic: boolean, track: boolean, start = 0, end = d.m): Reference {
  const { x, y, F, k, m } = d;
  const xe = new Float64Array(F * k);
  const xeScale = new Float64Array(F * k);
  let sumE = 0;
  let eScale = 0;
  let errors = 0;
  let loss = 0;
  for (let o = 0; o < k; o++) {
    for (let j = start; j < end; j++) {
      let z = 0;
      for (let f = 0; f < F; f++) z = fround(z + fround(fround(W[f * k + o]) * x[f * m + j]));
      z = fround(z + fround(b));
      const s = fround(1 / (1 + Math.exp(-z)));
      const yPred = s >= 0.5 ? 1 : 0;
      const yj = y[o * m + j];
      const e = logistic ? fround(s - yj) : yPred - yj;
      for (let f = 0; f < F; f++) {
        xe[f * k + o] += x[f * m + j] * e;
        xeScale[f * k + o] += Math.abs(x[f * m + j] * e);
      }
      sumE += e;
      eScale += Math.abs(e);
      if (yPred !== yj) errors++;
      if (track) {
        loss += Math.max(z, 0) - z * yj + Math.log1p(Math.exp(-Math.abs(z)));
      }
    }
  }
  return { xe, xeScale, sumE, eScale, errors, loss, read: k * (end - start), screened: false };
}

/**
 * Each entry of xe within `relative` of the reference's, relative to the size of what it sums
 * (Σ|x·e|: float32 sums that cancel to near 0 have no meaningful relative error); sumE likewise,
 * and exact where e is whole (article mode); errors exact; loss relative.
 */
function expectSums(got: KernelSums, want: Reference, logistic: boolean, relative: number, what: string): void {
  expect(got.xe.length, `${what}: xe length`).to.equal(want.xe.length);
  want.xe.forEach((v, i) => {
    expect(Math.abs(got.xe[i] - v), `${what}: xe[${i}] ${got.xe[i]} vs ${v}`).to.be.at.most(relative * want.xeScale[i]);
  });
  if (logistic) expect(Math.abs(got.sumE - want.sumE), `${what}: sumE ${got.sumE} vs ${want.sumE}`).to.be.at.most(relative * want.eScale);
  else expect(got.sumE, `${what}: sumE`).to.equal(want.sumE);
  expect(got.errors, `${what}: errors`).to.equal(want.errors);
  expect(got.read, `${what}: samples read`).to.equal(want.read);
  expect(Math.abs(got.loss - want.loss), `${what}: loss ${got.loss} vs ${want.loss}`).to.be.at.most(relative * Math.abs(want.loss));
}

/** x and y bound as the caller gives them: in the heap (used in place), or a float32 or float64 array (copied). */
type Placement = 'heap' | 'float32' | 'float64';

function bind(d: Data, placement: Placement): BoundSamples {
  const place = (a: Float32Array) => {
    if (placement === 'float64') return Float64Array.from(a);
    if (placement === 'float32') return a;
    const h = heapFloats(a.length);
    h.set(a);
    return h;
  };
  return bindSamples(place(d.x), place(d.y), d.F, d.k, d.m);
}

/** Offsets end of the data segments of a wasm binary (active segments of memory 0 with an i32.const offset). */
function dataSegmentsEnd(wasm: Uint8Array): number {
  let at = 8;
  const leb = (signed = false) => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = wasm[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return signed && byte & 0x40 ? result - 2 ** shift : result;
  };
  let end = 0;
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const next = at + size;
    if (id === 11) {
      for (let n = leb(); n > 0; n--) {
        const flags = leb();
        expect(flags, 'an active data segment of memory 0').to.equal(0);
        expect(wasm[at++], 'i32.const').to.equal(0x41);
        const offset = leb(true);
        expect(wasm[at++], 'end').to.equal(0x0b);
        const bytes = leb();
        at += bytes;
        end = Math.max(end, offset + bytes);
      }
    }
    at = next;
  }
  return end;
}

describe('the WebAssembly SIMD kernel', () => {
  after(() => disposeKernelThreads());

  describe('its module', () => {
    it('rebuilds byte for byte from its source with the command of npm run build:wasm', function () {
      this.timeout(120_000);
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const args = pkg.scripts['build:wasm'].trim().split(/\s+/);
      expect(args[0]).to.equal('asc');
      const out = args.indexOf('-o');
      expect(args[out + 1]).to.equal('src/kernels/wasm/article.wasm');
      const dir = mkdtempSync(join(tmpdir(), 'article-wasm-'));
      try {
        args[out + 1] = join(dir, 'article.wasm');
        execFileSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'), ...args.slice(1)], { cwd: root, stdio: 'pipe' });
        const rebuilt = readFileSync(join(dir, 'article.wasm'));
        expect(rebuilt.equals(readFileSync(ARTICLE_WASM)), 'src/kernels/wasm/article.wasm is what its source compiles to (npm run build:wasm)').to.equal(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keeps its static data below where the heap starts', () => {
      const end = dataSegmentsEnd(readFileSync(ARTICLE_WASM));
      expect(end).to.be.greaterThan(0);
      expect(heapStart()).to.be.at.least(end);
      expect(heapStart() % 64).to.equal(0);
    });
  });

  describe('its heap', () => {
    it('hands out zeroed, aligned float32 views above the static data, and takes them back', () => {
      const before = heapUsage().used;
      const a = heapFloats(100);
      const b = heapFloats(1000);
      const c = heapFloats(3);
      for (const v of [a, b, c]) {
        const offset = heapOffset(v);
        expect(offset).to.be.a('number');
        expect(offset! % 64).to.equal(0);
        expect(offset!).to.be.at.least(heapStart());
        expect(Array.from(v).every((n) => n === 0)).to.equal(true);
        v.fill(7);
      }
      freeFloats(b);
      freeFloats(b); // a second time does nothing
      // first fit: the freed block is reused, zeroed again
      const d = heapFloats(900);
      expect(heapOffset(d)).to.equal(heapOffset(b));
      expect(Array.from(d).every((n) => n === 0)).to.equal(true);
      for (const v of [a, c, d]) freeFloats(v);
      const usage = heapUsage();
      expect(usage.used).to.equal(before);
      // coalesced: no two free blocks touch
      for (let i = 1; i < usage.free.length; i++) expect(usage.free[i].start).to.be.greaterThan(usage.free[i - 1].end);
    });

    it('knows its views across growth (memory.buffer is a new object after each grow)', () => {
      const small = heapFloats(16);
      small.fill(3);
      const buffer = heapMemory().buffer;
      const big = heapFloats(buffer.byteLength / 4 + 1000);
      expect(heapMemory().buffer).to.not.equal(buffer);
      expect(small.buffer).to.equal(buffer);
      expect(heapOffset(small)).to.equal(small.byteOffset);
      expect(heapOffset(big)).to.equal(big.byteOffset);
      expect(Array.from(small)).to.deep.equal(new Array(16).fill(3));
      expect(heapOffset(new Float32Array(16))).to.equal(undefined);
      expect(heapOffset(new Float32Array(new SharedArrayBuffer(64)))).to.equal(undefined);
      freeFloats(big);
      freeFloats(small);
    });

    it('uses heap arrays in place and copies the rest', () => {
      const d = randomData(1, 3, 1, 10);
      const inHeap = bind(d, 'heap');
      const copied = bind(d, 'float64');
      expect(heapOffset(inHeap.x)).to.be.a('number');
      expect(heapOffset(copied.x)).to.be.a('number');
      expect(Array.from(copied.x)).to.deep.equal(Array.from(d.x));
      const W = randomW(2, 3);
      expect(sums(copied, W, 0.25, false, true)).to.deep.equal(sums(inHeap, W, 0.25, false, true));
      releaseSamples(copied);
      expect(() => sums(copied, W, 0.25, false, false)).to.throw(/not bound/);
      expect(() => bindSamples(d.x, d.y, 3, 1, 11)).to.throw(RangeError);
      expect(() => sums(inHeap, [1, 2], 0, false, false)).to.throw(RangeError);
    });
  });

  describe('its sums', () => {
    const placements: Placement[] = ['heap', 'float32', 'float64'];
    let seed = 100;
    for (const F of [1, 3, 8, 33]) {
      // the last size has at least 2^18 values of x, so that a call uses the worker threads
      for (const m of [1, 5, 127, 1000, Math.ceil(PARALLEL_MIN_VALUES / F) + 77]) {
        for (const k of [1, 3]) {
          it(`match the article's iteration on ${F} features × ${m} samples, ${k} output${k > 1 ? 's' : ''}`, () => {
            const d = randomData(seed++, F, k, m);
            const bound = bind(d, placements[seed % 3]);
            if (F * m >= PARALLEL_MIN_VALUES) expect(kernelThreads(bound)).to.equal(Math.min(availableParallelism(), 8));
            else expect(kernelThreads(bound)).to.equal(1);
            const W = randomW(seed, F * k);
            const b = seededRandom(seed)() - 0.5;
            for (const logistic of [false, true]) {
              for (const track of [false, true]) {
                const want = reference(d, W, b, logistic, track);
                const got = sums(bound, Array.from(W), b, logistic, track);
                expectSums(got, want, logistic, 1e-5, `logistic ${logistic}, track ${track}`);
                if (!track) expect(got.loss).to.equal(0);
              }
            }
            releaseSamples(bound);
          });
        }
      }
    }
  });

  describe('its ties', () => {
    const edge = 2 ** -20;
    /** y_pred for each z (x = z, W = 1, b = 0, y = 0: e = y_pred), one sample per call; errors too when tracked. */
    function classes(z: number[], track: boolean): number[] {
      const x = heapFloats(z.length);
      x.set(z);
      const bound = bindSamples(x, new Float32Array(z.length), 1, 1, z.length);
      const out = z.map((_, j) => {
        const r = sums(bound, [1], 0, false, track, { start: j, end: j + 1 });
        if (track) expect(r.errors).to.equal(r.sumE);
        return r.sumE;
      });
      releaseSamples(bound);
      freeFloats(x);
      return out;
    }
    const expected = (z: number[]): number[] => z.map((v) => (fround(1 / (1 + Math.exp(-v))) >= 0.5 ? 1 : 0));

    it('gives y_pred 1 at z = 0 exactly (s = 0.5)', () => {
      expect(classes([0, -0], false)).to.deep.equal([1, 1]);
      expect(classes([0, -0], true)).to.deep.equal([1, 1]);
    });

    it('evaluates sigmoid between −2⁻²⁰ and 0, where float32 s may round to 0.5', () => {
      const below = (v: number) => v - 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23); // the next float32 away from 0
      const z = [-(2 ** -149), -1e-40, -(2 ** -30), -(2 ** -26), -(2 ** -25), -(2 ** -24), below(-(2 ** -24)), -(2 ** -24) * (1 - 2 ** -24),
        -3e-8, -6e-8, -6.1e-8, -1.2e-7, -(2 ** -22), -edge * (1 - 2 ** -24), -edge, below(-edge), -1e-6, -1e-3, -1, 1, 1e-30,
        NaN, Infinity, -Infinity].map(fround);
      expect(new Set(expected(z)).size, 'both answers occur').to.equal(2);
      expect(classes(z, false)).to.deep.equal(expected(z));
      expect(classes(z, true)).to.deep.equal(expected(z));
    });

    it('on random float32 z near the tie as well (vector lanes and the last samples alike)', () => {
      const rand = seededRandom(3);
      // log-uniform in (2⁻²⁸, 2⁻¹⁹): across −2⁻²⁴, where float32 s leaves 0.5, and −2⁻²⁰
      const z = Array.from({ length: 2001 }, () => fround(-(2 ** (-28 + 9 * rand()))));
      expect(classes(z, false)).to.deep.equal(expected(z));
      // one call over all of them: the same count of y_pred = 1
      const x = heapFloats(z.length);
      x.set(z);
      const bound = bindSamples(x, new Float32Array(z.length), 1, 1, z.length);
      const ones = expected(z).reduce((a, b) => a + b, 0);
      expect(sums(bound, [1], 0, false, false).sumE).to.equal(ones);
      expect(sums(bound, [1], 0, false, true).errors).to.equal(ones);
      releaseSamples(bound);
    });
  });

  describe('its loss', () => {
    it('is the float64 form max(z, 0) − z·y + log1p(exp(−|z|)) within 1e-6 relatively (vector lanes, float32 exp and log1p)', () => {
      const zs: number[] = [];
      for (let v = -120; v <= 120; v += 0.00537) zs.push(fround(v));
      zs.push(...[0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 87, 87.5, -87.5, 88.7, 103, 1e30, -1e30].map(fround));
      for (const yv of [0, 1]) {
        // each z four times: one vector of lanes per call
        const x = heapFloats(4 * zs.length);
        zs.forEach((z, i) => x.fill(z, 4 * i, 4 * i + 4));
        const bound = bindSamples(x, new Float32Array(4 * zs.length).fill(yv), 1, 1, 4 * zs.length);
        zs.forEach((z, i) => {
          const got = sums(bound, [1], 0, false, true, { start: 4 * i, end: 4 * i + 4 }).loss / 4;
          const want = Math.max(z, 0) - z * yv + Math.log1p(Math.exp(-Math.abs(z)));
          // terms below 1e-30 (e^−|z| past float32's range) count as 0
          const tolerance = want > 1e-30 ? 1e-6 * want : 1e-30;
          expect(Math.abs(got - want), `z ${z}, y ${yv}: ${got} vs ${want}`).to.be.at.most(tolerance);
        });
        releaseSamples(bound);
        freeFloats(x);
      }
    });

    it('is NaN where the float64 form is (z = ±∞ with y = 1 or 0 as it gives)', () => {
      const x = heapFloats(8);
      x.set([Infinity, Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
      const bound = bindSamples(x, new Float32Array(8).fill(1), 1, 1, 8);
      expect(sums(bound, [1], 0, false, true, { start: 0, end: 4 }).loss).to.be.NaN;
      expect(sums(bound, [1], 0, false, true, { start: 4, end: 8 }).loss).to.equal(Infinity);
      releaseSamples(bound);
      freeFloats(x);
    });
  });

  describe('its ranges', () => {
    for (const logistic of [false, true]) {
      it(`sum the same in parts as in one call (${logistic ? 'logistic' : 'article'})`, () => {
        const d = randomData(7, 8, 3, 3000);
        const bound = bind(d, 'heap');
        const W = randomW(8, 24);
        const whole = sums(bound, W, -0.1, logistic, true);
        const cuts = [0, 1, 300, 301, 2048, 2051, 3000];
        const parts = cuts.slice(1).map((end, i) => sums(bound, W, -0.1, logistic, true, { start: cuts[i], end }));
        const added: KernelSums = {
          xe: whole.xe.map((_, i) => parts.reduce((a, p) => a + p.xe[i], 0)),
          sumE: parts.reduce((a, p) => a + p.sumE, 0),
          errors: parts.reduce((a, p) => a + p.errors, 0),
          loss: parts.reduce((a, p) => a + p.loss, 0),
          read: parts.reduce((a, p) => a + p.read, 0),
          screened: false,
        };
        const want = reference(d, W, -0.1, logistic, true);
        expectSums(whole, want, logistic, 1e-5, 'one call');
        expectSums(added, { ...want, ...whole }, logistic, 1e-6, 'in parts');
        for (const [i, part] of parts.entries()) expectSums(part, reference(d, W, -0.1, logistic, true, cuts[i], cuts[i + 1]), logistic, 1e-5, `part ${i}`);
        const empty = sums(bound, W, -0.1, logistic, true, { start: 5, end: 5 });
        expect([...empty.xe, empty.sumE, empty.errors, empty.loss].every((v) => v === 0)).to.equal(true);
        expect(() => sums(bound, W, 0, logistic, true, { start: 10, end: 5 })).to.throw(RangeError);
        expect(() => sums(bound, W, 0, logistic, true, { end: 3001 })).to.throw(RangeError);
        releaseSamples(bound);
      });
    }
  });

  describe('its threads', () => {
    const d = randomData(11, 8, 2, (1 << 16) + 333);
    let bound: BoundSamples;
    const W = randomW(12, 16);
    before(() => {
      bound = bind(d, 'heap');
    });
    after(() => releaseSamples(bound));

    for (const logistic of [false, true]) {
      it(`sum as one thread does (${logistic ? 'logistic' : 'article'})`, () => {
        const want = reference(d, W, 0.3, logistic, true);
        const one = sums(bound, W, 0.3, logistic, true, { threads: 1 });
        expectSums(one, want, logistic, 1e-5, 'one thread');
        for (const threads of [2, 3]) {
          const many = sums(bound, W, 0.3, logistic, true, { threads });
          expectSums(many, { ...want, ...one }, logistic, 1e-5, `${threads} threads`);
        }
      });
    }

    it('read memory grown after they started', () => {
      sums(bound, W, 0.3, false, false, { threads: 2 });
      // x and y in pages added after the workers instantiated the module
      const size = heapMemory().buffer.byteLength;
      const grown = randomData(13, 16, 1, Math.ceil(size / 4 / 16) + 1000);
      const top = bind(grown, 'heap');
      expect(heapOffset(top.x)! + top.x.byteLength).to.be.greaterThan(size);
      const Wg = randomW(14, 16);
      const want = reference(grown, Wg, 0, false, true);
      expectSums(sums(top, Wg, 0, false, true, { threads: 2 }), want, false, 1e-5, 'grown');
      releaseSamples(top);
      freeFloats(top.x);
      freeFloats(top.y);
    });

    it('throw a worker\'s failure, then work again', () => {
      const want = sums(bound, W, 0.3, false, true, { threads: 1 });
      injectWorkerFailure('throw');
      expect(() => sums(bound, W, 0.3, false, true, { threads: 2 })).to.throw(/worker thread failed.*injected/s);
      expect(sums(bound, W, 0.3, false, true, { threads: 2 }).errors).to.equal(want.errors);
      injectWorkerFailure('exit');
      expect(() => sums(bound, W, 0.3, false, true, { threads: 2 })).to.throw(/worker thread failed.*exited/s);
      expect(sums(bound, W, 0.3, false, true, { threads: 2 }).errors).to.equal(want.errors);
    });

    it('leave no worker keeping the process alive', function () {
      this.timeout(60_000);
      const script = `
        const { bindSamples, sums } = require('./src/kernels/wasm/simd');
        const F = 8, m = 1 << 16;
        const x = new Float32Array(F * m).map((_, i) => (i % 7) - 3);
        const y = new Float32Array(m).map((_, j) => j % 2);
        const r = sums(bindSamples(x, y, F, 1, m), new Float32Array(F).fill(0.1), 0, false, true, { threads: 2 });
        console.log('errors', r.errors);
      `;
      const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: root, timeout: 45_000, encoding: 'utf8' });
      expect(child.signal, 'the process ended by itself (not killed on the timeout)').to.equal(null);
      expect(child.stderr).to.equal('');
      expect(child.status).to.equal(0);
      expect(child.stdout).to.match(/^errors \d+/);
    });

    it('do not disturb the heap when they start (the module\'s data segments are written below it)', () => {
      const guard = heapFloats(1024);
      guard.fill(42);
      disposeKernelThreads();
      const options: SumsOptions = { threads: 3 };
      sums(bound, W, 0.3, false, false, options);
      expect(guard.every((v) => v === 42)).to.equal(true);
      freeFloats(guard);
    });
  });
});
