/**
 * `webgen explain attention-distance --model DIR`: the mean attention distance (sdk/explain/attention-distance.ts) of
 * every head of every attention block of a shipped ViT — a CLIP image encoder on held-out emoji, or a ViTGAN generator
 * on random latents — read from the model's own ONNX file with its attention probabilities tapped
 * (attention-taps.ts), run by onnxruntime-node. Prints a table (blocks × heads, pixels), optionally writes the
 * figure (--plot FILE.svg) and JSON.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { meanAttentionDistance, squarePatchGrid, uniformAttentionDistance, type PatchGrid } from '../../sdk/explain/attention-distance.js';
import type { Manifest } from '../../sdk/manifest/types.js';
import { Rng } from '../../sdk/random/rng.js';
import { parseFlags } from '../cli/config-flags.js';
import { loadEmojiDataset } from '../data/emoji/emoji-dataset.js';
import { defaultEmojiDir } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { intFlag } from '../eval/flags.js';
import { withAttentionOutputs } from './attention-taps.js';
import { distancePlotSvg } from './distance-plot.js';

export const ATTENTION_DISTANCE_HELP = `webgen explain attention-distance --model DIR [options]

The mean attention distance of each head (Dosovitskiy et al. 2020, Fig. 7; Raghu et al. 2021): for each query patch,
the attention-weighted distance in pixels to the key patches, averaged over patches and inputs. Class tokens are left
out (patch rows renormalised). Models: a CLIP (kind 'clip', ViT image encoder; inputs: the emoji held-out images) or a
ViTGAN generator (kind 'gan-generator'; inputs: random latents and classes).

  --model DIR     the model folder
  --inputs N      images or latents to average over (default 256)
  --seed N        seed of the latents (default 0)
  --plot FILE     write the figure as SVG (one column per block, one dot per head)
  --json FILE     write the table as JSON`;

const BATCH = 32;

/** A model's attention-bearing file and the batches that feed it. */
interface Subject {
  role: string;
  imageSize: number;
  feeds(count: number, seed: number): Generator<Record<string, ort.Tensor>>;
  inputs: string;
}

