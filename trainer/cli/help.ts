import { BASE_CONFIG } from '../recipes/base.js';
import { RECIPES } from '../recipes/index.js';
import { DATA_SPEC_FORMS } from '../data/open-dataset.js';
import { CHOICES, kebab } from './parse-args.js';
import type { TrainConfig } from '../recipes/train-config.js';

/** One line per option: what it does (the doc comments of TrainConfig, kept short here). */
const OPTION_HELP: Record<keyof TrainConfig, string> = {
  data: 'data set (forms below)',
  holdOut: 'examples kept out of training (fraction or count; seeded by --seed)',
  model: 'U-Net size preset: tiny | small | compact | bench | latent',
  conditioning: 'condition on: class (labels) | text (captions, jointly trained text encoder) | none',
  autoencoder: "latent diffusion: an autoencoder model folder whose latents the U-Net denoises ('' = pixels)",
  textModel: "text: a CLIP model folder whose frozen text encoder conditions the U-Net ('' = train one jointly)",
  textDim: 'text encoder width (= U-Net cross-attention context width)',
  textLayers: 'text encoder transformer blocks',
  textHeads: 'text encoder attention heads (must divide --text-dim)',
  textMaxLength: 'tokens per prompt (longer captions are an error)',
  holdOutCombos: "shapes data: colour-shape pairs never trained on, e.g. 'red circle,blue star'",
  maxShapes: 'shapes data: most shapes per image (1..9)',
  samplePrompts: "text: prompts of the sample grids, ';'-separated ('' = first captions of the data)",
  steps: 'optimiser steps to train for (a resumed run continues up to it)',
  batchSize: 'images per optimiser step',
  microBatch: 'images per forward/backward pass, gradients accumulated (0 = whole batch)',
  lr: 'peak learning rate (AdamW), warm-up then cosine decay to 10%',
  warmupSteps: 'linear learning-rate warm-up steps',
  weightDecay: 'AdamW decoupled weight decay',
  gradClip: 'clip gradients to this global L2 norm (0 = off)',
  emaDecay: 'decay of the weight average used for samples and export',
  condDropout: 'rate of training on the null condition (for guidance)',
  trainTimesteps: 'diffusion timesteps T',
  betaSchedule: 'noise schedule: linear | cosine',
  prediction: 'network target: v (velocity, learns fastest) | epsilon (noise)',
  sampleEvery: 'write a PNG grid of samples every N steps (0 = only at the end)',
  sampleSteps: 'DDIM steps for sample grids',
  guidanceScale: 'classifier-free guidance scale for sample grids',
  checkpointEvery: 'checkpoint every N steps (and at the end, and on Ctrl-C)',
  logEvery: 'append a metrics.jsonl line every N steps',
  seed: 'seed of weights, data order and noise',
  out: 'run folder: checkpoint.wgck, metrics.jsonl, samples-*.png',
  export: "export the model here at the end (model.onnx + manifest.json); '' = don't",
  fp16: 'also export the U-Net with float16 weights as model.fp16.onnx (a manifest variant; parity bound 1e-2)',
  int8: "also export the U-Net with per-channel int8 weights as model.int8.onnx (a manifest variant, the SDK's precision 'int8'; parity bound 5e-2)",
  resume: 'continue the run in --out from its checkpoint',
  backend: 'tfjs backend: auto | tensorflow-gpu | tensorflow | wasm | cpu',
  threads: 'wasm threads (0 = one per core)',
};

export function helpText(): string {
  const keys = Object.keys(BASE_CONFIG) as (keyof TrainConfig)[];
  const flags = keys.map((k) => {
    const def = BASE_CONFIG[k];
    const flag = typeof def === 'boolean' ? `--${kebab(k)} / --no-${kebab(k)}` : `--${kebab(k)} <${typeof def === 'number' ? 'n' : 'value'}>`;
    const choices = CHOICES[k];
    return `  ${flag.padEnd(34)} ${OPTION_HELP[k]}${choices ? '' : ''} [recipe default; base ${JSON.stringify(def)}]`;
  });
  const recipes = Object.values(RECIPES).map((r) => `  ${r.name.padEnd(14)} ${r.summary}`);
  return [
    'webgen-train — train a small diffusion model in Node and export it to ONNX',
    '',
    'Usage: webgen-train <recipe> [options]',
    '       webgen-train --list        list recipes with their settings',
    '       webgen-train eval-classes  judge a class-conditional model with a classifier (eval-classes --help)',
    '       webgen-train eval-prompts  judge a shapes text-to-image model with the shapes classifier (eval-prompts --help)',
    '       webgen-train eval-emoji    judge a text-to-emoji model with the emoji judge and CLIP score (eval-emoji --help)',
    '       webgen-train eval-translator  measure an emoji translator on held-out pairs: L1, PSNR, judge (eval-translator --help)',
    '       webgen-train defaults      set a model\'s sampling defaults in its manifest (defaults --help)',
    '       webgen-train classifier    train a judging classifier / feature extractor (classifier --help)',
    '       webgen-train clip          train a CLIP-style text–image encoder (clip --help)',
    '       webgen-train translator    train a pix2pix image-to-image translator on paired emoji (translator --help)',
    '       webgen-train cyclegan      train a CycleGAN translator pair on unpaired emoji, both ways (cyclegan --help)',
    '       webgen-train distill       distil a diffusion model into a few-step student (distill --help)',
    '       webgen-train reexport      add outputs a newer exporter writes to a shipped model folder (reexport --help)',
    '',
    'Recipes:',
    ...recipes,
    '',
    'Options (each overrides the recipe):',
    ...flags,
    '',
    'Data sets (--data):',
    ...DATA_SPEC_FORMS.map((f) => `  ${f}`),
    '',
    'Outputs: <out>/metrics.jsonl (one JSON line per --log-every steps), <out>/samples-NNNNNN.png,',
    '<out>/checkpoint.wgck (written atomically); with --export DIR: DIR/model.onnx and DIR/manifest.json,',
    '(text models also DIR/text_encoder.onnx and the tokenizer in the manifest; their grids get a',
    'samples-NNNNNN.txt naming the prompt of each row), after a parity check of each ONNX file',
    '(onnxruntime-node) against the tfjs forward pass.',
    '',
    'Exit codes: 0 done, 1 error (data, output, divergence), 2 bad command line, 130 stopped by Ctrl-C (checkpoint written).',
    'Errors are one line on stderr; WEBGEN_DEBUG=1 adds the stack trace.',
    '',
    'Example: webgen-train shapes-tiny --steps 300 --export models/my-shapes',
  ].join('\n');
}

export function listText(): string {
  return Object.values(RECIPES)
    .map((r) => `${r.name}: ${r.summary}\n${JSON.stringify(r.defaults, null, 2)}`)
    .join('\n\n');
}
