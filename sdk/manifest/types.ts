/**
 * manifest.json, schema version 1: the contract between the trainer (writes it) and the SDK (validates it on
 * load, sdk/manifest/validate-manifest.ts). Browser-safe: no Node APIs, no tfjs.
 *
 * Versioning: MANIFEST_SCHEMA_VERSION increases on any change a reader of the old version would
 * misread. Readers refuse newer versions with a message to upgrade; unknown extra fields are
 * ignored so that optional additions need no bump.
 */

/** Schema version this code writes and reads. */
export const MANIFEST_SCHEMA_VERSION = 1;

/**
 * The largest `bytes` a manifest may declare for one file: 2 GiB, protobuf's own limit for an ONNX file without
 * external data. A larger value is a ManifestError, before anything is allocated or read.
 */
export const MAX_MODEL_FILE_BYTES = 2 ** 31;

/** The largest manifest.json the SDK reads (a tokenizer's vocabulary included, real ones are a few hundred KB). */
export const MAX_MANIFEST_BYTES = 16 * 2 ** 20;

/** What the model folder holds; decides how the SDK drives it. */
export type ModelKind = 'diffusion-unet' | 'latent-diffusion' | 'gan-generator' | 'autoencoder' | 'feature-extractor' | 'text-encoder' | 'classifier' | 'clip' | 'translator';
export const MODEL_KINDS: readonly ModelKind[] = ['diffusion-unet', 'latent-diffusion', 'gan-generator', 'autoencoder', 'feature-extractor', 'text-encoder', 'classifier', 'clip', 'translator'];

/** Element types of model inputs/outputs (as OnnxDType in onnx-graph.ts). */
export type TensorDType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';
export const TENSOR_DTYPES: readonly TensorDType[] = ['float32', 'float16', 'int64', 'int32', 'bool'];

/** One model input or output. Symbolic dims (e.g. 'batch') are strings. */
export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  shape: (number | string)[];
}

/** One ONNX file of the model folder, keyed by role ('unet', 'textEncoder', 'generator', 'decoder'...). */
export interface ManifestFile {
  /** File name relative to the folder holding manifest.json (no '..', no leading '/'). */
  path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** How the weights are stored (float32 compute except int8-qdq's convs); 'int8' / 'int8-qdq' only on a loaded variant (choose-precision.ts). */
  weights: 'float32' | 'float16' | 'int8' | 'int8-qdq';
  /**
   * Optional other encodings of this same network, with the same inputs and outputs: `float16` is a copy whose
   * weights are stored as float16 (about half the bytes; `parity.fp16MaxAbsError` says how far its outputs move);
   * `int8` one whose Conv and MatMul weights are per-channel int8 (about a quarter; `parity.int8MaxAbsError`);
   * `int8-qdq` one whose convolutions run in int8 (static QDQ; `parity.int8QdqMaxAbsError`).
   * The SDK downloads either this file or the variant it picks (createGenerator's `precision`), never both. Readers
   * that predate the field ignore it and load `path`.
   */
  variants?: ManifestFileVariants;
  /**
   * The names this file uses for the webgen contract's tensors, keyed by the contract's name (tensor-names.ts), for
   * files made elsewhere (`webgen import` of a diffusers ONNX export: { model_output: 'out_sample' }, a VAE decoder's
   * { latent: 'latent_sample', image: 'sample' }). `inputs` and `outputs` list the file's own names. Absent: the
   * contract's names. Readers that predate the field cannot load such files (their names differ).
   */
  tensorNames?: Record<string, string>;
}

/** The variant names a manifest's files may carry (ManifestFileVariants' keys). */
export const FILE_VARIANTS = ['float16', 'int8', 'int8-qdq'] as const;
export type FileVariantName = (typeof FILE_VARIANTS)[number];

/** Other encodings of one model file (ManifestFile.variants). */
export interface ManifestFileVariants {
  /** The same network with float16-stored weights (cast to float32 inside the graph). */
  float16?: ManifestFileVariant;
  /**
   * The same network with per-output-channel int8 Conv / MatMul weights, widened by Cast · scale inside the graph
   * (onnxruntime folds that back to float32 weights when the session opens: float32 kernels, a quarter of the bytes).
   */
  int8?: ManifestFileVariant;
  /**
   * The same network with static QDQ int8 convolutions: uint8 activations (ranges calibrated at export), per-channel
   * int8 weights, int32 biases, which onnxruntime runs as QLinearConv (faster a step; docs/inference-graph.md).
   */
  'int8-qdq'?: ManifestFileVariant;
}

/** One variant file: inputs, outputs and role are the parent file's. */
export interface ManifestFileVariant {
  /** File name relative to the folder holding manifest.json (no '..', no leading '/'); not the parent's path. */
  path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
}

/** Pixel layout of generated images. Model tensors are NCHW unless a file's shapes say otherwise. */
export interface ManifestImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
  /** Value range of model-space pixels, e.g. [-1, 1]: the SDK maps it to 0..255. */
  range: [number, number];
}

