/**
 * `webgen explain cross-attention --model DIR`: where a text-to-image model's cross-attention looks, word by word,
 * measured over many drawings (the DAAM picture, Tang et al. 2022, as a number): each prompt drawn with several seeds
 * through the SDK's Node entry (textToImage({ attentionMaps: true })), and for every word the share of its map's mass
 * on the drawn object (opaque pixels of an RGBA model; pixels unlike the corner colour otherwise) beside the object's
 * share of the image (what a map spread evenly would score). Words are grouped as the emoji captions are built: the
 * name's words, the style's name (noto, twemoji) and the word "style".
 */
import { massInside } from '../../sdk/explain/grad-cam.js';
import { heatOverlay } from '../../sdk/explain/heat-overlay.js';
import { createGenerator } from '../../sdk/node.js';
import type { GeneratedImage } from '../../sdk/types.js';
import { parseFlags } from '../cli/config-flags.js';
import { UsageError } from '../errors/usage-error.js';
import { intFlag } from '../eval/flags.js';
import { writeImageGrid } from '../image/image-grid.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** The demo's example prompts (demo/src/pages/emoji.ts): trained ones, new concepts and new (concept, style) pairs. */
const EMOJI_PROMPTS = ['grinning face, noto style', 'red apple, twemoji style', 'dog face, noto style', 'orange heart, noto style', 'slightly smiling face, twemoji style', 'black cat, twemoji style', 'tomato, noto style'];
const STYLE_NAMES = new Set(['noto', 'twemoji']);

export const CROSS_ATTENTION_HELP = `webgen explain cross-attention --model DIR [options]

Where each prompt word's cross-attention looks, over many drawings: the share of the word's map on the drawn object
against the object's share of the image (an even map scores the area), and the map's mean on the object over its
mean on the background (1: no preference). Emoji-style captions are grouped into the
name's words, the style's name and the word "style".

  --model DIR       a text-to-image model exported with its cross-attention outputs (webgen-train reexport adds them)
  --prompts LIST    prompts separated by ';' (default: the demo's seven emoji examples)
  --seeds N         drawings per prompt, seeds 0 … N-1 (default 8)
  --steps N         DDIM steps (default: the model's, else 10)
  --guidance X      guidance scale (default: the model's, else 3)
  --out FILE        PNG: per prompt (first seed) the drawing and one overlay per word
  --json FILE       write the figures as JSON`;

type Group = 'name' | 'style name' | "'style'";
const groupOf = (word: string): Group => (word === 'style' ? "'style'" : STYLE_NAMES.has(word) ? 'style name' : 'name');

/** The drawn object: opaque pixels when the image has transparency, else pixels unlike its top-left one. */
function objectMask(image: GeneratedImage): boolean[] {
  const d = image.data;
  const P = image.width * image.height;
  let transparent = false;
  for (let p = 0; p < P && !transparent; p++) transparent = d[p * 4 + 3]! < 255;
  return Array.from({ length: P }, (_, p) => (transparent ? d[p * 4 + 3]! >= 128 : [0, 1, 2].some((c) => Math.abs(d[p * 4 + c]! - d[c]!) > 25)));
}

interface WordFigure {
  word: string;
  group: Group;
  /** Mean share of the map's mass on the object, and the object's mean share of the image, over the drawings. */
  onObject: number;
  /** The map's mean on the object over its mean on the background, averaged over the drawings (1: no preference). */
  contrast: number;
  area: number;
  drawings: number;
}

