/**
 * Calibration inputs for static QDQ (quantize-qdq.ts) of a diffusion U-Net, made by the model itself: guided DDIM runs
 * (Song et al. 2021, Eq. 12, η = 0) from fixed seeds, each step's batch recorded as the SDK would feed it. The float32
 * file is its own data source, so `reexport` needs neither the training data nor the trainer, and the x_t seen are the
 * ones sampling visits (noise at t ≈ T, digits near t = 0). bench/qdq.ts calibrates on noised MNIST test digits
 * instead (what docs/inference-graph.md measured quality with).
 *   per seed s: c = s mod classes; x_T ~ N(0, I) from Rng(s); each step t: batch [x_t, x_t] with labels [c, null],
 *   ε̂ = ε_u + w (ε_c − ε_u) (classifier-free guidance, w = the manifest's guidance scale), x_{t−1} = DDIM(ε̂, t, x_t).
 * Unconditional models run batch 1 without labels.
 */
import * as ort from 'onnxruntime-node';
import { defaultGuidanceScale } from '../../sdk/node.js';
import type { Manifest, TensorSpec } from '../../sdk/manifest/types.js';
import { Rng } from '../../sdk/random/rng.js';
import { DDIMScheduler } from '../../sdk/schedulers/ddim.js';
import { schedulerConfigOf } from '../../sdk/schedulers/manifest-schedule.js';
import { UsageError } from '../errors/usage-error.js';
import type { CalibrationFeeds } from './quantize-qdq.js';

/** Options of ddimCalibrationFeeds. */
export interface DdimCalibrationOptions {
  /** How many DDIM runs (seeds 0 … runs − 1). Default 8. */
  runs?: number;
  /** DDIM steps of each run. Default 10 (the SDK's usual count). */
  steps?: number;
}

/** The calibration feeds of the U-Net file `bytes` (inputs `inputs`, model `manifest`); see the file's comment. */
export async function ddimCalibrationFeeds(bytes: Uint8Array, inputs: TensorSpec[], manifest: Manifest, opts: DdimCalibrationOptions = {}): Promise<CalibrationFeeds> {
  const runs = opts.runs ?? 8;
  const steps = opts.steps ?? 10;
  const names = inputs.map((s) => s.name);
  const unknown = names.filter((n) => n !== 'sample' && n !== 'timestep' && n !== 'class_labels');
  if (!manifest.schedule || !names.includes('sample') || unknown.length > 0) {
    throw new UsageError(`--int8-qdq: model '${manifest.name}' is not a class-conditioned or unconditional U-Net with a schedule (inputs ${names.join(', ')}); its calibration samples the model with DDIM`);
  }
  const spec = inputs.find((s) => s.name === 'sample')!;
  const time = inputs.find((s) => s.name === 'timestep');
  const guided = names.includes('class_labels');
  const classes = manifest.conditioning?.classes?.length ?? manifest.conditioning?.nullClass ?? 1;
  const nullClass = manifest.conditioning?.nullClass ?? classes;
  const w = guided ? defaultGuidanceScale(manifest) : 1;
  const batch = guided ? 2 : 1;
  const item = spec.shape.slice(1).map((d) => (typeof d === 'number' ? d : 1)); // [C, H, W]
  const size = item.reduce((a, b) => a * b, 1);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  const feeds: CalibrationFeeds = [];
  try {
    for (let seed = 0; seed < runs; seed++) {
      const scheduler = new DDIMScheduler(schedulerConfigOf(manifest.schedule));
      scheduler.setTimesteps(steps);
      const c = seed % classes;
      let x = new Rng(seed).normalArray(size);
      for (const t of scheduler.timesteps) {
        const xs = new Float32Array(batch * size);
        for (let b = 0; b < batch; b++) xs.set(x, b * size);
        const feed: Record<string, ort.Tensor> = { sample: new ort.Tensor('float32', xs, [batch, ...item]) };
        if (time) feed.timestep = time.dtype === 'int64' ? new ort.Tensor('int64', new BigInt64Array(batch).fill(BigInt(t)), [batch]) : new ort.Tensor('float32', new Float32Array(batch).fill(t), [batch]);
        if (guided) feed.class_labels = new ort.Tensor('int64', BigInt64Array.of(BigInt(c), BigInt(nullClass)), [2]);
        feeds.push(feed);
        const out = (await session.run(feed, ['model_output'])).model_output!.data as Float32Array;
        // ε̂ = ε_u + w (ε_c − ε_u): row 0 conditional, row 1 unconditional
        const eps = guided ? Float32Array.from({ length: size }, (_, i) => out[size + i]! + w * (out[i]! - out[size + i]!)) : out.slice(0, size);
        x = scheduler.step(eps, t, x).prevSample;
      }
    }
  } finally {
    await session.release();
  }
  return feeds;
}