/** The training noise schedule the SDK's samplers must reproduce. */
export interface ManifestSchedule {
  /**
   * 'linear' (DDPM, Ho et al. 2020), 'cosine' (Nichol & Dhariwal 2021) or 'scaled_linear' (√β linear, then squared:
   * latent diffusion / Stable Diffusion, Rombach et al. 2022).
   */
  kind: 'linear' | 'cosine' | 'scaled_linear';
  /** β_1 of the linear schedule (recorded for cosine, unused there). */
  betaStart: number;
  /** β_T of the linear schedule; for cosine the clip on β_t (usually 0.999). */
  betaEnd: number;
  /** Number of training timesteps T. */
  trainSteps: number;
  /** What the network predicts: noise ε, velocity v, or the clean sample x_0. */
  predictionType: 'epsilon' | 'v' | 'sample';
  /**
   * How `steps` inference timesteps are spaced over the T training ones (diffusers' timestep_spacing); default
   * 'leading'. Distilled students use 'trailing', whose first timestep is T − 1 at any step count.
   */
  timestepSpacing?: 'leading' | 'trailing' | 'linspace';
  /**
   * Whether the samplers clamp the predicted x_0 to [−1, 1] (diffusers' clip_sample); default true, right for pixels
   * in [−1, 1]. Latent models set false: their scaled latents are about unit-variance, not bounded by 1.
   */
  clipSample?: boolean;
  /** Added to every 'leading' timestep (diffusers' steps_offset; Stable Diffusion uses 1); default 0. */
  stepsOffset?: number;
  /**
   * ᾱ after the last step: 1 (true, the default) or ᾱ_0 (false; diffusers' set_alpha_to_one, Stable Diffusion
   * uses false).
   */
  setAlphaToOne?: boolean;
}

/** How text is turned into token ids for the text encoder. */
export interface ManifestTokenizer {
  /** 'word' (words are runs of letters or digits; sdk/text/tokenizer.ts) or 'char'. */
  kind: 'word' | 'char';
  /** Token strings; the id of a token is its index. No token twice. */
  vocab: string[];
  /** Sequences are padded to this many ids; a longer prompt is an error (PromptTooLongError), never truncated. */
  maxLength: number;
  /** Id used for padding; the empty prompt (all padId) is the null condition of classifier-free guidance. */
  padId: number;
  /** Id used for tokens not in vocab. */
  unknownId: number;
  /** Lower-case text before tokenizing. */
  lowercase: boolean;
}

/** How a GAN generator's latent input z is drawn (kind 'gan-generator'; its ONNX input 'z' is [batch, dim]). */
export interface ManifestLatent {
  /** Length of z. */
  dim: number;
  /** z ~ N(0, I); truncation (Brock et al. 2019) resamples components beyond a threshold. */
  distribution: 'normal';
  /**
   * A style-based generator (StyleGAN): how many layers take a copy of w. Its file then has the inputs
   * truncation_psi [batch], z_mix [batch, dim] and mix_crossover [batch] int64 (the first layer drawn from z_mix).
   */
  styleLayers?: number;
}

