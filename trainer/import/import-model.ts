/**
 * `webgen import`: a U-Net exported to ONNX from PyTorch in diffusers' conventions (inputs sample, timestep and
 * optionally encoder_hidden_states / class_labels; one output, out_sample; NCHW), its scheduler_config.json, and
 * optionally a VAE decoder (and encoder) and a text encoder with a word-level vocabulary → a webgen model folder.
 * Everything is checked against the ONNX files' own declared inputs and outputs before anything is written; each
 * failure is an ImportError naming the file, the field and the fix.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Manifest, ManifestConditioning, TensorSpec } from '../../sdk/manifest/types.js';
import { AUTOENCODER_TENSOR_NAMES, TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import { ImportError } from '../errors/import-error.js';
import { describeOnnx, writeModelFolder, type ModelFileInput } from '../export/model-folder.js';
import { classEmbeddingRows } from './class-embedding.js';
import { readSchedulerConfig } from './scheduler-config.js';
import { readUnetConfig } from './unet-config.js';
import { readWordTokenizer } from './tokenizer-files.js';

/** What to import; paths are files unless said otherwise. */
export interface ImportOptions {
  /** The U-Net ONNX file (Optimum: unet/model.onnx). */
  unet: string;
  /** diffusers' scheduler_config.json (Optimum: scheduler/scheduler_config.json). */
  schedulerConfig: string;
  /** The model folder to write. */
  out: string;
  /** Model name in the manifest. Default: the out folder's name. */
  name?: string;
  /** VAE decoder ONNX (latent models; Optimum: vae_decoder/model.onnx). */
  vaeDecoder?: string;
  /** VAE encoder ONNX (img2img of latent models; Optimum: vae_encoder/model.onnx). */
  vaeEncoder?: string;
  /** The VAE's scaling_factor (latents × it ≈ unit variance). Required with vaeDecoder. */
  scalingFactor?: number;
  /** Text encoder ONNX (input_ids → last_hidden_state; Optimum: text_encoder/model.onnx). */
  textEncoder?: string;
  /** Word-level vocabulary: a vocab.txt, or the tokenizer folder holding it. Required with textEncoder. */
  tokenizer?: string;
  /** Class names of a class-conditional U-Net (class_labels input); the id is the index. */
  classes?: string[];
  /** The class id of "no class" (guidance's unconditional side). Default: classes.length. */
  nullClass?: number;
  /** diffusers' config.json of the U-Net (in_channels, out_channels, sample_size). Default: config.json beside `unet`, if any. */
  unetConfig?: string;
  /** [C, H, W] of the U-Net's sample where the ONNX file leaves them symbolic. */
  sampleShape?: [number, number, number];
  /** Value range of the model's pixels. Default [−1, 1] (diffusers'). */
  range?: [number, number];
  /** Sampling defaults written to the manifest. Default 20 steps, guidance 7.5 for conditioned models. */
  steps?: number;
  guidanceScale?: number;
}

