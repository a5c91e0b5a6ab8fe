import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, option } from '../errors';
import type { OptionKey } from '../options';
import { DECIMAL } from '../validate';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with its errors turned into one-line {@link InputError}s,
 * and negative numbers accepted as option values (`--bias -1`).
 */
export function parseOptions<T extends Options>(argv: readonly string[], options: T) {
  const args = joinNegativeValues(argv, options);
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new InputError(describeParseError(err));
  }
}

/** `--opt -3` → `--opt=-3` for options that take a value, so a negative number is not read as an option. */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}": every option starts with -- (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.split(' ')[0];
      if (/argument missing|argument is ambiguous/.test(message)) return `${option} needs a value`;
      if (/does not take an argument/.test(message)) return `${option} takes no value`;
      return message.split('. ')[0];
    }
    default:
      return message.split('\n')[0];
  }
}

/** A number written in decimal (or with an exponent), for option `key`. */
export function parseNumber(key: OptionKey, text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new InputError(option(key), `: "${text}" is not a number`);
  return Number(t);
}

/** A comma-separated list of numbers, for option `key`. */
export function parseNumberList(key: OptionKey, text: string): number[] {
  return text.split(',').map((part) => parseNumber(key, part));
}

/** A comma-separated list of names, for option `key`. */
export function parseNameList(key: OptionKey, text: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new InputError(option(key), `: "${text}" has an empty name`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(option(key), `: "${twice}" is named twice`);
  return names;
}