/**
 * The latent space of an autoencoder (kind 'autoencoder'; files.encoder maps 'image' [batch, C, H, W] to 'latent'
 * [batch, ...shape], files.decoder maps 'latent' back to 'image').
 */
export interface ManifestAutoencoder {
  /** One image's latent: [channels, height, width] (spatial) or [dim] (a flat vector). */
  latentShape: number[];
  /** 'kl': the encoder gives the posterior mean; 'vq': the nearest codes of a codebook. */
  quantization: 'kl' | 'vq';
  /** Latents times this have about unit variance (latent diffusion's scale factor; 1 / std of training latents). */
  scalingFactor: number;
  /** VQ: codebook size and code length. */
  codebook?: { codes: number; dim: number };
}

/**
 * The latent space of a latent diffusion model (kind 'latent-diffusion', Rombach et al. 2022): files.unet denoises
 * latents [batch, ...latentShape] conditioned on files.textEncoder's 'last_hidden_state'; files.decoder maps
 * latent / scalingFactor to the image ('latent' → 'image', the autoencoder's contract) once, at the end; the optional
 * files.encoder maps an image to its latent for img2img. `image` describes the decoded pixels.
 */
export interface ManifestLatentDiffusion {
  /** One image's latent, [channels, height, width]: files.unet's 'sample' is [batch, ...latentShape]. */
  latentShape: [number, number, number];
  /** The U-Net works on latents × scalingFactor (about unit variance); the decoder takes them ÷ scalingFactor. */
  scalingFactor: number;
  /**
   * The per-step preview without the decoder: a linear map fitted at export from the scaled latent's channels (and 1)
   * to the image's channels in model range, one row per image channel of (latent channels + 1) numbers; each latent
   * pixel stands for a block of (image height / latent height) × (image width / latent width) pixels.
   */
  previewMap: number[][];
  /** The frozen models the pipeline was built from: model names and the sha256 of the files copied from them. */
  components?: Record<string, { model: string; sha256: string }>;
}

/**
 * The joint embedding of a CLIP model (kind 'clip'; tensor names in tensor-names.ts CLIP_TENSOR_NAMES):
 * files.imageEncoder maps 'image' [batch, C, H, W] (model space: `image`'s size, channels and range) to 'image_embeds'
 * [batch, embedDim]; files.textEncoder maps 'input_ids' [batch, maxLength] (conditioning.tokenizer) to 'text_embeds'
 * [batch, embedDim] and the per-token 'last_hidden_state'. Both embeddings have unit L2 norm.
 */
export interface ManifestClip {
  /** Width d_e of the joint embedding. */
  embedDim: number;
  /** exp(t), the learned inverse temperature: softmax(logitScale · cosine) ranks captions for an image and back. */
  logitScale: number;
  /** Which image tower the model has: 'vit' or 'cnn'. */
  imageEncoder: 'vit' | 'cnn';
}

/**
 * An image-to-image translator (kind 'translator'; tensor names in tensor-names.ts TRANSLATOR_TENSOR_NAMES):
 * files.translator maps 'image' [batch, C, H, W] in model space (`image`'s size, channels and range) to 'translated',
 * the same shape and range, redrawn from the source style in the target style.
 */
export interface ManifestTranslator {
  /** The style the model reads, e.g. 'noto'. */
  source: string;
  /** The style it draws, e.g. 'twemoji'. */
  target: string;
}

/** What the model can be conditioned on (absent: unconditional). */
export interface ManifestConditioning {
  /** Class names; the class id is the index. */
  classes?: string[];
  /** Tokenizer of the text encoder for prompt conditioning. */
  tokenizer?: ManifestTokenizer;
  /** Class id meaning "no class", used for classifier-free guidance (an empty prompt plays that role for text). */
  nullClass?: number;
}

/** How the model was trained, for the model card and reproducibility. */
export interface ManifestTraining {
  /** Recipe name, e.g. 'shapes-tiny'. */
  recipe: string;
  /** Data set description, e.g. 'procedural shapes 32x32, 50k'. */
  data: string;
  steps: number;
  wallTimeSeconds: number;
  /** Trainable parameter count (all files). */
  parameters: number;
  /** Resolved training configuration (free-form JSON). */
  config: Record<string, unknown>;
}

