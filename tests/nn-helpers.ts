/**
 * Shared helpers of the layer/model parity tests: random tensors and weights, NHWC↔NCHW, and a
 * one-call "tfjs forward vs exported ONNX in onnxruntime-node" comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph, type OnnxDType } from '../trainer/export/onnx-graph.js';
import { checkParity, type FeedTensor } from '../trainer/export/parity.js';
import { Rng } from '../sdk/random/rng.js';

/** Parity tolerance the brief asks for (float32 weights). */
export const PARITY_TOLERANCE = 1e-4;

/** A tensor of N(0, std²) values from a seeded stream. */
export function randomTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal() * std), shape);
}

export { perturbVariables } from '../scripts/e2e/perturb-variables.js';

/** How a tensor is laid out: 'image' = tfjs NHWC vs ONNX NCHW; 'plain' = same in both. */
export type Layout = 'image' | 'plain';

function toOnnxLayout(t: tf.Tensor, layout: Layout): { data: Float32Array; dims: number[] } {
  return tf.tidy(() => {
    const u = layout === 'image' ? tf.transpose(t, [0, 3, 1, 2]) : t;
    return { data: Float32Array.from(u.dataSync() as Float32Array), dims: u.shape };
  });
}

/** One input of {@link layerParity}. */
export interface ParityInput {
  /** Graph input name. */
  name: string;
  /** Value in tfjs layout (NHWC for images). int32 tensors become int64 ONNX inputs. */
  value: tf.Tensor;
  /** Default 'plain'. */
  layout?: Layout;
}

/**
 * Runs `forward` in tfjs and the graph `emit` writes in onnxruntime-node on the same inputs;
 * returns the max abs difference (and logs it with `label`).
 */
export async function layerParity(opts: {
  label: string;
  inputs: ParityInput[];
  forward: (...xs: tf.Tensor[]) => tf.Tensor;
  emit: (g: OnnxGraph, ...names: string[]) => string;
  outputLayout?: Layout;
}): Promise<number> {
  const outputLayout = opts.outputLayout ?? 'plain';
  const g = new OnnxGraph('parity');
  const feeds: Record<string, FeedTensor> = {};
  const names = opts.inputs.map((inp) => {
    if (inp.value.dtype === 'int32') {
      const data = BigInt64Array.from(Array.from(inp.value.dataSync()), (v) => BigInt(v));
      feeds[inp.name] = { data, dims: inp.value.shape };
      return g.addInput(inp.name, 'int64', inp.value.shape);
    }
    const { data, dims } = toOnnxLayout(inp.value, inp.layout ?? 'plain');
    feeds[inp.name] = { data, dims };
    return g.addInput(inp.name, 'float32' as OnnxDType, dims);
  });
  const y = opts.emit(g, ...names);
  const expectedT = opts.forward(...opts.inputs.map((i) => i.value));
  const expected = toOnnxLayout(expectedT, outputLayout);
  expectedT.dispose();
  g.aliasOutput(y, 'y', 'float32', expected.dims);
  const result = await checkParity(g.toBytes(), feeds, { y: expected }, { tolerance: PARITY_TOLERANCE });
  const err = result.maxAbsError.y!;
  console.log(`parity ${opts.label}: max abs error ${err.toExponential(2)}${result.problems.length ? ' — ' + result.problems.join('; ') : ''}`);
  return err;
}
