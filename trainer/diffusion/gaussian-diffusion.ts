import * as tf from '@tensorflow/tfjs';
import { DDIMScheduler } from '../../sdk/schedulers/ddim.js';
import { getVelocity, noiseCoefficients } from '../../sdk/schedulers/training.js';
import type { Rng } from '../../sdk/random/rng.js';
import { denoise, type DenoiseModel } from '../../sdk/generation/denoise.js';
import { WebgenError } from '../errors/webgen-error.js';
import type { TextEncoderModel } from '../models/text-encoder.js';
import type { UNet } from '../models/unet.js';
import { manifestScheduleOf, schedulerConfigOf } from '../../sdk/schedulers/manifest-schedule.js';

/**
 * The diffusion process around a noise-predicting U-Net (DDPM, Ho et al. 2020), the middle layer of
 * network → process → trainer. Training uses the "simple" objective
 *   L = ‖ε − ε_θ(√ᾱ_t x_0 + √(1−ᾱ_t) ε, t, c)‖²,  t ~ U{0..T−1}, ε ~ N(0, I)
 * with the condition c replaced by the null condition at rate `condDropout`, so one network learns the
 * conditional and unconditional scores for classifier-free guidance (Ho & Salimans 2022):
 *   ε̂ = ε_u + s·(ε_c − ε_u).
 * The condition is a class label (null: the extra class numClasses) or a prompt's token ids, which the
 * text encoder, trained jointly, turns into the U-Net's cross-attention context (null: the empty
 * prompt, all padding).
 * The schedule and the sampler are the SDK's, so training and inference share one source of math.
 */
export interface DiffusionOptions {
  /** Classes of a class-conditional U-Net; index numClasses is the null class. Undefined = unconditional. */
  numClasses?: number;
  /**
   * Text encoder of a text-conditioned U-Net (built with contextDim = the encoder's dim); its output
   * [B, L, D] is the U-Net's context. Undefined = no text.
   */
  textEncoder?: TextEncoderModel;
  /** Token id filling the empty (null) prompt: the tokenizer's padId. Default 0. */
  padId?: number;
  /**
   * A frozen text encoder's context instead (latent diffusion on CLIP's token states): batches carry `context`
   * [B, L, D] computed outside, and a dropped condition becomes `nullContext` [L, D] (the empty prompt's states).
   */
  frozenContext?: { length: number; dim: number; nullContext: Float32Array };
  /** Probability of dropping a label to the null class while training. */
  condDropout: number;
  /** The SDK scheduler config (T, betas) the model is trained with. */
  trainTimesteps: number;
  betaSchedule: 'linear' | 'cosine';
  /** Network target: noise ε or velocity v. */
  prediction: 'epsilon' | 'v';
  /** Clamp the predicted x_0 to [−1, 1] while sampling: pixels yes (default), latents no (they are not bounded by 1). */
  clipSample?: boolean;
}

export interface TrainingBatch {
  /** [B, H, W, C] in [-1, 1]. */
  images: Float32Array;
  /** [B] class indices (−1 = unlabelled, trained as the null class). */
  labels?: Int32Array;
  /** [B, L] token ids of the captions, for a text-conditioned model (an all-padding row = no caption). */
  tokens?: Int32Array;
  /** [B, L, D] a frozen text encoder's states of the captions (DiffusionOptions.frozenContext). */
  context?: Float32Array;
}

export class GaussianDiffusion {
  readonly alphasCumprod: Float64Array;
  readonly schedulerConfig;

  constructor(
    readonly unet: UNet,
    readonly opts: DiffusionOptions,
  ) {
    // The config the exported manifest will describe (sdk/schedulers/manifest-schedule.ts), so sampling here and in the
    // SDK run the same schedule.
    this.schedulerConfig = {
      ...schedulerConfigOf(manifestScheduleOf({ trainSteps: opts.trainTimesteps, kind: opts.betaSchedule, predictionType: opts.prediction })),
      clipSample: opts.clipSample ?? true,
    };
    this.alphasCumprod = new DDIMScheduler(this.schedulerConfig).alphasCumprod;
    if (opts.textEncoder && unet.config.contextDim !== opts.textEncoder.config.dim) {
      throw new WebgenError(`GaussianDiffusion: the U-Net's contextDim (${unet.config.contextDim}) must equal the text encoder's dim (${opts.textEncoder.config.dim})`);
    }
    const frozen = opts.frozenContext;
    if (frozen && (opts.textEncoder || unet.config.contextDim !== frozen.dim || frozen.nullContext.length !== frozen.length * frozen.dim)) {
      throw new WebgenError(`GaussianDiffusion: frozenContext [${frozen.length}, ${frozen.dim}] needs a U-Net with contextDim ${frozen.dim} (got ${unet.config.contextDim}), no textEncoder, and a nullContext of ${frozen.length * frozen.dim} values`);
    }
  }