/** Export parity figures: ONNX (onnxruntime) vs the trainer's forward pass. */
export interface ManifestParity {
  maxAbsError: number;
  tolerance: number;
  /** Max abs error of the float16-weights file (files.<role>.variants.float16, or older exports' only file), when one was written. */
  fp16MaxAbsError?: number;
  /** Max abs error of the int8-weights files (files.<role>.variants.int8), when written. */
  int8MaxAbsError?: number;
  /** Max abs error of the static-QDQ files (files.<role>.variants['int8-qdq']), when written. */
  int8QdqMaxAbsError?: number;
  /** Max abs error of each file by role (as in `files`), float32 weights; maxAbsError is the largest. */
  byFile?: Record<string, number>;
}

/** A model's own defaults for the generation options of the same names (each optional; the SDK's defaults otherwise). */
export interface ManifestSampling {
  /** DDIM steps (1 … schedule.trainSteps). */
  steps?: number;
  /** Classifier-free guidance scale of conditioned calls (0 … 50). */
  guidanceScale?: number;
  /** Fractions [lo, hi] of the training timesteps where guidance applies (0 ≤ lo ≤ hi ≤ 1). */
  guidanceInterval?: [number, number];
  /**
   * A distilled student's only step counts (trainer/distill/): the SDK refuses others with an InvalidInputError naming
   * them. Absent: any step count.
   */
  supportedSteps?: number[];
  /**
   * The guidance scales [lo, hi] a student with a 'guidance_scale' input was distilled for (it runs one network pass
   * per step and takes no guidanceInterval: the teacher's, if any, is distilled in). Required with that input.
   */
  guidanceRange?: [number, number];
}

/** How a distilled student was made (trainer/distill/progressive-distillation.ts), for its card. */
export interface ManifestDistillation {
  /** 'progressive' (Salimans & Ho 2022), with classifier-free guidance distilled in (Meng et al. 2023). */
  method: 'progressive';
  /** The model the first stage learned from (its name). */
  teacher: string;
  /** DDIM steps of the first stage's teacher. */
  teacherSteps: number;
  /** Guidance interval of the original teacher's sampling, distilled in (fractions of T). */
  teacherGuidanceInterval: [number, number];
  /** Each stage: its student's steps, optimiser steps and wall time. */
  stages: { studentSteps: number; steps: number; wallTimeSeconds: number; finalLoss: number }[];
}

export interface Manifest {
  schemaVersion: number;
  /** Model name, e.g. 'shapes-ddpm-32'. */
  name: string;
  kind: ModelKind;
  /** ISO 8601 timestamp of the export. */
  createdAt: string;
  files: Record<string, ManifestFile>;
  image: ManifestImage;
  schedule?: ManifestSchedule;
  conditioning?: ManifestConditioning;
  /** The latent of a GAN generator (required for kind 'gan-generator'). */
  latent?: ManifestLatent;
  /** The latent space of an autoencoder (required for kind 'autoencoder'). */
  autoencoder?: ManifestAutoencoder;
  /** The latent space of a latent diffusion model (required for kind 'latent-diffusion'). */
  latentDiffusion?: ManifestLatentDiffusion;
  /** The joint embedding of a CLIP model (required for kind 'clip', with conditioning.tokenizer). */
  clip?: ManifestClip;
  /** The styles of an image-to-image translator (required for kind 'translator'). */
  translator?: ManifestTranslator;
  /** Sampling settings measured to suit this model (its card says how); the SDK uses them for options a call leaves out. */
  sampling?: ManifestSampling;
  /** A distilled student's lineage (kind 'diffusion-unet'). */
  distillation?: ManifestDistillation;
  training: ManifestTraining;
  /** Measured quality and speed (FID, KID, ms/image...). */
  metrics: Record<string, number | string>;
  parity: ManifestParity;
}
