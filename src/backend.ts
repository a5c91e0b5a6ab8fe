import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { given, InputError, option, quote } from './errors';
import type { TensorBackend } from './network/network';

/** Which tfjs backend runs, and why (for `auto`, what was tried before it). */
export interface BackendChoice {
  readonly backend: TensorBackend;
  readonly reason: string;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

// We say which backend runs and why; tfjs's own "install tfjs-node" banner on stderr would only confuse.
tf.enableProdMode();

/**
 * Loads and activates a tfjs backend.
 *
 * `auto` picks `tensorflow` (native, from @tensorflow/tfjs-node) when that package loads,
 * else `wasm`, else `cpu`. Asking for a backend that cannot load throws an {@link InputError}
 * naming the reason.
 */
export async function useBackend(request: TensorBackend | 'auto'): Promise<BackendChoice> {
  const choices = ['auto', 'tensorflow', 'wasm', 'cpu'];
  if (!choices.includes(request)) {
    throw new InputError('useBackend: ', typeof request === 'string' ? quote(request) : given(request), ` is not a tfjs backend; expected ${choices.join(', ')} (plain and sql need none)`);
  }
  if (request !== 'auto') {
    const failure = await activate(request);
    if (failure !== undefined) throw new InputError(option('backend'), ` ${request}: ${failure}`);
    return { backend: request, reason: 'asked for' };
  }
  const skipped: string[] = [];
  for (const candidate of ['tensorflow', 'wasm', 'cpu'] as const) {
    const failure = await activate(candidate);
    if (failure === undefined) {
      return { backend: candidate, reason: skipped.length ? `auto: ${skipped.join('; ')}` : 'auto' };
    }
    skipped.push(`${candidate} unavailable (${shortReason(candidate, failure)})`);
  }
  throw new Error(`no tfjs backend could be loaded: ${skipped.join('; ')}`);
}

/** Activates one backend; returns why it cannot run, or undefined when it is active. */
async function activate(backend: TensorBackend): Promise<string | undefined> {
  if (tf.getBackend() === backend && tf.engine().backendName === backend) return undefined;
  try {
    if (backend === 'tensorflow') loadTfjsNode();
    if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend(backend);
    if (!ok) return `tfjs could not initialise the ${backend} backend`;
    await tf.ready();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function loadTfjsNode(): void {
  try {
    require(TFJS_NODE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${TFJS_NODE}'`)) {
      throw new Error(
        `${TFJS_NODE} is not installed (its install downloads libtensorflow, which failed or was skipped); ` +
          `install it with \`npm install ${TFJS_NODE}\` where that download is reachable, ` +
          'or point TFJS_NODE_CDN_STORAGE / TFJS_NODE_BASE_URI at a mirror first',
      );
    }
    throw new Error(`${TFJS_NODE} is installed but failed to load: ${message.split('\n')[0]}`);
  }
}

function shortReason(backend: TensorBackend, failure: string): string {
  if (backend === 'tensorflow' && failure.startsWith(`${TFJS_NODE} is not installed`)) {
    return `${TFJS_NODE} is not installed`;
  }
  return failure;
}
