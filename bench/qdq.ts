/**
 * The inference-graph study's calibration for static QDQ convolutions (the rewrite itself is
 * trainer/export/quantize-qdq.ts, re-exported here for bench/infer-graph.ts; the shipped `reexport --int8-qdq`
 * calibrates with the model's own DDIM runs instead, trainer/export/qdq-calibration.ts).
 * Calibration: the first 16 digits of the MNIST t10k file (the data mnist-ddim trained on) as x₀, noised to x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε at the timesteps of a 10-step
 * DDIM run, each with its own class and the null class (a guided step's batch), min / max of every Conv input and output.
 */
import * as ort from 'onnxruntime-node';
import type { Manifest } from '../sdk/manifest/types.js';
import { Rng } from '../sdk/random/rng.js';
import { makeBetas, scheduleFromBetas } from '../sdk/schedulers/betas.js';
import { findMnist, readIdxFile } from '../trainer/data/mnist-idx.js';

export { quantizeConvQdq } from '../trainer/export/quantize-qdq.js';

/** Feeds of the calibration: `images` MNIST test digits × 11 timesteps, batch 2 (its class, the null class). */
export async function calibrationFeeds(manifest: Manifest, images = 16): Promise<Record<string, ort.Tensor>[]> {
  const { images: path, labels } = findMnist();
  const x = await readIdxFile(path);
  const y = await readIdxFile(labels);
  const s = manifest.schedule!;
  const abar = scheduleFromBetas(makeBetas({ numTrainTimesteps: s.trainSteps, betaStart: s.betaStart!, betaEnd: s.betaEnd!, betaSchedule: s.kind as 'linear' })).alphasCumprod;
  const rng = new Rng(3);
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let i = 0; i < images; i++) {
    const x0 = new Float32Array(32 * 32).fill(-1); // 28×28 padded to 32×32, [-1, 1]
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) x0[(r + 2) * 32 + c + 2] = (x.data[i * 784 + r * 28 + c]! / 255) * 2 - 1;
    for (const t of [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]) {
      const a = abar[t]!;
      const eps = rng.normalArray(2 * 1024);
      const xt = Float32Array.from({ length: 2 * 1024 }, (_, j) => Math.sqrt(a) * x0[j % 1024]! + Math.sqrt(1 - a) * eps[j]!);
      feeds.push({
        sample: new ort.Tensor('float32', xt, [2, 1, 32, 32]),
        timestep: new ort.Tensor('float32', Float32Array.of(t, t), [2]),
        class_labels: new ort.Tensor('int64', BigInt64Array.of(BigInt(y.data[i]!), BigInt(manifest.conditioning?.nullClass ?? 0)), [2]),
      });
    }
  }
  return feeds;
}
