/**
 * Writes a CLIP model's card.md and eval.json: what the model is, how it was trained, and the zero-shot figures of
 * evaluate-clip.ts on the emoji held-out parts beside chance and the supervised judge's held-out accuracy (the
 * ceiling of zero-shot subcategory accuracy), with the target line of issue 19 and, with `compare`, the ViT vs CNN
 * table (other exports of the same data and budget, each evaluated the same way).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../export/manifest.js';
import { commandPath, verifyModelFolder } from '../export/model-folder.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { evaluateClip, type ClipEvalResult, type ClipSetResult } from './evaluate-clip.js';

export interface ClipCardOptions {
  /** The command that made the card (printed in it). */
  command: string;
  /** The emoji judge's folder (its held-out subcategory accuracy is the ceiling). Default models/emoji-judge; '' = none. */
  judgeDir?: string;
  /** Other CLIP exports on the same data (the image-encoder comparison). */
  compare?: string[];
  /** At most this many images per held-out part (tests). */
  limit?: number;
  /** The model's run folder (checkpoint.wgck): with a ViT, the class-token attention picture attention.png. */
  runDir?: string;
}

/** Held-out concepts in the attention picture (evenly spread). */
const ATTENTION_ROWS = 8;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const times = (x: number, chance: number) => `${(x / chance).toFixed(1)}×`;

function recallCell(r: ClipSetResult['textToImage']): string {
  return `${pct(r.recall[1]!)} / ${pct(r.recall[5]!)} (chance ${pct(r.chance[1]!)} / ${pct(r.chance[5]!)})`;
}

/** The judge's held-out subcategory accuracy per part, from its manifest (undefined without one). */
async function judgeCeiling(dir: string): Promise<Record<string, number> | undefined> {
  if (dir === '') return undefined;
  let m: Manifest;
  try {
    m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const g = m.metrics as Record<string, number>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(g)) {
    const match = /^heldOutSubcategoryAccuracy(?:\.(.+))?$/.exec(k);
    if (match) out[match[1] ?? 'held-out (both)'] = v;
  }
  return out;
}

/** The training pairs a manifest's data description counts (the data set's describe(): { count }). */
function dataCount(data: string): number {
  try {
    const n = (JSON.parse(data) as { count?: unknown }).count;
    if (typeof n === 'number' && n > 0) return n;
  } catch {
    // a free-text description
  }
  return NaN;
}

function describe(m: Manifest): string {
  const c = m.training.config as Record<string, unknown>;
  const tower = c.imageEncoder === 'vit' ? `ViT (patch ${c.patch}, ${c.vitDepth} blocks, width ${c.vitDim}, ${c.vitHeads} heads)` : `CNN (widths ${c.cnnWidths})`;
  return `${tower}; text transformer ${c.textLayers} blocks, width ${c.textDim}, ${c.textMaxLength} words`;
}

