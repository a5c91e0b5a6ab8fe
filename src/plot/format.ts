import { extname } from 'node:path';
import { InputError, option } from '../errors';

/**
 * The image format a plot path asks for, by its extension (`.svg` or `.png`, any case).
 * Kept apart from the renderer so the CLI can check a path before loading vega.
 */
export function plotFormat(path: string): 'svg' | 'png' {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new InputError(option('plot'), `: "${path}" must end in .svg or .png`);
  return ext === '.svg' ? 'svg' : 'png';
}
