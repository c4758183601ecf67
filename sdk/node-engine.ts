/**
 * The Node create functions of one-engine model kinds (createGan, createAutoencoder): check the signal, read the
 * model (node-model.ts), open the engine on onnxruntime-node, and stop with AbortError at each step the signal fired.
 */
import { AbortError } from './errors/abort-error.js';
import { InvalidInputError } from './errors/invalid-input-error.js';
import type { OrtRuntime } from './generator/runtime.js';
import type { Manifest } from './manifest/types.js';
import { openNodeModel } from './node-model.js';
import type { GeneratorOptions } from './types.js';

/** Who is being created, for the option checks and their messages. */
export interface NodeEngineSpec {
  /** The model of the error messages' example ('models/mnist-dcgan'). */
  example: string;
  /** Accepted option names. */
  names: readonly string[];
  /** 'createGan()'. */
  callee: string;
  /** The methods of the created object ('generate(), interpolate()'), for options given to the wrong place. */
  calls: string;
}

export async function openNodeEngine<E extends { dispose(): Promise<void> }>(
  options: GeneratorOptions & { signal?: AbortSignal },
  spec: NodeEngineSpec,
  create: (manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime) => Promise<E>,
): Promise<E> {
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  if (signal?.aborted) throw new AbortError();
  const { loaded, runtime, ready } = await openNodeModel(options, spec.example, spec.names, spec.callee, spec.calls);
  if (signal?.aborted) throw new AbortError();
  const engine = await create(loaded.manifest, loaded.files, runtime);
  if (signal?.aborted) {
    await engine.dispose();
    throw new AbortError();
  }
  ready();
  return engine;
}
