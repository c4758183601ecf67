/**
 * The bench's training subject, one definition for bench/run.ts and bench/profile-step.ts: the 2.7M-parameter `bench`
 * U-Net (class-conditional, 32×32 RGB) on 256 procedural shapes, v-prediction, linear β, 10% condition dropout,
 * AdamW over its variables.
 */
import { createShapesDataset } from '../trainer/data/shapes.js';
import { GaussianDiffusion } from '../trainer/diffusion/gaussian-diffusion.js';
import { UNet } from '../trainer/models/unet.js';
import { UNET_PRESETS } from '../trainer/models/unet-presets.js';
import { AdamW } from '../trainer/optim/adamw.js';

export function benchUNet() {
  const data = createShapesDataset({ size: 256, seed: 0 });
  const unet = new UNet({ ...UNET_PRESETS.bench, numClasses: data.numClasses! }, 0);
  const diffusion = new GaussianDiffusion(unet, { numClasses: data.numClasses!, condDropout: 0.1, trainTimesteps: 1000, betaSchedule: 'linear', prediction: 'v' });
  const params = unet.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map(varList.map((v, i) => [v.name, [...params.keys()][i]!]));
  return { data, unet, diffusion, params, varList, pathOf, adam: new AdamW(params) };
}
