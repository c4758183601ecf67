/**
 * The way back from an exported file to trainable weights: a module's variables filled from an ONNX model that
 * webgen's exporter wrote for the same architecture (initializers are named by variable path; trainer/nn/module.ts
 * exportParam). Conv kernels come back from ONNX's OIHW to tfjs' HWIO; GroupNorm's [C, 1, 1] to [C]. A distilled
 * student starts from its teacher's shipped file this way, with no training checkpoint needed.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { DataError } from '../errors/data-error.js';
import type { Module } from '../nn/module.js';
import { readOnnxModel, tensorValues } from './onnx-proto.js';

/** Options of {@link loadOnnxWeights}. */
export interface LoadOnnxWeightsOptions {
  /** Variable paths the file may lack (new layers of a student, e.g. 'guidance_mlp1.'): they keep their init. */
  allowMissing?: (path: string) => boolean;
}

/**
 * Assigns every variable of `module` from the same-named initializer of the ONNX file at `path` (float16-stored weights
 * widened). Returns the paths left at their initial values (allowed by `allowMissing`). A missing or misshapen weight
 * is a DataError naming the file and the variable.
 */
export async function loadOnnxWeights(module: Module, path: string, opts: LoadOnnxWeightsOptions = {}): Promise<string[]> {
  const graph = readOnnxModel(new Uint8Array(await readFile(path))).graph;
  const byName = new Map((graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const kept: string[] = [];
  for (const [name, v] of module.namedVariables()) {
    const init = byName.get(name);
    if (!init) {
      if (opts.allowMissing?.(name)) {
        kept.push(name);
        continue;
      }
      throw new DataError(path, `has no weight '${name}': it was not exported from this architecture (compare the model's config with training.config in its manifest)`);
    }
    const dims = (init.dims ?? []).map(Number);
    const values = tensorValues(init);
    if (!(values instanceof Float32Array)) throw new DataError(path, `weight '${name}' is not floating point`);
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== v.size) throw new DataError(path, `weight '${name}' has shape [${dims.join(', ')}], the model's variable [${v.shape.join(', ')}]`);
    tf.tidy(() => {
      let t = tf.tensor(values, dims);
      // Conv: OIHW in the file, HWIO here (the one transposed export, trainer/nn/conv2d.ts).
      if (dims.length === 4 && v.shape.length === 4) t = t.transpose([2, 3, 1, 0]);
      v.assign(t.reshape(v.shape));
    });
  }
  return kept;
}
