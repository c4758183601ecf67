/**
 * `webgen-train autoencoder eval <model-dir> [options]`: measures an exported autoencoder on its held-out images
 * through the SDK and writes card.md, eval.json and the card's pictures into the folder (autoencoder-card.ts).
 */
import { UsageError } from '../errors/usage-error.js';
import { commandPath } from '../export/model-folder.js';
import { intFlag } from './number-flags.js';
import { parseFlags } from './config-flags.js';

export const AUTOENCODER_EVAL_HELP = `webgen-train autoencoder eval <model-dir> [options]

Reconstructs the images the model's training held out (emoji: held-out concepts and held-out styles; other data:
the run's --hold-out split) through the SDK's createAutoencoder and reports PSNR and SSIM (RGBA: RGB over white,
alpha apart) beside a thumbnail floor, reconstruction FID in the classifier's features for grey models, latent
size and compression, VQ codebook use and KL per dimension. Writes card.md, eval.json, reconstructions.png,
interpolation.png and traversal.png into the model folder.

  --sweep DIR,DIR    other exports of the same recipe at other β: adds the β table and a traversal grid per β
  --classifier DIR   classifier for the FID of grey models (default models/mnist-classifier; '' = none)
  --limit N          at most N images per held-out set (default all)`;

export async function autoencoderEvalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { sweep: { type: 'string' }, classifier: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean' } }, 'See webgen-train autoencoder eval --help.');
  if (values.help) {
    console.log(AUTOENCODER_EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`autoencoder eval takes one model folder, got ${positionals.length}: webgen-train autoencoder eval <model-dir> [--sweep DIR,DIR]`);
  const modelDir = positionals[0]!;
  const sweep = values.sweep ? values.sweep.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const limit = values.limit === undefined ? undefined : intFlag('limit', values.limit, 1);
  const command = [
    'webgen-train autoencoder eval',
    commandPath(modelDir),
    ...(sweep.length ? ['--sweep', sweep.map(commandPath).join(',')] : []),
    ...(values.classifier !== undefined ? ['--classifier', values.classifier === '' ? "''" : commandPath(values.classifier)] : []),
    ...(limit !== undefined ? ['--limit', String(limit)] : []),
  ].join(' ');
  const { writeAutoencoderCard } = await import('../autoencoder/autoencoder-card.js');
  const { result } = await writeAutoencoderCard(modelDir, { command, sweep, ...(values.classifier !== undefined && { classifierDir: values.classifier }), ...(limit !== undefined && { limit }) });
  for (const s of result.sets) {
    console.log(`${s.name}: ${s.images} images, PSNR ${s.model.psnr.toFixed(2)} dB, SSIM ${s.model.ssim.toFixed(3)}` + (s.model.alphaPsnr !== undefined ? `, alpha PSNR ${s.model.alphaPsnr.toFixed(2)} dB` : '') +
      (s.thumbnail ? `; thumbnail floor ${s.thumbnail.psnr.toFixed(2)} dB` : '') + (s.fid ? `; FID ${s.fid.reconstructions.toFixed(2)} (real floor ${s.fid.realFloor.toFixed(2)})` : ''));
  }
  console.log(`card ${modelDir}/card.md`);
  return 0;
}
