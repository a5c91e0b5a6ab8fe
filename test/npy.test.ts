import { execFileSync, spawnSync } from 'node:child_process';
import fs = require('node:fs');
import { expect } from 'chai';
import { NpyColumnReader, NpyWriter, readNpy, readNpyHeader, writeNpy, type NpyHeader } from '../src/data/npy';
import { InputError } from '../src/errors';
import { toRows, type Matrix } from '../src/matrix';
import { tempDir, throws } from './helpers';

const HAS_NUMPY = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

function python(script: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
}

/** A .npy file byte by byte: the magic string, the version, the header length, the header, the data. */
function npyBytes(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Buffer {
  const text = Buffer.from(header, 'latin1');
  const preamble = Buffer.alloc(version === 1 ? 10 : 12);
  preamble.write('\x93NUMPY', 'latin1');
  preamble.set([version, 0], 6);
  if (version === 1) preamble.writeUInt16LE(text.length, 8);
  else preamble.writeUInt32LE(text.length, 8);
  return Buffer.concat([preamble, text, data]);
}

/** A header as numpy writes it, padded with spaces to 64 bytes and ending in '\n'. */
function dictHeader(descr: string, fortranOrder: string, shape: string): string {
  const dict = `{'descr': ${descr}, 'fortran_order': ${fortranOrder}, 'shape': ${shape}, }`;
  return dict.padEnd(64 * Math.ceil((dict.length + 11) / 64) - 11) + '\n';
}

/** Columns start…start+n−1 of m, as rows. */
function columns(m: Matrix, start: number, n: number): number[][] {
  return toRows(m).map((row) => row.slice(start, start + n));
}

/** Every chunk of `size` columns that NpyColumnReader reads equals the same columns of readNpy's matrix. */
function expectChunksMatch(path: string, size: number): void {
  const whole = readNpy(path);
  const reader = new NpyColumnReader(path);
  const out = new Float64Array(whole.rows * size);
  try {
    for (let start = 0; start < whole.cols; start += size) {
      const n = Math.min(size, whole.cols - start);
      expect(toRows(reader.readColumns(start, n)), `${path} from ${start}`).to.deep.equal(columns(whole, start, n));
      const reused = reader.readColumns(start, n, out);
      expect(reused.data.buffer).to.equal(out.buffer);
      expect(toRows(reused), `${path} from ${start} into out`).to.deep.equal(columns(whole, start, n));
    }
  } finally {
    reader.close();
  }
}

function expectInputError(f: () => unknown, message: string): void {
  const err = throws(f);
  expect(err).to.be.instanceOf(InputError);
  expect(err.message).to.equal(message);
}

/** Writes small arrays of every supported dtype with numpy, and lists what each holds. */
const GENERATE = `
import json, os, sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(7)
def values(dt, n):
    if dt.kind == 'b':
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind == 'f':
        v = (rng.standard_normal(n) * 1000).astype(dt)
        info = np.finfo(dt)
        v[:3] = [info.max, info.tiny, info.min]
        return v
    info = np.iinfo(dt)
    v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    v[:2] = [info.min, info.max]
    return v
manifest = []
for code in ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']:
    for order in (['|'] if code[1] == '1' else ['<', '>']):
        dt = np.dtype(order + code)
        for shape, layout in [((3, 7), 'C'), ((3, 7), 'F'), ((5,), 'C')]:
            a = np.array(values(np.dtype(code), int(np.prod(shape))).reshape(shape), dtype=dt, order=layout)
            for version in [(1, 0), (2, 0), (3, 0)]:
                name = '%s-%s-%s-v%d.npy' % (dt.str.replace('<', 'le').replace('>', 'be').replace('|', ''), 'x'.join(map(str, shape)), layout, version[0])
                with open(os.path.join(out, name), 'wb') as f:
                    np.lib.format.write_array(f, a, version=version)
                manifest.append(dict(file=name, descr=dt.str, dtype=dt.name, shape=list(shape), fortran=layout == 'F',
                                     version=version[0], rows=np.atleast_2d(a).astype(np.float64).tolist()))
print(json.dumps(manifest))
`;

interface Generated {
  file: string;
  descr: string;
  dtype: string;
  shape: number[];
  fortran: boolean;
  version: number;
  rows: number[][];
}

describe('npy files', () => {
  const dir = tempDir();
  after(() => dir.remove());

  describe('written by numpy', function () {
    let generated: Generated[] = [];
    before(function () {
      if (!HAS_NUMPY) this.skip();
      fs.mkdirSync(dir.path('numpy'));
      generated = JSON.parse(python(GENERATE, dir.path('numpy')));
    });

    for (const dtype of ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']) {
      it(`reads ${dtype} exactly: C and Fortran order, 1-D and 2-D, both byte orders, versions 1.0, 2.0 and 3.0`, () => {
        const files = generated.filter((g) => g.dtype === dtype);
        expect(files).to.have.length(dtype.endsWith('8') || dtype === 'bool' ? 9 : 18);
        for (const g of files) {
          const path = dir.path(`numpy/${g.file}`);
          const header = readNpyHeader(path);
          expect(header, g.file).to.deep.include({ shape: g.shape, dtype, descr: g.descr, fortranOrder: g.fortran });
          expect([header.rows, header.cols], g.file).to.deep.equal([g.rows.length, g.rows[0].length]);
          const m = readNpy(path);
          expect(m.data, g.file).to.be.instanceOf(dtype === 'float32' ? Float32Array : Float64Array);
          expect(toRows(m), g.file).to.deep.equal(g.rows);
          expectChunksMatch(path, 3);
        }
      });
    }

    it('writes files numpy reads: writeNpy in C order, NpyWriter in Fortran order', () => {
      const x = { rows: 2, cols: 5, data: Float64Array.of(0.1, -2, 3e30, 4, 5, 6, 7, 8, 9, 1 / 3) };
      writeNpy(dir.path('w64.npy'), x);
      writeNpy(dir.path('w32.npy'), x, 'float32');
      const writer = new NpyWriter(dir.path('wf.npy'), 2, 5, 'float64');
      writer.appendColumns({ rows: 2, cols: 3, data: Float64Array.of(0.1, -2, 3e30, 6, 7, 8) });
      writer.appendColumns({ rows: 2, cols: 2, data: Float64Array.of(4, 5, 9, 1 / 3) });
      writer.close();
      const read = python(
        `import sys, json, numpy as np
print(json.dumps([[str(a.dtype), bool(a.flags.f_contiguous), a.astype(float).tolist()] for a in map(np.load, sys.argv[1:])]))`,
        dir.path('w64.npy'),
        dir.path('w32.npy'),
        dir.path('wf.npy'),
      );
      const rows = toRows(x);
      expect(JSON.parse(read)).to.deep.equal([
        ['float64', false, rows],
        ['float32', false, toRows({ ...x, data: Float32Array.from(x.data) })],
        ['float64', true, rows],
      ]);
    });
  });

  describe('built byte by byte', () => {
    it('reads a version 1.0 float64 C-order file', () => {
      const data = new Float64Array([1.5, -2, 3, 4, 5, 6e-300]);
      const path = dir.path('c.npy');
      fs.writeFileSync(path, npyBytes(dictHeader("'<f8'", 'False', '(2, 3)'), new Uint8Array(data.buffer)));
      const header: NpyHeader = readNpyHeader(path);
      expect(header).to.deep.equal({
        shape: [2, 3],
        dtype: 'float64',
        descr: '<f8',
        fortranOrder: false,
        dataOffset: 128,
        rows: 2,
        cols: 3,
        bytesPerItem: 8,
      });
      expect(toRows(readNpy(path))).to.deep.equal([
        [1.5, -2, 3],
        [4, 5, 6e-300],
      ]);
      expectChunksMatch(path, 2);
    });

    it('reads a Fortran-order int32 file and a big-endian version 2.0 one', () => {
      const column = (values: number[], littleEndian: boolean) => {
        const view = new DataView(new ArrayBuffer(4 * values.length));
        values.forEach((v, i) => view.setInt32(4 * i, v, littleEndian));
        return new Uint8Array(view.buffer);
      };
      const columnMajor = [1, -4, 2, 5, 3, -2147483648];
      fs.writeFileSync(dir.path('f.npy'), npyBytes(dictHeader("'<i4'", 'True', '(2, 3)'), column(columnMajor, true)));
      fs.writeFileSync(dir.path('fbe.npy'), npyBytes(dictHeader("'>i4'", 'True', '(2, 3)'), column(columnMajor, false), 2));
      for (const name of ['f.npy', 'fbe.npy']) {
        const m = readNpy(dir.path(name));
        expect(m.data).to.be.instanceOf(Float64Array);
        expect(toRows(m)).to.deep.equal([
          [1, 2, 3],
          [-4, 5, -2147483648],
        ]);
        expectChunksMatch(dir.path(name), 2);
      }
    });

    it('reads the header as numpy writes it, in either quote, any spacing and key order, with or without trailing commas', () => {
      const headers: [string, number[][]][] = [
        ['{"shape":(4,),"fortran_order":False,"descr":"<f4"}', [[1, 2, 3, 4]]],
        ["{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 2 , ) , }  \n", [[1, 2], [3, 4]]],
      ];
      headers.forEach(([header, rows], i) => {
        const path = dir.path(`literal${i}.npy`);
        fs.writeFileSync(path, npyBytes(header, new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer)));
        expect(toRows(readNpy(path)), header).to.deep.equal(rows);
      });
    });

    it('refuses any other Python literal: other keys, a key twice, None, escapes, 3L, newlines in the dict', () => {
      const path = dir.path('literal.npy');
      const refused: [string, string][] = [
        [
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'extra': [None, {'a': ()}]}",
          "the header has keys 'descr', 'fortran_order', 'shape', 'extra'; expected exactly 'descr', 'fortran_order' and 'shape'",
        ],
        [
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'descr': '<f8'}",
          "the header has keys 'descr', 'fortran_order', 'shape', 'descr'; expected exactly 'descr', 'fortran_order' and 'shape'",
        ],
        ["{'descr': '<f4'}", "the header has no 'fortran_order'; expected a dict with the keys 'descr', 'fortran_order' and 'shape'"],
        ["{'descr': '<f4', 'fortran_order': None, 'shape': (4,)}", `cannot parse the header: expected a value at character 35, got "None, 'shape': (4,)}"`],
        ["{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (4,)}", "dtype '\\x3cf4' is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool"],
        ["{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 4L)}", 'cannot parse the header: expected a value at character 52, got "1L, 4L)}"'],
        ["{'descr': '<f4',\n 'fortran_order': False, 'shape': (4,)}", `cannot parse the header: expected a string key at character 17, got "\\n 'fortran_order': F"`],
      ];
      for (const [header, message] of refused) {
        fs.writeFileSync(path, npyBytes(header, new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer)));
        expectInputError(() => readNpy(path), `${path}: ${message}`);
      }
    });
  });

  describe('NpyColumnReader', () => {
    /** The (position, length) of every read on the file while `f` runs. */
    function readsDuring(f: () => void): [number, number][] {
      const reads: [number, number][] = [];
      const original = fs.readSync;
      const spy = (fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number) => {
        reads.push([position, length]);
        return original(fd, buffer, offset, length, position);
      };
      Object.assign(fs, { readSync: spy });
      try {
        f();
      } finally {
        Object.assign(fs, { readSync: original });
      }
      return reads;
    }

    it('reads only the columns asked for: one read a row in C order, one read in Fortran order', () => {
      const x = { rows: 3, cols: 100, data: Float64Array.from({ length: 300 }, (_, i) => i) };
      writeNpy(dir.path('c100.npy'), x);
      const writer = new NpyWriter(dir.path('f100.npy'), 3, 100);
      writer.appendColumns(x);
      writer.close();
      for (const [name, expected] of [
        ['c100.npy', [[128 + 8 * 10, 40], [128 + 8 * 110, 40], [128 + 8 * 210, 40]]],
        ['f100.npy', [[128 + 8 * 30, 120]]],
      ] as const) {
        const reader = new NpyColumnReader(dir.path(name));
        let chunk: Matrix | undefined;
        expect(readsDuring(() => (chunk = reader.readColumns(10, 5))), name).to.deep.equal(expected);
        reader.close();
        expect(toRows(chunk!)).to.deep.equal(columns(x, 10, 5));
      }
    });

    it('rejects columns out of range, a buffer too small, and reading after close', () => {
      const path = dir.path('small.npy');
      writeNpy(path, { rows: 2, cols: 3, data: new Float64Array(6) });
      const reader = new NpyColumnReader(path);
      expect(reader.readColumns(3, 0).cols).to.equal(0);
      expectInputError(() => reader.readColumns(2, 2), `${path}: cannot read 2 columns from column 2; the array has 3 columns`);
      expectInputError(() => reader.readColumns(-1, 1), `${path}: cannot read 1 columns from column -1; the array has 3 columns`);
      expectInputError(() => reader.readColumns(0, 2, new Float64Array(3)), `${path}: the buffer for 2×2 values holds only 3`);
      reader.close();
      expect(throws(() => reader.readColumns(0, 1)).message).to.equal(`${path}: the NpyColumnReader is closed`);
    });
  });

  describe('writing', () => {
    it('writeNpy writes C order, version 1.0, the data at a multiple of 64 bytes, keeping the data type by default', () => {
      const x = { rows: 2, cols: 3, data: Float32Array.of(0.5, 1, 2, 3, 4, 1 / 3) };
      const path = dir.path('w.npy');
      writeNpy(path, x);
      const bytes = fs.readFileSync(path);
      const { dataOffset } = readNpyHeader(path);
      expect(dataOffset % 64).to.equal(0);
      expect(bytes.subarray(0, 8).toString('latin1')).to.equal('\x93NUMPY\x01\x00');
      expect(bytes.readUInt16LE(8)).to.equal(dataOffset - 10);
      expect(bytes.subarray(10, dataOffset).toString('latin1')).to.match(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} +\n$/);
      expect(bytes.length).to.equal(dataOffset + 6 * 4);
      const m = readNpy(path);
      expect(m.data).to.be.instanceOf(Float32Array);
      expect(toRows(m)).to.deep.equal(toRows(x));
      writeNpy(path, x, 'float64');
      expect(readNpyHeader(path)).to.deep.include({ dtype: 'float64', dataOffset });
      expect(toRows(readNpy(path))).to.deep.equal(toRows(x));
    });

    it('NpyWriter appends columns in Fortran order, read back by readNpy', () => {
      const path = dir.path('appended.npy');
      const writer = new NpyWriter(path, 2, 5, 'float32');
      writer.appendColumns({ rows: 2, cols: 2, data: Float64Array.of(1, 2, 6, 7) });
      writer.appendColumns({ rows: 2, cols: 0, data: new Float64Array(0) });
      writer.appendColumns({ rows: 2, cols: 3, data: Float64Array.of(3, 4, 5, 8, 9, 0.1) });
      writer.close();
      expect(readNpyHeader(path)).to.deep.include({ fortranOrder: true, dtype: 'float32', shape: [2, 5] });
      expect(toRows(readNpy(path))).to.deep.equal([
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9, Math.fround(0.1)],
      ]);
    });

    it('NpyWriter rejects a wrong number of rows, too many columns, and too few at close', () => {
      const path = dir.path('short.npy');
      const writer = new NpyWriter(path, 2, 3);
      expectInputError(
        () => writer.appendColumns({ rows: 1, cols: 1, data: new Float64Array(1) }),
        `${path}: appendColumns got 1 rows; expected 2, as the file was opened with`,
      );
      writer.appendColumns({ rows: 2, cols: 2, data: new Float64Array(4) });
      expectInputError(
        () => writer.appendColumns({ rows: 2, cols: 2, data: new Float64Array(4) }),
        `${path}: appendColumns got 2 columns after 2; the file has room for 3`,
      );
      expectInputError(() => writer.close(), `${path}: 2 columns were written; expected 3, so the file is incomplete`);
      expectInputError(() => readNpy(path), `${path}: the data is truncated: shape (2, 3) float64 needs 48 bytes after the header, the file has 32`);
    });

    it('refuses bytes after the data: the shape does not describe the file (numpy would drop them silently)', () => {
      const path = dir.path('long.npy');
      writeNpy(path, { rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) });
      fs.appendFileSync(path, Buffer.alloc(16));
      const message = `${path}: the file has 48 bytes after the header, but shape (2, 2) float64 is 32; the shape does not describe the data (np.save writes exactly the data)`;
      expectInputError(() => readNpy(path), message);
      expectInputError(() => readNpyHeader(path), message);
    });

    it('names a missing folder', () => {
      const path = dir.path('nowhere/x.npy');
      expectInputError(() => writeNpy(path, { rows: 1, cols: 1, data: new Float64Array(1) }), `${path}: cannot create the file: no such folder`);
    });
  });

  describe('bad files', () => {
    const f8 = (n: number) => new Uint8Array(8 * n);
    const bad: [string, Buffer, string][] = [
      ['an empty file', Buffer.alloc(0), 'the file is empty; expected an npy file'],
      ['a CSV file', Buffer.from('x1,x2,y\n0,0,0\n'), 'not an npy file; expected it to start with "\\x93NUMPY", got "x1,x2,"'],
      ['a cut magic string', Buffer.from('\x93NUM', 'latin1'), 'the header is truncated: it needs 10 bytes, the file has 4'],
      ['no header length', Buffer.from('\x93NUMPY\x01\x00\x10', 'latin1'), 'the header is truncated: it needs 10 bytes, the file has 9'],
      ['version 4.0', npyBytes('{}', f8(0), 4), 'npy format version 4.0 is not supported; expected 1.0, 2.0 or 3.0'],
      ['a cut header', npyBytes(dictHeader("'<f8'", 'False', '(2, 4)')).subarray(0, 40), 'the header is truncated: it needs 128 bytes, the file has 40'],
      [
        'a header that is not Python',
        npyBytes("{'descr' = '<f8', 'fortran_order': False, 'shape': (2,)}"),
        `cannot parse the header: expected ':' at character 10, got "= '<f8', 'fortran_or"`,
      ],
      ['an unclosed string', npyBytes("{'descr': '<f8, }\n"), "cannot parse the header: expected the closing ' at character 18, got \"\\n\""],
      ['a float in the shape', npyBytes("{'shape': (2.0, 4)}"), 'cannot parse the header: expected a value at character 12, got "2.0, 4)}"'],
      ['text after the dict', npyBytes("{'descr': '<f8'} x"), 'cannot parse the header: expected the end at character 18, got "x"'],
      ['a non-string key', npyBytes("{'descr': '<f8', 3: 4}"), 'cannot parse the header: expected a string key at character 18, got "3: 4}"'],
      [
        'a header that is not a dict',
        npyBytes('[1, 2]\n'),
        `the header is not a dict; expected a dict with the keys 'descr', 'fortran_order' and 'shape', got "[1, 2]"`,
      ],
      [
        'no shape',
        npyBytes("{'descr': '<f8', 'fortran_order': False}"),
        "the header has no 'shape'; expected a dict with the keys 'descr', 'fortran_order' and 'shape'",
      ],
      ['a fortran_order of 0', npyBytes(dictHeader("'<f8'", '0', '(2,)')), "the header's 'fortran_order' is 0; expected True or False"],
      [
        'a negative dimension',
        npyBytes(dictHeader("'<f8'", 'False', '(2, -1)')),
        "the header's 'shape' is (2, -1); expected a tuple of non-negative integers",
      ],
      [
        'a shape that is not a tuple',
        npyBytes(dictHeader("'<f8'", 'False', '(4)')),
        "the header's 'shape' is (4); expected a tuple of non-negative integers",
      ],
      ['a 0-D array', npyBytes(dictHeader("'<f8'", 'False', '()'), f8(1)), 'shape () has 0 dimensions; expected a 1-D array (n,) or a 2-D array (rows, cols)'],
      [
        'a 3-D array',
        npyBytes(dictHeader("'<f8'", 'False', '(2, 3, 4)'), f8(24)),
        'shape (2, 3, 4) has 3 dimensions; expected a 1-D array (n,) or a 2-D array (rows, cols)',
      ],
      [
        'complex numbers',
        npyBytes(dictHeader("'<c16'", 'False', '(2,)')),
        "dtype '<c16' is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool",
      ],
      ['strings', npyBytes(dictHeader("'<U5'", 'False', '(2,)')), "dtype '<U5' is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool"],
      ['objects', npyBytes(dictHeader("'|O'", 'False', '(2,)')), "dtype '|O' is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool"],
      ['float16', npyBytes(dictHeader("'<f2'", 'False', '(2,)')), "dtype '<f2' is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool"],
      [
        'a structured dtype',
        npyBytes(dictHeader("[('a', '<f4'), ('b', '<i4')]", 'False', '(2,)')),
        "dtype [('a', '<f4'), ('b', '<i4')] is not supported; expected float32, float64, int8–int64, uint8–uint64 or bool",
      ],
      [
        'cut data',
        npyBytes(dictHeader("'<f8'", 'False', '(2, 4)'), f8(5)),
        'the data is truncated: shape (2, 4) float64 needs 64 bytes after the header, the file has 40',
      ],
      [
        'cut 1-D data, version 2.0',
        npyBytes(dictHeader("'|u1'", 'False', '(5,)'), new Uint8Array(4), 2),
        'the data is truncated: shape (5,) uint8 needs 5 bytes after the header, the file has 4',
      ],
    ];
    for (const [what, bytes, message] of bad) {
      it(`rejects ${what}, naming the file`, () => {
        const path = dir.path('bad.npy');
        fs.writeFileSync(path, bytes);
        expectInputError(() => readNpyHeader(path), `${path}: ${message}`);
        expectInputError(() => readNpy(path), `${path}: ${message}`);
        expectInputError(() => new NpyColumnReader(path), `${path}: ${message}`);
      });
    }

    it('rejects a missing file and a directory', () => {
      const missing = dir.path('missing.npy');
      expectInputError(() => readNpy(missing), `${missing}: no such file`);
      expectInputError(() => readNpyHeader(missing), `${missing}: no such file`);
      fs.mkdirSync(dir.path('folder.npy'));
      expectInputError(() => readNpy(dir.path('folder.npy')), `${dir.path('folder.npy')}: is a directory, expected an npy file`);
    });
  });
});