export async function writeClipCard(dir: string, opts: ClipCardOptions): Promise<{ result: ClipEvalResult; compared: { dir: string; manifest: Manifest; result: ClipEvalResult }[] }> {
  const manifest = await verifyModelFolder(dir);
  const result = await evaluateClip(dir, { ...(opts.limit !== undefined && { limit: opts.limit }) });
  const compared: { dir: string; manifest: Manifest; result: ClipEvalResult }[] = [];
  for (const other of opts.compare ?? []) compared.push({ dir: other, manifest: await verifyModelFolder(other), result: await evaluateClip(other, { ...(opts.limit !== undefined && { limit: opts.limit }) }) });
  const ceiling = await judgeCeiling(opts.judgeDir ?? 'models/emoji-judge');
  let attention = '';
  if (opts.runDir !== undefined) {
    const { loadClipRun, writeAttentionPicture } = await import('./attention-picture.js');
    const run = await loadClipRun(opts.runDir);
    if (run.step !== manifest.training.steps) throw new UsageError(`--run ${opts.runDir} is at step ${run.step}, the export at step ${manifest.training.steps}: give the run this model was exported from`);
    const data = await openDataset('emoji:held-out-concept', { width: run.cfg.imageSize, channels: 3 });
    const rows = Math.min(ATTENTION_ROWS, data.size);
    const pic = await writeAttentionPicture(join(dir, 'attention.png'), run.model, data, Array.from({ length: rows }, (_, i) => Math.floor((i * data.size) / rows)));
    run.model.dispose();
    attention = `\n## What the class token looks at\n\nHeld-out concepts (left), then the attention of the class token over the ${manifest.image.width / Number((manifest.training.config as Record<string, unknown>).patch)}² patches in the last block, one panel per head (${pic.heads}), and their mean (right): each panel is the image dimmed where the head does not look (weights scaled to the panel's largest). From the run's checkpoint, \`trainer/clip/attention-picture.ts\`.\n\n![class-token attention](attention.png)\n`;
  }
  const t = manifest.training;
  const c = t.config as Record<string, unknown>;
  const clip = manifest.clip!;
  const tok = manifest.conditioning!.tokenizer!;
  const files = Object.entries(manifest.files)
    .map(([role, f]) => `\`${f.path}\` (${role}, ${(f.bytes / 1e6).toFixed(2)} MB${f.variants?.float16 ? `; float16 \`${f.variants.float16.path}\` ${(f.variants.float16.bytes / 1e6).toFixed(2)} MB` : ''})`)
    .join(', ');
  const concept = result.sets.find((s) => s.name === 'held-out-concept')!;
  const r5 = concept.textToImage.recall[5]!;
  const c5 = concept.textToImage.chance[5]!;
  const met = r5 >= 5 * c5;
  const trainingPairs = dataCount(t.data);

  const rows = result.sets.map((s) => {
    const z = s.zeroShotSubcategory;
    const judge = ceiling?.[s.name];
    return `| ${s.name} | ${s.images} | ${recallCell(s.textToImage)} | ${recallCell(s.imageToText)} | ${recallCell(s.nameToImage)} | ${pct(z.accuracy)} (chance ${pct(z.chance)}, majority ${pct(z.majority)}) | ${judge === undefined ? 'no judge' : pct(judge)} |`;
  });
  const compareRows = [{ dir, manifest, result }, ...compared].map(({ dir: d, manifest: m, result: r }) => {
    const both = r.sets.find((s) => s.name === 'held-out (both)')!;
    const mc = m.training.config as Record<string, unknown>;
    return `| ${String(mc.imageEncoder)} (\`${commandPath(d)}\`) | ${m.training.parameters.toLocaleString('en-US')} | ${m.training.steps} | ${m.training.wallTimeSeconds} s | ${recallCell(both.textToImage)} | ${pct(both.zeroShotSubcategory.accuracy)} |`;
  });

  const card = `# ${manifest.name}

A CLIP-style contrastive text–image encoder (Radford et al. 2021) trained on emoji: ${describe(manifest)}, projected to a joint ${clip.embedDim}-d embedding, L2-normalised. \`image-encoder.onnx\` maps \`image\` [batch, ${manifest.image.channels}, ${manifest.image.height}, ${manifest.image.width}] (RGB over white, [-1, 1]) to \`image_embeds\`; \`text-encoder.onnx\` maps \`input_ids\` [batch, ${tok.maxLength}] (word tokenizer, ${tok.vocab.length.toLocaleString('en-US')} tokens) to \`text_embeds\` and the per-token \`last_hidden_state\` (for cross-attention). Load it with \`createClip({ model })\` (browser or \`webgen/node\`).

| | |
| --- | --- |
| recipe | \`${t.recipe}\` (batch ${String(c.batchSize)}, lr ${String(c.lr)}, weight decay ${String(c.weightDecay)}, ${String(c.imageSize)}×${String(c.imageSize)} RGB, shifts ±${String(c.augShift)}, zoom ±${String(c.augScale)}, no colour jitter) |
| steps | ${t.steps.toLocaleString('en-US')} (${((t.steps * Number(c.batchSize)) / trainingPairs).toFixed(1)} passes over the ${trainingPairs.toLocaleString('en-US')} training pairs) |
| training time | ${t.wallTimeSeconds} s (${(t.wallTimeSeconds / 3600).toFixed(2)} h) on 2 CPU cores |
| parameters | ${t.parameters.toLocaleString('en-US')} |
| logit scale exp(t) | ${clip.logitScale.toFixed(2)} (learned from 1/0.07, clipped at 100) |
| files | ${files} |
| data | Noto Emoji (Apache-2.0) and Twemoji (CC-BY-4.0) via emoji-datasource 16.0.0, emojilib keywords (MIT); captions: name, short names, style, skin tone; keywords |

## Zero-shot on held-out emoji

Measured through the SDK (\`createClip\` on onnxruntime-node) on the images training never saw: **held-out-concept** (5% of concepts, every style and skin tone: things never seen) and **held-out-style** (a seen concept in the style it was never seen in). Recall@1 / @5 among all images of the set:

- *caption → image* and *image → caption*: each image's caption (its first ${tok.maxLength} words) against every image of the set, and back;
- *name → image*: each distinct emoji name ("father christmas") finds an image of that concept (any style or tone);
- *subcategory*: top-1 zero-shot accuracy with the ${concept.zeroShotSubcategory.labels} subcategory names as labels ("face smiling"), beside chance and the share of the largest subcategory; the last column is the supervised emoji judge's held-out subcategory accuracy on all images of the set (${ceiling ? `\`${opts.judgeDir ?? 'models/emoji-judge'}\`` : 'no judge given'}: the ceiling of zero-shot).

| held-out set | images | caption → image R@1 / R@5 | image → caption R@1 / R@5 | name → image R@1 / R@5 | subcategory (zero-shot) | judge (supervised) |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${concept.zeroShotSubcategory.accuracy < concept.zeroShotSubcategory.majority ? `Zero-shot subcategory accuracy on held-out concepts is ${times(concept.zeroShotSubcategory.accuracy, concept.zeroShotSubcategory.chance)} chance but below always answering the largest subcategory (${pct(concept.zeroShotSubcategory.majority)}), far under the supervised judge: the model ranks captions well and subcategory names poorly.\n\n` : ''}Target: caption → image R@5 on held-out concepts ≥ 5× chance: **${met ? 'met' : 'missed'}** (${pct(r5)} = ${times(r5, c5)} chance ${pct(c5)}${met ? '' : `; short of ${pct(5 * c5)} by ${pct(5 * c5 - r5)}`}).

## Image encoder: ViT vs CNN

Same data, text tower and embedding; held-out (both parts) figures.${compared.length > 0 ? ' Compare rows of equal training time: the same budget on the same machine (the steps differ because a step costs each tower differently).' : ''}

| image encoder | parameters | steps | training time | caption → image R@1 / R@5 | subcategory (zero-shot) |
| --- | --- | --- | --- | --- | --- |
${compareRows.join('\n')}
${compared.length === 0 ? `\nThe CNN tower has not been trained to the same wall time yet: \`webgen-train clip emoji-clip-cnn --steps N --export DIR\`, then this command with \`--compare DIR\`.\n` : ''}${attention}
Numbers from: \`${opts.command}\`
`;
  await writeFileAtomic(join(dir, 'card.md'), card);
  await writeFileAtomic(join(dir, 'eval.json'), `${JSON.stringify({ ...result, compared: compared.map((x) => ({ dir: commandPath(x.dir), ...x.result })) }, null, 2)}\n`);
  return { result, compared };
}
