/**
 * Which model each page opens. Defaults are the shipped models under /models/; the query string overrides them, so
 * the same pages run any compatible model (the end-to-end tests point them at tiny fixture models):
 *   ?t2i=URL      text to image and img2img        (default /models/shapes-t2i)
 *   ?emoji=URL    Emoji                             (default /models/emoji-ldm)
 *   ?digits=URL   digits and the FID lab            (default /models/mnist-ddim)
 *   ?gan=URL      GAN explorer                      (default /models/mnist-dcgan; the page also offers mnist-vitgan)
 *   ?ae=URL       latent space                      (default: every model of MODELS whose manifest kind is 'autoencoder')
 *   ?clip=URL     ask the model; the CLIP score     (default: every model of MODELS whose manifest kind is 'clip')
 *                 under text-to-image results
 *   ?judge=URL    Explain: the classifier whose Grad-CAM it draws (default /models/emoji-judge)
 *   ?vit=URL      Explain: the ViT whose attention distances it plots, read from <vit>/attention-distance.json
 *                 (default /models/emoji-clip); the prompt's word maps use ?emoji=
 *   ?translator=URL[,URL…]  Restyle               (default: every model of MODELS whose manifest kind is 'translator';
 *                 emoji-pix2pix, Noto → Twemoji). Several URLs fill the page's translator
 *                 select: a CycleGAN's two folders (<export>/noto-to-twemoji,<export>/twemoji-to-noto) give it both
 *                 directions to switch between
 *   ?model=URL    every page at once
 *   ?backend=auto|webgpu|wasm                        (default auto: WebGPU when there is an adapter)
 */
import type { Backend } from 'webgen';

export interface DemoConfig {
  t2i: string;
  /** The Emoji page's text-to-emoji model (latent diffusion). */
  emoji: string;
  digits: string;
  gan: string[];
  classifier: string;
  /** The Explain page's classifier (Grad-CAM) and ViT (its attention-distance.json). */
  judge: string;
  vit: string;
  /** Candidates for the latent space page: it lists those whose manifest says kind 'autoencoder'. */
  autoencoders: string[];
  /** Candidates for the Ask the model page and the text-to-image CLIP score: those whose manifest says kind 'clip'. */
  clips: string[];
  /** Candidates for the Restyle page: those whose manifest says kind 'translator'. */
  translators: string[];
  backend: Backend;
}

/**
 * The demo's model list: every folder under /models/ the demo knows, shipped or announced. A page that takes a kind
 * of model offers those of the list with that manifest kind, so a model exported into one of these folders appears
 * without a code change; a folder that is not there (404) is skipped.
 */
export const MODELS: readonly string[] = [
  '/models/shapes-t2i',
  '/models/mnist-ddim',
  '/models/mnist-dcgan',
  '/models/mnist-vitgan',
  '/models/mnist-classifier',
  '/models/shapes-classifier',
  '/models/emoji-vae',
  '/models/emoji-vqvae',
  '/models/mnist-betavae',
  '/models/emoji-clip',
  '/models/emoji-ldm',
  '/models/emoji-pix2pix',
  // CycleGAN's two directions, each an ordinary translator folder
  '/models/emoji-cyclegan/noto-to-twemoji',
  '/models/emoji-cyclegan/twemoji-to-noto',
];

const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'wasm'];

export function readConfig(search: string = location.search): DemoConfig {
  const q = new URLSearchParams(search);
  const any = q.get('model');
  const backend = q.get('backend') as Backend | null;
  const gan = q.get('gan') ?? any;
  const ae = q.get('ae') ?? any;
  const clip = q.get('clip') ?? any;
  const translators = q.get('translator')?.split(',').map((u) => u.trim()).filter(Boolean) ?? [];
  return {
    t2i: q.get('t2i') ?? any ?? '/models/shapes-t2i',
    emoji: q.get('emoji') ?? any ?? '/models/emoji-ldm',
    digits: q.get('digits') ?? any ?? '/models/mnist-ddim',
    gan: gan ? [gan] : ['/models/mnist-dcgan', '/models/mnist-stylegan', '/models/mnist-vitgan'],
    classifier: q.get('classifier') ?? '/models/mnist-classifier',
    judge: q.get('judge') ?? '/models/emoji-judge',
    vit: q.get('vit') ?? '/models/emoji-clip',
    autoencoders: ae ? [ae] : [...MODELS],
    clips: clip ? [clip] : [...MODELS],
    translators: translators.length ? translators : any ? [any] : [...MODELS],
    backend: backend && BACKENDS.includes(backend) ? backend : 'auto',
  };
}

/** WebAssembly threads the demo asks for: the SDK's default (every core up to 4) when cross-origin isolated, else 1. */
export function wasmThreads(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.min(4, navigator.hardwareConcurrency || 2);
}
