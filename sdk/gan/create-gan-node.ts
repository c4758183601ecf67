/** createGan for Node (sdk/node.ts): the generator runs in-process on onnxruntime-node's CPU provider. */
import { openNodeEngine } from '../node-engine.js';
import { GAN_OPTION_NAMES } from '../options/creation-option-names.js';
import { GanEngine } from './gan-engine.js';
import { LocalGan } from './local-gan.js';
import type { Gan, GanOptions } from './types.js';

/** Node's createGan: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createGan(options: GanOptions): Promise<Gan> {
  const spec = { example: 'models/mnist-dcgan', names: GAN_OPTION_NAMES, callee: 'createGan()', calls: 'generate(), interpolate()' };
  return new LocalGan(await openNodeEngine(options, spec, GanEngine.create));
}
