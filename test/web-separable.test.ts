import { expect } from 'chai';
import { hull, linearlySeparable, type Point } from '../web/separable';

const pts = (...rows: [number, number, 0 | 1][]): Point[] => rows.map(([x1, x2, y]) => ({ x1, x2, y }));

describe("the page's separability check (web/separable.ts)", () => {
  it('AND, OR and NAND are separable; XOR is not', () => {
    const gate = (ys: (0 | 1)[]) => pts([0, 0, ys[0]], [1, 0, ys[1]], [0, 1, ys[2]], [1, 1, ys[3]]);
    expect(linearlySeparable(gate([0, 0, 0, 1])), 'AND').to.equal(true);
    expect(linearlySeparable(gate([0, 1, 1, 1])), 'OR').to.equal(true);
    expect(linearlySeparable(gate([1, 1, 1, 0])), 'NAND').to.equal(true);
    expect(linearlySeparable(gate([0, 1, 1, 0])), 'XOR').to.equal(false);
  });

  it('one class only, or one point each, is separable; the same point in both classes is not', () => {
    expect(linearlySeparable(pts([0, 0, 1], [1, 1, 1]))).to.equal(true);
    expect(linearlySeparable(pts([0, 0, 1], [1, 1, 0]))).to.equal(true);
    expect(linearlySeparable(pts([0.5, 0.5, 1], [0.5, 0.5, 0]))).to.equal(false);
  });

  it('touching is meeting: a 0 on the segment between two 1s, or on a 1s triangle edge, is not separable', () => {
    expect(linearlySeparable(pts([0, 0, 1], [2, 2, 1], [1, 1, 0]))).to.equal(false);
    expect(linearlySeparable(pts([0, 0, 1], [2, 0, 1], [1, 2, 1], [1, 0, 0]))).to.equal(false);
    // just off the edge, outside the triangle: separable
    expect(linearlySeparable(pts([0, 0, 1], [2, 0, 1], [1, 2, 1], [1, -0.01, 0]))).to.equal(true);
  });

  it('crossing segments (a 1–1 segment through a 0–0 segment) are not separable; parallel ones are', () => {
    expect(linearlySeparable(pts([0, 0, 1], [2, 2, 1], [0, 2, 0], [2, 0, 0]))).to.equal(false);
    expect(linearlySeparable(pts([0, 0, 1], [2, 0, 1], [0, 1, 0], [2, 1, 0]))).to.equal(true);
  });

  it('a 0 inside a ring of 1s is not separable', () => {
    const ring = Array.from({ length: 8 }, (_, k): [number, number, 0 | 1] => [Math.cos((k * Math.PI) / 4), Math.sin((k * Math.PI) / 4), 1]);
    expect(linearlySeparable(pts(...ring, [0.1, -0.2, 0]))).to.equal(false);
    expect(linearlySeparable(pts(...ring, [3, 0, 0]))).to.equal(true);
  });

  it('hull: counter-clockwise, without inner or collinear points', () => {
    expect(hull([[0, 0], [1, 0], [2, 0], [1, 1], [1, 0.2]])).to.deep.equal([[0, 0], [2, 0], [1, 1]]);
    expect(hull([[0, 0], [1, 1], [2, 2]])).to.deep.equal([[0, 0], [2, 2]]);
  });
});
