/**
 * The generation engine: one loaded diffusion model (U-Net, plus a text encoder for text models) on one onnxruntime,
 * driven by the shared denoising loop (sdk/generation/denoise.ts) and DDIM scheduler. It runs where onnxruntime is —
 * inside the browser worker, or in Node — and knows nothing of workers or fetching.
 *
 * Per call it allocates the model's input buffers once and reuses them for every step; with guidance the conditional
 * and unconditional halves go through the network as one batch [x; x] (one run per step, not two).
 * Calls queue: each runs after the previous one settled, so concurrent calls finish in call order and a failed call
 * leaves the engine usable.
 */
import { AbortError } from '../errors/abort-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { denoise } from '../generation/denoise.js';
import { checkRgba } from '../image/image-input.js';
import { modelToRgba } from '../image/pixels.js';
import { rgbaImageToModel } from '../image/model-input.js';
import type { Manifest, ManifestFile } from '../manifest/types.js';
import { Rng } from '../random/rng.js';
import { createScheduler } from '../schedulers/scheduler-names.js';
import { CallQueue } from './call-queue.js';
import { img2imgTimesteps } from '../schedulers/img2img.js';
import type { SchedulerConfig } from '../schedulers/types.js';
import { WordTokenizer } from '../text/tokenizer.js';
import type { EngineImage } from '../image/generated-image.js';
import type { RgbaImage, StepInfo } from '../types.js';
import { checkDiffusionManifest, checkSessionMatchesManifest, NAMES } from './model-check.js';
import { LatentCodec } from './latent-codec.js';
import { contractManifest, contractSession } from './renamed-tensors.js';
import { checkInitialNoise, checkInteger, checkNumber, checkOptionKeys, checkString, DEFAULTS, defaultGuidanceScale, resolveClassLabels, resolveCommon, type ResolvedCommon } from './options.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from './runtime.js';
import { schedulerConfigOf } from '../schedulers/manifest-schedule.js';
import { AttentionAccumulator } from '../generation/attention-maps.js';
import { CROSS_ATTENTION_PREFIX } from '../manifest/tensor-names.js';

export type { EngineImage } from '../image/generated-image.js';

/** The conditioning of one call, resolved to tensors' contents. */
interface Conditioning {
  /** Class ids of the conditional half, one per image, and the null class of the unconditional half. */
  labels?: { cond: Int32Array; uncond: number };
  /**
   * Text encoder outputs of the prompt(s), [L·D] shared by every image or [B·L·D] one per image (`perImage`), and of
   * the negative (or empty) prompt [L·D].
   */
  context?: { cond: Float32Array; perImage: boolean; uncond: Float32Array; length: number; dim: number };
}

interface Plan {
  batch: number;
  common: ResolvedCommon;
  guidanceScale: number;
  cond: Conditioning;
  /**
   * img2img: the start [B, C, H, W] where the U-Net works (a latent model's: the encoded image), the picture itself in
   * model space (the result at strength 0) and the strength.
   */
  init?: { x0: Float32Array; image: Float32Array; strength: number };
  modelMs: number;
  /** When the call's work began (performance.now()), if before generate(): a latent img2img's encoding. */
  start?: number;
  /** Text models: the unknown words of each image's prompt (one list shared by all, or one per image). */
  unknownWords?: string[][];
  /** sample({ initialNoise }): x_T [B, C, H, W] instead of the seed's. */
  initialNoise?: Float32Array;
  /** textToImage({ attentionMaps: true }): the prompt's words, whose cross-attention maps image 0 returns. */
  attentionWords?: string[];
}

export class DiffusionEngine {
  private readonly queue = new CallQueue(() => new ModelLoadError(`model '${this.manifest.name}' was disposed; create a new generator`));
  private readonly tokenizer: WordTokenizer | undefined;
  private readonly schedulerConfig: SchedulerConfig;
  /** The U-Net's cross-attention outputs (cross_attention_0, …), in layer order; empty when exported without them. */
  private readonly crossAttention: string[];

