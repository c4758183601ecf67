import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shippedModels as shippedModelPaths } from '../../server/demo-check.js';
import { REPO } from './model-fixtures.js';

export interface ShippedModel {
  name: string;
  dir: string;
  /** Its manifest's kind is a diffusion model the SDK generates with. */
  diffusion: boolean;
  /** A GAN generator (createGan samples it). */
  gan: boolean;
  /** Text-conditioned (has a tokenizer). */
  text: boolean;
  /** A prompt made of the model's own vocabulary (text models). */
  prompt: string;
  /** Steps a test draws with: 10, or a distilled student's own step count (it refuses others). */
  steps: number;
  /** A distilled student (manifest sampling.supportedSteps): one step count, DDIM, no guidance interval. */
  student: boolean;
}

/** The folders of models/ that hold a manifest.json (one level down too: the server's own list). */
export function shippedModels(): ShippedModel[] {
  const root = join(REPO, 'models');
  return shippedModelPaths(root)
    .map((name) => {
      const dir = join(root, name);
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const vocab: string[] = m.conditioning?.tokenizer?.vocab ?? [];
      return {
        name,
        dir,
        diffusion: m.kind === 'diffusion-unet' || m.kind === 'latent-diffusion',
        gan: m.kind === 'gan-generator',
        text: vocab.length > 0,
        prompt: vocab.slice(2, 4).join(' '),
        steps: m.sampling?.supportedSteps?.[0] ?? 10,
        student: m.sampling?.supportedSteps !== undefined,
      };
    });
}