export async function attentionDistanceCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { model: { type: 'string' }, inputs: { type: 'string' }, seed: { type: 'string' }, plot: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } }, 'See webgen explain attention-distance --help.', { positionals: false });
  if (values.help) {
    console.log(ATTENTION_DISTANCE_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen explain attention-distance needs --model DIR (a CLIP or ViTGAN model folder)');
  const count = intFlag('inputs', values.inputs ?? '256', 1, 100_000);
  const seed = intFlag('seed', values.seed ?? '0', 0, 2 ** 32 - 1);
  const dir = resolve(values.model);
  const manifest = await verifyModelFolder(dir);
  const subject = subjectOf(manifest, values.model);
  const { bytes, taps } = withAttentionOutputs(new Uint8Array(await readFile(join(dir, manifest.files[subject.role]!.path))), (t) => t.kind === 'self');
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  const sums: Float64Array[] = taps.map(() => new Float64Array(0));
  let grid: PatchGrid | undefined;
  let seen = 0;
  for (const feeds of subject.feeds(count, seed)) {
    const out = await session.run(feeds, taps.map((t) => t.output));
    const B = Number(Object.values(feeds)[0]!.dims[0]);
    taps.forEach((t, i) => {
      const w = out[t.output]!;
      const dims = w.dims.map(Number);
      if (dims.length !== 4 || dims[2] !== dims[3]) throw new UsageError(`${values.model}: attention '${t.layer}' has shape [${dims.join(', ')}], not [batch, heads, tokens, tokens]`);
      grid ??= squarePatchGrid(dims[2]!, subject.imageSize);
      if (!grid) throw new UsageError(`${values.model}: attention '${t.layer}' over ${dims[2]} tokens is not a square patch grid (with or without a class token)`);
      const d = meanAttentionDistance(w.data as Float32Array, dims as [number, number, number, number], grid);
      if (sums[i]!.length === 0) sums[i] = new Float64Array(d.length);
      d.forEach((v, h) => (sums[i]![h]! += v * B));
    });
    seen += B;
  }
  await session.release();
  const layers = sums.map((s) => [...s].map((v) => v / seen));
  const g = grid!;
  console.log(`${manifest.name}: mean attention distance (pixels) over ${seen} ${subject.inputs}; ${g.rows}x${g.cols} patches of ${g.patchSize} px${g.prefix ? `, ${g.prefix} class token left out` : ''}; uniform attention would score ${uniformAttentionDistance(g).toFixed(2)}, attending to itself 0`);
  const heads = layers[0]!.length;
  console.log(['| block |', ...Array.from({ length: heads }, (_, h) => ` head ${h} |`), ' mean |'].join(''));
  console.log(['| --- |', ...Array.from({ length: heads + 1 }, () => ' ---: |')].join(''));
  layers.forEach((l, i) => console.log(`| ${i} (${taps[i]!.layer}) |${l.map((v) => ` ${v.toFixed(2)} |`).join('')} ${(l.reduce((a, b) => a + b, 0) / l.length).toFixed(2)} |`));
  if (values.plot) await writeFileAtomic(values.plot, distancePlotSvg(`${manifest.name}: mean attention distance per head`, layers, subject.imageSize));
  if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ model: manifest.name, inputs: seen, grid: g, uniform: uniformAttentionDistance(g), layers: taps.map((t, i) => ({ layer: t.layer, heads: layers[i] })) }, null, 2)}\n`);
  return 0;
}

function subjectOf(m: Manifest, flag: string): Subject {
  if (m.kind === 'clip' && m.files.imageEncoder) {
    const file = m.files.imageEncoder;
    const { width, height, channels } = m.image;
    const input = file.inputs[0]!.name;
    return {
      role: 'imageEncoder',
      imageSize: width,
      inputs: 'held-out emoji images',
      *feeds(count) {
        const data = loadEmojiDataset({ dir: defaultEmojiDir(), part: 'held-out', width, height, channels: channels as 1 | 3 | 4 });
        const n = Math.min(count, data.size);
        for (let s = 0; s < n; s += BATCH) {
          const B = Math.min(BATCH, n - s);
          const x = new Float32Array(B * channels * height * width);
          for (let b = 0; b < B; b++) {
            const im = data.get(s + b).image; // [H, W, C]
            for (let p = 0; p < height * width; p++) for (let c = 0; c < channels; c++) x[(b * channels + c) * height * width + p] = im[p * channels + c]!;
          }
          yield { [input]: new ort.Tensor('float32', x, [B, channels, height, width]) };
        }
      },
    };
  }
  if (m.kind === 'gan-generator' && m.files.generator) {
    const file = m.files.generator;
    const z = file.inputs.find((i) => i.name === 'z');
    const zDim = Number(z?.shape[1]);
    const classes = m.conditioning?.classes?.length;
    if (!z || !Number.isInteger(zDim)) throw new UsageError(`${flag}: the generator has no 'z' input of a fixed width`);
    return {
      role: 'generator',
      imageSize: m.image.width,
      inputs: 'random latents',
      *feeds(count, seed) {
        const rng = new Rng(seed);
        for (let s = 0; s < count; s += BATCH) {
          const B = Math.min(BATCH, count - s);
          yield {
            z: new ort.Tensor('float32', rng.normalArray(B * zDim), [B, zDim]),
            ...(classes && file.inputs.some((i) => i.name === 'class_labels') && { class_labels: new ort.Tensor('int64', BigInt64Array.from({ length: B }, () => BigInt(rng.int(classes))), [B]) }),
          };
        }
      },
    };
  }
  throw new UsageError(`${flag}: attention distance reads a ViT: a CLIP model (kind 'clip') or a ViTGAN generator (kind 'gan-generator'), got kind '${m.kind}'`);
}