  private constructor(
    readonly manifest: Manifest,
    private readonly runtime: OrtRuntime,
    private readonly unet: OrtSessionLike,
    private readonly unetFile: ManifestFile,
    private readonly textEncoder: OrtSessionLike | undefined,
    /** sample()'s largest batch (DEFAULTS.maxBatch in browsers, maxBatchNode in Node). */
    private readonly maxBatch: number,
    /** A latent model's decoder, encoder and preview map; undefined for a pixel model. */
    private readonly codec: LatentCodec | undefined,
  ) {
    const t = manifest.conditioning?.tokenizer;
    this.tokenizer = textEncoder && t ? WordTokenizer.fromManifest(t) : undefined;
    this.schedulerConfig = schedulerConfigOf(manifest.schedule!);
    this.crossAttention = unetFile.outputs.map((o) => o.name).filter((n) => n.startsWith(CROSS_ATTENTION_PREFIX)).sort((a, b) => Number(a.slice(CROSS_ATTENTION_PREFIX.length)) - Number(b.slice(CROSS_ATTENTION_PREFIX.length)));
  }

  /** The backend the sessions run on. */
  get backend(): OrtRuntime['backend'] {
    return this.runtime.backend;
  }

  /**
   * Creates the sessions for a verified model folder (`files`: bytes by role) and checks them against the manifest.
   * Throws ModelLoadError for a model this SDK cannot drive or whose files disagree with the manifest.
   */
  static async create(stored: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime, limits: { maxBatch?: number } = {}): Promise<DiffusionEngine> {
    // An imported model's own tensor names (files.<role>.tensorNames) become the contract's here, once.
    const manifest = contractManifest(stored);
    const roles = checkDiffusionManifest(manifest);
    const sessions: OrtSessionLike[] = [];
    try {
      const open = async (role: string, file: ManifestFile) => {
        const session = contractSession(await runtime.createSession(files[role]!, role), stored.files[role]?.tensorNames);
        sessions.push(session);
        checkSessionMatchesManifest(session, file, role, manifest.name);
        return session;
      };
      const unet = await open('unet', roles.unet);
      const textEncoder = roles.textEncoder ? await open('textEncoder', roles.textEncoder) : undefined;
      const codec = roles.decoder
        ? new LatentCodec(manifest, runtime, await open('decoder', roles.decoder), roles.encoder ? await open('encoder', roles.encoder) : undefined)
        : undefined;
      return new DiffusionEngine(manifest, runtime, unet, roles.unet, textEncoder, limits.maxBatch ?? DEFAULTS.maxBatch, codec);
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
      throw err;
    }
  }

  /** One forward pass at batch 1 (a backend smoke test: compiles WebGPU shaders, proves the kernels run). */
  async warmUp(): Promise<void> {
    const common: ResolvedCommon = { scheduler: 'ddim', steps: 1, eta: 0, seed: 0, guidanceScale: 1, guidanceInterval: [0, 1], signal: undefined, onStep: undefined };
    const cond = await this.conditioning(1, undefined, this.encodePrompts([''], ''), false);
    await this.generate({ batch: 1, common, guidanceScale: 1, cond, modelMs: 0 });
  }

  /** Draws `batch` images (see types.ts SampleOptions). */
  sample(options?: unknown): Promise<EngineImage[]> {
    return this.call(() => {
      const o = checkOptionKeys('sample', options);
      const common = resolveCommon(o, this.manifest);
      const batch = o.batch === undefined ? DEFAULTS.batch : checkInteger('batch', o.batch, 1, this.maxBatch);
      const labels = resolveClassLabels(o.classLabel, this.manifest, batch);
      const prompts = this.resolvePrompts(o.prompt, batch, 'sample');
      const negative = checkString('negativePrompt', o.negativePrompt) ?? '';
      if (negative !== '' && !this.tokenizer) throw new InvalidInputError('negativePrompt', `is not accepted: model '${this.manifest.name}' is not text-conditioned`);
      const ids = this.encodePrompts(prompts ?? [''], negative); // PromptTooLongError before queueing
      const initialNoise = checkInitialNoise(o.initialNoise, batch * this.sampleSize(), batch);
      return async () => {
        if (common.signal?.aborted) throw new AbortError();
        const guided = labels !== undefined || (prompts ?? []).some((p) => p !== '') || negative !== '';
        const guidanceScale = guided ? (common.guidanceScale ?? defaultGuidanceScale(this.manifest)) : 1;
        const plan: Plan = { batch, common, guidanceScale, cond: await this.conditioning(batch, labels, ids, guidanceScale !== 1), modelMs: 0, ...this.unknown(prompts ?? [''], negative), ...(initialNoise && { initialNoise }) };
        return this.generate(plan);
      };
    });
  }

