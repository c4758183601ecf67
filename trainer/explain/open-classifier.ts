/**
 * A shipped classifier (manifest kind 'classifier': models/mnist-classifier, shapes-classifier, emoji-judge) back as a
 * trainable ClassifierNet, for explanations that need tfjs' gradients: the architecture is read from the ONNX file's
 * initializers (widths, feature size, pooled grid, classes) and the weights loaded from it (load-onnx-weights.ts).
 */
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Manifest } from '../../sdk/manifest/types.js';
import { UsageError } from '../errors/usage-error.js';
import { loadOnnxWeights } from '../export/load-onnx-weights.js';
import { verifyModelFolder } from '../export/model-folder.js';
import { readOnnxModel } from '../export/onnx-proto.js';
import { ClassifierNet } from '../models/classifier-net.js';

export async function openClassifierNet(dir: string, flag = '--model'): Promise<{ net: ClassifierNet; manifest: Manifest; onnxPath: string }> {
  const abs = resolve(dir);
  const manifest = await verifyModelFolder(abs);
  const file = manifest.files.classifier;
  if (manifest.kind !== 'classifier' || !file) throw new UsageError(`${flag} ${dir}: needs a classifier model folder (kind 'classifier', e.g. models/mnist-classifier), got kind '${manifest.kind}'`);
  const onnxPath = join(abs, file.path);
  const dims = new Map((readOnnxModel(new Uint8Array(await readFile(onnxPath))).graph?.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  const get = (name: string) => {
    const d = dims.get(name);
    if (!d) throw new UsageError(`${flag} ${dir}: ${file.path} has no weight '${name}': not a webgen classifier`);
    return d;
  };
  const w0 = get('block0.conv.kernel')[0]!;
  const w1 = get('block1.conv.conv.kernel')[0]!;
  const w2 = get('block3.conv.conv.kernel')[0]!;
  const [pooledDim, featureDim] = get('features.kernel') as [number, number];
  const numClasses = get('head.kernel')[1]!;
  const poolGrid = Math.round(Math.sqrt(pooledDim / w2));
  const groups = Number((manifest.training?.config as { groups?: number } | undefined)?.groups ?? 8);
  const net = new ClassifierNet({ imageSize: manifest.image.width, inChannels: manifest.image.channels, numClasses, widths: [w0, w1, w2], featureDim, poolGrid, groups });
  await loadOnnxWeights(net, onnxPath);
  return { net, manifest, onnxPath };
}
