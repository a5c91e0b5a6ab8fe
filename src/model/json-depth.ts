import { InputError } from '../errors';
import { MODEL_DEPTH } from './format';

/** How deep a JSON text's arrays and objects nest, counting brackets outside strings (stops counting past the limit). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > MODEL_DEPTH) return deepest;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** A model's JSON text parsed, its depth checked first (a deep one would overflow the parser's stack); `where` names it in messages. */
export function parseModelText(where: string, text: string): unknown {
  const depth = jsonDepth(text);
  if (depth > MODEL_DEPTH) throw new InputError(`${where}: not a valid model: its JSON nests ${depth} levels deep; a model nests ${MODEL_DEPTH} at most`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`${where}: the text is not JSON (${(err as Error).message})`);
  }
}