  /** Draws one image for a prompt (see types.ts TextToImageOptions). */
  textToImage(options?: unknown): Promise<EngineImage> {
    return this.call(() => {
      const o = checkOptionKeys('textToImage', options);
      if (!this.tokenizer) {
        throw new InvalidInputError('prompt', `is not accepted: model '${this.manifest.name}' is not text-conditioned; use sample(${this.manifest.conditioning?.classes ? '{ classLabel }' : ''})`);
      }
      const common = resolveCommon(o, this.manifest);
      const prompt = checkString('prompt', o.prompt) ?? '';
      const negative = checkString('negativePrompt', o.negativePrompt) ?? '';
      const ids = this.encodePrompts([prompt], negative); // PromptTooLongError before queueing
      if (o.attentionMaps !== undefined && typeof o.attentionMaps !== 'boolean') throw new InvalidInputError('attentionMaps', 'must be true or false', o.attentionMaps);
      if (o.attentionMaps && this.crossAttention.length === 0) {
        throw new InvalidInputError('attentionMaps', `needs a U-Net exported with its cross-attention outputs (cross_attention_*); model '${this.manifest.name}' has none: re-export it with this webgen-train`);
      }
      const attentionWords = o.attentionMaps ? this.tokenizer.words(prompt) : undefined;
      return async () => {
        if (common.signal?.aborted) throw new AbortError();
        const conditioned = prompt !== '' || negative !== '';
        const guidanceScale = conditioned ? (common.guidanceScale ?? defaultGuidanceScale(this.manifest)) : 1;
        const plan: Plan = { batch: 1, common, guidanceScale, cond: await this.conditioning(1, undefined, ids, guidanceScale !== 1), modelMs: 0, ...this.unknown([prompt], negative), ...(attentionWords && { attentionWords }) };
        return (await this.generate(plan))[0]!;
      };
    });
  }

  /** Redraws an RGBA image (see types.ts Img2ImgOptions; the browser client turns other image kinds into RGBA first). */
  img2img(options: unknown): Promise<EngineImage> {
    return this.call(() => {
      const o = checkOptionKeys('img2img', options);
      const common = resolveCommon(o, this.manifest);
      if (o.image === undefined) throw new InvalidInputError('image', 'is required: the picture to start from');
      if (typeof o.image !== 'object' || o.image === null || !('data' in o.image)) {
        throw new InvalidInputError('image', 'must be { width, height, data } with RGBA bytes (in Node), or ImageData', o.image);
      }
      const image = checkRgba(o.image as RgbaImage);
      const strength = o.strength === undefined ? DEFAULTS.strength : checkNumber('strength', o.strength, 0, 1);
      const labels = resolveClassLabels(o.classLabel, this.manifest, 1);
      const prompt = checkString('prompt', o.prompt);
      if (prompt !== undefined && !this.tokenizer) throw new InvalidInputError('prompt', `is not accepted: model '${this.manifest.name}' is not text-conditioned`);
      const ids = this.encodePrompts([prompt ?? ''], '');
      if (strength > 0) this.codec?.requireEncoder(); // a latent model without an encoder: the typed error, before queueing
      // composited over white (unless the model draws alpha), then resized, as the trainer makes its data
      const pixels = rgbaImageToModel(image, this.manifest.image);
      return async () => {
        if (common.signal?.aborted) throw new AbortError();
        // A latent model starts from the picture's latent (encoded once; the encoder's time counts as model time).
        let encoderMs = 0;
        const begun = performance.now();
        const x0 = this.codec && strength > 0 ? await this.codec.encode(pixels, 1, (ms) => (encoderMs = ms)) : pixels;
        const conditioned = labels !== undefined || (prompt ?? '') !== '';
        const guidanceScale = conditioned ? (common.guidanceScale ?? defaultGuidanceScale(this.manifest)) : 1;
        const cond = await this.conditioning(1, labels, ids, guidanceScale !== 1);
        return (await this.generate({ batch: 1, common, guidanceScale, cond, init: { x0, image: pixels, strength }, modelMs: encoderMs, start: begun, ...this.unknown([prompt ?? ''], '') }))[0]!;
      };
    });
  }

