/**
 * Whether a straight line can separate two classes of points in the plane: the question a
 * network with no hidden layer answers with W1·x1 + W2·x2 + b = 0. It can iff the convex hulls of
 * the two classes do not meet (touching counts as meeting: a point on the line is class 1 for
 * the article's `s >= 0.5`, so the line cannot pass through points of both classes).
 */

/** One sample of the page's two-feature data. */
export interface Point {
  readonly x1: number;
  readonly x2: number;
  readonly y: 0 | 1;
}

type P = readonly [number, number];

/** True when some straight line has every y = 1 point on one side and every y = 0 point on the other. */
export function linearlySeparable(points: readonly Point[]): boolean {
  const ones = points.filter((p) => p.y === 1).map((p): P => [p.x1, p.x2]);
  const zeros = points.filter((p) => p.y === 0).map((p): P => [p.x1, p.x2]);
  if (ones.length === 0 || zeros.length === 0) return true;
  const scale = Math.max(1e-300, ...points.map((p) => Math.max(Math.abs(p.x1), Math.abs(p.x2))));
  // cross products within rounding of 0 count as 0 (collinear, touching): not separable
  const eps = 1e-12 * scale * scale;
  return !hullsMeet(hull(ones), hull(zeros), eps);
}

const cross = (o: P, a: P, b: P) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** The convex hull, counter-clockwise, without collinear points (Andrew's monotone chain): 1, 2 or ≥ 3 vertices. */
export function hull(points: readonly P[]): P[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const unique = sorted.filter((p, i) => i === 0 || p[0] !== sorted[i - 1][0] || p[1] !== sorted[i - 1][1]);
  if (unique.length <= 2) return unique;
  const chain = (pts: P[]) => {
    const out: P[] = [];
    for (const p of pts) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const h = [...chain(unique), ...chain([...unique].reverse())];
  return h.length >= 2 ? h : unique.slice(0, 1);
}

const sign = (v: number, eps: number) => (v > eps ? 1 : v < -eps ? -1 : 0);

/** p on the closed segment a–b. */
function onSegment(p: P, a: P, b: P, eps: number): boolean {
  return (
    sign(cross(a, b, p), eps) === 0 &&
    Math.min(a[0], b[0]) - 1e-12 <= p[0] && p[0] <= Math.max(a[0], b[0]) + 1e-12 &&
    Math.min(a[1], b[1]) - 1e-12 <= p[1] && p[1] <= Math.max(a[1], b[1]) + 1e-12
  );
}

function segmentsMeet(a: P, b: P, c: P, d: P, eps: number): boolean {
  const [o1, o2, o3, o4] = [sign(cross(a, b, c), eps), sign(cross(a, b, d), eps), sign(cross(c, d, a), eps), sign(cross(c, d, b), eps)];
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  return onSegment(c, a, b, eps) || onSegment(d, a, b, eps) || onSegment(a, c, d, eps) || onSegment(b, c, d, eps);
}

/** p inside or on a hull (1, 2 or ≥ 3 counter-clockwise vertices). */
function inHull(p: P, h: readonly P[], eps: number): boolean {
  if (h.length === 1) return Math.abs(p[0] - h[0][0]) <= 1e-12 && Math.abs(p[1] - h[0][1]) <= 1e-12;
  if (h.length === 2) return onSegment(p, h[0], h[1], eps);
  return h.every((a, i) => cross(a, h[(i + 1) % h.length], p) >= -eps);
}

const edges = (h: readonly P[]): [P, P][] => (h.length < 2 ? [] : h.length === 2 ? [[h[0], h[1]]] : h.map((a, i) => [a, h[(i + 1) % h.length]]));

function hullsMeet(a: readonly P[], b: readonly P[], eps: number): boolean {
  if (a.some((p) => inHull(p, b, eps)) || b.some((p) => inHull(p, a, eps))) return true;
  return edges(a).some(([p, q]) => edges(b).some(([r, t]) => segmentsMeet(p, q, r, t, eps)));
}