  /**
   * Every trainable variable by path: the U-Net's own paths, the text encoder's under 'text_encoder.'
   * (so class-conditional checkpoints keep their names).
   */
  namedVariables(): Map<string, tf.Variable> {
    const out = new Map(this.unet.namedVariables());
    if (this.opts.textEncoder) for (const [k, v] of this.opts.textEncoder.namedVariables()) out.set(`text_encoder.${k}`, v);
    return out;
  }

  /** Trainable scalars of the U-Net and the text encoder. */
  parameterCount(): number {
    return this.unet.parameterCount() + (this.opts.textEncoder?.parameterCount() ?? 0);
  }

  /**
   * A function computing the batch's mean-squared noise-prediction loss as a scalar, for
   * tf.variableGrads. All randomness (t, ε, dropped labels or prompts) is drawn from `rng` here, in JS,
   * so a resumed run that re-seeds the same way sees exactly the same numbers.
   */
  lossFn(batch: TrainingBatch, rng: Rng): () => tf.Scalar {
    const B = batch.images.length / this.pixelsPerImage();
    const T = this.opts.trainTimesteps;
    const t = new Int32Array(B);
    for (let b = 0; b < B; b++) t[b] = rng.int(T);
    const noise = rng.normalArray(batch.images.length);
    const { sqrtAlphaProd, sqrtOneMinusAlphaProd } = noiseCoefficients(this.alphasCumprod, t);
    const labels = this.trainingLabels(batch.labels, B, rng);
    const tokens = this.trainingTokens(batch.tokens, B, rng);
    const context = this.trainingContext(batch.context, B, rng);
    const target = this.opts.prediction === 'v' ? getVelocity(this.alphasCumprod, batch.images, noise, t) : noise;
    const [H, W, C] = this.imageShape();
    return () => {
      const x0 = tf.tensor4d(batch.images, [B, H, W, C]);
      const eps = tf.tensor4d(noise, [B, H, W, C]);
      // x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε, coefficients broadcast over [B, 1, 1, 1]
      const xt = x0.mul(tf.tensor4d(sqrtAlphaProd, [B, 1, 1, 1])).add(eps.mul(tf.tensor4d(sqrtOneMinusAlphaProd, [B, 1, 1, 1])));
      const pred = this.unet.apply(xt as tf.Tensor4D, tf.tensor1d(Float32Array.from(t)), {
        ...(labels && { classLabels: tf.tensor1d(labels, 'int32') }),
        ...(tokens && { context: this.encodeText(tokens) }),
        ...(context && { context: tf.tensor3d(context, [B, this.opts.frozenContext!.length, this.opts.frozenContext!.dim]) }),
      });
      return pred.sub(tf.tensor4d(target, [B, H, W, C])).square().mean() as tf.Scalar;
    };
  }