  /** Releases the sessions; later calls throw ModelLoadError. Waits for the running call. */
  async dispose(): Promise<void> {
    if (this.queue.isClosed) return;
    await this.queue.close();
    await Promise.all([this.unet.release(), this.textEncoder?.release(), this.codec?.release()]);
  }

  /** Checks a call's options now (bad input fails at once, not after the queue), then runs its work in call order. */
  private call<T>(prepare: () => () => Promise<T>): Promise<T> {
    return this.queue.run(prepare);
  }


  /** Values in one U-Net sample: C·H·W of the latent (latent models) or of the image. */
  private sampleSize(): number {
    const image = this.manifest.image;
    const [C, H, W] = this.manifest.latentDiffusion?.latentShape ?? [image.channels, image.height, image.width];
    return C * H * W;
  }

  /** The unknown words of each prompt (with the negative prompt's), for text models; {} for the others. */
  private unknown(prompts: readonly string[], negative: string): { unknownWords?: string[][] } {
    const t = this.tokenizer;
    if (!t) return {};
    const neg = t.unknownWords(negative);
    return { unknownWords: prompts.map((p) => [...new Set([...t.unknownWords(p), ...neg])]) };
  }

  /**
   * sample()'s `prompt`: one for every image, or one per image; undefined when not given. Text-conditioned models
   * only (the error says what the model takes instead).
   */
  private resolvePrompts(value: unknown, batch: number, method: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!this.tokenizer) {
      const hint = this.manifest.conditioning?.classes ? '; it is class-conditional: pass a classLabel' : '';
      throw new InvalidInputError('prompt', `is not accepted: model '${this.manifest.name}' is not text-conditioned${hint}`, typeof value === 'string' ? value : undefined);
    }
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value) || value.length !== batch || !value.every((p) => typeof p === 'string')) {
      throw new InvalidInputError('prompt', `of ${method}() must be a string, or an array of one string per image (batch = ${batch})`, value);
    }
    return value as string[];
  }

  /**
   * The token ids of a call, encoded once per call: its P prompts (rows 0 … P−1; P is 1, shared by every image, or
   * one per image) and its negative prompt (row P), [(P + 1), L]. A prompt too long is a PromptTooLongError naming
   * `prompt`, `prompt[i]` or `negativePrompt`. Undefined for a model without a text encoder.
   */
  private encodePrompts(prompts: readonly string[], negative: string): { ids: Int32Array; rows: number } | undefined {
    if (!this.tokenizer) return undefined;
    const L = this.tokenizer.maxLength;
    const ids = new Int32Array((prompts.length + 1) * L);
    prompts.forEach((p, i) => ids.set(this.tokenizer!.encode(p, prompts.length === 1 ? 'prompt' : `prompt[${i}]`), i * L));
    ids.set(this.tokenizer.encode(negative, 'negativePrompt'), prompts.length * L);
    return { ids, rows: prompts.length };
  }

  /** Class labels and/or text encoder outputs of a call (`text`: encodePrompts of its prompts and negative prompt). */
  private async conditioning(batch: number, labels: Int32Array | undefined, text: { ids: Int32Array; rows: number } | undefined, guided: boolean): Promise<Conditioning> {
    const cond: Conditioning = {};
    const classes = this.manifest.conditioning?.classes;
    if (classes) {
      const nullClass = this.manifest.conditioning?.nullClass ?? classes.length;
      cond.labels = { cond: labels ?? new Int32Array(batch).fill(nullClass), uncond: nullClass };
    }
    if (this.textEncoder && this.tokenizer && text) {
      const L = this.tokenizer.maxLength;
      const P = text.rows;
      const count = guided ? P + 1 : P; // the negative prompt is encoded only for guidance
      const input = this.runtime.tensor('int64', BigInt64Array.from(text.ids.subarray(0, count * L), (v) => BigInt(v)), [count, L]);
      const out = await this.textEncoder.run({ [NAMES.inputIds]: input });
      const hidden = out[NAMES.hidden]!;
      const data = Float32Array.from(hidden.data as Float32Array); // [count, L, D]
      const dim = hidden.dims[2]!;
      disposeAll([input, ...Object.values(out)]);
      cond.context = { cond: data.subarray(0, P * L * dim), perImage: P > 1, uncond: guided ? data.subarray(P * L * dim) : data.subarray(0, L * dim), length: L, dim };
    }
    return cond;
  }

  /** The denoising loop of one call, on buffers allocated once. */
  private async generate(plan: Plan): Promise<EngineImage[]> {
    const start = plan.start ?? performance.now();
    const { batch: B, common, guidanceScale, cond } = plan;
    const image = this.manifest.image;
    // Where the U-Net works: the latent of a latent model, else the image.
    const [C, H, W] = this.manifest.latentDiffusion?.latentShape ?? [image.channels, image.height, image.width];
    const per = C * H * W;
    // A guidance-distilled student takes the scale as an input and runs the conditional batch alone.
    const guidanceInput = this.unetFile.inputs.some((s) => s.name === NAMES.guidanceScale);
    const guided = guidanceScale !== 1 && !guidanceInput;
    const b = guided ? 2 * B : B; // network batch: [cond; uncond] when guided
    if (common.signal?.aborted) throw new AbortError();

    // Inputs, allocated once per call and refilled each step.
    const sampleBuf = new Float32Array(b * per);
    const timestepSpec = this.unetFile.inputs.find((s) => s.name === NAMES.timestep)!;
    // [batch], or a scalar (diffusers exports may declare timestep as rank 0): every row shares t either way.
    const timestepScalar = timestepSpec.shape.length === 0;
    const timestepBuf = timestepSpec.dtype === 'int64' ? new BigInt64Array(timestepScalar ? 1 : b) : new Float32Array(timestepScalar ? 1 : b);
    const feeds: Record<string, OrtTensorLike> = {};
    // The same inputs for the first B rows only: the steps outside guidanceInterval run the conditional half alone.
    const half: Record<string, OrtTensorLike> = {};
    const tensor = (data: Float32Array | BigInt64Array, dims: number[]) =>
      data instanceof BigInt64Array ? this.runtime.tensor('int64', data, dims) : this.runtime.tensor('float32', data, dims);
    const addFeed = (name: string, data: Float32Array | BigInt64Array, dims: number[]) => {
      feeds[name] = tensor(data, dims);
      if (guided) half[name] = tensor(data.subarray(0, (data.length / b) * B), [B, ...dims.slice(1)]);
    };
    addFeed(NAMES.sample, sampleBuf, [b, C, H, W]);
    if (timestepScalar) {
      feeds[NAMES.timestep] = tensor(timestepBuf, []);
      if (guided) half[NAMES.timestep] = tensor(timestepBuf, []);
    } else addFeed(NAMES.timestep, timestepBuf, [b]);
    if (guidanceInput) addFeed(NAMES.guidanceScale, new Float32Array(b).fill(guidanceScale), [b]);
    if (cond.labels) {
      const l = new BigInt64Array(b);
      for (let i = 0; i < B; i++) {
        l[i] = BigInt(cond.labels.cond[i]!);
        if (guided) l[B + i] = BigInt(cond.labels.uncond);
      }
      addFeed(NAMES.classLabels, l, [b]);
    }
    if (cond.context) {
      const { length: L, dim: D } = cond.context;
      const ctx = new Float32Array(b * L * D); // [b, L, D]
      for (let i = 0; i < B; i++) {
        ctx.set(cond.context.perImage ? cond.context.cond.subarray(i * L * D, (i + 1) * L * D) : cond.context.cond, i * L * D);
        if (guided) ctx.set(cond.context.uncond, (B + i) * L * D);
      }
      addFeed(NAMES.context, ctx, [b, L, D]);
    }

    const scheduler = createScheduler(common.scheduler, this.schedulerConfig);
    const rng = new Rng(common.seed);
    let init: { sample: Float32Array; startIndex: number } | undefined;
    if (plan.init) {
      scheduler.setTimesteps(common.steps);
      const tail = img2imgTimesteps(scheduler.timesteps, plan.init.strength);
      if (tail.length === 0) {
        // strength 0: nothing to redraw; the (resized) input is the result.
        disposeAll([...Object.values(feeds), ...Object.values(half)]);
        return [this.toImage(plan.init.image, 0, common.seed, start, plan, 0)];
      }
      const noise = rng.normalArray(B * per);
      init = { sample: scheduler.addNoise(plan.init.x0, noise, tail[0]!), startIndex: common.steps - tail.length };
    } else if (plan.initialNoise) {
      init = { sample: plan.initialNoise, startIndex: 0 };
    }

    const preview = new Uint8ClampedArray(image.width * image.height * 4);
    // Only model_output comes back unless the call asked for the cross-attention maps.
    const attention = plan.attentionWords ? new AttentionAccumulator(plan.attentionWords.length, image.width, image.height) : undefined;
    const fetches = attention ? [NAMES.output, ...this.crossAttention] : [NAMES.output];
    let outputs: Record<string, OrtTensorLike> | undefined;
    let steps = 0;
    try {
      const x = await denoise({
        scheduler,
        size: B * per,
        steps: common.steps,
        eta: common.eta,
        guidanceScale: guided ? guidanceScale : 1,
        guidanceInterval: common.guidanceInterval,
        rng,
        ...(init && { init }),
        ...(common.signal && { signal: common.signal }),
        onStep: (s) => {
          steps = s.step;
          if (!common.onStep) return;
          // A latent model's preview: the manifest's linear latent → pixel map, no decoder run.
          const px = this.codec ? this.codec.preview(s.predOriginalSample, 0) : s.predOriginalSample;
          const rgba = modelToRgba(px, 0, image.channels, image.height, image.width, image.range, preview).slice();
          const info: StepInfo = { step: s.step, total: s.total, timestep: s.timestep, preview: { width: image.width, height: image.height, data: rgba } };
          common.onStep(info);
        },
        model: async (x, t, withUncond) => {
          if (this.runtime.yieldToEvents) {
            await this.runtime.yieldToEvents();
            if (common.signal?.aborted) throw new AbortError();
          }
          sampleBuf.set(x);
          if (withUncond) sampleBuf.set(x, B * per);
          if (timestepBuf instanceof BigInt64Array) timestepBuf.fill(BigInt(t));
          else timestepBuf.fill(t);
          if (outputs) disposeAll(Object.values(outputs));
          const t0 = performance.now();
          outputs = await this.unet.run(withUncond || !guided ? feeds : half, fetches);
          plan.modelMs += performance.now() - t0;
          // row 0: the first image's conditional half (guidance puts the unconditional rows after the B conditional ones)
          for (const name of attention ? this.crossAttention : []) attention!.add(outputs[name]!.data as Float32Array, outputs[name]!.dims, 0);
          const out = outputs[NAMES.output]!.data as Float32Array; // [b, C, H, W]
          return withUncond ? { conditional: out.subarray(0, B * per), unconditional: out.subarray(B * per) } : { conditional: out };
        },
      });
      const pixels = this.codec ? await this.codec.decode(x, B, (ms) => (plan.modelMs += ms)) : x;
      const images = Array.from({ length: B }, (_, i) => this.toImage(pixels, i, common.seed, start, plan, steps));
      if (attention) images[0]!.attentionMaps = attention.result(plan.attentionWords!);
      return images;
    } catch (err) {
      if (common.signal?.aborted) throw err instanceof AbortError ? err : new AbortError();
      throw err;
    } finally {
      if (outputs) disposeAll(Object.values(outputs));
      disposeAll([...Object.values(feeds), ...Object.values(half)]);
    }
  }

  private toImage(x: Float32Array, index: number, seed: number, start: number, plan: Plan, steps: number): EngineImage {
    const { channels: C, height: H, width: W, range } = this.manifest.image;
    const per = C * H * W;
    const unknownWords = plan.unknownWords?.[plan.unknownWords.length === 1 ? 0 : index];
    return { width: W, height: H, data: modelToRgba(x, index, C, H, W, range), seed, timings: { totalMs: performance.now() - start, modelMs: plan.modelMs, steps }, values: x.slice(index * per, (index + 1) * per), ...(unknownWords && { unknownWords }) };
  }
}

function disposeAll(tensors: OrtTensorLike[]): void {
  for (const t of tensors) t.dispose?.();
}
