import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Rng } from '../../sdk/random/rng.js';
import { denoise, type DenoiseStep } from '../../sdk/generation/denoise.js';
import { DDIMScheduler } from '../../sdk/schedulers/ddim.js';
import { DDPMScheduler } from '../../sdk/schedulers/ddpm.js';
import type { SchedulerConfig } from '../../sdk/schedulers/types.js';
import { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import type { Manifest } from '../export/manifest.js';

/**
 * A diffusion model folder (unconditional, class-conditional, or text-conditioned with its
 * text_encoder.onnx and tokenizer) run by onnxruntime-node with the SDK's schedulers and denoising
 * loop — exactly what a user of the exported model gets, so the evaluation judges the shipped file,
 * not the trainer's weights.
 */
export class OnnxDiffusion {
  private constructor(
    readonly manifest: Manifest,
    private readonly session: ort.InferenceSession,
    private readonly text?: { session: ort.InferenceSession; tokenizer: WordTokenizer },
  ) {}

  static async load(dir: string): Promise<OnnxDiffusion> {
    const manifest = await verifyModelFolder(dir);
    if (manifest.kind !== 'diffusion-unet') throw new UsageError(`${dir} holds a '${manifest.kind}' model, not a diffusion U-Net`);
    const file = manifest.files.unet ?? Object.values(manifest.files)[0]!;
    const session = await ort.InferenceSession.create(join(dir, file.path), { executionProviders: ['cpu'] });
    const enc = manifest.files.textEncoder;
    const tok = manifest.conditioning?.tokenizer;
    if (Boolean(enc) !== Boolean(tok)) throw new UsageError(`${dir}: a text model needs both files.textEncoder and conditioning.tokenizer in its manifest`);
    const text = enc && tok
      ? { session: await ort.InferenceSession.create(join(dir, enc.path), { executionProviders: ['cpu'] }), tokenizer: WordTokenizer.fromManifest(tok) }
      : undefined;
    return new OnnxDiffusion(manifest, session, text);
  }

  /** The prompt tokenizer of a text-conditioned model (undefined otherwise). */
  get tokenizer(): WordTokenizer | undefined {
    return this.text?.tokenizer;
  }

  /** Prompts → the text encoder's last_hidden_state [N, L, D] (flat) and D. */
  private async encodePrompts(prompts: readonly string[]): Promise<{ context: Float32Array; dim: number }> {
    const { session, tokenizer } = this.text!;
    const ids = tokenizer.encodeBatch(prompts);
    const out = (await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [prompts.length, tokenizer.maxLength]) })).last_hidden_state!;
    return { context: out.data as Float32Array, dim: out.dims[2]! };
  }

  get numClasses(): number | undefined {
    return this.manifest.conditioning?.classes?.length;
  }

  schedulerConfig(): SchedulerConfig {
    const s = this.manifest.schedule!;
    return {
      numTrainTimesteps: s.trainSteps,
      betaStart: s.betaStart,
      betaEnd: s.betaEnd,
      betaSchedule: s.kind === 'cosine' ? 'squaredcos_cap_v2' : 'linear',
      predictionType: s.predictionType === 'v' ? 'v_prediction' : s.predictionType,
    };
  }

  /**
   * Draws one image per entry of `labels` (or `n` unconditional images): NCHW float32 in [-1, 1].
   * `sampler` 'ddim' (η = eta) or 'ddpm' (ancestral, η = 1).
   */
  async sample(opts: {
    n: number;
    labels?: Int32Array;
    /** [n] prompts of a text-conditioned model (without them its draws are unconditional). */
    prompts?: readonly string[];
    steps: number;
    sampler?: 'ddim' | 'ddpm';
    eta?: number;
    guidanceScale?: number;
    /** Fractions [lo, hi] of the training timesteps where guidance applies (default every step). */
    guidanceInterval?: [number, number];
    seed: number;
    onStep?: (s: DenoiseStep) => void;
  }): Promise<Float32Array> {
    const { width: W, height: H, channels: C } = this.manifest.image;
    const K = this.numClasses;
    const n = opts.n;
    if (opts.labels && opts.labels.length !== n) throw new UsageError(`labels has ${opts.labels.length} entries for n = ${n}`);
    if (opts.labels && K === undefined) throw new UsageError('this model is unconditional: it takes no class labels');
    for (const l of opts.labels ?? []) {
      if (!(l >= 0 && l < K!)) throw new UsageError(`class ${l} is not one of the model's ${K} classes (0 … ${K! - 1})`);
    }
    if (opts.prompts && !this.text) throw new UsageError('this model is not text-conditioned: it takes no prompts');
    if (opts.prompts && opts.prompts.length !== n) throw new UsageError(`prompts has ${opts.prompts.length} entries for n = ${n}`);
    // Text: the context is the same at every step, so the encoder runs once (prompts, and the empty prompt for guidance).
    const text = this.text ? await this.encodePrompts(opts.prompts ?? new Array<string>(n).fill('')) : undefined;
    const nullText = this.text && opts.prompts ? await this.encodePrompts(new Array<string>(n).fill('')) : undefined;
    const nullClass = this.manifest.conditioning?.nullClass ?? K;
    const labels = K === undefined ? undefined : (opts.labels ?? new Int32Array(n).fill(nullClass!));
    const scheduler = opts.sampler === 'ddpm' ? new DDPMScheduler(this.schedulerConfig()) : new DDIMScheduler(this.schedulerConfig());
    const per = C * H * W;
    return denoise({
      scheduler,
      size: n * per,
      steps: opts.steps,
      ...(opts.eta !== undefined && { eta: opts.eta }),
      guidanceScale: (labels && opts.labels) || opts.prompts ? (opts.guidanceScale ?? 1) : 1,
      ...(opts.guidanceInterval && { guidanceInterval: opts.guidanceInterval }),
      rng: new Rng(opts.seed),
      ...(opts.onStep && { onStep: opts.onStep }),
      model: async (x, t, withUncond) => {
        // cond and uncond share one call: [x; x] with [labels; null]
        const b = withUncond ? 2 * n : n;
        const sample = withUncond ? concat(x, x) : x;
        const feeds: Record<string, ort.Tensor> = {
          sample: new ort.Tensor('float32', sample, [b, C, H, W]),
          timestep: new ort.Tensor('float32', new Float32Array(b).fill(t), [b]),
        };
        if (labels) {
          const l = new BigInt64Array(b);
          for (let i = 0; i < n; i++) {
            l[i] = BigInt(labels[i]!);
            if (withUncond) l[n + i] = BigInt(nullClass!);
          }
          feeds.class_labels = new ort.Tensor('int64', l, [b]);
        }
        if (text) {
          const L = this.text!.tokenizer.maxLength;
          const ctx = withUncond ? concat(text.context, nullText!.context) : text.context;
          feeds.encoder_hidden_states = new ort.Tensor('float32', ctx, [b, L, text.dim]);
        }
        const out = (await this.session.run(feeds)).model_output!.data as Float32Array;
        return withUncond ? { conditional: out.subarray(0, n * per), unconditional: out.subarray(n * per) } : { conditional: out };
      },
    });
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.text?.session.release();
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export { nchwToNhwc } from '../../sdk/image/pixels.js';
