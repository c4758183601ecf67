// The CLIP API in the browser end to end: the built SDK's createClip in Debian's Chromium (Playwright), the smoke CLIP
// (tests/helpers/clip-smoke.ts, exported into the harness's scratch folder) in the SDK's worker on onnxruntime-web's
// WebAssembly backend. Texts and real emoji (an <img>, an ImageBitmap, raw RGBA) go in; embeddings, zero-shot
// rankings and CLIP scores come back equal to the Node entry's on the same model; bad input arrives as the typed
// error naming its parameter, a wrong model kind from inside the worker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageError } from '../scripts/e2e/compare.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { createClip, type Clip, type RgbaImage } from '../sdk/node.js';
import { EMOJI_FIXTURE, exportSmokeClip } from './helpers/clip-smoke.js';

const EMOJI = join(EMOJI_FIXTURE, 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64');
const NAMES = ['1f600', '1f34e', '1f431'];

type Err = PageError & { parameter?: string };
interface Rows {
  shape: number[];
  data: number[];
  isFloat32: boolean;
  unknownWords?: string[][];
}
interface Result<T> {
  value?: T;
  error?: Err;
}
interface Load {
  id?: number;
  backend?: string;
  embedDim?: number;
  logitScale?: number;
  events: Record<string, unknown>[];
  error?: Err;
}

// Page side, as a string so vitest's transform leaves it alone: createClip through the built SDK (window.webgen, set by
// tests/e2e/page/harness.js); images named as in e2e-sdk-autoencoder and read on the main thread (h.readImage).
const PAGE_HELPERS = `
window.clipT = (() => {
  const models = new Map();
  let next = 0;
  const rows = (e) => ({ shape: [...e.shape], data: Array.from(e.data), isFloat32: e.data instanceof Float32Array, unknownWords: e.unknownWords });
  const attempt = async (fn) => {
    try {
      return { value: await fn() };
    } catch (e) {
      return { error: h.describeError(e) };
    }
  };
  const read = (refs) => (Array.isArray(refs) ? Promise.all(refs.map((r) => h.readImage(r))) : h.readImage(refs));
  return {
    async load(model, options) {
      const events = [];
      const r = await attempt(async () => {
        const clip = await webgen.createClip({ model, ...options, onProgress: (e) => events.push(e) });
        models.set(++next, clip);
        return { id: next, backend: clip.backend, embedDim: clip.embedDim, logitScale: clip.logitScale };
      });
      return { ...r.value, error: r.error, events };
    },
    embedText: (id, texts) => attempt(async () => rows(await models.get(id).embedText(texts))),
    embedImages: (id, refs) => attempt(async () => rows(await models.get(id).embedImages(await read(refs)))),
    zeroShot: (id, options) => attempt(async () => models.get(id).zeroShot({ ...options, image: await read(options.image) })),
    clipScore: (id, refs, prompts) => attempt(async () => models.get(id).clipScore(await read(refs), prompts)),
    async dispose(id) {
      await models.get(id).dispose();
    },
  };
})();
`;

let h: Harness;
let node: Clip;
let id: number;
const SLOW = 180_000;
const MODEL = '/scratch/clip-smoke';

const ev = <T>(fn: string, ...args: unknown[]): Promise<T> => h.page.evaluate(([f, a]) => (window as any).clipT[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
const png = (name: string): RgbaImage => {
  const p = PNG.sync.read(readFileSync(join(EMOJI, `${name}.png`)));
  return { width: p.width, height: p.height, data: new Uint8ClampedArray(p.data) };
};

beforeAll(async () => {
  h = await startHarness({ mounts: { '/emoji': EMOJI } });
  await h.page.evaluate(PAGE_HELPERS);
  const smoke = await exportSmokeClip(join(h.scratch, 'clip-smoke'));
  node = await createClip({ model: smoke.dir });
}, 300_000);

afterAll(async () => {
  await node?.dispose();
  await h?.close();
});

describe('createClip in the browser (smoke CLIP, WebAssembly)', () => {
  it('loads both encoders in the worker and describes the embedding', async () => {
    const r = await ev<Load>('load', MODEL, { backend: 'wasm', cache: false });
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('wasm');
    expect(r.embedDim).toBe(8);
    expect(r.logitScale).toBeCloseTo(1 / 0.07, 4);
    expect(r.events.at(-1)).toMatchObject({ status: 'ready', backend: 'wasm' });
    id = r.id!;
  }, SLOW);

  it("embedText: unit rows equal to the Node entry's, unknown words reported", async () => {
    const texts = ['grinning face', 'red apple noto style', 'zebra cat'];
    const r = await ev<Result<Rows>>('embedText', id, texts);
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ shape: [3, 8], isFloat32: true, unknownWords: [[], [], ['zebra']] });
    expect(maxDiff(r.value!.data, (await node.embedText(texts)).data)).toBeLessThan(1e-4);
    for (let i = 0; i < 3; i++) expect(Math.hypot(...r.value!.data.slice(i * 8, i * 8 + 8))).toBeCloseTo(1, 4);
  }, SLOW);

  it('embedImages: an <img>, an ImageBitmap and RGBA pixels, as the Node entry embeds the decoded PNGs', async () => {
    const r = await ev<Result<Rows>>('embedImages', id, [`img:${NAMES[0]}`, `bitmap:${NAMES[1]}`, `rgba:${NAMES[2]}`]);
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ shape: [3, 8], isFloat32: true });
    // A canvas keeps colour premultiplied by alpha, so semi-transparent edge pixels can come back a byte off.
    expect(maxDiff(r.value!.data, (await node.embedImages(NAMES.map(png))).data)).toBeLessThan(1e-3);
  }, SLOW);

  it('zeroShot ranks the labels as the Node entry does; probabilities sum to 1', async () => {
    const options = { image: `img:${NAMES[1]}`, labels: ['red apple', 'grinning face', 'cat face', 'pizza'], template: '{label} noto style' };
    const r = await ev<Result<{ label: string; probability: number; similarity: number }[]>>('zeroShot', id, options);
    expect(r.error).toBeUndefined();
    const want = await node.zeroShot({ ...options, image: png(NAMES[1]!) });
    expect(r.value!.map((x) => x.label)).toEqual(want.map((x) => x.label));
    expect(r.value!.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 6);
    r.value!.forEach((x, k) => expect(x.probability).toBeCloseTo(want[k]!.probability, 2));
  }, SLOW);

  it("clipScore: one score in [0, 100] per pair, the Node entry's", async () => {
    const prompts = ['grinning face', 'red apple', 'cat face'];
    const r = await ev<Result<number[]>>('clipScore', id, NAMES.map((n) => `bitmap:${n}`), prompts);
    expect(r.error).toBeUndefined();
    expect(r.value).toHaveLength(3);
    const want = await node.clipScore(NAMES.map(png), prompts);
    r.value!.forEach((s, k) => expect(s).toBeCloseTo(want[k]!, 1));
  }, SLOW);

  it('bad input is the typed error naming its parameter; a model of another kind is refused inside the worker', async () => {
    const long = await ev<Result<Rows>>('embedText', id, ['pizza', Array.from({ length: 13 }, () => 'cat').join(' ')]);
    expect(long.error).toMatchObject({ name: 'PromptTooLongError', typed: true, sdkError: true, parameter: 'texts[1]' });
    const twice = await ev<Result<unknown>>('zeroShot', id, { image: `img:${NAMES[0]}`, labels: ['pizza', 'pizza'] });
    expect(twice.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'labels' });
    const lengths = await ev<Result<unknown>>('clipScore', id, [`img:${NAMES[0]}`], ['a', 'b']);
    expect(lengths.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'prompts' });
    const gan = await ev<Load>('load', '/models/mnist-dcgan', { backend: 'wasm', cache: false });
    expect(gan.error).toMatchObject({ name: 'InvalidInputError', typed: true, sdkError: true, parameter: 'model' });
    expect(gan.error!.message).toMatch(/is a 'gan-generator': createClip loads 'clip' models only/);
    // Still usable after the refusals.
    expect((await ev<Result<Rows>>('embedText', id, 'pizza')).value!.shape).toEqual([1, 8]);
  }, SLOW);

  it('after dispose every call is a ModelLoadError', async () => {
    await ev('dispose', id);
    for (const r of [await ev<Result<Rows>>('embedText', id, 'pizza'), await ev<Result<unknown>>('zeroShot', id, { image: `img:${NAMES[0]}`, labels: ['pizza'] })]) {
      expect(r.error).toMatchObject({ name: 'ModelLoadError', typed: true });
      expect(r.error!.message).toMatch(/was disposed; create a new one with createClip/);
    }
  }, SLOW);
});
