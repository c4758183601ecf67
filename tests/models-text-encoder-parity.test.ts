// Transformer pieces (Mlp, TransformerBlock) and the small text encoder: tfjs forward equals the ONNX export.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkParity } from '../trainer/export/parity.js';
import { TextEncoderModel } from '../trainer/models/text-encoder.js';
import { Mlp } from '../trainer/nn/mlp.js';
import { Rng } from '../sdk/random/rng.js';
import { TransformerBlock } from '../trainer/nn/transformer-block.js';
import { layerParity, PARITY_TOLERANCE, perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('text encoder parity with ONNX', () => {
  it('Mlp (GELU) on [2, 5, 8]', async () => {
    const mlp = new Mlp(new Rng(1), 8, 20);
    const err = await layerParity({
      label: 'mlp',
      inputs: [{ name: 'x', value: randomTensor([2, 5, 8], 2) }],
      forward: (x) => mlp.apply(x!),
      emit: (g, x) => mlp.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('TransformerBlock on [2, 6, 12], 3 heads', async () => {
    const block = new TransformerBlock(new Rng(3), 12, 3);
    perturbVariables(block, 4, 0.2);
    const err = await layerParity({
      label: 'transformer block',
      inputs: [{ name: 'x', value: randomTensor([2, 6, 12], 5) }],
      forward: (x) => block.apply(x as tf.Tensor3D),
      emit: (g, x) => block.toOnnx(g, x!),
    });
    expect(err).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });

  it('TextEncoderModel: 2 layers, vocab 30, length 7, width 16', async () => {
    const enc = new TextEncoderModel({ vocabSize: 30, maxLength: 7, dim: 16, layers: 2, heads: 4 }, 1);
    perturbVariables(enc, 6, 0.1);
    const ids = tf.tensor2d([[1, 5, 29, 0, 0, 0, 0], [3, 3, 17, 8, 22, 2, 0]], [2, 7], 'int32');
    const out = enc.apply(ids);
    expect(out.shape).toEqual([2, 7, 16]);
    const result = await checkParity(enc.toOnnx(), {
      input_ids: { data: BigInt64Array.from(Array.from(ids.dataSync(), BigInt)), dims: [2, 7] },
    }, { last_hidden_state: { data: out.dataSync() as Float32Array, dims: [2, 7, 16] } });
    console.log(`parity text encoder: ${enc.parameterCount()} params, max abs error ${result.maxAbsError.last_hidden_state!.toExponential(2)}`);
    expect(result.maxAbsError.last_hidden_state).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(() => enc.apply(tf.zeros([1, 5], 'int32') as tf.Tensor2D)).toThrow(/\[B, 7\]/);
    enc.dispose();
  });
});
