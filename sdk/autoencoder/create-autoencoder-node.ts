/** createAutoencoder for Node (sdk/node.ts): encoder and decoder run in-process on onnxruntime-node's CPU provider. */
import { openNodeEngine } from '../node-engine.js';
import { AUTOENCODER_OPTION_NAMES } from '../options/creation-option-names.js';
import { AutoencoderEngine } from './autoencoder-engine.js';
import { LocalAutoencoder } from './local-autoencoder.js';
import type { Autoencoder, AutoencoderOptions } from './types.js';

/** Node's createAutoencoder: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createAutoencoder(options: AutoencoderOptions): Promise<Autoencoder> {
  const spec = { example: 'models/emoji-vae', names: AUTOENCODER_OPTION_NAMES, callee: 'createAutoencoder()', calls: 'encode(), decode(), reconstruct(), interpolate(), traverse()' };
  return new LocalAutoencoder(await openNodeEngine(options, spec, AutoencoderEngine.create));
}
