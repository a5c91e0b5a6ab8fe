import { given, InputError, option, quote } from './errors';
import { BACKENDS, GRADIENTS, KERNELS, type TrainSettings } from './network/network';

/** What is wrong with a value, said after the option's name (e.g. ` must be a finite number > 0, got -1`); undefined when it is fine. */
export type Check = (value: unknown) => string | undefined;

interface OptionRule {
  /** How the CLI spells it. */
  readonly flag: string;
  readonly default?: unknown;
  readonly check?: Check;
}

// counts stop at 2⁵³ − 1: above it, i + 1 === i in float64, and a loop counting to it would never end
const count: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? tooLarge(v as number) : ` must be a whole number ≥ 0, got ${given(v)}`;
const atLeastOne: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 1 ? tooLarge(v as number) : ` must be a whole number ≥ 1, got ${given(v)}`;
const tooLarge = (v: number) => (Number.isSafeInteger(v) ? undefined : ` must be at most ${Number.MAX_SAFE_INTEGER} (2⁵³ − 1), got ${given(v)}`);
const positive: Check = (v) => (Number.isFinite(v) && (v as number) > 0 ? undefined : ` must be a finite number > 0, got ${given(v)}`);
const finite: Check = (v) => (Number.isFinite(v) ? undefined : ` must be a finite number, got ${given(v)}`);
const fraction: Check = (v) =>
  typeof v === 'number' && v > 0 && v < 1 ? undefined : ` must be a fraction between 0 and 1 (exclusive), got ${given(v)}`;
/** A seed is a 32-bit unsigned integer (src/random.ts); a larger one would silently wrap around. */
const seedRule: Check = (v) =>
  !(Number.isInteger(v) && (v as number) >= 0)
    ? ` must be a whole number ≥ 0, got ${given(v)}`
    : (v as number) <= MAX_SEED
      ? undefined
      : ` must be a whole number from 0 to ${MAX_SEED} (2³² − 1), got ${given(v)}`;
const oneOf =
  (values: readonly string[], noun: string, join: string): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `: ${typeof v === 'string' ? quote(v) : given(v)} is not ${noun}; expected ${values.join(join)}`;

/** A list of column names: non-empty strings. */
export const names: Check = (v) => {
  if (!(Array.isArray(v) && v.every((name) => typeof name === 'string' && name !== ''))) return ` must be a list of column names (string[]), got ${given(v)}`;
  const twice = v.find((name, i) => v.indexOf(name) !== i);
  return twice === undefined ? undefined : ` names the column ${quote(twice)} twice; give each once`;
};
export const bool: Check = (v) => (typeof v === 'boolean' ? undefined : ` must be true or false, got ${given(v)}`);
export const fn: Check = (v) => (typeof v === 'function' ? undefined : ` must be a function, got ${given(v)}`);
export const text: Check = (v) => (typeof v === 'string' ? undefined : ` must be text, got ${given(v)}`);
/** A file name: text, not empty, without the NUL character no file name holds (Node's fs would throw a TypeError). */
export const filePath: Check = (v) =>
  typeof v !== 'string' || v === '' ? ` must be a file name, got ${v === '' ? 'an empty text' : given(v)}` : v.includes('\0') ? ` must be a file name, got one with a NUL character (${given(v)})` : undefined;

/**
 * Checks the options argument of a library call (`where`, e.g. `Classifier.create`): undefined, or
 * an object whose every key is one of `rules` and whose defined values pass that key's rule (none:
 * checked where it is used). Anything else is an {@link InputError} naming the option, so that
 * `null`, a misspelt key or a wrong type is said at the call, not as a TypeError deep inside.
 */
