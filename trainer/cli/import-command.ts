/**
 * `webgen import --from DIR --out DIR [options]`: a diffusers-style ONNX export (PyTorch → torch.onnx.export or
 * Optimum) → a webgen model folder (trainer/import/import-model.ts; docs/import.md).
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors/usage-error.js';
import { importModel, optimumLayout, type ImportOptions } from '../import/import-model.js';
import { parseFlags } from './config-flags.js';
import { intFlag, numberFlag } from './number-flags.js';

export const IMPORT_HELP = `webgen import --from DIR --out DIR [options]
webgen import --unet FILE --scheduler-config FILE --out DIR [options]

Brings a U-Net exported to ONNX in diffusers' conventions (inputs sample, timestep, optional
encoder_hidden_states / class_labels; output out_sample; NCHW) and its scheduler_config.json into a
webgen model folder: manifest.json (schedule, tensor names, sampling defaults, sha256 of each file).
See docs/import.md.

  --from DIR                an Optimum export (optimum-cli export onnx): unet/model.onnx,
                            scheduler/scheduler_config.json, and where present vae_decoder/, vae_encoder/,
                            text_encoder/ (model.onnx) and tokenizer/; the flags below override its paths
  --unet FILE               the U-Net ONNX file
  --scheduler-config FILE   diffusers' scheduler_config.json
  --unet-config FILE        the U-Net's config.json (in_channels, out_channels, sample_size), checked against
                            the ONNX file and used for its symbolic sizes (default: config.json beside --unet)
  --vae-decoder FILE        VAE decoder ONNX (a latent model); needs --scaling-factor
  --vae-encoder FILE        VAE encoder ONNX (img2img of a latent model)
  --scaling-factor X        the VAE's scaling_factor (default: vae_decoder/config.json's, if any)
  --text-encoder FILE       text encoder ONNX (input_ids → last_hidden_state); needs --tokenizer
  --tokenizer PATH          word-level vocab.txt, or the folder holding it (BPE tokenizers are refused)
  --classes A,B,…           class names of a class-conditional U-Net (class_labels input)
  --null-class N            the "no class" id for guidance (default: the number of classes)
  --sample-shape C,H,W      the U-Net's sample size where the ONNX file leaves it symbolic
  --range LO,HI             value range of the model's pixels (default -1,1)
  --steps N                 default DDIM steps in the manifest (default 20)
  --guidance X              default guidance scale of conditioned calls (default 7.5)
  --name NAME               model name (default: the --out folder's name)
  --out DIR                 the model folder to write (required)
  --help                    this text`;

const FLAGS = {
  from: { type: 'string' }, unet: { type: 'string' }, 'unet-config': { type: 'string' }, 'scheduler-config': { type: 'string' }, 'vae-decoder': { type: 'string' },
  'vae-encoder': { type: 'string' }, 'scaling-factor': { type: 'string' }, 'text-encoder': { type: 'string' }, tokenizer: { type: 'string' },
  classes: { type: 'string' }, 'null-class': { type: 'string' }, 'sample-shape': { type: 'string' }, range: { type: 'string' },
  steps: { type: 'string' }, guidance: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' },
} as const;

export async function importCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, FLAGS, 'See webgen import --help.', { positionals: false });
  if (v.help) {
    console.log(IMPORT_HELP);
    return 0;
  }
  if (!v.out) throw new UsageError('--out DIR is required: the model folder to write. See webgen import --help.');
  // An Optimum folder gives the paths that exist there; explicit flags win.
  const layout = v.from ? optimumLayout(v.from) : undefined;
  const present = (p: string | undefined) => (p && existsSync(p) ? p : undefined);
  const unet = v.unet ?? layout?.unet;
  const schedulerConfig = v['scheduler-config'] ?? layout?.schedulerConfig;
  if (!unet || !schedulerConfig) throw new UsageError('give --from DIR (an Optimum export) or both --unet FILE and --scheduler-config FILE. See webgen import --help.');
  const vaeDecoder = v['vae-decoder'] ?? present(layout?.vaeDecoder);
  const textEncoder = v['text-encoder'] ?? present(layout?.textEncoder);
  const opts: ImportOptions = { unet, schedulerConfig, out: v.out };
  if (v.name) opts.name = v.name;
  if (v['unet-config']) opts.unetConfig = v['unet-config'];
  if (vaeDecoder) opts.vaeDecoder = vaeDecoder;
  const vaeEncoder = v['vae-encoder'] ?? present(layout?.vaeEncoder);
  if (vaeEncoder) opts.vaeEncoder = vaeEncoder;
  const scaling = v['scaling-factor'] !== undefined ? numberFlag('scaling-factor', v['scaling-factor']) : await vaeScalingFactor(vaeDecoder);
  if (scaling !== undefined) opts.scalingFactor = scaling;
  if (textEncoder) opts.textEncoder = textEncoder;
  const tokenizer = v.tokenizer ?? (textEncoder ? present(layout?.tokenizer) : undefined);
  if (tokenizer) opts.tokenizer = tokenizer;
  if (v.classes !== undefined) {
    const classes = v.classes.split(',').map((s) => s.trim());
    if (classes.some((c) => c === '')) throw new UsageError(`--classes must be names separated by commas, got '${v.classes}'`);
    opts.classes = classes;
  }
  if (v['null-class'] !== undefined) opts.nullClass = intFlag('null-class', v['null-class'], 0);
  if (v['sample-shape'] !== undefined) {
    const d = v['sample-shape'].split(',').map((s) => intFlag('sample-shape', s.trim(), 1));
    if (d.length !== 3) throw new UsageError(`--sample-shape must be C,H,W, got '${v['sample-shape']}'`);
    opts.sampleShape = d as [number, number, number];
  }
  if (v.range !== undefined) {
    const r = v.range.split(',').map((s) => numberFlag('range', s.trim()));
    if (r.length !== 2 || !(r[0]! < r[1]!)) throw new UsageError(`--range must be LO,HI with LO < HI, got '${v.range}'`);
    opts.range = r as [number, number];
  }
  if (v.steps !== undefined) opts.steps = intFlag('steps', v.steps, 1);
  if (v.guidance !== undefined) opts.guidanceScale = numberFlag('guidance', v.guidance);
  const m = await importModel(opts);
  const roles = Object.entries(m.files).map(([role, f]) => `${role} ${f.path}`).join(', ');
  console.log(`imported ${m.name} (${m.kind}, ${m.image.channels}x${m.image.height}x${m.image.width}, ${m.schedule!.kind} ${m.schedule!.predictionType}) → ${opts.out}: ${roles}`);
  return 0;
}

/** The scaling_factor of the decoder's config.json beside it (Optimum copies the VAE's config there), if any. */
async function vaeScalingFactor(decoder: string | undefined): Promise<number | undefined> {
  if (!decoder) return undefined;
  const { readFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  try {
    const c = JSON.parse(await readFile(join(dirname(decoder), 'config.json'), 'utf8')) as { scaling_factor?: unknown };
    return typeof c.scaling_factor === 'number' ? c.scaling_factor : undefined;
  } catch {
    return undefined;
  }
}
