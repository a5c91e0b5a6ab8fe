import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, option, quote, shown, shownList, VALUE_WIDTH } from '../errors';
import type { OptionKey } from '../options';
import { DECIMAL } from '../validate';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with its errors turned into one-line {@link InputError}s,
 * and negative numbers accepted as option values (`--bias -1`). An option that takes a value may
 * be given once: `--data a --data b` is an error, not "the last one wins" (booleans may repeat).
 */
export function parseOptions<T extends Options>(argv: readonly string[], options: T) {
  const args = joinNegativeValues(argv, options);
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    throw new InputError(describeParseError(err, args, options));
  }
  checkGivenOnce(parsed.tokens, options);
  return parsed.values;
}

/** `--opt -3` → `--opt=-3` for options that take a value, so a negative number is not read as an option. */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const next = argv[i + 1];
    if (name && Object.hasOwn(options, name) && options[name].type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** Each option that takes a value is given at most once. */
function checkGivenOnce(tokens: readonly Token[], options: Options): void {
  const given = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option' || options[token.name]?.type !== 'string') continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, values] of given) {
    if (values.length > 1) {
      const times = values.length === 2 ? 'twice' : `${values.length} times`;
      throw new InputError(`--${name} is given ${times} (${shownList(values, { quoted: true, width: VALUE_WIDTH })}); give it once`);
    }
  }
}

/**
 * The first problem strict parsing found, said in our words. The arguments are read again without
 * strict checks, in order, to name the culprit exactly; node's own message is the fallback.
 */
function describeParseError(err: unknown, args: readonly string[], options: Options): string {
  let tokens: readonly Token[] = [];
  try {
    tokens = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch {
    // fall through to node's message
  }
  for (const token of tokens) {
    if (token.kind === 'positional') return `unexpected argument ${quote(token.value)}: every option starts with -- (see --help)`;
    if (token.kind !== 'option') continue;
    const flag = shown(token.rawName);
    const config = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!config) return `unknown option ${flag} (see --help)`;
    if (config.type === 'string' && token.value === undefined) return `${flag} needs a value`;
    if (config.type === 'string' && token.value !== undefined && !token.inlineValue && token.value.length > 1 && token.value.startsWith('-')) {
      // "--lr --json", or a value that begins with a dash ("-- a comment" in SQL, "-1")
      return `${flag} needs a value; one that begins with - is given as ${flag}=VALUE`;
    }
    if (config.type === 'boolean' && token.value !== undefined) return `${flag} takes no value`;
  }
  const e = err as { message?: string };
  return shown((e.message ?? String(err)).split('. ')[0], 200);
}

/** A number written in decimal (or with an exponent), for option `key`. */
export function parseNumber(key: OptionKey, text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new InputError(option(key), `: ${quote(text)} is not a number`);
  return Number(t);
}

/** A comma-separated list of finite numbers, for option `key` (`1e400` is refused, naming the option). */
export function parseNumberList(key: OptionKey, text: string): number[] {
  return text.split(',').map((part) => {
    const value = parseNumber(key, part);
    if (!Number.isFinite(value)) throw new InputError(option(key), `: ${quote(part.trim())} is not a finite number`);
    return value;
  });
}

/** A comma-separated list of names, for option `key`. */
export function parseNameList(key: OptionKey, text: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new InputError(option(key), `: ${quote(text)} has an empty name`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InputError(option(key), `: ${quote(twice)} is named twice`);
  return names;
}