export async function crossAttentionCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { model: { type: 'string' }, prompts: { type: 'string' }, seeds: { type: 'string' }, steps: { type: 'string' }, guidance: { type: 'string' }, out: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } }, 'See webgen explain cross-attention --help.', { positionals: false });
  if (values.help) {
    console.log(CROSS_ATTENTION_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('webgen explain cross-attention needs --model DIR (a text-to-image model, e.g. models/emoji-ldm)');
  const prompts = values.prompts === undefined ? EMOJI_PROMPTS : values.prompts.split(';').map((p) => p.trim()).filter(Boolean);
  if (prompts.length === 0) throw new UsageError("--prompts must name at least one prompt (separate them with ';')");
  const seeds = intFlag('seeds', values.seeds ?? '8', 1, 1000);
  const g = await createGenerator({ model: values.model });
  try {
    if (!g.manifest.files.unet?.outputs.some((o) => o.name.startsWith('cross_attention_'))) {
      throw new UsageError(`${values.model}: its U-Net has no cross-attention outputs; add them with webgen-train reexport --model ${values.model}`);
    }
    const steps = values.steps === undefined ? (g.manifest.sampling?.steps ?? 10) : intFlag('steps', values.steps, 1, 1000);
    const guidanceScale = values.guidance === undefined ? (g.manifest.sampling?.guidanceScale ?? 3) : Number(values.guidance);
    if (!(guidanceScale >= 1)) throw new UsageError(`--guidance must be a number ≥ 1, got ${values.guidance}`);
    const byWord = new Map<string, WordFigure>();
    const rows: { image: GeneratedImage; overlays: Uint8ClampedArray[] }[] = [];
    for (const prompt of prompts) {
      for (let seed = 0; seed < seeds; seed++) {
        const image = await g.textToImage({ prompt, steps, guidanceScale, seed, attentionMaps: true });
        const maps = image.attentionMaps!;
        const P = maps.width * maps.height;
        const mask = objectMask(image);
        const area = mask.filter(Boolean).length / P;
        maps.tokens.forEach((word, k) => {
          const map = maps.maps.subarray(k * P, (k + 1) * P);
          const f = byWord.get(word) ?? { word, group: groupOf(word), onObject: 0, contrast: 0, area: 0, drawings: 0 };
          const inside = massInside(map, mask);
          f.onObject += inside;
          // mean on / mean off = (inside / area) / ((1 − inside) / (1 − area))
          f.contrast += area > 0 && area < 1 && inside < 1 ? inside / area / ((1 - inside) / (1 - area)) : 1;
          f.area += area;
          f.drawings++;
          byWord.set(word, f);
        });
        if (seed === 0) rows.push({ image, overlays: maps.tokens.map((_, k) => heatOverlay(image, maps.maps.subarray(k * P, (k + 1) * P)).data as Uint8ClampedArray) });
      }
    }
    const words = [...byWord.values()].map((f) => ({ ...f, onObject: f.onObject / f.drawings, contrast: f.contrast / f.drawings, area: f.area / f.drawings }));
    const groups = (["name", 'style name', "'style'"] as Group[]).map((group) => {
      const members = words.filter((w) => w.group === group);
      const n = members.reduce((s, w) => s + w.drawings, 0);
      const mean = (k: 'onObject' | 'contrast') => members.reduce((s, w) => s + w[k] * w.drawings, 0) / (n || 1);
      return { group, words: members.length, onObject: mean('onObject'), contrast: mean('contrast'), area: members.reduce((s, w) => s + w.area * w.drawings, 0) / (n || 1), drawings: n };
    }).filter((x) => x.drawings > 0);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(`${g.manifest.name}: cross-attention of ${prompts.length} prompts × ${seeds} seeds (DDIM ${steps}, guidance ${guidanceScale}); map mass on the drawn object vs the object's area`);
    console.log('| words | drawings × words | map mass on the object | object area | object / background (mean map) |\n| --- | ---: | ---: | ---: | ---: |');
    for (const x of groups) console.log(`| ${x.group} | ${x.drawings} | ${pct(x.onObject)} | ${pct(x.area)} | ${x.contrast.toFixed(2)} |`);
    if (values.out) {
      const W = rows[0]!.image.width;
      const H = rows[0]!.image.height;
      const cols = 1 + Math.max(...rows.map((r) => r.overlays.length));
      const stack = new Float32Array(rows.length * cols * W * H * 4).fill(-1); // transparent where a row is short
      rows.forEach((r, i) => {
        [r.image.data, ...r.overlays].forEach((rgba, j) => {
          const base = (i * cols + j) * W * H * 4;
          for (let p = 0; p < W * H * 4; p++) stack[base + p] = (rgba[p]! / 255) * 2 - 1;
        });
      });
      await writeImageGrid(values.out, stack, [rows.length * cols, H, W, 4], { cols, scale: 2, alpha: 'checkerboard' });
      console.log(`wrote ${values.out}`);
    }
    if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ model: g.manifest.name, prompts, seeds, steps, guidanceScale, groups, words }, null, 2)}\n`);
    return 0;
  } finally {
    await g.dispose();
  }
}
