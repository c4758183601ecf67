/**
 * The translator test model for the SDK, CLI and demo tests: the emoji-pix2pix-smoke recipe's generator (16×16 RGBA,
 * widths 8,8) with its initial weights, exported by the trainer's own exporter (trainer/translator/export-translator.ts,
 * parity-checked, onnx.checker) into a folder the test chooses (a temp folder, or the e2e harness's scratch).
 * translatorFixtureGenerator() rebuilds the same tfjs generator, for comparisons against tfjs.
 */
import type { UnetTranslator } from '../../trainer/models/pix2pix-unet.js';

/** The smoke recipe's generator, weights as exported (call with tfjs on the 'cpu' backend). */
export async function translatorFixtureGenerator(): Promise<UnetTranslator> {
  const { TRANSLATOR_BASE_CONFIG, TRANSLATOR_RECIPES } = await import('../../trainer/translator/translator-config.js');
  const { parseWidths } = await import('../../trainer/autoencoder/autoencoder-config.js');
  const { UnetTranslator } = await import('../../trainer/models/pix2pix-unet.js');
  const c = { ...TRANSLATOR_BASE_CONFIG, ...TRANSLATOR_RECIPES['emoji-pix2pix-smoke']!.config };
  return new UnetTranslator({ imageSize: c.imageSize, channels: 4, widths: parseWidths(c.widths) }, c.seed);
}

/**
 * Exports the fixture translator into `dir` and returns `dir`: Noto → Twemoji by default; `styles` names another
 * direction (the other half of a CycleGAN pair: the same weights, for the page's sake only the manifest differs).
 */
export async function exportTranslatorFixture(dir: string, styles: { source: string; target: string; name?: string } = { source: 'noto', target: 'twemoji' }): Promise<string> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const { exportTranslator } = await import('../../trainer/translator/export-translator.js');
  const { Rng } = await import('../../sdk/random/rng.js');
  const G = await translatorFixtureGenerator();
  const S = G.imageSize;
  const rng = new Rng(5);
  const parityImages = Float32Array.from({ length: 2 * S * S * 4 }, () => rng.range(-1, 1));
  await exportTranslator({
    dir, name: styles.name ?? 'fixture-translator', G, source: styles.source, target: styles.target, parityImages,
    training: { recipe: 'fixture-translator', data: 'none (initial weights: an SDK test fixture)', steps: 0, wallTimeSeconds: 0, parameters: G.parameterCount(), config: { fixture: 'emoji-pix2pix-smoke' } },
  });
  G.dispose();
  return dir;
}
