/**
 * What a style-based generator's card shows beyond the GAN card (issue 23): the truncation ψ sweep (FID, KID, class
 * agreement and coverage at each ψ, drawn through the SDK's truncationPsi) and a style-mixing grid (Karras et al.
 * 2019, Fig. 3, drawn through the SDK's gan.mix()), plus the comparison with another evaluated generator (the DCGAN
 * at equal wall time).
 */
import { join } from 'node:path';
import { createGan } from '../../sdk/node.js';
import { nchwToNhwc } from '../../sdk/image/pixels.js';
import { Rng } from '../../sdk/random/rng.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import { writeImageGrid } from '../image/image-grid.js';
import { evaluateGenerator, readGanEval, type EvaluateGeneratorOptions, type GanEvalResult } from './evaluate-generator.js';
import type { GanConfig } from './gan-config.js';

/** One row of the ψ sweep. */
export interface PsiRow {
  psi: number;
  fid: number;
  kid: number;
  classAgreement?: number;
  coverageRatio: number;
  missingClasses: string[];
}

/** The style layers of a generator's manifest, or a UsageError naming the flag that needs them. */
export async function styleLayersOf(modelDir: string, flag: string): Promise<number> {
  const m = await verifyModelFolder(modelDir);
  const L = m.latent?.styleLayers;
  if (L === undefined) throw new UsageError(`${flag} needs a style-based generator (manifest latent.styleLayers, e.g. webgen-train gan mnist-stylegan); ${modelDir} has none`);
  return L;
}

/** Evaluates the generator at each ψ (same latents, same real images); `atOne`, when given, is its result at ψ 1. */
export async function psiSweep(opts: EvaluateGeneratorOptions, psis: readonly number[], atOne?: GanEvalResult): Promise<PsiRow[]> {
  const rows: PsiRow[] = [];
  for (const psi of psis) {
    const r = psi === 1 && atOne ? atOne : await evaluateGenerator({ ...opts, truncationPsi: psi });
    rows.push({ psi, fid: r.fid, kid: r.kid, ...(r.classAgreement !== undefined && { classAgreement: r.classAgreement }), coverageRatio: r.coverageRatio, missingClasses: r.missingClasses });
  }
  return rows;
}

/** The card's ψ table. */
export function psiSection(rows: readonly PsiRow[], samples: number): string {
  const lines = [
    `## Truncation in w (ψ sweep, ${samples} samples each, the same latents)`,
    '',
    'w = w_avg + ψ (w − w_avg): ψ 1 is the model as trained, lower trades variety for cleaner images.',
    '',
    '| ψ | FID | KID | class agreement | smallest / largest class | missing classes |',
    '| ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.psi} | ${r.fid.toFixed(2)} | ${r.kid.toFixed(4)} | ${r.classAgreement !== undefined ? `${(100 * r.classAgreement).toFixed(1)}%` : '-'} | ${r.coverageRatio.toFixed(2)} | ${r.missingClasses.join(', ') || 'none'} |`),
  ];
  return lines.join('\n');
}

/** Rows and mixed columns of the grid. */
const MIX_ROWS = 6;
const MIX_COLS = 5;

/**
 * The style-mixing grid: row i takes the coarse latent A_i (and, conditional, class i); its columns are A_i alone, then
 * A_i's early layers with B_j's later layers (crossover at `crossover`), then B_j alone (with row i's class, since the
 * class joins z before the mapping network). Returns the crossover used.
 */