export function checkOptionsObject(where: string, options: unknown, rules: Readonly<Record<string, Check | undefined>>): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InputError(`${where}: the options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : given(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(rules, key)) throw new InputError(`${where}: unknown option ${quote(key)}; expected one of ${Object.keys(rules).join(', ')}`);
    const problem = value === undefined ? undefined : rules[key]?.(value);
    if (problem !== undefined) throw new InputError(option(key), problem);
  }
}

/** The rules of these keys of {@link OPTIONS}, for {@link checkOptionsObject}. */
export function rulesOf<K extends OptionKey>(...keys: K[]): Record<K, Check | undefined> {
  return Object.fromEntries(keys.map((key) => [key, (OPTIONS[key] as OptionRule).check])) as Record<K, Check | undefined>;
}

/** The largest seed: 2³² − 1. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Every option of the library and the CLI, once: its key (the library's name), its CLI flag, its
 * default and its rule. The library checks values with {@link checkOption} and names options by
 * key; the CLI parses text into values, checks them with the same rules, and prints flags.
 */
export const OPTIONS = {
  backend: { flag: '--backend', default: 'auto', check: oneOf(['auto', ...BACKENDS], 'a backend', ', ') },
  learningRate: { flag: '--lr', default: 0.1, check: positive },
  iterations: { flag: '--iterations', default: 1000, check: count },
  weights: { flag: '--weights' },
  bias: { flag: '--bias', default: 0, check: finite },
  gradient: { flag: '--gradient', default: 'article', check: oneOf(GRADIENTS, 'a gradient', ' or ') },
  kernels: { flag: '--kernels', default: 'fused', check: oneOf(KERNELS, 'a choice', ', ') },
  chunkSamples: { flag: '--chunk-samples', check: atLeastOne },
  untilNoError: { flag: '--until-no-error' },
  trace: { flag: '--trace' },
  testSplit: { flag: '--test-split', check: fraction },
  seed: { flag: '--seed', default: 1, check: seedRule },
  features: { flag: '--features', check: atLeastOne },
  samples: { flag: '--samples', check: atLeastOne },
  labels: { flag: '--label' },
  ignore: { flag: '--ignore' },
  positive: { flag: '--positive' },
  standardize: { flag: '--standardize' },
  pocket: { flag: '--pocket' },
  predictions: { flag: '--predictions' },
  out: { flag: '--out' },
  data: { flag: '--data' },
  sql: { flag: '--sql' },
  db: { flag: '--db' },
  explainSql: { flag: '--explain-sql' },
  x: { flag: '--x' },
  y: { flag: '--y' },
  dataset: { flag: '--dataset' },
  model: { flag: '--model' },
  save: { flag: '--save' },
  exportTfjs: { flag: '--export-tfjs' },
  plot: { flag: '--plot' },
} as const satisfies Record<string, OptionRule>;

export type OptionKey = keyof typeof OPTIONS;

/**
 * `value` when it keeps its option's rule, else an {@link InputError} naming the option. An option
 * whose value cannot be judged alone (weights: against the data; trace: against the iterations; a
 * file or a database: when it is opened) has no rule here, and is refused: checkOption says yes
 * only to what it checked.
 */
export function checkOption<T>(key: OptionKey, value: T): T {
  if (typeof key !== 'string' || !Object.hasOwn(OPTIONS, key)) throw new InputError(`checkOption: unknown option ${given(key)}; expected one of ${Object.keys(OPTIONS).join(', ')}`);
  const rule: OptionRule = OPTIONS[key];
  if (rule.check === undefined) {
    const ruled = Object.entries(OPTIONS).filter(([, r]) => (r as OptionRule).check !== undefined).map(([k]) => k);
    throw new InputError(`checkOption: ${quote(key)} has no rule to check a value by alone (it is checked where it is used); the options it checks are ${ruled.join(', ')}`);
  }
  const problem = rule.check?.(value);
  if (problem !== undefined) throw new InputError(option(key), problem);
  return value;
}

/** `value`, or the option's default when it is undefined, checked. */
export function optionOrDefault<T>(key: OptionKey, value: T | undefined): T {
  const rule: OptionRule = OPTIONS[key];
  return checkOption(key, value === undefined ? (rule.default as T) : value);
}

/** The CLI flag of an option key (the key itself when it has none). */
export function flagOf(key: string): string {
  return key in OPTIONS ? OPTIONS[key as OptionKey].flag : key;
}

/** The rules of {@link TrainSettings}, for `train` and `trainAsync` (and, without a and gradient, `fit`). */
export const TRAIN_RULES: Readonly<Record<keyof TrainSettings, Check | undefined>> = {
  a: OPTIONS.learningRate.check,
  iterations: OPTIONS.iterations.check,
  gradient: OPTIONS.gradient.check,
  chunkSamples: OPTIONS.chunkSamples.check,
  statsEvery: OPTIONS.iterations.check,
  lossAt: fn,
  untilNoError: bool,
  pocket: bool,
  finalStats: bool,
  onIteration: fn,
  shouldStop: fn,
  trace: fn,
  onTrace: fn,
};
