import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { UsageError } from '../errors/index.js';
import { registerWebgenWasmKernels } from './kernels/register.js';
import { startWasmWithThreads } from './wasm-threads.js';

/** A tfjs backend the trainer can run on; 'auto' takes the first available in this order. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface SelectBackendOptions {
  /** Which backend to use. 'auto' tries tensorflow-gpu → tensorflow → wasm → cpu; an explicit
   * choice that cannot load throws a UsageError. Default 'auto'. */
  prefer?: BackendChoice;
  /** wasm only: XNNPACK threads (at most 8). Values > 1 force tfjs' threaded wasm build, which
   * tfjs disables under Node (see wasm-threads.ts); 2 threads took a U-Net step from 5.0 s to
   * 3.1 s. Only honoured the first time wasm starts in this process. Default 1. */
  threads?: number;
  /** Where the one-line summary goes. Default console.log. */
  log?: (line: string) => void;
}

export interface SelectedBackend {
  /** tfjs backend name: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable details, e.g. 'SIMD, 2 threads, webgen kernels: Conv2DBackpropFilter, …'. */
  detail: string;
}

/** How to get each native backend, quoted in errors. */
const HOW_TO_GET: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': 'install @tensorflow/tfjs-node-gpu 4.22 with CUDA 11.2 and cuDNN 8.1 (Linux x64)',
  tensorflow: 'install @tensorflow/tfjs-node 4.22 (prebuilt for Linux, macOS and Windows x64)',
};

const NATIVE_PACKAGE: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/**
 * Picks and initialises the tfjs backend for training, logs one line describing it, and
 * returns its name. Safe to call more than once (later calls switch backend if asked to).
 */
export async function selectBackend(opts: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const prefer = opts.prefer ?? 'auto';
  const log = opts.log ?? ((line: string) => console.log(line));
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new UsageError(`'threads' must be an integer in [1, 8], got ${threads}`);
  }
  const choices: Exclude<BackendChoice, 'auto'>[] =
    prefer === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [prefer];
  if (!choices.every((c) => ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(c))) {
    throw new UsageError(`'prefer' must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu; got '${prefer}'`);
  }

  const failures: string[] = [];
  for (const choice of choices) {
    let selected: SelectedBackend | null = null;
    try {
      selected = await trySelect(choice, threads);
    } catch (e) {
      failures.push(`${choice}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (selected != null) {
      log(`backend: ${selected.name} (${selected.detail})`);
      return selected;
    }
    if (prefer !== 'auto') {
      const how = choice === 'tensorflow-gpu' || choice === 'tensorflow' ? HOW_TO_GET[choice] : 'check the tfjs install';
      throw new UsageError(
        `backend '${choice}' is not available: ${how}, or use 'auto'` + (failures.length ? ` (${failures.join('; ')})` : ''),
      );
    }
  }
  // cpu always exists in @tensorflow/tfjs, so this is a broken install.
  throw new UsageError(`no tfjs backend could start (${failures.join('; ')}); reinstall @tensorflow/tfjs`);
}

/** Starts one backend; null (or a throw) when it is not available here. */
async function trySelect(choice: Exclude<BackendChoice, 'auto'>, threads: number): Promise<SelectedBackend | null> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      if (tf.findBackend('tensorflow') == null) {
        // Optional dependencies, usually absent: a variable specifier keeps bundlers and tsc from
        // requiring them. tfjs-node-gpu registers the same 'tensorflow' backend name.
        const specifier = NATIVE_PACKAGE[choice];
        await import(specifier);
        nativePackage = specifier;
      } else if (choice === 'tensorflow-gpu' && nativePackage !== NATIVE_PACKAGE['tensorflow-gpu']) {
        return null; // the CPU build is loaded; the GPU build cannot be loaded beside it
      }
      if (!(await tf.setBackend('tensorflow'))) return null;
      await tf.ready();
      return { name: 'tensorflow', detail: nativePackage ?? 'native TensorFlow' };
    }
    case 'wasm': {
      const firstStart = tf.engine().registry['wasm'] == null;
      if (firstStart) {
        // The .wasm binaries sit beside the package's node entry point.
        const require = createRequire(import.meta.url);
        setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
      }
      registerWebgenWasmKernels();
      const start = () => tf.setBackend('wasm');
      const ok = firstStart && threads > 1 ? await startWasmWithThreads(threads, start) : await start();
      if (!ok) return null;
      await tf.ready();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const kernels = registerWebgenWasmKernels();
      const n = getThreadsCount();
      return {
        name: 'wasm',
        detail: `${simd ? 'SIMD' : 'no SIMD'}, ${n} thread${n === 1 ? '' : 's'}, webgen kernels: ${kernels.join(', ')}`,
      };
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) return null;
      await tf.ready();
      return { name: 'cpu', detail: 'plain JavaScript, slow: for tests and reference only' };
    }
  }
}

/** Which native package provides the 'tensorflow' backend in this process, once loaded. */
let nativePackage: string | null = null;