export async function writeMixingGrid(modelDir: string, path: string, seed: number, crossover?: number): Promise<number> {
  const L = await styleLayersOf(modelDir, 'the mixing grid');
  const cross = crossover ?? Math.floor(L / 2);
  const gan = await createGan({ model: modelDir });
  const { width: W, height: H, channels: C } = gan.manifest.image;
  const K = gan.manifest.conditioning?.classes?.length;
  const rng = new Rng(seed);
  const coarse = Array.from({ length: MIX_ROWS }, () => rng.normalArray(gan.latentDim));
  const fine = Array.from({ length: MIX_COLS }, () => rng.normalArray(gan.latentDim));
  const cols = 1 + 2 * MIX_COLS;
  const images = new Float32Array(MIX_ROWS * cols * H * W * C);
  try {
    for (let i = 0; i < MIX_ROWS; i++) {
      const classLabel = K !== undefined ? i % K : undefined;
      const row: Float32Array[] = [];
      // A alone (crossover past the last layer), the mixes, B alone (crossover 0)
      const cells: [Float32Array, number][] = [[fine[0]!, L], ...fine.map((b) => [b, cross] as [Float32Array, number]), ...fine.map((b) => [b, 0] as [Float32Array, number])];
      for (const [b, c] of cells) {
        const [im] = await gan.mix({ coarse: coarse[i]!, fine: b, crossover: c, ...(classLabel !== undefined && { classLabel }) });
        row.push(nchwToNhwc(im!.values!, 1, C, H, W));
      }
      row.forEach((v, j) => images.set(v, (i * cols + j) * H * W * C));
    }
  } finally {
    await gan.dispose();
  }
  await writeImageGrid(path, images, [MIX_ROWS * cols, H, W, C], { cols, scale: 2 });
  return cross;
}

/** The card's mixing section for the grid written by writeMixingGrid. */
export function mixingSection(file: string, crossover: number, styleLayers: number, conditional: boolean): string {
  return [
    '## Style mixing',
    '',
    `![style mixing grid](${file})`,
    '',
    `Each row: a coarse latent A (first column, alone), then ${MIX_COLS} images with A's w in layers 0–${crossover - 1} and B's in ` +
      `layers ${crossover}–${styleLayers - 1} (of ${styleLayers}), then the ${MIX_COLS} latents B alone.` +
      (conditional ? ' Row i is drawn as class i (the class joins z before the mapping, so B alone is shown with the row\'s class).' : ''),
    `Drawn with \`gan.mix({ coarse, fine, crossover })\` of the SDK.`,
  ].join('\n');
}

/** The discriminator of a config, as the comparison names it (with the regularisers that act on it). */
function discriminatorCell(cfg: Partial<GanConfig>): string {
  const d = cfg.arch === 'vitgan' ? (cfg.dArch === 'conv' ? 'DCGAN D' : 'ViT D') : `${cfg.arch ?? '-'} D`;
  return [d, ...(cfg.bcrWeight ? [`bCR λ ${cfg.bcrWeight}`] : []), ...(cfg.diffAugment ? [`DiffAugment ${cfg.diffAugment}`] : [])].join(' + ');
}

/** The card's comparison with other evaluated generators (their eval.json and manifests), this model first. */
export async function compareSection(self: { dir: string; result: GanEvalResult }, otherDirs: readonly string[]): Promise<string> {
  const others = await Promise.all(otherDirs.map(async (dir) => ({ dir, result: await readGanEval(dir) })));
  const rows = await Promise.all([self, ...others].map(async ({ dir, result: e }) => {
    const m = await verifyModelFolder(dir);
    const cfg = m.training.config as Partial<GanConfig>;
    return `| ${m.name} | ${cfg.arch ?? '-'} | ${discriminatorCell(cfg)} | ${m.training.steps.toLocaleString('en-US')} | ${(m.training.wallTimeSeconds / 3600).toFixed(2)} h | ${m.training.parameters.toLocaleString('en-US')} | ${e.fid.toFixed(2)} | ${e.kid.toFixed(4)} | ${e.classAgreement !== undefined ? `${(100 * e.classAgreement).toFixed(1)}%` : '-'} | ${e.coverageRatio.toFixed(2)} | ${e.missingClasses.join(', ') || 'none'} |`;
  }));
  const name = (dir: string) => dir.replace(/\/+$/, '').split('/').pop();
  return [
    otherDirs.length === 1 ? `## Against ${name(otherDirs[0]!)}` : '## Beside other runs',
    '',
    'Each row from its own folder\'s eval.json (same classifier, samples and held-out images when all were evaluated with the same flags).',
    '',
    '| model | G | D | steps | training time | G parameters | FID | KID | class agreement | smallest / largest class | missing |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

/** Where the mixing grid goes in a model folder. */
export const MIXING_FILE = 'mixing.png';
export const mixingPath = (modelDir: string) => join(modelDir, MIXING_FILE);
