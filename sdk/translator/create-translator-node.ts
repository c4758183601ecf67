/** createTranslator for Node (sdk/node.ts): the translator runs in-process on onnxruntime-node's CPU provider. */
import { openNodeEngine } from '../node-engine.js';
import { CREATE_TRANSLATOR } from './translator-base.js';
import { TranslatorEngine } from './translator-engine.js';
import { LocalTranslator } from './local-translator.js';
import type { Translator, TranslatorOptions } from './types.js';

/** Node's createTranslator: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createTranslator(options: TranslatorOptions): Promise<Translator> {
  return new LocalTranslator(await openNodeEngine(options, { ...CREATE_TRANSLATOR, example: 'models/emoji-pix2pix' }, TranslatorEngine.create));
}