/** Reads, checks and writes; returns the manifest written (validated by the SDK's validator). */
export async function importModel(o: ImportOptions): Promise<Manifest> {
  const schedule = await readSchedulerConfig(o.schedulerConfig);
  const unetBytes = await readOnnx(o.unet);
  const unet = describe(unetBytes, o.unet);

  // U-Net: sample [batch, C, H, W], timestep [batch] int64 or float, one output the sample's shape.
  const sample = need(unet.inputs, TENSOR_NAMES.sample, o.unet, 'inputs');
  if (sample.shape.length !== 4) throw new ImportError(o.unet, 'inputs.sample.shape', `is ${JSON.stringify(sample.shape)}, not NCHW [batch, C, H, W]`, 'export the U-Net with an NCHW sample input');
  // diffusers' config.json of the U-Net, when beside it: its sizes must agree with the file's, and fill symbolic ones.
  const configPath = o.unetConfig ?? join(dirname(o.unet), 'config.json');
  const config = await readUnetConfig(configPath);
  const configured = [config?.inChannels, ...(config?.sampleSize ?? [undefined, undefined])];
  sample.shape.slice(1).forEach((d, i) => {
    const want = configured[i];
    if (want !== undefined && typeof d === 'number' && d > 0 && d !== want) {
      const field = i === 0 ? 'in_channels' : 'sample_size';
      throw new ImportError(configPath, field, `is ${field === 'in_channels' ? want : JSON.stringify(config!.sampleSize)}, but ${o.unet} declares sample ${JSON.stringify(sample.shape)}`, 'export the U-Net and its config.json from the same model (or pass --unet-config FILE)');
    }
  });
  if (config?.outChannels !== undefined && config.inChannels !== undefined && config.outChannels !== config.inChannels) {
    throw new ImportError(configPath, 'out_channels', `is ${config.outChannels} for in_channels ${config.inChannels}: the U-Net predicts more than the sample (a learned variance, as in improved DDPM), which webgen's samplers do not use`, 'export a U-Net whose output is the sample\'s shape');
  }
  const dims = sample.shape.slice(1).map((d, i) => (typeof d === 'number' && d > 0 ? d : (o.sampleShape?.[i] ?? configured[i])));
  if (dims.some((d) => d === undefined)) throw new ImportError(o.unet, 'inputs.sample.shape', `is ${JSON.stringify(sample.shape)}: its channels, height and width are symbolic`, 'pass --sample-shape C,H,W (the size the model was trained at), or --unet-config with the U-Net\'s config.json (sample_size, in_channels)');
  if (o.sampleShape && sample.shape.slice(1).some((d, i) => typeof d === 'number' && d > 0 && d !== o.sampleShape![i])) {
    throw new ImportError(o.unet, 'inputs.sample.shape', `is ${JSON.stringify(sample.shape)}, which does not match --sample-shape ${o.sampleShape.join(',')}`, 'drop --sample-shape or correct it');
  }
  const [C, H, W] = dims as number[];
  const timestep = need(unet.inputs, TENSOR_NAMES.timestep, o.unet, 'inputs');
  if (timestep.dtype !== 'int64' && timestep.dtype !== 'float32') throw new ImportError(o.unet, 'inputs.timestep.dtype', `is ${timestep.dtype}; webgen feeds int64 or float32 timesteps`, 'export with timestep as torch.int64 or torch.float32');
  const known = new Set<string>([TENSOR_NAMES.sample, TENSOR_NAMES.timestep, TENSOR_NAMES.classLabels, TENSOR_NAMES.context]);
  const extra = unet.inputs.filter((s) => !known.has(s.name));
  if (extra.length) throw new ImportError(o.unet, `inputs.${extra[0]!.name}`, `is an input webgen does not know (it feeds ${[...known].join(', ')})`, 'export the U-Net with diffusers input names (sample, timestep, encoder_hidden_states, class_labels)');
  const output = unet.outputs.length === 1 ? unet.outputs[0]! : unet.outputs.find((s) => s.name === 'out_sample');
  if (!output) throw new ImportError(o.unet, 'outputs', `are ${unet.outputs.map((s) => s.name).join(', ')}; webgen needs one output, or one named out_sample`, "export with output_names=['out_sample']");
  sameDims(output.shape, [C!, H!, W!], o.unet, `outputs.${output.name}.shape`, `the sample's [batch, ${C}, ${H}, ${W}]`);

  // Conditioning: class labels or text, as the U-Net's inputs say, and as the options give.
  const conditioning: ManifestConditioning = {};
  const classInput = unet.inputs.find((s) => s.name === TENSOR_NAMES.classLabels);
  if (classInput && !o.classes) throw new ImportError(o.unet, 'inputs.class_labels', 'is an input, but no class names were given', 'pass --classes name0,name1,… (the id is the index)');
  if (!classInput && o.classes) throw new ImportError(o.unet, 'inputs.class_labels', 'is missing, but --classes was given', 'drop --classes, or export the class-conditional U-Net with a class_labels input');
  if (classInput) {
    if (classInput.dtype !== 'int64') throw new ImportError(o.unet, 'inputs.class_labels.dtype', `is ${classInput.dtype}; webgen feeds int64 class ids`, 'export class_labels as torch.int64');
    conditioning.classes = o.classes;
    conditioning.nullClass = o.nullClass ?? o.classes!.length;
    // The ids webgen feeds (each class, and the null class for unconditioned and guided calls) must be rows of the
    // class embedding; past it, sampling would fail inside onnxruntime.
    const rows = classEmbeddingRows(unetBytes);
    if (rows !== undefined && o.classes!.length > rows) throw new ImportError(o.unet, 'inputs.class_labels', `indexes a class embedding of ${rows} rows, but ${o.classes!.length} classes were given`, `pass at most ${rows} names to --classes`);
    if (rows !== undefined && conditioning.nullClass >= rows) {
      throw new ImportError(o.unet, 'inputs.class_labels', `indexes a class embedding of ${rows} rows, so the null class ${conditioning.nullClass} (used for unconditioned and guided draws) is out of range`, `pass --null-class N with N < ${rows} (the id the model was trained with for "no class"), or list fewer classes`);
    }
  }
  const files: Record<string, ModelFileInput> = { unet: { bytes: unetBytes, filename: 'unet.onnx' } };
  const unetNames = renamed({ [TENSOR_NAMES.output]: output.name });
  if (unetNames) files.unet!.tensorNames = unetNames;

  const context = unet.inputs.find((s) => s.name === TENSOR_NAMES.context);
  if (context && !o.textEncoder) throw new ImportError(o.unet, 'inputs.encoder_hidden_states', 'is an input, but no text encoder was given', 'pass --text-encoder FILE and --tokenizer DIR (Optimum: text_encoder/model.onnx, tokenizer/)');
  if (!context && o.textEncoder) throw new ImportError(o.unet, 'inputs.encoder_hidden_states', 'is missing, but --text-encoder was given', 'drop --text-encoder, or export the text-conditional U-Net with an encoder_hidden_states input');
  if (context && o.textEncoder) {
    const bytes = await readOnnx(o.textEncoder);
    const text = describe(bytes, o.textEncoder);
    const ids = need(text.inputs, TENSOR_NAMES.inputIds, o.textEncoder, 'inputs');
    if (ids.dtype !== 'int64') throw new ImportError(o.textEncoder, 'inputs.input_ids.dtype', `is ${ids.dtype}; webgen feeds int64 token ids`, 'export input_ids as torch.int64');
    const hidden = need(text.outputs, TENSOR_NAMES.hidden, o.textEncoder, 'outputs');
    const L = ids.shape[1];
    if (typeof L !== 'number' || L < 1) throw new ImportError(o.textEncoder, 'inputs.input_ids.shape', `is ${JSON.stringify(ids.shape)}: the sequence length is symbolic`, 'export with a fixed sequence length (the tokenizer pads every prompt to it)');
    if (context.shape.length !== 3 || hidden.shape.length !== 3) throw new ImportError(o.unet, 'inputs.encoder_hidden_states.shape', `is ${JSON.stringify(context.shape)} and the text encoder's last_hidden_state ${JSON.stringify(hidden.shape)}; both must be [batch, sequence, width]`, 'export both with rank-3 states');
    for (const k of [1, 2]) {
      const a = context.shape[k];
      const b = hidden.shape[k];
      if (typeof a === 'number' && a > 0 && typeof b === 'number' && b > 0 && a !== b) {
        throw new ImportError(o.unet, `inputs.encoder_hidden_states.shape[${k}]`, `is ${a} but ${o.textEncoder} gives last_hidden_state with ${b}`, 'export the U-Net and the text encoder of the same pipeline');
      }
    }
    if (!o.tokenizer) throw new ImportError(o.textEncoder, 'tokenizer', 'is required with a text encoder', 'pass --tokenizer DIR (a folder with vocab.txt) or --tokenizer FILE.txt');
    conditioning.tokenizer = await readWordTokenizer(o.tokenizer, L);
    files.textEncoder = { bytes, filename: 'text-encoder.onnx' };
  }

  // A latent model: the VAE decoder maps latent / scalingFactor to the image.
  let image = { width: W!, height: H!, channels: C!, range: o.range ?? ([-1, 1] as [number, number]) };
  let latentDiffusion: Manifest['latentDiffusion'];
  if (o.vaeEncoder && !o.vaeDecoder) throw new ImportError(o.vaeEncoder, 'vae_decoder', 'is required with a VAE encoder', 'pass --vae-decoder FILE too');
  if (o.vaeDecoder) {
    if (!(typeof o.scalingFactor === 'number' && o.scalingFactor > 0)) throw new ImportError(o.vaeDecoder, 'scaling_factor', 'is required with a VAE decoder', "pass --scaling-factor X (the VAE's config.json scaling_factor; Stable Diffusion 1.x: 0.18215)");
    const bytes = await readOnnx(o.vaeDecoder);
    const vae = describe(bytes, o.vaeDecoder);
    const latentIn = one(vae.inputs, ['latent_sample', AUTOENCODER_TENSOR_NAMES.latent], o.vaeDecoder, 'inputs');
    const imageOut = one(vae.outputs, ['sample', AUTOENCODER_TENSOR_NAMES.image], o.vaeDecoder, 'outputs');
    sameDims(latentIn.shape, [C!, H!, W!], o.vaeDecoder, `inputs.${latentIn.name}.shape`, `the U-Net's sample [batch, ${C}, ${H}, ${W}]`);
    const [c, h, w] = imageOut.shape.slice(1);
    if (imageOut.shape.length !== 4 || ![c, h, w].every((d) => typeof d === 'number' && d > 0)) {
      throw new ImportError(o.vaeDecoder, `outputs.${imageOut.name}.shape`, `is ${JSON.stringify(imageOut.shape)}; webgen needs the image's channels, height and width fixed`, 'export the decoder with a fixed latent size (only the batch dynamic)');
    }
    image = { ...image, channels: c as number, height: h as number, width: w as number };
    latentDiffusion = {
      latentShape: [C!, H!, W!],
      scalingFactor: o.scalingFactor,
      // Imported decoders come without a fitted preview map: per-step previews are flat (mid-range) until one is fitted.
      previewMap: Array.from({ length: c as number }, () => new Array<number>(C! + 1).fill(0)),
    };
    files.decoder = { bytes, filename: 'decoder.onnx' };
    const names = renamed({ [AUTOENCODER_TENSOR_NAMES.latent]: latentIn.name, [AUTOENCODER_TENSOR_NAMES.image]: imageOut.name });
    if (names) files.decoder.tensorNames = names;
    if (o.vaeEncoder) {
      const eBytes = await readOnnx(o.vaeEncoder);
      const enc = describe(eBytes, o.vaeEncoder);
      const imageIn = one(enc.inputs, ['sample', AUTOENCODER_TENSOR_NAMES.image], o.vaeEncoder, 'inputs');
      const latentOut = one(enc.outputs, ['latent_sample', AUTOENCODER_TENSOR_NAMES.latent], o.vaeEncoder, 'outputs');
      sameDims(imageIn.shape, [image.channels, image.height, image.width], o.vaeEncoder, `inputs.${imageIn.name}.shape`, "the decoder's image");
      sameDims(latentOut.shape, [C!, H!, W!], o.vaeEncoder, `outputs.${latentOut.name}.shape`, "the U-Net's sample");
      files.encoder = { bytes: eBytes, filename: 'encoder.onnx' };
      const eNames = renamed({ [AUTOENCODER_TENSOR_NAMES.image]: imageIn.name, [AUTOENCODER_TENSOR_NAMES.latent]: latentOut.name });
      if (eNames) files.encoder.tensorNames = eNames;
    }
  }
  if (![1, 3, 4].includes(image.channels)) throw new ImportError(o.vaeDecoder ?? o.unet, 'image channels', `are ${image.channels}; webgen draws 1 (grey), 3 (RGB) or 4 (RGBA) channels`, o.vaeDecoder ? 'check the decoder' : 'a latent U-Net needs --vae-decoder');

  const conditioned = conditioning.classes !== undefined || conditioning.tokenizer !== undefined;
  return writeModelFolder(o.out, {
    name: o.name ?? basename(o.out),
    kind: latentDiffusion ? 'latent-diffusion' : 'diffusion-unet',
    image,
    schedule,
    ...(conditioned && { conditioning }),
    ...(latentDiffusion && { latentDiffusion }),
    sampling: { steps: Math.min(o.steps ?? 20, schedule.trainSteps), ...(conditioned && { guidanceScale: o.guidanceScale ?? 7.5 }) },
    training: { recipe: 'import', data: 'imported from an ONNX export (webgen import)', steps: 0, wallTimeSeconds: 0, parameters: 0, config: { sources: Object.fromEntries(Object.entries({ unet: o.unet, schedulerConfig: o.schedulerConfig, vaeDecoder: o.vaeDecoder, vaeEncoder: o.vaeEncoder, textEncoder: o.textEncoder, tokenizer: o.tokenizer }).filter(([, v]) => v !== undefined)) } },
    metrics: { import: 'parity with the source framework is not measured by webgen import (tests/import-onnx.test.ts measures the fixtures)' },
    parity: { maxAbsError: 0, tolerance: 0 },
    files,
  });
}

