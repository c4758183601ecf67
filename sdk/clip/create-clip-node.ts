/** createClip for Node (sdk/node.ts): both encoders run in-process on onnxruntime-node's CPU provider. */
import { openNodeEngine } from '../node-engine.js';
import { CREATE_CLIP } from './clip-base.js';
import { ClipEngine } from './clip-engine.js';
import { LocalClip } from './local-clip.js';
import type { Clip, ClipOptions } from './types.js';

/** Node's createClip: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createClip(options: ClipOptions): Promise<Clip> {
  return new LocalClip(await openNodeEngine(options, { ...CREATE_CLIP, example: 'models/emoji-clip' }, ClipEngine.create));
}