  /**
   * Draws `n` images with DDIM (Song et al. 2021), η = `eta`, `steps` steps, classifier-free guidance
   * `guidanceScale` for conditioned draws (`labels`, or `tokens` for a text model; without them the
   * draws are unconditional). Returns [N, H, W, C] in [-1, 1].
   */
  async sample(opts: {
    n: number;
    steps: number;
    rng: Rng;
    /** [n] class labels of a class-conditional model. */
    labels?: Int32Array;
    /** [n, L] prompt token ids of a text-conditioned model. */
    tokens?: Int32Array;
    /** [n, L, D] a frozen text encoder's states of the prompts (DiffusionOptions.frozenContext). */
    context?: Float32Array;
    guidanceScale?: number;
    eta?: number;
  }): Promise<Float32Array> {
    const { n, steps, rng } = opts;
    const [H, W, C] = this.imageShape();
    const classes = this.opts.numClasses !== undefined;
    const text = this.opts.textEncoder !== undefined;
    const frozen = this.opts.frozenContext;
    const given = (classes && opts.labels !== undefined) || (text && opts.tokens !== undefined) || (frozen !== undefined && opts.context !== undefined);
    const nullLabels = classes ? new Int32Array(n).fill(this.opts.numClasses!) : undefined;
    const labels = classes ? (opts.labels ?? nullLabels) : undefined;
    // The prompt's context does not depend on t: encode once, [n, L, D].
    const nullTokens = text ? new Int32Array(n * this.opts.textEncoder!.config.maxLength).fill(this.opts.padId ?? 0) : undefined;
    const frozenCtx = (rows: Float32Array) => tf.tensor3d(rows, [n, frozen!.length, frozen!.dim]);
    const nullRows = frozen ? repeatRows(frozen.nullContext, n) : undefined;
    const ctx = text ? this.encodeText(opts.tokens ?? nullTokens!) : frozen ? frozenCtx(opts.context ?? nullRows!) : undefined;
    const nullCtx = (text || frozen) && given ? (text ? this.encodeText(nullTokens!) : frozenCtx(nullRows!)) : undefined;
    // The SDK's loop and sampler: the previews the trainer writes are drawn exactly as users will draw.
    const model: DenoiseModel = async (x, t, withUnconditional) => {
      const run = (l: Int32Array | undefined, context: tf.Tensor3D | undefined) =>
        tf.tidy(() =>
          this.unet.apply(tf.tensor4d(x, [n, H, W, C]), tf.fill([n], t, 'float32') as tf.Tensor1D, {
            ...(l && { classLabels: tf.tensor1d(l, 'int32') }),
            ...(context && { context }),
          }),
        );
      const read = async (y: tf.Tensor) => {
        const data = (await y.data()) as Float32Array;
        y.dispose();
        return data;
      };
      const conditional = await read(run(labels, ctx));
      return withUnconditional ? { conditional, unconditional: await read(run(nullLabels, nullCtx)) } : { conditional };
    };
    try {
      return await denoise({
        scheduler: new DDIMScheduler(this.schedulerConfig),
        model,
        size: n * H * W * C,
        steps,
        eta: opts.eta ?? 0,
        guidanceScale: given ? (opts.guidanceScale ?? 1) : 1,
        rng,
      });
    } finally {
      ctx?.dispose();
      nullCtx?.dispose();
    }
  }

  /** Token ids [B·L] → the text encoder's context [B, L, D]. */
  private encodeText(tokens: Int32Array): tf.Tensor3D {
    const enc = this.opts.textEncoder!;
    const L = enc.config.maxLength;
    return tf.tidy(() => enc.apply(tf.tensor2d(tokens, [tokens.length / L, L], 'int32')));
  }

  /** The batch's token rows with each replaced by the empty prompt at rate condDropout (uncaptioned rows stay empty). */
  private trainingTokens(tokens: Int32Array | undefined, B: number, rng: Rng): Int32Array | undefined {
    const enc = this.opts.textEncoder;
    if (!enc) return undefined;
    const L = enc.config.maxLength;
    const pad = this.opts.padId ?? 0;
    const out = new Int32Array(B * L).fill(pad);
    if (tokens && tokens.length !== B * L) throw new WebgenError(`GaussianDiffusion: batch.tokens must be [${B}, ${L}], got ${tokens.length} ids`);
    for (let b = 0; b < B; b++) {
      if (tokens && !(rng.uniform() < this.opts.condDropout)) out.set(tokens.subarray(b * L, (b + 1) * L), b * L);
    }
    return out;
  }

  /** The batch's frozen-encoder context with each row replaced by the null context at rate condDropout. */
  private trainingContext(context: Float32Array | undefined, B: number, rng: Rng): Float32Array | undefined {
    const frozen = this.opts.frozenContext;
    if (!frozen) return undefined;
    const per = frozen.length * frozen.dim;
    if (context && context.length !== B * per) throw new WebgenError(`GaussianDiffusion: batch.context must be [${B}, ${frozen.length}, ${frozen.dim}], got ${context.length} values`);
    const out = repeatRows(frozen.nullContext, B);
    for (let b = 0; b < B; b++) {
      if (context && !(rng.uniform() < this.opts.condDropout)) out.set(context.subarray(b * per, (b + 1) * per), b * per);
    }
    return out;
  }

  private trainingLabels(labels: Int32Array | undefined, B: number, rng: Rng): Int32Array | undefined {
    const K = this.opts.numClasses;
    if (K === undefined) return undefined;
    const out = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const l = labels ? labels[b]! : -1;
      out[b] = l < 0 || rng.uniform() < this.opts.condDropout ? K : l;
    }
    return out;
  }

  private imageShape(): [number, number, number] {
    const c = this.unet.config;
    return [c.imageSize, c.imageSize, c.inChannels];
  }

  private pixelsPerImage(): number {
    const [H, W, C] = this.imageShape();
    return H * W * C;
  }
}

/** `row` repeated `n` times. */
function repeatRows(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * row.length);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}