/** The paths of an Optimum `optimum-cli export onnx` folder (those that exist are used). */
export function optimumLayout(dir: string): Pick<ImportOptions, 'unet' | 'schedulerConfig' | 'vaeDecoder' | 'vaeEncoder' | 'textEncoder' | 'tokenizer'> {
  return {
    unet: join(dir, 'unet', 'model.onnx'),
    schedulerConfig: join(dir, 'scheduler', 'scheduler_config.json'),
    vaeDecoder: join(dir, 'vae_decoder', 'model.onnx'),
    vaeEncoder: join(dir, 'vae_encoder', 'model.onnx'),
    textEncoder: join(dir, 'text_encoder', 'model.onnx'),
    tokenizer: join(dir, 'tokenizer'),
  };
}

async function readOnnx(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new ImportError(path, '(file)', 'is missing or unreadable', 'check the path (Optimum writes unet/model.onnx, vae_decoder/model.onnx, text_encoder/model.onnx)');
  }
}

function describe(bytes: Uint8Array, path: string): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  try {
    return describeOnnx(bytes, path);
  } catch (err) {
    throw new ImportError(path, 'graph', `cannot be read as ONNX (${(err as Error).message})`, 'export it again with torch.onnx.export (external-data files are not supported)');
  }
}

function need(list: TensorSpec[], name: string, file: string, where: 'inputs' | 'outputs'): TensorSpec {
  const s = list.find((x) => x.name === name);
  if (!s) throw new ImportError(file, `${where}.${name}`, `is missing (the file's ${where}: ${list.map((x) => x.name).join(', ') || 'none'})`, `export with ${where === 'inputs' ? 'input_names' : 'output_names'} in diffusers' names (${name})`);
  return s;
}

function one(list: TensorSpec[], names: string[], file: string, where: 'inputs' | 'outputs'): TensorSpec {
  const s = list.find((x) => names.includes(x.name));
  if (!s || list.length !== 1) throw new ImportError(file, where, `are ${list.map((x) => x.name).join(', ') || 'none'}; webgen needs exactly one, named ${names.join(' or ')}`, `export with ${where === 'inputs' ? 'input_names' : 'output_names'}=['${names[0]}']`);
  return s;
}

function sameDims(shape: (number | string)[], expected: number[], file: string, field: string, what: string): void {
  const ok = shape.length === expected.length + 1 && expected.every((d, i) => typeof shape[i + 1] !== 'number' || shape[i + 1] === 0 || shape[i + 1] === d);
  if (!ok) throw new ImportError(file, field, `is ${JSON.stringify(shape)}, which does not match ${what}`, 'export the files of one pipeline, at one size');
}

/** The entries whose file name differs from the contract's, or undefined when none does. */
function renamed(map: Record<string, string>): Record<string, string> | undefined {
  const diff = Object.entries(map).filter(([k, v]) => k !== v);
  return diff.length ? Object.fromEntries(diff) : undefined;
}
