// The autoencoder API in the browser end to end: the built SDK's createAutoencoder in Debian's Chromium (Playwright),
// the shipped emoji-vae's encoder and decoder in the SDK's worker on onnxruntime-web's WebAssembly backend. Real emoji
// (the committed Noto fixture) go in as an <img>, an ImageBitmap and raw RGBA; latents, reconstructions and walks come
// back, and bad input crosses the worker as the typed error naming its parameter.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageError } from '../scripts/e2e/compare.js';
import { startHarness, type Harness } from '../scripts/e2e/harness.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';

const EMOJI = join(REPO, 'tests', 'fixtures', 'emoji', 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64');
/** Faces and objects with transparent corners and an opaque middle. */
const NAMES = ['1f600', '1f34e', '1f431'];

type Err = PageError & { parameter?: string };
interface Load {
  id?: number;
  backend?: string;
  latentShape?: number[];
  quantization?: string;
  scalingFactor?: number;
  events: Record<string, unknown>[];
  error?: Err;
}
interface Img {
  width: number;
  height: number;
  data: number[];
}
interface Run {
  latents?: { shape: number[]; length: number; finite: boolean; isFloat32: boolean };
  images?: Img[];
  error?: Err;
}

// Page side, as a string so vitest's transform leaves it alone: createAutoencoder through the built SDK (window.webgen,
// set by tests/e2e/page/harness.js). Inputs are named ('img:1f600', 'bitmap:1f600', 'rgba:1f600') and read on the main
// thread, as an app would (h.readImage); results go back as plain data.
const PAGE_HELPERS = `
window.aeT = (() => {
  const models = new Map();
  let next = 0;
  const describe = (e) => h.describeError(e);
  const read = (ref) => h.readImage(ref);
  const images = (list) => list.map((i) => ({ width: i.width, height: i.height, data: Array.from(i.data) }));
  // Plain { data: number[], shape } → Latents; anything else is passed as it is (bad input on purpose).
  const latents = (x) => (x && Array.isArray(x.data) ? { data: Float32Array.from(x.data), shape: x.shape } : x);
  return {
    async load(model, options) {
      const events = [];
      try {
        const ae = await webgen.createAutoencoder({ model, ...options, onProgress: (e) => events.push(e) });
        models.set(++next, ae);
        return { id: next, backend: ae.backend, latentShape: [...ae.latentShape], quantization: ae.quantization, scalingFactor: ae.scalingFactor, events };
      } catch (e) {
        return { error: describe(e), events };
      }
    },
    async encode(id, refs) {
      try {
        const z = await models.get(id).encode(await Promise.all(refs.map(read)));
        return { latents: { shape: [...z.shape], length: z.data.length, finite: z.data.every(Number.isFinite), isFloat32: z.data instanceof Float32Array } };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    /** encode, then decode the same latents: what a page that edits latents does. */
    async roundTrip(id, ref) {
      try {
        const ae = models.get(id);
        return { images: images(await ae.decode(await ae.encode(await read(ref)))) };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    async decode(id, z) {
      try {
        return { images: images(await models.get(id).decode(latents(z))) };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    async reconstruct(id, refs) {
      try {
        return { images: images(await models.get(id).reconstruct(await Promise.all(refs.map(read)))) };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    async walk(id, method, options) {
      try {
        const o = { ...options };
        for (const k of ['from', 'to', 'image']) if (k in o) o[k] = typeof o[k] === 'string' ? await read(o[k]) : latents(o[k]);
        return { images: images(await models.get(id)[method](o)) };
      } catch (e) {
        return { error: describe(e) };
      }
    },
    async dispose(id) {
      await models.get(id).dispose();
    },
  };
})();
`;

let h: Harness;
const SLOW = 180_000;
const VAE = '/models/emoji-vae';

const ev = <T>(fn: string, ...args: unknown[]): Promise<T> => h.page.evaluate(([f, a]) => (window as any).aeT[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
const load = (model: string, options: Record<string, unknown> = {}) => ev<Load>('load', model, { backend: 'wasm', cache: false, ...options });

/** Alpha at pixel (x, y). */
const alphaAt = (img: Img, x: number, y: number) => img.data[(y * img.width + x) * 4 + 3]!;
/** Distinct red levels (blank → 1). */
const levels = (img: Img) => new Set(img.data.filter((_, i) => i % 4 === 0)).size;

beforeAll(async () => {
  h = await startHarness({ mounts: { '/emoji': EMOJI } });
  await h.page.evaluate(PAGE_HELPERS);
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('createAutoencoder in the browser (emoji-vae, WebAssembly)', () => {
  let id: number;

  it('loads the shipped emoji-vae and describes its latent space', async () => {
    const r = await load(VAE);
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('wasm');
    expect(r.latentShape).toEqual([4, 16, 16]);
    expect(r.quantization).toBe('kl');
    expect(r.scalingFactor).toBeGreaterThan(0);
    expect(r.events.at(-1)).toMatchObject({ status: 'ready', backend: 'wasm' });
    id = r.id!;
  }, SLOW);

  it('encodes real emoji given as an <img>, an ImageBitmap and RGBA pixels to [n, 4, 16, 16] latents', async () => {
    const r = await ev<Run>('encode', id, [`img:${NAMES[0]}`, `bitmap:${NAMES[1]}`, `rgba:${NAMES[2]}`]);
    expect(r.error).toBeUndefined();
    expect(r.latents).toEqual({ shape: [3, 4, 16, 16], length: 3 * 4 * 16 * 16, finite: true, isFloat32: true });
    // One image (not a list) is a batch of one.
    expect((await ev<Run>('encode', id, [`bitmap:${NAMES[0]}`])).latents!.shape).toEqual([1, 4, 16, 16]);
  }, SLOW);

  it('reconstructs emoji at 64×64 RGBA with the transparent corner kept and the middle opaque', async () => {
    const r = await ev<Run>('reconstruct', id, NAMES.map((n) => `img:${n}`));
    expect(r.error).toBeUndefined();
    expect(r.images).toHaveLength(NAMES.length);
    for (const [i, img] of r.images!.entries()) {
      expect([img.width, img.height], NAMES[i]).toEqual([64, 64]);
      expect(alphaAt(img, 1, 1), `${NAMES[i]} corner`).toBeLessThan(40);
      expect(alphaAt(img, 32, 32), `${NAMES[i]} middle`).toBeGreaterThan(200);
      expect(levels(img), NAMES[i]).toBeGreaterThan(16);
    }
    // decode(encode(x)) across two worker calls is reconstruct(x).
    const two = await ev<Run>('roundTrip', id, `img:${NAMES[0]}`);
    expect(two.images![0]!.data).toEqual(r.images![0]!.data);
  }, SLOW);

  it('interpolates and traverses with the frame counts asked for', async () => {
    const path = await ev<Run>('walk', id, 'interpolate', { from: `img:${NAMES[0]}`, to: `bitmap:${NAMES[1]}`, frames: 5 });
    expect(path.error).toBeUndefined();
    expect(path.images).toHaveLength(5);
    expect(path.images![0]!.data).not.toEqual(path.images![4]!.data);
    expect((await ev<Run>('walk', id, 'interpolate', { from: `img:${NAMES[0]}`, to: `img:${NAMES[2]}` })).images).toHaveLength(8);
    const sweep = await ev<Run>('walk', id, 'traverse', { image: `img:${NAMES[2]}`, dim: 3, range: [-2, 2], frames: 4 });
    expect(sweep.error).toBeUndefined();
    expect(sweep.images).toHaveLength(4);
    expect(sweep.images![0]!.data).not.toEqual(sweep.images![3]!.data);
    expect((await ev<Run>('walk', id, 'traverse', { image: `img:${NAMES[2]}`, dim: 0 })).images).toHaveLength(7);
  }, SLOW);

  it('bad input crosses the worker as InvalidInputError naming the parameter', async () => {
    const zeros = (n: number) => Array.from({ length: n }, () => 0);
    const shape = await ev<Run>('decode', id, { data: zeros(4 * 8 * 8), shape: [1, 4, 8, 8] });
    expect(shape.error).toMatchObject({ name: 'InvalidInputError', typed: true, sdkError: true, parameter: 'latents.shape' });
    expect(shape.error!.message).toMatch(/must be \[count, 4, 16, 16\]/);
    const length = await ev<Run>('decode', id, { data: zeros(10), shape: [1, 4, 16, 16] });
    expect(length.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'latents.data' });
    const one = await ev<Run>('walk', id, 'interpolate', { from: `img:${NAMES[0]}`, to: `img:${NAMES[1]}`, frames: 1 });
    expect(one.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'frames' });
    const dim = await ev<Run>('walk', id, 'traverse', { image: `img:${NAMES[0]}`, dim: 4 });
    expect(dim.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'dim' });
    expect(dim.error!.message).toMatch(/latentShape is \[4,16,16\]/);
    const noImage = await ev<Run>('walk', id, 'traverse', { dim: 0 });
    expect(noImage.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'image' });
    // Still usable after the refusals.
    expect((await ev<Run>('reconstruct', id, [`rgba:${NAMES[0]}`])).images).toHaveLength(1);
  }, SLOW);

  it("a model that is not an autoencoder is refused as InvalidInputError on 'model'", async () => {
    const r = await load('/models/mnist-dcgan');
    expect(r.error).toMatchObject({ name: 'InvalidInputError', typed: true, parameter: 'model' });
    expect(r.error!.message).toMatch(/is a 'gan-generator': createAutoencoder loads 'autoencoder' models only/);
  }, SLOW);

  it('after dispose every call is a ModelLoadError', async () => {
    await ev('dispose', id);
    for (const r of [await ev<Run>('encode', id, [`img:${NAMES[0]}`]), await ev<Run>('reconstruct', id, [`img:${NAMES[0]}`]), await ev<Run>('walk', id, 'traverse', { image: `img:${NAMES[0]}`, dim: 0 })]) {
      expect(r.error).toMatchObject({ name: 'ModelLoadError', typed: true });
      expect(r.error!.message).toMatch(/was disposed; create a new one with createAutoencoder/);
    }
  }, SLOW);
});
