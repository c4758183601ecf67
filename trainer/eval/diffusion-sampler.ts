/**
 * The trainer's eval draws from an exported diffusion folder through the SDK's Node entry — the engine users run
 * (options, conditioning, guidance batching, the denoising loop) — and reads each image's model-space values: NCHW
 * float32, not rounded to 8 bits, so the figures judge the shipped files, not the trainer's weights.
 */
import type { SchedulerName } from '../../sdk/schedulers/scheduler-names.js';
import { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { createGenerator, type Generator } from '../../sdk/node.js';
import type { DenoiseStep } from '../../sdk/generation/denoise.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import type { Manifest } from '../export/manifest.js';

/** What one draw asks for (the eval commands' settings). */
export interface DrawOptions {
  n: number;
  /** [n] class ids (class-conditional models); without them the draws are unconditional. */
  labels?: Int32Array;
  /** [n] prompts (text-conditioned models); without them the draws are unconditional. */
  prompts?: readonly string[];
  steps: number;
  sampler?: SchedulerName;
  eta?: number;
  /** Guidance scale of conditioned draws. Default 1 (none). */
  guidanceScale?: number;
  /** Fractions [lo, hi] of the training timesteps where guidance applies. Default [0, 1] (every step). */
  guidanceInterval?: [number, number];
  seed: number;
  onStep?: (s: Pick<DenoiseStep, 'step' | 'total'>) => void;
}

export class DiffusionSampler {
  readonly tokenizer: WordTokenizer | undefined;

  private constructor(
    readonly manifest: Manifest,
    private readonly generator: Generator,
  ) {
    const t = manifest.conditioning?.tokenizer;
    this.tokenizer = t ? WordTokenizer.fromManifest(t) : undefined;
  }

  /** Opens `dir` (verified: sha256 of every file) with the SDK's Node createGenerator. */
  static async load(dir: string): Promise<DiffusionSampler> {
    const manifest = await verifyModelFolder(dir);
    if (manifest.kind !== 'diffusion-unet') throw new UsageError(`${dir} holds a '${manifest.kind}' model, not a diffusion U-Net`);
    return new DiffusionSampler(manifest, await createGenerator({ model: dir }));
  }

  get numClasses(): number | undefined {
    return this.manifest.conditioning?.classes?.length;
  }

  /** Draws `n` images as one batch: NCHW float32 in the model's range ([-1, 1]), unclipped. */
  async sample(o: DrawOptions): Promise<Float32Array> {
    if (o.labels && o.labels.length !== o.n) throw new UsageError(`labels has ${o.labels.length} entries for n = ${o.n}`);
    if (o.prompts && o.prompts.length !== o.n) throw new UsageError(`prompts has ${o.prompts.length} entries for n = ${o.n}`);
    const conditioned = o.labels !== undefined || o.prompts !== undefined;
    const images = await this.generator.sample({
      batch: o.n,
      steps: o.steps,
      scheduler: o.sampler ?? 'ddim',
      ...(o.eta !== undefined && (o.sampler ?? 'ddim') === 'ddim' && { eta: o.eta }),
      ...(o.labels && { classLabel: Array.from(o.labels) }),
      ...(o.prompts && { prompt: o.prompts }),
      guidanceScale: conditioned ? (o.guidanceScale ?? 1) : 1,
      // Every step: the eval's default, not the model's own sampling section; a guidance-distilled student has its
      // teacher's interval built in and takes none.
      ...((o.guidanceInterval || !this.manifest.sampling?.guidanceRange) && { guidanceInterval: o.guidanceInterval ?? [0, 1] }),
      seed: o.seed,
      ...(o.onStep && { onStep: o.onStep }),
    });
    const { channels: C, height: H, width: W } = this.manifest.image;
    const per = C * H * W;
    const out = new Float32Array(o.n * per);
    images.forEach((img, i) => out.set(img.values!, i * per));
    return out;
  }

  release(): Promise<void> {
    return this.generator.dispose();
  }
}
