/**
 * `webgen`: the sampling and evaluation command line (training is `webgen-train`).
 *   webgen sample --model DIR [options]       images from an exported diffusion model
 *   webgen fid PATH_A PATH_B [options]        FID/KID between folders, .npy features or .fidstats
 *   webgen eval fid --model DIR [options]     FID/KID of a diffusion model vs steps and eta
 *   webgen translate --model DIR --in PNG|DIR --out PNG|DIR   pictures redrawn in another style by a translator
 */
import { UsageError } from '../errors/usage-error.js';
import { reportError } from './report-error.js';

const HELP = `webgen <command> [options]

  webgen import --from DIR --out DIR      a diffusers-style ONNX export (PyTorch, Optimum) → a webgen
                                          model folder (docs/import.md)
  webgen sample --model DIR [options]     draw images from an exported diffusion model (--prompt, --class,
                                          --steps, --scheduler, --init + --strength for img2img)
  webgen translate --model DIR --in IMAGE.png --out OUT.png
                                          redraw a picture (or --in/--out folders of them) in the
                                          target style of a translator (pix2pix)
  webgen fid PATH_A PATH_B [options]      FID (and --kid) between two folders of images, .npy feature
                                          matrices or .fidstats statistics, as pytorch-fid computes it
  webgen fid --save-stats PATH OUT        save a set's statistics (.fidstats) for later comparisons
  webgen eval fid --model DIR [options]   sample a diffusion model at several DDIM steps and eta and
                                          score each setting against reference statistics
  webgen explain attention-distance --model DIR
                                          how far each attention head of a ViT looks (pixels), per block
  webgen explain gradcam --model DIR      Grad-CAM maps of a classifier judge on its held-out images
  webgen explain cross-attention --model DIR
                                          where each prompt word's cross-attention looks, on the object or not

'webgen <command> --help' lists each command's options. Training is 'webgen-train'.

Exit codes: 0 done, 1 error (a file, a model, the data), 2 bad command line. Errors are one line on stderr;
WEBGEN_DEBUG=1 adds the stack trace.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  sample: async (argv) => (await import('./sample-command.js')).sampleCommand(argv),
  import: async (argv) => (await import('./import-command.js')).importCommand(argv),
  translate: async (argv) => (await import('./translate-command.js')).translateCommand(argv),
  fid: async (argv) => (await import('../eval/fid-command.js')).fidCommand(argv),
  'eval fid': async (argv) => (await import('../eval/fid-eval-command.js')).evalFidCommand(argv),
  'explain attention-distance': async (argv) => (await import('../explain/attention-distance-command.js')).attentionDistanceCommand(argv),
  'explain gradcam': async (argv) => (await import('../explain/grad-cam-command.js')).gradCamCommand(argv),
  'explain cross-attention': async (argv) => (await import('../explain/cross-attention-command.js')).crossAttentionCommand(argv),
};

export async function main(argv: string[]): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
      console.log(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    const two = `${argv[0]} ${argv[1] ?? ''}`;
    if (argv[0] === 'explain' && !COMMANDS[two]) throw new UsageError(`unknown command '${two.trim()}'; explain commands: attention-distance, gradcam, cross-attention (see webgen --help)`);
    if (COMMANDS[two]) return await COMMANDS[two](argv.slice(2));
    if (COMMANDS[argv[0]!]) return await COMMANDS[argv[0]!]!(argv.slice(1));
    throw new UsageError(`unknown command '${argv[0] === 'eval' ? two.trim() : argv[0]}'; commands: sample, translate, import, fid, eval fid, explain attention-distance, explain gradcam, explain cross-attention (see webgen --help)`);
  } catch (err) {
    return reportError('webgen', err);
  }
}
