/** The page's built-in data: the logic gates on the corners of the unit square, the article's AND first. */
import type { Point } from './separable';

export type PresetName = 'and' | 'or' | 'nand' | 'xor';

export interface Preset {
  readonly name: PresetName;
  /** How the page names it ("the article's AND gate"). */
  readonly title: string;
  /** y at (0,0), (1,0), (0,1), (1,1): the article's x = [[0,1,0,1],[0,0,1,1]]. */
  readonly y: readonly [0 | 1, 0 | 1, 0 | 1, 0 | 1];
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  and: { name: 'and', title: "the article's AND gate", y: [0, 0, 0, 1] },
  or: { name: 'or', title: 'the OR gate', y: [0, 1, 1, 1] },
  nand: { name: 'nand', title: 'the NAND gate', y: [1, 1, 1, 0] },
  xor: { name: 'xor', title: 'the XOR gate', y: [0, 1, 1, 0] },
};

/** The preset's four samples, in the article's order of x's columns. */
export function presetPoints(preset: Preset): Point[] {
  const corners: [number, number][] = [[0, 0], [1, 0], [0, 1], [1, 1]];
  return corners.map(([x1, x2], j) => ({ x1, x2, y: preset.y[j] }));
}
