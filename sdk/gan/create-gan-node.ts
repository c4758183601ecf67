/** createGan for Node (sdk/node.ts): the generator runs in-process on onnxruntime-node's CPU provider. */
import { AbortError } from '../errors/abort-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { openNodeModel } from '../node-model.js';
import { GAN_OPTION_NAMES } from '../options/creation-option-names.js';
import { GanEngine } from './gan-engine.js';
import { LocalGan } from './local-gan.js';
import type { Gan, GanOptions } from './types.js';

/** Node's createGan: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createGan(options: GanOptions): Promise<Gan> {
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  if (signal?.aborted) throw new AbortError();
  const { loaded, runtime, ready } = await openNodeModel(options, 'models/mnist-dcgan', GAN_OPTION_NAMES, 'createGan()', 'generate(), interpolate()');
  if (signal?.aborted) throw new AbortError();
  const engine = await GanEngine.create(loaded.manifest, loaded.files, runtime);
  if (signal?.aborted) {
    await engine.dispose();
    throw new AbortError();
  }
  ready();
  return new LocalGan(engine);
}
