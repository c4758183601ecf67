/** The class fixture's U-Net on one fixed batch-2 input (the int8 tests compare graph variants on it). */
import * as ort from 'onnxruntime-node';
import { Rng } from '../../sdk/random/rng.js';

/** model_output of `bytes` on one fixed batch-2 input of the class fixture's shapes. */
export async function classFixtureOutput(bytes: Uint8Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  try {
    const sample = new ort.Tensor('float32', Float32Array.from(new Rng(5).normalArray(2 * 32 * 32)), [2, 1, 32, 32]);
    const feeds = { sample, timestep: new ort.Tensor('float32', Float32Array.of(900, 100), [2]), class_labels: new ort.Tensor('int64', BigInt64Array.of(3n, 10n), [2]) };
    return (await s.run(feeds)).model_output!.data as Float32Array;
  } finally {
    await s.release();
  }
}
