/** createClassifier for Node (sdk/node.ts): the classifier runs in-process on onnxruntime-node's CPU provider. */
import { openNodeEngine } from '../node-engine.js';
import { CREATE_CLASSIFIER } from './classifier-base.js';
import { ClassifierEngine } from './classifier-engine.js';
import { LocalClassifier } from './local-classifier.js';
import type { Classifier, ClassifierOptions } from './types.js';

/** Node's createClassifier: `backend` may be 'auto' or omitted; `cache` is ignored. */
export async function createClassifier(options: ClassifierOptions): Promise<Classifier> {
  return new LocalClassifier(await openNodeEngine(options, { ...CREATE_CLASSIFIER, example: 'models/mnist-classifier' }, ClassifierEngine.create));
}
